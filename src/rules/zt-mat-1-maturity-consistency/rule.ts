import type { Inventory, Location, Resource } from '../../model/inventory.js';
import type { MaturityDeviation, MaturitySection } from '../../model/result.js';
import { Unknown, firstBlock, isObject, isRefObject, isUnknown, show, type Value } from '../../model/value.js';
import type { InventoryIndex } from '../../inventory/index.js';
import { dict } from '../../model/dict.js';
import type { Rule, RuleExamined, RuleFinding, RuleOutcome } from '../define.js';
import { round12 } from '../../maturity/metrics.js';
import { LEVEL_NAMES, SETTINGS, TABLE3, envName, isLevel, type Level, type Setting, type SettingValue } from '../../maturity/table.js';

/**
 * Is the maturity level the configuration declares the one its functions actually run with? The
 * level is a Terraform variable; the Table 3 settings reach the functions that use them (Lambda
 * environments) and, live, the settings table. A function carries only the settings it uses (a
 * dashboard may carry MATURITY_LEVEL and DISPLAY_RECOMMENDATIONS alone), so the system is judged,
 * not each function:
 * - every setting present anywhere equals Table 3 for the declared level;
 * - every setting Table 3 applies at that level is present somewhere; a missing one is named;
 * - every MATURITY_LEVEL agrees, with the declared level and with each other.
 * A setting Table 3 marks n/a for the level is not consulted by the agent at that level, so any
 * value, an unknown one or none is consistent with it (rules/maturity.yaml says the same).
 * Fail-closed: a value not known statically is error, a setting missing everywhere is fail, a level
 * that cannot be decided is error. Rules and `ztait maturity status` share this one check, on HCL,
 * plans and live.
 */

type Key = Setting | 'maturity_level';
const KEYS: readonly Key[] = ['maturity_level', ...SETTINGS];

/** A setting as found: a Table 3 value, a value that is not one (`"yes"`), or not known statically. */
type Found = { kind: 'value'; value: SettingValue } | { kind: 'invalid'; raw: unknown } | { kind: 'unknown'; reason: string };

/** One place that carries maturity settings: a Lambda function's environment or a settings table item. */
interface Carrier {
  resource: Resource;
  /** Attribute path of the whole settings map in the resource (for locations). */
  base: string;
  /** Attribute path of one setting in the resource (for locations). */
  attr: (k: Key) => string;
  settings: Map<Key, Found>;
  /** The whole settings map cannot be read (an unknown environment or item). */
  unreadable?: string;
}

interface Declared {
  level: Level | null;
  reason?: string;
  at?: MaturitySection['declared_at'];
  /** No variable declares the level and the MATURITY_LEVELs found name different levels: a definite inconsistency. */
  split?: { reference: Level; referenceCarriers: Carrier[]; others: { c: Carrier; level: Level }[] };
}

export function checkMaturity(inv: Inventory, index: InventoryIndex): MaturitySection {
  return evaluateMaturity(inv, index).section;
}

export const MATURITY_RULE: Rule = {
  id: 'ZT-MAT-1',
  scope: 'state',
  evaluate(ctx): RuleOutcome {
    return evaluateMaturity(ctx.inventory, ctx.index).outcome;
  },
};

function evaluateMaturity(inv: Inventory, index: InventoryIndex): { section: MaturitySection; outcome: RuleOutcome } {
  const carriers = [...lambdaCarriers(index), ...settingsItemCarriers(index)];
  const declared = declaredLevel(inv, carriers);
  const actual = actualSettings(carriers);

  if (declared.level === null) {
    const reason = declared.reason ?? 'no maturity level declared';
    const split = declared.split ? levelSplit(declared.split) : undefined;
    const outcome: RuleOutcome =
      carriers.length === 0 && declared.at === undefined
        ? { findings: [], examined: [], reason: `${reason}; no Lambda function carries maturity settings` }
        : { findings: split?.findings ?? [], examined: split?.examined ?? [], errors: [`maturity level undecidable: ${reason}`] };
    return {
      section: {
        level: null,
        consistent: false,
        deviations: split?.deviations ?? [],
        reason,
        ...(declared.at ? { declared_at: declared.at } : {}),
        ...(carriers.length ? { actual } : {}),
      },
      outcome,
    };
  }

  const level = declared.level;
  const expected: Record<string, unknown> = { maturity_level: level, ...TABLE3[level] };
  const deviations: MaturityDeviation[] = [];
  const findings: RuleFinding[] = [];
  const examined: RuleExamined[] = [];
  const unknowns: string[] = [];
  const status = new Map<Carrier, RuleExamined['status']>();
  // what each function or item carries must be Table 3's value; what it does not carry is not its concern
  for (const c of carriers) {
    const devs: MaturityDeviation[] = [];
    const unk: string[] = [];
    if (c.unreadable) unk.push(c.unreadable);
    for (const k of KEYS) {
      const found = c.settings.get(k);
      const want: SettingValue = k === 'maturity_level' ? level : TABLE3[level][k];
      // n/a: the agent does not consult the setting at this level, so no value (or unknown) matters
      if (found === undefined || want === 'n/a') continue;
      if (found.kind === 'unknown') {
        unk.push(`${displayName(c, k)} cannot be evaluated statically (${found.reason})`);
        continue;
      }
      if (found.kind === 'invalid' || !sameValue(found.value, want)) devs.push(deviation(c, k, want, foundValue(found)));
    }
    deviations.push(...devs);
    unknowns.push(...unk.map((u) => `${c.resource.address}: ${u}`));
    if (devs.length > 0) {
      findings.push({
        resource: c.resource,
        attr: c.attr(devs[0]!.setting as Key),
        kind: 'fail',
        key: 'deviation',
        message: `declared maturity L${level} ${LEVEL_NAMES[level]} requires ${devs.map((d) => `${displayName(c, d.setting as Key)}=${render(d.expected)} (found ${render(d.actual)})`).join(', ')}`,
      });
    }
    if (unk.length > 0)
      findings.push({ resource: c.resource, kind: 'error', key: 'unknown', message: `maturity settings undecidable: ${unk.join('; ')}` });
    status.set(c, devs.length ? 'fail' : unk.length ? 'error' : 'pass');
  }

  // every setting that applies at the level must reach the system somewhere; an unreadable carrier
  // may hold it, and is an error already
  const missing = SETTINGS.filter((k) => TABLE3[level][k] !== 'n/a' && !carriers.some((c) => c.settings.has(k)));
  const missingNamed = carriers.length > 0 && !carriers.some((c) => c.unreadable) ? missing : [];
  if (missingNamed.length > 0) {
    // named at the carrier that holds the most settings: where the missing ones most likely belong
    const anchor = carriers.reduce((best, c) => (carried(c) > carried(best) ? c : best));
    for (const k of missingNamed) deviations.push({ setting: k, expected: TABLE3[level][k], actual: null });
    findings.push({
      resource: anchor.resource,
      attr: anchor.base,
      kind: 'fail',
      key: 'missing',
      message: `declared maturity L${level} ${LEVEL_NAMES[level]} requires ${missingNamed.map((k) => `${displayName(anchor, k)}=${render(TABLE3[level][k])}`).join(', ')}, set nowhere: no function environment or settings item carries ${missingNamed.length > 1 ? 'them' : 'it'}`,
    });
    status.set(anchor, 'fail');
  }
  for (const c of carriers) examined.push({ resource: c.resource, status: status.get(c)!, observed: observedText(c) });

  const errors: string[] = [];
  const reasons: string[] = [];
  if (carriers.length === 0) {
    reasons.push(`maturity level L${level} is declared but no Lambda function or settings item carries the Table 3 settings`);
    errors.push(reasons[0]!);
  }
  const differ = deviations.length - missingNamed.length;
  if (differ > 0) reasons.push(`${differ} setting(s) differ from Table 3 for L${level}`);
  if (missingNamed.length > 0) reasons.push(`set nowhere: ${missingNamed.join(', ')}`);
  if (unknowns.length > 0) reasons.push(`cannot decide: ${unknowns[0]}${unknowns.length > 1 ? ` (and ${unknowns.length - 1} more)` : ''}`);
  const section: MaturitySection = {
    level,
    name: LEVEL_NAMES[level],
    ...(declared.at ? { declared_at: declared.at } : {}),
    consistent: carriers.length > 0 && unknowns.length === 0 && deviations.length === 0,
    expected,
    actual,
    deviations,
    ...(reasons.length ? { reason: reasons.join('; ') } : {}),
  };
  return { section, outcome: { findings, examined, ...(errors.length ? { errors } : {}) } };
}

/** How many maturity settings a carrier holds. */
const carried = (c: Carrier): number => c.settings.size;

/** MATURITY_LEVELs that name different levels: each one that differs from the most named level fails. */
function levelSplit(split: NonNullable<Declared['split']>): {
  findings: RuleFinding[];
  examined: RuleExamined[];
  deviations: MaturityDeviation[];
} {
  const where = split.referenceCarriers.map((c) => c.resource.address).join(', ');
  const findings: RuleFinding[] = [];
  const examined: RuleExamined[] = [];
  const deviations: MaturityDeviation[] = [];
  for (const { c, level } of split.others) {
    deviations.push(deviation(c, 'maturity_level', split.reference, level));
    findings.push({
      resource: c.resource,
      attr: c.attr('maturity_level'),
      kind: 'fail',
      key: 'deviation',
      message: `MATURITY_LEVEL=${level} here but ${split.reference} in ${where}: every MATURITY_LEVEL must name the same level`,
    });
    examined.push({ resource: c.resource, status: 'fail', observed: observedText(c) });
  }
  return { findings, examined, deviations };
}

// ---- where the level is declared ----------------------------------------------------------------

function declaredLevel(inv: Inventory, carriers: Carrier[]): Declared {
  const vars = inv.variables ?? {};
  if (Object.prototype.hasOwnProperty.call(vars, 'maturity_level')) {
    const origin = inv.variableOrigins?.maturity_level;
    const at = origin ? { file: origin.file, line: origin.line } : undefined;
    const v = vars.maturity_level ?? null;
    const parsed = parseLevelValue(v);
    if (typeof parsed === 'number') return { level: parsed, ...(at ? { at } : {}) };
    return { level: null, reason: `variable maturity_level ${parsed}`, ...(at ? { at } : {}) };
  }
  // No variable (live, or a configuration that hard-codes the level): the functions say which level.
  const claims = carriers
    .map((c) => ({ c, f: c.settings.get('maturity_level') }))
    .filter((x): x is { c: Carrier; f: Found } => x.f !== undefined);
  if (claims.length === 0)
    return {
      level: null,
      reason: 'no maturity level declared (no maturity_level variable, no MATURITY_LEVEL in any Lambda environment or settings item)',
    };
  const levels = new Map<string, Carrier[]>();
  for (const { c, f } of claims) {
    const parsed =
      f.kind === 'unknown'
        ? `cannot be evaluated (${f.reason})`
        : parseLevelValue(f.kind === 'value' ? (f.value as Value) : (f.raw as Value));
    const key = typeof parsed === 'number' ? String(parsed) : parsed;
    levels.set(key, [...(levels.get(key) ?? []), c]);
  }
  const first = claims[0]!.c;
  const at = { resource: first.resource.address, ...locate(first, 'maturity_level') };
  if (levels.size > 1) {
    const reason = `MATURITY_LEVEL differs between resources: ${[...levels].map(([l, cs]) => `${l} in ${cs.map((c) => c.resource.address).join(', ')}`).join('; ')}`;
    // two known levels disagree: that fails whatever the others say; the most named level (the
    // first on a tie) is the reference the others are reported against
    const known = [...levels].filter(([l]) => /^[0-3]$/.test(l)).sort((a, b) => b[1].length - a[1].length);
    if (known.length < 2) return { level: null, at, reason };
    const [reference, referenceCarriers] = known[0]!;
    const others = known.slice(1).flatMap(([l, cs]) => cs.map((c) => ({ c, level: Number(l) as Level })));
    return { level: null, at, reason, split: { reference: Number(reference) as Level, referenceCarriers, others } };
  }
  const [only] = levels.keys();
  if (only !== undefined && /^[0-3]$/.test(only)) return { level: Number(only) as Level, at };
  return { level: null, at, reason: `MATURITY_LEVEL in ${first.resource.address} ${only}` };
}

/** A level from a variable or environment value, or why it is not one. */
function parseLevelValue(v: Value | undefined): Level | string {
  if (v === undefined || v === null) return 'has no value';
  if (isUnknown(v) || isRefObject(v)) return `cannot be evaluated (${show(v)})`;
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*\d+\s*$/.test(v) ? Number(v) : NaN;
  if (isLevel(n)) return n;
  return `= ${show(v)} is not a maturity level (0..3)`;
}

// ---- the carriers -----------------------------------------------------------------------------

function lambdaCarriers(index: InventoryIndex): Carrier[] {
  const out: Carrier[] = [];
  for (const r of index.byType('aws_lambda_function')) {
    if (r.mode !== 'managed') continue;
    const env = firstBlock(r.values.environment);
    const vars = env instanceof Unknown ? env : env?.variables;
    const base = 'environment.variables';
    const attr = (k: Key): string => `${base}.${envName(k)}`;
    if (vars instanceof Unknown || isRefObject(vars)) {
      out.push({
        resource: r,
        base,
        attr,
        settings: new Map(),
        unreadable: `environment variables cannot be evaluated statically (${show(vars)})`,
      });
      continue;
    }
    if (!isObject(vars)) continue;
    const settings = new Map<Key, Found>();
    for (const k of KEYS) {
      const name = envName(k);
      if (Object.prototype.hasOwnProperty.call(vars, name)) settings.set(k, parseFound(vars[name] ?? null));
    }
    if (settings.size > 0) out.push({ resource: r, base, attr, settings });
  }
  return out;
}

/**
 * Table items that hold maturity settings, recognised by content rather than by table name: an item
 * with attributes named like Table 3 settings (the gating policy item), or one item per setting
 * (`setting`/`name`/`key` = a setting name, plus `value`).
 */
function settingsItemCarriers(index: InventoryIndex): Carrier[] {
  const out: Carrier[] = [];
  for (const r of index.byType('aws_dynamodb_table_item')) {
    if (r.mode !== 'managed') continue;
    const base = 'item';
    const attr = (): string => base;
    const item = r.values.item;
    if (typeof item !== 'string') {
      // only an item whose known structure names a maturity setting is worth an error
      if (mentionsMaturity(item))
        out.push({ resource: r, base, attr, settings: new Map(), unreadable: `item cannot be evaluated statically (${show(item)})` });
      continue;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(item);
    } catch {
      continue;
    }
    if (!isObject(parsed as Value)) continue;
    const attrs = new Map<string, unknown>();
    for (const [k, v] of Object.entries(parsed as Record<string, unknown>)) attrs.set(k.toLowerCase(), attributeValue(v));
    const settings = new Map<Key, Found>();
    for (const k of KEYS) if (attrs.has(k)) settings.set(k, parseFound(attrs.get(k) as Value));
    for (const keyName of ['setting', 'name', 'key', 'id', 'pk']) {
      const named = attrs.get(keyName);
      if (typeof named === 'string' && (KEYS as readonly string[]).includes(named.toLowerCase()) && attrs.has('value')) {
        settings.set(named.toLowerCase() as Key, parseFound(attrs.get('value') as Value));
      }
    }
    if (settings.size > 0) out.push({ resource: r, base, attr, settings });
  }
  return out;
}

/** True when an unknown item's known structure has an attribute named like a maturity setting. */
function mentionsMaturity(v: Value | undefined): boolean {
  const structure = v instanceof Unknown ? v.structure : undefined;
  if (!isObject(structure ?? null)) return false;
  return Object.keys(structure as Record<string, Value>).some((k) => (KEYS as readonly string[]).includes(k.toLowerCase()));
}

/** A DynamoDB attribute value (`{"S": "true"}`, `{"BOOL": true}`, `{"N": "0.9"}`) or a plain one. */
function attributeValue(v: unknown): unknown {
  if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
    const o = v as Record<string, unknown>;
    if ('S' in o) return o.S;
    if ('N' in o) return Number(o.N);
    if ('BOOL' in o) return o.BOOL;
    if ('NULL' in o) return null;
  }
  return v;
}

function parseFound(v: Value): Found {
  if (isUnknown(v) || isRefObject(v)) return { kind: 'unknown', reason: show(v) };
  if (typeof v === 'boolean' || typeof v === 'number') return { kind: 'value', value: v };
  if (typeof v === 'string') {
    const t = v.trim().toLowerCase();
    if (t === 'true' || t === 'false') return { kind: 'value', value: t === 'true' };
    if (t === 'n/a') return { kind: 'value', value: 'n/a' };
    if (/^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(t)) return { kind: 'value', value: Number(t) };
  }
  return { kind: 'invalid', raw: v };
}

const sameValue = (a: SettingValue, b: SettingValue): boolean =>
  typeof a === 'number' && typeof b === 'number' ? round12(a) === round12(b) : a === b;

// ---- reporting helpers --------------------------------------------------------------------------

function deviation(c: Carrier, k: Key, expected: SettingValue, actual: unknown): MaturityDeviation {
  return { setting: k, expected, actual, resource: c.resource.address, ...locate(c, k) };
}

/** The most precise location known for a setting of a carrier. */
function locate(c: Carrier, k: Key): { file?: string; line?: number } {
  const locs = c.resource.attrLocations ?? {};
  const path = c.attr(k).split('.');
  for (let n = path.length; n > 0; n--) {
    const l: Location | undefined = locs[path.slice(0, n).join('.')];
    if (l) return { file: l.file, line: l.line };
  }
  const l = c.resource.location;
  return l ? { file: l.file, line: l.line } : {};
}

const displayName = (c: Carrier, k: Key): string => (c.resource.type === 'aws_lambda_function' ? envName(k) : k);

/** A setting as the environment writes it: true, 0.90, n/a; anything else quoted. */
function render(v: unknown): string {
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : v.toFixed(2);
  if (v === 'n/a') return v;
  return typeof v === 'string' ? JSON.stringify(v) : String(v);
}

function foundValue(f: Found): unknown {
  return f.kind === 'value' ? f.value : f.kind === 'invalid' ? f.raw : `unknown: ${f.reason}`;
}

function observedText(c: Carrier): string {
  if (c.unreadable) return c.unreadable;
  return [...c.settings].map(([k, f]) => `${displayName(c, k)}=${render(foundValue(f))}`).join(', ');
}

/** Per setting: the one value every carrier has, or `{resource: value}` when they differ. */
function actualSettings(carriers: Carrier[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of KEYS) {
    const per: Record<string, unknown> = dict(); // keyed by resource address
    for (const c of carriers) {
      const f = c.settings.get(k);
      if (f) per[c.resource.address] = foundValue(f);
    }
    const values = Object.values(per);
    if (values.length === 0) continue;
    out[k] = values.every((v) => JSON.stringify(v) === JSON.stringify(values[0])) ? values[0] : per;
  }
  return out;
}
