/**
 * Turns whatever a source holds for a policy into a PolicyDocument.
 *
 * Accepted: a JSON string (whitespace and a heredoc wrapper tolerated), a plain object
 * `{Version, Statement}`, an Unknown whose `structure` is the object (jsonencode of a partly unknown
 * object) or whose `pattern` is JSON (a template with `*` where its unknown parts are).
 *
 * Unknown elements are replaced so that the result errs on the side a checker can afford:
 *  - in Action / Resource / Principal (a list that widens the statement) by their pattern or `*`;
 *  - in NotAction / NotResource / NotPrincipal of an Allow by nothing (the Allow then grants more),
 *    of a Deny by `*` (the Deny then covers less);
 * and the statement is marked `partiallyUnknown`, which keeps a Deny from counting as a guarantee.
 * Key names are AWS's, case-sensitive: `effect` is not `Effect` (AWS rejects it, so do we).
 */
import { isObject, isRefObject, isUnknown, RefObject, Unknown, type Value, type ValueObject } from '../model/value.js';
import type { ParseResult, PolicyDocument, PolicyStatement } from './types.js';
import { jsonProblem } from '../input/parse-error.js';
import { dict } from '../model/dict.js';

/** Raised while parsing; `unknown` when the cause is a value not known statically. */
class PolicyParseError extends Error {
  constructor(
    message: string,
    readonly unknown: boolean,
  ) {
    super(message);
  }
}

const DOCUMENT_KEYS = new Set(['Version', 'Id', 'Statement']);
const STATEMENT_KEYS = new Set([
  'Sid',
  'Effect',
  'Action',
  'NotAction',
  'Resource',
  'NotResource',
  'Principal',
  'NotPrincipal',
  'Condition',
]);

/** How a statement's values were obtained: a template pattern renders every unknown part as `*`. */
interface Source {
  fromPattern: boolean;
}

export function parsePolicy(value: Value | undefined, origin: string): ParseResult {
  try {
    const policy: PolicyDocument = { statements: parseDocument(value, { fromPattern: false }), origin };
    return { ok: true, policy };
  } catch (e) {
    if (e instanceof PolicyParseError) return { ok: false, error: oneLine(e.message), unknown: e.unknown };
    throw e;
  }
}

/** `<<EOF ... EOF` / `<<-EOF ... EOF` around the JSON, as a raw heredoc may arrive. */
const HEREDOC = /^<<-?\s*([A-Za-z_][\w-]*)[ \t]*\r?\n([\s\S]*?)\r?\n[ \t]*\1$/;

/** The text trimmed, and unwrapped when it is a heredoc. */
export function heredocBody(text: string): string {
  const body = text.trim();
  const heredoc = HEREDOC.exec(body);
  return heredoc ? heredoc[2]!.trim() : body;
}

function parseJsonText(text: string, src: Source): Value {
  const body = heredocBody(text);
  try {
    return JSON.parse(body) as Value;
  } catch (e) {
    // never V8's message: it quotes the policy text (which may be anything read from a file)
    const p = jsonProblem(body, e);
    const why = `${p.kind} at line ${p.line}, column ${p.column} of the document`;
    if (src.fromPattern) throw new PolicyParseError(`policy is not known statically (template is not JSON: ${why})`, true);
    throw new PolicyParseError(`policy is not valid JSON: ${why}`, false);
  }
}

/** The value behind an Unknown when the Unknown says what it is; throws when it does not. */
function reveal(v: Value, what: string, src: Source): { value: Value; src: Source; unknown: boolean } {
  if (isUnknown(v)) {
    if (v.structure !== undefined) return { value: v.structure, src, unknown: true };
    if (v.pattern !== undefined) {
      const pSrc = { fromPattern: true };
      return { value: parseJsonText(v.pattern, pSrc), src: pSrc, unknown: true };
    }
    throw new PolicyParseError(`${what} is not known statically: ${v.reason}`, true);
  }
  if (isRefObject(v)) throw new PolicyParseError(`${what} is not known statically: it is the resource ${v.address}`, true);
  return { value: v, src, unknown: false };
}

function parseDocument(value: Value | undefined, src0: Source): PolicyStatement[] {
  if (value === undefined || value === null) throw new PolicyParseError('policy is missing', false);
  const revealed = reveal(value, 'policy', src0);
  const src = revealed.src;
  let doc = revealed.value;
  if (typeof doc === 'string') doc = parseJsonText(doc, src);
  if (!isObject(doc)) throw new PolicyParseError('policy is not a JSON object', false);
  for (const k of Object.keys(doc)) {
    if (!DOCUMENT_KEYS.has(k)) {
      throw new PolicyParseError(`policy has an unsupported key "${k}"`, src.fromPattern && k.includes('*'));
    }
  }
  if (doc.Statement === undefined || doc.Statement === null) throw new PolicyParseError('policy has no Statement', false);
  const stRevealed = reveal(doc.Statement, 'policy Statement', src);
  const list = Array.isArray(stRevealed.value) ? stRevealed.value : [stRevealed.value];
  return list.map((raw, index) => {
    const el = reveal(raw, `statement ${index}`, stRevealed.src);
    const st = parseStatement(el.value, index, el.src);
    // A template renders its unknown parts as `*`: a statement holding a `*` may hold one.
    if (el.src.fromPattern && mayHoldTemplateUnknown(el.value)) st.partiallyUnknown = true;
    return st;
  });
}

const mayHoldTemplateUnknown = (raw: Value): boolean => JSON.stringify(raw).includes('*');

const oneLine = (s: string): string => s.replace(/\s*[\r\n]+\s*/g, ' ');

function parseStatement(raw: Value, index: number, src: Source): PolicyStatement {
  const where = `statement ${index}`;
  try {
    return parseStatementFields(raw, where);
  } catch (e) {
    // In a template a `*` may stand for the unknown part that made the statement look invalid.
    if (e instanceof PolicyParseError && !e.unknown && src.fromPattern && mayHoldTemplateUnknown(raw)) {
      throw new PolicyParseError(`${e.message} (the policy is a template; its unknown parts may be the cause)`, true);
    }
    throw e;
  }
}

function parseStatementFields(raw: Value, where: string): PolicyStatement {
  if (!isObject(raw)) throw new PolicyParseError(`${where} is not an object`, false);
  for (const k of Object.keys(raw)) {
    if (!STATEMENT_KEYS.has(k)) throw new PolicyParseError(`${where} has an unsupported key "${k}"`, false);
  }
  const effect = parseEffect(raw.Effect, where);
  const st: PolicyStatement = { effect, hasCondition: false };
  const flag = { unknown: false };

  const sid = raw.Sid;
  if (typeof sid === 'string') {
    if (sid !== '') st.sid = sid;
  } else if (sid !== undefined && sid !== null && !isUnknown(sid) && !isRefObject(sid)) {
    throw new PolicyParseError(`${where} has a Sid that is not a string`, false);
  }

  const [action, notAction] = pair(raw, 'Action', 'NotAction', where);
  if (action === undefined && notAction === undefined) {
    throw new PolicyParseError(`${where} has neither Action nor NotAction`, false);
  }
  if (action !== undefined) st.action = stringList(action, `${where} Action`, 'widen', flag);
  if (notAction !== undefined) st.notAction = stringList(notAction, `${where} NotAction`, narrowing(effect), flag);

  const [resource, notResource] = pair(raw, 'Resource', 'NotResource', where);
  if (resource !== undefined) st.resource = stringList(resource, `${where} Resource`, 'widen', flag);
  if (notResource !== undefined) st.notResource = stringList(notResource, `${where} NotResource`, narrowing(effect), flag);

  const [principal, notPrincipal] = pair(raw, 'Principal', 'NotPrincipal', where);
  if (principal !== undefined) st.principal = parsePrincipal(principal, `${where} Principal`, 'widen', flag);
  if (notPrincipal !== undefined) {
    st.notPrincipal = parsePrincipal(notPrincipal, `${where} NotPrincipal`, narrowing(effect), flag);
  }
  // A trust or resource policy names the resource implicitly (the role, the bucket) and may omit it.
  if (!st.resource && !st.notResource && !st.principal && !st.notPrincipal) {
    throw new PolicyParseError(`${where} has neither Resource nor NotResource`, false);
  }

  const cond = raw.Condition;
  if (isUnknown(cond) || isRefObject(cond)) {
    st.hasCondition = true;
    flag.unknown = true;
  } else if (isObject(cond)) {
    st.hasCondition = Object.keys(cond).length > 0;
  } else if (cond !== undefined && cond !== null) {
    throw new PolicyParseError(`${where} has a Condition that is not an object`, false);
  }
  if (flag.unknown) st.partiallyUnknown = true;
  return st;
}

function parseEffect(v: Value | undefined, where: string): 'Allow' | 'Deny' {
  if (v === 'Allow' || v === 'Deny') return v;
  if (v === undefined || v === null) throw new PolicyParseError(`${where} has no Effect`, false);
  if (isUnknown(v) || isRefObject(v)) throw new PolicyParseError(`${where} Effect is not known statically`, true);
  throw new PolicyParseError(`${where} has an invalid Effect ${JSON.stringify(v)} (must be "Allow" or "Deny")`, false);
}

/** The element and its Not-form; both at once is invalid. Null counts as absent (jsonencode of null). */
function pair(raw: ValueObject, key: string, notKey: string, where: string): [Value | undefined, Value | undefined] {
  const a = raw[key] ?? undefined;
  const b = raw[notKey] ?? undefined;
  if (a !== undefined && b !== undefined) throw new PolicyParseError(`${where} has both ${key} and ${notKey}`, false);
  return [a, b];
}

/**
 * How to replace an unknown element: 'widen' (a positive list: its pattern or `*`), 'drop' (a Not-list
 * of an Allow: excluding less grants more), 'all' (a Not-list of a Deny: `*` excludes everything, the
 * Deny covers nothing).
 */
type UnknownPolicy = 'widen' | 'drop' | 'all';
const narrowing = (effect: 'Allow' | 'Deny'): UnknownPolicy => (effect === 'Allow' ? 'drop' : 'all');

function unknownElement(v: Unknown | RefObject, how: UnknownPolicy): string | undefined {
  if (how === 'drop') return undefined;
  if (how === 'all') return '*';
  if (isUnknown(v)) return v.pattern ?? '*';
  return v.arnPattern ?? '*';
}

function stringList(v: Value, what: string, how: UnknownPolicy, flag: { unknown: boolean }): string[] {
  const items = Array.isArray(v) ? v : [v];
  if (items.length === 0) throw new PolicyParseError(`${what} is an empty list`, false);
  const out: string[] = [];
  for (const item of items) {
    if (typeof item === 'string') out.push(item);
    else if (isUnknown(item) || isRefObject(item)) {
      flag.unknown = true;
      const s = unknownElement(item, how);
      if (s !== undefined) out.push(s);
    } else throw new PolicyParseError(`${what} must be a string or a list of strings`, false);
  }
  return out;
}

function parsePrincipal(v: Value, what: string, how: UnknownPolicy, flag: { unknown: boolean }): '*' | Record<string, string[]> {
  if (v === '*') return '*';
  if (isUnknown(v) || isRefObject(v)) {
    flag.unknown = true;
    return how === 'drop' ? {} : '*';
  }
  if (!isObject(v)) throw new PolicyParseError(`${what} must be "*" or an object such as {"AWS": [...]}`, false);
  // Principal types come from the policy: `__proto__` must stay a key that Object.values sees.
  const out: Record<string, string[]> = dict();
  for (const [k, list] of Object.entries(v)) out[k] = stringList(list, `${what} ${k}`, how, flag);
  return out;
}
