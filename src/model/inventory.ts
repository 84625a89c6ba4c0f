import type { Value, ValueObject } from './value.js';

/**
 * One inventory, three sources. Every source (HCL directory, plan JSON, live account) produces this
 * shape; every rule reads only this shape.
 */

export type SourceKind = 'hcl' | 'plan' | 'live';

/** 1-based lines and columns. `file` is relative to the scan root (or absolute when outside it). */
export interface Location {
  file: string;
  line: number;
  endLine: number;
  column?: number;
  endColumn?: number;
}

export type ChangeAction = 'create' | 'update' | 'delete' | 'no-op' | 'read' | 'replace';

export interface Resource {
  /** Full Terraform address, e.g. `module.actions.aws_lambda_function.handler["slack"]`; live: the ARN-derived address. */
  address: string;
  mode: 'managed' | 'data';
  type: string;
  /** The block name (`handler`). */
  name: string;
  /** Module path prefix, '' for the root module (`module.actions`, `module.a["x"].module.b`). */
  module: string;
  /** count index or for_each key of this instance, when it has one. */
  index?: string | number;
  /** Attribute values as Terraform describes them; nested blocks are lists of objects. */
  values: ValueObject;
  /** Where the resource block is (static sources); undefined live. */
  location?: Location;
  /**
   * Where each attribute or nested block is, keyed by dotted path without list indexes for the first
   * block (`point_in_time_recovery.enabled`), and with them for repeated blocks (`egress.1.to_port`).
   */
  attrLocations?: Record<string, Location>;
  /** Live: the resource's ARN. */
  arn?: string;
  /** Plan: what the plan does to this resource. */
  change?: { actions: ChangeAction[]; before?: ValueObject | null };
  /** Comments inside or just above the block (static), for inline suppressions. */
  comments?: { text: string; line: number }[];
}

/** A place that contributes to a value, and what it contributes (a step of a finding's trace). */
export interface Origin extends Location {
  what: string;
}

/**
 * Value provenance, kept by a static source: for an attribute of a resource, the places its value
 * comes from (variable defaults, tfvars entries, module inputs, locals, referenced policy documents),
 * from the use towards the origin. `statement` narrows a policy document to one statement.
 */
export interface Provenance {
  origins(resource: Resource, attr: string | undefined, opts?: { statement?: StatementRef }): Origin[];
}

/** A statement of a rendered policy document: its index, and its Sid when it has one. */
export interface StatementRef {
  index: number;
  sid?: string;
}

export interface Diagnostic {
  severity: 'error' | 'warning';
  message: string;
  file?: string;
  line?: number;
  column?: number;
  /** Addresses or module paths whose values this problem may affect ('*' = anything). */
  affects?: string[];
}

export interface InputFile {
  path: string;
  sha256: string;
}

export interface Inventory {
  kind: SourceKind;
  resources: Resource[];
  inputs: InputFile[];
  diagnostics: Diagnostic[];
  /** Strings that must never be printed (sensitive plan values, literal secrets found in HCL). */
  secrets: Set<string>;
  /** Root-module variable values as resolved (HCL: defaults + tfvars + --var; plan: `variables`). */
  variables?: Record<string, Value>;
  /** Where each root variable got its value: `{file, line}` of the tfvars entry or the default. */
  variableOrigins?: Record<string, Location & { kind: 'default' | 'tfvars' | 'cli' | 'plan' }>;
  /** Static sources: where attribute values come from (finding traces). */
  provenance?: Provenance;
  /** Live: account id, region, caller ARN. */
  account?: { id?: string; region?: string; caller?: string };
  /** Things the source could not read, for the limitations section (live: cross-checks not supported). */
  limitations?: string[];
  /**
   * Live: data that could not be collected. Key: what is missing in inventory terms, a resource type
   * or `type.attribute` (`aws_iam_role`, `aws_dynamodb_table.point_in_time_recovery`), matched
   * against what each rule reads; a key that is no resource type (the account identity,
   * `sts:GetCallerIdentity`) concerns no rule and is only reported. Value: why (the failed call).
   */
  gaps?: Record<string, string>;
}

/** The name a reader knows the resource by: its AWS name when known, else its address. */
export function label(r: Resource): string {
  for (const k of ['name', 'function_name', 'bucket']) {
    const v = r.values[k];
    if (typeof v === 'string' && v !== '') return v;
  }
  return r.address;
}

export function emptyInventory(kind: SourceKind): Inventory {
  return { kind, resources: [], inputs: [], diagnostics: [], secrets: new Set() };
}
