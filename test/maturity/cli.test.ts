import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { XMLParser } from 'fast-xml-parser';
import { EVIDENCE, changedLines, exampleCopy, maturityCli, miniConfig, snapshot } from './helpers.js';

const ev = (name: string): string => join(EVIDENCE, name);

describe('ztait maturity diff', () => {
  it('prints the Table 3 delta in text and json', async () => {
    const t = await maturityCli(['diff', '1', '2']);
    expect(t.code).toBe(0);
    expect(t.stdout).toContain('~ ACTION_EXECUTION_ENABLED = "false" -> "true"');
    expect(t.stdout).toContain('~ ACCURACY_THRESHOLD       = "n/a" -> "0.90"');
    expect(t.stdout).not.toContain('GATING_REQUIRED_P1_P2');
    const j = JSON.parse((await maturityCli(['diff', 'L3', 'supervised', '--format', 'json'])).stdout);
    expect(j.changes.map((c: { setting: string }) => c.setting)).toEqual([
      'gating_required_p1_p2',
      'accuracy_threshold',
      'min_confidence_auto',
    ]);
    const bad = await maturityCli(['diff', '0', '5']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/"5" is not a maturity level/);
  });
});

describe('ztait maturity assess', () => {
  it('says eligible with the numbers (exit 0), in every format', async () => {
    const r = await maturityCli(['assess', '--evidence', ev('l0-agreement-85.jsonl'), '--current', '0']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('PASS  agreement_rate 0.85 (170/200) >= 0.85');
    expect(r.stdout).toContain('PASS  reviewed_incidents 200 >= 200');
    expect(r.stdout).toContain('ELIGIBLE for L1 Assisted');
    const j = JSON.parse(
      (await maturityCli(['assess', '--evidence', ev('l0-agreement-85.jsonl'), '--current', '0', '--format', 'json'])).stdout,
    );
    expect(j).toMatchObject({ current_level: 0, target_level: 1, window: { rows: 200, dropped: 0 }, eligible: true });
    expect(j.criteria[0]).toMatchObject({ id: 'agreement_rate', value: 0.85, op: '>=', threshold: 0.85, pass: true });
    const md = await maturityCli(['assess', '--evidence', ev('l0-agreement-84.jsonl'), '--current', '0', '--format', 'markdown']);
    expect(md.stdout).toContain('| agreement\\_rate | 0.84 (168/200) | \\>= | 0.85 | FAIL (off by 0.01) |');
    const junit = await maturityCli(['assess', '--evidence', ev('l0-agreement-84.jsonl'), '--current', '0', '--format', 'junit']);
    const x = new XMLParser({ ignoreAttributes: false }).parse(junit.stdout);
    expect(x.testsuites['@_failures']).toBe('1');
    expect(x.testsuites.testsuite.testcase).toHaveLength(4);
  });

  it('on evidence 1% short refuses and says which criterion and by how much (exit 1)', async () => {
    const r = await maturityCli(['assess', '--evidence', ev('l0-agreement-84.jsonl'), '--current', '0']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('FAIL  agreement_rate 0.84 (168/200) >= 0.85, short by 0.01 (2 more of 200 needed)');
    expect(r.stdout).toContain('NOT eligible for L1 Assisted: agreement_rate');
  });

  it('reads the current level from the configuration', async () => {
    const dir = miniConfig({ level: 1 });
    const r = await maturityCli(['assess', dir, '--evidence', ev('l1-one-p1-miss.jsonl'), '--format', 'json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ current_level: 1, target_level: 2 });
    const none = await maturityCli(['assess', join(dir, 'missing'), '--evidence', ev('l1-one-p1-miss.jsonl')]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/pass --current N/);
  });

  it('lists malformed rows with file:line and refuses the promotion', async () => {
    const r = await maturityCli(['assess', '--evidence', ev('malformed.csv'), '--current', '0']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`${ev('malformed.csv')}:4: bad CSV: unexpected character after a closing quote`);
    expect(r.stdout).toContain(`${ev('malformed.csv')}:11: bad CSV: unterminated quoted field`);
    expect(r.stdout).toMatch(/FAIL {2}rows_dropped 5 == 0: 5 row\(s\) dropped/);
  });

  it('lists the days of a due regression at L3', async () => {
    const r = await maturityCli(['assess', '--evidence', ev('l3-regression-7days.jsonl'), '--current', '3']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('DUE (-> L2)');
    expect(r.stdout).toContain('2025-06-11 .. 2025-06-17: 2025-06-11 0.8 (10)');
    expect((await maturityCli(['assess', '--evidence', ev('l3-regression-6days.jsonl'), '--current', '3'])).code).toBe(0);
  });

  it('exits 2 on unusable evidence', async () => {
    for (const [args, msg] of [
      [['--evidence', ev('missing.jsonl')], /no such file/],
      [['--evidence', ev('empty.jsonl')], /no rows/],
      [['--evidence', ev('all-bad.jsonl')], /no valid rows/],
      [['--evidence', ev('wrong-header.csv')], /lacks the column/],
      [[], /no evidence/],
      [['--evidence', ev('l0-agreement-85.jsonl'), '--window-days', '0'], /window-days/],
      [['--evidence', ev('l0-agreement-85.jsonl'), '--format', 'sarif'], /unknown format/],
    ] as [string[], RegExp][]) {
      const r = await maturityCli(['assess', '--current', '0', ...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(msg);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});

describe('ztait maturity set', () => {
  it('promotes one step on evidence that meets the criteria, changing exactly one line', async () => {
    const dir = miniConfig();
    const before = snapshot(dir);
    const record = join(dir, '..', `${dir.split('/').pop()}-record.md`);
    const r = await maturityCli([
      'set',
      '1',
      dir,
      '--evidence',
      ev('l0-agreement-85.jsonl'),
      '--approved-by',
      'Ada <ada@example.com>',
      '--record',
      record,
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const after = snapshot(dir);
    const tfvars = join(dir, 'terraform.tfvars');
    for (const [p, b] of before) if (p !== tfvars) expect(after.get(p), p).toEqual(b);
    expect(changedLines(before.get(tfvars)!, after.get(tfvars)!)).toEqual([
      {
        line: 6,
        before: 'maturity_level   =   0    # raised only with ztait maturity set',
        after: 'maturity_level   =   1    # raised only with ztait maturity set',
      },
    ]);
    expect(r.stdout).toContain('changed terraform.tfvars:6');
    expect(r.stdout).toContain('~ GATING_REQUIRED_P1_P2   = "n/a" -> "true"');
    const sha = (await import('node:crypto'))
      .createHash('sha256')
      .update(readFileSync(ev('l0-agreement-85.jsonl')))
      .digest('hex');
    const rec = readFileSync(record, 'utf8');
    expect(rec).toContain('- who: `Ada <ada@example.com>`');
    expect(rec).toContain(`sha256\n  \`${sha}\``);
    expect(rec).toContain('| agreement\\_rate | 0.85 (170/200) | \\>= | 0.85 | pass |');
    expect(rec).toContain('- basis: entry criteria met');
    expect(rec).toContain(
      '```diff\n- maturity_level   =   0    # raised only with ztait maturity set\n+ maturity_level   =   1    # raised only',
    );
    // the terminal gets the record in plain text (issue 18): no markdown escapes, headings or fences
    expect(r.stdout).toContain('\nbasis:    entry criteria met\nwho:      Ada <ada@example.com>\n');
    expect(r.stdout).toMatch(new RegExp(`\\nevidence: \\S*l0-agreement-85\\.jsonl \\(sha256 ${sha}\\)\\n`));
    expect(r.stdout).toContain('\ncriteria (0->1):\n  PASS  agreement_rate 0.85 (170/200) >= 0.85\n');
    expect(r.stdout).not.toMatch(/\\[_>]|^#|```/m);
  });

  it('refuses a promotion 1% short, a 0 -> 2 jump, and leaves every file byte-identical', async () => {
    const dir = miniConfig();
    const before = snapshot(dir);
    const short = await maturityCli(['set', '1', dir, '--evidence', ev('l0-agreement-84.jsonl'), '--record', join(dir, 'rec.md')]);
    expect(short.code).toBe(1);
    expect(short.stdout).toContain('REFUSED: maturity stays L0 Shadow');
    expect(short.stdout).toContain('criterion not met: agreement_rate 0.84 (168/200) >= 0.85, short by 0.01');
    const jump = await maturityCli(['set', '2', dir, '--evidence', ev('l0-agreement-85.jsonl')]);
    expect(jump.code).toBe(1);
    expect(jump.stdout).toContain('a jump from L0 to L2 is refused');
    const forcedJump = await maturityCli(['set', '3', dir, '--force', '--reason', 'because']);
    expect(forcedJump.code).toBe(1);
    const dirty = await maturityCli(['set', '1', dir, '--evidence', ev('malformed.jsonl')]);
    expect(dirty.code).toBe(1);
    expect(snapshot(dir)).toEqual(before);
  });

  it('--dry-run shows the change and writes nothing', async () => {
    const dir = miniConfig();
    const before = snapshot(dir);
    const r = await maturityCli(['set', '1', dir, '--evidence', ev('l0-agreement-85.jsonl'), '--dry-run', '--record', join(dir, 'rec.md')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('dry run: would change terraform.tfvars:6: maturity_level   =   0');
    expect(snapshot(dir)).toEqual(before);
  });

  it('needs evidence or --force --reason to go up; down is always allowed and recorded', async () => {
    const dir = miniConfig({ level: 2 });
    expect((await maturityCli(['set', '3', dir])).stderr).toMatch(/needs --evidence FILE/);
    expect((await maturityCli(['set', '3', dir, '--force'])).code).toBe(2);
    const forced = await maturityCli([
      'set',
      '3',
      dir,
      '--force',
      '--reason',
      'incident drill',
      '--approved-by',
      'ops',
      '--format',
      'markdown',
    ]);
    expect(forced.code).toBe(0);
    expect(forced.stdout).toContain('- basis: forced (no evidence)');
    expect(forced.stdout).toContain('- reason: incident drill');
    expect(readFileSync(join(dir, 'terraform.tfvars'), 'utf8')).toContain('maturity_level   =   3 ');
    const down = await maturityCli(['set', '2', dir, '--approved-by', 'ops', '--format', 'json']);
    expect(down.code).toBe(0);
    expect(JSON.parse(down.stdout)).toMatchObject({ status: 'changed', from: 3, to: 2, direction: 'demotion', who: 'ops' });
    const same = await maturityCli(['set', '2', dir]);
    expect(same.code).toBe(0);
    expect(same.stdout).toContain('already L2 Supervised');
    expect((await maturityCli(['set', '9', dir])).code).toBe(2);
  });

  it('edits the variable default when there is no tfvars entry', async () => {
    const dir = miniConfig({ tfvars: null, level: 1 });
    const before = readFileSync(join(dir, 'variables.tf'));
    const r = await maturityCli(['set', '0', dir]);
    expect(r.code).toBe(0);
    expect(changedLines(before, readFileSync(join(dir, 'variables.tf')))).toEqual([
      { line: 5, before: '  default     = 1 # Shadow', after: '  default     = 0 # Shadow' },
    ]);
  });

  it.skipIf(!exampleCopy())('promotes a copy of terraform/examples/complete by one line', async () => {
    const dir = exampleCopy()!;
    const before = snapshot(join(dir, '../..'));
    const r = await maturityCli(['set', '1', dir, '--evidence', ev('l0-agreement-85.jsonl'), '--approved-by', 'ci']);
    expect(r.code).toBe(0);
    const after = snapshot(join(dir, '../..'));
    const changed = [...before].filter(([p, b]) => !after.get(p)!.equals(b)).map(([p]) => p);
    expect(changed).toEqual([join(dir, 'terraform.tfvars')]);
    expect(changedLines(before.get(changed[0]!)!, after.get(changed[0]!)!)).toHaveLength(1);
    // the reference modules derive every Table 3 setting from the variable: still consistent, now at L1
    const status = JSON.parse((await maturityCli(['status', dir, '--format', 'json'])).stdout);
    expect(status).toMatchObject({ level: 1, consistent: true, actual: { gating_required_p1_p2: true, display_recommendations: true } });
  });
});

describe('ztait maturity status', () => {
  // one list per setting indexed by the level (Table 3 columns), merged into the function environment
  const LAMBDAS = `
locals {
  maturity_env = {
    MATURITY_LEVEL           = tostring(var.maturity_level)
    ACTION_EXECUTION_ENABLED = ["false", "false", "true", "true"][var.maturity_level]
    GATING_REQUIRED_P1_P2    = ["n/a", "true", "true", "false"][var.maturity_level]
    GATING_REQUIRED_P3_P4    = ["n/a", "true", "false", "false"][var.maturity_level]
    DISPLAY_RECOMMENDATIONS  = ["false", "true", "true", "true"][var.maturity_level]
    AUTO_REGRESSION_ENABLED  = ["false", "false", "true", "true"][var.maturity_level]
    ACCURACY_THRESHOLD       = ["n/a", "n/a", "0.90", "0.95"][var.maturity_level]
    MIN_CONFIDENCE_AUTO      = ["n/a", "n/a", "0.85", "0.80"][var.maturity_level]
  }
}

resource "aws_lambda_function" "triage" {
  function_name = "ztait-triage"
  role          = "arn:aws:iam::123456789012:role/ztait-triage"
  environment {
    variables = merge(local.maturity_env, { TABLE = "ztait-incidents" })
  }
}
`;

  it('reports the level, where it is set and Table 3 expected vs actual; follows set', async () => {
    const dir = miniConfig({ level: 1 });
    writeFileSync(join(dir, 'main.tf'), LAMBDAS);
    const r = await maturityCli(['status', dir]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/maturity level: L1 Assisted \(declared at \S*terraform\.tfvars:6\)/);
    expect(r.stdout).toMatch(/gating_required_p1_p2\s+true\s+true/);
    expect(r.stdout).toContain('consistent with Table 3');
    await maturityCli(['set', '2', dir, '--force', '--reason', 'test']);
    const j = JSON.parse((await maturityCli(['status', dir, '--format', 'json'])).stdout);
    expect(j).toMatchObject({ level: 2, consistent: true, actual: { accuracy_threshold: 0.9, action_execution_enabled: true } });
  });

  it('exits 1 and names the deviation when a function overrides a setting', async () => {
    const dir = miniConfig({ level: 0 });
    writeFileSync(join(dir, 'main.tf'), LAMBDAS.replace('{ TABLE = "ztait-incidents" }', '{ ACTION_EXECUTION_ENABLED = "true" }'));
    const r = await maturityCli(['status', dir]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/aws_lambda_function\.triage \(.*main\.tf:\d+\): action_execution_enabled expected false, found true/);
    const md = await maturityCli(['status', dir, '--format', 'markdown']);
    expect(md.stdout).toMatch(/\| aws\\_lambda\\_function\.triage \| action\\_execution\\_enabled \| false \| true \| \S*main\.tf:\d+ \|/);
  });

  it('takes --var and --var-file as terraform does', async () => {
    const dir = miniConfig({ level: 1 });
    writeFileSync(join(dir, 'main.tf'), LAMBDAS);
    const viaVar = JSON.parse((await maturityCli(['status', dir, '--var', 'maturity_level=3', '--format', 'json'])).stdout);
    expect(viaVar).toMatchObject({ level: 3, consistent: true });
    writeFileSync(join(dir, 'l2.tfvars'), 'maturity_level = 2\n');
    const viaFile = JSON.parse((await maturityCli(['status', dir, '--var-file', join(dir, 'l2.tfvars'), '--format', 'json'])).stdout);
    expect(viaFile).toMatchObject({ level: 2, consistent: true, declared_at: { line: 1 } });
  });

  it('exits 2 on a path that does not exist', async () => {
    const r = await maturityCli(['status', '/nonexistent/ztait']);
    expect(r.code).toBe(2);
  });

  it.skipIf(!exampleCopy())('is consistent on the reference example', async () => {
    const r = await maturityCli(['status', exampleCopy()!, '--format', 'json']);
    expect(JSON.parse(r.stdout)).toMatchObject({ level: 0, consistent: true });
  });
});
