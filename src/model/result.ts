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

/**
 * One step of a finding's value provenance, from the use towards the origin: the variable default,
 * the tfvars line, the module input, the local, or the policy statement the verdict depends on.
 */
export interface TraceStep {
  file: string;
  line: number;
  end_line: number;
  /** What this place contributes, in a few words: `var.pitr_enabled default`, `module.data input pitr_enabled`. */
  what: string;
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
  /** Where the value that decided the finding was written, from its use to its origin (static sources). */
  trace?: TraceStep[];
  /** With several root modules in one run: the root module (system) the finding is in. */
  root?: string;
  /** Fleet runs (`probe --org`/`--accounts`): the account and region the finding is in. */
  account?: string;
  region?: string;
}

/** A resource the rule looked at, with the observed values that decided its verdict (evidence). */
export interface Examined {
  resource: string;
  arn?: string;
  file?: string;
  line?: number;
  status: 'pass' | 'fail' | 'error' | 'suppressed';
  observed: string;
  /** With several root modules in one run: the root module (system) the resource is in. */
  root?: string;
  /** Fleet runs: the account and region the resource is in. */
  account?: string;
  region?: string;
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
  /** With several root modules in one run: the root module (system) of the deviation. */
  root?: string;
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

/** One root module's own verdicts, when a run checks several (each is judged alone). */
export interface SystemResult {
  root: string;
  /** Fleet runs: each system is one account in one region (root is `<account>/<region>`). */
  account?: string;
  region?: string;
  /** The worst verdict of its invariants. */
  status: Status;
  summary: Record<Status, number>;
  inventory: { resources: number; by_type: Record<string, number> };
  invariants: { id: string; status: Status; findings: number; reason?: string }[];
  maturity: MaturitySection;
  nist: NistTenetResult[];
  /** Fleet runs: what could not be checked in this account and region (the run's limitations are their union). */
  limitations?: string[];
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
  /** Whether the run passes, and why in one line (which rules fail it at the --fail-on threshold, soft-fail, ...). */
  gate: { passed: boolean; reason: string };
  /** The configuration file applied, and every setting that let this run pass more easily. */
  config?: ConfigInfo;
  /** With several root modules in one run: each one's verdicts (the invariants above are the worst over them). */
  systems?: SystemResult[];
  /** Fleet runs: the accounts swept and, per invariant, how many accounts pass, fail or are in error. */
  fleet?: FleetSummary;
  /** With --baseline: the file, and the baselined findings that are gone (fixed). */
  baseline?: { file: string; absent: { id: string; resource: string; fingerprint: string; message: string }[] };
}

/**
 * A setting that can turn a failing run into a passing one: a rule not run, a verdict that does not
 * fail the run, a waived finding. `source` says who made it: a configuration file (written by
 * whoever wrote the repository) or the command line (the CI job).
 */
export interface GateWeakening {
  kind: 'check' | 'skip_check' | 'soft_fail' | 'fail_on' | 'soft_fail_on' | 'allow_errors' | 'baseline' | 'suppression' | 'prefix';
  detail: string;
  source: 'config' | 'command_line';
  /** The configuration file and line, relative to the working directory or the scanned one. */
  file?: string;
  line?: number;
}

export interface ConfigInfo {
  /** found: `.ztait.yaml` in the scanned directory or a parent within its repository; explicit: --config; none: no file; disabled: --no-config. */
  mode: 'found' | 'explicit' | 'none' | 'disabled';
  /** The configuration files applied (at most one today), never an absolute path. */
  files: string[];
  weakenings: GateWeakening[];
}

/** One account of a fleet run; its status is the worst over its regions. */
export interface FleetAccount {
  id: string;
  /** The Organizations account name, when listed with --org. */
  name?: string;
  regions: string[];
  status: Status;
  /** Why the account could not be read (AssumeRole denied, region blocked), in ztait's words. */
  reason?: string;
}

/** The org summary of a fleet run. An account counts once per invariant, with its worst verdict over its regions. */
export interface FleetSummary {
  accounts: FleetAccount[];
  invariants: { id: string; counts: Record<Status, number> }[];
  /** With --shard i/N: which part of the account list this result covers. */
  shard?: { index: number; count: number };
}
