import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv2020Module from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { REPO_ROOT as ROOT, localBin, run } from '../support/cli.js';

/** External validators the report tests run: the SARIF multitool, the SARIF schema, markdownlint. */

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'ztait-report-'));
}

export interface Issue {
  level: string;
  ruleId: string;
  text: string;
}

/** `sarif-multitool validate`: its findings at level error or warning (notes are advice only). */
export function multitoolValidate(sarifText: string): { status: number | null; issues: Issue[]; output: string } {
  const dir = tempDir();
  const input = join(dir, 'report.sarif');
  const out = join(dir, 'validation.sarif');
  writeFileSync(input, sarifText);
  const validation = run(localBin('sarif-multitool'), ['validate', input, '-o', out, '--log', 'ForceOverwrite'], { timeoutMs: 120_000 });
  const output = `${validation.stdout}${validation.stderr}`;
  const log = JSON.parse(readFileSync(out, 'utf8')) as {
    runs: { results?: { level?: string; ruleId: string; message: { text?: string; id?: string; arguments?: string[] } }[] }[];
  };
  const issues = (log.runs[0]?.results ?? [])
    .filter((r) => r.level === undefined || r.level === 'error' || r.level === 'warning')
    .map((r) => ({
      level: r.level ?? 'warning',
      ruleId: r.ruleId,
      text: r.message.text ?? `${r.message.id} ${JSON.stringify(r.message.arguments)}`,
    }));
  return { status: validation.code, issues, output };
}

type AjvCtor = new (o: object) => { compile: (s: object) => ((d: unknown) => boolean) & { errors?: unknown[] | null } };
const Ajv2020 = ((Ajv2020Module as unknown as { default?: AjvCtor }).default ?? Ajv2020Module) as unknown as AjvCtor;
const addFormats = ((addFormatsModule as unknown as { default?: (a: unknown) => void }).default ?? addFormatsModule) as unknown as (
  a: unknown,
) => void;

let sarifValidator: (((d: unknown) => boolean) & { errors?: unknown[] | null }) | undefined;
/** Validates against the vendored SARIF 2.1.0 JSON schema (test/fixtures-schemas). */
export function schemaErrors(doc: unknown): unknown[] {
  if (!sarifValidator) {
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats(ajv);
    sarifValidator = ajv.compile(JSON.parse(readFileSync(join(ROOT, 'test', 'fixtures-schemas', 'sarif-schema-2.1.0.json'), 'utf8')));
  }
  return sarifValidator(doc) ? [] : (sarifValidator.errors ?? ['invalid']);
}

/** `markdownlint-cli2` with its default rules on one document: exit status and its report. */
export function markdownlint(markdown: string, name = 'report.md'): { status: number | null; output: string } {
  const dir = tempDir();
  writeFileSync(join(dir, name), markdown);
  const lint = run(localBin('markdownlint-cli2'), [name], { cwd: dir, timeoutMs: 120_000 });
  return { status: lint.code, output: `${lint.stdout}${lint.stderr}` };
}
