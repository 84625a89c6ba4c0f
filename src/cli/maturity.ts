import { existsSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { loadHcl } from '../hcl/loader.js';
import { assess } from '../maturity/assess.js';
import { DefinitionError, locateLevelDefinition, writeFileAtomic } from '../maturity/definition.js';
import { EvidenceError, readEvidenceFile, type EvidenceSet } from '../maturity/evidence.js';
import { SetUsageError, setLevel } from '../maturity/set.js';
import { renderAssessment, renderDiff, renderSet, renderStatus, type MaturityFormat } from '../maturity/render.js';
import { parseLevel, type Level } from '../maturity/table.js';
import { printDiagnostic, UsageError } from './errors.js';
// text output goes to CI logs: names and values from the input show their control characters escaped
import { escapeDeep } from '../report/terminal.js';
import { maturityOf } from '../engine.js';
import { checkWritePath, isStdoutPath, writeFileSafe } from '../io/safe-write.js';
import { checkPdfOutput, writePdf } from '../report/pdf.js';

/**
 * `ztait maturity status|assess|set|diff` (shared/spec/maturity.md). Exit codes: 0 consistent /
 * criteria hold / changed, 1 deviations / criteria not met / refused, 2 unusable input.
 */

interface OutputOptions {
  format?: string[];
  output?: string[];
}

const collect = (v: string, prev: string[] = []): string[] => [
  ...prev,
  ...v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
];
const collectList = (v: string, prev: string[] = []): string[] => [...prev, v];
const collectVar = (v: string, prev: [string, string][] = []): [string, string][] => {
  const i = v.indexOf('=');
  if (i <= 0) throw new UsageError(`--var expects NAME=VALUE, got "${v}"`);
  return [...prev, [v.slice(0, i), v.slice(i + 1)]];
};

function addOutputOptions(cmd: Command, formats: readonly (MaturityFormat | 'pdf')[]): Command {
  return cmd
    .addOption(
      new Option('-f, --format <format>', `output format, repeatable or comma-separated (${formats.join('|')})`).argParser(collect),
    )
    .addOption(
      new Option('-o, --output <file>', 'write the matching --format to FILE instead of stdout (repeatable)').argParser(collectList),
    )
    .option('--no-color', 'plain output (the maturity reports have no colour anyway)');
}

/** Refuses, before anything is written, an -o file (or --record) that is or goes through a symlink. */
function checkOutputs(opts: OutputOptions & { record?: string }): void {
  for (const file of opts.output ?? []) if (!isStdoutPath(file)) checkWritePath(file, { what: 'report' });
  if (opts.record) checkWritePath(opts.record, { what: 'record' });
}

/**
 * Renders each requested format to stdout or its -o file. `pdf` (where allowed) is the `html`
 * rendering printed by headless Chromium, to a file only; both are checked before anything is written.
 */
async function emit(
  opts: OutputOptions,
  allowed: readonly (MaturityFormat | 'pdf')[],
  render: (f: MaturityFormat) => string,
): Promise<void> {
  const formats = (opts.format?.length ? opts.format : ['text']).map((f) => f.toLowerCase());
  for (const f of formats)
    if (!(allowed as readonly string[]).includes(f))
      throw new UsageError(`unknown format "${f}" for this command (use ${allowed.join(', ')})`);
  const outputs = opts.output ?? [];
  if (outputs.length > formats.length)
    throw new UsageError(`${outputs.length} --output files for ${formats.length} --format value(s): give one format per output`);
  checkOutputs(opts);
  const chromium = formats.map((f, i) => (f === 'pdf' ? checkPdfOutput(outputs[i]) : undefined)).find(Boolean);
  for (const [i, f] of (formats as (MaturityFormat | 'pdf')[]).entries()) {
    const file = outputs[i];
    if (f === 'pdf') {
      await writePdf(file!, render('html'), chromium!, { what: 'report' });
      continue;
    }
    const text = render(f);
    if (file && !isStdoutPath(file)) writeFileSafe(file, text, { what: 'report' });
    else process.stdout.write(text);
  }
}

function levelArg(s: string, what: string): Level {
  const l = parseLevel(s);
  if (l === undefined)
    throw new UsageError(`${what} "${s}" is not a maturity level (0..3, L0..L3, shadow, assisted, supervised, autonomous)`);
  return l;
}

function windowDays(s: string | undefined): number | undefined {
  if (s === undefined) return undefined;
  if (!/^\d+$/.test(s) || Number(s) < 1) throw new UsageError(`--window-days must be a whole number of days >= 1 (got "${s}")`);
  return Number(s);
}

interface EvidenceOptions {
  evidence?: string;
  fromTable?: string;
  region?: string;
  endpointUrl?: string;
  profile?: string;
}

function addEvidenceOptions(cmd: Command): Command {
  return cmd
    .option('--evidence <file>', 'decision log export: JSON Lines or CSV with a header (fields: docs/maturity.md)')
    .option('--from-table <name>', 'read the decisions from the deployed incidents table (DynamoDB Scan, read-only)')
    .option('--region <region>', 'AWS region for --from-table')
    .option('--endpoint-url <url>', 'AWS-compatible endpoint for --from-table')
    .option('--profile <name>', 'AWS profile for --from-table')
    .option('--window-days <n>', 'the window: the N days ending at the newest row', '30')
    .option('--allow-invalid', 'accept a promotion although malformed or duplicate rows were dropped');
}

/** Evidence from --evidence or --from-table; unusable evidence is a usage error (exit 2). */
async function loadEvidence(opts: EvidenceOptions, required: boolean): Promise<EvidenceSet | undefined> {
  if (opts.evidence && opts.fromTable) throw new UsageError('give either --evidence FILE or --from-table NAME, not both');
  try {
    if (opts.evidence) return await readEvidenceFile(opts.evidence);
    if (opts.fromTable) {
      // the AWS SDK loads only when a table is read
      const { incidentsClient, readEvidenceTable } = await import('../maturity/table-source.js');
      return await readEvidenceTable(opts.fromTable, incidentsClient(opts));
    }
  } catch (e) {
    if (e instanceof EvidenceError) throw new UsageError(e.message);
    throw e;
  }
  if (required) throw new UsageError('no evidence: give --evidence FILE or --from-table NAME');
  return undefined;
}

/** `maturity assess` also renders the HTML report, and prints it to PDF (-o FILE) with headless Chromium. */
const ASSESS_FORMATS = ['text', 'json', 'markdown', 'junit', 'html', 'pdf'] as const;

export function registerMaturity(program: Command, setExit: (code: number) => void): void {
  const maturity = program
    .command('maturity')
    .description('read, assess and change the agent maturity level (Table 3: L0 Shadow .. L3 Autonomous)');

  const status = maturity
    .command('status')
    .description('the declared maturity level, where it is set, and the Table 3 settings expected vs found')
    .argument('[path]', 'root module directory', '.')
    .addOption(new Option('--var-file <file>', 'a .tfvars file, as terraform takes it (repeatable)').argParser(collectList))
    .addOption(new Option('--var <name=value>', 'a variable value, as terraform takes it (repeatable)').argParser(collectVar));
  addOutputOptions(status, ['text', 'json', 'markdown']).action(
    async (path: string, opts: OutputOptions & { varFile?: string[]; var?: [string, string][] }) => {
      if (!existsSync(path)) throw new UsageError(`${path}: no such file or directory`);
      const inv = await loadHcl([path], { ...(opts.varFile ? { varFiles: opts.varFile } : {}), ...(opts.var ? { vars: opts.var } : {}) });
      const errors = inv.diagnostics.filter((d) => d.severity === 'error');
      for (const d of errors) printDiagnostic(`${d.file ? `${d.file}${d.line ? `:${d.line}` : ''}: ` : ''}${d.message}`);
      // the section a check result carries, its secrets redacted as in every check report
      const section = maturityOf(inv);
      // the exit code from the verdict, before rendering: a renderer that fails exits 2, never 0
      setExit(errors.length > 0 ? 2 : section.consistent ? 0 : 1);
      await emit(opts, ['text', 'json', 'markdown'], (f) => renderStatus(f === 'text' ? escapeDeep(section) : section, f));
    },
  );

  const assessCmd = maturity
    .command('assess')
    .description('judge the entry criteria of the next level (at L3: the ongoing requirement and regression) on the decision log')
    .argument('[path]', 'root module directory to read the current level from', '.')
    .option('--current <level>', 'the current level, instead of reading it from PATH')
    .addHelpText(
      'after',
      '\nThe evidence file (one decision per row: incident_id, timestamp, agent_severity, human_severity, agent_action,\nhuman_action, confidence, outcome, mim_false_positive), the metrics and the criteria: docs/maturity.md',
    );
  addOutputOptions(addEvidenceOptions(assessCmd), ASSESS_FORMATS).action(
    async (path: string, opts: OutputOptions & EvidenceOptions & { current?: string; windowDays?: string; allowInvalid?: boolean }) => {
      const days = windowDays(opts.windowDays);
      const current = opts.current !== undefined ? levelArg(opts.current, '--current') : await configuredLevel(path);
      const ev = (await loadEvidence(opts, true))!;
      let a;
      try {
        a = assess(ev, { current, ...(days ? { windowDays: days } : {}), allowInvalid: opts.allowInvalid === true });
      } catch (e) {
        if (e instanceof EvidenceError) throw new UsageError(e.message);
        throw e;
      }
      setExit(a.eligible ? 0 : 1);
      await emit(opts, ASSESS_FORMATS, (f) => renderAssessment(f === 'text' ? escapeDeep(a) : a, f));
    },
  );

  const set = maturity
    .command('set')
    .description('change maturity_level one step, where it is defined (tfvars or variable default); up only on evidence or --force')
    .argument('<level>', 'the new level (0..3)')
    .argument('[path]', 'root module directory', '.')
    .option('--force', 'promote without evidence that meets the criteria (needs --reason; recorded)')
    .option('--reason <text>', 'why (recorded in the change record)')
    .option('--dry-run', 'show what would change; write nothing')
    .option('--approved-by <who>', 'who approved the change (default: git user, else $USER)')
    .option('--record <file>', 'also write the markdown change record to FILE');
  addOutputOptions(addEvidenceOptions(set), ['text', 'json', 'markdown']).action(
    async (
      levelText: string,
      path: string,
      opts: OutputOptions &
        EvidenceOptions & {
          force?: boolean;
          reason?: string;
          dryRun?: boolean;
          approvedBy?: string;
          record?: string;
          windowDays?: string;
          allowInvalid?: boolean;
        },
    ) => {
      const target = levelArg(levelText, 'level');
      const days = windowDays(opts.windowDays);
      // the level is changed only when every report and the record can be written safely
      checkOutputs(opts);
      const evidence = await loadEvidence(opts, false);
      let outcome;
      try {
        outcome = await setLevel({
          dir: path,
          target,
          ...(evidence ? { evidence } : {}),
          ...(opts.force ? { force: true } : {}),
          ...(opts.reason !== undefined ? { reason: opts.reason } : {}),
          ...(opts.dryRun ? { dryRun: true } : {}),
          ...(opts.approvedBy ? { approvedBy: opts.approvedBy } : {}),
          ...(days ? { windowDays: days } : {}),
          ...(opts.allowInvalid ? { allowInvalid: true } : {}),
        });
      } catch (e) {
        if (e instanceof DefinitionError || e instanceof SetUsageError || e instanceof EvidenceError) throw new UsageError(e.message);
        throw e;
      }
      await emit(opts, ['text', 'json', 'markdown'], (f) => renderSet(f === 'text' ? escapeDeep(outcome) : outcome, f));
      if (opts.record && (outcome.status === 'changed' || outcome.status === 'unchanged'))
        await writeFileAtomic(opts.record, outcome.record, { what: 'record' });
      setExit(outcome.status === 'refused' ? 1 : 0);
    },
  );

  const diff = maturity
    .command('diff')
    .description('the Table 3 settings that differ between two levels')
    .argument('<from>', 'level (0..3)')
    .argument('<to>', 'level (0..3)');
  addOutputOptions(diff, ['text', 'json', 'markdown']).action(async (from: string, to: string, opts: OutputOptions) => {
    const a = levelArg(from, 'from');
    const b = levelArg(to, 'to');
    await emit(opts, ['text', 'json', 'markdown'], (f) => renderDiff(a, b, f));
  });
}

/** The level where PATH defines it; without one, the user must say --current. */
async function configuredLevel(path: string): Promise<Level> {
  try {
    return (await locateLevelDefinition(path)).level;
  } catch (e) {
    if (e instanceof DefinitionError) throw new UsageError(`${e.message}; pass --current N`);
    throw e;
  }
}
