/**
 * Reading the function's environment. Every function validates its configuration once, at start,
 * and refuses to run on a missing or malformed value (fail closed: a function that guesses its
 * configuration may run with weaker controls than Terraform declared).
 */

export type Env = Readonly<Record<string, string | undefined>>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function requireString(env: Env, name: string): string {
  const v = env[name];
  if (v === undefined || v.trim() === '') throw new ConfigError(`environment variable ${name} is missing`);
  return v.trim();
}

export function optionalString(env: Env, name: string): string | undefined {
  const v = env[name];
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}

/** A whole number within [min, max]; `fallback` when the variable is absent (never when malformed). */
export function integerSetting(env: Env, name: string, range: { min: number; max: number }, fallback?: number): number {
  const raw = optionalString(env, name);
  if (raw === undefined) {
    if (fallback === undefined) throw new ConfigError(`environment variable ${name} is missing`);
    return fallback;
  }
  if (!/^\d+$/.test(raw)) throw new ConfigError(`environment variable ${name} must be a whole number, got ${JSON.stringify(raw)}`);
  const n = Number(raw);
  if (n < range.min || n > range.max) {
    throw new ConfigError(`environment variable ${name} = ${n} is outside [${range.min}, ${range.max}]`);
  }
  return n;
}

/** A JSON object whose values are all non-empty strings (e.g. the per-source secret ARNs). */
export function stringMapSetting(env: Env, name: string): Record<string, string> {
  const raw = requireString(env, name);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new ConfigError(`environment variable ${name} is not JSON`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigError(`environment variable ${name} must be a JSON object`);
  }
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(parsed)) {
    if (typeof v !== 'string' || v.trim() === '')
      throw new ConfigError(`environment variable ${name}: value of ${JSON.stringify(k)} is not a non-empty string`);
    out[k] = v;
  }
  return out;
}
