import type { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { requestActions } from '../shared/actions.js';
import type { AuditSink } from '../shared/audit.js';
import { isoAt, type Clock } from '../shared/clock.js';
import { CORRELATION_ID, EVENTS } from '../shared/domain.js';
import type { BusEvent } from '../shared/events.js';
import { describeError, type Logger } from '../shared/log.js';
import type { Maturity } from '../shared/maturity.js';
import { decide, type Decision, type Evaluated, type Policies } from '../shared/policy.js';
import { loadPolicies } from '../shared/policy-store.js';
import { behaviouralConsistency, unitSetting, type TrustComponents } from '../shared/trust.js';
import { converse, type ModelReply } from './bedrock.js';
import type { TriageConfig } from './config.js';
import { putClassificationMetrics } from './metrics.js';
import { validateModelOutput, type Classification } from './output.js';
import { wrapData } from './prompt.js';
import { sanitizeAlert, sanitizeText, type SanitizedAlert } from './sanitize.js';

/**
 * The triage engine: sanitise (layer 1), prompt with the data fenced (layer 2), call the model
 * through the guardrail (layer 3), validate the reply (layer 4), emit the metrics (layer 5), then
 * the deterministic policy. Fail closed: a model error, a guardrail intervention, a reply outside
 * the schema, confidence exactly 1.0, unreadable policies or maturity settings, or a failure to
 * emit metrics or dispatch actions all end in `human_review`. Each decision is audited (PutItem)
 * before it takes effect, and recorded in the incidents table, whose rows are the decision log
 * `ztait maturity assess` reads.
 */

export const ACTOR = 'ztait-triage-engine';
export const SETTING_KEYS = {
  historicalAccuracy: 'trust.historical_accuracy',
  environmentalContext: 'trust.environmental_context',
} as const;

export interface TriageDeps {
  config: TriageConfig;
  /** The parsed maturity settings, or why they could not be used (then everything goes to human review). */
  maturity: Maturity | Error;
  bedrock: BedrockRuntimeClient;
  doc: DynamoDBDocumentClient;
  events: EventBridgeClient;
  cloudwatch: CloudWatchClient;
  audit: AuditSink;
  clock: Clock;
  log: Logger;
}

interface AlertReceived {
  correlation_id?: unknown;
  source?: unknown;
  alert?: { title?: unknown; description?: unknown; severity?: unknown; service?: unknown; alertId?: unknown };
  payload?: unknown;
}

export type TriageOutcome =
  { status: 'ignored'; reason: string } | { status: 'already_decided' } | { status: Decision['kind']; correlationId: string };

/** Status and decision-log outcome (maturity evidence) of each decision kind. */
const RECORD: Record<Decision['kind'], { status: string; outcome: string }> = {
  human_review: { status: 'human_review', outcome: 'shadow' },
  shadow: { status: 'shadow', outcome: 'shadow' },
  log_only: { status: 'logged', outcome: 'auto' },
  pending_approval: { status: 'pending_approval', outcome: 'shadow' },
  execute: { status: 'executed', outcome: 'auto' },
};

export function createTriageEngine(deps: TriageDeps): (event: BusEvent<AlertReceived>) => Promise<TriageOutcome> {
  const { config, clock, log } = deps;

  async function setting(key: string): Promise<unknown> {
    const out = await deps.doc.send(new GetCommand({ TableName: config.settingsTable, Key: { setting_key: key } }));
    return out.Item?.value;
  }

  async function classify(
    alert: SanitizedAlert,
  ): Promise<{ reply?: ModelReply; verdict: { ok: true; classification: Classification } | { ok: false; reason: string } }> {
    let reply: ModelReply;
    try {
      reply = await converse(deps.bedrock, config, wrapData(alert));
    } catch (e) {
      return { verdict: { ok: false, reason: `model unavailable: ${describeError(e)}` } };
    }
    if (reply.guardrailIntervened)
      return { reply, verdict: { ok: false, reason: 'the Bedrock guardrail intervened on the alert content' } };
    return { reply, verdict: validateModelOutput(reply.text) };
  }

  return async function triage(event: BusEvent<AlertReceived>): Promise<TriageOutcome> {
    const detail = event.detail;
    const correlationId = detail?.correlation_id;
    if (
      event.source !== EVENTS.alertReceived.source ||
      event['detail-type'] !== EVENTS.alertReceived.detailType ||
      typeof correlationId !== 'string' ||
      !CORRELATION_ID.test(correlationId) ||
      typeof detail?.source !== 'string'
    ) {
      const reason = 'not a well-formed alert.received event';
      log.error('event ignored', { reason, event_id: event.id });
      await deps.audit.record({
        correlationId: `malformed-event#${String(event.id ?? 'unknown').slice(0, 80)}`,
        actor: ACTOR,
        event: 'triage.rejected',
        decision: 'ignored',
        reasoning: reason,
      });
      return { status: 'ignored', reason };
    }

    // EventBridge may deliver twice; a recorded decision is final.
    const existing = await deps.doc.send(
      new GetCommand({ TableName: config.incidentsTable, Key: { incident_id: correlationId }, ConsistentRead: true }),
    );
    if (existing.Item) {
      log.info('already decided', { correlation_id: correlationId });
      return { status: 'already_decided' };
    }

    const source = sanitizeText(detail.source, 64);
    const alert = sanitizeAlert(detail.alert ?? {}, source, detail.payload, config.maxFieldChars);
    const { reply, verdict } = await classify(alert);
    const classification = verdict.ok ? verdict.classification : undefined;

    let evaluated: Evaluated;
    let trust: TrustComponents | undefined;
    if (!verdict.ok) {
      evaluated = { decision: { kind: 'human_review', reasons: [verdict.reason] } };
    } else {
      const c = verdict.classification;
      let policies: Policies | Error;
      let h = 0;
      let e = 0;
      try {
        [policies, h, e] = await Promise.all([
          loadPolicies(deps.doc, config),
          setting(SETTING_KEYS.historicalAccuracy).then(unitSetting),
          setting(SETTING_KEYS.environmentalContext).then(unitSetting),
        ]);
      } catch (err) {
        policies = err instanceof Error ? err : new Error(String(err));
      }
      trust = { c: c.confidence, b: behaviouralConsistency(c.severity, alert.severity), h, e };
      evaluated = decide({ proposal: c, source, maturity: deps.maturity, policies, trust, now: clock.now() });
    }

    try {
      await putClassificationMetrics(
        deps.cloudwatch,
        {
          guardrailIntervened: reply?.guardrailIntervened ?? false,
          invalidOutput: reply !== undefined && !reply.guardrailIntervened && !verdict.ok,
          humanReview: evaluated.decision.kind === 'human_review',
          ...(classification ? { confidence: classification.confidence } : {}),
        },
        new Date(clock.now()),
      );
    } catch (err) {
      // Without its metrics the guardrail and drift alarms are blind: no autonomous action then.
      if (evaluated.decision.kind !== 'human_review')
        evaluated = { ...evaluated, decision: { kind: 'human_review', reasons: [`metrics unavailable: ${describeError(err)}`] } };
    }

    let decision = evaluated.decision;
    const audit = async (d: Decision): Promise<void> =>
      deps.audit.record({
        correlationId,
        actor: ACTOR,
        event: 'triage.decision',
        decision: d.kind,
        reasoning: [...d.reasons, ...(classification ? [`model: ${classification.reasoning}`] : [])].join('; '),
        details: {
          ...(classification
            ? { severity: classification.severity, action: classification.action, confidence: classification.confidence }
            : {}),
          ...(evaluated.trustScore !== undefined ? { trust_score: evaluated.trustScore } : {}),
          ...(evaluated.escalationRuleId ? { escalation_rule_id: evaluated.escalationRuleId } : {}),
          ...('targets' in d ? { targets: d.targets } : {}),
          ...(d.kind === 'pending_approval' && d.gatingRuleId ? { gating_rule_id: d.gatingRuleId } : {}),
        },
      });
    await audit(decision);

    if (decision.kind === 'execute' && classification) {
      try {
        await requestActions(
          deps.events,
          config.eventBus,
          'triage',
          { correlationId, severity: classification.severity, title: alert.title, summary: classification.reasoning },
          decision.targets,
          ACTOR,
          isoAt(clock.now()),
        );
      } catch (err) {
        // Handlers are idempotent, so a partial dispatch is safe to leave; a person finishes it.
        decision = { kind: 'human_review', reasons: [`action dispatch failed: ${describeError(err)}`] };
        await audit(decision);
      }
    }

    const record = RECORD[decision.kind];
    const now = clock.now();
    try {
      await deps.doc.send(
        new PutCommand({
          TableName: config.incidentsTable,
          Item: {
            incident_id: correlationId,
            timestamp: isoAt(now),
            source,
            alert_id: typeof detail.alert?.alertId === 'string' ? detail.alert.alertId.slice(0, 200) : undefined,
            title: alert.title,
            status: record.status,
            outcome: record.outcome,
            reasons: decision.reasons,
            maturity_level: deps.maturity instanceof Error ? undefined : deps.maturity.level,
            display_recommendation: deps.maturity instanceof Error ? false : deps.maturity.displayRecommendations,
            ...(classification
              ? {
                  agent_severity: classification.severity,
                  agent_action: classification.action,
                  confidence: classification.confidence,
                  reasoning: classification.reasoning,
                  mim_false_positive: false,
                }
              : {}),
            ...(trust && evaluated.trustScore !== undefined
              ? { trust_score: evaluated.trustScore, trust_c: trust.c, trust_b: trust.b, trust_h: trust.h, trust_e: trust.e }
              : {}),
            ...('targets' in decision ? { targets: decision.targets } : {}),
            ...(decision.kind === 'pending_approval'
              ? {
                  gating_rule_id: decision.gatingRuleId,
                  ...(decision.deadline !== undefined
                    ? { approval_deadline: isoAt(decision.deadline), on_timeout: decision.onTimeout }
                    : {}),
                }
              : {}),
          },
          ConditionExpression: 'attribute_not_exists(incident_id)',
        }),
      );
    } catch (err) {
      if ((err as { name?: string }).name !== 'ConditionalCheckFailedException') throw err; // retried by EventBridge
      log.warn('incident recorded concurrently', { correlation_id: correlationId });
    }
    log.info('triage decided', { correlation_id: correlationId, decision: decision.kind, reasons: decision.reasons });
    return { status: decision.kind, correlationId };
  };
}
