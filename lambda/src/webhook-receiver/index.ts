import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoAuditLog } from '../shared/audit.js';
import { systemClock } from '../shared/clock.js';
import { consoleLogger } from '../shared/log.js';
import { SecretCache } from '../shared/secrets.js';
import { loadReceiverConfig } from './config.js';
import { createReceiver } from './receiver.js';

// Read at init: a bad configuration (e.g. a replay window above 300 s) fails the cold start.
const config = loadReceiverConfig(process.env);
const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } });

export const handler = createReceiver({
  config,
  secrets: new SecretCache(new SecretsManagerClient({}), systemClock),
  doc,
  events: new EventBridgeClient({}),
  audit: new DynamoAuditLog(doc, config.auditTable, systemClock),
  clock: systemClock,
  log: consoleLogger('webhook-receiver'),
});
