import type { CheckResult, Examined, Finding, InvariantResult, Status } from '../../src/model/result.js';
import { applyGate } from '../../src/gate/gate.js';
import { loadRules, nistStatus } from '../../src/rules/catalog/metadata.js';

/** CheckResults built in code, one per situation a report must render (verdicts as the engine would set them). */

const SHA = (c: string) => c.repeat(64).slice(0, 64);

function invariant(id: string, status: Status, findings: Finding[] = [], examined: Examined[] = [], reason?: string): InvariantResult {
  const meta = loadRules().find((r) => r.id === id)!;
  return {
    id,
    title: meta.title,
    status,
    severity: meta.severity,
    stride: meta.stride.map((s) => `${s.id} ${s.name}`),
    nist: meta.nist,
    findings,
    examined,
    ...(reason ? { reason } : {}),
  };
}

function summarize(invs: InvariantResult[]): Record<Status, number> {
  const s: Record<Status, number> = { pass: 0, fail: 0, error: 0, not_applicable: 0, suppressed: 0 };
  for (const i of invs) s[i.status] += 1;
  return s;
}

/** What the engine derives from the invariants: the summary, the NIST tenets and the gate (default policy). */
function settle(r: CheckResult): CheckResult {
  r.summary = summarize(r.invariants);
  r.nist = nistStatus(r.invariants);
  r.gate = applyGate(r, {});
  return r;
}

function base(kind: 'hcl' | 'plan' | 'live', invs: InvariantResult[]): CheckResult {
  return settle({
    tool: { name: 'ztait', version: '0.1.0' },
    source:
      kind === 'live'
        ? {
            kind,
            inputs: [],
            account: { id: '123456789012', region: 'eu-west-1', caller: 'arn:aws:sts::123456789012:assumed-role/ztait-audit/ci' },
          }
        : {
            kind,
            inputs: [
              { path: 'main.tf', sha256: SHA('a') },
              { path: 'modules/foundation/dynamodb.tf', sha256: SHA('b') },
            ],
          },
    generated_at: '2025-01-02T03:04:05.000Z',
    command_line: kind === 'live' ? 'ztait probe --region eu-west-1' : 'ztait check . --format sarif',
    summary: summarize(invs),
    inventory: { resources: 12, by_type: { aws_lambda_function: 3, aws_dynamodb_table: 2, aws_iam_role: 3 } },
    invariants: invs,
    maturity: {
      level: 2,
      name: 'Supervised',
      declared_at: { file: 'terraform.tfvars', line: 3 },
      consistent: true,
      expected: { action_execution_enabled: true, accuracy_threshold: 0.9 },
      actual: { action_execution_enabled: true, accuracy_threshold: 0.9 },
      deviations: [],
    },
    nist: nistStatus(invs),
    diagnostics: [],
    limitations: [],
    gate: { passed: false, reason: '' },
  });
}

const passExamined = (resource: string, file: string, line: number, observed: string): Examined => ({
  resource,
  file,
  line,
  status: 'pass',
  observed,
});

/** Every invariant passes except the plan rules, which do not apply to HCL. */
export function passingResult(): CheckResult {
  const invs = loadRules().map((r) =>
    r.kind === 'plan'
      ? invariant(r.id, 'not_applicable', [], [], 'no plan was given: plan rules apply to terraform plan files only')
      : invariant(
          r.id,
          'pass',
          [],
          [
            passExamined(
              `aws_dynamodb_table.audit_${r.id.toLowerCase()}`,
              'modules/foundation/dynamodb.tf',
              12,
              'point_in_time_recovery.enabled = true',
            ),
          ],
        ),
  );
  return base('hcl', invs);
}

export function failingResult(): CheckResult {
  const r = passingResult();
  const sg: Finding = {
    resource: 'aws_security_group.lambda',
    file: 'modules/network/sg.tf',
    line: 14,
    end_line: 19,
    column: 5,
    end_column: 6,
    message: 'egress rule allows protocol -1 to 0.0.0.0/0 (ports 0-65535)',
    status: 'fail',
    fingerprint: 'f1a2b3c4d5e6f708',
  };
  const pitr: Finding = {
    resource: 'module.foundation.aws_dynamodb_table.audit',
    file: 'modules/foundation/dynamodb.tf',
    line: 12,
    end_line: 20,
    message:
      'point_in_time_recovery.enabled is false (var.pitr_enabled default) | see *docs* <here> _now_ https://example.com/pitr www.example.com/x',
    status: 'fail',
    fingerprint: '0a0b0c0d0e0f1011',
    trace: [
      { file: 'main.tf', line: 55, end_line: 55, what: 'module.foundation input pitr_enabled' },
      { file: 'terraform.tfvars', line: 12, end_line: 12, what: 'var.pitr_enabled = false (set in terraform.tfvars) | *md* <b>' },
    ],
  };
  r.invariants[0] = invariant(
    'SI-1',
    'fail',
    [sg],
    [
      {
        resource: 'aws_security_group.lambda',
        file: 'modules/network/sg.tf',
        line: 14,
        status: 'fail',
        observed: 'egress: protocol=-1 cidr=0.0.0.0/0',
      },
      { resource: 'aws_security_group.api', file: 'modules/network/sg.tf', line: 30, status: 'pass', observed: 'egress: tcp/443 only' },
    ],
  );
  r.invariants[5] = invariant(
    'SI-6',
    'fail',
    [pitr],
    [
      {
        resource: 'module.foundation.aws_dynamodb_table.audit',
        file: 'modules/foundation/dynamodb.tf',
        line: 12,
        status: 'fail',
        observed: 'point_in_time_recovery.enabled = false',
      },
    ],
  );
  return settle(r);
}

export function suppressedResult(): CheckResult {
  const r = passingResult();
  const f: Finding = {
    resource: 'aws_dynamodb_table.archive',
    file: 'archive.tf',
    line: 4,
    end_line: 11,
    message: 'point_in_time_recovery is missing',
    status: 'suppressed',
    suppression: {
      kind: 'inSource',
      reason: 'archival table restored from backup nightly',
      file: 'archive.tf',
      line: 3,
      expires: '2027-03-31',
    },
    fingerprint: 'aa11bb22cc33dd44',
    baseline: 'unchanged',
  };
  const g: Finding = {
    resource: 'aws_secretsmanager_secret.legacy',
    file: 'secrets.tf',
    line: 8,
    message: 'no aws_secretsmanager_secret_rotation for this secret',
    status: 'suppressed',
    suppression: { kind: 'external', reason: 'vendor rotates it; ticket SEC-42', file: '.ztait.yaml', line: 7 },
    fingerprint: 'ee55ff66aa77bb88',
  };
  r.invariants[5] = invariant(
    'SI-6',
    'suppressed',
    [f],
    [
      {
        resource: 'aws_dynamodb_table.archive',
        file: 'archive.tf',
        line: 4,
        status: 'suppressed',
        observed: 'point_in_time_recovery: absent',
      },
    ],
  );
  r.invariants[11] = invariant('SI-12', 'suppressed', [g], []);
  return settle(r);
}

/** A parse error makes everything undecidable; one finding is an undecidable unknown. */
export function brokenResult(): CheckResult {
  const r = passingResult();
  r.invariants = r.invariants.map((i) =>
    i.status === 'pass'
      ? {
          ...i,
          status: 'error' as const,
          examined: [],
          reason: 'not decidable: 1 input error(s), first at broken.tf:3: Unclosed configuration block',
        }
      : i,
  );
  r.invariants[1] = invariant(
    'SI-2',
    'error',
    [
      {
        resource: 'aws_lambda_function.triage',
        file: 'lambda.tf',
        line: 22,
        message: 'vpc_config.subnet_ids is unknown (known after apply) & decides the verdict',
        status: 'error',
        fingerprint: '1234abcd5678ef90',
      },
    ],
    [
      {
        resource: 'aws_lambda_function.triage',
        file: 'lambda.tf',
        line: 22,
        status: 'error',
        observed: 'vpc_config.subnet_ids = (unknown)',
      },
    ],
    'a value that decides the verdict is unknown',
  );
  r.diagnostics = [
    { severity: 'error', message: 'Unclosed configuration block', file: 'broken.tf', line: 3, column: 17 },
    { severity: 'warning', message: 'function filebase64sha256 reads a file that does not exist', file: 'lambda.tf', line: 30 },
  ];
  r.limitations = ['filebase64sha256(build/triage.zip) could not be evaluated: the package is built later'];
  return settle(r);
}

/** A live probe: findings carry ARNs and no file. */
export function liveResult(): CheckResult {
  const r = passingResult();
  const arn = 'arn:aws:iam::123456789012:role/ztait-triage';
  r.invariants = r.invariants.map((i) => ({
    ...i,
    examined: i.examined.map((e) => ({ resource: arn, arn, status: e.status, observed: e.observed })),
  }));
  r.invariants[2] = invariant(
    'SI-3',
    'fail',
    [{ resource: arn, arn, message: 'role has no permissions boundary', status: 'fail', fingerprint: '99aa88bb77cc66dd', baseline: 'new' }],
    [{ resource: arn, arn, status: 'fail', observed: 'PermissionsBoundary: (none)' }],
  );
  r.invariants[3] = invariant('SI-4', 'error', [], [], 'iam:GetRolePolicy failed: AccessDenied');
  const live = base('live', r.invariants);
  live.limitations = ['iam:SimulatePrincipalPolicy is not implemented by the endpoint (XML parse error); cross-check skipped'];
  live.maturity = {
    level: 1,
    name: 'Assisted',
    consistent: false,
    expected: { action_execution_enabled: false },
    actual: { action_execution_enabled: true },
    deviations: [
      {
        setting: 'action_execution_enabled',
        expected: false,
        actual: true,
        resource: 'arn:aws:lambda:eu-west-1:123456789012:function:ztait-actions',
      },
    ],
  };
  return live;
}

/** Every situation, named, for table-driven tests over all formats. */
/** Two root modules judged alone (issue 18 item 6): the failing result's findings in one of them. */
export function systemsResult(): CheckResult {
  const r = failingResult();
  for (const inv of r.invariants) {
    inv.findings = inv.findings.map((f) => ({ ...f, root: 'envs/staging' }));
    inv.examined = inv.examined.map((e) => ({ ...e, root: 'envs/staging' }));
  }
  const own = (root: string, failing: boolean) => ({
    root,
    status: failing ? ('fail' as const) : ('pass' as const),
    summary: failing ? r.summary : { ...r.summary, pass: r.summary.pass + r.summary.fail, fail: 0 },
    inventory: r.inventory,
    invariants: r.invariants.map((i) => ({
      id: i.id,
      status: failing || i.status !== 'fail' ? i.status : ('pass' as const),
      findings: failing ? i.findings.length : 0,
    })),
    maturity: r.maturity,
    nist: r.nist,
  });
  r.systems = [own('envs/prod', false), own('envs/staging', true)];
  return r;
}

export const ALL_CASES: [string, () => CheckResult][] = [
  ['two root modules', systemsResult],
  ['passing', passingResult],
  ['failing', failingResult],
  ['suppressed', suppressedResult],
  ['broken input', brokenResult],
  ['live', liveResult],
];
