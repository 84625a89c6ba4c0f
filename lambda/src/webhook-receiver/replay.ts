/**
 * SI-10: a delivery is accepted only when its X-Timestamp is at most the replay window old
 * (inclusive: exactly 300 s passes, 301 s does not) and at most FUTURE_SKEW_SECONDS ahead of our
 * clock (senders' clocks drift a little; a timestamp far in the future would stretch the window).
 */

export const FUTURE_SKEW_SECONDS = 60;

export type TimestampVerdict = { ok: true; at: number } | { ok: false; reason: 'missing' | 'malformed' | 'stale' | 'future' };

const UNIX_SECONDS = /^\d{1,11}$/;
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/i;

/** The instant in milliseconds, from Unix seconds or an RFC 3339 date-time; undefined when neither. */
export function parseTimestamp(value: string): number | undefined {
  const v = value.trim();
  if (UNIX_SECONDS.test(v)) return Number(v) * 1000;
  if (RFC3339.test(v)) {
    const t = Date.parse(v);
    return Number.isNaN(t) ? undefined : t;
  }
  return undefined;
}

export function checkTimestamp(value: string | undefined, nowMs: number, windowSeconds: number): TimestampVerdict {
  if (value === undefined || value.trim() === '') return { ok: false, reason: 'missing' };
  const at = parseTimestamp(value);
  if (at === undefined) return { ok: false, reason: 'malformed' };
  const age = nowMs - at;
  if (age > windowSeconds * 1000) return { ok: false, reason: 'stale' };
  if (-age > FUTURE_SKEW_SECONDS * 1000) return { ok: false, reason: 'future' };
  return { ok: true, at };
}
