import { join } from 'node:path';
import { DATA_DIR } from './metadata.js';
import { MATURITY_SCHEMA } from './schemas.js';
import { displayPath, readValidatedYaml } from './validate.js';

/** `null` is "n/a" in Table 3: the setting is not consulted at that level. */
export type SettingValue = boolean | number | null;

export interface MaturityCriterion {
  id: string;
  op: '>=' | '<=' | '>' | '<' | '==';
  threshold: number;
  description: string;
}

export interface MaturityModel {
  window_days: number;
  settings: { name: string; type: 'boolean' | 'number'; description: string }[];
  levels: { level: number; name: string; settings: Record<string, SettingValue> }[];
  transitions: { from: number; to: number; criteria: MaturityCriterion[] }[];
  ongoing: {
    level: number;
    criteria: MaturityCriterion[];
    regression: {
      to: number;
      metric: string;
      op: MaturityCriterion['op'];
      threshold: number;
      consecutive_days: number;
      description: string;
    };
  };
  trust_score: { component: string; name: string; weight: number }[];
}

const models = new Map<string, MaturityModel>();

function checkModel(m: MaturityModel, file: string): void {
  const name = displayPath(file);
  const settingNames = m.settings.map((s) => s.name);
  m.levels.forEach((l, i) => {
    if (l.level !== i) throw new Error(`${name}: levels must be listed 0..3 in order (found ${l.level} at position ${i})`);
    const keys = Object.keys(l.settings);
    const missing = settingNames.filter((s) => !keys.includes(s));
    const extra = keys.filter((k) => !settingNames.includes(k));
    if (missing.length || extra.length) {
      throw new Error(
        `${name}: level ${l.level} settings differ from the settings list (missing: ${missing.join(', ') || 'none'}; unknown: ${extra.join(', ') || 'none'})`,
      );
    }
    for (const s of m.settings) {
      const v = l.settings[s.name];
      if (v !== null && typeof v !== s.type) throw new Error(`${name}: level ${l.level} ${s.name} must be a ${s.type} or null`);
    }
  });
  for (const t of m.transitions) {
    if (t.to !== t.from + 1) throw new Error(`${name}: transition ${t.from} -> ${t.to} is not one step`);
  }
  const total = m.trust_score.reduce((sum, c) => sum + c.weight, 0);
  if (Math.abs(total - 1) > 1e-9) throw new Error(`${name}: trust score weights sum to ${total}, not 1`);
}

/** Table 3, the entry criteria and the trust score weights from rules/maturity.yaml, validated. */
export function loadMaturityModel(dir: string = DATA_DIR): MaturityModel {
  let m = models.get(dir);
  if (!m) {
    const file = join(dir, 'maturity.yaml');
    m = readValidatedYaml<MaturityModel>(file, MATURITY_SCHEMA);
    checkModel(m, file);
    models.set(dir, m);
  }
  return m;
}

/** The Table 3 settings expected at a level, in table order; undefined for an unknown level. */
export function expectedSettings(level: number, dir?: string): Record<string, SettingValue> | undefined {
  return loadMaturityModel(dir).levels.find((l) => l.level === level)?.settings;
}
