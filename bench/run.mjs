#!/usr/bin/env node
/**
 * `npm run bench`: measures ztait where its work grows, in one run on this machine, and prints
 * every figure with its target beside it (PASS/MISS). Not a test: nothing here fails the build
 * unless `--strict` is given (then a MISS exits 1).
 *
 *   static  a generated Terraform tree (100 local modules, ~10,000 resources): wall time and peak
 *           memory of `ztait check`, against the time to merely parse the same files with
 *           @cdktf/hcl2json (bench/parse-only.mjs); the ratio of the two
 *   plan    a generated 10,000-resource plan JSON: wall time and peak memory of `ztait check --plan`
 *   live    the probe's local AWS test server (test/probe/server/) with 50 ms added to every call
 *           and a generated account of 2,000 resources: wall time of `ztait probe`, calls made
 *   drift   the same server serving the reference account (fixtures/accounts/reference.json):
 *           `ztait probe` and `ztait drift terraform/examples/complete`, calls and wall time of
 *           each, and `ztait check` of the example (the static load): drift makes the probe's calls
 *   fleet   the same server holding an Organization of 50 member accounts of 200 resources each,
 *           50 ms a call: `ztait probe --accounts` at the defaults (--account-concurrency 8), wall
 *           time, calls and peak memory; peak memory again with 25 accounts (flat as they double)
 *
 * When a time target is missed the command is run again under `node --cpu-prof` and the profile is
 * summarised by phase and function (bench/profile.mjs), so the report says where the time goes.
 *
 *   node bench/run.mjs [--only static,plan,live,drift,fleet] [--no-profile] [--keep] [--strict]
 *                      [--probe-concurrency N]   (live: pass --concurrency N to ztait probe)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { generateTree } from './gen/tree.mjs';
import { writePlan } from './gen/plan.mjs';
import { generateAccount } from './gen/account.mjs';
import { measureNode, usesGnuTime } from './lib/measure.mjs';
import { V8_TUNING } from '../bin/v8-tuning.js';
import { formatSummary, summarise } from './profile.mjs';

const ROOT = join(import.meta.dirname, '..');
const CLI = join(ROOT, 'bin', 'ztait.js');
const GiB = 1024;

const TARGETS = {
  staticRatio: 1.5,
  planSeconds: 2,
  liveSeconds: 15,
  memoryMiB: GiB,
  fleetSeconds: 60,
  fleetMemoryMiB: 512,
  /** The 50-account peak over the 25-account peak, at most. */
  fleetMemoryGrowth: 1.15,
};

const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const option = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const only = (() => {
  const i = args.indexOf('--only');
  return i >= 0 ? new Set(args[i + 1].split(',')) : new Set(['static', 'plan', 'live', 'drift', 'fleet']);
})();

/** Lines of the final table: [figure, value, target, verdict]. */
const rows = [];
const misses = [];
const record = (figure, value, target, ok) => {
  rows.push([figure, value, target, ok === undefined ? '' : ok ? 'PASS' : 'MISS']);
  if (ok === false) misses.push(figure);
};
const secs = (ms) => `${(ms / 1000).toFixed(2)} s`;
const mib = (m) => (m === undefined || Number.isNaN(m) ? 'n/a' : `${m.toFixed(0)} MiB`);
const log = (s = '') => process.stdout.write(`${s}\n`);

function ensureBuilt() {
  if (existsSync(join(ROOT, 'dist', 'cli', 'main.js'))) return;
  log('dist/ is missing: building (npx tsc -p tsconfig.json)...');
  // tsc still emits when some file has a type error; what matters is that the CLI exists afterwards.
  spawnSync('npx', ['tsc', '-p', 'tsconfig.json'], { cwd: ROOT, stdio: 'inherit' });
  if (!existsSync(join(ROOT, 'dist', 'cli', 'main.js'))) {
    console.error('bench: the build did not produce dist/cli/main.js');
    process.exit(2);
  }
}

/** Environment of every ztait child: no colour, no AWS configuration of this machine. */
function childEnv(extra = {}) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('AWS_') && k !== 'FORCE_COLOR') env[k] = v;
  return { ...env, NO_COLOR: '1', ...extra };
}

/** Runs the ztait command once more under the V8 profiler and prints where the time goes. */
async function profile(label, cliArgs, env) {
  if (flag('--no-profile')) return;
  const dir = mkdtempSync(join(tmpdir(), 'ztait-bench-prof-'));
  log(`\n  profiling ${label} (node --cpu-prof, one more run)...`);
  await measureNode(['--cpu-prof', `--cpu-prof-dir=${dir}`, CLI, ...cliArgs], { env, timeoutMs: 600_000 });
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) {
    log('  (no profile written)');
    return;
  }
  const text = formatSummary(summarise(JSON.parse(readFileSync(join(dir, file), 'utf8')), 15));
  log(
    text
      .split('\n')
      .map((l) => `    ${l}`)
      .join('\n'),
  );
  if (flag('--keep')) log(`  profile kept: ${join(dir, file)}`);
  else rmSync(dir, { recursive: true, force: true });
}

/** The JSON report a run wrote, or why there is none. */
function readReport(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    return { error: e.message };
  }
}

const summaryLine = (report) =>
  report.summary
    ? Object.entries(report.summary)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')
    : `no report (${report.error})`;

function childFailed(label, run) {
  // Exit 0 (all pass) and 1 (some fail/error verdicts) are both a completed check.
  if (run.code === 0 || run.code === 1) return false;
  log(`  ${label} did not complete: exit ${run.code ?? run.signal}${run.timedOut ? ' (timed out)' : ''}`);
  log(
    run.stderr
      .split('\n')
      .slice(0, 15)
      .map((l) => `    ${l}`)
      .join('\n'),
  );
  return true;
}

/** The bare hcl2json parse the static check is compared with. */
const PARSE_ONLY = join(ROOT, 'bench', 'parse-only.mjs');

/** Rounds of the static comparison (BENCH_STATIC_ROUNDS to change it). */
const STATIC_ROUNDS = Math.max(1, Number(process.env.BENCH_STATIC_ROUNDS ?? 3) || 3);

/** The run with the median wall time. */
function median(runs) {
  return [...runs].sort((a, b) => a.wallMs - b.wallMs)[Math.floor(runs.length / 2)];
}

async function benchStatic(work) {
  log('\n== static: ztait check on a generated Terraform tree ==');
  const dir = join(work, 'tree');
  mkdirSync(dir);
  const tree = generateTree(dir, { modules: 100, resources: 10_000 });
  log(
    `  tree: a root module calling ${tree.modules} local child modules (platform + ${tree.modules - 1} services), ${tree.files} files, ${(tree.bytes / 1048576).toFixed(1)} MiB, ${tree.managed} managed resources + ${tree.data} data sources`,
  );

  // The two are run alternately STATIC_ROUNDS times and compared by their medians: on a shared
  // 2-core machine one pair of runs swings by 10% either way.
  const out = join(work, 'static.json');
  const cliArgs = ['check', dir, '--format', 'json', '-o', out];
  const env = childEnv();
  const parses = [];
  const tunedParses = [];
  const checks = [];
  for (let round = 0; round < STATIC_ROUNDS; round++) {
    const parse = await measureNode([PARSE_ONLY, dir], { timeoutMs: 600_000 });
    if (parse.code !== 0) {
      log(`  bare parse failed: ${parse.stderr}`);
      return;
    }
    parses.push(parse);
    // The same parse under the V8 settings ztait's launcher applies (bin/v8-tuning.js): the target
    // compares with hcl2json as it runs by default; this ratio is printed beside it.
    if (V8_TUNING.length > 0) {
      const tuned = await measureNode([...V8_TUNING, PARSE_ONLY, dir], { timeoutMs: 600_000 });
      if (tuned.code !== 0) log(`  bare parse with ztait's V8 settings failed (its ratio is left out): ${tuned.stderr}`);
      tunedParses.push(tuned);
    }
    const check = await measureNode([CLI, ...cliArgs], { env, cwd: work, timeoutMs: 900_000 });
    if (childFailed('ztait check', check)) return;
    checks.push(check);
  }
  const parse = median(parses);
  const check = median(checks);
  const parsed = JSON.parse(parse.stdout);
  const runs = (xs) => xs.map((x) => secs(x.wallMs)).join(', ');
  log(
    `  bare parse (@cdktf/hcl2json parse, ${parsed.files} files): median of ${STATIC_ROUNDS} (${runs(parses)}): process ${secs(parse.wallMs)} wall, ${secs(parse.cpuMs)} CPU (parsing itself ${secs(parsed.parseMs)}), peak ${mib(parse.maxRssMiB)}`,
  );
  const tuned = tunedParses.length > 0 && tunedParses.every((p) => p.code === 0) ? median(tunedParses) : undefined;
  if (tuned)
    log(
      `  bare parse with ztait's V8 settings (${V8_TUNING.join(' ')}): median of ${STATIC_ROUNDS} (${runs(tunedParses)}): ${secs(tuned.wallMs)} wall, ${secs(tuned.cpuMs)} CPU`,
    );
  const report = readReport(out);
  const found = report.inventory?.resources;
  check.maxRssMiB = Math.max(...checks.map((c) => c.maxRssMiB));
  log(
    `  ztait check: median of ${STATIC_ROUNDS} (${runs(checks)}): ${secs(check.wallMs)} wall, ${secs(check.cpuMs)} CPU, peak ${mib(check.maxRssMiB)} (highest of the runs), exit ${check.code}; ${found} resources in the inventory; ${summaryLine(report)}`,
  );
  if (found !== tree.managed) log(`  WARNING: expected ${tree.managed} managed resources in the inventory, found ${found}`);

  const ratio = check.wallMs / parse.wallMs;
  record('static: ztait check wall time', secs(check.wallMs), `<= ${TARGETS.staticRatio} x bare parse`, undefined);
  record('static: bare hcl2json parse wall time', secs(parse.wallMs), '', undefined);
  record('static: check / bare parse (wall)', `${ratio.toFixed(2)}x`, `<= ${TARGETS.staticRatio}x`, ratio <= TARGETS.staticRatio);
  record('static: check / bare parse (CPU)', `${(check.cpuMs / parse.cpuMs).toFixed(2)}x`, '(for reference)', undefined);
  if (tuned)
    record(
      "static: check / bare parse, both with ztait's V8 settings",
      `${(check.wallMs / tuned.wallMs).toFixed(2)}x`,
      '(for reference)',
      undefined,
    );
  record('static: check peak memory', mib(check.maxRssMiB), `< ${TARGETS.memoryMiB} MiB`, check.maxRssMiB < TARGETS.memoryMiB);
  if (ratio > TARGETS.staticRatio) await profile('ztait check (static)', cliArgs, env);
}

async function benchPlan(work) {
  log('\n== plan: ztait check --plan on a generated plan JSON ==');
  const file = join(work, 'plan.json');
  const plan = await writePlan(file, { resources: 10_000 });
  log(
    `  plan: ${plan.resources} resource instances in ${plan.modules} modules, ${(plan.bytes / 1048576).toFixed(1)} MiB, format_version 1.2`,
  );
  const out = join(work, 'plan-report.json');
  const cliArgs = ['check', '--plan', file, '--format', 'json', '-o', out];
  const env = childEnv();
  const run = await measureNode([CLI, ...cliArgs], { env, cwd: work, timeoutMs: 600_000 });
  if (childFailed('ztait check --plan', run)) return;
  const report = readReport(out);
  log(
    `  ztait check --plan: ${secs(run.wallMs)} wall, ${secs(run.cpuMs)} CPU, peak ${mib(run.maxRssMiB)}, exit ${run.code}; ${report.inventory?.resources} resources; ${summaryLine(report)}`,
  );
  if (report.inventory?.resources !== plan.resources)
    log(`  WARNING: expected ${plan.resources} resources in the inventory, found ${report.inventory?.resources}`);
  record('plan: ztait check --plan wall time', secs(run.wallMs), `< ${TARGETS.planSeconds} s`, run.wallMs < TARGETS.planSeconds * 1000);
  record('plan: peak memory', mib(run.maxRssMiB), `< ${TARGETS.memoryMiB} MiB`, run.maxRssMiB < TARGETS.memoryMiB);
  if (run.wallMs >= TARGETS.planSeconds * 1000) await profile('ztait check --plan', cliArgs, env);
}

/**
 * The probe's test server is TypeScript: bundled once (its AWS SDK imports left to node_modules),
 * with the fleet's member accounts (memberAccount).
 */
async function loadTestServer() {
  const { build } = await import('esbuild');
  const outdir = join(ROOT, 'node_modules', '.cache', 'ztait-bench');
  mkdirSync(outdir, { recursive: true });
  const outfile = join(outdir, 'aws-test-server.mjs');
  await build({
    stdin: {
      contents: "export * from './server.ts'; export { memberAccount } from './fleet.ts';",
      resolveDir: join(ROOT, 'test', 'probe', 'server'),
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile,
    packages: 'external',
    logLevel: 'error',
  });
  return import(`${outfile}?t=${Date.now()}`);
}

async function benchLive(work) {
  log('\n== live: ztait probe against the local AWS test server ==');
  const LATENCY = 50;
  const { startAwsServer } = await loadTestServer();
  const { account, resources, services } = generateAccount({ resources: 2_000 });
  const srv = await startAwsServer({ account, latencyMs: LATENCY, lifetimeMs: 900_000, maxRequests: 1_000_000 });
  log(`  account: ${resources} resources (the reference deployment + ${services} services), ${LATENCY} ms added to every call, ${srv.url}`);
  const out = join(work, 'live.json');
  const env = childEnv(FIXTURE_AWS_ENV);
  const probeConcurrency = option('--probe-concurrency');
  const cliArgs = [
    'probe',
    '--endpoint-url',
    srv.url,
    '--region',
    account.Region,
    '--format',
    'json',
    '-o',
    out,
    ...(probeConcurrency ? ['--concurrency', probeConcurrency] : []),
  ];
  let run;
  try {
    run = await measureNode([CLI, ...cliArgs], { env, cwd: work, timeoutMs: 900_000 });
  } finally {
    await srv.close();
  }
  if (childFailed('ztait probe', run)) return;
  const calls = srv.received.length;
  const failed = srv.received.filter((c) => c.status >= 400).length;
  const report = readReport(out);
  log(
    `  ztait probe: ${secs(run.wallMs)} wall, ${secs(run.cpuMs)} CPU, peak ${mib(run.maxRssMiB)}, exit ${run.code}; ${calls} calls (${failed} answered with an error); ${report.inventory?.resources} resources; ${summaryLine(report)}`,
  );
  const perOp = new Map();
  for (const c of srv.received) perOp.set(`${c.service}:${c.action}`, (perOp.get(`${c.service}:${c.action}`) ?? 0) + 1);
  log(
    `  calls by operation: ${[...perOp.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 10)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}, ...`,
  );
  // The probe's default (src/sources/aws/defaults.ts) unless --probe-concurrency says otherwise.
  const { DEFAULT_CONCURRENCY } = await import('../dist/sources/aws/defaults.js');
  const concurrency = Number(probeConcurrency ?? DEFAULT_CONCURRENCY);
  log(
    `  lower bound at --concurrency ${concurrency}${probeConcurrency ? '' : ' (the default)'}: ${calls} calls x ${LATENCY} ms / ${concurrency} = ${secs((calls * LATENCY) / concurrency)}`,
  );
  record('live: ztait probe wall time', secs(run.wallMs), `< ${TARGETS.liveSeconds} s`, run.wallMs < TARGETS.liveSeconds * 1000);
  record('live: calls made', String(calls), '(figure)', undefined);
  record('live: peak memory', mib(run.maxRssMiB), `< ${TARGETS.memoryMiB} MiB`, run.maxRssMiB < TARGETS.memoryMiB);
}

/** The credentials and configuration of a ztait child reading the local test server. */
const FIXTURE_AWS_ENV = {
  AWS_ACCESS_KEY_ID: 'AKIAFIXTURE000000001',
  AWS_SECRET_ACCESS_KEY: 'fixture-base-secret',
  AWS_CONFIG_FILE: '/nonexistent/ztait-bench/config',
  AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/ztait-bench/credentials',
  AWS_EC2_METADATA_DISABLED: 'true',
};

/**
 * Drift costs the probe's calls plus the static load: `ztait probe` and `ztait drift` of the
 * reference example each against a fresh server of the reference account (so each one's calls are
 * counted alone), and `ztait check` of the example for the static side's time.
 */
async function benchDrift(work) {
  log('\n== drift: ztait drift against the local AWS test server, beside ztait probe and ztait check ==');
  const LATENCY = 50;
  const EXAMPLE = join(ROOT, 'terraform', 'examples', 'complete');
  const { startAwsServer } = await loadTestServer();
  const account = JSON.parse(readFileSync(join(ROOT, 'fixtures', 'accounts', 'reference.json'), 'utf8'));
  const env = childEnv(FIXTURE_AWS_ENV);
  const measured = {};
  for (const [name, args] of [
    ['probe', ['probe']],
    ['drift', ['drift', EXAMPLE]],
  ]) {
    const srv = await startAwsServer({ account, latencyMs: LATENCY, lifetimeMs: 300_000 });
    const out = join(work, `${name}.json`);
    let run;
    try {
      run = await measureNode([CLI, ...args, '--endpoint-url', srv.url, '--region', account.Region, '--format', 'json', '-o', out], {
        env,
        cwd: work,
        timeoutMs: 300_000,
      });
    } finally {
      await srv.close();
    }
    // drift exits 1 when it finds drift: the reference account has none
    if (childFailed(`ztait ${name}`, run)) return;
    measured[name] = { run, calls: srv.received.length, report: readReport(out) };
  }
  const check = await measureNode([CLI, 'check', EXAMPLE, '--format', 'json', '-o', join(work, 'check.json')], { env, cwd: work });
  if (childFailed('ztait check', check)) return;
  const { probe, drift } = measured;
  log(`  account: the reference deployment, ${LATENCY} ms added to every call`);
  log(
    `  ztait probe: ${secs(probe.run.wallMs)} wall, ${secs(probe.run.cpuMs)} CPU, peak ${mib(probe.run.maxRssMiB)}; ${probe.calls} calls`,
  );
  log(
    `  ztait drift: ${secs(drift.run.wallMs)} wall, ${secs(drift.run.cpuMs)} CPU, peak ${mib(drift.run.maxRssMiB)}; ${drift.calls} calls; ${drift.report.summary?.matched} resources matched, ${drift.report.summary?.attributes_compared} attributes compared, exit ${drift.run.code} (${drift.report.outcome?.reason})`,
  );
  log(`  ztait check of the example (the static load): ${secs(check.wallMs)} wall, ${secs(check.cpuMs)} CPU`);
  log(`  probe + check: ${secs(probe.run.wallMs + check.wallMs)} wall (two processes: two Node start-ups)`);
  record('drift: calls (probe, drift)', `${probe.calls}, ${drift.calls}`, 'the same', drift.calls === probe.calls);
  record(
    'drift: wall time (probe, check, drift)',
    `${secs(probe.run.wallMs)}, ${secs(check.wallMs)}, ${secs(drift.run.wallMs)}`,
    '(figure)',
    undefined,
  );
  record('drift: peak memory', mib(drift.run.maxRssMiB), `< ${TARGETS.memoryMiB} MiB`, drift.run.maxRssMiB < TARGETS.memoryMiB);
}

/** The fleet's member accounts: 12-digit ids. */
const memberIds = (n) => Array.from({ length: n }, (_, i) => String(200000000000 + (i + 1) * 7919));

/** One fleet sweep of `ids` on the server, measured, with the calls it made. */
async function sweepFleet(work, srv, ids, region) {
  const out = join(work, `fleet-${ids.length}.json`);
  const cliArgs = ['probe', '--accounts', ids.join(','), '--endpoint-url', srv.url, '--region', region, '--regions', region];
  const before = srv.received.length;
  const run = await measureNode([CLI, ...cliArgs, '--format', 'json', '-o', out, '--quiet'], {
    env: childEnv(FIXTURE_AWS_ENV),
    cwd: work,
    timeoutMs: 900_000,
  });
  return { accounts: ids.length, run, calls: srv.received.length - before, report: readReport(out), cliArgs };
}

/**
 * A fleet sweep at the defaults: 50 accounts for the time, then 25 for the memory (a worker holds
 * one account's inventory at a time, so the peak should not grow with the accounts).
 */
async function benchFleet(work) {
  log('\n== fleet: ztait probe --accounts against an Organization on the local AWS test server ==');
  const LATENCY = 50;
  const ACCOUNTS = 50;
  const { startAwsServer, memberAccount } = await loadTestServer();
  const { account, resources } = generateAccount({ resources: 200 });
  const ids = memberIds(ACCOUNTS);
  const accounts = Object.fromEntries(ids.map((id) => [id, memberAccount(account, id)]));
  const srv = await startAwsServer({ account, accounts, latencyMs: LATENCY, lifetimeMs: 1_800_000, maxRequests: 5_000_000 });
  log(
    `  Organization: ${ACCOUNTS} member accounts of ${resources} resources each (the reference deployment grown), ${LATENCY} ms added to every call`,
  );
  const { DEFAULT_ACCOUNT_CONCURRENCY, DEFAULT_CONCURRENCY } = await import('../dist/sources/aws/defaults.js');
  const sweeps = [];
  try {
    for (const n of [ACCOUNTS, ACCOUNTS / 2]) {
      const sweep = await sweepFleet(work, srv, ids.slice(0, n), account.Region);
      if (childFailed(`ztait probe --accounts (${n} accounts)`, sweep.run)) return;
      sweeps.push(sweep);
    }
  } finally {
    await srv.close();
  }
  for (const { accounts: n, run, calls, report } of sweeps) {
    const listed = report.fleet?.accounts ?? [];
    log(
      `  ${n} accounts: ${secs(run.wallMs)} wall, ${secs(run.cpuMs)} CPU, peak ${mib(run.maxRssMiB)}, exit ${run.code}; ${calls} calls (${(calls / n).toFixed(0)} an account); ${report.inventory?.resources} resources; ${listed.filter((a) => a.status === 'pass').length} account(s) passing; ${summaryLine(report)}`,
    );
    if (listed.length !== n) log(`  WARNING: expected ${n} accounts in the report, found ${listed.length}`);
  }
  const [full, half] = sweeps;
  const perAccount = full.calls / ACCOUNTS;
  const rounds = Math.ceil(ACCOUNTS / DEFAULT_ACCOUNT_CONCURRENCY);
  log(
    `  lower bound at the defaults (--account-concurrency ${DEFAULT_ACCOUNT_CONCURRENCY}, --concurrency ${DEFAULT_CONCURRENCY}): ${rounds} rounds x ${perAccount.toFixed(0)} calls x ${LATENCY} ms / ${DEFAULT_CONCURRENCY} = ${secs((rounds * perAccount * LATENCY) / DEFAULT_CONCURRENCY)} (calls of an account that wait on each other make it longer)`,
  );
  const growth = full.run.maxRssMiB / half.run.maxRssMiB;
  record(
    `fleet: ${ACCOUNTS} accounts wall time`,
    secs(full.run.wallMs),
    `< ${TARGETS.fleetSeconds} s`,
    full.run.wallMs < TARGETS.fleetSeconds * 1000,
  );
  record(`fleet: ${ACCOUNTS} accounts calls made`, String(full.calls), '(figure)', undefined);
  record(
    `fleet: ${ACCOUNTS} accounts peak memory`,
    mib(full.run.maxRssMiB),
    `< ${TARGETS.fleetMemoryMiB} MiB`,
    full.run.maxRssMiB < TARGETS.fleetMemoryMiB,
  );
  record(`fleet: ${ACCOUNTS / 2} accounts peak memory`, mib(half.run.maxRssMiB), '(figure)', undefined);
  record(
    `fleet: peak memory ${ACCOUNTS} / ${ACCOUNTS / 2} accounts`,
    `${growth.toFixed(2)}x`,
    `<= ${TARGETS.fleetMemoryGrowth}x`,
    growth <= TARGETS.fleetMemoryGrowth,
  );
  if (full.run.wallMs >= TARGETS.fleetSeconds * 1000)
    await profile(
      'ztait probe --accounts',
      [...full.cliArgs, '--format', 'json', '-o', join(work, 'profiled.json')],
      childEnv(FIXTURE_AWS_ENV),
    );
}

async function main() {
  ensureBuilt();
  const cpu = cpus();
  log(
    `ztait benchmark: ${cpu.length} cores (${cpu[0]?.model ?? 'unknown CPU'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Node ${process.version}`,
  );
  log(
    `load average at start: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} (figures are wall times of one run; a loaded machine inflates them)`,
  );
  log(`peak memory read with ${usesGnuTime ? '/usr/bin/time -v' : 'process.resourceUsage().maxRSS (bench/lib/rss-child.mjs)'}`);
  const work = mkdtempSync(join(tmpdir(), 'ztait-bench-'));
  try {
    if (only.has('static')) await benchStatic(work);
    if (only.has('plan')) await benchPlan(work);
    if (only.has('live')) await benchLive(work);
    if (only.has('drift')) await benchDrift(work);
    if (only.has('fleet')) await benchFleet(work);
  } finally {
    if (flag('--keep')) log(`\ngenerated inputs kept in ${work}`);
    else rmSync(work, { recursive: true, force: true });
  }
  log(
    `\nload average at end: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  log('\n== results ==');
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i].length), ['figure', 'value', 'target'][i].length));
  const line = (r) => `${r[0].padEnd(widths[0])}  ${r[1].padStart(widths[1])}  ${r[2].padEnd(widths[2])}  ${r[3]}`.trimEnd();
  log(line(['figure', 'value', 'target', 'verdict']));
  for (const r of rows) log(line(r));
  log(misses.length === 0 ? '\nall targets met' : `\n${misses.length} target(s) missed: ${misses.join('; ')}`);
  if (flag('--strict') && misses.length > 0) process.exitCode = 1;
}

await main();
