import type * as Sarif from 'sarif';
import { beforeAll, describe, expect, it } from 'vitest';
import { render } from '../../src/report/index.js';
import { pascalName, relativeUri } from '../../src/report/sarif.js';
import type { CheckResult } from '../../src/model/result.js';
import { ALL_CASES, brokenResult, failingResult, liveResult, suppressedResult } from './fixtures.js';
import { type MultitoolRun, multitoolValidateAll, schemaErrors } from './tools.js';

const sarif = (r: CheckResult): Sarif.Log => JSON.parse(render(r, 'sarif', { color: false })) as Sarif.Log;
const cases = ALL_CASES;
/** A case's log file name: the multitool names each finding's file. */
const slug = (name: string) => name.replace(/\W+/g, '-');

/** Logs the validators must reject, each for one reason. */
function brokenLogs(): Record<string, string> {
  const badIndex = sarif(failingResult());
  badIndex.runs[0]!.results![0]!.ruleIndex = 99; // no such rule
  const noVersion = sarif(failingResult());
  delete noVersion.runs[0]!.tool.driver.version;
  delete noVersion.runs[0]!.tool.driver.semanticVersion;
  return { 'bad-rule-index': JSON.stringify(badIndex), 'no-version': JSON.stringify(noVersion) };
}

describe('SARIF validates', () => {
  // the multitool starts in seconds: one run validates every case, one more the broken logs
  let valid: MultitoolRun;
  let broken: MultitoolRun;
  beforeAll(() => {
    valid = multitoolValidateAll(Object.fromEntries(cases.map(([name, make]) => [slug(name), render(make(), 'sarif', { color: false })])));
    broken = multitoolValidateAll(brokenLogs());
  });

  it.each(cases)('%s: the SARIF multitool reports no errors and no warnings', (name) => {
    expect([...valid.issues[slug(name)]!, ...valid.unattributed], valid.output).toEqual([]);
    expect(valid.status, valid.output).toBe(0);
    expect(valid.scanned, valid.output).toBe(cases.length);
  });

  it.each(cases)('%s: valid against the SARIF 2.1.0 JSON schema', (_name, make) => {
    expect(schemaErrors(sarif(make()))).toEqual([]);
  });

  it('the validators do catch a broken log (so the checks above can fail)', () => {
    expect(broken.issues['bad-rule-index'], broken.output).toContainEqual(expect.objectContaining({ level: 'error', ruleId: 'SARIF1009' }));
    expect(broken.issues['no-version'], broken.output).toContainEqual(expect.objectContaining({ level: 'warning', ruleId: 'SARIF2005' }));
    const bad = sarif(failingResult());
    (bad.runs[0]!.results![0] as { level: string }).level = 'fatal';
    expect(schemaErrors(bad)).not.toEqual([]);
  });
});

describe('SARIF content', () => {
  it('describes the tool and one rule per invariant with help, tags, severity and precision', () => {
    const run = sarif(failingResult()).runs[0]!;
    const d = run.tool.driver;
    expect(d).toMatchObject({
      name: 'ztait',
      version: '0.1.0',
      semanticVersion: '0.1.0',
      informationUri: 'https://github.com/ztait/ztait',
    });
    expect(d.rules!.map((r) => r.id)).toEqual(failingResult().invariants.map((i) => i.id));
    const si3 = d.rules!.find((r) => r.id === 'SI-3')!;
    expect(si3.name).toBe('NoIamRoleCanAssumeOtherRoles');
    expect(si3.help!.markdown).toContain('`sts:AssumeRole`');
    expect(si3.help!.text).not.toContain('`');
    expect(si3.properties).toMatchObject({ 'security-severity': '9.0', precision: 'high' });
    expect(si3.properties!.tags).toEqual(['security', 'Elevation of privilege', 'NIST-800-207-tenet-3', 'NIST-800-207-tenet-6']);
    expect(si3.defaultConfiguration!.level).toBe('error');
  });

  it('points a failing finding at the offending lines and columns, repo-relative', () => {
    const run = sarif(failingResult()).runs[0]!;
    const r = run.results!.find((x) => x.ruleId === 'SI-1')!;
    expect(r).toMatchObject({ ruleIndex: 0, level: 'error', kind: 'fail', partialFingerprints: { 'ztaitFinding/v1': 'f1a2b3c4d5e6f708' } });
    expect(r.message.text).toBe('aws_security_group.lambda: egress rule allows protocol -1 to 0.0.0.0/0 (ports 0-65535).');
    expect(r.locations![0]!.physicalLocation).toEqual({
      artifactLocation: { uri: 'modules/network/sg.tf', uriBaseId: '%SRCROOT%' },
      region: { startLine: 14, endLine: 19, startColumn: 5, endColumn: 6 },
    });
    const si6 = run.results!.find((x) => x.ruleId === 'SI-6')!;
    expect(si6.ruleIndex).toBe(5);
    expect(si6.locations![0]!.physicalLocation!.artifactLocation).toEqual({
      uri: 'modules/foundation/dynamodb.tf',
      uriBaseId: '%SRCROOT%',
      index: 1,
    });
    expect(run.artifacts).toEqual([
      { location: { uri: 'main.tf', uriBaseId: '%SRCROOT%' }, hashes: { 'sha-256': 'a'.repeat(64) }, roles: ['analysisTarget'] },
      {
        location: { uri: 'modules/foundation/dynamodb.tf', uriBaseId: '%SRCROOT%' },
        hashes: { 'sha-256': 'b'.repeat(64) },
        roles: ['analysisTarget'],
      },
    ]);
    expect(run.invocations![0]!.executionSuccessful).toBe(true);
  });

  it('marks suppressed findings with their kind and justification, and carries the baseline state', () => {
    const results = sarif(suppressedResult()).runs[0]!.results!;
    const pitr = results.find((x) => x.ruleId === 'SI-6')!;
    expect(pitr.suppressions).toEqual([
      {
        kind: 'inSource',
        status: 'accepted',
        justification: 'archival table restored from backup nightly (expires 2027-03-31)',
        location: {
          physicalLocation: { artifactLocation: { uri: 'archive.tf', uriBaseId: '%SRCROOT%' }, region: { startLine: 3, endLine: 3 } },
        },
      },
    ]);
    expect(pitr.baselineState).toBe('unchanged');
    expect(results.find((x) => x.ruleId === 'SI-12')!.suppressions![0]).toMatchObject({
      kind: 'external',
      justification: 'vendor rotates it; ticket SEC-42',
    });
  });

  it('reports parse errors and undecidable invariants as tool execution notifications', () => {
    const run = sarif(brokenResult()).runs[0]!;
    const inv = run.invocations![0]!;
    expect(inv.executionSuccessful).toBe(false);
    const notes = inv.toolExecutionNotifications!;
    expect(notes[0]).toMatchObject({
      level: 'error',
      descriptor: { id: 'ZTAIT-INPUT' },
      message: { text: 'Unclosed configuration block.' },
      locations: [{ physicalLocation: { artifactLocation: { uri: 'broken.tf' }, region: { startLine: 3, startColumn: 17 } } }],
    });
    const si2 = notes.find((n) => n.associatedRule?.id === 'SI-2')!;
    expect(si2).toMatchObject({
      level: 'error',
      associatedRule: { index: 1 },
      locations: [{ physicalLocation: { artifactLocation: { uri: 'lambda.tf' } } }],
    });
    expect(notes.filter((n) => n.descriptor!.id === 'ZTAIT-UNDECIDABLE')).toHaveLength(15);
    expect(notes.at(-1)).toMatchObject({ level: 'note', descriptor: { id: 'ZTAIT-LIMITATION' } });
    const undecided = run.results!.find((x) => x.ruleId === 'SI-2')!;
    expect(undecided.level).toBe('warning');
    expect(undecided.message.text).toMatch(/could not be decided/);
  });

  it('locates live findings by ARN only', () => {
    const run = sarif(liveResult()).runs[0]!;
    const r = run.results!.find((x) => x.ruleId === 'SI-3')!;
    expect(r.locations).toEqual([
      { logicalLocations: [{ fullyQualifiedName: 'arn:aws:iam::123456789012:role/ztait-triage', kind: 'resource' }] },
    ]);
    expect(r.baselineState).toBe('new');
    expect(run.artifacts).toBeUndefined();
    expect(run.properties).toMatchObject({ source: 'live', account: { id: '123456789012', region: 'eu-west-1' } });
  });

  it('never emits absolute paths', () => {
    const r = failingResult();
    r.invariants[0]!.findings[0]!.file = '/home/ci/work/outside.tf';
    r.source.inputs.push({ path: '/home/ci/work/outside.tf', sha256: 'c'.repeat(64) });
    const text = render(r, 'sarif', { color: false });
    expect(text).not.toContain('/home/ci');
    expect(relativeUri('C:\\work\\x.tf')).toBeUndefined();
    expect(relativeUri('./modules/a b/main.tf')).toBe('modules/a%20b/main.tf');
    expect(pascalName('All webhook sources validated via HMAC-SHA256')).toBe('AllWebhookSourcesValidatedViaHmacSha256');
  });
});
