import { execFileSync } from 'node:child_process';
import { assess, describeCriterion, type Assessment } from './assess.js';
import { changeRecord, shown } from './markdown.js';
import { editedContent, editedLine, locateLevelDefinition, writeFileAtomic, type LevelDefinition } from './definition.js';
import type { EvidenceSet } from './evidence.js';
import { diffLevels, levelLabel, type Level, type SettingChange } from './table.js';

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
    refusals.push(
      `a jump from L${from} to L${to} is refused: the level moves one step at a time (next: ztait maturity set ${to > from ? from + 1 : from - 1})`,
    );
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
    // a tfvars that is a symlink (or sits below one, from the module or the working directory down)
    // is refused, never replaced by a copy
    await writeFileAtomic(def.path, after, { root: req.dir, roots: [process.cwd()], what: 'maturity definition' });
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

/** The Table 3 delta as `terraform plan` shows it in each agent function's environment. */
export function deltaLines(from: Level, to: Level): string[] {
  if (from === to) return ['(no change)'];
  const rows = [
    { env: 'MATURITY_LEVEL', from: String(from), to: String(to) },
    ...diffLevels(from, to).map((c) => ({ env: c.env, from: shown(c.from), to: shown(c.to) })),
  ];
  const w = Math.max(...rows.map((r) => r.env.length));
  return rows.map((r) => `~ ${r.env.padEnd(w)} = "${r.from}" -> "${r.to}"`);
}
