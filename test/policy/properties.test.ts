/**
 * Property tests (issue 9): the automata-based glob reasoning and the evaluator agree with
 * brute-force references over a small alphabet, and the parser never throws on hostile input.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deniesCertainly, effectivePermission, explicitlyDenies, mayConcernAction, statementApplies } from '../../src/policy/evaluate.js';
import { globCovers, globMatch, globsCoverUnion, globsOverlap } from '../../src/policy/match.js';
import { parsePolicy } from '../../src/policy/parse.js';
import { actions, expand, glob, policy, resourceQuery, specificGlob, statement } from './arbitraries.js';
import { globRegex, refActionMatches, refApplies, refCovers, refEffective, refOverlap, universe } from './reference.js';

// General patterns of length <= 4 over {a, b}; `c` stands for every character they do not name
// (a specific pattern may name it). Strings up to length 8 hold a witness for every overlap and a
// counterexample for every non-cover.
const U = universe(['a', 'b', 'c'], 8);

describe('glob reasoning agrees with brute force', () => {
  it('globMatch agrees with a regular expression', () => {
    fc.assert(
      fc.property(glob(6), fc.array(fc.constantFrom('a', 'b', 'c', '*', ':', '/'), { maxLength: 8 }), (p, cs) => {
        const s = cs.join('');
        expect(globMatch(p, s)).toBe(globRegex(p).test(s));
      }),
      { numRuns: 2000 },
    );
  });
  it('globsOverlap agrees', () => {
    fc.assert(
      fc.property(glob(4), specificGlob(4), (a, b) => {
        expect(globsOverlap(a, b)).toBe(refOverlap(a, b, U));
      }),
      { numRuns: 400 },
    );
  });
  it('globCovers agrees', () => {
    fc.assert(
      fc.property(glob(4), specificGlob(4), (g, s) => {
        expect(globCovers(g, s)).toBe(refCovers(g, s, U));
      }),
      { numRuns: 400 },
    );
  });
  it('globsCoverUnion agrees', () => {
    fc.assert(
      fc.property(fc.array(glob(3), { minLength: 1, maxLength: 3 }), specificGlob(3), (gs, s) => {
        const rs = globRegex(s);
        const rgs = gs.map((g) => globRegex(g));
        const want = U.every((x) => !rs.test(x) || rgs.some((r) => r.test(x)));
        expect(globsCoverUnion(gs, s)).toBe(want);
      }),
      { numRuns: 200 },
    );
  });
});

describe('evaluator agrees with a brute-force reference evaluator', () => {
  it('statementApplies', () => {
    fc.assert(
      fc.property(statement, actions, resourceQuery, (st, a, q) => {
        expect(statementApplies(st, a, q)).toBe(refApplies(st, a, expand(q)));
      }),
      { numRuns: 1500 },
    );
  });
  it('effectivePermission', () => {
    fc.assert(
      fc.property(
        fc.array(policy('identity'), { minLength: 1, maxLength: 2 }),
        fc.option(policy('boundary'), { nil: undefined }),
        actions,
        resourceQuery,
        (identity, boundary, a, q) => {
          const got = effectivePermission(identity, boundary, a, q);
          expect(got.decision).toBe(refEffective(identity, boundary, a, expand(q)));
          // The grants listed are the ones the decision rests on.
          if (got.decision === 'denied') expect(got.deniedBy.length).toBeGreaterThan(0);
          else expect(got.deniedBy).toEqual([]);
        },
      ),
      { numRuns: 1000 },
    );
  });
  it('explicitlyDenies finds exactly a certainly-applying Deny', () => {
    fc.assert(
      fc.property(policy('boundary'), actions, resourceQuery, (p, a, q) => {
        const rs = expand(q);
        const want = p.statements.some((st) => st.effect === 'Deny' && refApplies(st, a, rs) === 'yes');
        const got = explicitlyDenies(p, a, q);
        expect(got !== undefined).toBe(want);
        if (got) expect(p.statements[got.index]!.effect).toBe('Deny');
      }),
      { numRuns: 1000 },
    );
  });
});

// The evaluator keeps answers (per statement, per Action/Resource list, per document; globs'
// tokens per pattern): whatever was asked before, every answer must still be the reference's.
describe('kept answers agree with the reference whatever was asked before', () => {
  const questions = fc.array(fc.tuple(actions, resourceQuery), { minLength: 1, maxLength: 6 });

  it('statementApplies, one policy asked many questions in turn', () => {
    fc.assert(
      fc.property(policy('p'), questions, (p, qs) => {
        for (const [a, q] of qs) {
          for (const st of p.statements) expect(statementApplies(st, a, q)).toBe(refApplies(st, a, expand(q)));
        }
      }),
      { numRuns: 200 },
    );
  });
  it('mayConcernAction: exactly when a statement of the effect admits the action, and never when none applies', () => {
    fc.assert(
      fc.property(policy('p'), fc.constantFrom<'Allow' | 'Deny'>('Allow', 'Deny'), questions, (p, effect, qs) => {
        for (const [a, q] of qs) {
          const got = mayConcernAction(p, effect, a);
          const ofEffect = p.statements.filter((st) => st.effect === effect);
          expect(got).toBe(ofEffect.some((st) => refActionMatches(st, a)));
          if (!got) for (const st of ofEffect) expect(refApplies(st, a, expand(q))).toBe('no');
        }
      }),
      { numRuns: 200 },
    );
  });
  it('deniesCertainly: exactly when a Deny certainly applies', () => {
    fc.assert(
      fc.property(policy('p'), questions, (p, qs) => {
        for (const [a, q] of qs) {
          const want = p.statements.some((st) => st.effect === 'Deny' && refApplies(st, a, expand(q)) === 'yes');
          expect(deniesCertainly(p, a, q)).toBe(want);
        }
      }),
      { numRuns: 200 },
    );
  });
  it('past the bounds of the kept answers (more patterns and resources than are kept)', () => {
    const patterns = Array.from({ length: 12_000 }, (_, i) => `arn:aws:s3:::b${i}/*`);
    for (const [i, p] of patterns.entries()) {
      expect(globMatch(p, `arn:aws:s3:::b${i}/k`)).toBe(true);
      expect(globMatch(p, `arn:aws:s3:::b${i + 1}/k`)).toBe(false);
    }
    // 520,000 answers: past the 500,000 kept in all, every memo starts over.
    const st = { effect: 'Allow' as const, action: ['s3:Get*'], resource: ['b1*'], hasCondition: false };
    const wrong: number[] = [];
    for (let i = 0; i < 520_000; i++) {
      const want = String(i).startsWith('1') ? 'yes' : 'no';
      if (statementApplies(st, 's3:GetObject', `b${i}`) !== want) wrong.push(i);
    }
    // Asked again: answers dropped when the memos started over, and answers kept since.
    for (const i of [0, 1, 10, 519_999])
      expect(statementApplies(st, 's3:GetObject', `b${i}`)).toBe(String(i).startsWith('1') ? 'yes' : 'no');
    expect(wrong).toEqual([]);
  });
});

describe('parsePolicy on hostile input', () => {
  it('never throws on arbitrary JSON values, as objects or as text', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        for (const input of [v, JSON.stringify(v)]) {
          const r = parsePolicy(input as never, 'x');
          if (!r.ok) expect(r.error).not.toContain('\n');
        }
      }),
      { numRuns: 1000 },
    );
  });
  it('never throws on policy-shaped objects with random fields', () => {
    const field = fc.oneof(fc.jsonValue(), fc.constant('*'), fc.array(fc.string(), { maxLength: 3 }));
    fc.assert(
      fc.property(
        fc.record(
          {
            Effect: fc.oneof(fc.constantFrom('Allow', 'Deny'), field),
            Action: field,
            NotAction: field,
            Resource: field,
            NotResource: field,
            Principal: field,
            Condition: field,
          },
          { requiredKeys: [] },
        ),
        (st) => {
          const r = parsePolicy({ Version: '2012-10-17', Statement: [st] } as never, 'x');
          if (r.ok) for (const s of r.policy.statements) expect((s.action ?? s.notAction)!.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
