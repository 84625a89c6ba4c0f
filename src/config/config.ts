import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseDocument, LineCounter, isMap, isSeq, isScalar, type Node } from 'yaml';
import { UsageError } from '../cli/errors.js';
import { normalizeRuleId, type SuppressionRule } from '../suppress/suppressions.js';

/**
 * `.ztait.yaml`: found in the scanned directory or its parents, or given with --config. Holds the
 * values the CLI flags take; flags given on the command line win over the file.
 */
export interface ZtaitConfig {
  file?: string;
  prefix?: string;
  check?: string[];
  skip_check?: string[];
  soft_fail?: boolean;
  format?: string[];
  output?: string[];
  suppressions: SuppressionRule[];
}

const KNOWN_KEYS = new Set(['prefix', 'check', 'skip_check', 'soft_fail', 'format', 'output', 'suppressions']);

/** The nearest `.ztait.yaml` / `.ztait.yml` from `start` upwards, if any. */
export function findConfig(start: string): string | undefined {
  let dir = resolve(start);
  if (existsSync(dir) && !isDir(dir)) dir = dirname(dir);
  for (;;) {
    for (const name of ['.ztait.yaml', '.ztait.yml']) {
      const p = join(dir, name);
      if (existsSync(p)) return p;
    }
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** Reads and validates a config file; every problem is a UsageError naming file:line. */
export function loadConfig(file: string): ZtaitConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read config ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false });
  const lineOf = (n: Node | null | undefined): number => (n?.range ? lc.linePos(n.range[0]).line : 1);
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    throw new UsageError(`${file}:${e.linePos?.[0]?.line ?? 1}: invalid YAML: ${e.message.split('\n')[0]}`);
  }
  const cfg: ZtaitConfig = { file, suppressions: [] };
  if (doc.contents === null) return cfg;
  if (!isMap(doc.contents)) throw new UsageError(`${file}:1: the config must be a mapping of settings`);
  for (const pair of doc.contents.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    const line = lineOf(pair.key as Node);
    const val = pair.value as Node | null;
    const where = `${file}:${line}`;
    if (!KNOWN_KEYS.has(key)) throw new UsageError(`${where}: unknown key "${key}" (known: ${[...KNOWN_KEYS].join(', ')})`);
    const js = val && 'toJSON' in val ? (val as { toJSON(): unknown }).toJSON() : null;
    switch (key) {
      case 'prefix':
        if (typeof js !== 'string') throw new UsageError(`${where}: prefix must be a string`);
        cfg.prefix = js;
        break;
      case 'soft_fail':
        if (typeof js !== 'boolean') throw new UsageError(`${where}: soft_fail must be true or false`);
        cfg.soft_fail = js;
        break;
      case 'check':
      case 'skip_check':
      case 'format':
      case 'output':
        cfg[key] = stringList(js, where, key);
        break;
      case 'suppressions':
        if (!isSeq(val)) throw new UsageError(`${where}: suppressions must be a list`);
        for (const item of val.items) cfg.suppressions.push(toSuppression(item as Node, file, lineOf(item as Node)));
        break;
    }
  }
  return cfg;
}

function stringList(v: unknown, where: string, key: string): string[] {
  if (typeof v === 'string') return v.split(',').map((s) => s.trim()).filter(Boolean);
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
  throw new UsageError(`${where}: ${key} must be a string or a list of strings`);
}

function toSuppression(node: Node, file: string, line: number): SuppressionRule {
  const where = `${file}:${line}`;
  const v = (node as { toJSON(): unknown }).toJSON() as Record<string, unknown>;
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new UsageError(`${where}: a suppression must be a mapping`);
  for (const k of Object.keys(v)) {
    if (!['id', 'ids', 'resource', 'reason', 'expires'].includes(k)) throw new UsageError(`${where}: unknown suppression key "${k}"`);
  }
  const ids = v.id ?? v.ids;
  const idList = typeof ids === 'string' ? ids.split(',') : Array.isArray(ids) ? ids.map(String) : undefined;
  if (!idList?.length) throw new UsageError(`${where}: a suppression needs id: SI-n`);
  if (typeof v.resource !== 'string' || v.resource === '') throw new UsageError(`${where}: a suppression needs resource: <address or ARN pattern>`);
  const expires = v.expires instanceof Date ? v.expires.toISOString().slice(0, 10) : v.expires;
  if (expires !== undefined && typeof expires !== 'string') throw new UsageError(`${where}: expires must be a date YYYY-MM-DD`);
  return {
    ids: idList.map(normalizeRuleId),
    kind: 'external',
    resource: v.resource,
    ...(typeof v.reason === 'string' && v.reason.trim() !== '' ? { reason: v.reason } : {}),
    ...(typeof expires === 'string' ? { expires } : {}),
    file,
    line,
  };
}
