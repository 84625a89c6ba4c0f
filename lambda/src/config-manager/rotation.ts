import {
  DescribeSecretCommand,
  GetRandomPasswordCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  UpdateSecretVersionStageCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import type { AuditSink } from '../shared/audit.js';
import type { Logger } from '../shared/log.js';
import { secretJson } from '../shared/secrets.js';
import { hmacKeyFromSecret } from '../webhook-receiver/signature.js';

/**
 * The rotation function of every ZTAIT secret (SI-12): Secrets Manager invokes it once per step
 * (createSecret, setSecret, testSecret, finishSecret) with the secret and the new version's token.
 *  - webhook secrets (`<prefix>webhook-<source>`): a new random `hmac_key`. The receiver keeps
 *    accepting the previous key for its grace period while the source's owner re-keys the sender.
 *  - integration secrets (`<prefix>integration-<name>`): the fields the secret lists in
 *    `rotated_fields` (credentials ZTAIT owns, e.g. a shared bearer token) get new random values.
 *    A secret without `rotated_fields` holds a vendor-issued credential that only the vendor can
 *    reissue: the rotation fails, visibly, rather than pretend (fail closed).
 * Values never reach logs or audit records; only names, steps and version ids do.
 */

export type RotationStep = 'createSecret' | 'setSecret' | 'testSecret' | 'finishSecret';

export interface RotationEvent {
  Step: RotationStep;
  SecretId: string;
  ClientRequestToken: string;
}

export interface RotationDeps {
  sm: SecretsManagerClient;
  secretNamePrefix: string;
  audit: AuditSink;
  log: Logger;
}

export const isRotationEvent = (e: unknown): e is RotationEvent =>
  e !== null &&
  typeof e === 'object' &&
  typeof (e as RotationEvent).Step === 'string' &&
  typeof (e as RotationEvent).SecretId === 'string' &&
  typeof (e as RotationEvent).ClientRequestToken === 'string';

const MIN_GENERATED_LENGTH = 32;
const GENERATED_LENGTH = 64;

type Kind = 'webhook' | 'integration';

function kindOf(name: string, prefix: string): Kind {
  if (!name.startsWith(prefix)) throw new Error(`secret ${name} is outside the ${prefix} namespace; not rotating it`);
  const rest = name.slice(prefix.length);
  if (rest.startsWith('webhook-')) return 'webhook';
  if (rest.startsWith('integration-')) return 'integration';
  throw new Error(`secret ${name} is neither a webhook nor an integration secret; no rotation strategy`);
}

/** The current value as an object (a plain-string webhook secret becomes {hmac_key}). */
function currentObject(kind: Kind, value: string): Record<string, unknown> {
  if (kind === 'webhook' && !value.trim().startsWith('{')) return { hmac_key: value };
  return secretJson(value, 'current secret value');
}

function generatedFields(kind: Kind, current: Record<string, unknown>): string[] {
  if (kind === 'webhook') return ['hmac_key'];
  const fields = current.rotated_fields;
  if (!Array.isArray(fields) || fields.length === 0 || !fields.every((f) => typeof f === 'string' && f !== 'rotated_fields')) {
    throw new Error('integration secret lists no rotated_fields: its credential is vendor-issued and must be reissued at the vendor');
  }
  return fields as string[];
}

export async function rotate(event: RotationEvent, deps: RotationDeps): Promise<void> {
  const { sm } = deps;
  const { Step: step, SecretId: secretId, ClientRequestToken: token } = event;
  const described = await sm.send(new DescribeSecretCommand({ SecretId: secretId }));
  const name = described.Name ?? '';
  const kind = kindOf(name, deps.secretNamePrefix);
  if (described.RotationEnabled !== true) throw new Error(`secret ${name} does not have rotation enabled`);
  const stages = described.VersionIdsToStages ?? {};
  if (!stages[token]) throw new Error(`secret ${name} has no version ${token}`);
  if (stages[token]!.includes('AWSCURRENT')) {
    deps.log.info('rotation step skipped: version already current', { secret: name, step });
    return;
  }
  if (!stages[token]!.includes('AWSPENDING')) throw new Error(`version ${token} of ${name} is not AWSPENDING`);

  const pending = async (): Promise<string | undefined> => {
    try {
      const out = await sm.send(new GetSecretValueCommand({ SecretId: secretId, VersionId: token, VersionStage: 'AWSPENDING' }));
      return out.SecretString;
    } catch (e) {
      if ((e as { name?: string }).name === 'ResourceNotFoundException') return undefined;
      throw e;
    }
  };

  let note: string;
  switch (step) {
    case 'createSecret': {
      if ((await pending()) !== undefined) {
        note = 'pending version already exists';
        break;
      }
      const current = await sm.send(new GetSecretValueCommand({ SecretId: secretId, VersionStage: 'AWSCURRENT' }));
      const value = currentObject(kind, current.SecretString ?? '');
      const fields = generatedFields(kind, value);
      for (const field of fields) {
        const pw = await sm.send(
          new GetRandomPasswordCommand({ PasswordLength: GENERATED_LENGTH, ExcludePunctuation: true, IncludeSpace: false }),
        );
        if (!pw.RandomPassword) throw new Error('GetRandomPassword returned nothing');
        value[field] = pw.RandomPassword;
      }
      await sm.send(
        new PutSecretValueCommand({
          SecretId: secretId,
          ClientRequestToken: token,
          SecretString: JSON.stringify(value),
          VersionStages: ['AWSPENDING'],
        }),
      );
      note = `generated ${fields.join(', ')}`;
      break;
    }
    case 'setSecret':
      // No system holds a copy ZTAIT could update: the webhook sender is re-keyed by its owner, and
      // integration fields ZTAIT generates are read from this secret by their counterpart.
      note =
        kind === 'webhook'
          ? 'sender must be re-keyed from the new version within the receiver grace period'
          : 'no external system to update';
      break;
    case 'testSecret': {
      const text = await pending();
      if (text === undefined) throw new Error(`secret ${name} has no pending value to test`);
      const value = secretJson(text, 'pending secret value');
      for (const field of generatedFields(kind, value)) {
        const v = value[field];
        if (typeof v !== 'string' || v.length < MIN_GENERATED_LENGTH)
          throw new Error(`pending ${field} is missing or shorter than ${MIN_GENERATED_LENGTH}`);
      }
      if (kind === 'webhook') hmacKeyFromSecret(text); // the receiver must be able to use it
      note = 'pending value is well-formed';
      break;
    }
    case 'finishSecret': {
      const current = Object.entries(stages).find(([, s]) => s.includes('AWSCURRENT'))?.[0];
      await sm.send(
        new UpdateSecretVersionStageCommand({
          SecretId: secretId,
          VersionStage: 'AWSCURRENT',
          MoveToVersionId: token,
          ...(current ? { RemoveFromVersionId: current } : {}),
        }),
      );
      note = `AWSCURRENT moved to ${token}`;
      break;
    }
    default:
      throw new Error(`unknown rotation step ${JSON.stringify(step)}`);
  }
  deps.log.info('rotation step done', { secret: name, step, note });
  await deps.audit.record({
    correlationId: `rotation#${name}#${token}`,
    actor: 'ztait-config-manager',
    event: `rotation.${step}`,
    decision: 'done',
    reasoning: note,
  });
}
