/**
 * Records the CLI's outputs (every format, exit code, stderr) for the reference example, every HCL
 * fixture, every plan fixture (alone and with the configuration directories the tests use) and
 * every account fixture (probed through the local AWS test server), into GOLDEN_OUT. Run it before
 * and after a change that must not change behaviour, then `diff -r` the two directories:
 *
 *   GOLDEN_OUT=/tmp/golden-before npx vitest run --config test/golden/vitest.golden.config.ts
 *
 * Not part of `npm test`: it is the evidence for refactors (issue 16), not a test of its own.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { loadAccount } from '../probe/server/account.js';
import { startAwsServer } from '../probe/server/server.js';
import { ztait } from '../support/cli.js';

const ROOT = join(import.meta.dirname, '../..');
const OUT = process.env.GOLDEN_OUT ?? '';
const FORMATS = ['text', 'json', 'sarif', 'markdown', 'junit'];
const ENV: Record<string, string> = {
  SOURCE_DATE_EPOCH: '1700000000',
  NO_COLOR: '1',
  AWS_ACCESS_KEY_ID: 'AKIAFIXTURE000000001',
  AWS_SECRET_ACCESS_KEY: 'fixture-base-secret',
  AWS_CONFIG_FILE: '/nonexistent/ztait-test/config',
  AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/ztait-test/credentials',
  AWS_EC2_METADATA_DISABLED: 'true',
};

// the one spawn helper, with the recorder's fixed clock and fake credentials over its clean environment
const run = (args: string[]) => ztait(args, { env: ENV, timeoutMs: 600_000 });

const normalise = (s: string, port?: number): string => (port ? s.split(`127.0.0.1:${port}`).join('127.0.0.1:PORT') : s);

/** One case: all formats into OUT/name/, plus exit code and stderr. */
async function record(name: string, args: string[], port?: number): Promise<void> {
  const dir = join(OUT, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const tmp = join(OUT, '.tmp', name);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const r = await run([...args, '--format', FORMATS.join(','), '-o', `${tmp}/`]);
  writeFileSync(join(dir, 'exit'), `${r.code}\n`);
  writeFileSync(join(dir, 'stdout'), normalise(r.stdout, port));
  writeFileSync(join(dir, 'stderr'), normalise(r.stderr.split(tmp).join('TMP'), port));
  for (const f of readdirSync(tmp)) writeFileSync(join(dir, f), normalise(readFileSync(join(tmp, f), 'utf8'), port));
  // text alone, to stdout, as people see it
  const t = await run([...args, '--format', 'text']);
  writeFileSync(join(dir, 'text-stdout'), normalise(t.stdout, port));
}

async function pool(jobs: (() => Promise<void>)[], n = 2): Promise<void> {
  let i = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (i < jobs.length) await jobs[i++]!();
    }),
  );
}

it('records golden outputs', { timeout: 3_600_000 }, async () => {
  if (!OUT) throw new Error('set GOLDEN_OUT');
  const jobs: (() => Promise<void>)[] = [];
  jobs.push(() => record('reference', ['check', 'terraform/examples/complete']));
  // fixtures/hcl and every rule folder's fixtures/ (recorded as hcl/<path from the repository root>
  // for rule folders)
  const ruleRoots = readdirSync(join(ROOT, 'src/rules'))
    .filter((d) => existsSync(join(ROOT, 'src/rules', d, 'fixtures')))
    .map((d) => `src/rules/${d}/fixtures`);
  for (const root of ['fixtures/hcl', ...ruleRoots.sort()]) {
    for (const c of readdirSync(join(ROOT, root))
      .filter((n) => !n.startsWith('_') && !n.endsWith('.md'))
      .sort()) {
      const exp = join(ROOT, root, c, 'expected.yaml');
      const extra = existsSync(exp) ? ((parseYaml(readFileSync(exp, 'utf8')) as { args?: string[] }).args ?? []) : [];
      jobs.push(() => record(root === 'fixtures/hcl' ? `hcl/${c}` : `hcl/${root}/${c}`, ['check', `${root}/${c}`, ...extra]));
    }
  }
  const plans = join(ROOT, 'fixtures/plans');
  const configs = readdirSync(join(plans, 'configs')).sort();
  for (const p of readdirSync(plans)
    .filter((f) => f.endsWith('.plan.json'))
    .sort()) {
    jobs.push(() => record(`plan/${p}`, ['check', '--plan', `fixtures/plans/${p}`]));
    const base = p.replace('.plan.json', '');
    for (const c of configs) {
      if (
        base === c ||
        base.startsWith(`${c}-`) ||
        (c === 'evidence' && base === 'audit-table-destroy') ||
        (c === 'reference-pitr-overlay' && base === 'reference-pitr-disabled')
      ) {
        jobs.push(() => record(`plan/${p}+${c}`, ['check', '--plan', `fixtures/plans/${p}`, `fixtures/plans/configs/${c}`]));
      }
    }
  }
  await pool(jobs);
  const accounts = join(ROOT, 'fixtures/accounts');
  for (const a of readdirSync(accounts)
    .filter((f) => f.endsWith('.json'))
    .sort()) {
    const srv = await startAwsServer({ account: loadAccount(join(accounts, a)) });
    try {
      await record(
        `account/${a}`,
        ['probe', '--endpoint-url', srv.url, '--region', 'us-east-1', '--concurrency', '1'],
        Number(new URL(srv.url).port),
      );
    } finally {
      await srv.close();
    }
  }
  rmSync(join(OUT, '.tmp'), { recursive: true, force: true });
});
