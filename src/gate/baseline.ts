import { readFileSync } from 'node:fs';
import { writeFileSafe } from '../io/safe-write.js';
import type { CheckResult } from '../model/result.js';
import { InputError } from '../model/errors.js';
import { jsonErrorMessage, parseJson } from '../input/parse-error.js';

/**
 * Baselines (like checkov's): record today's findings so a gate can be switched on without fixing
 * everything first. Entries are matched by fingerprint, which does not depend on line numbers, so
 * moving code around keeps a finding `unchanged`.
 */
export interface BaselineEntry {
  id: string;
  resource: string;
  fingerprint: string;
  message: string;
}

export interface BaselineFile {
  ztait_baseline: 1;
  created_at: string;
  findings: BaselineEntry[];
}

export function createBaseline(result: CheckResult): BaselineFile {
  const findings: BaselineEntry[] = [];
  for (const inv of result.invariants) {
    for (const f of inv.findings) {
      if (f.status === 'suppressed') continue;
      findings.push({ id: inv.id, resource: f.resource, fingerprint: f.fingerprint, message: f.message });
    }
  }
  findings.sort((a, b) => a.id.localeCompare(b.id) || a.resource.localeCompare(b.resource) || a.fingerprint.localeCompare(b.fingerprint));
  return { ztait_baseline: 1, created_at: result.generated_at, findings };
}

export function writeBaseline(file: string, b: BaselineFile, roots: string[] = []): void {
  writeFileSafe(file, `${JSON.stringify(b, null, 2)}\n`, { roots, what: 'baseline' });
}

export function readBaseline(file: string): BaselineFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new InputError(
      `baseline ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : ((e as NodeJS.ErrnoException).code ?? 'cannot read')}`,
    );
  }
  const parsed = parseJson(text);
  if (!parsed.ok) throw new InputError(`baseline ${jsonErrorMessage(file, parsed.problem)}`);
  const b = parsed.value as Partial<BaselineFile>;
  if (
    b?.ztait_baseline !== 1 ||
    !Array.isArray(b.findings) ||
    !b.findings.every((f) => typeof f?.fingerprint === 'string' && typeof f?.id === 'string')
  ) {
    throw new InputError(`baseline ${file}: not a ztait baseline (create one with --create-baseline)`);
  }
  return b as BaselineFile;
}

/**
 * Marks each finding new or unchanged and lists the baselined findings that are gone (fixed).
 * Mutates and returns the result.
 */
export function applyBaseline(result: CheckResult, b: BaselineFile, file: string): CheckResult {
  const known = new Map(b.findings.map((f) => [f.fingerprint, f]));
  const seen = new Set<string>();
  for (const inv of result.invariants) {
    for (const f of inv.findings) {
      if (f.status === 'suppressed') continue;
      if (known.has(f.fingerprint)) {
        f.baseline = 'unchanged';
        seen.add(f.fingerprint);
      } else f.baseline = 'new';
    }
  }
  const absent = b.findings.filter((f) => !seen.has(f.fingerprint));
  result.baseline = { file, absent: absent.map(({ id, resource, fingerprint, message }) => ({ id, resource, fingerprint, message })) };
  return result;
}
