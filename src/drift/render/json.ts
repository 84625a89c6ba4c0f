import type { DriftResult } from '../model.js';

/** The drift result as it is: the stable machine interface (docs/drift.md describes its fields). */
export function renderDriftJson(r: DriftResult): string {
  return `${JSON.stringify(r, null, 2)}\n`;
}
