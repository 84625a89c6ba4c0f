/**
 * SI-14: Bedrock prompts cannot be modified via the API. The system prompt belongs in the triage
 * function's code; it fails when a prompt is found in an API-writable store:
 *  - a Lambda environment variable, a DynamoDB table item (`aws_dynamodb_table_item`, typed JSON
 *    `{"attr": {"S": "..."}}`), an SSM parameter, an S3 object, a Secrets Manager secret named for
 *    prompts, a Bedrock prompt (`aws_bedrockagent_prompt`), a table named for prompts;
 *  - a prompt is a value under a name, key, attribute or parameter containing `prompt`
 *    (case-insensitive), or a text that looks like instructions (looksLikePrompt below);
 * and when a triage role (a function whose name says triage, or whose role may bedrock:InvokeModel)
 * may write to a store a prompt is read from: each store above, and the triage function itself
 * (its code and configuration: the hard-coded prompt lives there).
 */
import type { Resource } from '../../model/inventory.js';
import { RefObject, Unknown, isObject, show, type Value } from '../../model/value.js';
import { GrantCollector, IAM_NEEDS, arnGlob } from '../lib/iam.js';
import { iamView, mightGrant, roleMay } from '../../policy/roles.js';
import { OutcomeBuilder, environmentOf, gapErrors, inScope, label, says, triageByName, unknownReason } from '../lib/pipeline.js';
import { soleRole } from '../lib/principals.js';
import type { Rule, RuleContext, RuleOutcome } from '../define.js';

const NEEDS = [
  'aws_lambda_function',
  'aws_dynamodb_table.name',
  'aws_ssm_parameter',
  'aws_s3_object',
  'aws_secretsmanager_secret',
  ...IAM_NEEDS,
];

/** A place a prompt can be read from, and the API calls that change it. */
interface Store {
  /** `table ztait-settings`, `function ztait-triage (configuration)`. */
  what: string;
  arn: string;
  exact: boolean;
  actions: readonly string[];
  /** Why it matters: `holds the prompt in aws_dynamodb_table_item.prompt`. */
  why: string;
  /** The resource the ARN is of, when it is in the inventory. */
  about?: Resource;
}

const TABLE_WRITES = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:PartiQLInsert',
  'dynamodb:PartiQLUpdate',
];
const FUNCTION_WRITES = ['lambda:UpdateFunctionConfiguration', 'lambda:UpdateFunctionCode'];

export const promptImmutable: Rule = {
  id: 'SI-14',
  scope: 'state',
  evaluate(ctx: RuleContext): RuleOutcome {
    const out = new OutcomeBuilder(gapErrors(ctx, NEEDS));
    const stores = new Map<string, Store>();
    const addStore = (s: Store): void => {
      const prev = stores.get(s.arn);
      if (prev) prev.why = prev.why.includes(s.why) ? prev.why : `${prev.why}; ${s.why}`;
      else stores.set(s.arn, s);
    };
    scanFunctions(ctx, out, addStore);
    scanTables(ctx, out, addStore);
    scanParameters(ctx, out, addStore);
    scanObjects(ctx, out, addStore);
    scanNamedStores(ctx, out, addStore);
    checkTriageWrites(ctx, out, stores);
    return out.finish('no Lambda function, table, table item, SSM parameter or S3 object that could hold a prompt');
  },
};

// ------------------------------------------------------------------ what a prompt looks like

/** `You are an incident triage assistant...`, `Act as a ...`, `Your task is ...`, `System: ...`. */
const PREAMBLE =
  /^["'`\s]*(?:you are (?:an?|the)\s+\w+|you're (?:an?|the)\s+\w+|act as (?:an?|the)\s+\w+|your (?:role|task|job|goal) is\b|system\s*:)/i;

/** Marks of instructions to a model. */
const CUES = [
  /\byou (?:must|should|will|are to)\b/i,
  /\b(?:do not|don't|never)\s+\w+/i,
  /\balways\s+\w+/i,
  /\bignore\b/i,
  /\b(?:respond|reply|answer)\b/i,
  /\b(?:return|output)\s+(?:only\s+)?(?:a|an|the|json|valid)\b/i,
  /\b(?:classify|categori[sz]e|summari[sz]e|assess|determine)\b/i,
  /\binstructions?\b/i,
  /<\/?[a-z_]+>/i,
];

/**
 * A text that reads as instructions to a model. Natural-language prose only (at least 40
 * characters and 6 words, at least 70% letters and spaces, so JSON, ARNs, ids and code are out);
 * then either it opens like a system prompt (PREAMBLE: `You are an/the ...`, `Act as a ...`,
 * `Your task is`, `System:`) or it is at least 200 characters long with at least 3 distinct
 * instruction cues (CUES: `you must`, `never`, `always`, `respond`, `return JSON`, `classify`,
 * `instructions`, `<data>` tags...). "You are not authorised" does not open like a prompt.
 */
export function looksLikePrompt(s: string): boolean {
  const t = s.trim();
  if (t.length < 40 || t.split(/\s+/).length < 6) return false;
  const prose = (t.match(/[A-Za-z\s]/g) ?? []).length / t.length;
  if (prose < 0.7) return false;
  if (PREAMBLE.test(t)) return true;
  return t.length >= 200 && CUES.filter((re) => re.test(t)).length >= 3;
}

const namesPrompt = (s: string | undefined): boolean => s !== undefined && /prompt/i.test(s);

/** Known text of a value for the heuristic: a string, or an Unknown pattern without its unknown parts. */
function textOf(v: Value | undefined): string | undefined {
  if (typeof v === 'string') return v;
  if (v instanceof Unknown && v.pattern) return v.pattern.replace(/\*/g, ' ');
  return undefined;
}

/** An unknown value that refers to no resource (a variable without value, a failed function) may be anything. */
const opaque = (v: Value | undefined): v is Unknown =>
  v instanceof Unknown && v.refs.length === 0 && !v.pattern && v.structure === undefined;

// ------------------------------------------------------------------ stores

function scanFunctions(ctx: RuleContext, out: OutcomeBuilder, addStore: (s: Store) => void): void {
  for (const fn of inScope(ctx, 'aws_lambda_function')) {
    const env = environmentOf(fn);
    const name = label(fn);
    if (env.kind === 'unknown') {
      out.error(fn, `environment of function ${name} is unknown (${env.reason}): it may hold a prompt`, 'environment', 'environment');
      out.examine(fn, 'error', 'environment unknown');
      continue;
    }
    if (env.kind === 'none') {
      out.examine(fn, 'pass', 'no environment variables');
      continue;
    }
    const found: string[] = [];
    for (const [k, v] of Object.entries(env.vars)) {
      const attr = `environment.variables.${k}`;
      const text = textOf(v);
      const why = namesPrompt(k)
        ? 'its name says prompt'
        : text !== undefined && looksLikePrompt(text)
          ? 'its value reads as model instructions'
          : undefined;
      if (why) {
        out.fail(
          fn,
          `function ${name} stores a prompt in environment variable ${k} (${why}); a system prompt must be hard-coded, not in an API-writable store`,
          attr,
          k,
        );
        found.push(k);
      } else if (opaque(v)) {
        out.error(fn, `cannot tell whether environment variable ${k} of function ${name} holds a prompt: ${v.reason}`, attr, k);
        out.examine(fn, 'error', `${k} unknown`);
      }
    }
    if (found.length > 0) {
      out.examine(fn, 'fail', `prompt in environment variable ${found.join(', ')}`);
      const { glob, exact } = arnGlob(fn);
      addStore({
        what: `function ${name} (configuration)`,
        arn: glob,
        exact,
        actions: ['lambda:UpdateFunctionConfiguration'],
        why: `holds a prompt in ${found.join(', ')}`,
        about: fn,
      });
    } else out.examine(fn, 'pass', `no prompt among ${Object.keys(env.vars).length} environment variable(s)`);
  }
}

function scanTables(ctx: RuleContext, out: OutcomeBuilder, addStore: (s: Store) => void): void {
  for (const t of inScope(ctx, 'aws_dynamodb_table')) {
    if (!says(t, 'prompt')) continue;
    out.fail(
      t,
      `table ${label(t)} is a prompt store (its name says prompt): prompts in a table can be changed through the API`,
      undefined,
      'prompt-store',
    );
    out.examine(t, 'fail', 'named for prompts');
    const { glob, exact } = arnGlob(t);
    addStore({ what: `table ${label(t)}`, arn: glob, exact, actions: TABLE_WRITES, why: 'a prompt store', about: t });
  }
  for (const item of inScope(ctx, 'aws_dynamodb_table_item')) {
    const table = ctx.index.resolve(item.values.table_name, ['aws_dynamodb_table']).resources[0];
    const tableName = table
      ? label(table)
      : typeof item.values.table_name === 'string'
        ? item.values.table_name
        : show(item.values.table_name);
    const hit = promptInItem(item);
    if (hit.kind === 'none') {
      out.examine(item, 'pass', 'no prompt in the item');
      continue;
    }
    if (hit.kind === 'unknown') {
      out.error(item, `cannot tell whether table item ${item.address} holds a prompt: ${hit.why}`, 'item', 'prompt');
      out.examine(item, 'error', 'item unknown');
      continue;
    }
    out.fail(
      item,
      `table item ${item.address} stores a prompt in ${hit.where} of table ${tableName}; a system prompt must be hard-coded, not in an API-writable store`,
      'item',
      'prompt',
    );
    out.examine(item, 'fail', `prompt in ${hit.where}`);
    const arn = table
      ? arnGlob(table)
      : typeof item.values.table_name === 'string'
        ? { glob: `arn:aws:dynamodb:*:*:table/${item.values.table_name}`, exact: true }
        : { glob: 'arn:aws:dynamodb:*:*:table/*', exact: false };
    addStore({
      what: `table ${tableName}`,
      arn: arn.glob,
      exact: arn.exact,
      actions: TABLE_WRITES,
      why: `holds the prompt of ${item.address}`,
      ...(table ? { about: table } : {}),
    });
  }
}

type ItemHit = { kind: 'none' } | { kind: 'found'; where: string } | { kind: 'unknown'; why: string };

/** Looks through an item (typed DynamoDB JSON or plain JSON) for an attribute or key naming a prompt, or prompt text. */
function promptInItem(item: Resource): ItemHit {
  if (says(item, 'prompt')) return { kind: 'found', where: `the item ${item.address} (its name says prompt)` };
  let raw: Value | undefined = item.values.item;
  if (raw instanceof Unknown && raw.structure !== undefined) raw = raw.structure;
  if (typeof raw === 'string') {
    const text = raw;
    try {
      raw = JSON.parse(text) as Value;
    } catch {
      return looksLikePrompt(text) ? { kind: 'found', where: 'its text' } : { kind: 'none' };
    }
  }
  if (raw instanceof Unknown || raw instanceof RefObject) {
    return raw instanceof Unknown && raw.pattern && /prompt/i.test(raw.pattern)
      ? { kind: 'found', where: 'an attribute naming prompt' }
      : { kind: 'unknown', why: unknownReason(raw) };
  }
  let hit: ItemHit = { kind: 'none' };
  const walk = (v: Value, path: string, depth: number): void => {
    if (hit.kind === 'found' || depth > 10) return;
    if (typeof v === 'string') {
      // A short identifier naming prompt is a key (`PROMPT#triage`); prose is judged by the heuristic.
      if ((namesPrompt(v) && !/\s/.test(v) && v.length <= 120) || looksLikePrompt(v))
        hit = { kind: 'found', where: path ? `attribute ${path}` : 'the item' };
    } else if (Array.isArray(v)) v.forEach((e) => walk(e, path, depth + 1));
    else if (isObject(v)) {
      for (const [k, e] of Object.entries(v)) {
        const typed = /^(S|N|B|BOOL|NULL|M|L|SS|NS|BS)$/.test(k);
        const p = typed ? path : path ? `${path}.${k}` : k;
        if (!typed && namesPrompt(k)) {
          hit = { kind: 'found', where: `attribute ${p}` };
          return;
        }
        walk(e, p, depth + 1);
      }
    } else if (opaque(v) && hit.kind === 'none') hit = { kind: 'unknown', why: `attribute ${path || '(item)'} is unknown: ${v.reason}` };
  };
  walk(raw ?? null, '', 0);
  return hit;
}

function scanParameters(ctx: RuleContext, out: OutcomeBuilder, addStore: (s: Store) => void): void {
  for (const p of inScope(ctx, 'aws_ssm_parameter')) {
    const name = typeof p.values.name === 'string' ? p.values.name : undefined;
    let where: { attr: string; why: string } | undefined;
    const hasValue = ['value', 'insecure_value'].find((a) => p.values[a] !== undefined && p.values[a] !== null);
    if (namesPrompt(name) || says(p, 'prompt')) where = { attr: hasValue ?? 'name', why: 'its name says prompt' };
    else {
      for (const attr of ['value', 'insecure_value']) {
        const text = textOf(p.values[attr]);
        if (text !== undefined && looksLikePrompt(text)) where = { attr, why: 'its value reads as model instructions' };
      }
    }
    if (!where) {
      const v = p.values.value ?? p.values.insecure_value;
      const read = v === undefined || v === null ? 'value not read, name' : 'name and value';
      out.examine(p, 'pass', `${read} show no prompt`);
      continue;
    }
    out.fail(
      p,
      `SSM parameter ${label(p)} stores a prompt (${where.why}); a system prompt must be hard-coded, not in an API-writable store`,
      where.attr,
      'prompt',
    );
    out.examine(p, 'fail', `prompt: ${where.why}`);
    const { glob, exact } = arnGlob(p);
    addStore({ what: `SSM parameter ${label(p)}`, arn: glob, exact, actions: ['ssm:PutParameter'], why: 'holds a prompt', about: p });
  }
}

function scanObjects(ctx: RuleContext, out: OutcomeBuilder, addStore: (s: Store) => void): void {
  for (const o of inScope(ctx, 'aws_s3_object', 'aws_s3_bucket_object')) {
    const key = typeof o.values.key === 'string' ? o.values.key : undefined;
    const content = textOf(o.values.content);
    let where: { attr: string; why: string } | undefined;
    if (namesPrompt(key) || says(o, 'prompt')) where = { attr: 'key', why: 'its key says prompt' };
    else if (content !== undefined && looksLikePrompt(content)) where = { attr: 'content', why: 'its content reads as model instructions' };
    if (!where) {
      out.examine(o, 'pass', 'key and content show no prompt');
      continue;
    }
    out.fail(
      o,
      `S3 object ${key ?? o.address} stores a prompt (${where.why}); a system prompt must be hard-coded, not in an API-writable store`,
      where.attr,
      'prompt',
    );
    out.examine(o, 'fail', `prompt: ${where.why}`);
    const bucket = ctx.index.resolve(o.values.bucket, ['aws_s3_bucket']).resources[0];
    const bucketName =
      bucket && typeof bucket.values.bucket === 'string'
        ? bucket.values.bucket
        : typeof o.values.bucket === 'string'
          ? o.values.bucket
          : undefined;
    const exact = bucketName !== undefined && key !== undefined;
    addStore({
      what: `S3 object ${key ?? o.address}`,
      arn: `arn:aws:s3:::${bucketName ?? '*'}/${key ?? '*'}`,
      exact,
      actions: ['s3:PutObject'],
      why: 'holds a prompt',
    });
  }
}

/** Stores that exist to hold prompts: Bedrock prompt management, secrets named for prompts. */
function scanNamedStores(ctx: RuleContext, out: OutcomeBuilder, addStore: (s: Store) => void): void {
  for (const p of inScope(ctx, 'aws_bedrockagent_prompt')) {
    out.fail(p, `Bedrock prompt ${label(p)} is stored in Bedrock prompt management, which the API can change`, undefined, 'prompt');
    out.examine(p, 'fail', 'Bedrock managed prompt');
    const { glob, exact } = arnGlob(p);
    addStore({
      what: `Bedrock prompt ${label(p)}`,
      arn: glob,
      exact,
      actions: ['bedrock:UpdatePrompt', 'bedrock:CreatePromptVersion'],
      why: 'a prompt',
      about: p,
    });
  }
  for (const s of inScope(ctx, 'aws_secretsmanager_secret')) {
    if (!says(s, 'prompt')) continue;
    out.fail(s, `secret ${label(s)} is a prompt store (its name says prompt); a system prompt must be hard-coded`, undefined, 'prompt');
    out.examine(s, 'fail', 'named for prompts');
    const { glob, exact } = arnGlob(s);
    addStore({
      what: `secret ${label(s)}`,
      arn: glob,
      exact,
      actions: ['secretsmanager:PutSecretValue', 'secretsmanager:UpdateSecret'],
      why: 'a prompt store',
      about: s,
    });
  }
}

// ------------------------------------------------------------------ the triage role may not write them

/** A triage function, or one that may be (its role's policies cannot be read, and may invoke Bedrock). */
interface TriageCandidate {
  fn: Resource;
  role?: Resource;
  /** Why it may be a triage function, when that is not certain. */
  maybe?: string;
  /** Why its role cannot be judged (no role to judge). */
  problem?: string;
}

const BEDROCK = ['bedrock:InvokeModel', 'arn:aws:bedrock:*::foundation-model/*'] as const;

/** Triage functions: named for triage, or whose role may invoke a Bedrock model (fail closed when unreadable). */
function triageFunctions(ctx: RuleContext): TriageCandidate[] {
  const byName = new Set(triageByName(ctx).map((fn) => fn.address));
  const view = iamView(ctx);
  const out: TriageCandidate[] = [];
  for (const fn of inScope(ctx, 'aws_lambda_function')) {
    const sole = soleRole(ctx, fn);
    if (byName.has(fn.address)) {
      out.push({ fn, ...sole });
      continue;
    }
    if ('problem' in sole) {
      out.push({ fn, maybe: `${sole.problem}, so it may invoke Bedrock` });
      continue;
    }
    const role = sole.role;
    const d = roleMay(view.forRole(role), ...BEDROCK);
    if (d.decision === 'allowed') out.push({ fn, role });
    else if (d.decision === 'unknown') out.push({ fn, role, maybe: `its role may invoke Bedrock: ${d.reason}` });
  }
  return out;
}

function checkTriageWrites(ctx: RuleContext, out: OutcomeBuilder, stores: Map<string, Store>): void {
  const view = iamView(ctx);
  const grants = new GrantCollector(view);
  for (const { fn, role, maybe, problem } of triageFunctions(ctx)) {
    const what = maybe ? `role of function ${label(fn)}, which may be a triage function (${maybe}),` : 'triage role';
    if (!role) {
      out.error(
        fn,
        maybe
          ? `cannot tell whether function ${label(fn)} is a triage function that can change its prompt: ${maybe}`
          : `cannot tell whether triage function ${label(fn)} can change its prompt: ${problem ?? 'its role is unknown'}`,
        'role',
        'role',
      );
      out.examine(fn, 'error', 'its role cannot be judged');
      continue;
    }
    const rp = view.forRole(role);
    const self = arnGlob(fn);
    const all: Store[] = [
      ...stores.values(),
      {
        what: `triage function ${label(fn)} (code and configuration)`,
        arn: self.glob,
        exact: self.exact,
        actions: FUNCTION_WRITES,
        why: 'where its prompt is read from',
        about: fn,
      },
    ];
    let status: 'pass' | 'fail' | 'error' = 'pass';
    // most roles write to no prompt store at all: their questions need no evaluation
    const may = mightGrant(rp);
    for (const store of all) {
      for (const action of store.actions) {
        if (!may(action, store.about)) continue;
        const d = roleMay(rp, action, store.arn, store.about);
        if (d.decision === 'allowed' && store.exact && !maybe) {
          grants.add(d.grants, action, store.arn, role, `${store.what} (${store.why})`);
          status = 'fail';
        } else if (d.decision === 'allowed' || d.decision === 'unknown') {
          const why = d.decision === 'unknown' ? d.reason : store.exact ? maybe : "the store's ARN is unknown";
          out.error(role, `cannot decide whether the ${what} may ${action} on ${store.what}: ${why}`, undefined, `${action}:${store.arn}`);
          if (status === 'pass') status = 'error';
        }
      }
    }
    out.examine(
      role,
      status,
      status === 'pass' ? `triage role may write to none of ${all.length} prompt store(s)` : `${what} may write to a prompt store`,
    );
  }
  grants.emit(out, (g) => `${g.src.label} lets triage role ${g.roles.join(', ')} write to ${g.context.join(', ')}: it grants ${g.grants}`);
}
