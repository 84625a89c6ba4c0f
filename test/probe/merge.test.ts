/**
 * `ztait merge` in process (src/fleet-merge.ts, src/cli/merge.ts): one sweep of three accounts on
 * the local test server, split into shards the way `probe --shard i/N` splits and judges them, and
 * merged back into the single run's result; shards that do not belong together and hostile files.
 * The built CLI merges real shards in fleet.e2e.test.ts.
 */
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { planOutputs } from '../../src/cli/common.js';
import { isFleet } from '../../src/cli/fleet.js';
import { registerMerge } from '../../src/cli/merge.js';
import { registerProbe } from '../../src/cli/probe.js';
import { readResultFile } from '../../src/cli/result-file.js';
import { mergeShards, withoutShard } from '../../src/fleet-merge.js';
import { emptyInventory, type Inventory } from '../../src/model/inventory.js';
import type { CheckResult } from '../../src/model/result.js';
import { render } from '../../src/report/index.js';
import { scan } from '../../src/scan.js';
import { shardOf } from '../../src/sources/aws/fleet/shard.js';
import { sweepFleet } from '../../src/sources/aws/fleet/sweep.js';
import { fleetResult, systemRoot, unreadResult, type FleetSystem } from '../../src/systems.js';
import { runZtaitInProcess } from '../cli/helpers.js';
import { FAKE_ENV, ROOT, account, cleanup, tempDir } from './harness.js';
import { startExampleOrganization } from './server/fleet.js';
import type { AwsTestServer } from './server/server.js';

const PROD = '222233334444';
const PITR = '333344445555';
const DENIED = '444455556666';
const ALL = [PROD, PITR, DENIED];
const COMMAND = `ztait probe --accounts ${ALL.join(',')} --regions all-enabled --format json`;
const WARNING = { severity: 'warning' as const, message: 'the endpoint is plain http' };

let srv: AwsTestServer;
let dir: string;
let single: CheckResult;
/** The shards' JSON files for N = 2 and N = 3, by index. */
const files: Record<number, string[]> = {};

const json = (r: CheckResult): string => render(r, 'json', { color: false });
const read = (file: string): CheckResult => JSON.parse(readFileSync(file, 'utf8')) as CheckResult;
/** A copy of a shard's file with the result edited. */
function edited(file: string, edit: (r: CheckResult & Record<string, unknown>) => void, name = 'edited.json'): string {
  const r = read(file) as CheckResult & Record<string, unknown>;
  edit(r);
  const out = join(dir, name);
  writeFileSync(out, JSON.stringify(r));
  return out;
}
const merged = (paths: string[]): CheckResult => mergeShards(paths.map((file) => ({ file, result: readResultFile(file) })));

beforeAll(async () => {
  for (const k of Object.keys(process.env)) if (k.startsWith('AWS_')) delete process.env[k];
  Object.assign(process.env, FAKE_ENV);
  srv = await startExampleOrganization(account, { prod: PROD, pitr: PITR, denied: DENIED });
  // one sweep, judged as the CLI judges it; a shard is the same judgement of its accounts only
  const judge = (inventory: Inventory): Promise<CheckResult> => scan({ source: { kind: 'inventory', inventory }, commandLine: COMMAND });
  const template = await judge(emptyInventory('live'));
  const swept = await sweepFleet<CheckResult>(
    { endpointUrl: srv.url, region: 'us-east-1', accounts: ALL.map((id) => ({ id })), regions: 'all-enabled' },
    { judge, unread: (reason) => unreadResult(template, reason) },
  );
  const systems: FleetSystem[] = swept.systems.map((s) => ({ ...s, root: systemRoot(s.account, s.region) }));
  single = fleetResult(systems, swept.accounts, { template, diagnostics: [WARNING] });
  dir = tempDir();
  for (const count of [2, 3]) {
    files[count] = Array.from({ length: count }, (_, i) => {
      const index = i + 1;
      const mine = (id: string): boolean => shardOf(id, count) === index;
      const shard = fleetResult(
        systems.filter((s) => mine(s.account)),
        swept.accounts.filter((a) => mine(a.id)),
        { template, shard: { index, count }, diagnostics: [WARNING] },
      );
      // the job's command line, as probe writes it
      shard.command_line = `ztait probe --accounts ${ALL.join(',')} --shard ${index}/${count} --regions all-enabled --format json`;
      const file = join(dir, `shard-${index}-of-${count}.json`);
      writeFileSync(file, json(shard));
      return file;
    });
  }
}, 60_000);

afterAll(async () => {
  await srv.close();
  cleanup();
});

describe('ztait merge: shards of one run', () => {
  it('gives the single run byte for byte in JSON, whatever N and the order of the files', () => {
    // (the accounts split 2 + 1 over two shards; three shards leave one empty)
    expect(files[2]!.map((f) => read(f).fleet!.accounts.length).sort()).toEqual([1, 2]);
    expect(files[3]!.map((f) => read(f).fleet!.accounts.length)).toContain(0);
    const expected = json(single);
    expect(json(merged(files[2]!))).toBe(expected);
    expect(json(merged([...files[3]!].reverse()))).toBe(expected);
    const r = merged(files[2]!);
    expect(r.fleet!.shard).toBeUndefined();
    expect(r.command_line).toBe(COMMAND);
    // the warning every shard carries is said once, as in the single run
    expect(r.diagnostics).toEqual([WARNING]);
    expect(r.fleet!.accounts.map((a) => [a.id, a.status])).toEqual([
      [PROD, 'error'],
      [PITR, 'fail'],
      [DENIED, 'error'],
    ]);
  });

  it('renders the merged result in every format as the single run', () => {
    const r = merged(files[2]!);
    for (const format of ['text', 'sarif', 'markdown', 'junit', 'html', 'ocsf'] as const)
      expect(render(r, format, { color: false }), format).toBe(render(single, format, { color: false }));
  });

  it('ztait merge in process: the JSON, exit 1 from its own gate, and --soft-fail recorded as its weakening (exit 0)', async () => {
    const run = await runZtaitInProcess(['merge', ...files[2]!, '--format', 'json']);
    expect([run.code, run.stdout]).toEqual([1, json(single)]);
    expect(run.stderr).toBe('ztait: merged 2 shard(s): 3 account(s), 4 account x region(s), 2 account(s) not read in full\n');
    const soft = await runZtaitInProcess(['merge', ...files[2]!, '--format', 'json', '--soft-fail', '--quiet']);
    expect([soft.code, soft.stderr]).toEqual([0, '']);
    const r = JSON.parse(soft.stdout) as CheckResult;
    expect(r.gate.passed).toBe(true);
    expect(r.config!.weakenings.map((w) => [w.kind, w.source])).toEqual([['soft_fail', 'command_line']]);
  });

  it('a baseline is applied by merge, not taken from a shard', async () => {
    const baseline = join(dir, 'baseline.json');
    const made = await runZtaitInProcess(['merge', ...files[2]!, '--create-baseline', baseline, '--format', 'json', '--quiet']);
    expect(made.code, made.stderr).toBe(0);
    // a shard marked against another baseline: its marks are dropped
    const marked = edited(files[2]![0]!, (r) => {
      for (const f of r.invariants.flatMap((i) => i.findings)) f.baseline = 'new';
      r.baseline = { file: 'other.json', absent: [] };
    });
    const run = await runZtaitInProcess(['merge', marked, files[2]![1]!, '--baseline', baseline, '--format', 'json', '--quiet']);
    const r = JSON.parse(run.stdout) as CheckResult;
    expect(r.baseline).toEqual({ file: baseline, absent: [] });
    expect(new Set(r.invariants.flatMap((i) => i.findings).map((f) => f.baseline))).toEqual(new Set(['unchanged']));
  });

  it('the command line without --shard i/N, in either spelling, quoted arguments kept', () => {
    expect(withoutShard('ztait probe --org --shard 2/4 -o shard.json')).toBe('ztait probe --org -o shard.json');
    expect(withoutShard('ztait probe --shard=2/4 --org')).toBe('ztait probe --org');
    expect(withoutShard('ztait probe --prefix "a --shard 1/2" --org')).toBe('ztait probe --prefix "a --shard 1/2" --org');
    // where each job wrote its shard is not part of the run: merged, the first shard's stays
    const named = (i: number) => edited(files[2]![i - 1]!, (r) => (r.command_line += ` -o shard-${i}.json`), `named-${i}.json`);
    expect(merged([named(1), named(2)]).command_line).toBe(`${COMMAND} -o shard-1.json`);
  });
});

describe('shards that do not belong together, and hostile files: one line naming the file, exit 2', () => {
  const refused = async (paths: string[], ...flags: string[]): Promise<string> => {
    const run = await runZtaitInProcess(['merge', ...paths, ...flags]);
    expect([run.code, run.stdout]).toEqual([2, '']);
    expect(run.stderr.split('\n')).toHaveLength(2);
    return run.stderr;
  };

  it('another N, an index twice or missing, another version, command line or configuration', async () => {
    const [one, two] = files[2]!;
    const three = files[3]!.find((f) => read(f).fleet!.shard!.index === 1)!;
    expect(await refused([one!, three])).toBe(`ztait: ${three} is one of 3 shards, ${one} one of 2: merge the shards of one run\n`);
    const copy = join(dir, 'copy.json');
    copyFileSync(one!, copy);
    expect(await refused([one!, copy, two!])).toBe(`ztait: shard 1/2 given twice: ${one} and ${copy}\n`);
    expect(await refused(files[3]!.slice(1))).toBe('ztait: shard(s) 1 of 3 missing: give every shard of the run\n');
    const newer = edited(two!, (r) => (r.tool.version = '9.9.9'));
    expect(await refused([one!, newer])).toMatch(new RegExp(`^ztait: ${newer} was made by ztait 9\\.9\\.9, ${one} by ztait \\d`));
    const other = edited(two!, (r) => (r.command_line = r.command_line.replace('all-enabled', 'us-east-1')));
    expect(await refused([one!, other])).toBe(
      `ztait: ${other} was made by another command line than ${one} (apart from --shard and -o): merge the shards of one run\n`,
    );
    const configured = edited(two!, (r) => (r.config = { mode: 'found', files: ['.ztait.yaml'], weakenings: [] }));
    expect(await refused([one!, configured])).toBe(
      `ztait: ${configured} was judged with another configuration than ${one}: merge the shards of one run\n`,
    );
    expect(await refused([one!, two!], '--check', 'SI-1')).toBe(
      "ztait: --check does not apply to ztait merge: the shards were judged with the probe's\n",
    );
  });

  it('an account twice, or in a shard its id does not hash to', async () => {
    const [one, two] = files[2]!;
    const home = read(one!).fleet!.accounts[0]!.id;
    // shard 2 holding shard 1's account too
    const both = edited(
      two!,
      (r) => {
        const src = read(one!);
        r.fleet!.accounts.push(src.fleet!.accounts[0]!);
        r.systems!.push(...src.systems!.filter((s) => s.account === home));
      },
      'both.json',
    );
    expect(await refused([one!, both])).toBe(`ztait: account ${home} is in both ${one} and ${both}: merge the shards of one run\n`);
    // moved out of its shard altogether
    const moved = edited(
      one!,
      (r) => {
        r.fleet!.accounts = r.fleet!.accounts.filter((a) => a.id !== home);
        r.systems = r.systems!.filter((s) => s.account !== home);
        for (const i of r.invariants) i.findings = i.findings.filter((f) => f.account !== home);
        for (const i of r.invariants) i.examined = i.examined.filter((x) => x.account !== home);
      },
      'moved.json',
    );
    expect(await refused([moved, both])).toBe(
      `ztait: ${both}: account ${home} belongs to shard 1/2, not 2/2: the shards were not split by this ztait's --shard\n`,
    );
  });

  it('a result that is not a shard, or not even JSON, is named without quoting it', async () => {
    const [one, two] = files[2]!;
    const secret = 'AKIAIOSFODNN7EXAMPLE-wJalrXUtnFEMI';
    const cases: [string, string][] = [
      [edited(one!, (r) => delete r.fleet, 'plain.json'), 'not the result of a fleet run'],
      [edited(one!, (r) => delete r.fleet!.shard, 'whole.json'), 'a fleet run without --shard, nothing to merge it with'],
      [
        edited(one!, (r) => (r.systems![0]!.inventory.by_type = { [secret]: secret as unknown as number }), 'by-type.json'),
        'not a shard of a fleet run (/systems/0/inventory/by_type/… must be integer)',
      ],
      [
        edited(one!, (r) => r.invariants[0]!.examined.push({ resource: 'x', status: 'pass', observed: 'y', root: secret }), 'root.json'),
        'has a finding or examined resource of no system of the shard',
      ],
      [edited(one!, (r) => (r.systems![0]!.root = secret), 'sys.json'), 'are not one per region'],
    ];
    writeFileSync(join(dir, 'garbage.json'), `{"tool": ${secret}`);
    cases.push([join(dir, 'garbage.json'), 'is not valid JSON']);
    for (const [file, says] of cases) {
      const line = await refused([file, two!]);
      expect(line, file).toContain(`ztait: ${file}`);
      expect(line, file).toContain(says);
      expect(line, file).not.toContain('AKIA');
    }
  });
});

describe('docs/fleet.md: the CI examples', () => {
  const doc = readFileSync(join(ROOT, 'docs', 'fleet.md'), 'utf8');
  const [github, gitlab] = [...doc.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => parseYaml(m[1]!) as Record<string, any>);

  /** The `ztait ...` commands of a job's shell lines, with the CI's variables given values. */
  const commands = (lines: string[]): string[][] =>
    lines
      .flatMap((l) => l.split('\n'))
      .map((l) => l.trim())
      .filter((l) => l.startsWith('ztait '))
      .map((l) =>
        l
          .replace(/\s*\|\|.*$/, '')
          .replaceAll('${{ matrix.shard }}', '3')
          .replaceAll('$CI_NODE_INDEX', '3')
          .replaceAll('$CI_NODE_TOTAL', '4'),
      )
      .map((l) => [...l.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]!).slice(1));

  /** ztait's own argument parser on a command line, every action replaced by a record of what it was given. */
  function parse(args: string[]): { command: string; opts: Record<string, unknown>; args: string[] } {
    const program = new Command().exitOverride().configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
    registerProbe(program, () => undefined);
    registerMerge(program, () => undefined);
    let parsed: ReturnType<typeof parse> | undefined;
    for (const c of program.commands)
      c.action((...given: unknown[]) => {
        const cmd = given.at(-1) as Command;
        parsed = { command: cmd.name(), opts: cmd.opts(), args: cmd.args };
      });
    program.parse(['node', 'ztait', ...args]);
    return parsed!;
  }

  it('GitHub Actions: a matrix job sweeps each shard and uploads it, a last job merges and uploads the reports', () => {
    const { sweep, merge } = github!.jobs as Record<
      string,
      { steps: { run?: string; uses?: string; with?: Record<string, unknown> }[] } & Record<string, any>
    >;
    expect(sweep!.strategy.matrix.shard).toEqual([1, 2, 3, 4]);
    expect(merge!.needs).toBe('sweep');
    const runs = (job: typeof sweep) => job!.steps.flatMap((s) => (s.run ? [s.run] : []));
    const [probe] = commands(runs(sweep));
    expect(parse(probe!)).toMatchObject({ command: 'probe', opts: { org: true, shard: { index: 3, count: 4 }, output: ['shard.json'] } });
    expect(isFleet(parse(probe!).opts)).toBe(true);
    expect(sweep!.steps.find((s) => s.uses?.startsWith('actions/upload-artifact'))!.with).toMatchObject({ path: 'shard.json' });
    const [merging] = commands(runs(merge));
    expect(parse(merging!)).toMatchObject({
      command: 'merge',
      args: ['shards/*/shard.json'],
      opts: { format: ['sarif', 'markdown', 'html', 'text'] },
    });
    expect(planOutputs(parse(merging!).opts)).toEqual([
      { format: 'sarif', file: 'ztait.sarif' },
      { format: 'markdown', file: 'ztait.md' },
      { format: 'html', file: 'ztait.html' },
      { format: 'text' },
    ]);
    const uploaded = merge!.steps.find((s) => s.uses?.startsWith('actions/upload-artifact'))!.with!.path as string;
    expect(uploaded.trim().split('\n')).toEqual(['ztait.sarif', 'ztait.md', 'ztait.html']);
  });

  it('GitLab CI: a parallel job sweeps each shard, a job that needs it merges', () => {
    const sweep = gitlab!['ztait-fleet-sweep'];
    const merge = gitlab!['ztait-fleet-merge'];
    expect(sweep.parallel).toBe(4);
    expect(merge.needs).toEqual(['ztait-fleet-sweep']);
    const [probe] = commands(sweep.script);
    expect(parse(probe!)).toMatchObject({ command: 'probe', opts: { org: true, shard: { index: 3, count: 4 }, output: ['shard.json'] } });
    expect(sweep.artifacts.paths).toEqual(['shard-*.json']);
    const [merging] = commands(merge.script);
    const m = parse(merging!);
    expect([m.command, m.args]).toEqual(['merge', ['shard-*.json']]);
    expect(planOutputs(m.opts).map((o) => o.file)).toEqual(['ztait-junit.xml', 'ztait.sarif', 'ztait.md', 'ztait.html', undefined]);
    expect(merge.artifacts.reports.junit).toBe('ztait-junit.xml');
    // a command that is not ztait's is caught by the same parser
    expect(() => parse(['merge', 'a.json', '--no-such-flag'])).toThrow(/unknown option/);
  });
});
