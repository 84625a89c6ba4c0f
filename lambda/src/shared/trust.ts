import type { Severity } from './domain.js';

/**
 * The trust score of the ZTAIT paper: T = 0.50*C + 0.15*B + 0.25*H + 0.10*E, each in [0,1].
 *  C model confidence (validated output);
 *  B behavioural consistency: agreement between the model's severity and the severity the source
 *    itself reported (1 equal, 0.5 one level apart, 0 further; 0.5 when the source gave none);
 *  H historical accuracy: settings item `trust.historical_accuracy` (the 30-day agreement rate);
 *  E environmental context: settings item `trust.environmental_context` (operators lower it during
 *    change freezes or known turbulence).
 * A missing or malformed H or E counts as 0: unknown history earns no trust (fail closed).
 */

export const TRUST_WEIGHTS = { c: 0.5, b: 0.15, h: 0.25, e: 0.1 } as const;

export interface TrustComponents {
  c: number;
  b: number;
  h: number;
  e: number;
}

export function trustScore(t: TrustComponents): number {
  for (const [k, v] of Object.entries(t)) {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 1)
      throw new Error(`trust component ${k.toUpperCase()} = ${v} is outside [0,1]`);
  }
  const score = TRUST_WEIGHTS.c * t.c + TRUST_WEIGHTS.b * t.b + TRUST_WEIGHTS.h * t.h + TRUST_WEIGHTS.e * t.e;
  return Math.round(score * 1e6) / 1e6;
}

const RANK: Record<Severity, number> = { P1: 0, P2: 1, P3: 2, P4: 3, noise: 4 };

/** The source's own severity wording mapped onto P1..P4/noise, when it is recognisable. */
export function sourceSeverity(text: string): Severity | undefined {
  const t = text.trim().toLowerCase();
  if (/^(p1|sev ?1|sev-1|critical|crit|fatal|emergency|disaster)$/.test(t)) return 'P1';
  if (/^(p2|sev ?2|sev-2|high|major|error|alert)$/.test(t)) return 'P2';
  if (/^(p3|sev ?3|sev-3|medium|moderate|warning|warn|minor)$/.test(t)) return 'P3';
  if (/^(p4|sev ?4|sev-4|low|info|informational|notice)$/.test(t)) return 'P4';
  if (/^(ok|resolved|none|debug|test)$/.test(t)) return 'noise';
  return undefined;
}

export function behaviouralConsistency(model: Severity, sourceText: string): number {
  const src = sourceSeverity(sourceText);
  if (src === undefined) return 0.5;
  const distance = Math.abs(RANK[model] - RANK[src]);
  return distance === 0 ? 1 : distance === 1 ? 0.5 : 0;
}

/** A stored trust input: a number (or numeric string) in [0,1], else 0. */
export function unitSetting(value: unknown): number {
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : NaN;
  return Number.isFinite(n) && n >= 0 && n <= 1 ? n : 0;
}
