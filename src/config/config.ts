import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { Ajv, type ErrorObject } from 'ajv';
import { parseDocument, LineCounter, isMap, isSeq, isScalar, type Document, type Node } from 'yaml';
import { InputError } from '../model/errors.js';
import { yamlErrorKind } from '../input/parse-error.js';
import { normalizeRuleId, type SuppressionRule } from '../suppress/suppressions.js';
import { PACKAGE_ROOT } from '../version.js';
import { dict } from '../model/dict.js';

/**
 * `.ztait.yaml`: found in the scanned directory or its parents up to the repository's top, or given with --config. Holds every
 * value the CLI flags take; flags on the command line win. Validated against the JSON schema the
 * project ships (schemas/ztait-config.schema.json, printed by `ztait config schema`), and every
 * problem names the file and line.
 */
export interface ZtaitConfig {
  file?: string;
  prefix?: string;
  check?: string[];
  skip_check?: string[];
  soft_fail?: boolean;
  fail_on?: string;
  soft_fail_on?: string[];
  hard_fail_on?: string[];
  allow_errors?: boolean;
  baseline?: string;
  format?: string[];
  output?: string[];
  suppressions: SuppressionRule[];
  /** Line of each top-level key, for `ztait config show`. */
  lines: Record<string, number>;
}

export const CONFIG_SCHEMA_FILE = join(PACKAGE_ROOT, 'schemas', 'ztait-config.schema.json');

let validator: ReturnType<Ajv['compile']> | undefined;
function validate(): ReturnType<Ajv['compile']> {
  if (!validator) {
    const schema = JSON.parse(readFileSync(CONFIG_SCHEMA_FILE, 'utf8')) as object;
    validator = new Ajv({ allErrors: true, strict: false }).compile(schema);
  }
  return validator;
}

/**
 * The nearest `.ztait.yaml` / `.ztait.yml` from `start` upwards, no further than the repository's
 * top (the nearest directory holding `.git`): a file above the repository was not written by it and
 * must not change its gate. Outside a repository, only `start` itself is searched.
 */
export function findConfig(start: string): string | undefined {
  let dir = resolve(start);
  if (existsSync(dir) && !isDir(dir)) dir = dirname(dir);
  const top = repositoryTop(dir) ?? dir;
  for (;;) {
    for (const name of ['.ztait.yaml', '.ztait.yml']) {
      const p = join(dir, name);
      if (existsSync(p)) return p;
    }
    const up = dirname(dir);
    if (dir === top || up === dir) return undefined;
    dir = up;
  }
}

/** The nearest directory at or above `dir` that holds `.git` (a directory, or a worktree's file). */
function repositoryTop(dir: string): string | undefined {
  for (let d = dir; ; d = dirname(d)) {
    if (existsSync(join(d, '.git'))) return d;
    if (dirname(d) === d) return undefined;
  }
}

/** A directory that exists (false for anything unreadable). */
export function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** Reads and validates a config file; every problem is a InputError naming file:line. */
export function loadConfig(file: string): ZtaitConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new InputError(`cannot read config ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    // the parser's own message may quote the file: only its position and error code are shown
    const at = lc.linePos(e.pos[0]);
    throw new InputError(`${file}:${at.line}:${at.col}: invalid YAML (${yamlErrorKind(e.code)})`);
  }
  let data: unknown;
  try {
    data = (doc.toJSON() as unknown) ?? {};
  } catch {
    // an alias without its anchor: the error names the alias, i.e. quotes the file
    throw new InputError(`${file}: invalid YAML (an alias refers to no anchor)`);
  }
  const check = validate();
  if (!check(data)) {
    const err = pickError(check.errors ?? []);
    // an unknown key is reported at its own line, not its parent's
    const extra = err.keyword === 'additionalProperties' ? `/${(err.params as { additionalProperty: string }).additionalProperty}` : '';
    const line = lineOfPath(doc, lc, err.instancePath + extra);
    throw new InputError(`${file}:${line}: ${describe(err)}`);
  }
  const raw = data as Record<string, unknown>;
  const lines: Record<string, number> = dict();
  if (isMap(doc.contents)) {
    for (const pair of doc.contents.items) {
      if (isScalar(pair.key) && (pair.key as Node).range) lines[String(pair.key.value)] = lc.linePos((pair.key as Node).range![0]).line;
    }
  }
  const list = (v: unknown): string[] | undefined =>
    v === undefined
      ? undefined
      : typeof v === 'string'
        ? v
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean)
        : (v as string[]);
  const cfg: ZtaitConfig = { file, suppressions: [], lines };
  if (typeof raw.prefix === 'string') cfg.prefix = raw.prefix;
  for (const k of ['check', 'skip_check', 'soft_fail_on', 'hard_fail_on', 'format'] as const) {
    const v = list(raw[k]);
    if (v) cfg[k] = v;
  }
  // A repository's config writes and reads only inside its own directory (the writes also refuse
  // symlinks there, see io/safe-write.ts): no absolute path, no `..`.
  const outputs = list(raw.output);
  if (outputs) {
    cfg.output = outputs.map((o, i) =>
      insideConfigDir(file, o, () => lineOfPath(doc, lc, Array.isArray(raw.output) ? `/output/${i}` : '/output'), 'output'),
    );
  }
  for (const k of ['soft_fail', 'allow_errors'] as const) if (typeof raw[k] === 'boolean') cfg[k] = raw[k];
  if (typeof raw.fail_on === 'string') cfg.fail_on = raw.fail_on;
  if (typeof raw.baseline === 'string')
    cfg.baseline = insideConfigDir(file, raw.baseline, () => lineOfPath(doc, lc, '/baseline'), 'baseline');
  const sups = Array.isArray(raw.suppressions) ? (raw.suppressions as Record<string, unknown>[]) : [];
  sups.forEach((s, i) => {
    const line = lineOfPath(doc, lc, `/suppressions/${i}`);
    cfg.suppressions.push({
      ids: (list(s.id) ?? []).map(normalizeRuleId),
      kind: 'external',
      resource: String(s.resource),
      reason: String(s.reason),
      ...(typeof s.expires === 'string' ? { expires: s.expires } : {}),
      file,
      line,
    });
  });
  return cfg;
}

/**
 * `path` from the config file, resolved against the file's directory; a InputError naming file:line
 * (never the value: it is the file's content) when it is absolute or leaves that directory.
 */
function insideConfigDir(file: string, path: string, line: () => number, key: string): string {
  const dir = resolve(dirname(file));
  const abs = resolve(dir, path);
  const rel = relative(dir, abs);
  if (isAbsolute(path) || /^[A-Za-z]:|^[\\/]/.test(path) || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
    throw new InputError(
      `${file}:${line()}: ${key} must be a relative path inside the configuration file's directory (no absolute path, no ..)`,
    );
  }
  if (key === 'baseline' && escapesByLink(dir, abs)) {
    throw new InputError(
      `${file}:${line()}: ${key} must be a relative path inside the configuration file's directory (it goes through a symbolic link out of it)`,
    );
  }
  // keep a trailing slash: `output: reports/` names a directory for every format
  return /[\\/]$/.test(path) ? `${abs}${sep}` : abs;
}

/** Whether an existing `abs` really lies outside `dir` once symlinks are resolved (a missing file does not). */
function escapesByLink(dir: string, abs: string): boolean {
  let real: string;
  try {
    real = realpathSync(abs);
  } catch {
    return false;
  }
  const rel = relative(realpathSync(dir), real);
  return rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel);
}

/** The most useful of ajv's errors: unknown keys and wrong types before the oneOf noise. */
function pickError(errors: ErrorObject[]): ErrorObject {
  const rank = (e: ErrorObject): number =>
    e.keyword === 'additionalProperties' ? 0 : e.keyword === 'required' ? 1 : e.keyword === 'oneOf' ? 3 : 2;
  return [...errors].sort((a, b) => rank(a) - rank(b))[0]!;
}

/**
 * An unknown key, quoted when it reads like a misspelt setting (lower-case snake_case); anything
 * else may be a line of some other file given as --config (a credentials file), never quoted.
 */
function keyName(key: string): string {
  return /^[a-z][a-z0-9_-]{0,39}$/.test(key) ? ` "${key}"` : '';
}

function describe(e: ErrorObject): string {
  const at = e.instancePath ? e.instancePath.slice(1).replace(/\//g, '.') : 'the config';
  switch (e.keyword) {
    case 'additionalProperties':
      return `unknown key${keyName((e.params as { additionalProperty: string }).additionalProperty)}${e.instancePath ? ` in ${at}` : ''}`;
    case 'required':
      return `${at} needs "${(e.params as { missingProperty: string }).missingProperty}"`;
    case 'enum':
      return `${at} must be one of ${((e.params as { allowedValues: unknown[] }).allowedValues ?? []).join(', ')}`;
    case 'type':
      return `${at} must be ${(e.params as { type: string }).type}`;
    case 'pattern':
      return `${at} is not valid (${/expires$/.test(at) ? 'a date YYYY-MM-DD' : 'a rule id like SI-6'})`;
    default:
      return `${at} ${e.message ?? 'is not valid'}`;
  }
}

/** The line of the YAML node at a JSON pointer (falls back to its nearest existing parent). */
function lineOfPath(doc: Document, lc: LineCounter, pointer: string): number {
  const parts = pointer
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  let node: unknown = doc.contents;
  const lineOf = (n: unknown): number | undefined => {
    const r = (n as Node | null)?.range;
    return r ? lc.linePos(r[0]).line : undefined;
  };
  let line = lineOf(node) ?? 1;
  for (const part of parts) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === part);
      if (!pair) break;
      line = lineOf(pair.key) ?? line;
      node = pair.value;
    } else if (isSeq(node)) {
      node = node.items[Number(part)];
      line = lineOf(node) ?? line;
    } else break;
  }
  return line;
}
