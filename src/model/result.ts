/**
 * The result object: the stable JSON contract of `shared/spec/cli.md`. Every reporter renders only
 * this object. Field names are snake_case because they are the public JSON interface.
 */

export type Status = 'pass' | 'fail' | 'error' | 'not_applicable' | 'suppressed';
export const STATUSES: readonly Status[] = ['pass', 'fail', 'error', 'not_applicable', 'suppressed'];

export type Severity = 'critical' | 'high' | 'medium' | 'low';

export interface Suppression {
  kind: 'inSource' | 'external';
  reason: string;
  /** Where the suppression was written (file:line of the comment or the config entry). */
  file?: string;
  line?: number;
  expires?: string;
}

export interface Finding {
  /** Terraform address (static) or ARN (live). */
  resource: string;
  arn?: string;
  file?: string;
  line?: number;
  end_line?: number;
  column?: number;
  end_column?: number;
  message: string;
  /** fail: the invariant is violated here; error: could not be decided here; suppressed: waived. */
  status: 'fail' | 'error' | 'suppressed';
  suppression?: Suppression;
  /** Stable across line moves: hash of rule id, resource address and the finding's kind. */
  fingerprint: string;
  /** Baseline state when a baseline is in use. */
  baseline?: 'new' | 'unchanged' | 'absent';
}

/** A resource the rule looked at, with the observed values that decided its verdict (evidence). */
export interface Examined {
  resource: string;
  arn?: string;
  file?: string;
  line?: number;
  status: 'pass' | 'fail' | 'error' | 'suppressed';
  observed: string;
}

export interface InvariantResult {
  id: string;
  title: string;
  status: Status;
  severity: Severity;
  stride: string[];
  nist: number[];
  findings: Finding[];
  examined: Examined[];
  /** Why the invariant is not_applicable or error, in one line, when it is. */
  reason?: string;
}

export interface MaturityDeviation {
  setting: string;
  expected: unknown;
  actual: unknown;
  resource?: string;
  file?: string;
  line?: number;
}

export interface MaturitySection {
  level: number | null;
  name?: string;
  /** Where the level is declared: tfvars entry, variable default, plan variable, Lambda env. */
  declared_at?: { file?: string; line?: number; resource?: string };
  consistent: boolean;
  expected?: Record<string, unknown>;
  actual?: Record<string, unknown>;
  deviations: MaturityDeviation[];
  reason?: string;
}

export interface NistTenetResult {
  tenet: number;
  title: string;
  status: Status;
  invariants: string[];
}

export interface SourceInfo {
  kind: 'hcl' | 'plan' | 'live';
  inputs: { path: string; sha256: string }[];
  account?: { id?: string; region?: string; caller?: string };
}

export interface CheckResult {
  tool: { name: 'ztait'; version: string };
  source: SourceInfo;
  generated_at: string;
  command_line: string;
  summary: Record<Status, number>;
  inventory: { resources: number; by_type: Record<string, number> };
  invariants: InvariantResult[];
  maturity: MaturitySection;
  nist: NistTenetResult[];
  diagnostics: { severity: 'error' | 'warning'; message: string; file?: string; line?: number; column?: number }[];
  limitations: string[];
  approved_by?: string;
  /** Set when the run passed or failed for a reason worth one line (thresholds, soft-fail). */
  gate?: { passed: boolean; reason: string };
  /** With --baseline: the file, and the baselined findings that are gone (fixed). */
  baseline?: { file: string; absent: { id: string; resource: string; fingerprint: string; message: string }[] };
}
