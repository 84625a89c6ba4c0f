import { ConfigError, integerSetting, optionalString, requireString, stringMapSetting, type Env } from '../shared/env.js';

/**
 * The receiver's configuration. It refuses to start (throws at load, so Lambda reports an init
 * error and serves nothing) when the replay window is above 300 s (SI-10), when the signature
 * scheme is anything but X-Hub-Signature-256 / HMAC-SHA256 (SI-9), or when a value is malformed.
 */

export const MAX_REPLAY_WINDOW_SECONDS = 300;
export const SIGNATURE_HEADER = 'X-Hub-Signature-256';

export interface ReceiverConfig {
  /** Source name -> ARN of that source's own HMAC secret. */
  secretArns: Record<string, string>;
  timestampHeader: string;
  replayWindowSeconds: number;
  dedupTable: string;
  dedupTtlSeconds: number;
  policiesTable: string;
  auditTable: string;
  eventBus: string;
  /** After a rotation, how long the previous HMAC key is still accepted while senders are re-keyed. */
  rotationGraceSeconds: number;
}

export function loadReceiverConfig(env: Env): ReceiverConfig {
  const header = optionalString(env, 'SIGNATURE_HEADER');
  if (header !== undefined && header.toLowerCase() !== SIGNATURE_HEADER.toLowerCase()) {
    throw new ConfigError(`SIGNATURE_HEADER must be ${SIGNATURE_HEADER}, got ${JSON.stringify(header)}`);
  }
  const algorithm = optionalString(env, 'SIGNATURE_ALGORITHM');
  if (algorithm !== undefined && algorithm.toUpperCase() !== 'HMAC-SHA256') {
    throw new ConfigError(`SIGNATURE_ALGORITHM must be HMAC-SHA256, got ${JSON.stringify(algorithm)}`);
  }
  const secretArns = stringMapSetting(env, 'WEBHOOK_SECRET_ARNS');
  if (Object.keys(secretArns).length === 0) throw new ConfigError('WEBHOOK_SECRET_ARNS names no source');
  const replayWindowSeconds = integerSetting(env, 'REPLAY_WINDOW_SECONDS', { min: 1, max: Number.MAX_SAFE_INTEGER });
  if (replayWindowSeconds > MAX_REPLAY_WINDOW_SECONDS) {
    throw new ConfigError(
      `REPLAY_WINDOW_SECONDS = ${replayWindowSeconds} exceeds the ${MAX_REPLAY_WINDOW_SECONDS} s maximum (SI-10); refusing to start`,
    );
  }
  return {
    secretArns,
    timestampHeader: optionalString(env, 'TIMESTAMP_HEADER') ?? 'X-Timestamp',
    replayWindowSeconds,
    // The dedup record must outlive the replay window, or a replay inside the window would pass.
    dedupTtlSeconds: integerSetting(env, 'DEDUP_TTL_SECONDS', { min: MAX_REPLAY_WINDOW_SECONDS, max: 7 * 86400 }, 86400),
    dedupTable: requireString(env, 'DEDUP_TABLE'),
    policiesTable: requireString(env, 'POLICIES_TABLE'),
    auditTable: requireString(env, 'AUDIT_TABLE'),
    eventBus: requireString(env, 'EVENT_BUS'),
    rotationGraceSeconds: integerSetting(env, 'ROTATION_GRACE_SECONDS', { min: 0, max: 7 * 86400 }, 86400),
  };
}
