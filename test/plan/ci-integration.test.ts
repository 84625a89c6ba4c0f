import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runZtaitInProcess } from '../cli/helpers.js';
import { fixture } from './helpers.js';

const DOC = readFileSync('docs/ci.md', 'utf8');
const yamlBlocks = [...DOC.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!);

/** Every ztait command line of the documented pipelines (run steps and GitLab script entries; the GitHub workflows use the action). */
function documentedCommands(): string[] {
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === 'string') {
      if (/^(npx (--yes )?)?ztait(@[\w.]+)? check /.test(v)) out.push(v.replace(/\s+/g, ' ').trim());
    } else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  for (const block of yamlBlocks) walk(parse(block));
  return out;
}

describe('docs/ci.md', () => {
  it('every YAML example parses', () => {
    expect(yamlBlocks.length).toBeGreaterThanOrEqual(4);
    for (const block of yamlBlocks) expect(() => parse(block)).not.toThrow();
  });

  it('the documented ztait commands are accepted by the CLI and gate on the plan (exit 1, not 2)', async () => {
    const commands = documentedCommands();
    expect(commands.length).toBeGreaterThanOrEqual(1);
    const dir = mkdtempSync(join(tmpdir(), 'ztait-ci-doc-'));
    for (const command of commands) {
      const args = command
        .replace(/^(npx (--yes )?)?ztait(@[\w.]+)? /, '')
        .split(' ')
        .map((a) =>
          a === 'tfplan.json'
            ? fixture('audit-table-destroy')
            : a === '.'
              ? 'fixtures/plans/configs/evidence'
              : /^ztait[-.]/.test(a)
                ? join(dir, a)
                : a,
        );
      const { code, stderr } = await runZtaitInProcess(args);
      expect({ command, code, stderr }).toMatchObject({ code: 1 });
    }
    const sarif = JSON.parse(readFileSync(join(dir, 'ztait.sarif'), 'utf8')) as { version: string };
    expect(sarif.version).toBe('2.1.0');
    expect(readFileSync(join(dir, 'ztait-junit.xml'), 'utf8')).toMatch(/^<\?xml/);
  });

  it('the GitHub workflow uploads SARIF even when the gate fails, with the permission it needs', () => {
    const workflow = parse(yamlBlocks[0]!) as {
      permissions: Record<string, string>;
      jobs: Record<string, { steps: { uses?: string; if?: string }[] }>;
    };
    expect(workflow.permissions['security-events']).toBe('write');
    const steps = Object.values(workflow.jobs)[0]!.steps;
    const upload = steps.find((s) => s.uses?.startsWith('github/codeql-action/upload-sarif'));
    expect(upload?.if).toMatch(/^always\(\)/);
    expect(steps.find((s) => s.uses?.startsWith('hashicorp/setup-terraform'))).toMatchObject({ with: { terraform_wrapper: false } });
  });
});

// action.yml and the docs' uses of it: test/action/action.test.ts.

it('.pre-commit-hooks.yaml defines ztait-check on .tf files without passing file names', () => {
  const hooks = parse(readFileSync('.pre-commit-hooks.yaml', 'utf8')) as {
    id: string;
    entry: string;
    files: string;
    pass_filenames: boolean;
  }[];
  expect(hooks).toHaveLength(1);
  expect(hooks[0]).toMatchObject({ id: 'ztait-check', entry: 'ztait check', pass_filenames: false });
  const files = new RegExp(hooks[0]!.files);
  expect(files.test('infra/main.tf')).toBe(true);
  expect(files.test('infra/prod.tfvars')).toBe(false);
});
