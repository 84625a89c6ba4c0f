import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runZtaitInProcess } from '../cli/helpers.js';
import { run } from '../support/cli.js';
import { fixture } from './helpers.js';

const DOC = readFileSync('docs/ci.md', 'utf8');
const yamlBlocks = [...DOC.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!);

/** Every ztait command line of the documented pipelines (run steps and GitLab script entries). */
function documentedCommands(): string[] {
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === 'string') {
      if (/ztait(@[\w.]+)? check/.test(v) && !v.startsWith('#')) out.push(v.replace(/\s+/g, ' ').trim());
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
    expect(commands.length).toBeGreaterThanOrEqual(2);
    const dir = mkdtempSync(join(tmpdir(), 'ztait-ci-doc-'));
    for (const command of commands) {
      const args = command
        .replace(/^npx (--yes )?ztait(@[\w.]+)? /, '')
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

describe('action.yml', () => {
  const action = parse(readFileSync('action.yml', 'utf8')) as {
    inputs: Record<string, { default?: string }>;
    runs: { using: string; steps: { run: string; env: Record<string, string> }[] };
  };

  it('is a composite action with the inputs plan, path, format and args', () => {
    expect(action.runs.using).toBe('composite');
    expect(Object.keys(action.inputs)).toEqual(expect.arrayContaining(['plan', 'path', 'format', 'args']));
    // inputs reach the script through env, never spliced into the script text (injection)
    expect(action.runs.steps[0]!.run).not.toMatch(/\$\{\{/);
  });

  /** Runs the action's script with a fake `npx` that records its arguments and exits with `code`. */
  function runAction(inputs: Record<string, string>, code: number): { status: number | null; argv: string[]; output: string } {
    const dir = mkdtempSync(join(tmpdir(), 'ztait-action-'));
    const record = join(dir, 'argv');
    writeFileSync(join(dir, 'npx'), `#!/bin/sh\nfor a in "$@"; do printf '%s\\n' "$a" >> "${record}"; done\nexit ${code}\n`);
    chmodSync(join(dir, 'npx'), 0o755);
    writeFileSync(record, '');
    const out = join(dir, 'github_output');
    writeFileSync(out, '');
    const env: Record<string, string> = { PATH: `${dir}:${process.env.PATH ?? ''}`, GITHUB_OUTPUT: out };
    for (const [k, v] of Object.entries(action.runs.steps[0]!.env)) {
      const input = /inputs\.(\w+)/.exec(v)![1]!;
      env[k] = inputs[input] ?? action.inputs[input]?.default ?? '';
    }
    const script = run('bash', ['-e', '-c', action.runs.steps[0]!.run], { env });
    return { status: script.code, argv: readFileSync(record, 'utf8').split('\n').filter(Boolean), output: readFileSync(out, 'utf8') };
  }

  it('runs ztait check on the plan and directory with the format and extra arguments', () => {
    const r = runAction({ plan: 'infra/tfplan.json', path: 'infra', format: 'sarif', args: '-o infra/ztait.sarif --approved-by alice' }, 0);
    expect(r.argv).toEqual([
      '--yes',
      'ztait@0',
      'check',
      '--plan',
      'infra/tfplan.json',
      'infra',
      '--format',
      'sarif',
      '-o',
      'infra/ztait.sarif',
      '--approved-by',
      'alice',
    ]);
    expect(r.status).toBe(0);
    expect(r.output).toBe('exit-code=0\n');
  });

  it('checks HCL without a plan, and fails the step with ztait’s exit code', () => {
    const r = runAction({ args: '--check SI-6,*' }, 1);
    expect(r.argv).toEqual(['--yes', 'ztait@0', 'check', '.', '--format', 'text', '--check', 'SI-6,*']);
    expect(r.status).toBe(1);
    expect(r.output).toBe('exit-code=1\n');
  });
});

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
