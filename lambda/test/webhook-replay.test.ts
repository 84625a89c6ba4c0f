import { describe, expect, it } from 'vitest';
import { checkTimestamp, FUTURE_SKEW_SECONDS } from '../src/webhook-receiver/replay.js';
import { loadReceiverConfig } from '../src/webhook-receiver/config.js';

const now = Date.parse('2025-06-01T12:00:00Z');
const secs = (offset: number): string => String(now / 1000 - offset);

describe('X-Timestamp replay window', () => {
  it('accepts exactly 300 s old and rejects 301 s old', () => {
    expect(checkTimestamp(secs(300), now, 300)).toEqual({ ok: true, at: now - 300_000 });
    expect(checkTimestamp(secs(301), now, 300)).toEqual({ ok: false, reason: 'stale' });
  });

  it('honours a smaller configured window', () => {
    expect(checkTimestamp(secs(60), now, 60).ok).toBe(true);
    expect(checkTimestamp(secs(61), now, 60)).toEqual({ ok: false, reason: 'stale' });
  });

  it('tolerates small future skew only', () => {
    expect(checkTimestamp(secs(-FUTURE_SKEW_SECONDS), now, 300).ok).toBe(true);
    expect(checkTimestamp(secs(-FUTURE_SKEW_SECONDS - 1), now, 300)).toEqual({ ok: false, reason: 'future' });
    expect(checkTimestamp(secs(-300), now, 300)).toEqual({ ok: false, reason: 'future' });
  });

  it('reads RFC 3339 too, and rejects missing or malformed values', () => {
    expect(checkTimestamp('2025-06-01T11:55:00Z', now, 300).ok).toBe(true);
    expect(checkTimestamp('2025-06-01T11:54:59Z', now, 300)).toEqual({ ok: false, reason: 'stale' });
    expect(checkTimestamp('2025-06-01T13:55:00+02:00', now, 300).ok).toBe(true);
    expect(checkTimestamp(undefined, now, 300)).toEqual({ ok: false, reason: 'missing' });
    for (const bad of ['yesterday', '1.5e9', '-100', '2025-06-01 12:00:00', '99999999999999']) {
      expect(checkTimestamp(bad, now, 300)).toEqual({ ok: false, reason: 'malformed' });
    }
  });
});

describe('receiver configuration (SI-9, SI-10)', () => {
  const env = {
    WEBHOOK_SECRET_ARNS: JSON.stringify({ github: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:ztait-webhook-github' }),
    REPLAY_WINDOW_SECONDS: '300',
    DEDUP_TABLE: 'ztait-dedup',
    POLICIES_TABLE: 'ztait-policies',
    AUDIT_TABLE: 'ztait-audit',
    EVENT_BUS: 'ztait-bus',
    SIGNATURE_HEADER: 'X-Hub-Signature-256',
    SIGNATURE_ALGORITHM: 'HMAC-SHA256',
  };

  it('starts with a window of at most 300 s', () => {
    expect(loadReceiverConfig(env).replayWindowSeconds).toBe(300);
    expect(loadReceiverConfig(env).dedupTtlSeconds).toBe(86400);
  });

  it('refuses to start with a larger, missing or malformed window', () => {
    expect(() => loadReceiverConfig({ ...env, REPLAY_WINDOW_SECONDS: '301' })).toThrow(/exceeds the 300 s maximum/);
    expect(() => loadReceiverConfig({ ...env, REPLAY_WINDOW_SECONDS: undefined })).toThrow(/missing/);
    expect(() => loadReceiverConfig({ ...env, REPLAY_WINDOW_SECONDS: '5m' })).toThrow(/whole number/);
    expect(() => loadReceiverConfig({ ...env, REPLAY_WINDOW_SECONDS: '0' })).toThrow(/outside/);
  });

  it('refuses another signature scheme, no sources, or a dedup TTL shorter than the window', () => {
    expect(() => loadReceiverConfig({ ...env, SIGNATURE_HEADER: 'X-Signature' })).toThrow(/X-Hub-Signature-256/);
    expect(() => loadReceiverConfig({ ...env, SIGNATURE_ALGORITHM: 'HMAC-SHA1' })).toThrow(/HMAC-SHA256/);
    expect(() => loadReceiverConfig({ ...env, WEBHOOK_SECRET_ARNS: '{}' })).toThrow(/no source/);
    expect(() => loadReceiverConfig({ ...env, WEBHOOK_SECRET_ARNS: '{"github":""}' })).toThrow(/non-empty/);
    expect(() => loadReceiverConfig({ ...env, DEDUP_TTL_SECONDS: '60' })).toThrow(/outside/);
  });
});
