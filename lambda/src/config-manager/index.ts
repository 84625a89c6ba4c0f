import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoAuditLog } from '../shared/audit.js';
import { systemClock } from '../shared/clock.js';
import { consoleLogger } from '../shared/log.js';
import { maturityOrError } from '../shared/maturity.js';
import { loadConfigManagerConfig } from './config.js';
import { createConfigManager } from './manager.js';

const config = loadConfigManagerConfig(process.env);
const log = consoleLogger('config-manager');
const maturity = maturityOrError(process.env, (e) =>
  log.error('maturity settings unusable; approvals will not dispatch actions', { error: e.message }),
);
const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } });

export const handler = createConfigManager({
  config,
  maturity,
  doc,
  events: new EventBridgeClient({}),
  sm: new SecretsManagerClient({}),
  audit: new DynamoAuditLog(doc, config.auditTable, systemClock),
  clock: systemClock,
  log,
});
