import type { CheckResult } from '../model/result.js';
import { STATUSES } from '../model/result.js';
import { loadMaturityModel } from '../rules/catalog/maturity.js';
import { dict } from '../model/dict.js';

/**
 * Key order of the JSON contract (shared/spec/cli.md), per object kind. Keys not listed follow in
 * alphabetical order, so the output is byte-stable whatever order the engine built objects in.
 */
const ORDER = {
  root: [
    'tool',
    'source',
    'generated_at',
    'command_line',
    'summary',
    'gate',
    'config',
    'inventory',
    'invariants',
    'maturity',
    'nist',
    'systems',
    'fleet',
    'diagnostics',
    'limitations',
    'approved_by',
  ],
  system: ['root', 'account', 'region', 'status', 'summary', 'inventory', 'invariants', 'maturity', 'nist', 'limitations'],
  fleet: ['accounts', 'invariants', 'shard'],
  fleet_account: ['id', 'name', 'regions', 'status', 'reason'],
  fleet_invariant: ['id', 'counts'],
  shard: ['index', 'count'],
  system_invariant: ['id', 'status', 'findings', 'reason'],
  tool: ['name', 'version'],
  source: ['kind', 'inputs', 'account'],
  input: ['path', 'sha256'],
  account: ['id', 'region', 'caller'],
  summary: [...STATUSES],
  gate: ['passed', 'reason'],
  config: ['mode', 'files', 'weakenings'],
  weakening: ['kind', 'detail', 'source', 'file', 'line'],
  inventory: ['resources', 'by_type'],
  invariant: ['id', 'title', 'status', 'severity', 'stride', 'nist', 'reason', 'findings', 'examined'],
  finding: [
    'resource',
    'arn',
    'file',
    'line',
    'end_line',
    'column',
    'end_column',
    'message',
    'status',
    'suppression',
    'fingerprint',
    'baseline',
    'trace',
    'root',
    'account',
    'region',
  ],
  trace: ['file', 'line', 'end_line', 'what'],
  suppression: ['kind', 'reason', 'file', 'line', 'expires'],
  examined: ['resource', 'arn', 'file', 'line', 'status', 'observed', 'root', 'account', 'region'],
  maturity: ['level', 'name', 'declared_at', 'consistent', 'expected', 'actual', 'deviations', 'reason'],
  declared_at: ['file', 'line', 'resource'],
  deviation: ['setting', 'expected', 'actual', 'resource', 'file', 'line', 'root'],
  nist: ['tenet', 'title', 'status', 'invariants'],
  diagnostic: ['severity', 'message', 'file', 'line', 'column'],
} satisfies Record<string, string[]>;

type Obj = Record<string, unknown>;

/** Sorts keys: listed ones first in contract order, the rest alphabetically; drops undefined. */
function ordered(obj: unknown, order: string[] = []): Obj {
  const o = (obj ?? {}) as Obj;
  const rest = Object.keys(o)
    .filter((k) => !order.includes(k))
    .sort();
  const out: Obj = dict(); // keys may come from the input (a `__proto__` resource type)
  for (const k of [...order, ...rest]) if (o[k] !== undefined) out[k] = o[k];
  return out;
}

/** Deep copy with every nested plain object's keys sorted (records keyed by data). */
function sortedDeep(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortedDeep);
  if (v !== null && typeof v === 'object')
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, sortedDeep((v as Obj)[k])]),
    );
  return v;
}

/** Keys in the given order, nested values with sorted keys. */
function orderedDeep(obj: unknown, order: string[]): Obj {
  return ordered(Object.fromEntries(Object.entries((obj ?? {}) as Obj).map(([k, v]) => [k, sortedDeep(v)])), order);
}

/** Table 3 settings in table order, then any others alphabetically. */
function settingsRecord(rec: unknown): unknown {
  return rec === undefined
    ? undefined
    : orderedDeep(
        rec,
        loadMaturityModel().settings.map((s) => s.name),
      );
}

const list = (v: unknown, f: (x: unknown) => unknown): unknown => (Array.isArray(v) ? v.map(f) : v);

/** The result with every object's keys in canonical order (arrays keep the engine's order). */
export function canonicalResult(result: CheckResult): Obj {
  const r = result as unknown as Obj;
  const src = r.source as Obj | undefined;
  const mat = r.maturity as Obj | undefined;
  const inv = r.inventory as Obj | undefined;
  return ordered(
    {
      ...r,
      tool: ordered(r.tool, ORDER.tool),
      source:
        src &&
        ordered(
          { ...src, inputs: list(src.inputs, (i) => ordered(i, ORDER.input)), account: src.account && ordered(src.account, ORDER.account) },
          ORDER.source,
        ),
      summary: ordered(r.summary, ORDER.summary),
      gate: r.gate && ordered(r.gate, ORDER.gate),
      config:
        r.config &&
        ordered({ ...(r.config as Obj), weakenings: list((r.config as Obj).weakenings, (w) => ordered(w, ORDER.weakening)) }, ORDER.config),
      inventory: inv && ordered({ ...inv, by_type: sortedDeep(inv.by_type) }, ORDER.inventory),
      invariants: list(r.invariants, (i) => {
        const x = i as Obj;
        return ordered(
          {
            ...x,
            findings: list(x.findings, (f) =>
              ordered(
                {
                  ...(f as Obj),
                  suppression: (f as Obj).suppression && ordered((f as Obj).suppression, ORDER.suppression),
                  trace: (f as Obj).trace && list((f as Obj).trace, (t) => ordered(t, ORDER.trace)),
                },
                ORDER.finding,
              ),
            ),
            examined: list(x.examined, (e) => ordered(e, ORDER.examined)),
          },
          ORDER.invariant,
        );
      }),
      maturity: mat && maturityOf(mat),
      nist: list(r.nist, (t) => ordered(t, ORDER.nist)),
      systems: list(r.systems, (x) => {
        const sys = x as Obj;
        return ordered(
          {
            ...sys,
            summary: ordered(sys.summary, ORDER.summary),
            inventory: ordered({ ...(sys.inventory as Obj), by_type: sortedDeep((sys.inventory as Obj).by_type) }, ORDER.inventory),
            invariants: list(sys.invariants, (i) => ordered(i, ORDER.system_invariant)),
            maturity: maturityOf(sys.maturity as Obj),
            nist: list(sys.nist, (t) => ordered(t, ORDER.nist)),
          },
          ORDER.system,
        );
      }),
      fleet: r.fleet && fleetOf(r.fleet as Obj),
      diagnostics: list(r.diagnostics, (d) => ordered(d, ORDER.diagnostic)),
    },
    ORDER.root,
  );
}

/** The org summary of a fleet run: accounts, per-invariant counts (statuses in contract order), shard. */
function fleetOf(fleet: Obj): Obj {
  return ordered(
    {
      ...fleet,
      accounts: list(fleet.accounts, (a) => ordered(a, ORDER.fleet_account)),
      invariants: list(fleet.invariants, (i) =>
        ordered({ ...(i as Obj), counts: ordered((i as Obj).counts, ORDER.summary) }, ORDER.fleet_invariant),
      ),
      shard: fleet.shard && ordered(fleet.shard, ORDER.shard),
    },
    ORDER.fleet,
  );
}

function maturityOf(mat: Obj): Obj {
  return ordered(
    {
      ...mat,
      declared_at: mat.declared_at && ordered(mat.declared_at, ORDER.declared_at),
      expected: settingsRecord(mat.expected),
      actual: settingsRecord(mat.actual),
      deviations: list(mat.deviations, (d) => orderedDeep(d, ORDER.deviation)),
    },
    ORDER.maturity,
  );
}

/** The stable JSON contract: pretty, canonical key order, trailing newline. */
export function renderJson(result: CheckResult): string {
  return `${JSON.stringify(canonicalResult(result), null, 2)}\n`;
}
