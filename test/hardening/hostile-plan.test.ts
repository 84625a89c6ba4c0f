/**
 * Hostile plan files through the built CLI (issue 9): something that is not a plan (a state file,
 * another format version, an empty file, a JSON array, binary data, a saved binary plan) or a plan
 * that is damaged. Each is refused with one clear line naming the file, exit 2, or judged.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, it } from 'vitest';
import { ROOT, checkTo, ensureBuilt, expectClean, runCli, tempDir } from './cli.js';

beforeAll(ensureBuilt, 300_000);

const VALID = readFileSync(join(ROOT, 'fixtures', 'plans', 'modules.plan.json'), 'utf8');

/** `ztait check --plan FILE` on `content` written to a temporary FILE. */
async function checkPlan(name: string, content: string | Buffer) {
  const file = join(tempDir(), name);
  writeFileSync(file, content);
  return { file, run: await checkTo(['--plan', file], { timeoutMs: 30_000 }) };
}

const STATE = JSON.stringify({
  version: 4,
  terraform_version: '1.11.4',
  serial: 3,
  lineage: '5b8f3c1e-0000-4000-8000-000000000000',
  outputs: {},
  resources: [
    {
      mode: 'managed',
      type: 'aws_dynamodb_table',
      name: 'audit',
      provider: 'provider["registry.terraform.io/hashicorp/aws"]',
      instances: [{ schema_version: 1, attributes: { name: 'ztait-audit' } }],
    },
  ],
  check_results: null,
});

const refused: Record<string, string | Buffer> = {
  'a state file (terraform.tfstate)': STATE,
  'a state file as terraform show -json prints it': JSON.stringify({
    format_version: '1.0',
    terraform_version: '1.11.4',
    values: { root_module: { resources: [] } },
  }),
  'a plan with format_version 2.0': VALID.replace(/"format_version":\s*"1\.2"/, '"format_version": "2.0"'),
  'an empty file': '',
  'a file of blanks': ' \n\t\n',
  'a JSON array': '[{"format_version": "1.2"}]',
  'JSON null': 'null',
  'a JSON string': '"tfplan"',
  'a saved binary plan (zip)': Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(200, 7)]),
  'binary data': Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 31 + 7) % 256)),
  'a truncated plan': VALID.slice(0, Math.floor(VALID.length / 2)),
  'a plan with a syntax error in the middle': VALID.replace('"resource_changes"', '}}}"resource_changes"'),
  'a plan whose resource_changes is an object': VALID.replace('"resource_changes":', '"resource_changes": {"x": 1}, "ignored":'),
};

describe('files that are not a plan are refused with one line naming the file', () => {
  for (const [what, content] of Object.entries(refused)) {
    it(what, async () => {
      const { file, run } = await checkPlan('tfplan.json', content);
      expectClean(run, { names: [file], outcome: 'error' });
    });
  }

  it('a plan path that is a directory', async () => {
    const dir = tempDir();
    expectClean(await runCli(['check', '--plan', dir, '--format', 'json']), { names: [dir], outcome: 'error' });
  });
});

describe('damaged plans that are still plans are judged, or refused naming the file', () => {
  const doc = JSON.parse(VALID) as {
    configuration: { root_module: { resources: { expressions: Record<string, { references?: unknown[] }> }[] } };
    resource_changes: { change: Record<string, unknown> }[];
  };
  const damaged: Record<string, () => unknown> = {
    'a configuration reference that is not a string': () => {
      // The subnet's vpc_id is known only after apply, so the loader follows its references.
      const d = structuredClone(doc) as unknown as {
        configuration: { root_module: { resources: { address: string; expressions: Record<string, { references: unknown[] }> }[] } };
      };
      const subnet = d.configuration.root_module.resources.find((r) => r.address === 'aws_subnet.private')!;
      subnet.expressions.vpc_id!.references.push(7);
      return d;
    },
    'configuration resources that are not a list': () => {
      const d = structuredClone(doc) as unknown as { configuration: { root_module: { resources: unknown } } };
      d.configuration.root_module.resources = { not: 'a list' };
      return d;
    },
    'a null configuration variable': () => {
      const d = structuredClone(doc) as unknown as { configuration: { root_module: { variables?: Record<string, unknown> } } };
      d.configuration.root_module.variables = { ...(d.configuration.root_module.variables ?? {}), broken: null };
      return d;
    },
    'a planned output that is null': () => {
      const d = structuredClone(doc) as unknown as { planned_values: { outputs?: Record<string, unknown> } };
      d.planned_values.outputs = { ...(d.planned_values.outputs ?? {}), broken: null };
      return d;
    },
    'a resource change without after': () => {
      const d = structuredClone(doc);
      for (const rc of d.resource_changes) delete rc.change.after;
      return d;
    },
  };
  for (const [what, make] of Object.entries(damaged)) {
    it(what, async () => {
      const { file, run } = await checkPlan('tfplan.json', JSON.stringify(make()));
      expectClean(run, { names: [file] });
    });
  }
});
