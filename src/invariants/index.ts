/** The 14 ZTAIT invariants, in report order SI-1..SI-14. Metadata lives in rules/SI-NN.yaml. */
import { lambdaEgress } from './si01-lambda-egress.js';
import { lambdaInVpc } from './si02-lambda-in-vpc.js';
import { noAssumeRole } from './si03-no-assume-role.js';
import { noIamPolicyWrites } from './si04-no-iam-policy-writes.js';
import { dynamodbEncrypted } from './si05-dynamodb-encrypted.js';
import { dynamodbPitr } from './si06-dynamodb-pitr.js';
import { auditUndeletable } from './si07-audit-undeletable.js';
import { cloudtrailWriteOnly } from './si08-cloudtrail-write-only.js';
import { webhookHmac } from './si09-webhook-hmac.js';
import { webhookReplay } from './si10-webhook-replay.js';
import { dashboardJwt } from './si11-dashboard-jwt.js';
import { secretRotation } from './si12-secret-rotation.js';
import { dedicatedSecrets } from './si13-dedicated-secrets.js';
import { promptImmutable } from './si14-prompt-immutable.js';
import type { Invariant } from './types.js';

export const ALL_INVARIANTS: Invariant[] = [
  lambdaEgress,
  lambdaInVpc,
  noAssumeRole,
  noIamPolicyWrites,
  dynamodbEncrypted,
  dynamodbPitr,
  auditUndeletable,
  cloudtrailWriteOnly,
  webhookHmac,
  webhookReplay,
  dashboardJwt,
  secretRotation,
  dedicatedSecrets,
  promptImmutable,
];

export type { Invariant, RuleContext, RuleOutcome } from './types.js';
