/**
 * A policy document (identity, boundary or bucket policy) as a normalized value: statements are an
 * unordered set, and so are the values of Action, Resource, Principal and Condition entries (IAM
 * gives them no order; a single string is a list of one). What the code knows only in part stays a
 * wildcard: a template's `*` (a Glob), a value wholly unknown (Any).
 */
import type { InventoryIndex } from '../inventory/index.js';
import { heredocBody } from '../policy/parse.js';
import { documentValue } from '../policy/roles.js';
import { RefObject, Unknown, isObject, type Value } from '../model/value.js';
import { dict } from '../model/dict.js';
import { Any, Glob, NSet, Unk, type Norm, type NObject } from './norm.js';
import { structure } from './side.js';

const LISTS = new Set(['Action', 'NotAction', 'Resource', 'NotResource']);
const PRINCIPALS = new Set(['Principal', 'NotPrincipal']);
/** A wholly unknown value inside a template (`"Resource":*`), made a JSON string to parse. */
const ANY_MARK = '\u0000ztait-any';

/** The document a value holds, normalized; Unk when it cannot be read (then it is not compared). */
export function policyNorm(v: Value | undefined, index: InventoryIndex): Norm {
  const raw = rawDocument(v, index);
  if (raw instanceof Unk) return raw;
  if (!raw.value || typeof raw.value !== 'object' || Array.isArray(raw.value)) return new Unk('the policy is not a JSON object');
  return documentOf(raw.value as Record<string, unknown>, raw.templated);
}

type Raw = { value: unknown; templated: boolean } | Unk;

function rawDocument(value: Value | undefined, index: InventoryIndex): Raw {
  // a data.aws_iam_policy_document stands for its rendered json
  const v = documentValue({ index }, value);
  if (v === undefined || v === null || v === '') return { value: null, templated: false };
  if (typeof v === 'string') return parse(v, false);
  if (v instanceof Unknown) {
    if (v.structure !== undefined) return { value: structure(v.structure), templated: true };
    if (v.pattern !== undefined) return parse(v.pattern, true);
  }
  if (v instanceof Unknown || v instanceof RefObject)
    return new Unk(v instanceof Unknown ? v.reason : `${v.address} is known only after apply`);
  if (isObject(v)) return { value: structure(v), templated: true };
  return new Unk('the policy is not a document');
}

/** JSON text; a template's bare `*` (a whole value unknown) is made a marked string first. */
function parse(text: string, templated: boolean): Raw {
  let body = heredocBody(text);
  if (templated) body = body.replace(/([:[,]\s*)\*(?=\s*[,}\]])/g, `$1${JSON.stringify(ANY_MARK)}`);
  try {
    return { value: JSON.parse(body) as unknown, templated };
  } catch {
    return new Unk(templated ? 'the policy is not known statically (its template is not JSON)' : 'the policy is not valid JSON');
  }
}

function documentOf(doc: Record<string, unknown>, templated: boolean): Norm {
  const out: NObject = dict();
  if (doc.Version !== undefined) out.Version = leaf(doc.Version, templated);
  const st = doc.Statement;
  const list = st instanceof Any || st instanceof Glob ? null : Array.isArray(st) ? st : st === undefined ? [] : [st];
  out.Statement = list === null ? new Any('statements not known statically') : new NSet(list.map((s) => statementOf(s, templated)));
  return out;
}

function statementOf(s: unknown, templated: boolean): Norm {
  if (!s || typeof s !== 'object' || Array.isArray(s) || s instanceof Any || s instanceof Glob) return leaf(s, templated);
  const out: NObject = dict();
  for (const [k, v] of Object.entries(s as Record<string, unknown>)) {
    if (LISTS.has(k)) out[k] = set(v, templated);
    else if (PRINCIPALS.has(k)) out[k] = principal(v, templated);
    else if (k === 'Condition') out[k] = condition(v, templated);
    else out[k] = leaf(v, templated);
  }
  return out;
}

function set(v: unknown, templated: boolean): Norm {
  if (v instanceof Any) return v;
  return new NSet((Array.isArray(v) ? v : [v]).map((x) => leaf(x, templated)));
}

function principal(v: unknown, templated: boolean): Norm {
  if (v === '*' || !v || typeof v !== 'object' || Array.isArray(v) || v instanceof Any || v instanceof Glob) return leaf(v, templated);
  const out: NObject = dict();
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[k] = set(x, templated);
  return out;
}

function condition(v: unknown, templated: boolean): Norm {
  if (!v || typeof v !== 'object' || Array.isArray(v) || v instanceof Any || v instanceof Glob) return leaf(v, templated);
  const out: NObject = dict();
  for (const [op, entries] of Object.entries(v as Record<string, unknown>)) {
    if (!entries || typeof entries !== 'object' || Array.isArray(entries) || entries instanceof Any) {
      out[op] = leaf(entries, templated);
      continue;
    }
    const inner: NObject = dict();
    for (const [key, x] of Object.entries(entries as Record<string, unknown>)) inner[key] = set(x, templated);
    out[op] = inner;
  }
  return out;
}

function leaf(v: unknown, templated: boolean): Norm {
  if (v instanceof Any || v instanceof Glob) return v;
  if (v === ANY_MARK) return new Any('a value known only after apply');
  // In a template, `*` may stand for a part known only after apply: matched as a wildcard.
  if (typeof v === 'string') return templated && v.includes('*') ? new Glob(v) : v;
  if (typeof v === 'number' || typeof v === 'boolean' || v === null) return v;
  if (Array.isArray(v)) return new NSet(v.map((x) => leaf(x, templated)));
  if (v && typeof v === 'object') {
    const out: NObject = dict();
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[k] = leaf(x, templated);
    return out;
  }
  return null;
}
