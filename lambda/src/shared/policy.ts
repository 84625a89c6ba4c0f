import { isAction, isIntegration, isSeverity, type Action, type Integration, type Severity } from './domain.js';
import { gatingRequired, type Maturity } from './maturity.js';
import { trustScore, type TrustComponents } from './trust.js';

/**
 * The deterministic policy engine (deterministic policy over non-deterministic AI). The model
 * proposes a severity and an action; what happens is decided here, from data people own:
 *  - the decision matrix (policies table, `decision-matrix`): which actions each severity may take;
 *    a proposal outside it goes to human review;
 *  - escalation rules (escalation-rules table, item `ruleset`): ordered by priority, the first rule
 *    matching severity, action and source names the integrations to act on;
 *  - gating rules (policies table, `gating-rules`): by priority, the first rule matching severity
 *    and integrations requires human approval when the trust score is below its threshold, with
 *    a timeout that auto-approves or auto-suppresses;
 *  - the maturity settings (Table 3): nothing executes at L0/L1, Table 3 gating, the confidence
 *    floor and the regression threshold.
 * Default deny: no matrix entry, no escalation rule or no gating rule means a human decides.
 */

export class PolicyError extends Error {
  override name = 'PolicyError';
}

export const POLICY_IDS = { matrix: 'decision-matrix', gating: 'gating-rules', suppression: 'suppression-rules' } as const;
export const ESCALATION_RULESET_ID = 'ruleset';

export type DecisionMatrix = ReadonlyMap<Severity, ReadonlySet<Action>>;

export interface EscalationRule {
  ruleId: string;
  priority: number;
  severities?: Severity[];
  actions?: Action[];
  sources?: string[];
  targets: Integration[];
}

export type TimeoutOutcome = 'approve' | 'suppress';

export interface GatingRule {
  ruleId: string;
  priority: number;
  severities?: Severity[];
  integrations?: Integration[];
  trustThreshold: number;
  timeoutSeconds?: number;
  onTimeout?: TimeoutOutcome;
}

export interface Policies {
  matrix: DecisionMatrix;
  escalation: EscalationRule[];
  gating: GatingRule[];
}

// ---- parsing (shared with the config manager, which validates before it writes) -------------

const RULE_ID = /^[A-Za-z0-9._:-]{1,64}$/;

function object(v: unknown, what: string): Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new PolicyError(`${what} is not an object`);
  return v as Record<string, unknown>;
}

function list<T>(v: unknown, what: string, guard: (x: unknown) => x is T, optional: true): T[] | undefined;
function list<T>(v: unknown, what: string, guard: (x: unknown) => x is T, optional: false): T[];
function list<T>(v: unknown, what: string, guard: (x: unknown) => x is T, optional: boolean): T[] | undefined {
  if (v === undefined && optional) return undefined;
  if (!Array.isArray(v) || (optional && v.length === 0)) throw new PolicyError(`${what} must be a${optional ? ' non-empty' : ''} list`);
  for (const x of v) if (!guard(x)) throw new PolicyError(`${what} contains ${JSON.stringify(x)}, which is not allowed`);
  return [...new Set(v as T[])];
}

const isName = (x: unknown): x is string => typeof x === 'string' && /^[A-Za-z0-9._-]{1,64}$/.test(x);

function ruleHeader(
  raw: unknown,
  what: string,
  seen: Set<string>,
  priorities: Set<number>,
): { r: Record<string, unknown>; ruleId: string; priority: number } {
  const r = object(raw, what);
  const ruleId = r.rule_id;
  if (typeof ruleId !== 'string' || !RULE_ID.test(ruleId)) throw new PolicyError(`${what}: rule_id missing or malformed`);
  if (seen.has(ruleId)) throw new PolicyError(`${what}: rule_id ${ruleId} is repeated`);
  const priority = r.priority;
  if (typeof priority !== 'number' || !Number.isInteger(priority) || priority < 0)
    throw new PolicyError(`rule ${ruleId}: priority must be a whole number >= 0`);
  // Equal priorities would make "first match" depend on storage order.
  if (priorities.has(priority)) throw new PolicyError(`rule ${ruleId}: priority ${priority} is used by another rule`);
  seen.add(ruleId);
  priorities.add(priority);
  return { r, ruleId, priority };
}

export function parseDecisionMatrix(entries: unknown): DecisionMatrix {
  if (!Array.isArray(entries) || entries.length === 0) throw new PolicyError('decision matrix: entries must be a non-empty list');
  const m = new Map<Severity, ReadonlySet<Action>>();
  for (const raw of entries) {
    const e = object(raw, 'decision matrix entry');
    if (!isSeverity(e.severity)) throw new PolicyError(`decision matrix: severity ${JSON.stringify(e.severity)} is not P1-P4 or noise`);
    if (m.has(e.severity)) throw new PolicyError(`decision matrix: severity ${e.severity} appears twice`);
    m.set(e.severity, new Set(list(e.allowed_actions, `decision matrix ${e.severity}: allowed_actions`, isAction, false)));
  }
  return m;
}

export function parseEscalationRules(rules: unknown): EscalationRule[] {
  if (!Array.isArray(rules)) throw new PolicyError('escalation rules: rules must be a list');
  const seen = new Set<string>();
  const priorities = new Set<number>();
  const out: EscalationRule[] = [];
  for (const raw of rules) {
    const { r, ruleId, priority } = ruleHeader(raw, 'escalation rule', seen, priorities);
    if (r.enabled === false) continue;
    const rule: EscalationRule = { ruleId, priority, targets: list(r.targets, `rule ${ruleId}: targets`, isIntegration, false) };
    const severities = list(r.severities, `rule ${ruleId}: severities`, isSeverity, true);
    const actions = list(r.actions, `rule ${ruleId}: actions`, isAction, true);
    const sources = list(r.sources, `rule ${ruleId}: sources`, isName, true);
    if (severities) rule.severities = severities;
    if (actions) rule.actions = actions;
    if (sources) rule.sources = sources;
    out.push(rule);
  }
  return out.sort((a, b) => a.priority - b.priority);
}

export function parseGatingRules(rules: unknown): GatingRule[] {
  if (!Array.isArray(rules)) throw new PolicyError('gating rules: rules must be a list');
  const seen = new Set<string>();
  const priorities = new Set<number>();
  const out: GatingRule[] = [];
  for (const raw of rules) {
    const { r, ruleId, priority } = ruleHeader(raw, 'gating rule', seen, priorities);
    if (r.enabled === false) continue;
    const t = r.trust_threshold;
    if (typeof t !== 'number' || !(t >= 0 && t <= 1)) throw new PolicyError(`rule ${ruleId}: trust_threshold must be a number in [0,1]`);
    const rule: GatingRule = { ruleId, priority, trustThreshold: t };
    const severities = list(r.severities, `rule ${ruleId}: severities`, isSeverity, true);
    const integrations = list(r.integrations, `rule ${ruleId}: integrations`, isIntegration, true);
    if (severities) rule.severities = severities;
    if (integrations) rule.integrations = integrations;
    if (r.timeout_seconds !== undefined || r.on_timeout !== undefined) {
      const s = r.timeout_seconds;
      if (typeof s !== 'number' || !Number.isInteger(s) || s < 60 || s > 7 * 86400)
        throw new PolicyError(`rule ${ruleId}: timeout_seconds must be a whole number in [60, 604800]`);
      if (r.on_timeout !== 'approve' && r.on_timeout !== 'suppress')
        throw new PolicyError(`rule ${ruleId}: on_timeout must be "approve" or "suppress"`);
      rule.timeoutSeconds = s;
      rule.onTimeout = r.on_timeout;
    }
    out.push(rule);
  }
  return out.sort((a, b) => a.priority - b.priority);
}

// ---- evaluation -------------------------------------------------------------------------------

const within = <T>(allowed: readonly T[] | undefined, value: T): boolean => allowed === undefined || allowed.includes(value);

export function firstEscalation(
  rules: readonly EscalationRule[],
  alert: { severity: Severity; action: Action; source: string },
): EscalationRule | undefined {
  return rules.find((r) => within(r.severities, alert.severity) && within(r.actions, alert.action) && within(r.sources, alert.source));
}

export function firstGatingRule(rules: readonly GatingRule[], severity: Severity, targets: readonly Integration[]): GatingRule | undefined {
  return rules.find(
    (r) => within(r.severities, severity) && (r.integrations === undefined || targets.some((t) => r.integrations!.includes(t))),
  );
}

export interface Proposal {
  severity: Severity;
  action: Action;
  confidence: number;
}

export type Decision =
  | { kind: 'human_review'; reasons: string[] }
  | { kind: 'shadow'; targets: Integration[]; reasons: string[] }
  | { kind: 'log_only'; reasons: string[] }
  | {
      kind: 'pending_approval';
      targets: Integration[];
      reasons: string[];
      gatingRuleId?: string;
      /** Set only when the timeout decides on its own (auto-approve or auto-suppress). */
      deadline?: number;
      onTimeout?: TimeoutOutcome;
    }
  | { kind: 'execute'; targets: Integration[]; reasons: string[] };

export interface DecisionContext {
  proposal: Proposal;
  source: string;
  maturity: Maturity | Error;
  policies: Policies | Error;
  trust: TrustComponents;
  now: number;
}

export interface Evaluated {
  decision: Decision;
  trustScore?: number;
  escalationRuleId?: string;
}

const review = (...reasons: string[]): Evaluated => ({ decision: { kind: 'human_review', reasons } });

export function decide(ctx: DecisionContext): Evaluated {
  const { proposal, maturity, policies } = ctx;
  if (maturity instanceof Error) return review(`maturity settings unusable: ${maturity.message}`);
  if (proposal.confidence === 1) return review('confidence exactly 1.0 is anomalous for a probabilistic classifier');
  if (policies instanceof Error) return review(`policies unusable: ${policies.message}`);

  const allowed = policies.matrix.get(proposal.severity);
  if (!allowed) return review(`decision matrix has no entry for ${proposal.severity}`);
  if (!allowed.has(proposal.action)) return review(`decision matrix does not allow ${proposal.action} for ${proposal.severity}`);

  let t: number;
  try {
    t = trustScore(ctx.trust);
  } catch (e) {
    return review((e as Error).message);
  }
  const rule = firstEscalation(policies.escalation, { ...proposal, source: ctx.source });
  if (!rule) return { ...review(`no escalation rule matches ${proposal.severity}/${proposal.action} from ${ctx.source}`), trustScore: t };
  const base = { trustScore: t, escalationRuleId: rule.ruleId };
  const why = `escalation rule ${rule.ruleId}`;

  if (maturity.level === 0)
    return {
      ...base,
      decision: { kind: 'shadow', targets: rule.targets, reasons: [`maturity L0 (shadow): recorded, not executed; ${why}`] },
    };
  if (rule.targets.length === 0) return { ...base, decision: { kind: 'log_only', reasons: [`${why} names no integration`] } };

  // Reasons that make approval mandatory: no timeout may auto-approve them.
  const mandatory: string[] = [];
  if (!maturity.actionExecutionEnabled) mandatory.push(`maturity L${maturity.level} (${maturity.name}) does not execute actions`);
  if (gatingRequired(maturity, proposal.severity)) mandatory.push(`maturity L${maturity.level} requires approval for ${proposal.severity}`);
  if (maturity.minConfidenceAuto !== 'n/a' && proposal.confidence < maturity.minConfidenceAuto) {
    mandatory.push(`confidence ${proposal.confidence} below the L${maturity.level} minimum ${maturity.minConfidenceAuto}`);
  }
  if (maturity.autoRegressionEnabled && maturity.accuracyThreshold !== 'n/a' && ctx.trust.h < maturity.accuracyThreshold) {
    mandatory.push(
      `historical accuracy ${ctx.trust.h} below the L${maturity.level} threshold ${maturity.accuracyThreshold} (regression: approval required)`,
    );
  }
  const gate = firstGatingRule(policies.gating, proposal.severity, rule.targets);
  if (!gate) mandatory.push('no gating rule matches (default deny)');
  const belowThreshold = gate !== undefined && t < gate.trustThreshold;
  const reasons = [
    ...mandatory,
    ...(belowThreshold ? [`trust ${t} below gating rule ${gate.ruleId} threshold ${gate.trustThreshold}`] : []),
  ];

  if (reasons.length === 0)
    return {
      ...base,
      decision: { kind: 'execute', targets: rule.targets, reasons: [`${why}; trust ${t} meets gating rule ${gate!.ruleId}`] },
    };
  const pending: Decision = { kind: 'pending_approval', targets: rule.targets, reasons };
  if (gate) pending.gatingRuleId = gate.ruleId;
  if (gate?.onTimeout && gate.timeoutSeconds !== undefined && mandatory.length === 0) {
    pending.deadline = ctx.now + gate.timeoutSeconds * 1000;
    pending.onTimeout = gate.onTimeout;
  }
  return { ...base, decision: pending };
}

/** What a pending approval becomes at `now`: still pending, or the rule's timeout outcome. */
export function resolveTimeout(p: { deadline?: number; onTimeout?: TimeoutOutcome }, now: number): 'pending' | TimeoutOutcome {
  if (p.deadline === undefined || p.onTimeout === undefined) return 'pending';
  return now >= p.deadline ? p.onTimeout : 'pending';
}
