/**
 * Drift fixtures: fixtures/accounts/reference.snapshot.json is `ztait probe --save-snapshot` of the
 * reference account (fixtures/accounts/reference.json, terraform/examples/complete as deployed)
 * served by the local AWS test server. Re-record it with
 *   UPDATE_FIXTURES=1 npx vitest run test/drift/drift.test.ts
 * (the test of that name runs the CLI in process against the server and compares, or rewrites).
 *
 * The drift cases are that snapshot with its API responses edited here, in code, so that they follow
 * every re-recording: each edit is what the console change would make the API answer.
 */
import type { Snapshot } from '../../src/sources/aws/snapshot.js';
import type { RecordedCall } from '../../src/sources/aws/session.js';

export type Variant = 'pitr-off' | 'boundary-detached' | 'hand-made-role' | 'route-none' | 'rotation-90';
export const VARIANTS: readonly Variant[] = ['pitr-off', 'boundary-detached', 'hand-made-role', 'route-none', 'rotation-90'];

type Obj = Record<string, unknown>;

export const ACCOUNT = '111122223333';
export const TABLE = 'ztait-audit';
export const ROLE = 'ztait-triage-engine';
export const HAND_MADE_ROLE = 'ztait-debug-admin';
export const ROUTE_KEY = 'GET /settings';
export const SECRET = 'ztait-integration-slack';

function call(s: Snapshot, service: string, action: string, input: (i: Obj) => boolean = () => true): RecordedCall & { output: Obj } {
  const hit = s.calls.find((c) => c.service === service && c.action === action && input(c.input as Obj));
  if (!hit || !hit.output) throw new Error(`the snapshot has no answer to ${service}:${action} to edit`);
  return hit as RecordedCall & { output: Obj };
}

const calls = (s: Snapshot, service: string, action: string, input: (i: Obj) => boolean): RecordedCall[] =>
  s.calls.filter((c) => c.service === service && c.action === action && input(c.input as Obj));

const byName = (name: string) => (i: Obj) => i.RoleName === name;

/** A copy of the snapshot with the API answers edited as the account would answer after the change. */
export function variant(base: Snapshot, v: Variant): Snapshot {
  const s = structuredClone(base);
  switch (v) {
    case 'pitr-off': {
      // UpdateContinuousBackups PointInTimeRecoveryEnabled=false on the audit table
      const out = call(s, 'dynamodb', 'DescribeContinuousBackups', (i) => i.TableName === TABLE).output;
      const d = out.ContinuousBackupsDescription as Obj;
      (d.PointInTimeRecoveryDescription as Obj).PointInTimeRecoveryStatus = 'DISABLED';
      break;
    }
    case 'boundary-detached': {
      // DeleteRolePermissionsBoundary on the triage engine's role
      delete (call(s, 'iam', 'GetRole', byName(ROLE)).output.Role as Obj).PermissionsBoundary;
      for (const r of call(s, 'iam', 'ListRoles').output.Roles as Obj[]) if (r.RoleName === ROLE) delete r.PermissionsBoundary;
      break;
    }
    case 'hand-made-role':
      addHandMadeRole(s);
      break;
    case 'route-none': {
      // UpdateRoute AuthorizationType=NONE on a dashboard route
      const route = (call(s, 'apigateway', 'GetRoutes').output.Items as Obj[]).find((r) => r.RouteKey === ROUTE_KEY)!;
      route.AuthorizationType = 'NONE';
      delete route.AuthorizerId;
      break;
    }
    case 'rotation-90': {
      // RotateSecret RotationRules.AutomaticallyAfterDays=90
      const secret = (call(s, 'secretsmanager', 'ListSecrets').output.SecretList as Obj[]).find((x) => x.Name === SECRET)!;
      (secret.RotationRules as Obj).AutomaticallyAfterDays = 90;
      break;
    }
  }
  return s;
}

/**
 * A role made in the console, in the namespace, with no boundary and an inline policy allowing
 * sts:AssumeRole on anything: the answers to every call the probe makes about it, modelled on those
 * about the config manager's role (the simulator answering as AWS would for that policy).
 */
function addHandMadeRole(s: Snapshot): void {
  const model = 'ztait-config-manager';
  const arn = `arn:aws:iam::${ACCOUNT}:role/${HAND_MADE_ROLE}`;
  const listed = call(s, 'iam', 'ListRoles').output.Roles as Obj[];
  const entry = { ...listed.find((r) => r.RoleName === model)!, RoleName: HAND_MADE_ROLE, RoleId: 'AROADEBUGADMIN000001', Arn: arn };
  delete entry.PermissionsBoundary;
  delete entry.Description;
  listed.push(entry);
  const role = { ...(call(s, 'iam', 'GetRole', byName(model)).output.Role as Obj), ...entry, Tags: [] };
  delete role.PermissionsBoundary;
  const document = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }] };
  const added: RecordedCall[] = [
    { service: 'iam', action: 'GetRole', input: { RoleName: HAND_MADE_ROLE }, output: { Role: role } },
    {
      service: 'iam',
      action: 'ListRolePolicies',
      input: { RoleName: HAND_MADE_ROLE },
      output: { PolicyNames: ['debug'], IsTruncated: false },
    },
    {
      service: 'iam',
      action: 'GetRolePolicy',
      input: { RoleName: HAND_MADE_ROLE, PolicyName: 'debug' },
      output: { RoleName: HAND_MADE_ROLE, PolicyName: 'debug', PolicyDocument: encodeURIComponent(JSON.stringify(document)) },
    },
    {
      service: 'iam',
      action: 'ListAttachedRolePolicies',
      input: { RoleName: HAND_MADE_ROLE },
      output: { AttachedPolicies: [], IsTruncated: false },
    },
  ];
  const modelArn = `arn:aws:iam::${ACCOUNT}:role/${model}`;
  for (const sim of calls(s, 'iam', 'SimulatePrincipalPolicy', (i) => i.PolicySourceArn === modelArn)) {
    const output = structuredClone(sim.output) as Obj;
    for (const r of output.EvaluationResults as Obj[]) r.EvalDecision = r.EvalActionName === 'sts:AssumeRole' ? 'allowed' : 'implicitDeny';
    added.push({ ...sim, input: { ...(sim.input as Obj), PolicySourceArn: arn }, output: output as RecordedCall['output'] });
  }
  s.calls.push(...added);
  s.call_log.push(...added.map((c) => ({ service: c.service, action: c.action, ok: true, ms: 1 })));
}
