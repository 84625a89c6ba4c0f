import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AuditSink } from '../shared/audit.js';
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/log.js';
import type { Maturity } from '../shared/maturity.js';
import type { ConfigManagerConfig } from './config.js';

/** Everything the config manager's parts need, injected (tests pass mocked clients and a fake clock). */
export interface ManagerDeps {
  config: ConfigManagerConfig;
  maturity: Maturity | Error;
  doc: DynamoDBDocumentClient;
  events: EventBridgeClient;
  sm: SecretsManagerClient;
  audit: AuditSink;
  clock: Clock;
  log: Logger;
}

export const MANAGER_ACTOR = 'ztait-config-manager';

/** An HTTP-level refusal: status and a message safe to show the caller. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}
