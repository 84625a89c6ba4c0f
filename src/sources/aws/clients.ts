import { ApiGatewayV2Client } from '@aws-sdk/client-apigatewayv2';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EC2Client } from '@aws-sdk/client-ec2';
import { IAMClient } from '@aws-sdk/client-iam';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SSMClient } from '@aws-sdk/client-ssm';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { fromIni } from '@aws-sdk/credential-providers';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@aws-sdk/types';
import { AUDIT_SESSION_NAME, ProbeSession } from './session.js';
import { DEFAULT_MAX_ATTEMPTS, DEFAULT_TIMEOUT_MS } from './defaults.js';
export { DEFAULT_MAX_ATTEMPTS, DEFAULT_TIMEOUT_MS } from './defaults.js';

/** How to reach the account: the flags of `ztait probe` that shape the SDK clients. */
export interface ConnectionOptions {
  region?: string;
  profile?: string;
  roleArn?: string;
  externalId?: string;
  endpointUrl?: string;
  /** Attempts per call including the first (SDK adaptive retry with backoff). */
  maxAttempts?: number;
  /** Per-attempt timeout in ms. */
  timeoutMs?: number;
  /**
   * Credentials already made (a fleet run's member account, assumed once for all its regions): used
   * as they are, instead of the default chain, --profile or --role-arn.
   */
  credentials?: AwsCredentialIdentityProvider;
}

export interface AwsClients {
  region: string;
  sts: STSClient;
  iam: IAMClient;
  ec2: EC2Client;
  lambda: LambdaClient;
  dynamodb: DynamoDBClient;
  s3: S3Client;
  cloudtrail: CloudTrailClient;
  secrets: SecretsManagerClient;
  apigw: ApiGatewayV2Client;
  ssm: SSMClient;
}

/** Thrown when the SDK cannot even be configured (no region): the CLI turns it into exit 2. */
export class ConnectionSetupError extends Error {}

/**
 * Builds every client with the same credentials, region, endpoint, retry and timeout settings, each
 * guarded by the session. Credentials come from the SDK default chain (env, shared files, SSO,
 * container and instance metadata), or the named profile; with a role ARN, the audit role is
 * assumed once through the guarded STS client and its credentials used everywhere else.
 */
export async function createClients(opts: ConnectionOptions, session: ProbeSession): Promise<AwsClients> {
  const { base, baseSts, region } = await callerSts(opts, session);
  const credentials = opts.credentials ?? (opts.roleArn ? assumeRoleProvider(baseSts, opts.roleArn, opts.externalId) : base.credentials);
  // A custom endpoint cannot resolve bucket.host names: address buckets by path there.
  return guardedClients({ ...base, region, ...(credentials ? { credentials } : {}) }, region, session, {
    forcePathStyle: Boolean(opts.endpointUrl),
    followRegionRedirects: !opts.endpointUrl,
  });
}

/**
 * The settings every client of a run shares (endpoint, retry, per-attempt timeout, the caller's own
 * credentials), the caller's STS client guarded by the session, and the region the run is in.
 */
export async function callerSts(
  opts: ConnectionOptions,
  session: ProbeSession,
): Promise<{ base: SharedConfig; baseSts: STSClient; region: string }> {
  const base = sdkBaseConfig(opts);
  const baseSts = session.attach(new STSClient({ ...base, ...(opts.region ? { region: opts.region } : {}) }), 'sts');
  const region = await configuredRegion(baseSts);
  if (!region) throw new ConnectionSetupError(NO_REGION);
  return { base: { ...base, region }, baseSts, region };
}

export const NO_REGION = 'no AWS region: pass --region, set AWS_REGION, or set a region in the profile';

/**
 * What every SDK client of a run shares but the region: endpoint, credentials (made ones, else the
 * profile's, else the default chain), adaptive retry, and a per-attempt timeout that ends the attempt.
 */
export function sdkBaseConfig(opts: Omit<ConnectionOptions, 'region' | 'roleArn' | 'externalId'>) {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const credentials = opts.credentials ?? (opts.profile ? fromIni({ profile: opts.profile }) : undefined);
  return {
    ...(opts.profile ? { profile: opts.profile } : {}),
    ...(opts.endpointUrl ? { endpoint: opts.endpointUrl } : {}),
    ...(credentials ? { credentials } : {}),
    retryMode: 'adaptive',
    maxAttempts: opts.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    // Without throwOnRequestTimeout the handler only logs a warning and keeps waiting.
    requestHandler: { requestTimeout: timeoutMs, connectionTimeout: Math.min(timeoutMs, 5_000), throwOnRequestTimeout: true },
  };
}

/** The region a client resolved (flag, AWS_REGION, the profile), or '' when there is none. */
export async function configuredRegion(client: { config: { region: () => Promise<string> } }): Promise<string> {
  try {
    return await client.config.region();
  } catch {
    return '';
  }
}

/** Clients for an offline replay: the session answers every call, nothing is ever sent. */
export function replayClients(region: string, session: ProbeSession): AwsClients {
  const cfg = { region, endpoint: 'http://127.0.0.1:9', credentials: { accessKeyId: 'replay', secretAccessKey: 'replay' }, maxAttempts: 1 };
  return guardedClients(cfg, region, session, { forcePathStyle: true });
}

/** What every client shares (a structural subset of each client's config). */
export interface SharedConfig {
  region: string;
  endpoint?: string;
  profile?: string;
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  retryMode?: string;
  maxAttempts?: number;
  requestHandler?: { requestTimeout: number; connectionTimeout: number; throwOnRequestTimeout: boolean };
}

function guardedClients(
  cfg: SharedConfig,
  region: string,
  session: ProbeSession,
  s3Extra: { forcePathStyle: boolean; followRegionRedirects?: boolean },
): AwsClients {
  return {
    region,
    sts: session.attach(new STSClient(cfg), 'sts'),
    iam: session.attach(new IAMClient(cfg), 'iam'),
    ec2: session.attach(new EC2Client(cfg), 'ec2'),
    lambda: session.attach(new LambdaClient(cfg), 'lambda'),
    dynamodb: session.attach(new DynamoDBClient(cfg), 'dynamodb'),
    s3: session.attach(new S3Client({ ...cfg, ...s3Extra }), 's3'),
    cloudtrail: session.attach(new CloudTrailClient(cfg), 'cloudtrail'),
    secrets: session.attach(new SecretsManagerClient(cfg), 'secretsmanager'),
    apigw: session.attach(new ApiGatewayV2Client(cfg), 'apigateway'),
    ssm: session.attach(new SSMClient(cfg), 'ssm'),
  };
}

/** Assumes the audit role once (lazily, on first use) and re-assumes shortly before expiry. */
export function assumeRoleProvider(sts: STSClient, roleArn: string, externalId?: string): AwsCredentialIdentityProvider {
  let current: Promise<AwsCredentialIdentity> | undefined;
  let expires = 0;
  return () => {
    if (!current || Date.now() > expires - 60_000) {
      current = sts
        .send(
          new AssumeRoleCommand({
            RoleArn: roleArn,
            RoleSessionName: AUDIT_SESSION_NAME,
            ...(externalId ? { ExternalId: externalId } : {}),
          }),
        )
        .then((out) => {
          const c = out.Credentials;
          if (!c?.AccessKeyId || !c.SecretAccessKey) throw new Error(`sts:AssumeRole of ${roleArn} returned no credentials`);
          expires = c.Expiration ? new Date(c.Expiration).getTime() : Date.now() + 3_600_000;
          return {
            accessKeyId: c.AccessKeyId,
            secretAccessKey: c.SecretAccessKey,
            sessionToken: c.SessionToken,
            ...(c.Expiration ? { expiration: new Date(c.Expiration) } : {}),
          };
        });
      current.catch(() => {
        current = undefined;
      });
    }
    return current;
  };
}
