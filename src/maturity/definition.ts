import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { isLevel, type Level } from './table.js';
import { writeFileSafe, type SafeWriteOptions } from '../io/safe-write.js';

/**
 * Where `maturity_level` gets its value in a root module, found the way Terraform resolves it
 * (later wins): `terraform.tfvars`, `terraform.tfvars.json`, then `*.auto.tfvars(.json)` in lexical
 * order; with none of them, the `default` of `variable "maturity_level"` in a `.tf` file. Editing
 * replaces the value's bytes on that one line, so comments, spacing, line endings and every other
 * byte of the file stay as they were.
 */

export interface LevelDefinition {
  /** Absolute path of the file. */
  path: string;
  /** The file name within the root module. */
  file: string;
  line: number;
  kind: 'tfvars' | 'default';
  level: Level;
  /** The whole line as written (without its line break). */
  text: string;
  /** Byte offset of the value token in the file, and its length. */
  valueOffset: number;
  valueLength: number;
  /** Character index of the value in `text`. */
  valueColumn: number;
  quoted: boolean;
}

/** The configuration cannot be used to find or change the level: exit code 2. */
export class DefinitionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DefinitionError';
  }
}

export async function locateLevelDefinition(dir: string): Promise<LevelDefinition> {
  let names: string[];
  try {
    if (!(await stat(dir)).isDirectory()) throw new DefinitionError(`${dir} is not a directory`);
    names = (await readdir(dir)).sort();
  } catch (e) {
    if (e instanceof DefinitionError) throw e;
    throw new DefinitionError(`cannot read ${dir}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  const tfvars = [
    ...names.filter((n) => n === 'terraform.tfvars' || n === 'terraform.tfvars.json'),
    ...names.filter((n) => n.endsWith('.auto.tfvars') || n.endsWith('.auto.tfvars.json')),
  ];
  let found: LevelDefinition | undefined;
  for (const name of tfvars) {
    const def = await findIn(join(dir, name), name, name.endsWith('.json') ? 'json' : 'tfvars');
    if (def) found = def;
  }
  if (found) return found;
  const defaults: LevelDefinition[] = [];
  let declared = false;
  for (const name of names.filter((n) => n.endsWith('.tf'))) {
    const r = await findDefault(join(dir, name), name);
    declared ||= r.declared;
    if (r.def) defaults.push(r.def);
  }
  if (defaults.length === 1) return defaults[0]!;
  if (defaults.length > 1) throw new DefinitionError(`variable "maturity_level" is declared more than once in ${dir}`);
  if (declared)
    throw new DefinitionError(`maturity_level has no value in ${dir}: no tfvars entry and no default in variable "maturity_level"`);
  throw new DefinitionError(`no variable "maturity_level" in ${dir} (looked in *.tf, terraform.tfvars and *.auto.tfvars)`);
}

interface Line {
  n: number;
  text: string;
  /** Byte offset of the line start in the file. */
  offset: number;
  /** Brace depth at the start of the line, and whether the line starts in code (not a string, heredoc or comment). */
  depth: number;
  inCode: boolean;
}

async function findIn(path: string, file: string, syntax: 'tfvars' | 'json'): Promise<LevelDefinition | undefined> {
  const lines = scanLines(await readFile(path), syntax);
  const pattern = syntax === 'json' ? /^(\s*"maturity_level"\s*:\s*)(.*)$/ : /^(\s*maturity_level\s*=\s*)(.*)$/;
  const hits = lines.filter((l) => l.inCode && l.depth === (syntax === 'json' ? 1 : 0) && pattern.test(l.text));
  if (hits.length > 1)
    throw new DefinitionError(`${file}: maturity_level is set more than once (lines ${hits.map((h) => h.n).join(', ')})`);
  return hits[0] ? definitionAt(path, file, hits[0], pattern, 'tfvars', syntax) : undefined;
}

async function findDefault(path: string, file: string): Promise<{ declared: boolean; def?: LevelDefinition }> {
  const lines = scanLines(await readFile(path), 'tfvars');
  const start = lines.findIndex((l) => l.inCode && l.depth === 0 && /^\s*variable\s+"maturity_level"\s*\{/.test(l.text));
  if (start < 0) return { declared: false };
  const pattern = /^(\s*default\s*=\s*)(.*)$/;
  for (const l of lines.slice(start + 1)) {
    if (l.depth === 0) break;
    if (l.inCode && l.depth === 1 && pattern.test(l.text))
      return { declared: true, def: definitionAt(path, file, l, pattern, 'default', 'tfvars') };
  }
  return { declared: true };
}

function definitionAt(
  path: string,
  file: string,
  l: Line,
  pattern: RegExp,
  kind: LevelDefinition['kind'],
  syntax: 'tfvars' | 'json',
): LevelDefinition {
  const m = pattern.exec(l.text)!;
  const rest = m[2]!;
  const trailing = syntax === 'json' ? String.raw`\s*,?\s*` : String.raw`\s*(?:(?:#|//).*|/\*.*\*/\s*)?`;
  const vm = new RegExp(String.raw`^("?)(\d+)\1${trailing}$`).exec(rest);
  const level = vm ? Number(vm[2]) : NaN;
  if (!vm || !isLevel(level)) {
    throw new DefinitionError(`${file}:${l.n}: maturity_level is not a plain level 0..3 (${l.text.trim()}); change it by hand`);
  }
  const quoted = vm[1] === '"';
  const before = m[1]! + (quoted ? '"' : '');
  return {
    path,
    file,
    line: l.n,
    kind,
    level,
    text: l.text,
    valueOffset: l.offset + Buffer.byteLength(before),
    valueLength: vm[2]!.length,
    valueColumn: before.length,
    quoted,
  };
}

/** The file with the level's digits replaced: every other byte unchanged. */
export async function editedContent(def: LevelDefinition, level: Level): Promise<{ before: Buffer; after: Buffer }> {
  const before = await readFile(def.path);
  const current = before.subarray(def.valueOffset, def.valueOffset + def.valueLength).toString('utf8');
  if (current !== String(def.level)) throw new DefinitionError(`${def.file} changed while ztait was reading it; run again`);
  const after = Buffer.concat([
    before.subarray(0, def.valueOffset),
    Buffer.from(String(level)),
    before.subarray(def.valueOffset + def.valueLength),
  ]);
  return { before, after };
}

/** The edited line, for messages. */
export const editedLine = (def: LevelDefinition, level: Level): string =>
  `${def.text.slice(0, def.valueColumn)}${level}${def.text.slice(def.valueColumn + def.valueLength)}`;

/**
 * Writes through a temporary file in the same directory and a rename: readers see old or new, never
 * half; the mode is kept, and a symlink (the file itself, or a directory below `root`) is refused.
 */
export async function writeFileAtomic(path: string, content: Buffer | string, opts: SafeWriteOptions = {}): Promise<void> {
  writeFileSafe(path, content, { durable: true, ...opts });
}

// ---- a light HCL/JSON line scanner: enough to tell code from strings, heredocs and comments -----

function scanLines(buf: Buffer, syntax: 'tfvars' | 'json'): Line[] {
  const text = buf.toString('utf8');
  const out: Line[] = [];
  let depth = 0;
  let state: 'code' | 'string' | 'block' | 'heredoc' = 'code';
  let heredoc = '';
  /** Brace depth inside `${ ... }` of each open string interpolation. */
  const interp: number[] = [];
  let offset = 0;
  const rawLines = text.split(/(?<=\n)/);
  rawLines.forEach((raw, k) => {
    const body = raw.replace(/\r?\n$/, '');
    out.push({ n: k + 1, text: body, offset, depth, inCode: state === 'code' && interp.length === 0 });
    offset += Buffer.byteLength(raw);
    if (state === 'heredoc') {
      if (body.trim() === heredoc) state = 'code';
      return;
    }
    for (let i = 0; i < body.length; i++) {
      const c = body[i]!;
      const next = body[i + 1];
      if (state === 'block') {
        if (c === '*' && next === '/') {
          state = 'code';
          i++;
        }
        continue;
      }
      if (state === 'string') {
        if (c === '\\') i++;
        else if (c === '"') state = 'code';
        else if (syntax === 'tfvars' && c === '$' && next === '{') {
          interp.push(0);
          state = 'code';
          i++;
        }
        continue;
      }
      // code
      if (c === '"') state = 'string';
      else if (syntax === 'tfvars' && (c === '#' || (c === '/' && next === '/'))) break;
      else if (syntax === 'tfvars' && c === '/' && next === '*') {
        state = 'block';
        i++;
      } else if (syntax === 'tfvars' && c === '<' && next === '<') {
        const m = /^<<-?([A-Za-z_][\w-]*)\s*$/.exec(body.slice(i));
        if (m) {
          heredoc = m[1]!;
          state = 'heredoc';
          break;
        }
      } else if (c === '{' || c === '[' || c === '(') {
        if (interp.length > 0) interp[interp.length - 1]!++;
        else depth++;
      } else if (c === '}' || c === ']' || c === ')') {
        if (interp.length > 0) {
          if (interp[interp.length - 1] === 0 && c === '}') {
            interp.pop();
            state = 'string';
          } else interp[interp.length - 1]!--;
        } else depth = Math.max(0, depth - 1);
      }
    }
  });
  return out;
}
