/**
 * Issue 18, item 11: polish a first-hour user notices, through the CLI (in process: the launcher is
 * not the point here).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { CheckResult } from '../../src/model/result.js';
import { REPO_ROOT, runZtaitInProcess } from './helpers.js';

const EXPIRED = 'fixtures/hcl/sup-inline-expired';
const SUPPRESSED = 'fixtures/hcl/sup-inline-with-reason';

describe('suppression problems name their place once', () => {
  test('on stderr and in the text report', async () => {
    const run = await runZtaitInProcess(['check', EXPIRED, '--no-config']);
    const where = `${EXPIRED}/main.tf:10`;
    const warning = `ztait: warning: ${where}: suppression of SI-6 on aws_dynamodb_table.scratch expired on 2020-01-31; it no longer applies\n`;
    expect(run.stderr).toBe(warning);
    expect(run.stdout).toContain(`\n  warning  ${where} suppression of SI-6 on aws_dynamodb_table.scratch expired on 2020-01-31`);
    expect(run.stdout.split(where)).toHaveLength(2);
  });
});

describe('a suppression is "inline" for people; JSON and SARIF keep inSource', () => {
  test('text, markdown, JSON', async () => {
    const text = (await runZtaitInProcess(['check', SUPPRESSED, '--no-config'])).stdout;
    expect(text).toContain('[suppressed inline: scratch table, rebuilt nightly from the incidents stream]');
    const md = (await runZtaitInProcess(['check', SUPPRESSED, '--no-config', '--format', 'markdown'])).stdout;
    expect(md).toContain('(suppression inline: scratch table');
    expect(md).toMatch(/^\| SI-6 \| aws\\_dynamodb\\_table\.scratch \| inline \| /m);
    for (const out of [text, md]) expect(out).not.toContain('inSource');
    const json = JSON.parse((await runZtaitInProcess(['check', SUPPRESSED, '--no-config', '--format', 'json'])).stdout) as CheckResult;
    const six = json.invariants.find((i) => i.id === 'SI-6')!;
    expect(six.findings[0]!.suppression?.kind).toBe('inSource');
  });
});

describe('an absence judged on inputs with errors is error, a definite fail stays fail', () => {
  const TABLE = `resource "aws_dynamodb_table" "t" {
  name     = "ztait-t"
  hash_key = "id"
  point_in_time_recovery {
    enabled = false
  }
}
`;
  function project(broken: boolean): string {
    const dir = mkdtempSync(join(tmpdir(), 'ztait-absence-'));
    writeFileSync(join(dir, 'main.tf'), TABLE);
    if (broken) writeFileSync(join(dir, 'trail.tf'), 'resource "aws_cloudtrail" "t" {\n  name = "x" oops\n}\n');
    return dir;
  }
  const statuses = async (dir: string) => {
    const run = await runZtaitInProcess(['check', dir, '--check', 'SI-6,SI-8', '--format', 'json', '--no-config']);
    const result = JSON.parse(run.stdout) as CheckResult;
    return { run, result, status: Object.fromEntries(result.invariants.map((i) => [i.id, i.status])) };
  };

  test('no aws_cloudtrail, with a file that could not be parsed: SI-8 error, SI-6 (a table that was read) fail', async () => {
    const { run, result, status } = await statuses(project(true));
    expect(run.code).toBe(2);
    expect(status).toEqual({ 'SI-6': 'fail', 'SI-8': 'error' });
    const eight = result.invariants.find((i) => i.id === 'SI-8')!;
    expect(eight.reason).toMatch(/^not decidable: 1 input problem\(s\), first at .*trail\.tf:2: /);
    expect(eight.findings.map((f) => f.status)).toEqual(['error']);
  });

  test('the same without the broken file: SI-8 fails for want of a trail', async () => {
    const { run, status } = await statuses(project(false));
    expect(run.code).toBe(1);
    expect(status).toEqual({ 'SI-6': 'fail', 'SI-8': 'fail' });
  });
});

describe('the text report prints the first sentence of the remediation under a failing invariant', () => {
  test('text (with and without --quiet), not the other formats, not under a pass', async () => {
    const hint = '  remediation: Add `point_in_time_recovery { enabled = true }` to the table.\n';
    for (const extra of [[], ['--quiet'], ['--compact']]) {
      const out = (await runZtaitInProcess(['check', EXPIRED, '--no-config', ...extra])).stdout;
      expect(out, extra.join(' ')).toMatch(/^SI-6 +fail .*\n {2}fail .*\n {2}remediation: /m);
      expect(out).toContain(hint);
      expect(out.match(/remediation:/g)).toHaveLength(1);
    }
    const json = (await runZtaitInProcess(['check', EXPIRED, '--no-config', '--format', 'json'])).stdout;
    expect(json).not.toContain('remediation: ');
  });
});

describe('the evidence file format is in docs/maturity.md', () => {
  const doc = readFileSync(join(REPO_ROOT, 'docs/maturity.md'), 'utf8');
  const block = (lang: string): string => new RegExp(`\`\`\`${lang}\\n([\\s\\S]*?)\`\`\``).exec(doc)![1]!;

  test.each([
    ['csv', 2],
    ['json', 1],
  ])('its %s example is evidence maturity assess reads without dropping a row', async (lang, rows) => {
    const file = join(mkdtempSync(join(tmpdir(), 'ztait-evidence-')), `decisions.${lang === 'json' ? 'jsonl' : 'csv'}`);
    writeFileSync(file, block(lang));
    const run = await runZtaitInProcess(['maturity', 'assess', '--current', '0', '--evidence', file, '--format', 'json']);
    expect(run.code, run.stderr).toBe(1); // a few rows meet no criterion; but they are all read
    const a = JSON.parse(run.stdout) as { window: { rows: number; dropped: number } };
    expect(a.window).toMatchObject({ rows, dropped: 0 });
  });

  test('linked from maturity assess --help and the README', async () => {
    const help = await runZtaitInProcess(['maturity', 'assess', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('docs/maturity.md');
    expect(readFileSync(join(REPO_ROOT, 'README.md'), 'utf8')).toContain('`docs/maturity.md`');
  });
});
