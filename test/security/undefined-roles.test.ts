/**
 * Issue 15 B7: a function running as a role the configuration (or the account read) does not
 * define leaves no invariant about roles at pass. Through the CLI (HCL, its main() in process), and
 * in process for a plan and the live probe, all judged by the same shared logic (src/rules/lib/principals.ts).
 */
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runChecks } from '../../src/engine.js';
import { loadPlan } from '../../src/sources/plan/index.js';
import { probeLive } from '../../src/sources/aws/probe.js';
import { expectClean, rootModule, runInProcess, TABLE } from '../hardening/cli.js';
import { tempFile } from '../plan/helpers.js';
import { FAKE_ENV, account } from '../probe/harness.js';
import { startAwsServer } from '../probe/server/server.js';

interface Report {
  invariants: {
    id: string;
    status: string;
    findings: { resource: string; file?: string; line?: number; status: string; message: string }[];
  }[];
}

const ROLE_RULES = ['SI-3', 'SI-4', 'SI-7'];

const statusOf = (r: Report, id: string): string | undefined => r.invariants.find((i) => i.id === id)?.status;

describe('the CLI', () => {
  it('a function whose role is an admin ARN, a variable or a data source: SI-3/SI-4/SI-7 error naming it, exit 1', async () => {
    const main = `${TABLE}
variable "ops_role_arn" {
  type = string
}

data "aws_iam_role" "admin" {
  name = "Admin"
}

resource "aws_lambda_function" "literal" {
  function_name = "ztait-literal"
  role          = "arn:aws:iam::123456789012:role/Admin"
  runtime       = "nodejs20.x"
  handler       = "index.handler"
  filename      = "f.zip"
}

resource "aws_lambda_function" "from_var" {
  function_name = "ztait-from-var"
  role          = var.ops_role_arn
  runtime       = "nodejs20.x"
  handler       = "index.handler"
  filename      = "f.zip"
}

resource "aws_lambda_function" "from_data" {
  function_name = "ztait-from-data"
  role          = data.aws_iam_role.admin.arn
  runtime       = "nodejs20.x"
  handler       = "index.handler"
  filename      = "f.zip"
}
`;
    const dir = rootModule({ 'main.tf': main });
    const lineOf = (text: string): number => main.split('\n').findIndex((l) => l.includes(text)) + 1;
    const run = await runInProcess(['check', dir, '--format', 'json', '--no-color']);
    expectClean(run, { outcome: 'verdict' });
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as Report;
    const want: [string, number, string][] = [
      ['aws_lambda_function.literal', lineOf('role          = "arn:'), 'arn:aws:iam::123456789012:role/Admin'],
      ['aws_lambda_function.from_var', lineOf('role          = var.'), 'var.ops_role_arn'],
      ['aws_lambda_function.from_data', lineOf('role          = data.'), 'data.aws_iam_role.admin'],
    ];
    for (const id of ROLE_RULES) {
      const inv = report.invariants.find((i) => i.id === id)!;
      expect(inv.status, id).toBe('error');
      for (const [address, line, value] of want) {
        const f = inv.findings.find((x) => x.resource === address);
        expect(f, `${id} ${address}`).toBeDefined();
        expect(f).toMatchObject({ status: 'error', file: expect.stringMatching(/main\.tf$/), line });
        expect(f!.message).toContain(address);
        expect(f!.message).toContain(value);
      }
    }
  }, 60_000);
});

describe('a plan', () => {
  /** pitr-disabled with the triage function's role changed by `edit` (in planned values and the change). */
  async function planWith(edit: (fn: Record<string, unknown>, unknown: Record<string, unknown>, expr: Record<string, unknown>) => void) {
    const plan = JSON.parse(readFileSync('fixtures/plans/pitr-disabled.plan.json', 'utf8')) as {
      planned_values: { root_module: { resources: { address: string; values: Record<string, unknown> }[] } };
      resource_changes: { address: string; change: { after: Record<string, unknown>; after_unknown?: Record<string, unknown> } }[];
      configuration: { root_module: { resources: { address: string; expressions: Record<string, Record<string, unknown>> }[] } };
    };
    const address = 'aws_lambda_function.triage';
    const change = plan.resource_changes.find((r) => r.address === address)!.change;
    change.after_unknown ??= {};
    const expr = plan.configuration.root_module.resources.find((r) => r.address === address)!.expressions;
    expr.role = {};
    edit(change.after, change.after_unknown, expr.role);
    const planned = plan.planned_values.root_module.resources.find((r) => r.address === address)!;
    planned.values = { ...change.after };
    const inv = await loadPlan(tempFile('p.plan.json', JSON.stringify(plan)));
    return runChecks(inv, { commandLine: 'test' });
  }

  it('a role ARN known at plan time that names a role not in the plan: error', async () => {
    const r = await planWith((after, _u, expr) => {
      after.role = 'arn:aws:iam::123456789012:role/Admin';
      expr.constant_value = after.role;
    });
    for (const id of ROLE_RULES) expect(statusOf(r as Report, id), id).toBe('error');
    const f = r.invariants.find((i) => i.id === 'SI-3')!.findings.find((x) => x.resource === 'aws_lambda_function.triage');
    expect(f?.message).toContain('arn:aws:iam::123456789012:role/Admin');
  });

  it('a role known only after apply, from a data source the plan does not hold: error; from the role in the plan: pass', async () => {
    const fromData = await planWith((after, unknown, expr) => {
      delete after.role;
      unknown.role = true;
      expr.references = ['data.aws_iam_role.admin.arn', 'data.aws_iam_role.admin'];
    });
    for (const id of ROLE_RULES) expect(statusOf(fromData as Report, id), id).toBe('error');
    const fromRole = await planWith((after, unknown, expr) => {
      delete after.role;
      unknown.role = true;
      expr.references = ['aws_iam_role.triage.arn', 'aws_iam_role.triage'];
    });
    for (const id of ROLE_RULES) expect(statusOf(fromRole as Report, id), id).toBe('pass');
  });
});

describe('the live probe', () => {
  // fake credentials only, and none of the runner's: the server is local
  const saved = { ...process.env };
  beforeEach(() => {
    process.env = { ...Object.fromEntries(Object.entries(saved).filter(([k]) => !k.startsWith('AWS_'))), ...FAKE_ENV };
  });
  afterEach(() => void (process.env = { ...saved }));

  it('a function whose role ARN is in another account (not among the collected roles): error naming it', async () => {
    const acct = account('reference');
    const fn = acct.lambda.Functions.find((f) => f.FunctionName === 'ztait-triage-engine')!;
    const admin = 'arn:aws:iam::999999999999:role/Admin';
    fn.Role = admin;
    const srv = await startAwsServer({ account: acct });
    try {
      const run = await probeLive({ endpointUrl: srv.url, region: 'us-east-1' });
      const r = runChecks(run.inventory, { commandLine: 'test' }) as unknown as Report;
      for (const id of ROLE_RULES) {
        const inv = r.invariants.find((i) => i.id === id)!;
        expect(inv.status, id).toBe('error');
        expect(
          inv.findings.some((f) => f.status === 'error' && f.message.includes('ztait-triage-engine') && f.message.includes(admin)),
          id,
        ).toBe(true);
      }
    } finally {
      await srv.close();
    }
  }, 60_000);
});
