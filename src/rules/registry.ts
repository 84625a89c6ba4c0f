/**
 * Every rule, in report order: the 14 invariants SI-1..SI-14, then ZT-MAT-1, then the plan change
 * rules ZT-PLAN-1..3. Adding a rule is one folder (rule.ts, meta.yaml, rule.test.ts, fixtures/), one
 * line here and its tenets in catalog/nist-800-207.yaml. Counts ("14 invariants") derive from here.
 */
import type { Rule } from './define.js';
import { lambdaEgress } from './si-01-lambda-egress/rule.js';
import { lambdaInVpc } from './si-02-lambda-in-vpc/rule.js';
import { noAssumeRole } from './si-03-no-assume-role/rule.js';
import { noIamPolicyWrites } from './si-04-no-iam-policy-writes/rule.js';
import { dynamodbEncrypted } from './si-05-dynamodb-encrypted/rule.js';
import { dynamodbPitr } from './si-06-dynamodb-pitr/rule.js';
import { auditUndeletable } from './si-07-audit-undeletable/rule.js';
import { cloudtrailWriteOnly } from './si-08-cloudtrail-write-only/rule.js';
import { webhookHmac } from './si-09-webhook-hmac/rule.js';
import { webhookReplay } from './si-10-webhook-replay/rule.js';
import { dashboardJwt } from './si-11-dashboard-jwt/rule.js';
import { secretRotation } from './si-12-secret-rotation/rule.js';
import { dedicatedSecrets } from './si-13-dedicated-secrets/rule.js';
import { promptImmutable } from './si-14-prompt-immutable/rule.js';
import { MATURITY_RULE } from './zt-mat-1-maturity-consistency/rule.js';
import { ZT_PLAN_1 } from './zt-plan-1-audit-evidence-kept/rule.js';
import { ZT_PLAN_2 } from './zt-plan-2-maturity-one-step/rule.js';
import { ZT_PLAN_3 } from './zt-plan-3-maturity-approved/rule.js';

export const ALL_RULES: readonly Rule[] = [
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
  MATURITY_RULE,
  ZT_PLAN_1,
  ZT_PLAN_2,
  ZT_PLAN_3,
];

/** The security invariants (SI-n): the rules the paper's claims are about. */
export const INVARIANTS: readonly Rule[] = ALL_RULES.filter((r) => r.id.startsWith('SI-'));
export const INVARIANT_COUNT = INVARIANTS.length;

/** The rules a plan adds to a run: they judge changes, so they run on plans only. */
export const CHANGE_RULES: readonly Rule[] = ALL_RULES.filter((r) => r.scope === 'change');

export type { Rule, RuleContext, RuleOutcome } from './define.js';
