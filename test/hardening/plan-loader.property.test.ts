/**
 * Property tests of the plan loader (issue 9): a valid plan JSON mutated at random - a value
 * replaced by another of any type, a key deleted, an array emptied or duplicated, the text
 * truncated or spliced with junk - is either loaded into an inventory or refused with a
 * PlanInputError whose message is one line naming the file. Never another exception.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PlanInputError, loadPlan } from '../../src/sources/plan/index.js';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Path = (string | number)[];

const ROOT = join(import.meta.dirname, '..', '..');
const DIR = mkdtempSync(join(tmpdir(), 'ztait-hardening-plan-'));
const SEEDS = ['modules.plan.json', 'audit-table-replace.plan.json', 'empty.plan.json'].map((f) =>
  readFileSync(join(ROOT, 'fixtures', 'plans', f), 'utf8'),
);

/** Every path in a document (objects and arrays included), in document order. */
function paths(doc: Json, prefix: Path = [], out: Path[] = []): Path[] {
  out.push(prefix);
  if (Array.isArray(doc)) doc.forEach((x, i) => paths(x, [...prefix, i], out));
  else if (doc !== null && typeof doc === 'object') for (const [k, x] of Object.entries(doc)) paths(x, [...prefix, k], out);
  return out;
}

function parentOf(doc: Json, path: Path): { parent: Json; key: string | number } | undefined {
  if (path.length === 0) return undefined;
  let cur: Json = doc;
  for (const k of path.slice(0, -1)) cur = (cur as Record<string | number, Json>)[k]!;
  return { parent: cur, key: path[path.length - 1]! };
}

const anyJson: fc.Arbitrary<Json> = fc.letrec<{ j: Json }>((tie) => ({
  j: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null),
    fc.boolean(),
    fc.constantFrom(0, -1, 1.5, 1e308, 2 ** 53 + 1),
    fc.constantFrom(
      '',
      'create',
      'delete',
      'no-op',
      'managed',
      'data',
      'aws_dynamodb_table',
      'module.x',
      '1.2',
      '2.0',
      '${var.x}',
      'x'.repeat(300),
    ),
    fc.string({ maxLength: 10 }),
    fc.array(tie('j'), { maxLength: 3 }),
    fc.dictionary(
      fc.constantFrom(
        'address',
        'mode',
        'type',
        'name',
        'index',
        'values',
        'change',
        'actions',
        'after',
        'before',
        'after_unknown',
        'references',
        'resources',
        'child_modules',
        'module_calls',
        '__proto__',
        'x',
      ),
      tie('j'),
      { maxKeys: 3 },
    ),
  ),
})).j;

/** One structural mutation, applied in place. */
type Mutation =
  | { kind: 'replace'; at: number; value: Json }
  | { kind: 'delete'; at: number }
  | { kind: 'empty'; at: number }
  | { kind: 'duplicate'; at: number }
  | { kind: 'stringify'; at: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), value: anyJson }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('empty' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('stringify' as const), at: fc.nat() }),
);

function mutate(doc: Json, m: Mutation): Json {
  const all = paths(doc);
  const path = all[m.at % all.length]!;
  const loc = parentOf(doc, path);
  const set = (v: Json): Json => {
    if (!loc) return v;
    (loc.parent as Record<string | number, Json>)[loc.key] = v;
    return doc;
  };
  const current = loc ? (loc.parent as Record<string | number, Json>)[loc.key]! : doc;
  switch (m.kind) {
    case 'replace':
      return set(m.value);
    case 'delete':
      if (!loc) return null;
      if (Array.isArray(loc.parent)) loc.parent.splice(Number(loc.key), 1);
      else delete (loc.parent as Record<string, Json>)[loc.key];
      return doc;
    case 'empty':
      return set(Array.isArray(current) ? [] : current !== null && typeof current === 'object' ? {} : '');
    case 'duplicate':
      return set(Array.isArray(current) ? [...current, ...(structuredClone(current) as Json[])] : [current, current]);
    case 'stringify':
      return set(JSON.stringify(current));
  }
}

let counter = 0;
async function expectLoadsOrRefuses(text: string, shown: () => string): Promise<void> {
  const file = join(DIR, `p${counter++}.json`);
  writeFileSync(file, text);
  try {
    const inv = await loadPlan(file);
    expect(Array.isArray(inv.resources), shown()).toBe(true);
  } catch (e) {
    if (!(e instanceof PlanInputError)) throw new Error(`loadPlan threw ${(e as Error)?.stack ?? String(e)}\nfor ${shown()}`);
    expect(e.message, shown()).not.toMatch(/[\r\n]/);
    expect(e.message.startsWith(file), `${e.message} should name ${file}`).toBe(true);
  }
}

describe('the plan loader on mutated plans', () => {
  it('loads or refuses with a one-line PlanInputError after structural mutations', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: SEEDS.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 4 }), async (seed, ms) => {
        let doc = JSON.parse(SEEDS[seed]!) as Json;
        for (const m of ms) doc = mutate(doc, m);
        await expectLoadsOrRefuses(JSON.stringify(doc), () => `seed ${seed}, mutations ${JSON.stringify(ms)}`);
      }),
      { numRuns: 400 },
    );
  }, 60_000);

  it('loads or refuses after textual damage (truncation, junk spliced in)', async () => {
    const junk = fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom('\u0000', '\uFFFD', '\uFEFF', ']]]', '{"', '\\', '"', ',', '\n'));
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: SEEDS.length - 1 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.option(junk, { nil: undefined }),
        fc.boolean(),
        async (seed, where, insert, cut) => {
          const text = SEEDS[seed]!;
          const at = Math.floor(where * text.length);
          const damaged = cut ? text.slice(0, at) + (insert ?? '') : text.slice(0, at) + (insert ?? '') + text.slice(at + 1);
          await expectLoadsOrRefuses(damaged, () => `seed ${seed}, at ${at}, insert ${JSON.stringify(insert)}, cut ${cut}`);
        },
      ),
      { numRuns: 300 },
    );
  }, 60_000);
});
