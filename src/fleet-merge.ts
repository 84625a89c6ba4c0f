/**
 * `ztait merge`: the shards of one fleet run (`probe --org | --accounts ... --shard i/N --format
 * json`) back into the single run's result. Each shard's result says, per account x region, its
 * verdicts (`systems`) and, at the top, every finding and examined resource with its root; from
 * them each system's own result is rebuilt and the whole is combined again by fleetResult (the one
 * home of combining, src/systems.ts), so the merged result is the single run's, byte for byte.
 *
 * Shards that do not belong together are refused (an InputError naming the files, exit 2): another
 * ztait version, another N, an index twice or missing, another command line or configuration, an
 * account in two shards or in a shard its id does not hash to, a result that is not a shard.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import type { GatePolicy } from './gate/gate.js';
import { InputError } from './model/errors.js';
import type { CheckResult, ConfigInfo, Finding, GateWeakening } from './model/result.js';
import { STATUSES } from './model/result.js';
import { shardOf } from './sources/aws/fleet/shard.js';
import { fleetResult, systemRoot, type AccountOutcome, type FleetSystem } from './systems.js';

/** One shard's result and the file it came from (named in every refusal). */
export interface ShardResult {
  file: string;
  result: CheckResult;
}

export interface MergeOptions {
  gate?: GatePolicy;
  baseline?: string;
  /** What merge's own flags and configuration file do to the gate (added to the shards' `config`). */
  config?: ConfigInfo;
}

// ------------------------------------------------------------------ the shape of a shard

const COUNT = { type: 'integer', minimum: 0 };
const TEXT = { type: 'string', maxLength: 100_000 };
const TEXTS = { type: 'array', items: TEXT };
const STATUS = { enum: [...STATUSES] };
const REGION = { type: 'string', pattern: '^[a-z]{2,4}(-[a-z0-9]+)+-[0-9]+$' };
const LINE = { type: 'integer', minimum: 0 };
const PLACE = { file: TEXT, line: LINE, end_line: LINE, column: LINE, end_column: LINE };

/**
 * What merging and rendering read beyond what src/cli/result-file.ts checks for every result: the
 * systems in full, the org summary with its shard, and the optional fields of findings.
 */
const SHARD_SCHEMA = {
  type: 'object',
  required: ['command_line', 'systems', 'fleet', 'diagnostics', 'limitations'],
  properties: {
    source: { properties: { kind: { const: 'live' } } },
    command_line: TEXT,
    config: {
      type: 'object',
      required: ['mode', 'files', 'weakenings'],
      properties: {
        mode: TEXT,
        files: TEXTS,
        weakenings: { type: 'array', items: { type: 'object', required: ['kind', 'detail', 'source'] } },
      },
    },
    diagnostics: {
      type: 'array',
      items: {
        type: 'object',
        required: ['severity', 'message'],
        properties: { severity: { enum: ['error', 'warning'] }, message: TEXT, ...PLACE },
      },
    },
    limitations: TEXTS,
    invariants: {
      items: {
        properties: {
          findings: {
            items: {
              properties: {
                ...PLACE,
                trace: {
                  type: 'array',
                  items: { type: 'object', required: ['file', 'line', 'end_line', 'what'], properties: { ...PLACE, what: TEXT } },
                },
                suppression: { properties: { file: TEXT, line: LINE } },
                baseline: { enum: ['new', 'unchanged', 'absent'] },
              },
            },
          },
          examined: { items: { properties: PLACE } },
        },
      },
    },
    systems: {
      type: 'array',
      items: {
        type: 'object',
        required: ['account', 'summary', 'inventory', 'maturity', 'nist'],
        properties: {
          summary: { type: 'object', required: [...STATUSES], properties: Object.fromEntries(STATUSES.map((s) => [s, COUNT])) },
          inventory: {
            type: 'object',
            required: ['resources', 'by_type'],
            properties: { resources: COUNT, by_type: { type: 'object', additionalProperties: COUNT } },
          },
          invariants: { items: { required: ['findings'], properties: { findings: COUNT } } },
          maturity: {
            type: 'object',
            required: ['level', 'consistent', 'deviations'],
            properties: {
              level: { type: ['integer', 'null'] },
              consistent: { type: 'boolean' },
              name: TEXT,
              reason: TEXT,
              declared_at: { type: 'object', properties: { ...PLACE, resource: TEXT } },
              expected: { type: 'object' },
              actual: { type: 'object' },
              deviations: { type: 'array', items: { type: 'object', required: ['setting'], properties: { setting: TEXT, ...PLACE } } },
            },
          },
          nist: {
            type: 'array',
            items: {
              type: 'object',
              required: ['tenet', 'title', 'status', 'invariants'],
              properties: { tenet: COUNT, title: TEXT, status: STATUS, invariants: TEXTS },
            },
          },
          limitations: TEXTS,
        },
      },
    },
    fleet: {
      type: 'object',
      required: ['accounts', 'shard'],
      properties: {
        accounts: {
          type: 'array',
          items: { type: 'object', required: ['regions'], properties: { regions: { type: 'array', items: REGION }, reason: TEXT } },
        },
        shard: {
          type: 'object',
          required: ['index', 'count'],
          properties: { index: { type: 'integer', minimum: 1, maximum: 1000 }, count: { type: 'integer', minimum: 1, maximum: 1000 } },
        },
      },
    },
  },
};

let validate: ValidateFunction | undefined;

/** A JSON pointer with only its fixed parts: a key taken from the file (a resource type) is not quoted. */
const safePointer = (p: string): string =>
  p
    .split('/')
    .map((s) => (/^[a-z][a-z_]{0,40}$|^\d{1,6}$|^$/.test(s) ? s : '…'))
    .join('/') || '/';

const HOW = 'give the results of ztait probe --org|--accounts ... --shard i/N --format json';

/**
 * A shard's result, beyond the shape every result file is checked for (src/cli/result-file.ts
 * readResultFile): a fleet run's, with --shard, its systems one per account x region and every
 * finding one of theirs.
 */
export function checkShard(file: string, r: CheckResult): void {
  if (!r.fleet) throw new InputError(`${file}: not the result of a fleet run: ${HOW}`);
  if (!r.fleet.shard) throw new InputError(`${file}: a fleet run without --shard, nothing to merge it with: ${HOW}`);
  validate ??= new Ajv({ allErrors: false, strict: false }).compile(SHARD_SCHEMA);
  if (!validate(r)) {
    const err = validate.errors?.[0];
    throw new InputError(
      `${file}: not a shard of a fleet run (${safePointer(err?.instancePath ?? '')} ${err?.message ?? 'is invalid'}): ${HOW}`,
    );
  }
  const { index, count } = r.fleet.shard;
  if (index > count) throw new InputError(`${file}: shard ${index} of ${count} is not a shard: ${HOW}`);
  const ids = r.invariants.map((i) => i.id).join();
  const accounts = new Set<string>();
  for (const a of r.fleet.accounts) {
    if (accounts.has(a.id)) throw new InputError(`${file}: account ${a.id} is listed twice`);
    accounts.add(a.id);
  }
  const roots = new Set<string>();
  for (const s of r.systems!) {
    if (!accounts.has(s.account!)) throw new InputError(`${file}: a system of account ${s.account} that the org summary does not list`);
    if (s.root !== systemRoot(s.account!, s.region) || roots.has(s.root))
      throw new InputError(`${file}: the systems of account ${s.account} are not one per region (root <account>/<region>)`);
    roots.add(s.root);
    if (s.invariants.map((i) => i.id).join() !== ids)
      throw new InputError(`${file}: the system ${s.root} has other invariants than the result: ${HOW}`);
  }
  for (const inv of r.invariants)
    for (const x of [...inv.findings, ...inv.examined])
      if (x.root === undefined || !roots.has(x.root))
        throw new InputError(`${file}: ${inv.id} has a finding or examined resource of no system of the shard`);
}

// ------------------------------------------------------------------ shards that belong together

const byIndex = (a: ShardResult, b: ShardResult): number => a.result.fleet!.shard!.index - b.result.fleet!.shard!.index;

/** A version as the file says it, when it has a version's shape (never other text from the file). */
const version = (r: CheckResult): string =>
  /^\d+\.\d+\.\d+[\w.+-]{0,30}$/.test(r.tool.version) ? ` ${r.tool.version}` : ' (another version)';

const TOKEN = /"(?:[^"\\]|\\.)*"|\S+/g;

/**
 * A command line without the options named (`--shard 1/4`, `--shard=1/4`, `-o F`, `-oF`). Tokens
 * are the ones src/cli/common.ts commandLine writes: bare words, or JSON-quoted strings.
 */
function without(commandLine: string, long: string, short?: string): string {
  const tokens = commandLine.match(TOKEN) ?? [];
  const kept: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t === long || t === short) i += 1;
    else if (!t.startsWith(`${long}=`) && !(short && t.startsWith(short))) kept.push(t);
  }
  return kept.join(' ');
}

/** A shard's command line without its `--shard i/N`: the single run's when every job ran the same command. */
export const withoutShard = (commandLine: string): string => without(commandLine, '--shard');

/** What shards of one run share: their command line but for --shard and where each wrote its reports. */
const runOf = (commandLine: string): string => without(withoutShard(commandLine), '--output', '-o');

/**
 * Refuses shards that are not every part of one run: each once, no account twice, each account in
 * the shard its id hashes to (src/sources/aws/fleet/shard.ts).
 */
function checkTogether(shards: ShardResult[]): void {
  const [first, ...rest] = shards;
  if (!first) throw new InputError(`ztait merge needs the shards' JSON results: ${HOW}`);
  const { count } = first.result.fleet!.shard!;
  const ids = first.result.invariants.map((i) => i.id).join();
  for (const s of rest) {
    const r = s.result;
    if (r.tool.version !== first.result.tool.version)
      throw new InputError(
        `${s.file} was made by ztait${version(r)}, ${first.file} by ztait${version(first.result)}: merge the shards of one run`,
      );
    if (r.fleet!.shard!.count !== count)
      throw new InputError(
        `${s.file} is one of ${r.fleet!.shard!.count} shards, ${first.file} one of ${count}: merge the shards of one run`,
      );
  }
  const seen = new Map<number, string>();
  for (const s of shards) {
    const { index } = s.result.fleet!.shard!;
    const other = seen.get(index);
    if (other !== undefined) throw new InputError(`shard ${index}/${count} given twice: ${other} and ${s.file}`);
    seen.set(index, s.file);
  }
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !seen.has(i));
  if (missing.length > 0) {
    const shown = missing.length > 10 ? `${missing.slice(0, 10).join(', ')} and ${missing.length - 10} more` : missing.join(', ');
    throw new InputError(`shard(s) ${shown} of ${count} missing: give every shard of the run`);
  }
  const line = runOf(first.result.command_line);
  const config = JSON.stringify(first.result.config ?? null);
  for (const s of rest) {
    if (runOf(s.result.command_line) !== line)
      throw new InputError(
        `${s.file} was made by another command line than ${first.file} (apart from --shard and -o): merge the shards of one run`,
      );
    if (JSON.stringify(s.result.config ?? null) !== config)
      throw new InputError(`${s.file} was judged with another configuration than ${first.file}: merge the shards of one run`);
    if (s.result.invariants.map((i) => i.id).join() !== ids)
      throw new InputError(`${s.file} judged other invariants than ${first.file}: merge the shards of one run`);
  }
  const owner = new Map<string, string>();
  for (const s of shards)
    for (const a of s.result.fleet!.accounts) {
      const other = owner.get(a.id);
      if (other !== undefined) throw new InputError(`account ${a.id} is in both ${other} and ${s.file}: merge the shards of one run`);
      owner.set(a.id, s.file);
      const { index } = s.result.fleet!.shard!;
      const home = shardOf(a.id, count);
      if (home !== index)
        throw new InputError(
          `${s.file}: account ${a.id} belongs to shard ${home}/${count}, not ${index}/${count}: the shards were not split by this ztait's --shard`,
        );
    }
}

// ------------------------------------------------------------------ merging

/** A finding as one system's result had it: a shard's baseline marks are its own, merge marks anew. */
function unmarked(f: Finding): Finding {
  const { baseline: _shards, ...rest } = f;
  return rest;
}

/**
 * Each account x region's own result, rebuilt from its `systems` entry and its rooted findings
 * (`base`: the run's tool, source, time and command line).
 */
function systemsOf(shard: CheckResult, base: CheckResult): FleetSystem[] {
  return shard.systems!.map((s) => {
    const result: CheckResult = {
      ...base,
      summary: s.summary,
      inventory: s.inventory,
      invariants: shard.invariants.map((inv, i) => {
        const { reason: _combined, ...rest } = inv;
        const own = s.invariants[i]!;
        return {
          ...rest,
          status: own.status,
          ...(own.reason ? { reason: own.reason } : {}),
          findings: inv.findings.filter((f) => f.root === s.root).map(unmarked),
          examined: inv.examined.filter((x) => x.root === s.root),
        };
      }),
      maturity: s.maturity,
      nist: s.nist,
      diagnostics: [],
      limitations: s.limitations ?? [],
    };
    return { root: s.root, account: s.account!, ...(s.region ? { region: s.region } : {}), result };
  });
}

/** The gate settings of a weakening list (what merge applied itself; its rule selection and suppressions were the shards'). */
const GATE_KINDS: GateWeakening['kind'][] = ['soft_fail', 'fail_on', 'soft_fail_on', 'allow_errors', 'baseline'];

/** The shards' configuration, with what merge's own flags and file did to the gate. */
function mergedConfig(shards: ConfigInfo | undefined, own: ConfigInfo | undefined): ConfigInfo | undefined {
  const added = (own?.weakenings ?? []).filter((w) => GATE_KINDS.includes(w.kind));
  if (!own || added.length === 0) return shards;
  const key = (w: GateWeakening): string => JSON.stringify([w.kind, w.detail, w.source, w.file ?? '', w.line ?? 0]);
  const listed = new Set((shards?.weakenings ?? []).map(key));
  const files = [...new Set([...(shards?.files ?? []), ...own.files])];
  return {
    mode: shards && shards.mode !== 'none' ? shards.mode : own.mode,
    files,
    weakenings: [...(shards?.weakenings ?? []), ...added.filter((w) => !listed.has(key(w)))],
  };
}

/**
 * The single run's result from its shards (each checked with checkShard): systems rebuilt and
 * combined again, the org summary without `shard`, the command line without `--shard`, the earliest
 * shard's time, the diagnostics each once, and the gate decided with merge's own policy.
 */
export function mergeShards(shards: ShardResult[], opts: MergeOptions = {}): CheckResult {
  for (const s of shards) checkShard(s.file, s.result);
  checkTogether(shards);
  const ordered = [...shards].sort(byIndex);
  const first = ordered[0]!.result;
  // the run as the first shard says it, with no baseline marks or configuration of its own
  const {
    baseline: _marks,
    config: _config,
    ...template
  } = {
    ...first,
    generated_at: ordered.map((s) => s.result.generated_at).sort()[0]!,
    command_line: withoutShard(first.command_line),
  };
  const result = fleetResult(
    ordered.flatMap((s) => systemsOf(s.result, template)),
    ordered.flatMap((s) => s.result.fleet!.accounts.map(({ status: _worst, ...outcome }): AccountOutcome => outcome)),
    {
      template,
      ...(opts.baseline ? { baseline: opts.baseline } : {}),
      ...(opts.gate ? { gate: opts.gate } : {}),
      diagnostics: ordered.flatMap((s) => s.result.diagnostics),
    },
  );
  const config = mergedConfig(first.config, opts.config);
  if (config) result.config = config;
  else delete result.config;
  return result;
}
