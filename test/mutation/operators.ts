/**
 * Single-change mutants of a Terraform tree, derived from its text: every place an operator applies
 * gives one mutant. The operators are the changes that break a configuration in practice: a boolean
 * flipped, a number pushed past its bound, a port range or a CIDR widened, a Deny statement dropped,
 * a nested block removed, a tfvars value changed. Nothing here knows what an invariant is; which
 * invariant a mutant breaks is pinned beside the harness (expected.yaml) and reviewed.
 */

export interface Mutant {
  /** Stable across unrelated edits: operator, file, and the changed line's text (with its occurrence). */
  id: string;
  op: string;
  /** Path relative to the tree's root. */
  file: string;
  /** 1-based line of the change in the original file (for a removal, the first line removed). */
  line: number;
  /** Lines removed (0 for a one-line edit). */
  removed: number;
  /** The mutated file's text. */
  text: string;
}

type Op = (lines: readonly string[], file: string) => { line: number; replacement: string[]; removed?: number }[];

const BOOL = /^(\s*)([\w"-]+)(\s*=\s*)(true|false)(\s*(#.*)?)$/;
const NUMBER = /^(\s*)([\w"-]+)(\s*=\s*)(\d+)(\s*(#.*)?)$/;
const PORT = /^(\s*)(from_port|to_port)(\s*=\s*)(\d+)\s*$/;
const CIDR = /^(\s*)(cidr_ipv4|cidr_blocks|cidr_ipv6)(\s*=\s*)(.+)$/;
/** Numbers no bound concerns: ports have their own operator, counts and sizes are not security settings. */
const NOT_BOUNDED = new Set(['from_port', 'to_port', 'port', 'count']);

function comment(l: string): boolean {
  return /^\s*(#|\/\/)/.test(l);
}

const flipBool: Op = (lines) =>
  lines.flatMap((l, i) => {
    const m = BOOL.exec(l);
    if (!m || comment(l)) return [];
    return [{ line: i + 1, replacement: [`${m[1]}${m[2]}${m[3]}${m[4] === 'true' ? 'false' : 'true'}${m[5]}`] }];
  });

/** A bound is usually an upper one (days, seconds, levels): ten times the value and one more crosses it. */
const pushNumber: Op = (lines) =>
  lines.flatMap((l, i) => {
    const m = NUMBER.exec(l);
    if (!m || comment(l) || NOT_BOUNDED.has(m[2]!)) return [];
    return [{ line: i + 1, replacement: [`${m[1]}${m[2]}${m[3]}${Number(m[4]) * 10 + 1}${m[5]}`] }];
  });

const widenPort: Op = (lines) =>
  lines.flatMap((l, i) => {
    const p = PORT.exec(l);
    if (p && !comment(l)) {
      const wide = p[2] === 'from_port' ? '0' : '65535';
      return p[4] === wide ? [] : [{ line: i + 1, replacement: [`${p[1]}${p[2]}${p[3]}${wide}`] }];
    }
    const c = CIDR.exec(l);
    if (c && !comment(l) && !c[4]!.includes('0.0.0.0/0')) {
      const wide = c[2] === 'cidr_blocks' ? '["0.0.0.0/0"]' : '"0.0.0.0/0"';
      return [{ line: i + 1, replacement: [`${c[1]}${c[2]}${c[3]}${wide}`] }];
    }
    return [];
  });

/** The block a line is in: from the nearest unmatched opening line above to its closing line. */
function enclosing(lines: readonly string[], at: number, open: RegExp): { start: number; end: number } | undefined {
  let depth = 0;
  for (let s = at; s >= 0; s--) {
    const l = lines[s]!;
    depth += count(l, '}') - count(l, '{');
    if (s < at && depth < 0 && open.test(l)) {
      let d = 0;
      for (let e = s; e < lines.length; e++) {
        d += count(lines[e]!, '{') - count(lines[e]!, '}');
        if (d === 0) return { start: s, end: e };
      }
      return undefined;
    }
    if (depth < 0) depth = 0;
  }
  return undefined;
}

function count(l: string, ch: string): number {
  return l.split(ch).length - 1;
}

/** A Deny statement removed: an `aws_iam_policy_document` `statement {}` block or a jsonencode `{ Effect = "Deny" }` object. */
const dropDeny: Op = (lines) =>
  lines.flatMap((l, i) => {
    if (comment(l) || !/^\s*"?(effect|Effect)"?\s*[=:]\s*"Deny"/.test(l)) return [];
    const b = enclosing(lines, i, /(^\s*statement\s*\{\s*$)|(^\s*\{\s*$)/);
    if (!b) return [];
    // a jsonencode list element ends in `},`: the comma goes with it
    return [{ line: b.start + 1, replacement: [], removed: b.end - b.start + 1 }];
  });

/** Nested blocks of a resource that settings live in (not statements: dropDeny has those). */
const NESTED = /^\s{2,}([a-z_]+)\s*\{\s*$/;
const NOT_REMOVED = new Set(['statement', 'content', 'lifecycle', 'condition', 'principals', 'validation']);

const removeBlock: Op = (lines) =>
  lines.flatMap((l, i) => {
    const m = NESTED.exec(l);
    if (!m || NOT_REMOVED.has(m[1]!)) return [];
    let d = 0;
    for (let e = i; e < lines.length; e++) {
      d += count(lines[e]!, '{') - count(lines[e]!, '}');
      if (d === 0) return [{ line: i + 1, replacement: [], removed: e - i + 1 }];
    }
    return [];
  });

const OPS: Record<string, { op: Op; files: RegExp }> = {
  'flip-bool': { op: flipBool, files: /\.(tf|tfvars)$/ },
  'push-number': { op: pushNumber, files: /\.(tf|tfvars)$/ },
  'widen-port': { op: widenPort, files: /\.tf$/ },
  'drop-deny': { op: dropDeny, files: /\.tf$/ },
  'remove-block': { op: removeBlock, files: /\.tf$/ },
};

/**
 * Changes no operator derives (a value replaced by another kind of value, a line added), written by
 * hand: each breaks one invariant of the reference in a way seen in real configurations.
 */
interface HandWritten {
  name: string;
  file: string;
  /** The line to change (first occurrence, runs of whitespace compare equal)... */
  find: string;
  /** ...after the first line containing this, when given. */
  after?: string;
  replace: string;
}

export const HAND_WRITTEN: readonly HandWritten[] = [
  {
    name: 'Lambda egress rule over all protocols',
    file: 'modules/foundation/network.tf',
    find: 'ip_protocol       = "tcp"',
    replace: 'ip_protocol       = "-1"',
  },
  {
    name: 'CloudTrail bucket versioning suspended',
    file: 'modules/foundation/cloudtrail.tf',
    find: 'status = "Enabled"',
    replace: 'status = "Suspended"',
  },
  {
    name: 'dashboard route without JWT',
    file: 'modules/foundation/api.tf',
    find: 'authorization_type = "JWT"',
    replace: 'authorization_type = "NONE"',
  },
  {
    name: 'replay window of 10 minutes',
    file: 'modules/ingestion/main.tf',
    find: 'REPLAY_WINDOW_SECONDS = var.replay_window_seconds',
    replace: 'REPLAY_WINDOW_SECONDS = 600',
  },
  {
    name: 'signature header not configured',
    file: 'modules/ingestion/main.tf',
    find: 'SIGNATURE_HEADER      = "X-Hub-Signature-256"',
    replace: 'SIGNATURE_HEADER      = "X-Signature"',
  },
  {
    name: 'integration secrets rotated every 90 days',
    file: 'modules/actions/main.tf',
    find: 'automatically_after_days = var.secret_rotation_days',
    replace: 'automatically_after_days = 90',
  },
  {
    name: 'action handler may read every secret',
    file: 'modules/actions/main.tf',
    find: 'resources = [aws_secretsmanager_secret.integration[each.key].arn]',
    replace: 'resources = ["*"]',
  },
  {
    name: 'triage role without permission boundary',
    file: 'modules/triage/main.tf',
    find: 'permissions_boundary = var.permissions_boundary_arn',
    replace: 'permissions_boundary = null',
  },
  {
    name: 'Lambda without subnets',
    file: 'modules/triage/main.tf',
    find: 'subnet_ids         = var.private_subnet_ids',
    replace: 'subnet_ids         = []',
  },
  {
    name: 'system prompt in the triage environment',
    file: 'modules/triage/main.tf',
    find: 'MODEL_ID               = var.bedrock_model_id',
    replace: 'MODEL_ID = var.bedrock_model_id, SYSTEM_PROMPT = "You are the ZTAIT triage engine. Classify every incident."',
  },
];

function handWritten(files: ReadonlyMap<string, string>): Mutant[] {
  // whitespace-insensitive: `terraform fmt` re-aligns the `=` of neighbouring lines
  const norm = (x: string): string => x.trim().replace(/\s+/g, ' ');
  return HAND_WRITTEN.map((h) => {
    const lines = (files.get(h.file) ?? '').split('\n');
    const start = h.after ? lines.findIndex((l) => l.includes(h.after!)) : 0;
    const i = lines.findIndex((l, n) => n >= start && norm(l) === norm(h.find));
    if (i < 0) throw new Error(`hand-written mutant "${h.name}": line not found in ${h.file}`);
    const indent = /^\s*/.exec(lines[i]!)![0];
    lines[i] = indent + h.replace.trim();
    return { id: `hand-written ${h.name}`, op: 'hand-written', file: h.file, line: i + 1, removed: 0, text: lines.join('\n') };
  });
}

/** Every mutant of the files (path -> text); variable declarations' defaults are mutated too, their validation is not. */
export function deriveMutants(files: ReadonlyMap<string, string>): Mutant[] {
  const out: Mutant[] = [];
  for (const [file, text] of [...files].sort(([a], [b]) => a.localeCompare(b))) {
    const lines = text.split('\n');
    for (const [name, { op, files: applies }] of Object.entries(OPS)) {
      if (!applies.test(file)) continue;
      const seen = new Map<string, number>();
      for (const edit of op(lines, file)) {
        if (inValidation(lines, edit.line - 1)) continue;
        const removed = edit.removed ?? 0;
        const changed = lines[edit.line - 1]!.trim().replace(/\s+/g, ' ');
        const n = (seen.get(changed) ?? 0) + 1;
        seen.set(changed, n);
        const next = [...lines.slice(0, edit.line - 1), ...edit.replacement, ...lines.slice(edit.line - 1 + Math.max(removed, 1))];
        out.push({
          id: `${name} ${file}: ${changed}${n > 1 ? ` #${n}` : ''}`,
          op: name,
          file,
          line: edit.line,
          removed,
          text: next.join('\n'),
        });
      }
    }
  }
  return [...out, ...handWritten(files)];
}

/** Inside a `validation {}` block of a variable: a check Terraform runs, not a setting. */
function inValidation(lines: readonly string[], at: number): boolean {
  return enclosing(lines, at, /^\s*validation\s*\{\s*$/) !== undefined;
}
