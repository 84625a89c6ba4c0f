import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { MAX_CSV_ERRORS, parseCsv } from './csv.js';
import { dict } from '../model/dict.js';
import { parseJson } from '../input/parse-error.js';

/**
 * The decision log (shared/spec/maturity.md): rows read from JSON Lines, CSV or the incidents table,
 * each validated field by field. A bad row is reported with where it came from and dropped; a
 * repeated incident id is reported and only its first row counts.
 */

export const SEVERITIES = ['P1', 'P2', 'P3', 'P4', 'noise'] as const;
export const ACTIONS = ['create_incident', 'page', 'declare_mim', 'log_only'] as const;
export const OUTCOMES = ['shadow', 'approved', 'modified', 'rejected', 'auto'] as const;
export type Severity = (typeof SEVERITIES)[number];
export type Action = (typeof ACTIONS)[number];
export type Outcome = (typeof OUTCOMES)[number];

/** Columns a CSV header must name (values may be empty where the spec allows). */
export const REQUIRED_COLUMNS = [
  'incident_id',
  'timestamp',
  'agent_severity',
  'human_severity',
  'agent_action',
  'human_action',
  'confidence',
  'outcome',
  'mim_false_positive',
] as const;

/** Where a row came from: a file and line, or a table and item number. */
export interface RowOrigin {
  file: string;
  line: number;
}

export interface TrustComponents {
  c: number;
  b: number;
  h: number;
  e: number;
}

export interface EvidenceRow {
  incidentId: string;
  timestamp: string;
  /** Milliseconds since the epoch (UTC). */
  time: number;
  /** UTC calendar day `YYYY-MM-DD`, for the per-day accuracy. */
  day: string;
  agentSeverity: Severity;
  humanSeverity: Severity | null;
  agentAction: Action;
  humanAction: Action | null;
  confidence: number;
  outcome: Outcome;
  mimFalsePositive: boolean;
  trust?: TrustComponents;
  origin: RowOrigin;
}

export interface EvidenceProblem {
  file: string;
  line: number;
  kind: 'malformed' | 'duplicate';
  message: string;
  incident_id?: string;
}

export interface EvidenceSource {
  kind: 'file' | 'table';
  /** File path, or the table name. */
  name: string;
  format: 'jsonl' | 'csv' | 'dynamodb';
  sha256?: string;
}

export interface EvidenceSet {
  source: EvidenceSource;
  /** Valid rows, one per incident id, in input order. */
  rows: EvidenceRow[];
  problems: EvidenceProblem[];
  /** Records read (valid, malformed and duplicate). */
  records: number;
}

/** Evidence that cannot be used at all (missing file, wrong format): exit code 2. */
export class EvidenceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EvidenceError';
  }
}

export interface RawRecord {
  origin: RowOrigin;
  fields: Record<string, unknown>;
}

/** Reads and validates an evidence file (JSON Lines or CSV, by extension, else by content). */
export async function readEvidenceFile(path: string): Promise<EvidenceSet> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new EvidenceError(`cannot read evidence file ${path}: ${code === 'ENOENT' ? 'no such file' : (code ?? String(e))}`);
  }
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const text = bytes.toString('utf8').replace(/^\uFEFF/, '');
  const format = detectFormat(path, text);
  const { raws, problems } = format === 'csv' ? csvRecords(path, text) : jsonlRecords(path, text);
  if (raws.length === 0 && problems.length === 0) throw new EvidenceError(`evidence file ${path} has no rows`);
  return buildEvidenceSet({ kind: 'file', name: path, format, sha256 }, raws, problems);
}

/** Validates raw records from any source and removes duplicate incident ids. */
export function buildEvidenceSet(source: EvidenceSource, raws: RawRecord[], problems: EvidenceProblem[] = []): EvidenceSet {
  const all = [...problems];
  const rows: EvidenceRow[] = [];
  const firstSeen = new Map<string, RowOrigin>();
  for (const raw of raws) {
    const v = validateRecord(raw);
    if ('problem' in v) {
      all.push(v.problem);
      continue;
    }
    const first = firstSeen.get(v.row.incidentId);
    if (first) {
      all.push({
        file: raw.origin.file,
        line: raw.origin.line,
        kind: 'duplicate',
        incident_id: v.row.incidentId,
        message: `duplicate incident_id ${JSON.stringify(v.row.incidentId)} (first at ${first.file}:${first.line}); counted once`,
      });
      continue;
    }
    firstSeen.set(v.row.incidentId, raw.origin);
    rows.push(v.row);
  }
  all.sort((a, b) => (a.file === b.file ? a.line - b.line : a.file < b.file ? -1 : 1));
  return { source, rows, problems: all, records: raws.length + problems.length };
}

function detectFormat(path: string, text: string): 'jsonl' | 'csv' {
  const ext = extname(path).toLowerCase();
  if (ext === '.csv') return 'csv';
  if (ext === '.jsonl' || ext === '.ndjson' || ext === '.json') return 'jsonl';
  return text.trimStart().startsWith('{') ? 'jsonl' : 'csv';
}

function jsonlRecords(file: string, text: string): { raws: RawRecord[]; problems: EvidenceProblem[] } {
  const raws: RawRecord[] = [];
  const problems: EvidenceProblem[] = [];
  text.split(/\r\n|\n|\r/).forEach((lineText, k) => {
    const line = k + 1;
    if (lineText.trim() === '') return;
    const result = parseJson(lineText);
    if (!result.ok) {
      // a fixed phrase and the column: V8's own message would quote the row
      problems.push({ file, line, kind: 'malformed', message: `bad JSON: ${result.problem.kind} at column ${result.problem.column}` });
      return;
    }
    const parsed = result.value;
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      problems.push({ file, line, kind: 'malformed', message: 'bad JSON: a line must be one JSON object' });
      return;
    }
    raws.push({ origin: { file, line }, fields: parsed as Record<string, unknown> });
  });
  return { raws, problems };
}

function csvRecords(file: string, text: string): { raws: RawRecord[]; problems: EvidenceProblem[] } {
  const { records, errors, gaveUp } = parseCsv(text);
  if (gaveUp)
    throw new EvidenceError(
      `${file}: not usable as CSV evidence: more than ${MAX_CSV_ERRORS} malformed records (the last at line ${errors.at(-1)?.line})`,
    );
  const header = records[0];
  if (!header || (errors[0] && errors[0].line <= header.line)) {
    throw new EvidenceError(
      `${file}: not usable as CSV evidence: ${errors[0] ? `line ${errors[0].line}: ${errors[0].message}` : 'no header row'}`,
    );
  }
  const names = header.fields.map((f) => f.trim().toLowerCase());
  const missing = REQUIRED_COLUMNS.filter((c) => !names.includes(c));
  if (missing.length > 0) {
    throw new EvidenceError(
      `${file}: not usable as CSV evidence: the header (line ${header.line}) lacks the column(s) ${missing.join(', ')}`,
    );
  }
  const problems: EvidenceProblem[] = errors.map((e) => ({ file, line: e.line, kind: 'malformed', message: `bad CSV: ${e.message}` }));
  const raws: RawRecord[] = [];
  for (const rec of records.slice(1)) {
    if (rec.fields.length !== names.length) {
      problems.push({
        file,
        line: rec.line,
        kind: 'malformed',
        message: `bad CSV: ${rec.fields.length} fields where the header has ${names.length}`,
      });
      continue;
    }
    // column names come from the file: a `__proto__` column stays a column
    const fields: Record<string, unknown> = dict();
    names.forEach((name, k) => (fields[name] = rec.fields[k]));
    raws.push({ origin: { file, line: rec.line }, fields });
  }
  return { raws, problems };
}

// ---- validation -------------------------------------------------------------------------------

const isEmpty = (v: unknown): boolean => v === undefined || v === null || (typeof v === 'string' && v.trim() === '');
const NUMBER_TEXT = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

function validateRecord(raw: RawRecord): { row: EvidenceRow } | { problem: EvidenceProblem } {
  // field names are matched case-insensitively (CSV headers and table attributes vary in case)
  const f = new Map<string, unknown>();
  for (const [k, v] of Object.entries(raw.fields)) f.set(k.trim().toLowerCase(), v);
  const errs: string[] = [];

  const incidentId = f.get('incident_id');
  if (typeof incidentId !== 'string' || incidentId.trim() === '') errs.push('incident_id is missing or not a string');

  const ts = timestamp(f.get('timestamp'));
  if (typeof ts === 'string') errs.push(ts);

  const agentSeverity = enumValue(f.get('agent_severity'), SEVERITIES, 'agent_severity', false, errs);
  const humanSeverity = enumValue(f.get('human_severity'), SEVERITIES, 'human_severity', true, errs);
  const agentAction = enumValue(f.get('agent_action'), ACTIONS, 'agent_action', false, errs);
  const humanAction = enumValue(f.get('human_action'), ACTIONS, 'human_action', true, errs);
  const outcome = enumValue(f.get('outcome'), OUTCOMES, 'outcome', false, errs);
  const confidence = unitNumber(f.get('confidence'), 'confidence', errs);

  let mimFalsePositive = false;
  const mfp = f.get('mim_false_positive');
  if (isEmpty(mfp)) {
    // only a MIM the agent declared can be a false positive: elsewhere an empty value means false
    if (agentAction === 'declare_mim') errs.push('mim_false_positive is empty on a declare_mim row');
  } else {
    const b = boolean(mfp);
    if (b === undefined) errs.push(`mim_false_positive ${JSON.stringify(mfp)} is not true or false`);
    else mimFalsePositive = b;
  }

  const trust = trustComponents(f, confidence, errs);

  if (errs.length > 0 || typeof ts === 'string') {
    return {
      problem: {
        ...raw.origin,
        kind: 'malformed',
        message: errs.join('; '),
        ...(typeof incidentId === 'string' && incidentId.trim() !== '' ? { incident_id: incidentId } : {}),
      },
    };
  }
  const row: EvidenceRow = {
    incidentId: (incidentId as string).trim(),
    timestamp: String(f.get('timestamp')).trim(),
    time: ts.time,
    day: new Date(ts.time).toISOString().slice(0, 10),
    agentSeverity: agentSeverity!,
    humanSeverity: humanSeverity ?? null,
    agentAction: agentAction!,
    humanAction: humanAction ?? null,
    confidence: confidence!,
    outcome: outcome!,
    mimFalsePositive,
    origin: raw.origin,
  };
  if (trust) row.trust = trust;
  return { row };
}

function enumValue<T extends string>(v: unknown, allowed: readonly T[], name: string, optional: boolean, errs: string[]): T | undefined {
  if (isEmpty(v)) {
    if (!optional) errs.push(`${name} is missing`);
    return undefined;
  }
  if (typeof v === 'string' && (allowed as readonly string[]).includes(v.trim())) return v.trim() as T;
  errs.push(`${name} ${JSON.stringify(v)} is not one of ${allowed.join(', ')}`);
  return undefined;
}

function numberValue(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && NUMBER_TEXT.test(v.trim())) return Number(v.trim());
  return undefined;
}

function unitNumber(v: unknown, name: string, errs: string[]): number | undefined {
  if (isEmpty(v)) {
    errs.push(`${name} is missing`);
    return undefined;
  }
  const n = numberValue(v);
  if (n === undefined) errs.push(`${name} ${JSON.stringify(v)} is not a number`);
  else if (n < 0 || n > 1) errs.push(`${name} ${n} is outside [0,1]`);
  else return n;
  return undefined;
}

function boolean(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string') {
    const t = v.trim().toLowerCase();
    if (t === 'true') return true;
    if (t === 'false') return false;
  }
  return undefined;
}

/**
 * Trust components C, B, H, E (also `trust_c` ...). C is the model confidence: when a row gives B, H
 * and E but no C, its `confidence` is C. A row giving only some of them is malformed.
 */
function trustComponents(f: Map<string, unknown>, confidence: number | undefined, errs: string[]): TrustComponents | undefined {
  const get = (k: string): unknown => (isEmpty(f.get(k)) ? f.get(`trust_${k}`) : f.get(k));
  const present = ['c', 'b', 'h', 'e'].filter((k) => !isEmpty(get(k)));
  if (present.length === 0 || (present.length === 1 && present[0] === 'c')) return undefined;
  const missing = ['b', 'h', 'e'].filter((k) => !present.includes(k));
  if (missing.length > 0) {
    errs.push(`trust components incomplete: ${missing.map((k) => k.toUpperCase()).join(', ')} missing`);
    return undefined;
  }
  const before = errs.length;
  const comp = (k: string): number | undefined => unitNumber(get(k), k.toUpperCase(), errs);
  const c = present.includes('c') ? comp('c') : confidence;
  const b = comp('b');
  const h = comp('h');
  const e = comp('e');
  if (errs.length > before || c === undefined || b === undefined || h === undefined || e === undefined) return undefined;
  return { c, b, h, e };
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

/** An RFC 3339 date-time with real calendar values, or why not. */
function timestamp(v: unknown): { time: number } | string {
  if (isEmpty(v)) return 'timestamp is missing';
  const bad = `timestamp ${JSON.stringify(v)} is not an RFC 3339 date-time`;
  if (typeof v !== 'string') return bad;
  const m = RFC3339.exec(v.trim());
  if (!m) return bad;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const frac = m[7] ? Math.floor(Number(`0${m[7]}`) * 1000) : 0;
  const daysInMonth = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  const offH = m[10] ? Number(m[10]) : 0;
  const offM = m[11] ? Number(m[11]) : 0;
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth || h > 23 || mi > 59 || s > 59 || offH > 23 || offM > 59) return bad;
  const sign = m[9] === '-' ? -1 : 1;
  const local = Date.UTC(y, mo - 1, d, h, mi, s, frac);
  return { time: local - sign * (offH * 60 + offM) * 60_000 };
}
