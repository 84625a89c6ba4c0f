/**
 * ztait drift in process: the reference example (HCL, and its real plan) against the recorded
 * reference account gives no drift; each edited copy of the recording gives exactly its drift, with
 * the invariants it changes; the html page of such drifts (in a browser: test/report/html.browser.test.ts).
 * The CLI end to end, live: test/probe/drift.e2e.test.ts.
 */
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HtmlValidate } from 'html-validate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeDrift, type DriftResult } from '../../src/drift/index.js';
import { renderDrift } from '../../src/drift/render/index.js';
import { sections } from '../../src/drift/render/common.js';
import { loadSource } from '../../src/scan.js';
import { probeSnapshot } from '../../src/sources/aws/probe.js';
import { readSnapshot, type Snapshot } from '../../src/sources/aws/snapshot.js';
import { emptyInventory, type Inventory, type Resource } from '../../src/model/inventory.js';
import { Unknown } from '../../src/model/value.js';
import { loadState, PlanInputError } from '../../src/sources/plan/index.js';
import { FORMATS } from '../../src/report/index.js';
import { account, ACCOUNTS, cleanup, tempDir, useFakeAwsEnv } from '../probe/harness.js';
import { startAwsServer } from '../probe/server/server.js';
import { runZtaitInProcess } from '../cli/helpers.js';
import { markdownlint, multitoolValidate, schemaErrors } from '../report/tools.js';
import { HAND_MADE_ROLE, ROLE, ROUTE_KEY, SECRET, TABLE, VARIANTS, variant, type Variant } from './variants.js';

useFakeAwsEnv();
afterAll(cleanup);

const SNAPSHOT = join(ACCOUNTS, 'reference.snapshot.json');
const EXAMPLE = 'terraform/examples/complete';
let base: Snapshot;
let hcl: Inventory;

beforeAll(async () => {
  base = readSnapshot(SNAPSHOT).snapshot;
  hcl = await loadSource({ kind: 'hcl', paths: [EXAMPLE] });
}, 60_000);

async function drift(code: Inventory, snap: Snapshot, extra: { failOnAnyDrift?: boolean } = {}): Promise<DriftResult> {
  const run = await probeSnapshot(snap);
  return computeDrift(code, run.inventory, { codeKind: 'hcl', commandLine: 'test', ...extra }, snap.prefix);
}

/** The comparable part of a snapshot: the call log's timings and completion order are the run's. */
const comparable = (s: Snapshot) => ({
  ...s,
  call_log: s.call_log.map(({ ms: _ms, ...c }) => JSON.stringify(c)).sort(),
});

describe('the reference snapshot', () => {
  it('is `ztait probe --save-snapshot` of the reference account on the test server (UPDATE_FIXTURES=1 re-records it)', async () => {
    const dir = tempDir();
    const srv = await startAwsServer({ account: account('reference') });
    try {
      const file = join(dir, 'snapshot.json');
      const run = await runZtaitInProcess([
        'probe',
        '--endpoint-url',
        srv.url,
        '--region',
        'us-east-1',
        '--save-snapshot',
        file,
        '--quiet',
        '--no-config',
        '-f',
        'json',
        '-o',
        join(dir, 'report.json'),
      ]);
      expect(run.code, run.stderr).toBe(0);
      if (process.env.UPDATE_FIXTURES === '1') copyFileSync(file, SNAPSHOT);
      expect(comparable(readSnapshot(file).snapshot)).toEqual(comparable(readSnapshot(SNAPSHOT).snapshot));
    } finally {
      await srv.close();
    }
  });
});

describe('no drift: terraform/examples/complete against its deployment', () => {
  it('as HCL', async () => {
    const r = await drift(hcl, base);
    expect(r.items).toEqual([]);
    expect(r.outcome.exit).toBe(0);
    expect(r.summary.matched).toBeGreaterThan(60);
    expect(r.summary.attributes_compared).toBeGreaterThan(250);
    expect(r.verdicts.every((v) => v.code === v.account)).toBe(true);
    // what the probe never reads is said, not reported missing
    const reasons = r.not_compared.map((n) => n.reason).join('\n');
    expect(reasons).toMatch(/types the probe does not read/);
    expect(reasons).toMatch(/security groups of the functions/);
  });

  it('as its real plan (planned values; what it leaves unknown is not compared)', async () => {
    const plan = await loadSource({ kind: 'plan', file: 'fixtures/plans/reference.plan.json' });
    const r = await drift(plan, base);
    expect(r.items).toEqual([]);
    expect(r.summary.matched).toBeGreaterThan(60);
    expect(r.not_compared.some((n) => /known only after apply/.test(n.reason))).toBe(true);
  });
});

/** What each edited copy of the snapshot must give: exactly one item. */
const EXPECTED: Record<Variant, { kind: string; type: string; name: string; attribute?: string; invariants: string[] }> = {
  'pitr-off': { kind: 'changed', type: 'aws_dynamodb_table', name: TABLE, attribute: 'point_in_time_recovery', invariants: ['SI-6'] },
  'boundary-detached': {
    kind: 'changed',
    type: 'aws_iam_role',
    name: ROLE,
    attribute: 'permissions_boundary',
    invariants: ['SI-3', 'SI-4'],
  },
  'hand-made-role': { kind: 'unmanaged', type: 'aws_iam_role', name: HAND_MADE_ROLE, invariants: ['SI-3', 'SI-4'] },
  'route-none': { kind: 'changed', type: 'aws_apigatewayv2_route', name: ROUTE_KEY, attribute: 'authorization', invariants: ['SI-11'] },
  'rotation-90': {
    kind: 'changed',
    type: 'aws_secretsmanager_secret',
    name: SECRET,
    attribute: 'rotation.automatically_after_days',
    invariants: ['SI-12'],
  },
};

describe('edited copies of the snapshot give exactly their drift', () => {
  it.each(VARIANTS)('%s', async (v) => {
    const r = await drift(hcl, variant(base, v));
    const want = EXPECTED[v];
    expect(r.items.map((i) => ({ kind: i.kind, type: i.type, name: i.name, ...(i.attribute ? { attribute: i.attribute } : {}) }))).toEqual([
      { kind: want.kind, type: want.type, name: want.name, ...(want.attribute ? { attribute: want.attribute } : {}) },
    ]);
    const [item] = r.items;
    // pass in the code, fail in the account: the alarming case, first
    expect(item!.alarming).toBe(true);
    expect(item!.invariants).toEqual(
      want.invariants.map((id) => ({ invariant: id, effect: 'fails_in_account', code: 'pass', account: 'fail' })),
    );
    expect(r.verdicts.filter((x) => x.code !== x.account).map((x) => x.id)).toEqual(want.invariants);
    expect(r.outcome.exit).toBe(1);
    if (item!.kind === 'changed') {
      expect(item!.file).toMatch(/^terraform\/modules\//);
      expect(item!.line).toBeGreaterThan(0);
    }
    expect(item!.arn).toMatch(/^arn:aws:/);
  });

  it('a changed value no invariant reads is drift that exits 0, and 1 with --fail-on-any-drift', async () => {
    const snap = structuredClone(base);
    const list = snap.calls.find((c) => c.service === 'lambda' && c.action === 'ListFunctions')!.output as {
      Functions: { FunctionName: string; Environment: { Variables: Record<string, string> } }[];
    };
    list.Functions.find((f) => f.FunctionName === 'ztait-config-manager')!.Environment.Variables.EVENT_BUS = 'hand-edited-bus';
    const r = await drift(hcl, snap);
    expect(r.items.map((i) => [i.kind, i.name, i.attribute, i.expected, i.actual, i.invariants])).toEqual([
      ['changed', 'ztait-config-manager', 'environment.EVENT_BUS', '"ztait-bus"', '"hand-edited-bus"', []],
    ]);
    expect(r.outcome.exit).toBe(0);
    expect((await drift(hcl, snap, { failOnAnyDrift: true })).outcome.exit).toBe(1);
  });

  it('code that could not be read in full is exit 2 in every report, never "no drift"', async () => {
    const r = await drift(withInputError(hcl), base);
    expect(r.items).toEqual([]);
    expect(r.outcome).toEqual({ exit: 2, reason: expect.stringMatching(/^the code could not be read in full \(1 input error/) });
    expect(renderDrift(r, 'text', { color: false })).toMatch(/^INCOMPLETE: the code could not be read in full/m);
    expect(renderDrift(r, 'markdown', { color: false })).toMatch(/^Incomplete: the code could not be read in full/m);
    expect(renderDrift(r, 'junit', { color: false })).toMatch(/<testsuites name="ztait drift" tests="\d+" failures="0" errors="1">/);
    expect(JSON.parse(renderDrift(r, 'json', { color: false })).outcome.exit).toBe(2);
  });
});

/** The code with one file that did not parse (its resources are missing from the inventory). */
const withInputError = (inv: Inventory): Inventory => ({
  ...inv,
  diagnostics: [...inv.diagnostics, { severity: 'error', message: 'syntax error', file: 'broken.tf', line: 1 }],
});

describe('what the account does not give', () => {
  it('a read that failed is drift not decided: reported, the invariants it concerns undecided, exit 1', async () => {
    const snap = structuredClone(base);
    const call = snap.calls.find(
      (c) => c.action === 'DescribeContinuousBackups' && (c.input as { TableName?: string }).TableName === TABLE,
    )!;
    delete call.output;
    call.failure = {
      kind: 'access-denied',
      code: 'AccessDeniedException',
      reason: 'dynamodb:DescribeContinuousBackups failed: AccessDeniedException (missing permission dynamodb:DescribeContinuousBackups)',
    };
    const r = await drift(hcl, snap);
    expect(r.items.map((i) => [i.kind, i.name, i.invariants.map((x) => `${x.invariant}:${x.effect}`)])).toEqual([
      ['unreadable', 'aws_dynamodb_table.point_in_time_recovery', ['SI-6:undecided']],
    ]);
    expect(r.not_compared.find((n) => /did not give/.test(n.reason))?.examples).toEqual([
      'module.foundation.aws_dynamodb_table.this["audit"]: point_in_time_recovery',
    ]);
    expect(r.outcome.exit).toBe(1);
  });
});

describe('every format', () => {
  it('all five drifts at once: valid SARIF (schema and multitool) and clean markdown', async () => {
    const all = VARIANTS.reduce((snap, v) => variant(snap, v), base);
    const r = await drift(hcl, all);
    expect(r.summary).toMatchObject({ changed: 4, unmanaged: 1, alarming: 5 });
    const sarif = renderDrift(r, 'sarif', { color: false });
    expect(schemaErrors(JSON.parse(sarif))).toEqual([]);
    const tool = multitoolValidate(sarif);
    expect(tool.issues, tool.output).toEqual([]);
    const md = markdownlint(renderDrift(r, 'markdown', { color: false }), 'drift.md');
    expect(md.status, md.output).toBe(0);
  });

  it('renders the alarming case first, deterministically, in text, json, markdown, sarif and junit', async () => {
    const r = await drift(hcl, variant(base, 'pitr-off'));
    for (const f of ['text', 'json', 'markdown', 'sarif', 'junit'] as const) {
      expect(FORMATS).toContain(f);
      const out = renderDrift(r, f, { color: false });
      expect(out, f).toBe(renderDrift(structuredClone(r), f, { color: false }));
      expect(out, f).toContain('ztait-audit');
      expect(out, f).toContain('SI-6');
    }
    const text = renderDrift(r, 'text', { color: false });
    expect(text.indexOf('ALARMING')).toBeLessThan(text.indexOf('Verdicts'));
    expect(text).toMatch(/code\s+true\s+terraform\/modules\/foundation\/dynamodb\.tf:\d+/);
    expect(text).toMatch(/account\s+false\s+arn:aws:dynamodb:us-east-1:111122223333:table\/ztait-audit/);
    expect(JSON.parse(renderDrift(r, 'json', { color: false }))).toEqual(JSON.parse(JSON.stringify(r)));
    const sarif = JSON.parse(renderDrift(r, 'sarif', { color: false })) as { runs: { results: { ruleId: string; level: string }[] }[] };
    expect(sarif.runs[0]!.results).toEqual([expect.objectContaining({ ruleId: 'ZTAIT-DRIFT-CHANGED', level: 'error' })]);
    expect(renderDrift(r, 'junit', { color: false })).toMatch(
      /<testcase classname="ztait.drift" name="SI-6 code pass, account fail">\s*<failure/,
    );
    expect(renderDrift(r, 'markdown', { color: false })).toMatch(/^\| SI-6 \| .* \| pass \| fail \| 1 \|$/m);
  });
});

describe('the html page (--format html|pdf)', () => {
  const html = (r: DriftResult): string => renderDrift(r, 'html', { color: false });
  const HOSTILE = '<script>alert(1)</script>';
  let none: DriftResult;
  let pitr: DriftResult;
  let all: DriftResult;
  beforeAll(async () => {
    [none, pitr, all] = [
      await drift(hcl, base),
      await drift(hcl, variant(base, 'pitr-off')),
      await drift(hcl, VARIANTS.reduce(variant, base)),
    ];
  });

  /** The hand-made role named `<script>alert(1)</script>`, and the same in the other strings the page shows. */
  function hostile(): DriftResult {
    const r = structuredClone(all);
    const role = r.items.find((i) => i.kind === 'unmanaged')!;
    expect(role.name).toBe(HAND_MADE_ROLE);
    role.name = HOSTILE;
    role.arn = `arn:aws:iam::111122223333:role/"><img src=x onerror=alert(2)>`;
    r.command_line = `ztait drift </title>${HOSTILE}`;
    r.limitations.push(`account: ${HOSTILE}`);
    r.not_compared.push({ reason: HOSTILE, count: 1, examples: [HOSTILE] });
    return r;
  }

  it('shows an unmanaged role named <script>alert(1)</script> as text: no script element, no attribute it did not write', () => {
    const page = html(hostile());
    expect(page).not.toMatch(/<script/i);
    expect(page).not.toMatch(/<img/i);
    expect(page).not.toMatch(/<[a-z][^>]*\son[a-z]+=/i);
    expect(page).toContain('aws_iam_role &lt;script&gt;alert(1)&lt;/script&gt; (unmanaged)');
    expect(page).toContain('role/&quot;&gt;&lt;img src=x onerror=alert(2)&gt;');
    expect(page.split('</head>')[0]!.match(/<title>/g)).toHaveLength(1);
    // the check report's policy: it loads nothing and runs nothing; its only links are to its own items
    expect(page).toContain(`content="default-src &#39;none&#39;; style-src &#39;sha256-`);
    for (const [, href] of page.matchAll(/\shref="([^"]*)"/g)) expect(href).toMatch(/^#item-\d+$/);
  });

  it('is the same bytes for the same result, and its only time is the result`s', () => {
    for (const r of [none, all]) {
      const page = html(r);
      expect(page).toBe(html(structuredClone(r)));
      expect(new Set(page.match(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[.\dZ]*/g))).toEqual(new Set([r.generated_at]));
    }
  });

  it('passes html-validate with the check report`s rules (recommended and document), none turned off', async () => {
    const validator = new HtmlValidate({ extends: ['html-validate:recommended', 'html-validate:document'] });
    for (const [name, page] of [
      ['no drift', html(none)],
      ['all five drifts', html(all)],
      ['escaping', html(hostile())],
    ] as const) {
      const report = await validator.validateString(page, `${name}.html`);
      expect(
        report.results.flatMap((x) => x.messages.map((m) => `${m.line}:${m.column} ${m.ruleId} ${m.message}`)),
        name,
      ).toEqual([]);
    }
  });

  it('says the outcome in the header and its tone: no drift 0, drift 1, the code not read in full 2', async () => {
    expect(html(none)).toMatch(/<header class="top s-pass">\n<h1>ztait drift report<\/h1>\n<p class="verdict">NO DRIFT \(exit 0\)/);
    expect(html(none)).toContain('No drift in anything compared.');
    expect(html(pitr)).toMatch(/<header class="top s-fail">[\s\S]*<p class="verdict">DRIFT \(exit 1\)/);
    expect(html(await drift(withInputError(hcl), base))).toMatch(
      /<header class="top s-error">[\s\S]*<p class="verdict">INCOMPLETE \(exit 2\)/,
    );
  });

  it('has the verdicts side by side in the grid`s colours, and each item with its values, places and invariants', () => {
    const page = html(pitr);
    const cells = (id: string) =>
      new RegExp(`<tr><td>${id}</td><td>[^<]*</td><td class="v s-([a-z_]+)">[a-z ]+</td><td class="v s-([a-z_]+)">`).exec(page)?.slice(1);
    expect(cells('SI-6')).toEqual(['pass', 'fail']);
    expect(cells('SI-1')).toEqual(['pass', 'pass']);
    const item = /<article class="item s-fail" id="item-1">([\s\S]*?)<\/article>/.exec(page)![1]!;
    expect(item).toContain('<span class="badge s-fail">ALARMING</span> aws_dynamodb_table ztait-audit: point_in_time_recovery');
    expect(item).toMatch(/<code>true<\/code> at <code>terraform\/modules\/foundation\/dynamodb\.tf:\d+<\/code>/);
    expect(item).toContain('<code>false</code> at <code>arn:aws:dynamodb:us-east-1:111122223333:table/ztait-audit</code>');
    expect(item).toMatch(/<strong>SI-6<\/strong> fails in the account, passes in the code/);
    expect(page).toMatch(/<td>SI-6<\/td>[\s\S]*?<a href="#item-1">#1<\/a>/);
  });

  it('lists the sections in the order of every drift format (alarming first), then what was not compared and the limitations', () => {
    const r = structuredClone(all);
    // and drift that bears on no invariant: its own section, after the alarming one
    r.items.push({ ...r.items[0]!, alarming: false, invariants: [], kind: 'missing', fingerprint: 'missing-1' });
    const ids = [...html(r).matchAll(/<section id="([a-z-]+)">/g)].map((m) => m[1]);
    expect(sections(r).map((x) => x.id)).toEqual(['alarming', 'missing']);
    expect(ids).toEqual(['scope', 'verdicts', 'drift-alarming', 'drift-missing', 'not-compared', 'limitations']);
  });

  it('the CLI writes it to -o FILE; pdf without -o or without Chromium is one line, exit 2, before the account is read', async () => {
    const dir = tempDir();
    const args = ['drift', EXAMPLE, '--snapshot', SNAPSHOT, '--no-config', '--quiet'];
    const ok = await runZtaitInProcess([...args, '-f', 'html', '-o', join(dir, 'drift.html')]);
    expect([ok.code, ok.stderr]).toEqual([0, '']);
    expect(readFileSync(join(dir, 'drift.html'), 'utf8')).toMatch(
      /^<!DOCTYPE html>\n[\s\S]*NO DRIFT \(exit 0\)[\s\S]*1 snapshot file\(s\) with their SHA-256/,
    );
    const bare = await runZtaitInProcess([...args, '-f', 'pdf']);
    expect([bare.code, bare.stdout, bare.stderr]).toEqual([
      2,
      '',
      'ztait: --format pdf needs -o FILE: a PDF is binary and is never written to standard output\n',
    ]);
    // (useFakeAwsEnv gives the environment back after each test)
    process.env.ZTAIT_CHROMIUM = join(dir, 'no-chromium');
    const none = await runZtaitInProcess([...args, '-f', 'html,pdf', '-o', join(dir, 'a.html'), '-o', join(dir, 'a.pdf')]);
    expect([none.code, none.stdout, none.stderr]).toEqual([
      2,
      '',
      `ztait: --format pdf: ZTAIT_CHROMIUM=${join(dir, 'no-chromium')} is not an executable file\n`,
    ]);
    expect(existsSync(join(dir, 'a.html'))).toBe(false);
    expect((await runZtaitInProcess(['drift', '--help'])).stdout).toContain('Formats (-f): text, json, sarif, markdown, junit, html, pdf.');
  });
});

// ---------------------------------------------------------------- matching, by hand

const res = (address: string, type: string, values: Resource['values'], arn?: string): Resource => {
  const [, name] = address.split('.');
  return { address, mode: 'managed', type, name: name!, module: '', values, ...(arn ? { arn } : {}) };
};
const inv = (kind: Inventory['kind'], ...resources: Resource[]): Inventory => ({ ...emptyInventory(kind), resources });
const liveRole = (name: string): Resource =>
  res(
    `aws_iam_role.${name}`,
    'aws_iam_role',
    { id: name, name, arn: `arn:aws:iam::111122223333:role/${name}` },
    `arn:aws:iam::111122223333:role/${name}`,
  );

describe('matching', () => {
  const code = inv('hcl', res('aws_iam_role.worker', 'aws_iam_role', { name_prefix: 'ztait-worker-' }));

  it('matches a partly unknown name by what is known', () => {
    const r = computeDrift(code, inv('live', liveRole('ztait-worker-a1b2')), { codeKind: 'hcl' });
    expect(r.summary.matched).toBe(1);
    expect(r.items).toEqual([]);
  });

  it('reports an ambiguous match instead of guessing, and exits 1', () => {
    const r = computeDrift(code, inv('live', liveRole('ztait-worker-a'), liveRole('ztait-worker-b')), { codeKind: 'hcl' });
    expect(r.summary.matched).toBe(0);
    expect(r.items.map((i) => [i.kind, i.name, i.candidates])).toEqual([
      [
        'ambiguous',
        'aws_iam_role.worker',
        ['arn:aws:iam::111122223333:role/ztait-worker-a', 'arn:aws:iam::111122223333:role/ztait-worker-b'],
      ],
    ]);
    expect(r.outcome.exit).toBe(1);
  });

  it('never compares nor prints a secret-shaped value', () => {
    const fn = (kind: Inventory['kind'], value: string | Unknown) =>
      inv(
        kind,
        res('aws_lambda_function.f', 'aws_lambda_function', {
          function_name: 'ztait-f',
          environment: [{ variables: { API_TOKEN: value, LEVEL: 'info' } }],
        }),
      );
    const r = computeDrift(fn('hcl', 'sk-live-0123456789abcdefABCDEF0123456789'), fn('live', '[REDACTED]'), { codeKind: 'hcl' });
    expect(r.items).toEqual([]);
    expect(JSON.stringify(r)).not.toContain('sk-live');
    expect(r.not_compared.find((n) => /secret-shaped/.test(n.reason))?.count).toBe(1);
  });
});

describe('a state (terraform show -json), read like a plan', () => {
  const shown = (resources: object[]) => ({ format_version: '1.0', terraform_version: '1.11.4', values: { root_module: { resources } } });
  const write = (doc: object): string => {
    const f = join(tempDir(), 'state.json');
    writeFileSync(f, JSON.stringify(doc));
    return f;
  };

  it('its values are the code side: every id known, matched by name', async () => {
    const file = write(
      shown([
        {
          address: 'aws_dynamodb_table.audit',
          mode: 'managed',
          type: 'aws_dynamodb_table',
          name: 'audit',
          values: {
            name: TABLE,
            arn: `arn:aws:dynamodb:us-east-1:111122223333:table/${TABLE}`,
            point_in_time_recovery: [{ enabled: false }],
            server_side_encryption: [{ enabled: true }],
            ttl: [{ enabled: false, attribute_name: '' }],
          },
        },
      ]),
    );
    const state = await loadState(file);
    expect(state.resources.map((r) => r.address)).toEqual(['aws_dynamodb_table.audit']);
    const r = await drift(state, base);
    const pitr = r.items.find((i) => i.attribute === 'point_in_time_recovery')!;
    expect([pitr.name, pitr.expected, pitr.actual]).toEqual([TABLE, 'false', 'true']);
    // the account passes what the recorded state fails
    expect(pitr.invariants).toEqual([{ invariant: 'SI-6', effect: 'passes_in_account', code: 'fail', account: 'pass' }]);
  });

  it('a raw state file or a plan is refused, saying what to run', async () => {
    await expect(loadState(write({ version: 4, lineage: 'x', serial: 1, resources: [] }))).rejects.toThrow(
      /raw Terraform state file.*terraform show -json/,
    );
    await expect(loadState(write({ format_version: '1.2', planned_values: {} }))).rejects.toThrow(PlanInputError);
    const empty = await loadState(write({ format_version: '1.0' }));
    expect(empty.resources).toEqual([]);
    expect(readFileSync(SNAPSHOT, 'utf8').length).toBeGreaterThan(0);
  });
});
