import { ConfigError, integerSetting, requireString, type Env } from '../shared/env.js';
import { isIntegration, type Integration } from '../shared/domain.js';

/**
 * One bundle serves the four action handlers; Terraform deploys it once per integration with
 * INTEGRATION naming which one, and INTEGRATION_SECRET_ARN naming that integration's own
 * service-account secret: the only secret the handler reads (SI-13). The endpoint must be HTTPS
 * (the functions' egress is tcp/443 only, SI-1). A bad value refuses the cold start.
 */

export interface ActionConfig {
  integration: Integration;
  secretArn: string;
  endpointUrl: string;
  incidentsTable: string;
  auditTable: string;
  fallbackQueueUrl: string;
  eventBus: string;
  failureThreshold: number;
  cooldownSeconds: number;
  requestTimeoutMs: number;
}

export function loadActionConfig(env: Env): ActionConfig {
  const integration = requireString(env, 'INTEGRATION');
  if (!isIntegration(integration))
    throw new ConfigError(`INTEGRATION must be servicenow, pagerduty, mim or slack, got ${JSON.stringify(integration)}`);
  const secretArn = requireString(env, 'INTEGRATION_SECRET_ARN');
  if (!/^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+/.test(secretArn))
    throw new ConfigError('INTEGRATION_SECRET_ARN is not a Secrets Manager secret ARN');
  const endpointUrl = requireString(env, 'INTEGRATION_ENDPOINT_URL');
  let url: URL;
  try {
    url = new URL(endpointUrl);
  } catch {
    throw new ConfigError('INTEGRATION_ENDPOINT_URL is not a URL');
  }
  if (url.protocol !== 'https:' || (url.port !== '' && url.port !== '443'))
    throw new ConfigError('INTEGRATION_ENDPOINT_URL must be https on port 443');
  if (url.username || url.password)
    throw new ConfigError('INTEGRATION_ENDPOINT_URL must not carry credentials (they belong in the secret)');
  return {
    integration,
    secretArn,
    endpointUrl: url.toString().replace(/\/$/, ''),
    incidentsTable: requireString(env, 'INCIDENTS_TABLE'),
    auditTable: requireString(env, 'AUDIT_TABLE'),
    fallbackQueueUrl: requireString(env, 'FALLBACK_QUEUE_URL'),
    eventBus: requireString(env, 'EVENT_BUS'),
    failureThreshold: integerSetting(env, 'CIRCUIT_BREAKER_FAILURE_THRESHOLD', { min: 1, max: 100 }, 5),
    cooldownSeconds: integerSetting(env, 'CIRCUIT_BREAKER_COOLDOWN_SECONDS', { min: 5, max: 3600 }, 60),
    requestTimeoutMs: integerSetting(env, 'INTEGRATION_TIMEOUT_MS', { min: 1000, max: 25_000 }, 10_000),
  };
}
