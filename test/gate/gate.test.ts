import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyGate } from '../../src/gate/gate.js';
import { applyBaseline, createBaseline } from '../../src/gate/baseline.js';
import { loadConfig } from '../../src/config/config.js';
import type { CheckResult, InvariantResult, Severity, Status } from '../../src/model/result.js';

function inv(id: string, status: Status, severity: Severity, fps: string[] = []): InvariantResult {
  return {
    id,
    title: id,
    status,
    severity,
    stride: [],
    nist: [],
    examined: [],
    findings: fps.map((fp) => ({ resource: `r.${fp}`, message: 'm', status: status === 'error' ? 'error' : 'fail', fingerprint: fp })),
  };
}

function result(...invariants: InvariantResult[]): CheckResult {
  const summary = { pass: 0, fail: 0, error: 0, not_applicable: 0, suppressed: 0 };
  for (const i of invariants) summary[i.status] += 1;
  return {
    tool: { name: 'ztait', version: '0' },
    source: { kind: 'hcl', inputs: [] },
    generated_at: '2026-01-01T00:00:00.000Z',
    command_line: 'ztait check',
    summary,
    inventory: { resources: 0, by_type: {} },
    invariants,
    maturity: { level: null, consistent: false, deviations: [] },
    nist: [],
    diagnostics: [],
    limitations: [],
  };
}

describe('gate precedence', () => {
  const r = (): CheckResult =>
    result(inv('SI-3', 'fail', 'critical', ['a']), inv('SI-12', 'fail', 'medium', ['b']), inv('SI-6', 'error', 'high'));

  it('fails on every fail and error by default', () => {
    const g = applyGate(r(), {});
    expect(g.passed).toBe(false);
    expect(g.reason).toContain('SI-3 fail (critical)');
    expect(g.reason).toContain('SI-12 fail (medium)');
    expect(g.reason).toContain('SI-6 error');
  });

  it('--fail-on high ignores medium fails but not errors', () => {
    const g = applyGate(r(), { failOn: 'high' });
    expect(g.passed).toBe(false);
    expect(g.reason).toContain('SI-12 below --fail-on high');
    expect(g.reason).toContain('SI-6 error');
  });

  it('--allow-errors lets errors through and says so', () => {
    const g = applyGate(result(inv('SI-6', 'error', 'high')), { allowErrors: true });
    expect(g.passed).toBe(true);
    expect(g.reason).toContain('--allow-errors');
  });

  it('--soft-fail-on beats the threshold; --hard-fail-on beats --soft-fail', () => {
    expect(applyGate(result(inv('SI-3', 'fail', 'critical')), { softFailOn: ['SI-3'] }).passed).toBe(true);
    expect(applyGate(result(inv('SI-3', 'fail', 'critical')), { softFail: true }).passed).toBe(true);
    expect(applyGate(result(inv('SI-12', 'fail', 'low')), { softFail: true, hardFailOn: ['si-12'] }).passed).toBe(false);
    expect(applyGate(result(inv('SI-12', 'fail', 'low')), { softFailOn: ['SI-12'], hardFailOn: ['SI-12'] }).passed).toBe(false);
  });
});

describe('baselines', () => {
  it('round trip: baselined findings do not fail, new ones do, fixed ones are listed', () => {
    const before = result(inv('SI-3', 'fail', 'critical', ['a', 'b']));
    const b = createBaseline(before);
    expect(b.findings.map((f) => f.fingerprint)).toEqual(['a', 'b']);

    const same = applyBaseline(result(inv('SI-3', 'fail', 'critical', ['a', 'b'])), b, 'b.json');
    expect(same.invariants[0]!.findings.map((f) => f.baseline)).toEqual(['unchanged', 'unchanged']);
    expect(applyGate(same, {}).passed).toBe(true);

    const added = applyBaseline(result(inv('SI-3', 'fail', 'critical', ['a', 'b', 'c'])), b, 'b.json');
    expect(added.invariants[0]!.findings.map((f) => f.baseline)).toEqual(['unchanged', 'unchanged', 'new']);
    expect(applyGate(added, {}).passed).toBe(false);

    const fixed = applyBaseline(result(inv('SI-3', 'fail', 'critical', ['a'])), b, 'b.json');
    expect(fixed.baseline?.absent.map((f) => f.fingerprint)).toEqual(['b']);
    expect(applyGate(fixed, {}).passed).toBe(true);
  });
});

describe('.ztait.yaml validation', () => {
  const write = (text: string): string => {
    const d = mkdtempSync(join(tmpdir(), 'ztait-cfg-'));
    writeFileSync(join(d, '.ztait.yaml'), text);
    return join(d, '.ztait.yaml');
  };
  it('reads every setting and suppressions with their lines', () => {
    const f = write(
      'prefix: acme-\nfail_on: high\nhard_fail_on: SI-3, SI-7\nsuppressions:\n  - id: SI-6\n    resource: aws_dynamodb_table.archive\n    reason: restored nightly\n    expires: 2027-03-31\n',
    );
    const c = loadConfig(f);
    expect(c.prefix).toBe('acme-');
    expect(c.fail_on).toBe('high');
    expect(c.hard_fail_on).toEqual(['SI-3', 'SI-7']);
    expect(c.suppressions[0]).toMatchObject({
      ids: ['SI-6'],
      resource: 'aws_dynamodb_table.archive',
      reason: 'restored nightly',
      expires: '2027-03-31',
      line: 5,
    });
  });
  it('reports unknown keys and wrong types with file and line', () => {
    expect(() => loadConfig(write('prefix: x\nfial_on: high\n'))).toThrow(/\.ztait\.yaml:2: unknown key "fial_on"/);
    expect(() => loadConfig(write('soft_fail: "yes"\n'))).toThrow(/\.ztait\.yaml:1: soft_fail must be boolean/);
    expect(() => loadConfig(write('fail_on: severe\n'))).toThrow(/:1: fail_on must be one of critical, high, medium, low/);
    expect(() => loadConfig(write('suppressions:\n  - id: SI-6\n    resource: x\n'))).toThrow(/:2: suppressions\.0 needs "reason"/);
    expect(() => loadConfig(write('suppressions:\n  - id: SI-6\n    resource: x\n    reason: r\n    expires: next week\n'))).toThrow(
      /:5: suppressions\.0\.expires is not valid/,
    );
    expect(() => loadConfig(write('a: [\n'))).toThrow(/invalid YAML/);
  });
});
