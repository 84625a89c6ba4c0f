import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoAuditLog } from '../shared/audit.js';
import { systemClock } from '../shared/clock.js';
import { consoleLogger } from '../shared/log.js';
import { maturityOrError } from '../shared/maturity.js';
import { SecretCache } from '../shared/secrets.js';
import { loadActionConfig } from './config.js';
import { createActionHandler } from './handler.js';

// INTEGRATION selects which of the four handlers this deployment is; a bad value fails the cold start.
const config = loadActionConfig(process.env);
const log = consoleLogger(`action-${config.integration}`);

const maturity = maturityOrError(process.env, (e) => log.error('maturity settings unusable; refusing every action', { error: e.message }));

const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } });

export const handler = createActionHandler({
  config,
  maturity,
  secrets: new SecretCache(new SecretsManagerClient({}), systemClock),
  doc,
  sqs: new SQSClient({}),
  events: new EventBridgeClient({}),
  audit: new DynamoAuditLog(doc, config.auditTable, systemClock),
  clock: systemClock,
  log,
  fetch: (url, init) => fetch(url, init),
});
