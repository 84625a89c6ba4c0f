import { fileURLToPath } from 'node:url';
import path from 'node:path';
import type { Value } from '../../src/model/value.js';
import { evaluateString, type EvalContext } from '../../src/hcl/evaluate.js';

export const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');

/**
 * A context resolving dotted names from a table (`var.x`, `local.y`, `aws_sg.lambda`): the longest
 * known prefix of the segments wins, as the real loader does. Records every resolve call.
 */
export function tableContext(table: Record<string, Value>, baseDir = FIXTURES): EvalContext & { calls: (string | number)[][] } {
  const calls: (string | number)[][] = [];
  return {
    baseDir,
    calls,
    resolve(segments) {
      calls.push(segments);
      for (let n = segments.length; n > 0; n--) {
        const key = segments.slice(0, n).join('.');
        if (Object.prototype.hasOwnProperty.call(table, key)) return Promise.resolve({ value: table[key]!, consumed: n });
      }
      return Promise.resolve(undefined);
    },
  };
}

/** Evaluates a Terraform-JSON string (what hcl2json gives for an attribute). */
export function run(src: string, table: Record<string, Value> = {}, baseDir = FIXTURES): Promise<Value> {
  return evaluateString(src, tableContext(table, baseDir));
}
