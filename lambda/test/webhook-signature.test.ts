import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';

// Spy on the constant-time comparison without changing what it does.
vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:crypto')>();
  return { ...actual, timingSafeEqual: vi.fn(actual.timingSafeEqual) };
});

const crypto = await import('node:crypto');
const { verifySignature, sign, hmacKeyFromSecret } = await import('../src/webhook-receiver/signature.js');

const key = Buffer.from('k'.repeat(32));
const body = Buffer.from('{"alertId":"a-1","title":"disk full"}');
const good = `sha256=${createHmac('sha256', key).update(body).digest('hex')}`;

afterEach(() => vi.mocked(crypto.timingSafeEqual).mockClear());

describe('X-Hub-Signature-256 verification', () => {
  it('accepts the HMAC-SHA256 of the raw body', () => {
    expect(sign(body, key)).toBe(good);
    expect(verifySignature(body, good, [key])).toEqual({ ok: true });
  });

  it('compares with crypto.timingSafeEqual on equal-length digests', () => {
    verifySignature(body, good, [key]);
    expect(crypto.timingSafeEqual).toHaveBeenCalledTimes(1);
    const [a, b] = vi.mocked(crypto.timingSafeEqual).mock.calls[0]!;
    expect((a as Buffer).length).toBe(32);
    expect((b as Buffer).length).toBe(32);
  });

  it('rejects a signature made with another key or over another body', () => {
    expect(verifySignature(body, sign(body, Buffer.from('x'.repeat(32))), [key])).toEqual({ ok: false, reason: 'mismatch' });
    expect(verifySignature(Buffer.concat([body, Buffer.from(' ')]), good, [key])).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('rejects a missing or empty header', () => {
    expect(verifySignature(body, undefined, [key])).toEqual({ ok: false, reason: 'missing' });
    expect(verifySignature(body, '', [key])).toEqual({ ok: false, reason: 'missing' });
  });

  it('rejects a wrong prefix without comparing', () => {
    const hex = good.slice('sha256='.length);
    for (const h of [`sha1=${hex}`, hex, `SHA256 ${hex}`, `sha512=${hex}`]) {
      expect(verifySignature(body, h, [key])).toEqual({ ok: false, reason: 'malformed' });
    }
    expect(crypto.timingSafeEqual).not.toHaveBeenCalled();
  });

  it('rejects a wrong length (and non-hex) before timingSafeEqual could throw on unequal lengths', () => {
    for (const h of [good.slice(0, -1), `${good}0`, `${good.slice(0, -2)}zz`, 'sha256=']) {
      expect(verifySignature(body, h, [key])).toEqual({ ok: false, reason: 'malformed' });
    }
    expect(crypto.timingSafeEqual).not.toHaveBeenCalled();
  });

  it('accepts the previous key during a rotation grace and tries every key', () => {
    const previous = Buffer.from('p'.repeat(32));
    expect(verifySignature(body, sign(body, previous), [key, previous])).toEqual({ ok: true });
    expect(crypto.timingSafeEqual).toHaveBeenCalledTimes(2);
    expect(verifySignature(body, good, [])).toEqual({ ok: false, reason: 'no_key' });
  });
});

describe('webhook secret format', () => {
  it('reads {"hmac_key"} JSON or a plain string, and refuses short keys', () => {
    expect(hmacKeyFromSecret('{"hmac_key":"0123456789abcdef0123"}').toString()).toBe('0123456789abcdef0123');
    expect(hmacKeyFromSecret('plain-secret-of-sufficient-length').toString()).toBe('plain-secret-of-sufficient-length');
    expect(() => hmacKeyFromSecret('short')).toThrow(/shorter than 16/);
    expect(() => hmacKeyFromSecret('{"other":"x"}')).toThrow(/hmac_key/);
    expect(() => hmacKeyFromSecret('{broken')).toThrow(/does not parse/);
  });
});
