/**
 * The most common Terraform-JSON templates - literal text around `${a.b[0]["c"]}` references -
 * turned into the AST parser.ts would build from hcl2json, without calling the WASM parser. Anything
 * else (functions, operators, splats, spaces, directives, strip markers, escapes) is left to it:
 * `undefined` means "not simple". A differential test holds the two to the same ASTs.
 */
import type { Expr, TraversalStep } from './ast.js';

const IDENT = /[A-Za-z_][A-Za-z0-9_-]*/y;
const INDEX = /\[(?:(0|[1-9][0-9]{0,14})|"([A-Za-z0-9_.:/-]*)")\]/y;

/** A reference `root(.attr|[n]|["key"])*` spanning exactly `src[from, to)`, or undefined. */
function reference(src: string, from: number, to: number): Expr | undefined {
  IDENT.lastIndex = from;
  const root = IDENT.exec(src);
  if (!root) return undefined;
  let at = IDENT.lastIndex;
  const steps: TraversalStep[] = [];
  while (at < to) {
    if (src[at] === '.') {
      IDENT.lastIndex = at + 1;
      const m = IDENT.exec(src);
      if (!m || IDENT.lastIndex > to) return undefined;
      steps.push({ kind: 'attr', name: m[0] });
      at = IDENT.lastIndex;
    } else if (src[at] === '[') {
      INDEX.lastIndex = at;
      const m = INDEX.exec(src);
      if (!m || INDEX.lastIndex > to) return undefined;
      steps.push({ kind: 'index', key: m[1] !== undefined ? Number(m[1]) : m[2]! });
      at = INDEX.lastIndex;
    } else return undefined;
  }
  // a root alone that names a literal is not a reference
  if (steps.length === 0 && (root[0] === 'true' || root[0] === 'false' || root[0] === 'null')) return undefined;
  return { kind: 'traversal', root: root[0], steps };
}

export function simpleTemplate(src: string): Expr | undefined {
  if (src.includes('%{') || src.includes('$$') || src.includes('%%')) return undefined;
  const parts: Expr[] = [];
  let at = 0;
  while (at < src.length) {
    const open = src.indexOf('${', at);
    if (open < 0) {
      parts.push({ kind: 'literal', value: src.slice(at) });
      break;
    }
    if (open > at) parts.push({ kind: 'literal', value: src.slice(at, open) });
    const close = src.indexOf('}', open + 2);
    if (close < 0) return undefined;
    const ref = reference(src, open + 2, close);
    if (!ref) return undefined;
    parts.push(ref);
    at = close + 1;
  }
  const text = parts.filter((p) => p.kind === 'literal');
  // Literal text with a quote, backslash or control character is decoded by the real parser.
  if (text.some((p) => p.kind === 'literal' && /["\\\u0000-\u001f]/.test(String(p.value)))) return undefined;
  if (parts.length === 0) return undefined;
  if (parts.length === 1) return parts[0]!.kind === 'literal' ? undefined : parts[0];
  return { kind: 'template', parts };
}
