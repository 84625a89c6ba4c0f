import type { Inventory, Resource, StatementRef } from '../model/inventory.js';
import type { InventoryIndex } from '../inventory/index.js';

/**
 * A rule only judges: it reads the inventory and returns findings and the resources it examined.
 * It never knows which source (HCL, plan, live) produced the inventory.
 */
export interface RuleContext {
  inventory: Inventory;
  index: InventoryIndex;
  /** Governed namespace prefix (default `ztait-`). */
  prefix: string;
  /** Run options some rules read (plan change rules: who approved a maturity change). */
  options?: { approvedBy?: string };
}

export interface RuleFinding {
  resource: Resource;
  /**
   * Dotted attribute path the finding is about (`point_in_time_recovery.enabled`, `egress.1.protocol`,
   * `vpc_config`), used to locate the offending line; omit to point at the whole block.
   */
  attr?: string;
  message: string;
  /** fail: violated; error: could not be decided (unknown value, missing data). */
  kind: 'fail' | 'error';
  /** A stable discriminator when one resource can have several findings (`egress.1`, `sts:AssumeRole`). */
  key?: string;
  /** Other places the verdict depends on (the statement that grants, the boundary that should deny), for the trace. */
  related?: RelatedSite[];
}

/** An attribute of another resource a finding depends on; the engine locates it and follows its provenance. */
export interface RelatedSite {
  resource: Resource;
  attr?: string;
  /** The policy statement meant, when `attr` holds a policy document. */
  statement?: StatementRef;
  /** What it is, in a few words: `statement 2 allows sts:AssumeRole`. */
  what: string;
}

export interface RuleExamined {
  resource: Resource;
  status: 'pass' | 'fail' | 'error';
  /** The observed values that decided the verdict, e.g. `point_in_time_recovery.enabled = true`. */
  observed: string;
}

export interface RuleOutcome {
  findings: RuleFinding[];
  examined: RuleExamined[];
  /** When nothing is in scope: why (becomes not_applicable). When an error is global: why. */
  reason?: string;
  /** Invariant-level error not tied to one resource (missing data, e.g. no VPC endpoints collected). */
  errors?: string[];
}

/**
 * One rule. `state` rules judge what exists (after apply, for a plan); `change` rules judge what a
 * plan does (deletions included) and run only on plans. Metadata (title, severity, STRIDE, NIST,
 * remediation) lives beside the logic in the rule folder's meta.yaml.
 */
export interface Rule {
  id: string;
  scope: 'state' | 'change';
  evaluate(ctx: RuleContext): RuleOutcome;
}
