/**
 * `ztait drift`: does the account still match the code, invariant by invariant? The code's inventory
 * (HCL, a plan's planned values, or a state) and the account's (the probe, live or a snapshot) are
 * matched object by object (match.ts, following the probe's mapping), their invariant-relevant
 * attributes compared (compare.ts), and the same rules judge both sides (verdicts.ts), so that each
 * difference says which invariants it changes. Nothing here reads AWS or files: the CLI does.
 */
import { createHash } from 'node:crypto';
import type { Inventory, Resource } from '../model/inventory.js';
import { label } from '../model/inventory.js';
import { clock, runChecks } from '../engine.js';
import { VERSION } from '../version.js';
import { DEFAULT_PREFIX } from '../sources/aws/defaults.js';
import type { CheckResult } from '../model/result.js';
import { isManagedAfterChange } from '../model/changes.js';
import { isObject } from '../model/value.js';
import { Folds, FOLDED_TYPES } from './fold.js';
import { KIND_OF, relevanceOf, type KindContext } from './kinds.js';
import { matchAll } from './match.js';
import { NotCompared, compareObjects, locate, type RawItem } from './compare.js';
import { Side } from './side.js';
import { impactsOf, invariantIds, named, statusOf } from './verdicts.js';
import type { DriftItem, DriftKind, DriftResult } from './model.js';

export type { DriftResult, DriftItem } from './model.js';

export interface DriftOptions {
  /** How the code was read: a directory of HCL, a plan, a state. */
  codeKind: 'hcl' | 'plan' | 'state';
  /** What the code was given as (the directory, the plan or state file), for the reports. */
  codeLabel?: string;
  /** The governed namespace (default: the one the account was read with). */
  prefix?: string;
  commandLine?: string;
  checks?: string[];
  skipChecks?: string[];
  /** Any drift exits 1, not only drift that bears on an invariant. */
  failOnAnyDrift?: boolean;
}

const KIND_ORDER: DriftKind[] = ['changed', 'unmanaged', 'missing', 'ambiguous', 'unreadable'];

export function computeDrift(code: Inventory, account: Inventory, opts: DriftOptions, accountPrefix = DEFAULT_PREFIX): DriftResult {
  const prefix = opts.prefix ?? accountPrefix;
  const accountSide = new Side('account', account);
  const codeSide = new Side('code', code, accountSide);
  const codeCtx: KindContext = { side: codeSide, folds: new Folds(codeSide), prefix };
  const accCtx: KindContext = { side: accountSide, folds: new Folds(accountSide), prefix };
  const skipped = new NotCompared();

  const m = matchAll(codeCtx, accCtx);
  const { items: changed, compared } = compareObjects(m.pairs, codeCtx, accCtx, skipped);
  const gapTypes = wholeTypeGaps(account);
  const raw: RawItem[] = [...changed];
  for (const u of m.unmanaged)
    raw.push({ kind: 'unmanaged', spec: u.spec, type: u.spec.kind, account: u.account, accountSource: u.account });
  for (const x of m.missing) {
    const gap = x.spec.types.find((t) => gapTypes.has(t));
    if (gap) skipped.add(`the account's ${gap} could not be listed (${account.gaps![gap]})`, x.code.address);
    else raw.push({ kind: 'missing', spec: x.spec, type: x.spec.kind, code: x.code, codeSource: x.code });
  }
  for (const a of m.ambiguous)
    raw.push({
      kind: 'ambiguous',
      spec: a.spec,
      type: a.spec.kind,
      code: a.code,
      codeSource: a.code,
      candidates: a.candidates.map((c) => c.arn ?? c.address).sort(),
      reason: `${a.candidates.length} resources of the account fit what the code knows of it: not guessed`,
    });
  for (const [key, why] of Object.entries(account.gaps ?? {})) {
    const type = key.split('.')[0]!;
    if (!KIND_OF.has(type) && !FOLDED_TYPES.has(type)) continue;
    const attribute = key.slice(type.length + 1);
    raw.push({
      kind: 'unreadable',
      type,
      name: key,
      ...(attribute ? { attribute } : {}),
      reason: `could not be read in the account: ${why}`,
    });
  }
  for (const u of m.unread) skipped.add(`not read by the probe: ${u.why}`, u.code.address);
  for (const o of codeCtx.folds.orphans) skipped.add(`belongs to nothing the code defines (${o.why})`, o.resource.address);
  noteUnprobedTypes(code, skipped);

  const engine = {
    commandLine: opts.commandLine ?? 'ztait drift',
    prefix,
    ...(opts.checks ? { checks: opts.checks } : {}),
    ...(opts.skipChecks ? { skipChecks: opts.skipChecks } : {}),
  };
  const results = { code: runChecks(code, engine), account: runChecks(account, engine) };
  const ids = invariantIds(results.code, results.account);
  const n = named(results.code, results.account);
  const items = raw.map((r) => toItem(r, ids, n, results, codeCtx, accCtx));
  attributeVerdicts(items, raw, ids, results);
  items.sort(byImportance);

  const verdicts = ids.map((id) => ({
    id,
    title: results.account.invariants.find((i) => i.id === id)?.title ?? id,
    code: statusOf(results.code, id),
    account: statusOf(results.account, id),
    drift: items.filter((i) => i.invariants.some((x) => x.invariant === id)).map((i) => i.fingerprint),
  }));
  const count = (k: DriftKind): number => items.filter((i) => i.kind === k).length;
  // an undecided comparison is not "no drift": it counts as drift that may bear on an invariant
  const affecting = items.filter((i) => i.invariants.length > 0 || i.kind === 'ambiguous' || i.kind === 'unreadable').length;
  const alarming = items.filter((i) => i.alarming).length;
  const result: DriftResult = {
    tool: { name: 'ztait', version: VERSION },
    generated_at: clock().toISOString(),
    command_line: engine.commandLine,
    code: {
      kind: opts.codeKind,
      ...(opts.codeLabel ? { label: opts.codeLabel } : {}),
      inputs: code.inputs.map((i) => ({ path: i.path, sha256: i.sha256 })),
    },
    account: {
      inputs: account.inputs.map((i) => ({ path: i.path, sha256: i.sha256 })),
      ...(account.account?.id ? { id: account.account.id } : {}),
      ...(account.account?.region ? { region: account.account.region } : {}),
      ...(account.account?.caller ? { caller: account.account.caller } : {}),
      prefix,
    },
    summary: {
      changed: count('changed'),
      unmanaged: count('unmanaged'),
      missing: count('missing'),
      ambiguous: count('ambiguous'),
      unreadable: count('unreadable'),
      affecting,
      alarming,
      matched: m.pairs.length,
      attributes_compared: compared,
    },
    items,
    verdicts,
    not_compared: skipped.list(),
    limitations: [
      ...(account.limitations ?? []).map((l) => `account: ${l}`),
      ...code.diagnostics.filter((d) => d.severity === 'error').map((d) => `code: ${d.file ? `${d.file}: ` : ''}${d.message}`),
    ],
    outcome: outcome(
      items,
      affecting,
      alarming,
      Boolean(opts.failOnAnyDrift),
      code.diagnostics.filter((d) => d.severity === 'error').length,
    ),
  };
  return redact(result, [...code.secrets, ...account.secrets]);
}

function outcome(items: DriftItem[], affecting: number, alarming: number, anyDrift: boolean, codeErrors: number): DriftResult['outcome'] {
  // Undecided is not "no drift": a file that did not parse hides resources that were then not compared.
  if (codeErrors > 0)
    return {
      exit: 2,
      reason: `the code could not be read in full (${codeErrors} input error(s), under limitations): what they hide was not compared${affecting > 0 ? `; ${affecting} drift item(s) bear on an invariant` : ''}`,
    };
  if (items.length === 0) return { exit: 0, reason: 'the account matches the code in everything compared' };
  if (affecting > 0)
    return {
      exit: 1,
      reason: `${affecting} drift item(s) bear on an invariant${alarming > 0 ? `, ${alarming} of them passing in the code and failing in the account` : ''}`,
    };
  if (anyDrift) return { exit: 1, reason: `${items.length} drift item(s), none bearing on an invariant (--fail-on-any-drift)` };
  return { exit: 0, reason: `${items.length} drift item(s), none bearing on an invariant` };
}

/** Types whose listing failed in the account: their code resources cannot be called missing. */
function wholeTypeGaps(inv: Inventory): Set<string> {
  return new Set(Object.keys(inv.gaps ?? {}).filter((k) => !k.includes('.')));
}

/** The code's resources of types the probe never reads (KMS keys, queues, log groups...): named once per type. */
function noteUnprobedTypes(code: Inventory, skipped: NotCompared): void {
  for (const r of code.resources) {
    if (r.mode !== 'managed' || !isManagedAfterChange(r) || KIND_OF.has(r.type) || FOLDED_TYPES.has(r.type)) continue;
    skipped.add('types the probe does not read', r.type);
  }
}

/** The name a reader knows: the AWS name, a route's key, a Name tag, else the address. */
function nameOf(r: Resource): string {
  const known = label(r);
  if (known !== r.address) return known;
  const tags = r.values.tags;
  for (const v of [r.values.route_key, isObject(tags) ? tags.Name : undefined, r.values.service_name])
    if (typeof v === 'string' && v) return v;
  return r.address;
}

function fingerprint(parts: (string | undefined)[]): string {
  return createHash('sha256')
    .update(parts.map((p) => p ?? '').join('\u0000'))
    .digest('hex')
    .slice(0, 16);
}

/** Every resource that makes up an object on its side: its own and the ones folded into it. */
function members(r: Resource | undefined, c: KindContext): Resource[] {
  if (!r) return [];
  return [r, ...[...FOLDED_TYPES].flatMap((t) => c.folds.children(r, t))];
}

function toItem(
  r: RawItem,
  ids: readonly string[],
  n: ReturnType<typeof named>,
  results: { code: CheckResult; account: CheckResult },
  codeCtx: KindContext,
  accCtx: KindContext,
): DriftItem {
  const spec = r.spec ?? KIND_OF.get(r.type);
  const relevant = (spec ? relevanceOf(spec, r.attribute) : []).filter((id) => ids.includes(id));
  const names = {
    code: members(r.code, codeCtx).map((x) => x.address),
    account: members(r.account, accCtx).flatMap((x) => [x.address, ...(x.arn ? [x.arn] : [])]),
  };
  const undecided = r.kind === 'ambiguous' || r.kind === 'unreadable';
  const impacts = impactsOf(relevant, names, n, results, undecided);
  const loc = locate(r.codeSource, r.codePath);
  const arn = r.accountSource?.arn ?? r.account?.arn;
  return {
    kind: r.kind,
    type: r.type,
    name: r.code ? nameOf(r.code) : r.account ? nameOf(r.account) : (r.name ?? r.type),
    ...(r.attribute ? { attribute: r.attribute } : {}),
    ...(r.code ? { address: r.code.address } : {}),
    ...(loc ? { file: loc.file, line: loc.line, end_line: loc.endLine } : {}),
    ...(arn ? { arn } : {}),
    ...(r.account ? { live_address: r.account.address } : {}),
    ...(r.expected !== undefined ? { expected: r.expected } : {}),
    ...(r.actual !== undefined ? { actual: r.actual } : {}),
    ...(r.detail ? { detail: r.detail } : {}),
    ...(r.candidates ? { candidates: r.candidates } : {}),
    ...(r.reason ? { reason: r.reason } : {}),
    invariants: impacts,
    alarming: impacts.some((i) => i.effect === 'fails_in_account'),
    fingerprint: fingerprint([r.kind, r.type, r.code?.address ?? r.account?.address ?? r.reason, r.attribute]),
  };
}

/**
 * An invariant whose verdict differs between the sides though no item is named by its findings:
 * the items relevant to it may explain it (a missing endpoint fails SI-1 on every function).
 */
function attributeVerdicts(
  items: DriftItem[],
  raw: RawItem[],
  ids: readonly string[],
  results: { code: CheckResult; account: CheckResult },
): void {
  for (const id of ids) {
    const code = statusOf(results.code, id);
    const account = statusOf(results.account, id);
    if (code === account || items.some((i) => i.invariants.some((x) => x.invariant === id))) continue;
    items.forEach((item, k) => {
      const spec = raw[k]!.spec ?? KIND_OF.get(item.type);
      if (!spec || !relevanceOf(spec, item.attribute).includes(id)) return;
      item.invariants.push({ invariant: id, effect: 'verdict_differs', code, account });
      if (code === 'pass' && (account === 'fail' || account === 'error')) item.alarming = true;
    });
  }
}

function byImportance(a: DriftItem, b: DriftItem): number {
  const rank = (i: DriftItem): number => (i.alarming ? 0 : i.invariants.length > 0 ? 1 : 2);
  return (
    rank(a) - rank(b) ||
    KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) ||
    cmp(a.type, b.type) ||
    cmp(a.name, b.name) ||
    cmp(a.attribute ?? '', b.attribute ?? '') ||
    cmp(a.fingerprint, b.fingerprint)
  );
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Strings the sources marked secret never reach a report. */
function redact(result: DriftResult, secrets: string[]): DriftResult {
  const list = [...new Set(secrets)].filter((s) => s.length >= 4).sort((a, b) => b.length - a.length);
  if (list.length === 0) return result;
  const clean = (s: string): string => list.reduce((acc, x) => acc.split(x).join('[REDACTED]'), s);
  for (const i of result.items) {
    if (i.expected) i.expected = clean(i.expected);
    if (i.actual) i.actual = clean(i.actual);
    if (i.detail) i.detail = i.detail.map(clean);
  }
  return result;
}
