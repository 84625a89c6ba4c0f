import { execFileSync } from 'node:child_process';
import { relative } from 'node:path';
import { assess, describeCriterion, type Assessment } from './assess.js';
import { editedContent, editedLine, locateLevelDefinition, writeFileAtomic, type LevelDefinition } from './definition.js';
import type { EvidenceSet } from './evidence.js';
import { diffLevels, envValue, levelLabel, type Level, type SettingChange } from './table.js';

/**
 * `ztait maturity set LEVEL`: one level at a time; up only on evidence that meets the entry criteria
 * of that transition (or --force with a reason, recorded); down always (recorded). A refusal or a
 * dry run writes nothing.
 */

export interface SetRequest {
  dir: string;
  target: Level;
  evidence?: EvidenceSet;
  force?: boolean;
  reason?: string;
  dryRun?: boolean;
  approvedBy?: string;
  windowDays?: number;
  allowInvalid?: boolean;
  now?: Date;
}

export interface SetOutcome {
  status: 'changed' | 'would_change' | 'unchanged' | 'refused';
  from: Level;
  to: Level;
  direction: 'promotion' | 'demotion' | 'none';
  definition: { file: string; path: string; line: number; kind: LevelDefinition['kind']; before: string; after: string };
  delta: SettingChange[];
  forced: boolean;
  reason?: string;
  /** Why the change was refused, one line each. */
  refusals: string[];
  assessment?: Assessment;
  who: string;
  when: string;
  record: string;
}

/** The request cannot be carried out as given (missing --evidence, --force without --reason): exit 2. */
export class SetUsageError extends Error {}

export async function setLevel(req: SetRequest): Promise<SetOutcome> {
  const def = await locateLevelDefinition(req.dir);
  const from = def.level;
  const to = req.target;
  const direction = to > from ? 'promotion' : to < from ? 'demotion' : 'none';
  const forced = req.force === true;
  if (forced && !req.reason?.trim()) throw new SetUsageError('--force needs --reason "..." (it goes into the change record)');
  if (direction === 'promotion' && Math.abs(to - from) === 1 && !req.evidence && !forced) {
    throw new SetUsageError(`promoting ${levelLabel(from)} -> ${levelLabel(to)} needs --evidence FILE (or --force --reason "...")`);
  }
  const refusals: string[] = [];
  let assessment: Assessment | undefined;
  if (Math.abs(to - from) > 1) {
    refusals.push(`a jump from L${from} to L${to} is refused: the level moves one step at a time (next: ztait maturity set ${to > from ? from + 1 : from - 1})`);
  } else if (req.evidence && direction !== 'none') {
    assessment = assess(req.evidence, {
      current: from,
      ...(req.windowDays !== undefined ? { windowDays: req.windowDays } : {}),
      ...(req.allowInvalid ? { allowInvalid: true } : {}),
    });
    if (direction === 'promotion' && !assessment.eligible && !forced) {
      for (const c of assessment.criteria.filter((x) => !x.pass)) refusals.push(`criterion not met: ${describeCriterion(c)}`);
    }
  }
  const now = req.now ?? new Date();
  const outcome: SetOutcome = {
    status: refusals.length ? 'refused' : direction === 'none' ? 'unchanged' : req.dryRun ? 'would_change' : 'changed',
    from,
    to,
    direction,
    definition: { file: def.file, path: def.path, line: def.line, kind: def.kind, before: def.text, after: editedLine(def, to) },
    delta: diffLevels(from, to),
    forced,
    ...(req.reason?.trim() ? { reason: req.reason.trim() } : {}),
    refusals,
    ...(assessment ? { assessment } : {}),
    who: req.approvedBy?.trim() || whoAmI(req.dir),
    when: now.toISOString(),
    record: '',
  };
  outcome.record = changeRecord(outcome);
  if (outcome.status === 'changed') {
    const { after } = await editedContent(def, to);
    await writeFileAtomic(def.path, after);
  }
  return outcome;
}

/** git's user (name <email>) in the configuration's repository, else $USER. */
function whoAmI(dir: string): string {
  const git = (key: string): string => {
    try {
      return execFileSync('git', ['config', key], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    } catch {
      return '';
    }
  };
  const name = git('user.name');
  const email = git('user.email');
  if (name) return email ? `${name} <${email}>` : name;
  return process.env.USER || process.env.USERNAME || 'unknown';
}

/** Relative to the working directory when the file is below it, else as given. */
function displayPath(p: string): string {
  const rel = relative(process.cwd(), p);
  return rel && !rel.startsWith('..') ? rel : p;
}

const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
const shown = (v: unknown): string => (typeof v === 'number' ? envValue(v) : String(v));

/** The Table 3 delta as `terraform plan` shows it in each agent function's environment. */
export function deltaLines(from: Level, to: Level): string[] {
  if (from === to) return ['(no change)'];
  const rows = [{ env: 'MATURITY_LEVEL', from: String(from), to: String(to) }, ...diffLevels(from, to).map((c) => ({ env: c.env, from: shown(c.from), to: shown(c.to) }))];
  const w = Math.max(...rows.map((r) => r.env.length));
  return rows.map((r) => `~ ${r.env.padEnd(w)} = "${r.from}" -> "${r.to}"`);
}

export function deltaMarkdown(from: Level, to: Level): string[] {
  return [
    '| setting | environment variable | before | after |',
    '|---|---|---|---|',
    `| maturity_level | MATURITY_LEVEL | ${from} | ${to} |`,
    ...diffLevels(from, to).map((c) => `| ${c.setting} | ${c.env} | ${shown(c.from)} | ${shown(c.to)} |`),
  ];
}

/** The markdown change record for the pull request: who, when, on what basis, with which numbers. */
export function changeRecord(o: SetOutcome): string {
  const a = o.assessment;
  const basis =
    o.status === 'refused'
      ? 'refused'
      : o.direction === 'demotion'
        ? 'demotion (always allowed)'
        : o.direction === 'none'
          ? 'no change'
          : o.forced
            ? `forced (${a ? (a.eligible ? 'criteria met' : 'criteria NOT met') : 'no evidence'})`
            : 'entry criteria met';
  const evidence = a
    ? `${a.source.kind === 'table' ? `table \`${a.source.name}\`` : `\`${displayPath(a.source.name)}\``}${a.source.sha256 ? ` sha256 \`${a.source.sha256}\`` : ''}`
    : 'none';
  const lines = [
    `## Maturity change: ${levelLabel(o.from)} -> ${levelLabel(o.to)}`,
    '',
    '| | |',
    '|---|---|',
    `| change | ${levelLabel(o.from)} -> ${levelLabel(o.to)} (${o.direction}) |`,
    `| status | ${o.status} |`,
    `| basis | ${basis} |`,
    `| where | \`${o.definition.file}:${o.definition.line}\` (${o.definition.kind === 'tfvars' ? 'tfvars entry' : 'variable default'}) |`,
    `| edit | \`${cell(o.definition.before.trim())}\` -> \`${cell(o.definition.after.trim())}\` |`,
    `| who | ${cell(o.who)} |`,
    `| when | ${o.when} |`,
    `| evidence | ${evidence} |`,
  ];
  if (a) lines.push(`| window | ${a.window.from} .. ${a.window.to}: ${a.window.rows} rows, ${a.window.reviewed} reviewed, ${a.window.dropped} dropped |`);
  lines.push(`| reason | ${o.reason ? cell(o.reason) : '(none given)'} |`);
  if (o.refusals.length) lines.push('', '### Refused', '', ...o.refusals.map((r) => `- ${r}`));
  if (a) {
    lines.push('', `### Criteria (${a.transition})`, '', '| criterion | value | op | threshold | result |', '|---|---|---|---|---|');
    for (const c of a.criteria) {
      const why = c.gap !== undefined ? ` (off by ${c.gap})` : '';
      lines.push(`| ${c.id} | ${c.value ?? 'n/a'} | ${c.op} | ${c.threshold} | ${c.pass ? 'pass' : `FAIL${why}${c.reason ? `: ${cell(c.reason)}` : ''}`} |`);
    }
  }
  if (o.direction !== 'none') lines.push('', '### Table 3 delta (`terraform plan`: the environment of every agent Lambda function)', '', ...deltaMarkdown(o.from, o.to));
  return `${lines.join('\n')}\n`;
}
