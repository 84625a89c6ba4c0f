import { existsSync, readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { NistTenetResult, Severity, Status } from '../../model/result.js';
import { PACKAGE_ROOT } from '../../version.js';
import { ALL_RULES } from '../registry.js';
import { NIST_SCHEMA, RULE_SCHEMA } from './schemas.js';
import { displayPath, readValidatedYaml } from './validate.js';

export type { NistTenetResult } from '../../model/result.js';

/** One rule's metadata, as written in src/rules/<rule folder>/meta.yaml, beside the rule's logic. */
export interface RuleMeta {
  id: string;
  title: string;
  statement: string;
  stride: { id: string; name: string }[];
  nist: number[];
  severity: Severity;
  remediation: string;
  references: string[];
  kind: 'invariant' | 'maturity' | 'plan';
  /** CVSS-like score for SARIF `security-severity` (GitHub bands: critical >= 9.0, high >= 7.0, ...). */
  security_severity: string;
  precision: string;
}

export interface NistTenet {
  tenet: number;
  title: string;
  rules: string[];
}

/** The rule folders (each with meta.yaml) and catalog/nist-800-207.yaml. */
export const DEFAULT_RULES_DIR = join(PACKAGE_ROOT, 'src', 'rules');
/** Data shared by all rules that is not one rule's: Table 3 and the promotion criteria (maturity.yaml). */
export const DATA_DIR = join(PACKAGE_ROOT, 'rules');

const FAMILY_ORDER = ['SI', 'ZT-MAT', 'ZT-PLAN'];

/** GitHub code scanning maps security-severity to these bands; the score must agree with severity. */
const SEVERITY_BANDS: Record<Severity, [number, number]> = {
  critical: [9.0, 10.0],
  high: [7.0, 8.9],
  medium: [4.0, 6.9],
  low: [0.1, 3.9],
};

/** Sort key: family (SI, ZT-MAT, ZT-PLAN), then number. */
export function compareRuleIds(a: string, b: string): number {
  const key = (id: string): [number, number] => {
    const m = /^(.*)-(\d+)$/.exec(id);
    const family = m ? FAMILY_ORDER.indexOf(m[1]!) : -1;
    return [family < 0 ? FAMILY_ORDER.length : family, m ? Number(m[2]) : 0];
  };
  const [fa, na] = key(a);
  const [fb, nb] = key(b);
  return fa - fb || na - nb || a.localeCompare(b);
}

/** The folder `si-06-dynamodb-pitr` holds `SI-6`: family and number, leading zeros dropped. */
const RULE_FOLDER = /^(si|zt-mat|zt-plan)-0*(\d+)-[a-z0-9-]+$/;
function idFromFolder(name: string): string | undefined {
  const m = RULE_FOLDER.exec(name);
  return m ? `${m[1]!.toUpperCase()}-${m[2]}` : undefined;
}

function checkRule(rule: RuleMeta, file: string): void {
  const name = displayPath(file);
  if (idFromFolder(basename(dirname(file))) !== rule.id) throw new Error(`${name}: id ${rule.id} does not match the folder name`);
  const [lo, hi] = SEVERITY_BANDS[rule.severity];
  const score = Number(rule.security_severity);
  if (score < lo || score > hi) {
    throw new Error(
      `${name}: security_severity ${rule.security_severity} is outside the ${rule.severity} band ${lo.toFixed(1)}-${hi.toFixed(1)}`,
    );
  }
}

/**
 * Every rule folder's meta.yaml. `required` is the rule ids the code registers (registry.ts): a
 * registered rule without metadata, or metadata without a rule, is a broken catalog.
 */
function readRules(dir: string, required: readonly string[]): RuleMeta[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => RULE_FOLDER.test(n) && existsSync(join(dir, n, 'meta.yaml')));
  } catch (e) {
    throw new Error(`${displayPath(dir)}: cannot read the rules directory: ${(e as Error).message}`, { cause: e });
  }
  const rules: RuleMeta[] = [];
  const seen = new Map<string, string>();
  for (const n of names.sort()) {
    const file = join(dir, n, 'meta.yaml');
    const rule = readValidatedYaml<RuleMeta>(file, RULE_SCHEMA);
    checkRule(rule, file);
    const other = seen.get(rule.id);
    if (other) throw new Error(`${displayPath(file)}: rule ${rule.id} is also defined in ${other}`);
    seen.set(rule.id, displayPath(file));
    rules.push(rule);
  }
  const missing = required.filter((id) => !seen.has(id));
  if (missing.length > 0) throw new Error(`${displayPath(dir)}: no meta.yaml for ${missing.join(', ')}`);
  return rules.sort((a, b) => compareRuleIds(a.id, b.id));
}

/** The NIST mapping is stated twice (rule files and nist-800-207.yaml): they must agree. */
function checkNist(tenets: NistTenet[], rules: RuleMeta[], file: string): void {
  const name = displayPath(file);
  const numbers = tenets.map((t) => t.tenet);
  if (new Set(numbers).size !== 7) throw new Error(`${name}: tenets must be 1..7, each once`);
  const known = new Set(rules.map((r) => r.id));
  for (const t of tenets) {
    const unknown = t.rules.filter((id) => !known.has(id));
    if (unknown.length > 0) throw new Error(`${name}: tenet ${t.tenet} maps unknown rule ${unknown.join(', ')}`);
  }
  for (const r of rules) {
    const mapped = tenets
      .filter((t) => t.rules.includes(r.id))
      .map((t) => t.tenet)
      .sort((a, b) => a - b);
    const declared = [...r.nist].sort((a, b) => a - b);
    if (mapped.join(',') !== declared.join(',')) {
      throw new Error(`${name}: ${r.id} maps to tenets [${mapped.join(', ')}] here but its rule file says [${declared.join(', ')}]`);
    }
  }
}

interface Catalog {
  rules: RuleMeta[];
  byId: Map<string, RuleMeta>;
  nist: NistTenet[];
}
const catalogs = new Map<string, Catalog>();

/** Loads and cross-checks every rule folder's meta.yaml and catalog/nist-800-207.yaml once per directory. */
function catalog(dir: string = DEFAULT_RULES_DIR): Catalog {
  let c = catalogs.get(dir);
  if (!c) {
    const rules = readRules(
      dir,
      ALL_RULES.map((r) => r.id),
    );
    const nistFile = join(dir, 'catalog', 'nist-800-207.yaml');
    const nist = readValidatedYaml<{ tenets: NistTenet[] }>(nistFile, NIST_SCHEMA).tenets;
    checkNist(nist, rules, nistFile);
    nist.sort((a, b) => a.tenet - b.tenet);
    for (const t of nist) t.rules.sort(compareRuleIds);
    c = { rules, byId: new Map(rules.map((r) => [r.id, r])), nist };
    catalogs.set(dir, c);
  }
  return c;
}

/** Every rule, validated, ordered SI-1..SI-14, ZT-MAT-*, ZT-PLAN-*. Throws an Error naming the broken file. */
export function loadRules(dir?: string): RuleMeta[] {
  return catalog(dir).rules;
}

export function ruleById(id: string, dir?: string): RuleMeta | undefined {
  return catalog(dir).byId.get(id);
}

/** The 7 tenets of NIST SP 800-207 with the rule ids mapped to each. */
export function loadNist(dir?: string): NistTenet[] {
  return catalog(dir).nist;
}

/**
 * A tenet's status from the statuses of the rules mapped to it, most severe first:
 * fail (any mapped rule fails) > error (any undecidable) > suppressed (a waiver is in play, so the
 * tenet is not shown as satisfied) > pass (every evaluated, applicable rule passes) >
 * not_applicable (no mapped rule was evaluated, or all were not applicable).
 * `invariants` lists every mapped rule, evaluated or not, so reports can say which were skipped.
 */
export function nistStatus(results: { id: string; status: Status }[], dir?: string): NistTenetResult[] {
  const statusOf = new Map(results.map((r) => [r.id, r.status]));
  return loadNist(dir).map((t) => {
    const statuses = t.rules.map((id) => statusOf.get(id)).filter((s): s is Status => s !== undefined);
    return { tenet: t.tenet, title: t.title, status: combineStatuses(statuses), invariants: [...t.rules] };
  });
}

const PRECEDENCE: Status[] = ['fail', 'error', 'suppressed', 'pass'];

export function combineStatuses(statuses: Status[]): Status {
  return PRECEDENCE.find((s) => statuses.includes(s)) ?? 'not_applicable';
}
