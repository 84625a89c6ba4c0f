import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseHcl } from '@cdktf/hcl2json';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { LEVELS, LEVEL_NAMES, SETTINGS, TABLE3, type Level } from '../../src/maturity/table.js';
import { MIN_REVIEWED_INCIDENTS, TRANSITION_CRITERIA } from '../../src/maturity/assess.js';
import { DEFAULT_WINDOW_DAYS, REGRESSION_RULE, TRUST_WEIGHTS } from '../../src/maturity/metrics.js';
import { MATURITY_VARIABLES, TABLE_3 as LAMBDA_TABLE_3 } from '../../lambda/src/shared/maturity.js';
import { TRUST_WEIGHTS as LAMBDA_TRUST_WEIGHTS } from '../../lambda/src/shared/trust.js';

/**
 * rules/maturity.yaml is the one definition of Table 3, the promotion criteria and the trust score
 * weights. The copies that cannot read it at run time are checked equal to it here, so that a
 * change to one copy alone fails this test:
 * - src/maturity/table.ts (TABLE3), assess.ts (TRANSITION_CRITERIA) and metrics.ts (window,
 *   regression rule, trust weights): the CLI's typed copies;
 * - lambda/src/shared/maturity.ts (TABLE_3, MATURITY_VARIABLES) and trust.ts (TRUST_WEIGHTS): the
 *   Lambda is bundled by esbuild into a zip and has no rules/ directory;
 * - terraform/modules/foundation/maturity.tf (`local.maturity_levels`, `local.maturity_environment`):
 *   Terraform carries the values as strings into every function's environment.
 * The yaml is read raw here (not through src/rules) so that this test depends on nothing but the file.
 */

const ROOT = join(import.meta.dirname, '../..');
const YAML_FILE = join(ROOT, 'rules/maturity.yaml');
const TF_FILE = join(ROOT, 'terraform/modules/foundation/maturity.tf');

type Value = boolean | number | null;
interface Criterion {
  id: string;
  op: string;
  threshold: number;
}
interface MaturityYaml {
  window_days: number;
  settings: { name: string; type: 'boolean' | 'number' }[];
  levels: { level: number; name: string; settings: Record<string, Value> }[];
  transitions: { from: number; to: number; criteria: Criterion[] }[];
  ongoing: { level: number; criteria: Criterion[]; regression: { to: number; threshold: number; consecutive_days: number } };
  trust_score: { component: string; weight: number }[];
}

const y = parseYaml(readFileSync(YAML_FILE, 'utf8')) as MaturityYaml;
const settingNames = y.settings.map((s) => s.name);

/** The yaml's Table 3 as `{ name, settings }` per level, the shape every copy is brought to. */
const yamlTable = y.levels.map((l) => ({ level: l.level, name: l.name, settings: l.settings }));

/** `gating_required_p1_p2` -> `gatingRequiredP1P2` (the Lambda's field names). */
const camel = (s: string): string => s.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
/** The name with its first letter upper-cased: the Lambda and Terraform write level names in lower case. */
const titled = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
const criteria = (cs: readonly Criterion[]) => cs.map(({ id, op, threshold }) => ({ id, op, threshold }));

/** A Terraform string back to a yaml value: "n/a" -> null, "true"/"false" -> boolean, "0.90" -> 0.9. */
function fromTerraform(v: unknown, type: 'boolean' | 'number'): Value | string {
  if (v === 'n/a') return null;
  if (type === 'boolean' && (v === 'true' || v === 'false')) return v === 'true';
  if (type === 'number' && typeof v === 'string' && /^\d+(\.\d+)?$/.test(v)) return Number(v);
  return `not a Terraform ${type} string: ${JSON.stringify(v)}`;
}

describe('rules/maturity.yaml is the one definition of Table 3 and the promotion criteria', () => {
  it('is well formed: four levels in order, every setting at every level', () => {
    expect(y.levels.map((l) => l.level)).toEqual([0, 1, 2, 3]);
    for (const l of y.levels) expect(Object.keys(l.settings), `level ${l.level}`).toEqual(settingNames);
  });

  it('src/maturity/table.ts: same settings in the same order, same values per level (n/a = null)', () => {
    expect([...SETTINGS]).toEqual(settingNames);
    const code = LEVELS.map((level) => ({
      level,
      name: LEVEL_NAMES[level],
      settings: Object.fromEntries(SETTINGS.map((s) => [s, TABLE3[level][s] === 'n/a' ? null : TABLE3[level][s]])),
    }));
    expect(code).toEqual(yamlTable);
  });

  it('src/maturity: same entry criteria, L3 requirement, regression rule, window and trust weights', () => {
    for (const t of y.transitions) {
      expect(t.to).toBe(t.from + 1);
      expect(criteria(TRANSITION_CRITERIA[t.from as Level]), `criteria to leave L${t.from}`).toEqual(criteria(t.criteria));
    }
    expect(y.transitions.map((t) => t.from)).toEqual([0, 1, 2]);
    expect(y.ongoing.level).toBe(3);
    expect(criteria(TRANSITION_CRITERIA[3]), 'L3 ongoing requirement').toEqual(criteria(y.ongoing.criteria));
    expect(y.transitions[0]!.criteria.find((c) => c.id === 'reviewed_incidents')?.threshold).toBe(MIN_REVIEWED_INCIDENTS);
    expect(y.ongoing.regression).toMatchObject({
      to: 2,
      threshold: REGRESSION_RULE.threshold,
      consecutive_days: REGRESSION_RULE.consecutiveDays,
    });
    expect(y.window_days).toBe(DEFAULT_WINDOW_DAYS);
    expect(Object.fromEntries(y.trust_score.map((t) => [t.component.toLowerCase(), t.weight]))).toEqual(TRUST_WEIGHTS);
  });

  it('lambda/src/shared: the same Table 3, environment variables and trust weights', () => {
    const lambda = LAMBDA_TABLE_3.map((row, level) => {
      const { name, ...fields } = row;
      return {
        level,
        name: titled(name),
        settings: Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, v === 'n/a' ? null : v])),
      };
    });
    const expected = yamlTable.map((l) => ({ ...l, settings: Object.fromEntries(settingNames.map((s) => [camel(s), l.settings[s]])) }));
    expect(lambda).toEqual(expected);
    expect([...MATURITY_VARIABLES]).toEqual(['MATURITY_LEVEL', ...settingNames.map((s) => s.toUpperCase())]);
    expect(Object.fromEntries(y.trust_score.map((t) => [t.component.toLowerCase(), t.weight]))).toEqual(LAMBDA_TRUST_WEIGHTS);
  });

  it('terraform/modules/foundation/maturity.tf: local.maturity_levels carries Table 3 as strings, every setting reaches the environment', async () => {
    const body = (await parseHcl(TF_FILE, readFileSync(TF_FILE, 'utf8'))) as { locals: Record<string, unknown>[] };
    const locals = Object.assign({}, ...body.locals) as Record<string, unknown>;
    const levels = locals.maturity_levels as Record<string, unknown>[];
    const terraform = levels.map((row, level) => ({
      level,
      name: titled(String(row.name)),
      // alarm_* entries tune the observability alarms per level: not Table 3
      settings: Object.fromEntries(
        Object.entries(row)
          .filter(([k]) => k !== 'name' && !k.startsWith('alarm_'))
          .map(([k, v]) => [k, fromTerraform(v, y.settings.find((s) => s.name === k)?.type ?? 'boolean')]),
      ),
    }));
    expect(terraform).toEqual(yamlTable);
    // each environment variable takes the setting of the same name, and no setting is left out
    const env = locals.maturity_environment as Record<string, string>;
    expect(env).toEqual({
      MATURITY_LEVEL: '${tostring(var.maturity_level)}',
      ...Object.fromEntries(settingNames.map((s) => [s.toUpperCase(), `\${local.maturity.${s}}`])),
    });
  });
});
