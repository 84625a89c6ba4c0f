/**
 * Issue 15 B5, as properties: prototype-like keys (`__proto__`, `constructor`, `toString`...) with
 * any value, added anywhere a pull request can add a key - (a) terraform.tfvars.json, (b) HCL object
 * and map literals, (c) plan JSON values, variables and configuration, (d) .ztait.yaml - never
 * change a verdict, never throw, and never add a property to Object.prototype. Terraform treats
 * these names as ordinary keys (an undeclared variable is only a warning), so must ztait.
 * In-process: the loaders and the engine, as `ztait check` runs them.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadHcl } from '../../src/hcl/loader.js';
import { runChecks } from '../../src/engine.js';
import { loadPlan } from '../../src/sources/plan/index.js';
import { loadConfig } from '../../src/config/config.js';
import { InputError } from '../../src/model/errors.js';
import type { Inventory } from '../../src/model/inventory.js';
import type { SuppressionRule } from '../../src/suppress/suppressions.js';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const ROOT = join(import.meta.dirname, '..', '..');
const NOW = new Date('2026-01-15T00:00:00Z');
const PROTO_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__'] as const;
/** Names the configurations below use: an inherited copy of one of them is what would flip a verdict. */
const USED_NAMES = [
  'pitr',
  'sse_on',
  'maturity_level',
  'settings',
  'class',
  'name',
  'enabled',
  'sse',
  'audit',
  'hash',
  'value',
  'point_in_time_recovery',
  'server_side_encryption',
  'polluted',
];

// `__proto__` is the one that replaces a prototype: drawn more often than the others
const protoKey = fc.oneof({ arbitrary: fc.constant('__proto__'), weight: 2 }, { arbitrary: fc.constantFrom(...PROTO_KEYS), weight: 3 });
const anyKey = fc.oneof(protoKey, fc.constantFrom(...USED_NAMES));

/** Values without text any rule looks for (prompts, secrets, templates): short lowercase words. */
const safeString = fc.stringMatching(/^[a-z0-9 ]{0,8}$/);
const jsonValue: fc.Arbitrary<Json> = fc.letrec<{ v: Json }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.integer({ min: -3, max: 5 }),
    safeString,
    fc.array(tie('v'), { maxLength: 3 }),
    fc.array(fc.tuple(anyKey, tie('v')), { maxLength: 3 }).map(objectOf),
  ),
})).v;

/** What an attacker puts under `__proto__`: often the very names the configuration reads. */
const attackValue: fc.Arbitrary<Json> = fc.oneof(
  { arbitrary: jsonValue, weight: 1 },
  { arbitrary: fc.array(fc.tuple(fc.constantFrom(...USED_NAMES), jsonValue), { minLength: 1, maxLength: 6 }).map(objectOf), weight: 2 },
);

/** An object with these own keys, `__proto__` included (an object literal would set the prototype). */
function objectOf(entries: readonly (readonly [string, Json])[]): { [k: string]: Json } {
  const o: { [k: string]: Json } = {};
  for (const [k, v] of entries) Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  return o;
}

/** Every object in a document (the root included) with its path. */
function objectsIn(
  doc: Json,
  path: (string | number)[] = [],
  out: { obj: { [k: string]: Json }; path: (string | number)[] }[] = [],
): typeof out {
  if (Array.isArray(doc)) doc.forEach((x, i) => objectsIn(x, [...path, i], out));
  else if (doc !== null && typeof doc === 'object') {
    out.push({ obj: doc, path });
    for (const [k, x] of Object.entries(doc)) objectsIn(x, [...path, k], out);
  }
  return out;
}

const addKey = (o: { [k: string]: Json }, k: string, v: Json): void => {
  Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
};

/** The verdicts of a run: every rule's status and the maturity level. */
function verdicts(inv: Inventory, opts: { plan?: boolean; suppressions?: SuppressionRule[] } = {}): string {
  const r = runChecks(inv, { commandLine: 'test', now: NOW, ...(opts.suppressions ? { suppressions: opts.suppressions } : {}) });
  return JSON.stringify({ rules: r.invariants.map((i) => `${i.id}=${i.status}`), level: r.maturity?.level ?? null });
}

const PROTOTYPE_NAMES = Object.getOwnPropertyNames(Object.prototype).sort().join(',');
afterEach(() => {
  // whatever the input held, no run added anything to every object
  expect(Object.getOwnPropertyNames(Object.prototype).sort().join(',')).toBe(PROTOTYPE_NAMES);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
});

// ---- (a) and (b): an HCL configuration --------------------------------------------------------

/**
 * Every verdict here rests on a name: `pitr` (set in tfvars), `sse_on` and `maturity_level` (their
 * defaults), map keys read by attribute, lookup(), merge(), zipmap() and a for expression. `/*O<n>*\/`
 * marks the object literals where entries are added.
 */
const MAIN_TF = `
variable "pitr" {
  type    = bool
  default = false
}
variable "sse_on" {
  type    = bool
  default = false
}
variable "maturity_level" {
  type    = number
  default = 1
}
variable "settings" {
  type    = map(string)
  default = {}
}
locals {
  table   = { name = "ztait-audit", pitr = var.pitr /*O1*/ }
  flags   = merge({ sse = var.sse_on /*O2*/ }, { kind = "audit" /*O3*/ })
  by_key  = { for k, v in { audit = "PAY_PER_REQUEST" /*O4*/ } : k => v }
  zipped  = zipmap(["hash"], ["pk"])
  billing = lookup(local.by_key, "audit", "PROVISIONED")
  class   = lookup(var.settings, "class", "STANDARD")
}
resource "aws_dynamodb_table" "audit" {
  name         = local.table.name
  billing_mode = local.billing
  hash_key     = local.zipped.hash
  table_class  = local.class
  attribute {
    name = "pk"
    type = "S"
  }
  point_in_time_recovery {
    enabled = local.table.pitr
  }
  server_side_encryption {
    enabled = local.flags.sse
  }
  tags = tomap({ owner = "ztait" /*O5*/ })
}
data "aws_iam_policy_document" "p" {
  statement {
    actions   = ["dynamodb:GetItem"]
    resources = [aws_dynamodb_table.audit.arn]
    condition {
      test     = "StringEquals"
      variable = "aws:PrincipalTag/team"
      values   = [local.table.name /*O6*/]
    }
    # condition operators and keys taken from a map: an added key becomes a test name
    dynamic "condition" {
      for_each = { StringLike = "aws:PrincipalTag/team" /*O7*/ }
      content {
        test     = condition.key
        variable = condition.value
        values   = ["ztait-*"]
      }
    }
  }
}
`;
const TFVARS: Json = { pitr: true, settings: { class: 'STANDARD' } };
const SLOTS = 7;

/** An HCL literal for a value; keys quoted or bare at random (all of PROTO_KEYS are identifiers). */
function hcl(v: Json, bare: boolean): string {
  if (v === null || typeof v === 'boolean' || typeof v === 'number') return String(v);
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map((x) => hcl(x, bare)).join(', ')}]`;
  return `{ ${Object.entries(v)
    .map(([k, x]) => `${bare ? k : JSON.stringify(k)} = ${hcl(x, bare)}`)
    .join(', ')} }`;
}

const BASE = mkdtempSync(join(tmpdir(), 'ztait-proto-'));
let seq = 0;
function configDir(mainTf: string, tfvars: Json): string {
  const dir = join(BASE, `c${seq++}`);
  mkdirSync(dir);
  writeFileSync(join(dir, 'main.tf'), mainTf);
  writeFileSync(join(dir, 'terraform.tfvars.json'), JSON.stringify(tfvars));
  return dir;
}

const loadDir = (dir: string): Promise<Inventory> => loadHcl([dir]);

describe('prototype-like keys in an HCL configuration (issue 15 B5)', () => {
  let base: string;
  beforeAll(async () => {
    base = verdicts(await loadDir(configDir(MAIN_TF, TFVARS)));
    // the baseline is what Terraform computes: PITR from tfvars, no SSE and level 1 from the defaults
    expect(base).toContain('"SI-6=pass"');
    expect(base).toContain('"SI-5=fail"');
    expect(base).toContain('"level":1');
  }, 60_000);

  it('(a) keys added anywhere in terraform.tfvars.json change no verdict', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.nat(), protoKey, attackValue), { minLength: 1, maxLength: 4 }), async (adds) => {
        const doc = structuredClone(TFVARS);
        for (const [at, k, v] of adds) {
          const targets = objectsIn(doc);
          addKey(targets[at % targets.length]!.obj, k, v);
        }
        expect(verdicts(await loadDir(configDir(MAIN_TF, doc)))).toBe(base);
      }),
      { numRuns: 40 },
    );
  }, 120_000);

  it('(a) the attack itself: __proto__ holding every variable the configuration reads', async () => {
    const doc = structuredClone(TFVARS) as { [k: string]: Json };
    addKey(doc, '__proto__', { pitr: false, sse_on: true, maturity_level: 3, settings: { class: 'X' } });
    addKey(doc, 'constructor', { prototype: { sse_on: true } });
    expect(verdicts(await loadDir(configDir(MAIN_TF, doc)))).toBe(base);
  });

  it('(b) entries added to object and map literals change no verdict', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.integer({ min: 1, max: SLOTS }), protoKey, attackValue, fc.boolean()), { minLength: 1, maxLength: 4 }),
        async (adds) => {
          let tf = MAIN_TF;
          const seen = new Set<string>();
          for (const [slot, k, v, bare] of adds) {
            // one key once per literal: a duplicate attribute is an error in Terraform too
            if (seen.has(`${slot}|${k}`)) continue;
            seen.add(`${slot}|${k}`);
            // O6 is a list: it gets an element holding the key
            const entry = slot === 6 ? `, ${hcl(objectOf([[k, v]]), bare)}` : `, ${bare ? k : JSON.stringify(k)} = ${hcl(v, bare)}`;
            tf = tf.replace(`/*O${slot}*/`, `${entry} /*O${slot}*/`);
          }
          expect(verdicts(await loadDir(configDir(tf, TFVARS)))).toBe(base);
        },
      ),
      { numRuns: 40 },
    );
  }, 120_000);
});

// ---- (c): a plan ----------------------------------------------------------------------------------

const PLAN_TEXT = readFileSync(join(ROOT, 'fixtures', 'plans', 'pitr-disabled.plan.json'), 'utf8');

/** The places a plan holds maps of data: resource values, variables, configuration expressions. */
function planTargets(doc: { [k: string]: Json }): { obj: { [k: string]: Json }; wrap: (v: Json) => Json }[] {
  const out: { obj: { [k: string]: Json }; wrap: (v: Json) => Json }[] = [];
  const asIs = (v: Json): Json => v;
  for (const { obj, path } of objectsIn(doc)) {
    const p = path.join('.');
    if (/(^|\.)values(\.|$)|change\.(after|before)(\.|$)/.test(p) && !/_unknown|_sensitive|sensitive_values/.test(p))
      out.push({ obj, wrap: asIs });
    else if (p === 'variables') out.push({ obj, wrap: (v) => objectOf([['value', v]]) });
    else if (/configuration\.root_module\.variables$/.test(p)) out.push({ obj, wrap: (v) => objectOf([['default', v]]) });
    else if (/configuration\..*\.expressions$/.test(p)) out.push({ obj, wrap: (v) => objectOf([['constant_value', v]]) });
  }
  return out;
}

describe('prototype-like keys in a plan (issue 15 B5)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ztait-proto-plan-'));
  let n = 0;
  const loadText = async (text: string): Promise<Inventory> => {
    const file = join(dir, `p${n++}.plan.json`);
    writeFileSync(file, text);
    return loadPlan(file);
  };
  let base: string;
  beforeAll(async () => {
    base = verdicts(await loadText(PLAN_TEXT), { plan: true });
    expect(base).toContain('"SI-6=fail"');
  });

  it('(c) keys added to resource values, variables and the configuration change no verdict', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.nat(), protoKey, attackValue), { minLength: 1, maxLength: 4 }), async (adds) => {
        const doc = JSON.parse(PLAN_TEXT) as { [k: string]: Json };
        for (const [at, k, v] of adds) {
          const targets = planTargets(doc);
          const t = targets[at % targets.length]!;
          addKey(t.obj, k, t.wrap(v));
        }
        expect(verdicts(await loadText(JSON.stringify(doc)), { plan: true })).toBe(base);
      }),
      { numRuns: 40 },
    );
  }, 120_000);
});

// ---- (d): .ztait.yaml -------------------------------------------------------------------------------

const YAML_BASE = `suppressions:
  - id: SI-5
    resource: aws_dynamodb_table.audit
    reason: accepted until the CMK lands
`;

/** YAML for a key and a value (flow style, keys quoted or not). */
function yamlPair(k: string, v: Json, quoted: boolean): string {
  return `${quoted ? JSON.stringify(k) : k}: ${JSON.stringify(v)}`;
}

describe('prototype-like keys in .ztait.yaml (issue 15 B5)', () => {
  let inv: Inventory;
  let base: string;
  const dir = mkdtempSync(join(tmpdir(), 'ztait-proto-yaml-'));
  let n = 0;
  beforeAll(async () => {
    inv = await loadDir(configDir(MAIN_TF, TFVARS));
    const file = join(dir, 'base.yaml');
    writeFileSync(file, YAML_BASE);
    base = verdicts(inv, { suppressions: loadConfig(file).suppressions });
    expect(base).toContain('"SI-5=suppressed"');
  }, 60_000);

  it('(d) a key is refused with one line naming the file, or changes no verdict', async () => {
    const place = fc.constantFrom('top', 'item', 'extra-item', 'nested');
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(place, protoKey, attackValue, fc.boolean()), { minLength: 1, maxLength: 3 }), async (adds) => {
        let text = YAML_BASE;
        for (const [where, k, v, quoted] of adds) {
          if (where === 'top') text += `${yamlPair(k, v, quoted)}\n`;
          else if (where === 'item') text = text.replace('    reason:', `    ${yamlPair(k, v, quoted)}\n    reason:`);
          // a suppression whose resource or reason is the name itself: it matches no resource
          else if (where === 'extra-item')
            text = text.replace(
              'suppressions:\n',
              `suppressions:\n  - id: SI-6\n    resource: ${JSON.stringify(k)}\n    reason: ${JSON.stringify(k)}\n`,
            );
          else text += `${quoted ? JSON.stringify(k) : k}:\n  ${yamlPair(k, v, quoted)}\n`;
        }
        const file = join(dir, `c${n++}.yaml`);
        writeFileSync(file, text);
        let suppressions: SuppressionRule[];
        try {
          suppressions = loadConfig(file).suppressions;
        } catch (e) {
          expect(e).toBeInstanceOf(InputError);
          expect((e as Error).message).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+(:\\d+)?: [^\\n]+$`));
          return;
        }
        expect(verdicts(inv, { suppressions })).toBe(base);
      }),
      { numRuns: 60 },
    );
  });
});
