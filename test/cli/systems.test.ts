import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as Sarif from 'sarif';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckResult } from '../../src/model/result.js';
import { REPO_ROOT, runZtaitInProcess } from './helpers.js';

/**
 * Several root modules in one run are several systems (issue 18 item 6): `envs/prod` and
 * `envs/staging`, both the reference deployment calling the same modules, each pass alone; merged
 * into one inventory they shared addresses, and SI-9 saw "a secret shared by webhook sources
 * alertmanager, alertmanager". Each root is now judged alone, with its verdicts in every format, and
 * one gate over all of them.
 */

let repo: string;

beforeAll(() => {
  repo = mkdtempSync(join(tmpdir(), 'ztait-systems-'));
  cpSync(join(REPO_ROOT, 'terraform/modules'), join(repo, 'modules'), { recursive: true });
  for (const env of ['prod', 'staging']) {
    // envs/<env> sits two levels below the repository as examples/complete does below terraform/: its ../../modules sources hold
    cpSync(join(REPO_ROOT, 'terraform/examples/complete'), join(repo, 'envs', env), { recursive: true });
  }
});
afterAll(() => rmSync(repo, { recursive: true, force: true }));

async function check(...args: string[]): Promise<{ code: number | null; json: CheckResult; stderr: string }> {
  const r = await runZtaitInProcess(['check', 'envs', '--format', 'json', '--no-color', ...args], { cwd: repo });
  return { code: r.code, json: JSON.parse(r.stdout) as CheckResult, stderr: r.stderr };
}

describe('several root modules, each its own system', () => {
  it('two roots calling the same modules each pass, and so does the run (no finding across roots)', async () => {
    const r = await check();
    expect(r.code, r.stderr).toBe(0);
    expect(r.json.systems?.map((s) => [s.root, s.invariants.filter((i) => i.status !== 'pass').length])).toEqual([
      ['envs/prod', 0],
      ['envs/staging', 0],
    ]);
    expect(r.json.invariants.filter((i) => i.status !== 'pass').map((i) => i.id)).toEqual([]);
    // each root's resources are counted once per root
    expect(r.json.inventory.resources).toBe(2 * r.json.systems![0]!.inventory.resources);
  });

  it('a fault in one root fails that system and the run; the other system still passes', async () => {
    const staging = join(repo, 'envs/staging/terraform.tfvars');
    const tfvars = readFileSync(staging, 'utf8');
    try {
      writeFileSync(staging, tfvars.replace(/^secret_rotation_days\s*=\s*30/m, 'secret_rotation_days = 90'));
      const r = await check();
      expect(r.code).toBe(1);
      expect(
        r.json.systems?.map((s) => [s.root, s.invariants.filter((i) => i.status !== 'pass').map((i) => `${i.id} ${i.status}`)]),
      ).toEqual([
        ['envs/prod', []],
        ['envs/staging', ['SI-12 fail']],
      ]);
      const si12 = r.json.invariants.find((i) => i.id === 'SI-12')!;
      expect(si12.status).toBe('fail');
      expect(new Set(si12.findings.map((f) => f.root))).toEqual(new Set(['envs/staging']));
      expect(r.json.gate.passed).toBe(false);

      const text = (await runZtaitInProcess(['check', 'envs', '--no-color'], { cwd: repo })).stdout;
      expect(text).toMatch(
        /Root modules \(each judged alone\):\n {2}pass {7}envs\/prod {2}15 pass, 0 not applicable\n {2}fail {7}envs\/staging {2}SI-12 fail\n/,
      );
      const md = (await runZtaitInProcess(['check', 'envs', '--format', 'markdown'], { cwd: repo })).stdout;
      expect(md).toContain('| envs/staging | fail | SI-12 fail |');
      const sarif = JSON.parse((await runZtaitInProcess(['check', 'envs', '--format', 'sarif'], { cwd: repo })).stdout) as Sarif.Log;
      const results = sarif.runs[0]!.results!.filter((x) => x.ruleId === 'SI-12');
      expect(results.length).toBeGreaterThan(0);
      expect(new Set(results.map((x) => x.properties?.root))).toEqual(new Set(['envs/staging']));
    } finally {
      writeFileSync(staging, tfvars);
    }
  });

  it('the same address in two roots is two findings to a baseline', async () => {
    const staging = join(repo, 'envs/staging/terraform.tfvars');
    const prod = join(repo, 'envs/prod/terraform.tfvars');
    const before = { staging: readFileSync(staging, 'utf8'), prod: readFileSync(prod, 'utf8') };
    try {
      for (const f of [staging, prod])
        writeFileSync(f, readFileSync(f, 'utf8').replace(/^secret_rotation_days\s*=\s*30/m, 'secret_rotation_days = 90'));
      const r = await check();
      const findings = r.json.invariants.find((i) => i.id === 'SI-12')!.findings;
      const byRoot = (root: string) => findings.filter((f) => f.root === root).map((f) => `${f.resource} ${f.fingerprint}`);
      expect(byRoot('envs/prod').length).toBe(byRoot('envs/staging').length);
      expect(new Set(findings.map((f) => f.fingerprint)).size).toBe(findings.length);
    } finally {
      writeFileSync(staging, before.staging);
      writeFileSync(prod, before.prod);
    }
  });
});
