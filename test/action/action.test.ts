// The GitHub Action (action.yml) as GitHub runs it: its one step, with the environment GitHub builds
// from the inputs a workflow passes (those of every action step docs/ci.md shows), in a workspace
// laid out as the docs' workflow leaves it (infra/ with the configuration and tfplan.json).
//
// - The docs' main workflow runs for real: the step's script (scripts/action/run.sh) on this
//   checkout, already installed and built, so it skips the install: exit code, the SARIF file the
//   upload step reads, and the `exit-code` output in $GITHUB_OUTPUT.
// - A fresh checkout (a copy of the action's scripts, with stand-ins for npm and bin/ztait.js) shows
//   the install and build run once, in the action's directory, before ztait, and what each
//   documented use passes to `ztait check`; the CLI then accepts each of those argument lists.
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runZtaitInProcess } from '../cli/helpers.js';
import { REPO_ROOT, cliEnv, ensureBuilt, run } from '../support/cli.js';

interface Step {
  name?: string;
  uses?: string;
  with?: Record<string, string | number | boolean>;
  run?: string;
  env?: Record<string, string>;
}
const action = parse(readFileSync(join(REPO_ROOT, 'action.yml'), 'utf8')) as {
  inputs: Record<string, { default?: string }>;
  outputs: Record<string, { value: string }>;
  runs: { using: string; steps: (Step & { id: string; shell: string })[] };
};
const step = action.runs.steps[0]!;

/** Every step of docs/ci.md's YAML examples that uses this repository's action, in order. */
function documentedUses(): Step[] {
  const doc = readFileSync(join(REPO_ROOT, 'docs/ci.md'), 'utf8');
  const out: Step[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      if (typeof (v as Step).uses === 'string' && /\/ztait@/.test((v as Step).uses!)) out.push(v as Step);
      else Object.values(v).forEach(walk);
    }
  };
  for (const m of doc.matchAll(/```yaml\n([\s\S]*?)```/g)) walk(parse(m[1]!));
  return out;
}
const uses = documentedUses();

/** The step's environment as GitHub builds it: each `${{ inputs.x }}` is the workflow's `with.x`, else the input's default. */
function inputEnv(given: Step['with'] = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, expr] of Object.entries(step.env ?? {})) {
    const name = /^\$\{\{\s*inputs\.([\w-]+)\s*\}\}$/.exec(expr)?.[1];
    if (!name) throw new Error(`action.yml: env ${key} is not an input: ${expr}`);
    // a workflow's own expressions (a reviewer's login) are evaluated by GitHub: here, a login
    env[key] = String(given[name] ?? action.inputs[name]?.default ?? '').replace(/\$\{\{[^}]*\}\}/g, 'octocat');
  }
  return env;
}

interface StepRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** What the step wrote to $GITHUB_OUTPUT. */
  output: string;
}

/** The step's `run`, as GitHub runs a bash step, in `workspace`, the action checked out at `actionPath`. */
function runStep(workspace: string, actionPath: string, given: Step['with'], extraEnv: Record<string, string> = {}): StepRun {
  const output = join(mkdtempSync(join(tmpdir(), 'ztait-action-out-')), 'github_output');
  writeFileSync(output, '');
  const env = cliEnv({ GITHUB_ACTIONS: 'true', GITHUB_ACTION_PATH: actionPath, GITHUB_OUTPUT: output, ...inputEnv(given), ...extraEnv });
  const r = run('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', step.run!], { cwd: workspace, env, timeoutMs: 60_000 });
  return { ...r, output: readFileSync(output, 'utf8') };
}

/** A workspace as the docs' workflow leaves it before the gate: infra/ holds the configuration and the plan as JSON. */
function workspace(): string {
  const ws = mkdtempSync(join(tmpdir(), 'ztait-action-ws-'));
  cpSync(join(REPO_ROOT, 'fixtures/plans/configs/evidence'), join(ws, 'infra'), { recursive: true });
  copyFileSync(join(REPO_ROOT, 'fixtures/plans/audit-table-destroy.plan.json'), join(ws, 'infra', 'tfplan.json'));
  return ws;
}

describe('action.yml', () => {
  it('is one bash step that runs scripts/action/run.sh from the action’s checkout, inputs as INPUT_* variables', () => {
    expect(action.runs.using).toBe('composite');
    expect(action.runs.steps).toHaveLength(1);
    expect(step).toMatchObject({ id: 'gate', shell: 'bash' });
    // inputs reach the script through env, never spliced into the script text (injection)
    expect(step.run).not.toMatch(/\$\{\{/);
    expect(step.run).toContain('$GITHUB_ACTION_PATH/scripts/action/run.sh');
    expect(Object.keys(action.inputs).sort()).toEqual(['args', 'format', 'path', 'plan']);
    expect(step.env).toEqual(
      Object.fromEntries(Object.keys(action.inputs).map((name) => [`INPUT_${name.toUpperCase()}`, `\${{ inputs.${name} }}`])),
    );
    expect(action.outputs['exit-code']?.value).toBe('${{ steps.gate.outputs.exit-code }}');
    expect(JSON.stringify(action)).not.toMatch(/npx|ztait@/); // nothing from the npm registry: not published
  });

  it('docs/ci.md uses it pinned to a commit SHA, with the inputs it declares', () => {
    expect(uses.length).toBeGreaterThanOrEqual(3);
    for (const use of uses) {
      expect(use.uses).toBe('<owner>/ztait@<commit-sha>');
      expect(Object.keys(use.with ?? {}).filter((k) => !(k in action.inputs))).toEqual([]);
    }
  });
});

describe('the docs’ workflow, run for real on this checkout', () => {
  beforeAll(() => {
    // installed: run.sh must skip `npm ci` here (a test never installs)
    if (!existsSync(join(REPO_ROOT, 'node_modules/.package-lock.json'))) throw new Error('node_modules is not installed by npm ci');
    ensureBuilt();
  });

  it('gates the plan: exit 1, the SARIF file the upload step reads, exit-code=1 in $GITHUB_OUTPUT', () => {
    const workflow = parse(readFileSync(join(REPO_ROOT, 'docs/ci.md'), 'utf8').match(/```yaml\n([\s\S]*?)```/)![1]!) as {
      jobs: Record<string, { steps: Step[] }>;
    };
    const steps = Object.values(workflow.jobs)[0]!.steps;
    const gate = steps.find((s) => s.uses === uses[0]!.uses)!;
    const upload = steps.find((s) => s.uses?.startsWith('github/codeql-action/upload-sarif'))!;
    expect(gate.with).toMatchObject({ plan: 'infra/tfplan.json', path: 'infra' });

    const ws = workspace();
    const r = runStep(ws, REPO_ROOT, gate.with);
    expect({ code: r.code, stderr: r.stderr }).toMatchObject({ code: 1 });
    expect(r.stderr).toContain('ztait: using the installed and built checkout');
    expect(r.output).toBe('exit-code=1\n');
    expect(r.stdout).toMatch(/^FAILED: .*ZT-PLAN-1 fail/m); // the text report on the step's log
    const sarif = JSON.parse(readFileSync(join(ws, String(upload.with!.sarif_file)), 'utf8')) as {
      version: string;
      runs: { results: { ruleId: string; kind?: string }[] }[];
    };
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs[0]!.results.map((x) => x.ruleId)).toContain('ZT-PLAN-1');
  });
});

describe('a fresh checkout of the action (npm and ztait stood in for)', () => {
  /** The action as GitHub downloads it: its scripts and package.json, no node_modules, no dist; bin/ztait.js records its arguments. */
  function freshCheckout(): { dir: string; npmLog: string; argvLog: string; bin: string } {
    const dir = mkdtempSync(join(tmpdir(), 'ztait-action-checkout-'));
    cpSync(join(REPO_ROOT, 'scripts/action'), join(dir, 'scripts/action'), { recursive: true });
    copyFileSync(join(REPO_ROOT, 'package.json'), join(dir, 'package.json'));
    const npmLog = join(dir, 'npm.log');
    const argvLog = join(dir, 'argv.log');
    mkdirSync(join(dir, 'bin'));
    writeFileSync(
      join(dir, 'bin', 'ztait.js'),
      `import { appendFileSync } from 'node:fs';\nappendFileSync(${JSON.stringify(argvLog)}, JSON.stringify(process.argv.slice(2)) + '\\n');\nprocess.exit(Number(process.env.FAKE_ZTAIT_EXIT ?? 0));\n`,
    );
    // npm: `ci` installs (the lock file npm ci leaves), `run build` builds (or fails with FAKE_BUILD_EXIT)
    const bin = join(dir, 'fake-bin');
    mkdirSync(bin);
    writeFileSync(
      join(bin, 'npm'),
      [
        '#!/bin/sh',
        `echo "$PWD $*" >> ${JSON.stringify(npmLog)}`,
        'case "$1" in',
        '  ci) mkdir -p node_modules && : > node_modules/.package-lock.json ;;',
        '  run) [ "${FAKE_BUILD_EXIT:-0}" = 0 ] || exit "$FAKE_BUILD_EXIT"; mkdir -p dist/cli && : > dist/cli/main.js ;;',
        'esac',
        '',
      ].join('\n'),
    );
    chmodSync(join(bin, 'npm'), 0o755);
    return { dir, npmLog, argvLog, bin };
  }
  const lines = (file: string): string[] => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : []);

  it('installs and builds once, in the action’s directory, then runs ztait check with each documented use’s inputs', async () => {
    const checkout = freshCheckout();
    const ws = workspace();
    const PATH = `${checkout.bin}:${process.env.PATH ?? ''}`;
    const expected: string[][] = [];
    for (const [i, use] of uses.entries()) {
      const code = i === 0 ? 0 : 1;
      const r = runStep(ws, checkout.dir, use.with, { PATH, FAKE_ZTAIT_EXIT: String(code) });
      expect({ use: use.with, code: r.code, stderr: r.stderr }).toMatchObject({ code });
      expect(r.output).toBe(`exit-code=${code}\n`);
      const w = use.with!;
      expected.push([
        'check',
        '--plan',
        String(w.plan),
        String(w.path),
        '--format',
        String(w.format),
        ...String(w.args)
          .replace(/\$\{\{[^}]*\}\}/g, 'octocat')
          .split(/\s+/)
          .filter(Boolean),
      ]);
    }
    expect(lines(checkout.npmLog)).toEqual([
      `${checkout.dir} ci --ignore-scripts --omit=optional --no-audit --no-fund`,
      `${checkout.dir} run build`,
    ]);
    const argvs = lines(checkout.argvLog).map((l) => JSON.parse(l) as string[]);
    expect(argvs).toEqual(expected);

    // and the CLI accepts each: it gates the plan (exit 1), never "could not run" (exit 2); the first
    // is the docs' main workflow, run for real above
    for (const argv of argvs.slice(1)) {
      const inWs = argv.map((a) => (a.startsWith('infra') ? join(ws, a) : a));
      const r = await runZtaitInProcess(inWs);
      expect({ argv, code: r.code, stderr: r.stderr }).toMatchObject({ code: 1 });
    }
  });

  it('defaults: the HCL of ., text; a plan without path is the plan alone; args are split on any whitespace, never globbed', () => {
    const checkout = freshCheckout();
    const ws = workspace();
    const env = { PATH: `${checkout.bin}:${process.env.PATH ?? ''}` };
    expect(runStep(ws, checkout.dir, {}, env).code).toBe(0);
    expect(runStep(ws, checkout.dir, { plan: 'infra/tfplan.json', path: '', args: '--skip-check *\n--quiet' }, env).code).toBe(0);
    expect(lines(checkout.argvLog).map((l) => JSON.parse(l) as string[])).toEqual([
      ['check', '.', '--format', 'text'],
      ['check', '--plan', 'infra/tfplan.json', '--format', 'text', '--skip-check', '*', '--quiet'],
    ]);
  });

  it('a build that fails is exit 2 (could not run), with an error annotation, and ztait does not run', () => {
    const checkout = freshCheckout();
    const r = runStep(workspace(), checkout.dir, uses[0]!.with, {
      PATH: `${checkout.bin}:${process.env.PATH ?? ''}`,
      FAKE_BUILD_EXIT: '1',
    });
    expect(r.code).toBe(2);
    expect(r.output).toBe('exit-code=2\n');
    expect(r.stderr).toMatch(/^::error title=ztait::could not install or build ztait in /m);
    expect(lines(checkout.argvLog)).toEqual([]);
    rmSync(checkout.dir, { recursive: true, force: true });
  });

  it('a Node.js older than package.json’s engines is exit 2, before npm runs', () => {
    const checkout = freshCheckout();
    writeFileSync(join(checkout.dir, 'package.json'), JSON.stringify({ engines: { node: '>=99' } }));
    const r = runStep(workspace(), checkout.dir, uses[0]!.with, { PATH: `${checkout.bin}:${process.env.PATH ?? ''}` });
    expect(r.code).toBe(2);
    expect(r.output).toBe('exit-code=2\n');
    expect(r.stderr).toContain(`ztait needs Node.js 99 or newer, found ${process.version}`);
    expect(lines(checkout.npmLog)).toEqual([]);
    rmSync(checkout.dir, { recursive: true, force: true });
  });
});
