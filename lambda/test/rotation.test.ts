import {
  DescribeSecretCommand,
  GetRandomPasswordCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { rotate, type RotationStep } from '../src/config-manager/rotation.js';
import type { AuditEntry } from '../src/shared/audit.js';
import { memoryLogger } from '../src/shared/log.js';
import { region } from './helpers.js';

const sm = mockClient(SecretsManagerClient);
const WEBHOOK = 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:ztait-webhook-github-AbCdEf';
const TOKEN = 'tok-new-0001';
const OLD_KEY = 'old-hmac-key-0123456789abcdef';
const NEW_KEY = 'N'.repeat(64);

let audit: AuditEntry[];
let log: ReturnType<typeof memoryLogger>;

function deps() {
  return {
    sm: new SecretsManagerClient(region),
    secretNamePrefix: 'ztait-',
    audit: { record: async (e: AuditEntry) => void audit.push(e) },
    log,
  };
}

function describeAs(
  name: string,
  stages: Record<string, string[]> = { 'v-current': ['AWSCURRENT'], [TOKEN]: ['AWSPENDING'] },
  rotationEnabled = true,
) {
  sm.on(DescribeSecretCommand).resolves({ Name: name, RotationEnabled: rotationEnabled, VersionIdsToStages: stages });
}

const step = (s: RotationStep, secret = WEBHOOK) => rotate({ Step: s, SecretId: secret, ClientRequestToken: TOKEN }, deps());
const notFound = () => Object.assign(new Error('not found'), { name: 'ResourceNotFoundException' });

beforeEach(() => {
  sm.reset();
  audit = [];
  log = memoryLogger();
  describeAs('ztait-webhook-github');
  sm.on(GetSecretValueCommand, { VersionStage: 'AWSCURRENT' }).resolves({ SecretString: JSON.stringify({ hmac_key: OLD_KEY }) });
  sm.on(GetSecretValueCommand, { VersionStage: 'AWSPENDING' }).rejects(notFound());
  sm.on(GetRandomPasswordCommand).resolves({ RandomPassword: NEW_KEY });
  sm.on(PutSecretValueCommand).resolves({});
  sm.on(UpdateSecretVersionStageCommand).resolves({});
});

describe('secret rotation steps (the config manager is the rotation function)', () => {
  it('createSecret stages a new random HMAC key as AWSPENDING under the request token', async () => {
    await step('createSecret');
    expect(sm.commandCalls(GetRandomPasswordCommand)[0]!.args[0].input).toMatchObject({ PasswordLength: 64, ExcludePunctuation: true });
    expect(sm.commandCalls(PutSecretValueCommand)[0]!.args[0].input).toEqual({
      SecretId: WEBHOOK,
      ClientRequestToken: TOKEN,
      SecretString: JSON.stringify({ hmac_key: NEW_KEY }),
      VersionStages: ['AWSPENDING'],
    });
    expect(audit[0]).toMatchObject({
      correlationId: `rotation#ztait-webhook-github#${TOKEN}`,
      event: 'rotation.createSecret',
      reasoning: 'generated hmac_key',
    });
  });

  it('createSecret is idempotent when the pending version exists', async () => {
    sm.on(GetSecretValueCommand, { VersionStage: 'AWSPENDING' }).resolves({ SecretString: JSON.stringify({ hmac_key: NEW_KEY }) });
    await step('createSecret');
    expect(sm.commandCalls(PutSecretValueCommand)).toEqual([]);
  });

  it('testSecret accepts a usable pending key and rejects a short one', async () => {
    sm.on(GetSecretValueCommand, { VersionStage: 'AWSPENDING' }).resolves({ SecretString: JSON.stringify({ hmac_key: NEW_KEY }) });
    await expect(step('testSecret')).resolves.toBeUndefined();
    sm.on(GetSecretValueCommand, { VersionStage: 'AWSPENDING' }).resolves({ SecretString: JSON.stringify({ hmac_key: 'short' }) });
    await expect(step('testSecret')).rejects.toThrow(/shorter than 32/);
  });

  it('setSecret changes nothing in Secrets Manager and says who must re-key', async () => {
    await step('setSecret');
    expect(sm.commandCalls(PutSecretValueCommand)).toEqual([]);
    expect(audit[0]!.reasoning).toMatch(/re-keyed/);
  });

  it('finishSecret moves AWSCURRENT to the new version', async () => {
    await step('finishSecret');
    expect(sm.commandCalls(UpdateSecretVersionStageCommand)[0]!.args[0].input).toEqual({
      SecretId: WEBHOOK,
      VersionStage: 'AWSCURRENT',
      MoveToVersionId: TOKEN,
      RemoveFromVersionId: 'v-current',
    });
  });

  it('skips a version that is already current, refuses one that is not pending', async () => {
    describeAs('ztait-webhook-github', { [TOKEN]: ['AWSCURRENT'] });
    await step('finishSecret');
    expect(sm.commandCalls(UpdateSecretVersionStageCommand)).toEqual([]);
    describeAs('ztait-webhook-github', { [TOKEN]: ['AWSPREVIOUS'] });
    await expect(step('createSecret')).rejects.toThrow(/not AWSPENDING/);
    describeAs('ztait-webhook-github', {});
    await expect(step('createSecret')).rejects.toThrow(/no version/);
    describeAs('ztait-webhook-github', undefined, false);
    await expect(step('createSecret')).rejects.toThrow(/rotation enabled/);
  });

  it('refuses secrets outside the namespace or of no known kind', async () => {
    describeAs('prod-db-password');
    await expect(step('createSecret')).rejects.toThrow(/outside the ztait- namespace/);
    describeAs('ztait-something');
    await expect(step('createSecret')).rejects.toThrow(/no rotation strategy/);
    expect(sm.commandCalls(PutSecretValueCommand)).toEqual([]);
  });

  it('rotates only the fields an integration secret declares, and fails closed on vendor-issued credentials', async () => {
    const INTEGRATION = 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:ztait-integration-mim-AbCdEf';
    describeAs('ztait-integration-mim');
    sm.on(GetSecretValueCommand, { VersionStage: 'AWSCURRENT' }).resolves({
      SecretString: JSON.stringify({ token: 'old-token', tenant: 't-1', rotated_fields: ['token'] }),
    });
    await step('createSecret', INTEGRATION);
    expect(JSON.parse(sm.commandCalls(PutSecretValueCommand)[0]!.args[0].input.SecretString!)).toEqual({
      token: NEW_KEY,
      tenant: 't-1',
      rotated_fields: ['token'],
    });
    sm.on(GetSecretValueCommand, { VersionStage: 'AWSCURRENT' }).resolves({
      SecretString: JSON.stringify({ routing_key: 'vendor-issued' }),
    });
    await expect(step('createSecret', INTEGRATION)).rejects.toThrow(/vendor-issued/);
  });

  it('never writes a secret value to the logs or the audit trail', async () => {
    await step('createSecret');
    sm.on(GetSecretValueCommand, { VersionStage: 'AWSPENDING' }).resolves({ SecretString: JSON.stringify({ hmac_key: NEW_KEY }) });
    await step('testSecret');
    await step('finishSecret');
    const written = JSON.stringify([audit, log.lines]);
    expect(written).not.toContain(NEW_KEY);
    expect(written).not.toContain(OLD_KEY);
  });
});
