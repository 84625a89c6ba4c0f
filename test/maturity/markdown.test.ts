import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { localBin, run } from '../support/cli.js';
import { EVIDENCE, maturityCli, miniConfig } from './helpers.js';

const ev = (n: string): string => join(EVIDENCE, n);

describe('markdown outputs pass markdownlint (default rules)', () => {
  it('assess, status, diff and the change records', async () => {
    const dir = miniConfig();
    writeFileSync(
      join(dir, 'main.tf'),
      'resource "aws_lambda_function" "x" {\n  environment {\n    variables = { MATURITY_LEVEL = "0", ACTION_EXECUTION_ENABLED = "true" }\n  }\n}\n',
    );
    const docs: Record<string, string[]> = {
      'assess-malformed.md': ['assess', '--evidence', ev('malformed.csv'), '--current', '0'],
      'assess-regression.md': ['assess', '--evidence', ev('l3-regression-7days.jsonl'), '--current', '3'],
      'assess-trust.md': ['assess', '--evidence', ev('trust.jsonl'), '--current', '0'],
      'status.md': ['status', dir],
      'diff.md': ['diff', '0', '3'],
      'refused.md': ['set', '1', dir, '--evidence', ev('l0-agreement-84.jsonl'), '--approved-by', 'Ada <ada@example.com>'],
      'forced.md': [
        'set',
        '1',
        dir,
        '--force',
        '--reason',
        'drill: see https://example.com/runbook | *now*',
        '--dry-run',
        '--approved-by',
        'ops@example.com',
      ],
    };
    const out = mkdtempSync(join(tmpdir(), 'ztait-md-'));
    for (const [name, args] of Object.entries(docs)) {
      const r = await maturityCli([...args, '--format', 'markdown']);
      expect(r.stdout.startsWith('# '), name).toBe(true);
      writeFileSync(join(out, name), r.stdout);
    }
    const lint = run(localBin('markdownlint-cli2'), Object.keys(docs), { cwd: out });
    expect(`${lint.stdout}${lint.stderr}`).toMatch(/Summary: 0 issues/);
    expect(lint.code).toBe(0);
  });
});
