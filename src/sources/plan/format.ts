/**
 * The parts of Terraform's JSON plan representation (`terraform show -json tfplan`, format 1.x,
 * https://developer.hashicorp.com/terraform/internals/json-format) that the plan source reads.
 * Everything is optional because plans of different Terraform versions omit different parts.
 */

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type JsonObject = { [k: string]: Json };

export interface PlanResource {
  address: string;
  mode: 'managed' | 'data';
  type: string;
  name: string;
  index?: string | number;
  provider_name?: string;
  values?: JsonObject;
  sensitive_values?: Json;
}

export interface PlanModule {
  address?: string;
  resources?: PlanResource[];
  child_modules?: PlanModule[];
}

export interface Change {
  actions: string[];
  before?: Json;
  after?: Json;
  after_unknown?: Json;
  before_sensitive?: Json;
  after_sensitive?: Json;
  replace_paths?: Json[];
}

export interface ResourceChange {
  address: string;
  previous_address?: string;
  module_address?: string;
  mode: 'managed' | 'data';
  type: string;
  name: string;
  index?: string | number;
  deposed?: string;
  change: Change;
  action_reason?: string;
}

/** A configuration expression: a constant, or what it references (module-relative). */
export interface Expression {
  constant_value?: Json;
  references?: string[];
}

export interface ConfigResource {
  address: string;
  mode: 'managed' | 'data';
  type: string;
  name: string;
  /** Attribute name -> expression; nested block name -> list of blocks of expressions. */
  expressions?: Record<string, Json>;
  count_expression?: Expression;
  for_each_expression?: Expression;
}

export interface ModuleCall {
  source?: string;
  expressions?: Record<string, Expression>;
  count_expression?: Expression;
  for_each_expression?: Expression;
  module?: ModuleConfig;
}

export interface ModuleConfig {
  resources?: ConfigResource[];
  module_calls?: Record<string, ModuleCall>;
  outputs?: Record<string, { expression?: Expression; sensitive?: boolean }>;
  variables?: Record<string, { default?: Json; sensitive?: boolean; description?: string }>;
}

export interface PlanOutput {
  sensitive?: boolean;
  value?: Json;
}

export interface PlanJson {
  format_version: string;
  terraform_version?: string;
  variables?: Record<string, { value?: Json }>;
  planned_values?: { root_module?: PlanModule; outputs?: Record<string, PlanOutput> };
  resource_changes?: ResourceChange[];
  prior_state?: { values?: { root_module?: PlanModule; outputs?: Record<string, PlanOutput> } };
  configuration?: { root_module?: ModuleConfig };
  errored?: boolean;
  complete?: boolean;
}
