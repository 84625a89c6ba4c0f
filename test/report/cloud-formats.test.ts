import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { AwsSecurityFinding } from '@aws-sdk/client-securityhub';
import { describe, expect, it } from 'vitest';
import type { CheckResult } from '../../src/model/result.js';
import { InputError } from '../../src/model/errors.js';
import { redactResult } from '../../src/model/redact.js';
import { formatUnavailable, render } from '../../src/report/index.js';
import { asffResourceType, renderAsff } from '../../src/report/asff.js';
import { decidedScopes, resourceType } from '../../src/report/cloud-findings.js';
import { loadRules } from '../../src/rules/catalog/metadata.js';
import { fleetResult, systemRoot, unreadResult } from '../../src/systems.js';
import { ALL_CASES, brokenResult, failingResult, liveResult, suppressedResult } from './fixtures.js';
import { runZtaitInProcess } from '../cli/helpers.js';

const ROOT = join(import.meta.dirname, '..', '..');
type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats(ajv);
const ocsfSchema = JSON.parse(readFileSync(join(ROOT, 'test/fixtures-schemas/ocsf-compliance-finding-1.x.schema.json'), 'utf8'));
const validateOcsf = ajv.compile(ocsfSchema);

const ocsf = (r: CheckResult): Obj[] => JSON.parse(render(r, 'ocsf', { color: false })) as Obj[];
const asff = (r: CheckResult): AwsSecurityFinding[] => JSON.parse(render(r, 'asff', { color: false })) as AwsSecurityFinding[];

/**
 * A fleet result as the fleet probe combines it (src/systems.ts fleetResult): the live result in two
 * accounts, SI-3 failing only in the second, and a third account whose role could not be assumed.
 */
function fleetResultOf(): CheckResult {
  const inAccount = (account: string, region: string, failing: boolean): CheckResult => {
    const r = liveResult();
    r.source.account = { id: account, region };
    const arn = `arn:aws:iam::${account}:role/ztait-triage`;
    for (const inv of r.invariants) inv.examined = inv.examined.map((e) => ({ ...e, resource: arn, arn }));
    const si3 = r.invariants[2]!;
    if (failing) si3.findings = si3.findings.map((f) => ({ ...f, resource: arn, arn }));
    else r.invariants[2] = { ...si3, status: 'pass', findings: [], examined: si3.examined.map((e) => ({ ...e, status: 'pass' })) };
    return r;
  };
  const template = liveResult();
  const systems = [
    { account: '111111111111', region: 'us-east-1', result: inAccount('111111111111', 'us-east-1', false) },
    { account: '222222222222', region: 'eu-west-1', result: inAccount('222222222222', 'eu-west-1', true) },
    {
      account: '333333333333',
      result: unreadResult(template, 'sts:AssumeRole of arn:aws:iam::333333333333:role/ztait-audit failed: AccessDenied'),
    },
  ].map((s) => ({ ...s, root: systemRoot(s.account, s.region) }));
  return fleetResult(
    systems,
    systems.map((s, i) => ({ id: s.account, name: `acct-${i + 1}`, regions: s.region ? [s.region] : [] })),
    { template },
  );
}

const CASES: [string, () => CheckResult][] = [...ALL_CASES, ['fleet', fleetResultOf]];

describe('--format ocsf', () => {
  it.each(CASES)('%s: every event is a valid OCSF 1.5.0 Compliance Finding', (_n, make) => {
    const events = ocsf(make());
    expect(events.length).toBeGreaterThan(0);
    expect(validateOcsf(events), JSON.stringify(validateOcsf.errors?.slice(0, 5), null, 1)).toBe(true);
  });

  it('the schema is not vacuous: it rejects a misspelt attribute, a missing uid and an unknown compliance status', () => {
    const good = ocsf(liveResult())[0]!;
    expect(validateOcsf([good])).toBe(true);
    const bad: Obj[] = [
      { ...good, finding_inf: good.finding_info },
      { ...good, finding_info: { ...good.finding_info, uid: undefined } },
      { ...good, compliance: { ...good.compliance, status_id: 4 } },
      { ...good, class_uid: 2004 },
      { ...good, metadata: { ...good.metadata, profiles: [] } }, // cloud without the cloud profile
      { ...good, time: '2025-01-02T03:04:05Z' },
    ].map((e) => JSON.parse(JSON.stringify(e)));
    for (const e of bad) expect(validateOcsf([e]), JSON.stringify(e).slice(0, 120)).toBe(false);
  });

  it('one event per finding and one per check no finding carries; the compliance status maps the verdict', () => {
    const r = liveResult();
    const events = ocsf(r);
    // 18 rules; SI-3 has one fail finding and no check event; SI-4 (error, no finding) is a Warning check
    expect(events).toHaveLength(18);
    const by = (uid: string) => events.find((e) => e.finding_info.uid === uid)!;
    const fail = by('ztait/123456789012/eu-west-1/SI-3/99aa88bb77cc66dd');
    expect(fail).toMatchObject({
      class_uid: 2003,
      category_uid: 2,
      type_uid: 200301,
      activity_id: 1,
      severity_id: 5,
      status_id: 1,
      time: Date.parse(r.generated_at),
      compliance: { status_id: 3, status: 'Fail', standards: ['NIST SP 800-207'] },
      cloud: { provider: 'AWS', region: 'eu-west-1', account: { uid: '123456789012', type_id: 10 } },
      metadata: { version: '1.5.0', product: { name: 'ztait', version: '0.1.0' }, profiles: ['cloud'], event_code: 'SI-3' },
      resources: [{ uid: 'arn:aws:iam::123456789012:role/ztait-triage', type: 'aws_iam_role', region: 'eu-west-1' }],
      unmapped: { ztait: { rule: 'SI-3', status: 'fail', fingerprint: '99aa88bb77cc66dd', nist_tenets: [3, 6] } },
    });
    expect(fail.compliance.requirements).toEqual(['ZTAIT SI-3', 'NIST SP 800-207 tenet 3', 'NIST SP 800-207 tenet 6']);
    expect(fail.remediation.desc).toBe(
      loadRules()
        .find((x) => x.id === 'SI-3')!
        .remediation.replace(/`/g, '')
        .split(/\n\s*\n/)
        .map((p) => p.replace(/\s+/g, ' '))
        .join('\n\n'),
    );
    expect(by('ztait/123456789012/eu-west-1/SI-4/check')).toMatchObject({
      severity_id: 5,
      compliance: { status_id: 2, status: 'Warning', status_detail: 'iam:GetRolePolicy failed: AccessDenied' },
    });
    const pass = by('ztait/123456789012/eu-west-1/SI-6/check');
    expect(pass).toMatchObject({ severity_id: 1, compliance: { status_id: 1, status: 'Pass' } });
    expect(pass.status_id).toBeUndefined();
    const na = by('ztait/123456789012/eu-west-1/ZT-PLAN-1/check');
    expect(na.compliance.status_id).toBeUndefined();
    expect(na.compliance).toMatchObject({ status: 'Not Applicable', status_detail: expect.stringContaining('no plan') });
  });

  it('a static result has no cloud; its resources are addresses with file and line; suppressions are said', () => {
    const events = ocsf(suppressedResult());
    for (const e of events) expect(e.cloud).toBeUndefined();
    const sup = events.find((e) => e.unmapped.ztait.rule === 'SI-6' && e.unmapped.ztait.status === 'suppressed')!;
    expect(sup).toMatchObject({
      status_id: 3,
      status: 'Suppressed',
      compliance: { status_id: 3 },
      finding_info: { uid: 'ztait/SI-6/aa11bb22cc33dd44' },
      resources: [{ uid: 'aws_dynamodb_table.archive', type: 'aws_dynamodb_table', data: { file: 'archive.tf', line: 4 } }],
      unmapped: {
        ztait: { suppression: { kind: 'inSource', reason: 'archival table restored from backup nightly', expires: '2027-03-31' } },
      },
    });
    const broken = ocsf(brokenResult()).find((e) => e.finding_info.uid === 'ztait/SI-2/1234abcd5678ef90')!;
    expect(broken.compliance).toMatchObject({ status_id: 2, status: 'Warning' });
  });

  it('a fleet result: each event in its own account and region, one check per rule and account x region', () => {
    const events = ocsf(fleetResultOf());
    const si3 = events.filter((e) => e.unmapped.ztait.rule === 'SI-3');
    expect(
      si3.map((e) => [
        e.finding_info.uid.replace(/[0-9a-f]{32}$/, 'FP'),
        e.compliance.status,
        e.cloud.account.uid,
        e.cloud.account.name,
        e.cloud.region,
      ]),
    ).toEqual([
      ['ztait/222222222222/eu-west-1/SI-3/FP', 'Fail', '222222222222', 'acct-2', 'eu-west-1'],
      ['ztait/111111111111/us-east-1/SI-3/check', 'Pass', '111111111111', 'acct-1', 'us-east-1'],
      ['ztait/333333333333/SI-3/check', 'Warning', '333333333333', 'acct-3', undefined],
    ]);
    expect(si3[0]!.resources).toEqual([
      expect.objectContaining({ uid: 'arn:aws:iam::222222222222:role/ztait-triage', type: 'aws_iam_role' }),
    ]);
    expect(si3[2]!.compliance.status_detail).toMatch(/AssumeRole .* failed: AccessDenied/);
    const si6 = events.filter((e) => e.unmapped.ztait.rule === 'SI-6');
    expect(si6.map((e) => e.finding_info.uid)).toEqual([
      'ztait/111111111111/us-east-1/SI-6/check',
      'ztait/222222222222/eu-west-1/SI-6/check',
      'ztait/333333333333/SI-6/check',
    ]);
    expect(new Set(events.map((e) => e.finding_info.uid)).size).toBe(events.length);
  });
});

describe('--format asff', () => {
  it('a static result has no ASFF: the reason names the way out, and the renderer refuses it', () => {
    for (const make of [passingResult, brokenResult]) {
      expect(formatUnavailable(make(), 'asff')).toMatch(/^asff: a Security Hub finding belongs to an AWS account and region/);
      expect(() => renderAsff(make())).toThrow(InputError);
    }
    expect(formatUnavailable(liveResult(), 'asff')).toBeUndefined();
    expect(formatUnavailable(passingResult(), 'ocsf')).toBeUndefined();
  });

  it('a live result: the custom product, deterministic ids, compliance status, resources and remediation', () => {
    const r = liveResult();
    const findings = asff(r);
    expect(findings).toHaveLength(18);
    const fail = findings.find((f) => f.Id === 'ztait/123456789012/eu-west-1/SI-3/99aa88bb77cc66dd')!;
    expect(fail).toMatchObject({
      SchemaVersion: '2018-10-08',
      ProductArn: 'arn:aws:securityhub:eu-west-1:123456789012:product/123456789012/default',
      GeneratorId: 'ztait/SI-3',
      AwsAccountId: '123456789012',
      Region: 'eu-west-1',
      Types: ['Software and Configuration Checks/Industry and Regulatory Standards/NIST SP 800-207'],
      CreatedAt: r.generated_at,
      UpdatedAt: r.generated_at,
      Severity: { Label: 'CRITICAL' },
      Title: 'SI-3 No IAM role can assume other roles',
      Description: 'arn:aws:iam::123456789012:role/ztait-triage: role has no permissions boundary',
      Compliance: { Status: 'FAILED', RelatedRequirements: ['ZTAIT SI-3', 'NIST SP 800-207 tenet 3', 'NIST SP 800-207 tenet 6'] },
      Resources: [{ Type: 'AwsIamRole', Id: 'arn:aws:iam::123456789012:role/ztait-triage', Partition: 'aws', Region: 'eu-west-1' }],
      ProductFields: { 'ztait/RuleId': 'SI-3', 'ztait/Stride': 'T8 Elevation of privilege', 'ztait/NistTenets': expect.any(String) },
      RecordState: 'ACTIVE',
    });
    expect(fail.Remediation!.Recommendation!.Text).toMatch(/^Attach the shared permissions boundary/);
    expect(fail.Workflow).toBeUndefined();
    const status = (id: string) => findings.find((f) => f.Id === `ztait/123456789012/eu-west-1/${id}/check`)!;
    expect(status('SI-6')).toMatchObject({ Compliance: { Status: 'PASSED' }, Severity: { Label: 'INFORMATIONAL' } });
    expect(status('SI-4')).toMatchObject({ Compliance: { Status: 'NOT_AVAILABLE' }, Severity: { Label: 'CRITICAL' } });
    expect(status('SI-4').Resources).toEqual([
      { Type: 'AwsAccount', Id: 'AWS::::Account:123456789012', Partition: 'aws', Region: 'eu-west-1' },
    ]);
    expect(status('ZT-PLAN-1').Compliance!.Status).toBe('NOT_AVAILABLE');
    // within Security Hub's limits
    for (const f of findings) {
      expect([...f.Title!].length).toBeLessThanOrEqual(256);
      expect([...f.Description!].length).toBeLessThanOrEqual(1024);
      expect([...f.Remediation!.Recommendation!.Text!].length).toBeLessThanOrEqual(512);
      expect(f.Resources!.length).toBeGreaterThan(0);
      expect(f.Resources!.length).toBeLessThanOrEqual(32);
    }
  });

  it('a fleet result: each finding in its own account, region and product ARN; an account not entered has none', () => {
    const findings = asff(fleetResultOf());
    const si3 = findings.filter((f) => f.GeneratorId === 'ztait/SI-3');
    expect(si3.map((f) => [f.Id!.replace(/[0-9a-f]{32}$/, 'FP'), f.AwsAccountId, f.Region, f.ProductArn, f.Compliance!.Status])).toEqual([
      [
        'ztait/222222222222/eu-west-1/SI-3/FP',
        '222222222222',
        'eu-west-1',
        'arn:aws:securityhub:eu-west-1:222222222222:product/222222222222/default',
        'FAILED',
      ],
      [
        'ztait/111111111111/us-east-1/SI-3/check',
        '111111111111',
        'us-east-1',
        'arn:aws:securityhub:us-east-1:111111111111:product/111111111111/default',
        'PASSED',
      ],
    ]);
    expect(findings.some((f) => f.AwsAccountId === '333333333333')).toBe(false);
    expect(new Set(findings.map((f) => f.Id)).size).toBe(findings.length);
  });

  it('a suppressed finding is FAILED with Workflow SUPPRESSED and its reason', () => {
    const r = liveResult();
    const arn = 'arn:aws:dynamodb:eu-west-1:123456789012:table/ztait-archive';
    r.invariants[5] = {
      ...r.invariants[5]!,
      status: 'suppressed',
      findings: [
        {
          resource: 'aws_dynamodb_table.ztait-archive',
          arn,
          message: 'point-in-time recovery is DISABLED',
          status: 'suppressed',
          suppression: { kind: 'external', reason: 'restored nightly', file: '.ztait.yaml', line: 3 },
          fingerprint: '5555aaaa5555aaaa',
        },
      ],
    };
    const f = asff(r).find((x) => x.GeneratorId === 'ztait/SI-6')!;
    expect(f).toMatchObject({
      Compliance: { Status: 'FAILED' },
      Workflow: { Status: 'SUPPRESSED' },
      ProductFields: { 'ztait/Suppression': 'external: restored nightly' },
      Resources: [{ Type: 'AwsDynamoDbTable', Id: arn, Details: { Other: { 'ztait/address': 'aws_dynamodb_table.ztait-archive' } } }],
    });
  });

  it('no planted secret reaches asff or ocsf of a live result after redaction (and each would without it)', () => {
    const secret = 'AKIAIOSFODNN7EXAMPLE';
    const r = liveResult();
    r.invariants[2]!.findings[0]!.message = `role policy holds ${secret} inline`;
    r.invariants[0]!.examined[0]!.observed = `environment.KEY = ${secret}`;
    for (const format of ['asff', 'ocsf'] as const) {
      expect(render(r, format, { color: false }), format).toContain(secret);
      const out = render(redactResult(r, [secret]), format, { color: false });
      expect(out, format).not.toContain(secret);
      expect(out, format).toContain('[REDACTED]');
    }
  });
});

describe('shared pieces', () => {
  it('resource types come from the address, else the ARN; ASFF types from the Terraform type', () => {
    expect(resourceType('module.foundation.aws_dynamodb_table.audit["k.1"]')).toBe('aws_dynamodb_table');
    expect(resourceType('data.aws_iam_policy_document.x')).toBe('aws_iam_policy_document');
    expect(resourceType('arn:aws:lambda:us-east-1:111122223333:function:ztait-triage')).toBe('aws_lambda_function');
    expect(resourceType('x', 'arn:aws:s3:::ztait-trail')).toBe('aws_s3_bucket');
    expect(resourceType('arn:aws:apigateway:us-east-1::/apis/abc')).toBe('aws_apigatewayv2_api');
    expect(resourceType('var.pitr_enabled')).toBe('unknown');
    expect(asffResourceType('aws_lambda_function')).toBe('AwsLambdaFunction');
    expect(asffResourceType('aws_dynamodb_table')).toBe('AwsDynamoDbTable');
    expect(asffResourceType('aws_ssm_parameter')).toBe('Other');
  });

  it('decided scopes leave out a rule in error: its earlier findings are not resolved', () => {
    const scopes = decidedScopes(fleetResultOf());
    expect(scopes.map((s) => [s.account, s.region])).toEqual([
      ['111111111111', 'us-east-1'],
      ['222222222222', 'eu-west-1'],
    ]);
    for (const s of scopes) {
      expect(s.rules).toContain('SI-3');
      expect(s.rules).not.toContain('SI-4');
    }
    expect(decidedScopes(failingResult())).toEqual([]);
  });
});

describe('the formats through the CLI (in process)', () => {
  const project = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'ztait-cloud-'));
    writeFileSync(
      join(dir, 'main.tf'),
      'resource "aws_dynamodb_table" "t" {\n  name     = "ztait-t"\n  hash_key = "id"\n  point_in_time_recovery {\n    enabled = false\n  }\n}\n',
    );
    return dir;
  };

  it('check --format asff is refused with exit 2 before anything is written; ocsf is written', async () => {
    const dir = project();
    const out = join(dir, 'out');
    const refused = await runZtaitInProcess(['check', dir, '--no-config', '--format', 'json,asff', '-o', `${out}/`]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^ztait: asff: a Security Hub finding belongs to an AWS account and region/);
    expect(existsSync(out) ? readdirSync(out) : []).toEqual([]);
    const ok = await runZtaitInProcess(['check', dir, '--no-config', '--check', 'SI-6', '-o', join(dir, 'report.ocsf.json')]);
    expect(ok.code, ok.stderr).toBe(1);
    const events = JSON.parse(readFileSync(join(dir, 'report.ocsf.json'), 'utf8')) as Obj[];
    expect(validateOcsf(events)).toBe(true);
    expect(events.map((e) => [e.finding_info.uid.replace(/[0-9a-f]{32}$/, 'FP'), e.compliance.status])).toEqual([
      ['ztait/SI-6/FP', 'Fail'],
    ]);
  });
});

function passingResult(): CheckResult {
  return ALL_CASES.find(([n]) => n === 'passing')![1]();
}
