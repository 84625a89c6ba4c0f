import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  DATA_DIR,
  DEFAULT_RULES_DIR,
  combineStatuses,
  loadNist,
  loadRules,
  nistStatus,
  ruleById,
} from '../../src/rules/catalog/metadata.js';
import { expectedSettings, loadMaturityModel } from '../../src/rules/catalog/maturity.js';
import type { Status } from '../../src/model/result.js';
import { INVARIANTS } from '../../src/rules/registry.js';

const temps: string[] = [];
/** A private copy of rules/ to break on purpose (each copy gets its own loader cache entry). */
function copyRules(): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'ztait-rules-')), 'rules');
  // only the metadata: each rule folder's meta.yaml and catalog/
  cpSync(DEFAULT_RULES_DIR, dir, { recursive: true, filter: (src) => !/\.ts$|[\\/]fixtures$/.test(src) });
  cpSync(DATA_DIR, dir, { recursive: true });
  temps.push(dir);
  return dir;
}
function edit(dir: string, file: string, from: string | RegExp, to: string): void {
  const p = join(dir, file);
  const before = readFileSync(p, 'utf8');
  const after = before.replace(from, to);
  expect(after).not.toBe(before);
  writeFileSync(p, after);
}
afterEach(() => {
  for (const d of temps.splice(0)) rmSync(join(d, '..'), { recursive: true, force: true });
});

describe('rules metadata', () => {
  it('loads the invariants, the maturity rule and the plan rules in report order', () => {
    expect(loadRules().map((r) => r.id)).toEqual([...INVARIANTS.map((r) => r.id), 'ZT-MAT-1', 'ZT-PLAN-1', 'ZT-PLAN-2', 'ZT-PLAN-3']);
  });

  it('matches the spec table for STRIDE and keeps severity and security-severity consistent', () => {
    expect(ruleById('SI-1')!.stride.map((s) => s.id)).toEqual(['T8', 'T6']);
    expect(ruleById('SI-6')!.stride).toEqual([{ id: 'T4', name: 'Tampering' }]);
    expect(ruleById('SI-10')!.stride).toEqual([{ id: 'T9', name: 'Replay' }]);
    for (const id of ['SI-3', 'SI-4', 'SI-7']) expect(ruleById(id)!.severity).toBe('critical');
    const score = { critical: '9.0', high: '7.5', medium: '5.0', low: '3.0' };
    for (const r of loadRules()) {
      expect(r.security_severity).toBe(score[r.severity]);
      expect(r.references[0]).toBe('https://csrc.nist.gov/pubs/sp/800/207/final');
    }
    expect(ruleById('ZT-PLAN-1')!.kind).toBe('plan');
    expect(ruleById('ZT-MAT-1')!.kind).toBe('maturity');
    expect(ruleById('SI-99')).toBeUndefined();
  });

  it('has seven tenets whose mapping agrees with every rule file', () => {
    const tenets = loadNist();
    expect(tenets.map((t) => t.tenet)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    for (const r of loadRules()) {
      expect(tenets.filter((t) => t.rules.includes(r.id)).map((t) => t.tenet)).toEqual([...r.nist].sort());
    }
  });

  it('names the broken file when a rule file has a schema error', () => {
    const dir = copyRules();
    edit(dir, 'si-03-no-assume-role/meta.yaml', 'severity: critical', 'severity: urgent');
    expect(() => loadRules(dir)).toThrow(/si-03-no-assume-role\/meta\.yaml: \/severity must be equal to one of the allowed values/);
  });

  it('names the broken file on invalid YAML and on unknown keys', () => {
    const dir = copyRules();
    edit(dir, 'si-05-dynamodb-encrypted/meta.yaml', 'nist: [1]', 'nist: [1\nfoo: : :');
    expect(() => loadRules(dir)).toThrow(/si-05-dynamodb-encrypted\/meta\.yaml: invalid YAML/);
    const dir2 = copyRules();
    edit(dir2, 'si-06-dynamodb-pitr/meta.yaml', 'precision: very-high', 'precision: very-high\nseverty: low');
    expect(() => loadRules(dir2)).toThrow(/si-06-dynamodb-pitr\/meta\.yaml: .*additional properties \(severty\)/);
  });

  it('refuses a security_severity outside the severity band and an id that does not match its file', () => {
    const dir = copyRules();
    edit(dir, 'si-02-lambda-in-vpc/meta.yaml', 'security_severity: "7.5"', 'security_severity: "9.5"');
    expect(() => loadRules(dir)).toThrow(/si-02-lambda-in-vpc\/meta\.yaml: security_severity 9\.5 is outside the high band/);
    const dir2 = copyRules();
    edit(dir2, 'si-02-lambda-in-vpc/meta.yaml', 'id: SI-2', 'id: SI-20');
    expect(() => loadRules(dir2)).toThrow(/si-02-lambda-in-vpc\/meta\.yaml: id SI-20 does not match the folder name/);
  });

  it('refuses a missing invariant and a NIST mapping that disagrees with a rule file', () => {
    const dir = copyRules();
    rmSync(join(dir, 'si-09-webhook-hmac', 'meta.yaml'));
    expect(() => loadRules(dir)).toThrow(/no meta\.yaml for SI-9/);
    const dir2 = copyRules();
    edit(dir2, 'catalog/nist-800-207.yaml', 'rules: [SI-2, SI-5, SI-14]', 'rules: [SI-2, SI-14]');
    expect(() => loadRules(dir2)).toThrow(/nist-800-207\.yaml: SI-5 maps to tenets \[\] here but its rule file says \[1\]/);
    const dir3 = copyRules();
    edit(dir3, 'catalog/nist-800-207.yaml', 'rules: [SI-7, SI-8, ZT-PLAN-1]', 'rules: [SI-7, SI-8, ZT-PLAN-1, SI-77]');
    expect(() => loadNist(dir3)).toThrow(/tenet 7 maps unknown rule SI-77/);
  });
});

describe('nistStatus', () => {
  const all = (status: Status) => loadRules().map((r) => ({ id: r.id, status }));

  it('passes a tenet only when every evaluated mapped rule passes', () => {
    const tenets = nistStatus(all('pass'));
    expect(tenets).toHaveLength(7);
    expect(tenets.every((t) => t.status === 'pass')).toBe(true);
    expect(tenets[0]).toMatchObject({ tenet: 1, invariants: ['SI-2', 'SI-5', 'SI-14'] });
    expect(tenets[0]!.title).toMatch(/resources/);
  });

  it('fails every tenet a failing rule maps to, and only those', () => {
    const results = all('pass').map((r) => (r.id === 'SI-5' ? { ...r, status: 'fail' as Status } : r));
    const failing = nistStatus(results)
      .filter((t) => t.status === 'fail')
      .map((t) => t.tenet);
    expect(failing).toEqual([1]);
  });

  it('orders fail > error > suppressed > pass > not_applicable', () => {
    expect(combineStatuses(['pass', 'error', 'fail'])).toBe('fail');
    expect(combineStatuses(['pass', 'error', 'suppressed'])).toBe('error');
    expect(combineStatuses(['pass', 'suppressed', 'not_applicable'])).toBe('suppressed');
    expect(combineStatuses(['pass', 'not_applicable'])).toBe('pass');
    expect(combineStatuses(['not_applicable'])).toBe('not_applicable');
    expect(combineStatuses([])).toBe('not_applicable');
  });

  it('is not_applicable when none of the mapped rules was evaluated', () => {
    const tenets = nistStatus([{ id: 'SI-5', status: 'pass' }]);
    expect(tenets.find((t) => t.tenet === 1)!.status).toBe('pass');
    expect(tenets.find((t) => t.tenet === 2)!.status).toBe('not_applicable');
  });
});

describe('maturity model', () => {
  it('holds Table 3 and the entry criteria', () => {
    const m = loadMaturityModel();
    expect(m.levels.map((l) => l.name)).toEqual(['Shadow', 'Assisted', 'Supervised', 'Autonomous']);
    expect(expectedSettings(0)).toMatchObject({ action_execution_enabled: false, gating_required_p1_p2: null });
    expect(expectedSettings(2)).toMatchObject({ accuracy_threshold: 0.9, min_confidence_auto: 0.85, gating_required_p3_p4: false });
    expect(expectedSettings(3)).toMatchObject({ gating_required_p1_p2: false, min_confidence_auto: 0.8 });
    expect(expectedSettings(4)).toBeUndefined();
    const l0 = m.transitions.find((t) => t.from === 0)!;
    expect(l0.criteria.map((c) => [c.id, c.op, c.threshold])).toEqual([
      ['agreement_rate', '>=', 0.85],
      ['reviewed_incidents', '>=', 200],
      ['average_confidence', '>=', 0.75],
    ]);
    expect(m.ongoing.regression).toMatchObject({ to: 2, threshold: 0.9, consecutive_days: 7 });
    expect(m.trust_score.map((c) => c.weight)).toEqual([0.5, 0.15, 0.25, 0.1]);
  });

  it('refuses a level whose settings differ from the settings list', () => {
    const dir = copyRules();
    edit(dir, 'maturity.yaml', '      min_confidence_auto: 0.80\n', '      min_confidence: 0.80\n');
    expect(() => loadMaturityModel(dir)).toThrow(
      /maturity\.yaml: level 3 settings differ .*missing: min_confidence_auto; unknown: min_confidence/,
    );
  });
});
