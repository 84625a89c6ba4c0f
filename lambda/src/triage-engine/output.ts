import { Ajv } from 'ajv';
import type { Action, Severity } from '../shared/domain.js';
import { ACTIONS, SEVERITIES } from '../shared/domain.js';
import { sanitizeText } from './sanitize.js';

/**
 * Layer 4: strict validation of what the model said. The reply must be one JSON object and
 * nothing else, with exactly the four keys of the schema (extra keys rejected), an allowed
 * severity and action, a numeric confidence in [0,1] and a bounded reasoning. Anything else is
 * not a classification, and the incident goes to human review with the validation error as the
 * reason. Whatever the input was, the only values that can leave this module are the schema's.
 */

export const MAX_REPLY_CHARS = 4000;
export const MAX_REASONING_CHARS = 1000;

export interface Classification {
  severity: Severity;
  action: Action;
  confidence: number;
  reasoning: string;
}

const schema = {
  type: 'object',
  additionalProperties: false,
  required: ['severity', 'action', 'confidence', 'reasoning'],
  properties: {
    severity: { type: 'string', enum: [...SEVERITIES] },
    action: { type: 'string', enum: [...ACTIONS] },
    confidence: { type: 'number', minimum: 0, maximum: 1 },
    reasoning: { type: 'string', minLength: 1, maxLength: MAX_REASONING_CHARS },
  },
} as const;

const ajv = new Ajv({ allErrors: false, strict: true });
const validateSchema = ajv.compile<Classification>(schema);

export type OutputVerdict = { ok: true; classification: Classification } | { ok: false; reason: string };

export function validateModelOutput(reply: string | undefined): OutputVerdict {
  if (reply === undefined || reply.trim() === '') return { ok: false, reason: 'empty model reply' };
  if (reply.length > MAX_REPLY_CHARS) return { ok: false, reason: `model reply longer than ${MAX_REPLY_CHARS} characters` };
  const text = reply.trim();
  if (!text.startsWith('{') || !text.endsWith('}')) return { ok: false, reason: 'model reply is not a bare JSON object' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'model reply is not valid JSON' };
  }
  if (!validateSchema(parsed)) {
    const e = validateSchema.errors?.[0];
    return { ok: false, reason: `model reply violates the schema: ${e?.instancePath || '/'} ${e?.message ?? ''}`.trim() };
  }
  // The reasoning is model text derived from untrusted data: it is stored and shown to people, so it
  // gets the same sanitising as the alert fields.
  const reasoning = sanitizeText(parsed.reasoning, MAX_REASONING_CHARS);
  return { ok: true, classification: { ...parsed, reasoning: reasoning === '' ? '(empty after sanitising)' : reasoning } };
}
