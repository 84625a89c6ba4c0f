import { Unknown, isObject, refsOf, type Value, type ValueObject } from '../model/value.js';
import { dict, own } from '../model/dict.js';
import { callFunction } from './functions.js';
import { fromPlain } from './functions/convert.js';
import type { EvalContext } from './evaluate.js';

const NO_CONTEXT: EvalContext = { baseDir: '.', resolve: async () => undefined };

/**
 * Renders `data "aws_iam_policy_document"` to the JSON it produces, as the AWS provider does:
 * statements from `source_policy_documents`, then this block's statements (same `sid` replaces),
 * then `override_policy_documents` (same `sid` replaces, others appended). A single action, resource
 * or identifier renders as a string, several as a list. When a part is unknown (a resource ARN known
 * only after apply) the result is an Unknown whose `structure` is the document, so the policy
 * evaluator still sees every statement.
 */
export function renderPolicyDocument(values: ValueObject): Value {
  const statements: ValueObject[] = [];
  const upsert = (st: ValueObject): void => {
    const sid = st.Sid;
    const i = typeof sid === 'string' && sid !== '' ? statements.findIndex((s) => s.Sid === sid) : -1;
    if (i >= 0) statements[i] = st;
    else statements.push(st);
  };
  let unknownSource: Unknown | undefined;
  const fromDocs = (docs: Value | undefined): void => {
    if (!Array.isArray(docs)) return;
    for (const d of docs) {
      const parsed = decodeDocument(d);
      if (parsed instanceof Unknown) unknownSource = parsed;
      else for (const st of parsed) upsert(st);
    }
  };
  fromDocs(values.source_policy_documents);
  for (const st of blocks(values.statement)) upsert(renderStatement(st));
  fromDocs(values.override_policy_documents);

  const doc: ValueObject = { Version: typeof values.version === 'string' ? values.version : '2012-10-17' };
  if (typeof values.policy_id === 'string') doc.Id = values.policy_id;
  doc.Statement = statements;
  if (unknownSource) {
    return new Unknown(`policy document merges an unknown document: ${unknownSource.reason}`, {
      refs: refsOf(doc).concat(unknownSource.refs),
    });
  }
  // the provider renders the document like jsonencode: same text, same Unknown when partly unknown
  return callFunction('jsonencode', [doc], NO_CONTEXT) as Value;
}

function blocks(v: Value | undefined): ValueObject[] {
  if (!Array.isArray(v)) return [];
  return v.filter(isObject);
}

/** Sets render sorted and deduplicated; one element renders as a bare string, as the provider does. */
function oneOrMany(v: Value | undefined): Value | undefined {
  if (v instanceof Unknown) return v;
  if (!Array.isArray(v)) return v === null ? undefined : v;
  const strings = [...new Set(v.filter((x): x is string => typeof x === 'string'))].sort();
  const list: Value[] = [...strings, ...v.filter((x) => typeof x !== 'string')];
  if (list.length === 0) return undefined;
  return list.length === 1 ? list[0]! : list;
}

function renderStatement(st: ValueObject): ValueObject {
  const out: ValueObject = dict();
  if (typeof st.sid === 'string' && st.sid !== '') out.Sid = st.sid;
  out.Effect = st.effect === undefined || st.effect === null ? 'Allow' : st.effect;
  const set = (key: string, v: Value | undefined): void => {
    const r = oneOrMany(v);
    if (r !== undefined) out[key] = r;
  };
  set('Action', st.actions);
  set('NotAction', st.not_actions);
  set('Resource', st.resources);
  set('NotResource', st.not_resources);
  const principals = renderPrincipals(st.principals);
  if (principals !== undefined) out.Principal = principals;
  const notPrincipals = renderPrincipals(st.not_principals);
  if (notPrincipals !== undefined) out.NotPrincipal = notPrincipals;
  const conditions = blocks(st.condition);
  if (conditions.length > 0) {
    // `test` and `variable` come from the configuration: `__proto__` must not reach Object.prototype
    const cond: ValueObject = dict();
    for (const c of conditions) {
      const test = typeof c.test === 'string' ? c.test : 'Unknown';
      const variable = typeof c.variable === 'string' ? c.variable : 'unknown';
      const prev = own(cond, test);
      const existing = isObject(prev) ? prev : dict<Value>();
      existing[variable] = oneOrMany(c.values) ?? [];
      cond[test] = existing;
    }
    out.Condition = cond;
  }
  return out;
}

function renderPrincipals(v: Value | undefined): Value | undefined {
  const ps = blocks(v);
  if (ps.length === 0) return undefined;
  // `type = "*"` with identifiers ["*"] renders as the bare "*" principal
  if (ps.length === 1 && ps[0]!.type === '*') return '*';
  const out: ValueObject = dict();
  for (const p of ps) {
    const type = typeof p.type === 'string' ? p.type : 'AWS';
    const ids = Array.isArray(p.identifiers) ? p.identifiers : [];
    const prev = own(out, type);
    const merged = [...(Array.isArray(prev) ? prev : prev !== undefined ? [prev] : []), ...ids];
    out[type] = oneOrMany(merged) ?? [];
  }
  return out;
}

function decodeDocument(d: Value): ValueObject[] | Unknown {
  let obj: Value = d;
  if (d instanceof Unknown) {
    if (d.structure !== undefined) obj = d.structure;
    else return d;
  }
  if (typeof obj === 'string') {
    try {
      obj = fromPlain(JSON.parse(obj));
    } catch {
      return new Unknown('a source/override policy document is not valid JSON');
    }
  }
  if (!isObject(obj)) return new Unknown('a source/override policy document is not an object');
  const st = obj.Statement;
  if (Array.isArray(st)) return st.filter(isObject);
  if (isObject(st)) return [st];
  return [];
}
