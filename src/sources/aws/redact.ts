/**
 * What the probe keeps of a response: plain JSON (dates as ISO strings, no SDK metadata) with
 * secrets removed (the result's own test of what a secret is, model/redact.ts: a secret-looking
 * name that does not name a reference, or a token-shaped value). Live runs and snapshot replays
 * both map from this form, so they cannot differ.
 */

import { REDACTED, looksSecret } from '../../model/redact.js';
import { dict } from '../../model/dict.js';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export { REDACTED };

/** Never kept anywhere, whatever the operation (defence in depth: the probe never asks for them). */
const SECRET_FIELDS = new Set(['SecretString', 'SecretBinary', 'Credentials', 'SecretAccessKey', 'SessionToken', 'Password']);

/** Plain JSON of an SDK value: Dates to ISO strings, bytes to base64, `$metadata` and undefined dropped. */
export function toPlainJson(v: unknown): Json {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.toISOString();
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  if (Array.isArray(v)) return v.map(toPlainJson);
  if (typeof v === 'object') {
    // Names come from the endpoint or a snapshot: `__proto__` stays a plain key, never a prototype.
    const out: { [k: string]: Json } = dict();
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      if (k === '$metadata' || x === undefined || typeof x === 'function') continue;
      out[k] = toPlainJson(x);
    }
    return out;
  }
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'string') return v;
  if (typeof v === 'bigint') return v.toString();
  return null;
}

export function redactResponse(service: string, operation: string, output: Json): Json {
  const stripped = stripSecretFields(output);
  if (service === 'lambda' && operation === 'ListFunctions') return redactFunctionEnvironments(stripped);
  if (service === 'ssm' && operation === 'GetParameter') return redactParameter(stripped);
  return stripped;
}

function stripSecretFields(v: Json): Json {
  if (Array.isArray(v)) return v.map(stripSecretFields);
  if (v !== null && typeof v === 'object') {
    const out: { [k: string]: Json } = dict();
    for (const [k, x] of Object.entries(v)) if (!SECRET_FIELDS.has(k)) out[k] = stripSecretFields(x);
    return out;
  }
  return v;
}

function redactFunctionEnvironments(output: Json): Json {
  const fns = (output as { Functions?: Json[] } | null)?.Functions;
  if (!Array.isArray(fns)) return output;
  for (const fn of fns) {
    const vars = ((fn as { Environment?: { Variables?: Record<string, Json> } }).Environment ?? {}).Variables;
    if (!vars || typeof vars !== 'object') continue;
    for (const [k, x] of Object.entries(vars)) if (typeof x === 'string' && looksSecret(k, x)) vars[k] = REDACTED;
  }
  return output;
}

/** A String parameter under a secret-looking name holds a secret stored in the wrong type: not kept. */
function redactParameter(output: Json): Json {
  const p = (output as { Parameter?: { Name?: Json; Value?: Json } } | null)?.Parameter;
  if (p && typeof p.Name === 'string' && typeof p.Value === 'string' && looksSecret(p.Name, p.Value)) p.Value = REDACTED;
  return output;
}
