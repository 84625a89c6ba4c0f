/**
 * The drift result: the one object every drift format renders (`ztait drift --format json` prints it
 * as it is). Field names are snake_case, as in the check result.
 */
import type { Status } from '../model/result.js';

export type DriftKind = 'changed' | 'unmanaged' | 'missing' | 'ambiguous' | 'unreadable';

/** How a drift item bears on an invariant. */
export interface DriftImpact {
  invariant: string;
  /**
   * fails_in_account: the code passes it for this resource and the account fails it (the alarming
   * case); passes_in_account: the reverse; verdict_differs: the invariant's verdict differs and
   * nothing names this resource, but the attribute is one the invariant reads; undecided: drift
   * could not be decided here (an ambiguous match, data the account did not give).
   */
  effect: 'fails_in_account' | 'passes_in_account' | 'verdict_differs' | 'undecided';
  code: Status;
  account: Status;
}

export interface DriftItem {
  kind: DriftKind;
  /** The Terraform type of the object (`aws_dynamodb_table`). */
  type: string;
  /** The name a reader knows it by (its AWS name, or an address). */
  name: string;
  /** Changed: the attribute that differs (`point_in_time_recovery`, `inline_policy.least-privilege`). */
  attribute?: string;
  /** The code side: the address, and where the value (or the block) is written. */
  address?: string;
  file?: string;
  line?: number;
  end_line?: number;
  /** The account side. */
  arn?: string;
  live_address?: string;
  /** Changed: the values, rendered (secret-shaped values are never compared, so never here). */
  expected?: string;
  actual?: string;
  /** What differs, line by line (statements, rules, routes added or gone). */
  detail?: string[];
  /** Ambiguous: the account's candidates. Unreadable: why. */
  candidates?: string[];
  reason?: string;
  invariants: DriftImpact[];
  /** Passes in the code and fails in the account: listed first, and said so. */
  alarming: boolean;
  /** Stable across runs: kind, type, the code address or live address, attribute. */
  fingerprint: string;
}

export interface DriftVerdict {
  id: string;
  title: string;
  code: Status;
  account: Status;
  /** Fingerprints of the drift items that bear on it. */
  drift: string[];
}

export interface DriftResult {
  tool: { name: 'ztait'; version: string };
  generated_at: string;
  command_line: string;
  code: { kind: 'hcl' | 'plan' | 'state'; label?: string; inputs: { path: string; sha256: string }[] };
  account: { inputs: { path: string; sha256: string }[]; id?: string; region?: string; caller?: string; prefix: string };
  summary: {
    changed: number;
    unmanaged: number;
    missing: number;
    ambiguous: number;
    unreadable: number;
    /** Items that bear on an invariant's verdict. */
    affecting: number;
    alarming: number;
    /** Objects matched and compared, and attributes compared. */
    matched: number;
    attributes_compared: number;
  };
  items: DriftItem[];
  verdicts: DriftVerdict[];
  /** What was not compared, and why (the probe does not read it, a value known only after apply). */
  not_compared: { reason: string; count: number; examples: string[] }[];
  limitations: string[];
  /** The exit code and why, in one line: 2 when the code could not be read in full (what it hides was not compared). */
  outcome: { exit: 0 | 1 | 2; reason: string };
}
