import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
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

type SarifLog = {
  runs: {
    results?: {
      level?: string;
      ruleId: string;
      message: { text?: string; id?: string; arguments?: string[] };
      locations?: { physicalLocation?: { artifactLocation?: { uri?: string } } }[];
    }[];
  }[];
};

export interface MultitoolRun {
  status: number | null;
  /** The tool's console output (it names each finding's file). */
  output: string;
  /** Findings at level error or warning, by the name the log was given. */
  issues: Record<string, Issue[]>;
  /** Findings that name none of the logs: they count against every one. */
  unattributed: Issue[];
  /** How many files the tool says it scanned. */
  scanned: number | undefined;
}

/**
 * `sarif-multitool validate` over several logs in ONE run (a .NET start costs seconds): its findings at
 * level error or warning (notes are advice only), each given to the log its location names.
 * `logs` maps a name (letters, digits, '-', '_') to the text of a log.
 */
export function multitoolValidateAll(logs: Record<string, string>): MultitoolRun {
  const dir = tempDir();
  const out = join(dir, 'validation.sarif');
  const names = Object.keys(logs);
  const inputs = names.map((name) => {
    if (!/^[\w-]+$/.test(name)) throw new Error(`multitoolValidateAll: unsafe log name ${JSON.stringify(name)}`);
    const input = join(dir, `${name}.sarif`);
    writeFileSync(input, logs[name]!);
    return input;
  });
  // one analysis thread: the suite keeps both cores busy, and a second thread only adds CPU time
  const validation = run(localBin('sarif-multitool'), ['validate', ...inputs, '--threads', '1', '-o', out, '--log', 'ForceOverwrite'], {
    timeoutMs: 120_000,
  });
  const output = `${validation.stdout}${validation.stderr}`;
  if (!existsSync(out)) throw new Error(`sarif-multitool wrote no log (exit ${validation.code}):\n${output}`);
  const log = JSON.parse(readFileSync(out, 'utf8')) as SarifLog;
  const issues: Record<string, Issue[]> = Object.fromEntries(names.map((n) => [n, []]));
  const unattributed: Issue[] = [];
  for (const r of log.runs[0]?.results ?? []) {
    if (r.level !== undefined && r.level !== 'error' && r.level !== 'warning') continue;
    const issue = {
      level: r.level ?? 'warning',
      ruleId: r.ruleId,
      text: r.message.text ?? `${r.message.id} ${JSON.stringify(r.message.arguments)}`,
    };
    const uri = r.locations?.[0]?.physicalLocation?.artifactLocation?.uri ?? '';
    const owner = names.find((n) => uri.endsWith(`/${n}.sarif`));
    (owner === undefined ? unattributed : issues[owner]!).push(owner === undefined ? { ...issue, text: `${uri}: ${issue.text}` } : issue);
  }
  const scanned = /Done\. (\d+) files? scanned/.exec(output)?.[1];
  return { status: validation.code, output, issues, unattributed, scanned: scanned === undefined ? undefined : Number(scanned) };
}

/** `sarif-multitool validate` on one log: its findings at level error or warning. */
export function multitoolValidate(sarifText: string): { status: number | null; issues: Issue[]; output: string } {
  const { status, output, issues, unattributed } = multitoolValidateAll({ report: sarifText });
  return { status, issues: [...issues.report!, ...unattributed], output };
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

export interface MarkdownlintRun {
  status: number | null;
  /** Its whole report. */
  output: string;
  /** The report's lines about each document, by file name. */
  issues: Record<string, string[]>;
  /** How many files it says it linted. */
  linted: number | undefined;
}

/**
 * `markdownlint-cli2` with its default rules over several documents in ONE run (a start costs about a
 * second). `docs` maps a file name (letters, digits, '-', '_', '.') to its text.
 */
export function markdownlintAll(docs: Record<string, string>): MarkdownlintRun {
  const dir = tempDir();
  const names = Object.keys(docs);
  for (const name of names) {
    if (!/^[\w.-]+\.md$/.test(name)) throw new Error(`markdownlintAll: unsafe file name ${JSON.stringify(name)}`);
    writeFileSync(join(dir, name), docs[name]!);
  }
  const lint = run(localBin('markdownlint-cli2'), names, { cwd: dir, timeoutMs: 120_000 });
  const output = `${lint.stdout}${lint.stderr}`;
  const lines = output.split('\n');
  const issues = Object.fromEntries(names.map((n) => [n, lines.filter((l) => l.startsWith(`${n}:`))]));
  const linted = /^Linting: (\d+) files?$/m.exec(output)?.[1];
  return { status: lint.code, output, issues, linted: linted === undefined ? undefined : Number(linted) };
}

/** `markdownlint-cli2` with its default rules on one document: exit status and its report. */
export function markdownlint(markdown: string, name = 'report.md'): { status: number | null; output: string } {
  const { status, output } = markdownlintAll({ [name]: markdown });
  return { status, output };
}
