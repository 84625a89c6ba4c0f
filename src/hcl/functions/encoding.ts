/**
 * Encoding, hashing and the functions whose result Terraform only knows at apply time.
 *
 * jsonencode/yamlencode of a partly unknown value give an Unknown that keeps the value as
 * `structure` (so jsondecode gets it back and policy rules can read it) and a glob `pattern` of the
 * text; jsondecode of such an Unknown returns the structure.
 */
import { createHash } from 'node:crypto';
import { Document, parseAllDocuments, visit } from 'yaml';
import { RefObject, Unknown, type Value } from '../../model/value.js';
import { FnError, UnknownSignal, fromPlain, jsonString, jsonText, toStr } from './convert.js';
import { derivedUnknown, firstUnknownDeep } from './unknowns.js';
import { jsonProblem, yamlErrorKind } from '../../input/parse-error.js';
import { fn, type FunctionTable } from './types.js';
import { budgetOf, encodedLengthAtLeast, encodingFits, orFail, type EvalBudget } from '../budget.js';

/** Placeholder for an unknown inside encoded text: its pattern as a JSON string, else `*`. */
function placeholder(u: Unknown | RefObject): string {
  return u instanceof Unknown && u.pattern !== undefined ? jsonString(u.pattern) : '*';
}

function encodedUnknown(v: Value, pattern: string, what: string): Unknown {
  const first = firstUnknownDeep(v);
  return derivedUnknown(first?.reason ?? `${what} of a value known only after apply`, [v], { structure: v, pattern });
}

/** Throws the budget's error when the text of `v` would be longer than one string may be. */
function encodable(v: Value, budget: EvalBudget, what: string): void {
  if (encodingFits(v, budget.limits.string)) return;
  const least = encodedLengthAtLeast(v, budget.limits.string);
  if (least > budget.limits.string) orFail(budget.string(least, what), budget);
}

function jsonencode(v: Value): Value {
  // one walk: the text, with a placeholder for each unknown part met on the way
  let unknown = false;
  const text = jsonText(v, (u) => {
    unknown = true;
    return placeholder(u);
  });
  return unknown ? encodedUnknown(v, text, 'jsonencode') : text;
}

function jsondecode(s: Value): Value {
  if (s instanceof Unknown) {
    if (s.structure !== undefined) return s.structure;
    throw new UnknownSignal(s);
  }
  const text = toStr(s, 'argument');
  try {
    return fromPlain(JSON.parse(text));
  } catch (err) {
    // never V8's message: it quotes the text, which may come from a file
    const p = jsonProblem(text, err);
    throw new FnError(`invalid JSON: ${p.kind} at line ${p.line}, column ${p.column}`);
  }
}

const YAML_OPTIONS = {
  defaultStringType: 'QUOTE_DOUBLE',
  defaultKeyType: 'QUOTE_DOUBLE',
  sortMapEntries: true,
  indentSeq: false,
  lineWidth: 0,
} as const;

/** yamlencode: Terraform's style (quoted keys and strings, sorted keys, block style). */
function yamlencode(v: Value): Value {
  const unknowns: (Unknown | RefObject)[] = [];
  const plain = (x: Value): unknown => {
    if (x instanceof Unknown || x instanceof RefObject) {
      unknowns.push(x);
      return `ZTAITUNKNOWN${unknowns.length - 1}ZTAIT`;
    }
    if (Array.isArray(x)) return x.map(plain);
    if (x !== null && typeof x === 'object') return Object.fromEntries(Object.entries(x).map(([k, y]) => [k, plain(y)]));
    return x;
  };
  const doc = new Document(plain(v), YAML_OPTIONS);
  // Multi-line strings in literal block style (`|-`), as Terraform writes them.
  visit(doc, {
    Scalar(key, node) {
      if (key !== 'key' && typeof node.value === 'string' && node.value.includes('\n')) node.type = 'BLOCK_LITERAL';
    },
  });
  const text = doc.toString(YAML_OPTIONS);
  if (unknowns.length === 0) return text;
  const pattern = text.replace(/"ZTAITUNKNOWN(\d+)ZTAIT"/g, (_m, i: string) => placeholder(unknowns[Number(i)]!));
  return encodedUnknown(v, pattern, 'yamlencode');
}

function yamldecode(s: Value): Value {
  if (s instanceof Unknown && s.structure !== undefined) return s.structure;
  // YAML 1.1 like Terraform's decoder: `yes`, `on`, `y` are booleans.
  const docs = parseAllDocuments(toStr(s, 'argument'), { version: '1.1' });
  if (!Array.isArray(docs)) return null;
  if (docs.length > 1) throw new FnError('multiple YAML documents are not supported');
  const doc = docs[0];
  if (!doc) return null;
  // the parser's messages quote the text (which may come from a file): the error code only
  if (doc.errors.length > 0) throw new FnError(`invalid YAML (${yamlErrorKind(doc.errors[0]!.code)})`);
  let plain: unknown;
  try {
    plain = doc.toJS({ maxAliasCount: 1000 });
  } catch {
    throw new FnError('invalid YAML (an alias refers to no anchor, or too many aliases)');
  }
  return fromPlain(plain);
}

function base64decode(s: string): string {
  const compact = s.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 !== 0) {
    throw new FnError('the argument is not valid base64');
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(compact, 'base64'));
  } catch {
    throw new FnError('the decoded bytes are not valid UTF-8');
  }
}

/** Go's url.QueryEscape: unreserved characters kept, space as `+`, the rest %XX. */
function urlencode(s: string): string {
  let out = '';
  for (const byte of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(byte);
    if (/[A-Za-z0-9\-_.~]/.test(c)) out += c;
    else if (c === ' ') out += '+';
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

export function digest(algorithm: string, data: string | Buffer, encoding: 'hex' | 'base64'): string {
  return createHash(algorithm).update(data).digest(encoding);
}

/** Functions whose value exists only at apply time: a pending Unknown, not an error. */
function applyTime(name: string): FunctionTable[string] {
  return fn(0, 2, () => new Unknown(`${name}() is known only after apply`));
}

export const encodingFunctions: FunctionTable = {
  jsonencode: fn(1, 1, ([v], ctx) => {
    encodable(v!, budgetOf(ctx), 'jsonencode()');
    return jsonencode(v!);
  }),
  jsondecode: fn(1, 1, ([s]) => jsondecode(s!)),
  yamlencode: fn(1, 1, ([v], ctx) => {
    encodable(v!, budgetOf(ctx), 'yamlencode()');
    return yamlencode(v!);
  }),
  yamldecode: fn(1, 1, ([s]) => yamldecode(s!)),
  base64encode: fn(1, 1, ([s]) => Buffer.from(toStr(s!), 'utf8').toString('base64')),
  base64decode: fn(1, 1, ([s]) => base64decode(toStr(s!))),
  urlencode: fn(1, 1, ([s]) => urlencode(toStr(s!))),
  md5: fn(1, 1, ([s]) => digest('md5', toStr(s!), 'hex')),
  sha1: fn(1, 1, ([s]) => digest('sha1', toStr(s!), 'hex')),
  sha256: fn(1, 1, ([s]) => digest('sha256', toStr(s!), 'hex')),
  sha512: fn(1, 1, ([s]) => digest('sha512', toStr(s!), 'hex')),
  base64sha256: fn(1, 1, ([s]) => digest('sha256', toStr(s!), 'base64')),
  base64sha512: fn(1, 1, ([s]) => digest('sha512', toStr(s!), 'base64')),
  timestamp: applyTime('timestamp'),
  plantimestamp: applyTime('plantimestamp'),
  uuid: applyTime('uuid'),
  bcrypt: applyTime('bcrypt'),
};
