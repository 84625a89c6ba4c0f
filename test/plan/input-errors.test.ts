import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadPlan, PlanInputError } from '../../src/sources/plan/index.js';
import { fixture, tempFile } from './helpers.js';

/** The PlanInputError message for a file with this content (fails the test when it loads). */
async function errorFor(name: string, content: string | Buffer): Promise<{ file: string; message: string }> {
  const file = tempFile(name, content);
  try {
    await loadPlan(file);
  } catch (e) {
    expect(e).toBeInstanceOf(PlanInputError);
    const message = (e as Error).message;
    expect(message.split('\n')).toHaveLength(1);
    expect(message.startsWith(file)).toBe(true);
    return { file, message };
  }
  throw new Error(`${name} loaded as a plan`);
}

const realPlan = readFileSync(fixture('audit-table-destroy'), 'utf8');

describe('unusable plan files: one line naming the file and what is wrong', () => {
  it('not JSON, with the line and column of the error', async () => {
    const { file, message } = await errorFor('plan.json', '{\n  "format_version": "1.2",\n  "variables": oops\n}\n');
    expect(message).toMatch(
      new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3:16: is not valid JSON \\(unexpected character\\)$`),
    );
    // never the text itself: V8's message would quote the document around the error
    expect(message).not.toContain('oops');
  });

  it('text that is not JSON at all (a human-readable plan)', async () => {
    const { message } = await errorFor('plan.txt', 'Terraform will perform the following actions:\n');
    expect(message).toMatch(/:1:1: is not valid JSON \(unexpected character\)$/);
    expect(message).not.toContain('Terraform will');
  });

  it('a syntax error V8 locates itself (a trailing comma)', async () => {
    expect((await errorFor('plan.json', '{"format_version": "1.2",}  ')).message).toMatch(
      /:1:26: is not valid JSON \(expected a property name in double quotes\)$/,
    );
  });

  it('a truncated plan', async () => {
    const { message } = await errorFor('plan.json', realPlan.slice(0, Math.floor(realPlan.length / 2)));
    expect(message).toMatch(/is truncated: the JSON ends at line \d+:\d+ before the document is complete/);
  });

  it('an empty file, and one with only whitespace', async () => {
    expect((await errorFor('plan.json', '')).message).toMatch(/is empty, not a plan: run terraform show -json tfplan > tfplan.json/);
    expect((await errorFor('plan.json', ' \n\t\n')).message).toMatch(/is empty/);
  });

  it('binary data, and the binary plan terraform plan -out writes (a zip)', async () => {
    expect((await errorFor('plan.bin', Buffer.from([0x00, 0x01, 0xff, 0xfe, 0x7b]))).message).toMatch(/is binary data, not JSON/);
    const zip = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.from('tfplan')]);
    expect((await errorFor('tfplan', zip)).message).toMatch(
      /is a binary Terraform plan file, not its JSON: run terraform show -json tfplan > tfplan.json/,
    );
  });

  it('a state file given as a plan: raw terraform.tfstate and terraform show -json of a state', async () => {
    const raw = { version: 4, terraform_version: '1.11.4', serial: 3, lineage: 'abc', outputs: {}, resources: [], check_results: null };
    expect((await errorFor('terraform.tfstate', JSON.stringify(raw))).message).toMatch(
      /is a Terraform state file, not a plan: run terraform show -json tfplan/,
    );
    const shown = { format_version: '1.0', terraform_version: '1.11.4', values: { root_module: { resources: [] } } };
    expect((await errorFor('state.json', JSON.stringify(shown))).message).toMatch(/is a Terraform state file, not a plan/);
  });

  it('a plan format of another major version', async () => {
    const plan = { ...(JSON.parse(realPlan) as object), format_version: '2.0' };
    expect((await errorFor('plan.json', JSON.stringify(plan))).message).toMatch(
      /plan format_version 2\.0 is not supported: ztait reads format 1\.x/,
    );
    const old = { ...(JSON.parse(realPlan) as object), format_version: '0.2' };
    expect((await errorFor('plan.json', JSON.stringify(old))).message).toMatch(
      /plan format_version 0\.2 is not supported: ztait reads format 1\.x, which Terraform 1\.1 and later write/,
    );
  });

  it('JSON that is not a plan: an array, another document, a plan-like document of the wrong shape', async () => {
    expect((await errorFor('plan.json', '[1, 2]')).message).toMatch(/is JSON but not a Terraform plan \(the document is an array\)/);
    expect((await errorFor('package.json', '{"name": "x", "version": "1.0.0"}')).message).toMatch(
      /is JSON but not a Terraform plan \(no format_version\)/,
    );
    expect((await errorFor('plan.json', '{"format_version": "1.2"}')).message).toMatch(
      /no planned_values, resource_changes or configuration/,
    );
    const broken = JSON.parse(realPlan) as { resource_changes: { change: unknown }[] };
    broken.resource_changes[0]!.change = { actions: 'delete' };
    expect((await errorFor('plan.json', JSON.stringify(broken))).message).toMatch(
      /is not a valid plan: resource_changes\.0\.change\.actions must be array/,
    );
  });

  it('a path that is missing or a directory', async () => {
    await expect(loadPlan('fixtures/plans/no-such.plan.json')).rejects.toThrow(/no-such\.plan\.json: no such file/);
    await expect(loadPlan('fixtures/plans')).rejects.toThrow(/is a directory, not a plan file/);
  });

  it('a byte order mark is not an error', async () => {
    const inv = await loadPlan(tempFile('plan.json', `\uFEFF${realPlan}`));
    expect(inv.resources.length).toBeGreaterThan(0);
  });
});
