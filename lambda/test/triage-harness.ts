import { BedrockRuntimeClient, ConverseCommand } from '@aws-sdk/client-bedrock-runtime';
import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoAuditLog } from '../src/shared/audit.js';
import { memoryLogger } from '../src/shared/log.js';
import { parseMaturity, type Maturity } from '../src/shared/maturity.js';
import { loadTriageConfig } from '../src/triage-engine/config.js';
import { createTriageEngine } from '../src/triage-engine/engine.js';
import { ESCALATION_ITEM, GATING_ITEM, MATRIX_ITEM } from './fixtures.js';
import { docClient, fakeClock, maturityEnv, region } from './helpers.js';

/** The triage engine wired to mocked AWS clients, with the reference policies and settings. */

export const triageConfig = loadTriageConfig({
  MODEL_ID: 'anthropic.claude-3-5-sonnet-20240620-v1:0',
  GUARDRAIL_ID: 'gr-abc123',
  GUARDRAIL_VERSION: '3',
  MAX_FIELD_CHARS: '4000',
  INCIDENTS_TABLE: 'ztait-incidents',
  AUDIT_TABLE: 'ztait-audit',
  POLICIES_TABLE: 'ztait-policies',
  ESCALATION_RULES_TABLE: 'ztait-escalation-rules',
  SETTINGS_TABLE: 'ztait-settings',
  EVENT_BUS: 'ztait-bus',
});

export const mocks = {
  ddb: mockClient(DynamoDBDocumentClient),
  bedrock: mockClient(BedrockRuntimeClient),
  eb: mockClient(EventBridgeClient),
  cw: mockClient(CloudWatchClient),
};

export const SETTINGS: Record<string, unknown> = { 'trust.historical_accuracy': 0.97, 'trust.environmental_context': 1 };

/** Resets the mocks to a healthy pipeline whose model answers `reply`. */
export function healthy(reply: string, opts: { settings?: Record<string, unknown> } = {}): void {
  const settings = opts.settings ?? SETTINGS;
  mocks.ddb.reset();
  mocks.bedrock.reset();
  mocks.eb.reset();
  mocks.cw.reset();
  mocks.ddb.on(GetCommand).callsFake((input: { TableName: string; Key: Record<string, string> }) => {
    if (input.TableName === 'ztait-policies' && input.Key.policy_id === 'decision-matrix') return { Item: MATRIX_ITEM };
    if (input.TableName === 'ztait-policies' && input.Key.policy_id === 'gating-rules') return { Item: GATING_ITEM };
    if (input.TableName === 'ztait-escalation-rules') return { Item: ESCALATION_ITEM };
    if (input.TableName === 'ztait-settings') {
      const key = input.Key.setting_key!;
      return Object.hasOwn(settings, key) ? { Item: { setting_key: key, value: settings[key] } } : {};
    }
    return {};
  });
  mocks.ddb.on(PutCommand).resolves({});
  mocks.bedrock
    .on(ConverseCommand)
    .resolves({ output: { message: { role: 'assistant', content: [{ text: reply }] } }, stopReason: 'end_turn' });
  mocks.eb.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: '1' }] });
  mocks.cw.on(PutMetricDataCommand).resolves({});
}

export function engine(maturity: Maturity | Error = parseMaturity(maturityEnv(3))) {
  const clock = fakeClock();
  const log = memoryLogger();
  const doc = docClient();
  const run = createTriageEngine({
    config: triageConfig,
    maturity,
    bedrock: new BedrockRuntimeClient(region),
    doc,
    events: new EventBridgeClient(region),
    cloudwatch: new CloudWatchClient(region),
    audit: new DynamoAuditLog(doc, triageConfig.auditTable, clock, () => 'id'),
    clock,
    log,
  });
  return { run, clock, log };
}

export function alertEvent(alert: Record<string, unknown>, over: Record<string, unknown> = {}) {
  return {
    id: 'evt-1',
    source: 'ztait.ingestion',
    'detail-type': 'alert.received',
    detail: { correlation_id: 'corr-0000-0001', source: 'datadog', alert: { alertId: 'A-1', ...alert }, ...over },
  };
}

export const converseInput = () => mocks.bedrock.commandCalls(ConverseCommand)[0]!.args[0].input;

export function dataBlock(): string {
  const content = converseInput().messages![0]!.content!;
  const guard = content.find((c) => 'guardContent' in c && c.guardContent);
  return (guard as { guardContent: { text: { text: string } } }).guardContent.text.text;
}

export const putsTo = (table: string) =>
  mocks.ddb
    .commandCalls(PutCommand)
    .filter((c) => c.args[0].input.TableName === table)
    .map((c) => c.args[0].input.Item!);

export const incident = () => putsTo('ztait-incidents')[0]!;

export const modelReply = (o: Record<string, unknown>): string =>
  JSON.stringify({ severity: 'P3', action: 'create_incident', confidence: 0.9, reasoning: 'Single service degraded.', ...o });
