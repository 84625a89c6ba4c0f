/**
 * Terraform addresses and reference traversals, as plan JSON writes them:
 * `module.handlers["slack"].module.alarms[0].aws_cloudwatch_metric_alarm.errors`,
 * `data.aws_iam_policy_document.inline`, `aws_security_group.lambda[0].id`.
 */

export type InstanceKey = string | number;

/** A step of a module instance path; `key` undefined means "every instance" (or none). */
export interface ModuleStep {
  name: string;
  key?: InstanceKey;
}

/** A traversal: names, and instance keys (`undefined` for a key that is not a literal, like `[*]`). */
export type Segment = { name: string } | { key: InstanceKey | undefined };

/** A name in a traversal, matched where the previous step ended (sticky: no copy of the rest). */
const NAME = /[A-Za-z_][A-Za-z0-9_-]*/y;

/** Splits `a.b["k"][0].c` into names and keys. Returns undefined when the text is not a traversal. */
export function splitTraversal(text: string): Segment[] | undefined {
  if (typeof text !== 'string') return undefined; // a document's value typed as a string is not always one
  const out: Segment[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (ch === '.') {
      i += 1;
      continue;
    }
    if (ch === '[') {
      const close = closingBracket(text, i);
      if (close < 0) return undefined;
      out.push({ key: literalKey(text.slice(i + 1, close)) });
      i = close + 1;
      continue;
    }
    NAME.lastIndex = i;
    const m = NAME.exec(text);
    if (!m) return undefined;
    out.push({ name: m[0] });
    i += m[0].length;
  }
  return out;
}

function closingBracket(text: string, open: number): number {
  let inString = false;
  for (let j = open + 1; j < text.length; j++) {
    const c = text[j];
    if (inString) {
      if (c === '\\') j += 1;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === ']') return j;
  }
  return -1;
}

function literalKey(inner: string): InstanceKey | undefined {
  if (/^\d+$/.test(inner)) return Number(inner);
  if (/^"(?:[^"\\]|\\.)*"$/.test(inner)) {
    try {
      return JSON.parse(inner) as string;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

export const formatKey = (key: InstanceKey): string => (typeof key === 'number' ? `[${key}]` : `[${JSON.stringify(key)}]`);

export function formatModulePath(steps: readonly ModuleStep[]): string {
  return steps.map((s) => `module.${s.name}${s.key === undefined ? '' : formatKey(s.key)}`).join('.');
}

export interface ResourceAddress {
  modules: ModuleStep[];
  mode: 'managed' | 'data';
  type: string;
  name: string;
  key?: InstanceKey;
}

export function formatAddress(a: ResourceAddress): string {
  const local = `${a.mode === 'data' ? 'data.' : ''}${a.type}.${a.name}${a.key === undefined ? '' : formatKey(a.key)}`;
  const mod = formatModulePath(a.modules);
  return mod ? `${mod}.${local}` : local;
}

/** Parses a resource instance address; undefined when it is not one. */
export function parseAddress(address: string): ResourceAddress | undefined {
  const segs = splitTraversal(address);
  if (!segs) return undefined;
  const modules: ModuleStep[] = [];
  let i = 0;
  const nameAt = (j: number): string | undefined => {
    const s = segs[j];
    return s && 'name' in s ? s.name : undefined;
  };
  const keyAt = (j: number): InstanceKey | undefined => {
    const s = segs[j];
    return s && 'key' in s ? s.key : undefined;
  };
  while (nameAt(i) === 'module' && nameAt(i + 1) !== undefined) {
    const step: ModuleStep = { name: nameAt(i + 1)! };
    i += 2;
    if (segs[i] && 'key' in segs[i]!) {
      const k = keyAt(i);
      if (k !== undefined) step.key = k;
      i += 1;
    }
    modules.push(step);
  }
  let mode: 'managed' | 'data' = 'managed';
  if (nameAt(i) === 'data') {
    mode = 'data';
    i += 1;
  }
  const type = nameAt(i);
  const name = nameAt(i + 1);
  if (!type || !name) return undefined;
  i += 2;
  const out: ResourceAddress = { modules, mode, type, name };
  if (segs[i] && 'key' in segs[i]!) {
    const k = keyAt(i);
    if (k !== undefined) out.key = k;
    i += 1;
  }
  return i === segs.length ? out : undefined;
}

/** Whether `concrete` (a resource instance) is one of the instances `pattern` designates. */
export function addressMatches(pattern: ResourceAddress, concrete: ResourceAddress): boolean {
  if (pattern.mode !== concrete.mode || pattern.type !== concrete.type || pattern.name !== concrete.name) return false;
  if (pattern.key !== undefined && pattern.key !== concrete.key) return false;
  if (pattern.modules.length !== concrete.modules.length) return false;
  return pattern.modules.every((m, i) => {
    const c = concrete.modules[i]!;
    return m.name === c.name && (m.key === undefined || m.key === c.key);
  });
}
