/**
 * Attribute comparison of matched objects: each invariant-relevant attribute of the code against
 * the account's. A difference is a Changed item with both values and what differs (the statements,
 * rules or routes only one side has); what cannot be compared (a value known only after apply, one
 * the account did not give, a secret-shaped value) is counted, never guessed.
 */
import type { Location, Resource } from '../model/inventory.js';
import { NSet, compare, holdsUnknown, matchSet, render, type Norm, type NObject } from './norm.js';
import type { Attr, KindContext, KindSpec } from './kinds.js';
import type { Pair } from './match.js';

export interface RawItem {
  kind: 'changed' | 'unmanaged' | 'missing' | 'ambiguous' | 'unreadable';
  spec?: KindSpec;
  type: string;
  /** Without a resource on either side (an unreadable part of the account): what it is. */
  name?: string;
  attribute?: string;
  code?: Resource;
  codeSource?: Resource;
  codePath?: string;
  account?: Resource;
  accountSource?: Resource;
  expected?: string;
  actual?: string;
  detail?: string[];
  candidates?: string[];
  reason?: string;
}

/** What was not compared, by reason. */
export class NotCompared {
  private readonly byReason = new Map<string, { count: number; examples: string[] }>();
  add(reason: string, example: string): void {
    const e = this.byReason.get(reason) ?? { count: 0, examples: [] };
    e.count++;
    if (e.examples.length < 5 && !e.examples.includes(example)) e.examples.push(example);
    this.byReason.set(reason, e);
  }
  list(): { reason: string; count: number; examples: string[] }[] {
    return [...this.byReason.entries()]
      .map(([reason, e]) => ({ reason, count: e.count, examples: [...e.examples].sort() }))
      .sort((a, b) => (a.reason < b.reason ? -1 : a.reason > b.reason ? 1 : 0));
  }
}

export const NOT_KNOWN_IN_CODE = 'a value the code leaves unknown (known only after apply)';
export const NOT_READ_IN_ACCOUNT = 'a value the account did not give (a read that failed)';
export const SECRET_SHAPED = 'secret-shaped values (never compared or printed)';

export function compareObjects(
  pairs: readonly Pair[],
  code: KindContext,
  account: KindContext,
  skipped: NotCompared,
): { items: RawItem[]; compared: number } {
  const items: RawItem[] = [];
  let compared = 0;
  for (const { spec, code: c, account: a } of pairs) {
    const e = spec.attrs(c, code);
    const x = spec.attrs(a, account);
    for (const name of [...new Set([...Object.keys(e), ...Object.keys(x)])].sort()) {
      const ea = e[name];
      const xa = x[name];
      if ((!ea || !xa) && (ea ?? xa)!.bothSides) continue;
      const what = `${c.address}: ${name}`;
      if (ea?.secret || xa?.secret) {
        skipped.add(SECRET_SHAPED, what);
        continue;
      }
      const ev = ea?.value ?? null;
      const xv = xa?.value ?? null;
      const cmp = compare(ev, xv);
      if (cmp === 'unknown') {
        skipped.add(holdsUnknown(xv) ? NOT_READ_IN_ACCOUNT : NOT_KNOWN_IN_CODE, what);
        continue;
      }
      compared++;
      if (cmp === 'same') continue;
      items.push(changed(spec, name, c, a, ea, xa, ev, xv));
    }
  }
  return { items, compared };
}

function changed(
  spec: KindSpec,
  name: string,
  c: Resource,
  a: Resource,
  ea: Attr | undefined,
  xa: Attr | undefined,
  ev: Norm,
  xv: Norm,
): RawItem {
  const detail = describe(ev, xv, '');
  return {
    kind: 'changed',
    spec,
    type: spec.kind,
    attribute: name,
    code: c,
    codeSource: ea?.source ?? c,
    ...(ea?.path ? { codePath: ea.path } : {}),
    account: a,
    accountSource: xa?.source ?? a,
    expected: ea ? summary(ev) : '(not set)',
    actual: xa ? summary(xv) : '(not set)',
    ...(detail.length > 0 ? { detail } : {}),
  };
}

/** A value in one line; a policy document by its size (its detail says what differs). */
function summary(n: Norm): string {
  if (isDoc(n)) {
    const st = n.Statement;
    return st instanceof NSet ? `policy document, ${st.items.length} statement(s)` : 'policy document';
  }
  return pretty(n);
}

/** A plain object of the normalized value (not a Ref, Glob, set...: those have their own classes). */
function isObj(n: Norm): n is NObject {
  if (typeof n !== 'object' || n === null || Array.isArray(n)) return false;
  const proto = Object.getPrototypeOf(n) as unknown;
  return proto === null || proto === Object.prototype;
}

const isDoc = (n: Norm): n is NObject => isObj(n) && 'Statement' in n;

/** Rules and routes as people write them; anything else as the generic rendering. */
function pretty(n: Norm): string {
  if (isObj(n) && 'direction' in n && 'protocol' in n) {
    const bare = (k: string): string => render(n[k] ?? null).replace(/^"|"$/g, '');
    const ports = n.protocol === '-1' ? '' : ` ${bare('from_port')}-${bare('to_port')}`;
    const proto = n.protocol === '-1' ? 'all protocols' : bare('protocol');
    return `${bare('direction')} ${proto}${ports} ${n.direction === 'egress' ? 'to' : 'from'} ${bare('peer')}`;
  }
  if (isObj(n) && 'destination' in n && 'target' in n) {
    const bare = (k: string): string => render(n[k] ?? null).replace(/^"|"$/g, '');
    return `${bare('destination')} -> ${bare('target')}`;
  }
  if (n instanceof NSet) return `{${n.items.map(pretty).sort().join(', ')}}`;
  if (isObj(n) && 'Effect' in n) return statement(n);
  return render(n);
}

function statement(n: NObject): string {
  const sid = typeof n.Sid === 'string' ? `${n.Sid}: ` : '';
  const parts = Object.keys(n)
    .filter((k) => k !== 'Sid' && k !== 'Effect')
    .sort()
    .map((k) => `${k} ${render(n[k]!, 120)}`);
  return `${sid}${render(n.Effect ?? null).replace(/"/g, '')} ${parts.join(' ')}`;
}

/** What differs, line by line (an empty list for scalars: expected and actual say it). */
export function describe(e: Norm, a: Norm, path: string): string[] {
  const at = path ? `${path}: ` : '';
  if (e instanceof NSet && a instanceof NSet) {
    const out: string[] = [];
    // statements with the same Sid on both sides: what differs inside them
    const codeItems = [...e.items];
    const accItems = [...a.items];
    for (const ci of [...codeItems]) {
      if (!isObj(ci) || typeof ci.Sid !== 'string') continue;
      const j = accItems.findIndex((ai) => isObj(ai) && ai.Sid === ci.Sid);
      if (j < 0) continue;
      const ai = accItems[j]!;
      if (compare(ci, ai) === 'differs') {
        out.push(...describe(ci, ai, `${at}statement ${ci.Sid}`));
        codeItems.splice(codeItems.indexOf(ci), 1);
        accItems.splice(j, 1);
      }
    }
    const m = matchSet(codeItems, accItems);
    for (const x of m.codeOnly) out.push(`${at}only in the code: ${pretty(x)}`);
    for (const x of m.accountOnly) out.push(`${at}only in the account: ${pretty(x)}`);
    return out;
  }
  if (isObj(e) && isObj(a)) {
    const out: string[] = [];
    for (const k of [...new Set([...Object.keys(e), ...Object.keys(a)])].sort()) {
      if (compare(e[k] ?? null, a[k] ?? null) !== 'differs') continue;
      out.push(...describe(e[k] ?? null, a[k] ?? null, path ? `${path}.${k}` : k));
    }
    return out;
  }
  if (!path) return [];
  return [`${at}${pretty(e)} in the code, ${pretty(a)} in the account`];
}

/** Where an attribute of a code resource is written: its own line, else its block's, else the resource's. */
export function locate(r: Resource | undefined, path: string | undefined): Location | undefined {
  if (!r) return undefined;
  if (path && r.attrLocations) {
    const parts = path.split('.');
    for (let n = parts.length; n > 0; n--) {
      const hit = r.attrLocations[parts.slice(0, n).join('.')];
      if (hit) return hit;
    }
  }
  return r.location;
}
