#!/usr/bin/env node
/**
 * Generates the plan JSON fixtures in fixtures/plans/ from the small Terraform configurations in
 * fixtures/plans/configs/<name>/, with the real terraform binary, offline:
 *   node scripts/gen-plan-fixtures.mjs [name...]      (default: every config)
 *   node scripts/gen-plan-fixtures.mjs --reference    (fixtures/plans/reference*.plan.json, see below)
 *   node scripts/gen-plan-fixtures.mjs --independent  (fixtures/independent/plan.json, see below)
 *
 * Each config dir holds a `fixture.json`:
 *   { "seed": { "vars": {...} },                       optional: a prior state (see below)
 *     "variants": [ { "output": "x.plan.json", "vars": {...}, "replace": ["addr"] } ] }
 *
 * Terraform needs AWS to create a prior state (`terraform apply`), so a seed state is fabricated
 * instead: plan the config with the seed vars and no state, take every planned managed resource's
 * values, give the attributes known only after apply plausible fake values (ids, ARNs), and write
 * that as a version 4 `terraform.tfstate`. Variants then plan against it with -refresh=false, so
 * terraform itself computes the updates, deletions and replacements the fixture shows.
 *
 * Offline setup: the hashicorp/aws provider from the filesystem mirror (/opt/tf-plugins, override
 * with TF_PLUGIN_MIRROR), fake credentials, and configs whose provider block skips every AWS call.
 */
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CONFIGS = join(ROOT, 'fixtures/plans/configs');
/** Where the plan JSON goes (ZTAIT_PLAN_FIXTURES_OUT: elsewhere, to compare with the committed files). */
const OUT = process.env.ZTAIT_PLAN_FIXTURES_OUT ? resolve(process.env.ZTAIT_PLAN_FIXTURES_OUT) : join(ROOT, 'fixtures/plans');
const MIRROR = process.env.TF_PLUGIN_MIRROR ?? '/opt/tf-plugins';
/** Fixtures are reproducible: terraform's wall-clock timestamp is replaced by this one. */
const FIXED_TIMESTAMP = '2025-01-01T00:00:00Z';
const ACCOUNT = '123456789012';
const REGION = 'eu-west-1';

function terraformEnv(work) {
  const rc = join(work, 'cli.tfrc');
  writeFileSync(
    rc,
    `provider_installation {\n  filesystem_mirror {\n    path    = ${JSON.stringify(MIRROR)}\n    include = ["registry.terraform.io/*/*"]\n  }\n}\n`,
  );
  return {
    ...process.env,
    TF_CLI_CONFIG_FILE: rc,
    TF_IN_AUTOMATION: '1',
    TF_INPUT: '0',
    CHECKPOINT_DISABLE: '1',
    AWS_ACCESS_KEY_ID: 'AKIAFAKEFAKEFAKEFAKE',
    AWS_SECRET_ACCESS_KEY: 'fake-secret-access-key-for-offline-plans',
    AWS_REGION: REGION,
    AWS_DEFAULT_REGION: REGION,
    AWS_EC2_METADATA_DISABLED: 'true',
  };
}

function tf(args, cwd, env) {
  try {
    return execFileSync('terraform', args, { cwd, env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    process.stderr.write(`terraform ${args.join(' ')} failed in ${cwd}:\n${e.stdout ?? ''}${e.stderr ?? ''}\n`);
    process.exit(1);
  }
}

const varArgs = (vars = {}) => Object.entries(vars).flatMap(([k, v]) => ['-var', `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`]);

/** `terraform plan` + `terraform show -json` of a configuration copy. */
function planJson(cwd, env, { vars, replace = [], refresh = false }) {
  tf(
    [
      'plan',
      '-input=false',
      '-lock=false',
      `-refresh=${refresh}`,
      '-no-color',
      '-out=tfplan',
      ...varArgs(vars),
      ...replace.map((a) => `-replace=${a}`),
    ],
    cwd,
    env,
  );
  return JSON.parse(tf(['show', '-json', 'tfplan'], cwd, env));
}

const byKey = (key) => (a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);

/**
 * Reproducible fixtures: terraform's wall-clock timestamp is fixed, and the lists it writes in
 * no particular order (child modules, relevant attributes) are sorted.
 */
function normalise(plan) {
  if (plan.timestamp) plan.timestamp = FIXED_TIMESTAMP;
  const sortModules = (m) => {
    if (!m) return;
    if (Array.isArray(m.child_modules)) {
      m.child_modules.sort(byKey((c) => c.address));
      m.child_modules.forEach(sortModules);
    }
  };
  sortModules(plan.planned_values?.root_module);
  sortModules(plan.prior_state?.values?.root_module);
  if (Array.isArray(plan.relevant_attributes)) plan.relevant_attributes.sort(byKey((r) => JSON.stringify([r.resource, r.attribute])));
  return plan;
}

// ---------------------------------------------------------------------------------------------
// Seed state fabrication

/** A plausible ARN for a resource whose ARN is known only after apply. */
function fakeArn(type, values, id) {
  const name = values.name ?? values.function_name ?? values.bucket ?? id;
  const arn = {
    aws_dynamodb_table: `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${name}`,
    aws_iam_role: `arn:aws:iam::${ACCOUNT}:role/${name}`,
    aws_iam_policy: `arn:aws:iam::${ACCOUNT}:policy/${name}`,
    aws_lambda_function: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`,
    aws_s3_bucket: `arn:aws:s3:::${name}`,
    aws_cloudtrail: `arn:aws:cloudtrail:${REGION}:${ACCOUNT}:trail/${name}`,
    aws_secretsmanager_secret: `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${name}-AbCdEf`,
    aws_security_group: `arn:aws:ec2:${REGION}:${ACCOUNT}:security-group/${id}`,
    aws_vpc: `arn:aws:ec2:${REGION}:${ACCOUNT}:vpc/${id}`,
    aws_subnet: `arn:aws:ec2:${REGION}:${ACCOUNT}:subnet/${id}`,
  }[type];
  return arn ?? `arn:aws:${type.replace(/^aws_/, '').split('_')[0]}:${REGION}:${ACCOUNT}:${type}/${id}`;
}

/** The AWS id of a resource: its name where AWS uses the name as id, else a stable fake id. */
function fakeId(type, values, n) {
  const hex = n.toString(16).padStart(8, '0');
  const byPrefix = {
    aws_vpc: 'vpc',
    aws_subnet: 'subnet',
    aws_security_group: 'sg',
    aws_route_table: 'rtb',
    aws_internet_gateway: 'igw',
    aws_nat_gateway: 'nat',
    aws_vpc_endpoint: 'vpce',
    aws_eip: 'eipalloc',
  };
  if (byPrefix[type]) return `${byPrefix[type]}-0abc${hex}`;
  return values.name ?? values.function_name ?? values.bucket ?? `${type}-${hex}`;
}

/** Replaces every unknown leaf (after_unknown true) by `synth(path)`. */
function fillUnknown(values, unknown, synth, path = []) {
  if (unknown === true) return synth(path);
  if (Array.isArray(unknown)) {
    const out = Array.isArray(values) ? [...values] : [];
    unknown.forEach((u, i) => {
      if (u !== false) out[i] = fillUnknown(out[i], u, synth, [...path, i]);
    });
    return out;
  }
  if (unknown && typeof unknown === 'object') {
    const out = values && typeof values === 'object' ? { ...values } : {};
    for (const [k, u] of Object.entries(unknown)) if (u !== false) out[k] = fillUnknown(out[k], u, synth, [...path, k]);
    return out;
  }
  return values;
}

const getIn = (v, path) => path.reduce((cur, k) => (cur === null || cur === undefined ? undefined : cur[k]), v);

/** A state object for every planned managed resource; `instances` maps address -> state instance. */
function fabricateState(plan) {
  const changes = new Map((plan.resource_changes ?? []).map((rc) => [rc.address, rc]));
  const groups = new Map();
  const instances = new Map();
  let n = 0;
  const visit = (mod) => {
    for (const r of mod.resources ?? []) {
      if (r.mode !== 'managed') continue;
      n += 1;
      const id = fakeId(r.type, r.values, n);
      const arn = fakeArn(r.type, r.values, id);
      // Top-level id and arn get fake values, computed tags an empty map, everything else null.
      const synth = (path) => (path.length !== 1 ? null : ({ id, arn, tags_all: {} }[path[0]] ?? null));
      const attributes = fillUnknown(r.values, changes.get(r.address)?.change?.after_unknown ?? {}, synth);
      const key = `${mod.address ?? ''}|${r.type}|${r.name}`;
      if (!groups.has(key)) {
        groups.set(key, {
          ...(mod.address ? { module: mod.address } : {}),
          mode: 'managed',
          type: r.type,
          name: r.name,
          provider: `provider["${r.provider_name}"]`,
          instances: [],
        });
      }
      const instance = {
        ...(r.index !== undefined ? { index_key: r.index } : {}),
        schema_version: r.schema_version ?? 0,
        attributes,
        sensitive_attributes: [],
      };
      groups.get(key).instances.push(instance);
      instances.set(r.address, instance);
    }
    for (const c of mod.child_modules ?? []) visit(c);
  };
  visit(plan.planned_values.root_module);
  const state = {
    version: 4,
    terraform_version: plan.terraform_version,
    serial: 1,
    lineage: '00000000-0000-4000-8000-00000000f1c7',
    outputs: {},
    resources: [...groups.values()],
    check_results: null,
  };
  return { state, instances };
}

function resourceSchemas(cfg, env) {
  const all = JSON.parse(tf(['providers', 'schema', '-json'], cfg, env));
  return Object.assign({}, ...Object.values(all.provider_schemas ?? {}).map((p) => p.resource_schemas ?? {}));
}

function emptyOf(type) {
  const kind = Array.isArray(type) ? type[0] : type;
  return { list: [], set: [], map: {}, object: {}, bool: false, number: 0, string: '' }[kind] ?? null;
}

/**
 * The first fabricated state leaves attributes that referenced other resources' computed values
 * null, so planning against it shows updates. Feed each planned `after` back (unknown leaves keep
 * the fabricated value) until terraform plans no change: the state is then self-consistent.
 */
function seedState(cfg, env, vars) {
  const { state, instances } = fabricateState(planJson(cfg, env, { vars }));
  const schemas = resourceSchemas(cfg, env);
  for (let round = 0; round < 6; round += 1) {
    writeFileSync(join(cfg, 'terraform.tfstate'), JSON.stringify(state, null, 2));
    const plan = planJson(cfg, env, { vars });
    const pending = (plan.resource_changes ?? []).filter((rc) => !rc.change.actions.every((a) => a === 'no-op' || a === 'read'));
    if (pending.length === 0) return;
    for (const rc of pending) {
      const inst = instances.get(rc.address);
      if (!inst || !rc.change.after) continue;
      const prior = inst.attributes;
      const attrs = schemas[rc.type]?.block?.attributes ?? {};
      // A computed attribute still unknown gets an empty value of its schema type (a null one
      // would be planned as unknown again, forever).
      const empty = (path) => (path.length === 1 ? emptyOf(attrs[path[0]]?.type) : null);
      inst.attributes = fillUnknown(rc.change.after, rc.change.after_unknown ?? {}, (path) => getIn(prior, path) ?? empty(path));
    }
    state.serial += 1;
  }
  throw new Error(`${cfg}: the seed state does not converge to a no-op plan`);
}

// ---------------------------------------------------------------------------------------------

function actionsSummary(plan) {
  const count = {};
  for (const rc of plan.resource_changes ?? []) {
    const a = rc.change.actions.join('+');
    count[a] = (count[a] ?? 0) + 1;
  }
  return (
    Object.entries(count)
      .map(([a, c]) => `${c} ${a}`)
      .join(', ') || 'no resource changes'
  );
}

function writePlan(file, plan) {
  writeFileSync(file, `${JSON.stringify(normalise(plan), null, 2)}\n`);
  console.log(`wrote ${file.startsWith(ROOT) ? file.slice(ROOT.length + 1) : file}: ${actionsSummary(plan)}`);
}

function generate(name) {
  const dir = join(CONFIGS, name);
  const spec = JSON.parse(readFileSync(join(dir, 'fixture.json'), 'utf8'));
  const work = mkdtempSync(join(tmpdir(), `ztait-plan-${name}-`));
  try {
    const cfg = join(work, 'cfg');
    cpSync(dir, cfg, { recursive: true, filter: (src) => !/\.terraform|fixture\.json$|\.tfstate/.test(src) });
    const env = terraformEnv(work);
    tf(['init', '-input=false', '-no-color'], cfg, env);
    if (spec.seed) {
      seedState(cfg, env, spec.seed.vars);
    }
    for (const variant of spec.variants) writePlan(join(OUT, variant.output), planJson(cfg, env, variant));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * The reference architecture (terraform/examples/complete), planned with the reusable
 * scripts/terraform/plan-json.mjs as a CI job would: as it is, and with PITR disabled through a
 * pipeline variable. The example has no such variable, so the second plan is of a copy of
 * terraform/ with the overlay of fixtures/plans/configs/reference-pitr-overlay (a `pitr_enabled`
 * variable wired to the state tables through Terraform override files).
 */
function generateReference() {
  const script = join(ROOT, 'scripts/terraform/plan-json.mjs');
  const tree = join(ROOT, 'terraform');
  if (!existsSync(script) || !existsSync(join(tree, 'examples/complete'))) {
    console.error('reference: scripts/terraform/plan-json.mjs or terraform/examples/complete is missing');
    process.exit(1);
  }
  const plan = (example, output, args) => {
    const out = join(OUT, output);
    execFileSync(process.execPath, [script, example, out, ...args], { stdio: 'inherit' });
    writePlan(out, JSON.parse(readFileSync(out, 'utf8')));
  };
  plan(join(tree, 'examples/complete'), 'reference.plan.json', []);
  const work = mkdtempSync(join(tmpdir(), 'ztait-ref-pitr-'));
  try {
    cpSync(tree, work, { recursive: true, filter: (src) => !/\.terraform/.test(src) });
    cpSync(join(CONFIGS, 'reference-pitr-overlay'), work, { recursive: true });
    plan(join(work, 'examples/complete'), 'reference-pitr-disabled.plan.json', ['-var', 'pitr_enabled=false']);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * A stand-in for STS on a loopback port, in a child process (terraform runs synchronously here): it
 * answers GetCallerIdentity for ACCOUNT, the answer AWS gives for an account of that id, and refuses
 * every other call, so a plan that needed more of AWS fails instead of being faked. Resolves to its
 * URL and a stop function.
 */
function stubSts() {
  const body =
    '<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>' +
    `<Arn>arn:aws:iam::${ACCOUNT}:user/ztait-plan</Arn><UserId>AIDAZTAITPLANFIXTURE</UserId><Account>${ACCOUNT}</Account>` +
    '</GetCallerIdentityResult><ResponseMetadata><RequestId>00000000-0000-4000-8000-000000000000</RequestId></ResponseMetadata></GetCallerIdentityResponse>';
  const code = `
    const { createServer } = require('node:http');
    const server = createServer((req, res) => {
      let data = '';
      req.on('data', (c) => (data += c));
      req.on('end', () => {
        const ok = /(^|&)Action=GetCallerIdentity(&|$)/.test(data);
        if (!ok) process.stderr.write('stub STS refused: ' + req.method + ' ' + req.url + ' ' + data.slice(0, 200) + '\\n');
        res.writeHead(ok ? 200 : 400, { 'content-type': 'text/xml' });
        res.end(ok ? ${JSON.stringify(body)} : '<ErrorResponse><Error><Code>InvalidAction</Code></Error></ErrorResponse>');
      });
    });
    server.listen(0, '127.0.0.1', () => process.stdout.write(String(server.address().port) + '\\n'));
  `;
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolvePort, reject) => {
    child.on('error', reject);
    child.once('exit', (code) => reject(new Error(`the stub STS exited (${code}) before listening`)));
    child.stdout.once('data', (d) => resolvePort({ url: `http://127.0.0.1:${String(d).trim()}`, stop: () => child.kill() }));
  });
}

/**
 * The independently written configuration (fixtures/independent, issue 17), planned as it is with
 * scripts/terraform/plan-json.mjs. Its names and ARNs come from data.aws_caller_identity,
 * data.aws_region and data.aws_partition. The last two are read from the provider's own
 * configuration; the first calls STS, which here is stubSts() (AWS_ENDPOINT_URL_STS): terraform reads
 * the data source as in a real plan, with ACCOUNT as the answer, and the configuration carries no
 * skip flag or override. The plan is written next to the configuration (fixtures/independent/plan.json).
 */
async function generateIndependent() {
  const script = join(ROOT, 'scripts/terraform/plan-json.mjs');
  const config = join(ROOT, 'fixtures/independent');
  const out = process.env.ZTAIT_PLAN_FIXTURES_OUT ? join(OUT, 'independent.plan.json') : join(config, 'plan.json');
  const sts = await stubSts();
  try {
    execFileSync(process.execPath, [script, config, out], {
      stdio: 'inherit',
      env: { ...process.env, AWS_ENDPOINT_URL_STS: sts.url, AWS_REGION: REGION, AWS_DEFAULT_REGION: REGION },
    });
  } finally {
    sts.stop();
  }
  writePlan(out, JSON.parse(readFileSync(out, 'utf8')));
}

function main() {
  try {
    execFileSync('terraform', ['version'], { stdio: 'ignore' });
  } catch {
    console.error('terraform is not on PATH: the fixtures cannot be regenerated here');
    process.exit(1);
  }
  const args = process.argv.slice(2);
  if (args.includes('--reference')) return generateReference();
  if (args.includes('--independent')) return generateIndependent();
  const names = args.length ? args : readdirSync(CONFIGS).filter((d) => existsSync(join(CONFIGS, d, 'fixture.json')));
  for (const name of names) generate(name);
}

main();
