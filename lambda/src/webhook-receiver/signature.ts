import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * SI-9: HMAC-SHA256 over the raw body with the source's own key, sent as
 * `X-Hub-Signature-256: sha256=<64 hex digits>`. The comparison is constant-time
 * (crypto.timingSafeEqual over two 32-byte digests) so that response timing reveals nothing
 * about how much of a forged signature was right. Nothing here parses the body.
 */

export type SignatureVerdict = { ok: true } | { ok: false; reason: 'missing' | 'malformed' | 'mismatch' | 'no_key' };

const SIGNATURE_FORMAT = /^sha256=([0-9a-fA-F]{64})$/;

export function sign(body: Buffer, key: Buffer): string {
  return `sha256=${createHmac('sha256', key).update(body).digest('hex')}`;
}

/** Checks `headerValue` against every acceptable key (the current one, and the previous one during a rotation's grace). */
export function verifySignature(body: Buffer, headerValue: string | undefined, keys: readonly Buffer[]): SignatureVerdict {
  if (headerValue === undefined || headerValue === '') return { ok: false, reason: 'missing' };
  const m = SIGNATURE_FORMAT.exec(headerValue.trim());
  if (!m) return { ok: false, reason: 'malformed' };
  if (keys.length === 0) return { ok: false, reason: 'no_key' };
  const given = Buffer.from(m[1]!, 'hex');
  let match = false;
  // Every key is tried (no early exit), so timing does not tell which key matched either.
  for (const key of keys) {
    const expected = createHmac('sha256', key).update(body).digest();
    if (timingSafeEqual(expected, given)) match = true;
  }
  return match ? { ok: true } : { ok: false, reason: 'mismatch' };
}

/** The HMAC key in a webhook secret: JSON `{"hmac_key": "..."}` or the plain string. Short keys are refused. */
export function hmacKeyFromSecret(value: string): Buffer {
  let key = value;
  const trimmed = value.trim();
  if (trimmed.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch {
      throw new Error('webhook secret looks like JSON but does not parse');
    }
    const k = (parsed as Record<string, unknown> | null)?.hmac_key;
    if (typeof k !== 'string') throw new Error('webhook secret JSON has no string hmac_key');
    key = k;
  }
  if (Buffer.byteLength(key, 'utf8') < 16) throw new Error('webhook HMAC key is shorter than 16 bytes');
  return Buffer.from(key, 'utf8');
}
