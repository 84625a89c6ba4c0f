import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { runZtaitInProcess } from './helpers.js';

/**
 * Issue 10 "Done when", through the CLI (its main() in process: the same commander program, gate,
 * baseline and config code as bin/ztait.js, without a node start per run; the launcher is tested by
 * usage.test.ts): baselines, thresholds, expiring suppressions, config. `env` is set for the run only.
 */
async function run(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; out: string; err: string }> {
  for (const [k, v] of Object.entries(env)) vi.stubEnv(k, v);
  try {
    const r = await runZtaitInProcess(args);
    return { code: r.code, out: r.stdout, err: r.stderr };
  } finally {
    vi.unstubAllEnvs();
  }
}

// Three existing violations: two tables without PITR (SI-6, medium), one without encryption (SI-5, high).
// (Only SI-5 and SI-6 are selected: a configuration without a trail also fails SI-8, by the spec.)
const ONLY = ['--check', 'SI-5,SI-6'];
const TABLES = (extra = ''): string => `${extra}
resource "aws_dynamodb_table" "orders" {
  name         = "ztait-orders"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "id"
  attribute {
    name = "id"
    type = "S"
  }
  server_side_encryption {
    enabled = true
  }
}

resource "aws_dynamodb_table" "events" {
  name         = "ztait-events"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "id"
  attribute {
    name = "id"
    type = "S"
  }
  point_in_time_recovery {
    enabled = false
  }
}
`;

function project(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'ztait-gate-'));
  writeFileSync(join(dir, 'main.tf'), text);
  return dir;
}

describe('gate control through the CLI', () => {
  it('baseline round trip: create passes, a new violation fails, moving code does not, a fix is reported', async () => {
    const dir = project(TABLES());
    const baseline = join(dir, 'ztait-baseline.json');
    expect((await run(['check', dir, ...ONLY])).code).toBe(1);
    const created = await run(['check', dir, ...ONLY, '--create-baseline', baseline]);
    expect(created.code).toBe(0);
    expect(created.err).toMatch(/baseline .* written with 3 finding\(s\)/);
    expect((await run(['check', dir, ...ONLY, '--baseline', baseline])).code).toBe(0);

    // move code around: 20 blank lines and a comment above, blocks in reverse order
    const blocks = TABLES()
      .split('\n\nresource')
      .map((b, i) => (i === 0 ? b : `resource${b}`));
    writeFileSync(join(dir, 'main.tf'), `# moved\n${'\n'.repeat(20)}${blocks.reverse().join('\n\n')}`);
    const moved = await run(['check', dir, ...ONLY, '--baseline', baseline, '--format', 'json']);
    expect(moved.code).toBe(0);
    const states = JSON.parse(moved.out).invariants.flatMap((i: { findings: { baseline?: string }[] }) =>
      i.findings.map((f) => f.baseline),
    );
    expect(states.sort()).toEqual(['unchanged', 'unchanged', 'unchanged']);

    // a new violation fails the gate
    writeFileSync(join(dir, 'new.tf'), 'resource "aws_dynamodb_table" "extra" {\n  name     = "ztait-extra"\n  hash_key = "id"\n}\n');
    const added = await run(['check', dir, ...ONLY, '--baseline', baseline, '--format', 'sarif']);
    expect(added.code).toBe(1);
    const sarif = JSON.parse(added.out);
    const bs = sarif.runs[0].results.map((r: { baselineState?: string }) => r.baselineState).sort();
    expect(bs).toEqual(['new', 'new', 'unchanged', 'unchanged', 'unchanged']);

    // fixing a baselined finding shows it as absent (fixed)
    writeFileSync(join(dir, 'new.tf'), '');
    writeFileSync(join(dir, 'main.tf'), TABLES().replace('enabled = false', 'enabled = true'));
    const fixed = await run(['check', dir, ...ONLY, '--baseline', baseline]);
    expect(fixed.code).toBe(0);
    expect(fixed.out).toMatch(/fixed\s+SI-6\s+aws_dynamodb_table\.events/);
  });

  it('severity thresholds and per-rule overrides', async () => {
    const dir = project(TABLES());
    /** Exit code and the gate line (the report's last). */
    const gate = async (...args: string[]): Promise<[number | null, string]> => {
      const r = await run(['check', dir, ...ONLY, ...args]);
      return [r.code, r.out.trim().split('\n').pop()!];
    };
    const critical = await gate('--fail-on', 'critical');
    expect(critical[0]).toBe(0);
    expect(critical[1]).toMatch(/^PASSED/);
    expect((await gate('--fail-on', 'high'))[0]).toBe(1); // SI-5 is high
    expect((await gate('--fail-on', 'high', '--soft-fail-on', 'SI-5'))[0]).toBe(0);
    const hard = await gate('--soft-fail', '--hard-fail-on', 'SI-6');
    expect(hard[0]).toBe(1);
    expect(hard[1]).toMatch(/^FAILED: 1 rule\(s\) fail the gate: SI-6 fail \(medium\)/);
    expect((await gate('--fail-on', 'severe'))[0]).toBe(2);
  });

  it('errors fail the run at every threshold unless --allow-errors, loudly', async () => {
    const dir = project(
      'variable "pitr" { type = bool }\nresource "aws_dynamodb_table" "t" {\n  name = "ztait-t"\n  server_side_encryption { enabled = true }\n  point_in_time_recovery { enabled = var.pitr }\n}\n',
    );
    expect((await run(['check', dir, '--check', 'SI-6', '--fail-on', 'critical'])).code).toBe(1);
    const allowed = await run(['check', dir, '--check', 'SI-6', '--allow-errors']);
    expect(allowed.code).toBe(0);
    expect(allowed.err).toMatch(/--allow-errors: 1 rule\(s\) could not be decided/);
  });

  it('expiring inline suppressions, with a fixed clock on both sides of the date', async () => {
    const dir = project(
      TABLES().replace(
        '  point_in_time_recovery {\n    enabled = false',
        '  # ztait:ignore SI-6 reason="archive restored nightly" expires=2027-03-31\n  point_in_time_recovery {\n    enabled = false',
      ),
    );
    const before = await run(['check', dir, '--check', 'SI-6', '--format', 'json'], {
      SOURCE_DATE_EPOCH: String(Date.parse('2027-03-31T12:00:00Z') / 1000),
    });
    const events = JSON.parse(before.out).invariants[0].findings.find(
      (f: { resource: string }) => f.resource === 'aws_dynamodb_table.events',
    );
    expect(events.status).toBe('suppressed');
    expect(events.suppression).toMatchObject({ kind: 'inSource', reason: 'archive restored nightly', expires: '2027-03-31' });

    const after = await run(['check', dir, '--check', 'SI-6'], { SOURCE_DATE_EPOCH: String(Date.parse('2027-04-01T00:00:00Z') / 1000) });
    expect(after.code).toBe(1);
    expect(after.err).toMatch(/suppression of SI-6 on aws_dynamodb_table\.events expired on 2027-03-31/);
  });

  it('.ztait.yaml: found from the scanned directory, config show, errors with file and line', async () => {
    const dir = project(TABLES());
    writeFileSync(
      join(dir, '.ztait.yaml'),
      'fail_on: critical\ncheck: SI-5,SI-6\nsuppressions:\n  - id: SI-6\n    resource: aws_dynamodb_table.*\n    reason: tracked in TICKET-1\n',
    );
    expect((await run(['check', dir])).code).toBe(0);
    const shown = await run(['config', 'show', dir]);
    expect(shown.out).toMatch(/fail_on\s+"critical"\s+.*\.ztait\.yaml:1/);
    expect(shown.out).toMatch(/prefix\s+"ztait-"\s+default/);
    expect(JSON.parse((await run(['config', 'schema'])).out).title).toMatch(/ztait configuration/);
    writeFileSync(join(dir, '.ztait.yaml'), 'fail_on: critical\nbogus: 1\n');
    const bad = await run(['check', dir]);
    expect(bad.code).toBe(2);
    expect(bad.err.trim()).toMatch(/\.ztait\.yaml:2: unknown key "bogus"$/);
    expect(bad.err).not.toMatch(/\n\s+at /);
    expect(readFileSync(join(dir, '.ztait.yaml'), 'utf8')).toContain('bogus');
  });
});
