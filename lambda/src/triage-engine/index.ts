import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoAuditLog } from '../shared/audit.js';
import { systemClock } from '../shared/clock.js';
import { consoleLogger } from '../shared/log.js';
import { maturityOrError } from '../shared/maturity.js';
import { loadTriageConfig } from './config.js';
import { createTriageEngine } from './engine.js';

// A missing model, guardrail or table setting fails the cold start.
const config = loadTriageConfig(process.env);
const log = consoleLogger('triage-engine');

// Bad maturity settings do not stop the engine: every incident then goes to human review.
const maturity = maturityOrError(process.env, (e) =>
  log.error('maturity settings unusable; routing every incident to human review', { error: e.message }),
);

const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } });

export const handler = createTriageEngine({
  config,
  maturity,
  bedrock: new BedrockRuntimeClient({}),
  doc,
  events: new EventBridgeClient({}),
  cloudwatch: new CloudWatchClient({}),
  audit: new DynamoAuditLog(doc, config.auditTable, systemClock),
  clock: systemClock,
  log,
});
