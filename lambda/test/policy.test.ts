import { describe, expect, it } from 'vitest';
import { parseMaturity, type Maturity } from '../src/shared/maturity.js';
import {
  decide,
  firstEscalation,
  parseDecisionMatrix,
  parseEscalationRules,
  parseGatingRules,
  resolveTimeout,
  type DecisionContext,
  type Policies,
} from '../src/shared/policy.js';
import { behaviouralConsistency, trustScore } from '../src/shared/trust.js';
import { ESCALATION_ITEM, GATING_ITEM, MATRIX_ITEM } from './fixtures.js';
import { fakeClock, maturityEnv } from './helpers.js';

const policies: Policies = {
  matrix: parseDecisionMatrix(MATRIX_ITEM.entries),
  escalation: parseEscalationRules(ESCALATION_ITEM.rules),
  gating: parseGatingRules(GATING_ITEM.rules),
};
const level = (n: 0 | 1 | 2 | 3): Maturity => parseMaturity(maturityEnv(n));
const highTrust = { c: 0.9, b: 1, h: 0.97, e: 1 };

function ctx(over: Partial<DecisionContext> = {}): DecisionContext {
  return {
    proposal: { severity: 'P3', action: 'create_incident', confidence: 0.9 },
    source: 'github',
    maturity: level(3),
    policies,
    trust: highTrust,
    now: 0,
    ...over,
  };
}

describe('trust score', () => {
  it('is 0.50*C + 0.15*B + 0.25*H + 0.10*E', () => {
    expect(trustScore({ c: 1, b: 0, h: 0, e: 0 })).toBe(0.5);
    expect(trustScore({ c: 0.8, b: 0.5, h: 0.9, e: 1 })).toBeCloseTo(0.4 + 0.075 + 0.225 + 0.1, 6);
    expect(() => trustScore({ c: 1.2, b: 0, h: 0, e: 0 })).toThrow(/outside/);
  });

  it('measures behavioural consistency against the source severity', () => {
    expect(behaviouralConsistency('P1', 'critical')).toBe(1);
    expect(behaviouralConsistency('P2', 'critical')).toBe(0.5);
    expect(behaviouralConsistency('noise', 'critical')).toBe(0);
    expect(behaviouralConsistency('P3', 'whatever')).toBe(0.5);
  });
});

describe('escalation rules', () => {
  it('match by priority, first match wins, whatever the stored order', () => {
    const shuffled = parseEscalationRules([...ESCALATION_ITEM.rules].reverse());
    expect(firstEscalation(shuffled, { severity: 'P1', action: 'declare_mim', source: 's' })?.ruleId).toBe('mim');
    expect(firstEscalation(shuffled, { severity: 'P1', action: 'page', source: 's' })?.ruleId).toBe('page-high');
    expect(firstEscalation(shuffled, { severity: 'P1', action: 'create_incident', source: 's' })?.ruleId).toBe('page-high');
    expect(firstEscalation(shuffled, { severity: 'P4', action: 'create_incident', source: 's' })?.ruleId).toBe('ticket');
  });

  it('are refused as a whole when one rule is malformed (order would otherwise change)', () => {
    expect(() => parseEscalationRules([{ rule_id: 'a', priority: 1, targets: ['jira'] }])).toThrow(/not allowed/);
    expect(() =>
      parseEscalationRules([
        { rule_id: 'a', priority: 1, targets: [] },
        { rule_id: 'b', priority: 1, targets: [] },
      ]),
    ).toThrow(/priority 1 is used/);
    expect(() =>
      parseEscalationRules([
        { rule_id: 'a', priority: 1, targets: [] },
        { rule_id: 'a', priority: 2, targets: [] },
      ]),
    ).toThrow(/repeated/);
    expect(() => parseEscalationRules([{ rule_id: 'a', priority: -1, targets: [] }])).toThrow(/priority/);
    expect(() =>
      parseGatingRules([{ rule_id: 'g', priority: 1, trust_threshold: 0.5, timeout_seconds: 10, on_timeout: 'approve' }]),
    ).toThrow(/timeout_seconds/);
    expect(() =>
      parseGatingRules([{ rule_id: 'g', priority: 1, trust_threshold: 0.5, timeout_seconds: 600, on_timeout: 'escalate' }]),
    ).toThrow(/on_timeout/);
    expect(() => parseDecisionMatrix([{ severity: 'P1', allowed_actions: ['reboot'] }])).toThrow(/not allowed/);
  });
});

describe('decisions', () => {
  it('executes at L3 when the trust meets the gating rule', () => {
    const out = decide(ctx());
    expect(out.decision).toMatchObject({ kind: 'execute', targets: ['servicenow'] });
    expect(out.escalationRuleId).toBe('ticket');
  });

  it("requires approval below the trust threshold, with the rule's timeout outcome", () => {
    const out = decide(
      ctx({
        proposal: { severity: 'P3', action: 'create_incident', confidence: 0.85 },
        trust: { c: 0.85, b: 0.5, h: 0.96, e: 0 },
        now: 1000,
      }),
    );
    // T = 0.425 + 0.075 + 0.24 + 0 = 0.74 >= 0.7: executes; lower E pushes it under
    expect(out.decision.kind).toBe('execute');
    const low = decide(
      ctx({
        proposal: { severity: 'P3', action: 'create_incident', confidence: 0.81 },
        trust: { c: 0.81, b: 0, h: 0.95, e: 0 },
        now: 1000,
      }),
    );
    expect(low.decision).toMatchObject({
      kind: 'pending_approval',
      gatingRuleId: 'default',
      onTimeout: 'suppress',
      deadline: 1000 + 3600_000,
    });
  });

  it('routes to human review: confidence exactly 1.0, matrix violations, missing rules, unusable inputs', () => {
    expect(decide(ctx({ proposal: { severity: 'P3', action: 'create_incident', confidence: 1 } })).decision).toMatchObject({
      kind: 'human_review',
      reasons: [expect.stringMatching(/exactly 1.0/)],
    });
    expect(decide(ctx({ proposal: { severity: 'noise', action: 'declare_mim', confidence: 0.9 } })).decision).toMatchObject({
      kind: 'human_review',
      reasons: [expect.stringMatching(/does not allow declare_mim for noise/)],
    });
    expect(decide(ctx({ policies: { ...policies, escalation: [] } })).decision).toMatchObject({
      kind: 'human_review',
      reasons: [expect.stringMatching(/no escalation rule/)],
    });
    expect(decide(ctx({ policies: new Error('gone') })).decision.kind).toBe('human_review');
    expect(decide(ctx({ maturity: new Error('bad env') })).decision.kind).toBe('human_review');
    expect(decide(ctx({ trust: { ...highTrust, e: 2 } })).decision.kind).toBe('human_review');
  });

  it('never executes at L0 (shadow) or L1 (assisted)', () => {
    expect(decide(ctx({ maturity: level(0) })).decision).toMatchObject({ kind: 'shadow', targets: ['servicenow'] });
    const l1 = decide(ctx({ maturity: level(1) })).decision;
    expect(l1.kind).toBe('pending_approval');
    // mandatory approval: no timeout may auto-approve it
    expect(l1).not.toHaveProperty('deadline');
  });

  it('gates per Table 3: P1/P2 at L2, not P3/P4 at L2, nothing at L3', () => {
    const p2 = { severity: 'P2', action: 'page', confidence: 0.95 } as const;
    expect(decide(ctx({ maturity: level(2), proposal: p2 })).decision).toMatchObject({
      kind: 'pending_approval',
      reasons: [expect.stringMatching(/L2 requires approval for P2/)],
    });
    expect(decide(ctx({ maturity: level(2) })).decision.kind).toBe('execute');
    expect(decide(ctx({ maturity: level(3), proposal: p2, trust: { c: 0.95, b: 1, h: 0.97, e: 1 } })).decision).toMatchObject({
      kind: 'execute',
      targets: ['pagerduty', 'slack'],
    });
  });

  it('honours the confidence floor and the regression threshold', () => {
    expect(
      decide(ctx({ maturity: level(2), proposal: { severity: 'P3', action: 'create_incident', confidence: 0.84 } })).decision,
    ).toMatchObject({
      kind: 'pending_approval',
      reasons: [expect.stringMatching(/below the L2 minimum 0.85/)],
    });
    expect(decide(ctx({ trust: { ...highTrust, h: 0.94 } })).decision).toMatchObject({
      kind: 'pending_approval',
      reasons: [expect.stringMatching(/regression/)],
    });
  });

  it('denies by default when no gating rule matches', () => {
    expect(decide(ctx({ policies: { ...policies, gating: [] } })).decision).toMatchObject({
      kind: 'pending_approval',
      reasons: ['no gating rule matches (default deny)'],
    });
  });

  it('logs only when the matching escalation rule names no integration', () => {
    expect(decide(ctx({ proposal: { severity: 'noise', action: 'log_only', confidence: 0.9 } })).decision.kind).toBe('log_only');
  });
});

describe('gating timeline (fake clock)', () => {
  it('auto-approves at the deadline, not a millisecond before', () => {
    const clock = fakeClock();
    const p2 = { severity: 'P2', action: 'page', confidence: 0.85 } as const;
    const out = decide(ctx({ proposal: p2, trust: { c: 0.85, b: 1, h: 0.96, e: 0 }, now: clock.now() }));
    expect(out.decision).toMatchObject({ kind: 'pending_approval', gatingRuleId: 'high-sev', onTimeout: 'approve' });
    const pending = out.decision as { deadline?: number; onTimeout?: 'approve' | 'suppress' };
    clock.advance(900_000 - 1);
    expect(resolveTimeout(pending, clock.now())).toBe('pending');
    clock.advance(1);
    expect(resolveTimeout(pending, clock.now())).toBe('approve');
  });

  it('a gate without a timeout waits for a person forever', () => {
    expect(resolveTimeout({}, Number.MAX_SAFE_INTEGER)).toBe('pending');
  });
});

describe('maturity settings from the environment', () => {
  it('parse Table 3 for every level', () => {
    expect(level(0)).toMatchObject({ level: 0, actionExecutionEnabled: false, gatingRequiredP1P2: 'n/a', minConfidenceAuto: 'n/a' });
    expect(level(2)).toMatchObject({
      level: 2,
      actionExecutionEnabled: true,
      gatingRequiredP1P2: true,
      gatingRequiredP3P4: false,
      minConfidenceAuto: 0.85,
    });
    expect(level(3)).toMatchObject({ accuracyThreshold: 0.95, minConfidenceAuto: 0.8 });
  });

  it('refuse values looser than Table 3, accept stricter ones', () => {
    expect(() => parseMaturity({ ...maturityEnv(1), ACTION_EXECUTION_ENABLED: 'true' })).toThrow(/ACTION_EXECUTION_ENABLED/);
    expect(() => parseMaturity({ ...maturityEnv(2), GATING_REQUIRED_P1_P2: 'false' })).toThrow(/GATING_REQUIRED_P1_P2/);
    expect(() => parseMaturity({ ...maturityEnv(2), MIN_CONFIDENCE_AUTO: '0.80' })).toThrow(/MIN_CONFIDENCE_AUTO/);
    expect(() => parseMaturity({ ...maturityEnv(3), ACCURACY_THRESHOLD: 'n/a' })).toThrow(/ACCURACY_THRESHOLD/);
    expect(parseMaturity({ ...maturityEnv(3), GATING_REQUIRED_P1_P2: 'true', MIN_CONFIDENCE_AUTO: '0.90' })).toMatchObject({
      gatingRequiredP1P2: true,
      minConfidenceAuto: 0.9,
    });
  });

  it('refuse malformed or missing values', () => {
    expect(() => parseMaturity({ ...maturityEnv(2), MATURITY_LEVEL: '4' })).toThrow(/MATURITY_LEVEL/);
    expect(() => parseMaturity({ ...maturityEnv(2), ACTION_EXECUTION_ENABLED: 'yes' })).toThrow(/"true" or "false"/);
    expect(() => parseMaturity({ ...maturityEnv(2), ACCURACY_THRESHOLD: '1.5' })).toThrow(/\[0,1\]/);
    expect(() => parseMaturity({ ...maturityEnv(2), DISPLAY_RECOMMENDATIONS: undefined })).toThrow(/missing/);
  });
});
