import { readFile } from 'node:fs/promises';
import type { PlanJson } from './format.js';
import { jsonErrorMessage, jsonProblem } from '../../input/parse-error.js';
import { shapeProblem } from './shape.js';

/**
 * A plan file that cannot be read as a plan. The message is one line naming the file and what is
 * wrong with it (the CLI prints it and exits 2).
 */
export class PlanInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PlanInputError';
  }
}

const TO_JSON = 'terraform show -json tfplan > tfplan.json';

const STATE_TO_JSON = 'terraform show -json > state.json';

/** Reads and parses a plan file; every way it can be something else is a PlanInputError. */
export async function readPlanFile(file: string): Promise<{ plan: PlanJson; bytes: Buffer; text: string }> {
  const bytes = await readBytes(file, 'plan');
  const text = decodeText(file, bytes, 'plan', TO_JSON);
  const plan = parsePlanText(file, text);
  return { plan, bytes, text };
}

/**
 * Reads a state as `terraform show -json` prints it (format 1.x) and gives it the shape of a plan
 * whose planned values are the state's `values`: the plan source then reads it unchanged.
 */
export async function readStateFile(file: string): Promise<{ plan: PlanJson; bytes: Buffer; text: string; state: true }> {
  const bytes = await readBytes(file, 'state');
  const text = decodeText(file, bytes, 'state', STATE_TO_JSON);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw jsonError(file, text, e as Error);
  }
  return { plan: stateAsPlan(file, doc), bytes, text, state: true };
}

function stateAsPlan(file: string, doc: unknown): PlanJson {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new PlanInputError(`${file}: is JSON but not a Terraform state: expected the output of ${STATE_TO_JSON}`);
  }
  const o = doc as Record<string, unknown>;
  if (typeof o.version === 'number' && ('lineage' in o || 'serial' in o)) {
    throw new PlanInputError(`${file}: is a raw Terraform state file: ztait reads it as Terraform prints it: run ${STATE_TO_JSON}`);
  }
  if ('planned_values' in o || 'resource_changes' in o)
    throw new PlanInputError(`${file}: is a Terraform plan, not a state: give it with --plan`);
  if (typeof o.format_version !== 'string' || /^(\d+)\./.exec(o.format_version)?.[1] !== '1') {
    throw new PlanInputError(`${file}: is not a Terraform state of format 1.x: expected the output of ${STATE_TO_JSON}`);
  }
  // an empty state prints no `values` at all
  const plan = {
    format_version: o.format_version,
    ...(typeof o.terraform_version === 'string' ? { terraform_version: o.terraform_version } : {}),
    planned_values: (o.values ?? {}) as NonNullable<PlanJson['planned_values']>,
  };
  const problem = shapeProblem(plan);
  if (problem !== undefined) throw new PlanInputError(`${file}: is not a valid state: ${problem.replace(/^planned_values/, 'values')}`);
  return plan;
}

async function readBytes(file: string, what: 'plan' | 'state'): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? `is a directory, not a ${what} file` : (e as Error).message;
    throw new PlanInputError(`${file}: ${why}`);
  }
}

function decodeText(file: string, bytes: Buffer, what: 'plan' | 'state', howTo: string): string {
  // Decoded once (a plan may be 100 MB); the blank test reads the decoded text.
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  if (text.trim() === '') throw new PlanInputError(`${file}: is empty, not a ${what}: run ${howTo}`);
  // A saved plan (`terraform plan -out`) is a zip archive: the user forgot `terraform show -json`.
  if (bytes.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]))) {
    throw new PlanInputError(`${file}: is a binary Terraform plan file, not its JSON: run ${TO_JSON}`);
  }
  if (bytes.includes(0) || text.includes('\uFFFD'))
    throw new PlanInputError(`${file}: is binary data, not JSON: expected the output of ${howTo}`);
  return text.replace(/^\uFEFF/, '');
}

/** Parses plan JSON text (already decoded) and checks that it is a plan of a supported format. */
export function parsePlanText(file: string, text: string): PlanJson {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw jsonError(file, text, e as Error);
  }
  return checkPlan(file, doc);
}

function jsonError(file: string, text: string, e: Error): PlanInputError {
  // V8 quotes the text around the error: only the position and a fixed phrase are kept.
  const problem = jsonProblem(text, e);
  if (problem.truncated)
    return new PlanInputError(
      `${file}: is truncated: the JSON ends at line ${problem.line}:${problem.column} before the document is complete`,
    );
  return new PlanInputError(jsonErrorMessage(file, problem));
}

function checkPlan(file: string, doc: unknown): PlanJson {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new PlanInputError(
      `${file}: is JSON but not a Terraform plan (the document is ${Array.isArray(doc) ? 'an array' : typeof doc}): expected the output of ${TO_JSON}`,
    );
  }
  const o = doc as Record<string, unknown>;
  // A state file: raw (`terraform.tfstate`, version 4 with lineage) or as `terraform show -json` prints it.
  const rawState = typeof o.version === 'number' && ('lineage' in o || 'serial' in o) && Array.isArray(o.resources);
  const shownState = 'values' in o && !('planned_values' in o) && !('resource_changes' in o);
  if (rawState || shownState) throw new PlanInputError(`${file}: is a Terraform state file, not a plan: run ${TO_JSON}`);
  if (typeof o.format_version !== 'string') {
    throw new PlanInputError(`${file}: is JSON but not a Terraform plan (no format_version): expected the output of ${TO_JSON}`);
  }
  const major = /^(\d+)\./.exec(o.format_version)?.[1];
  if (major !== '1') {
    throw new PlanInputError(
      `${file}: plan format_version ${/^\d{1,3}\.\d{1,3}(\.\d{1,3})?$/.test(o.format_version) ? o.format_version : '(not a version number)'} is not supported: ztait reads format 1.x, which Terraform 1.1 and later write`,
    );
  }
  if (!('planned_values' in o) && !('resource_changes' in o) && !('configuration' in o)) {
    throw new PlanInputError(
      `${file}: is JSON with a format_version but not a Terraform plan (no planned_values, resource_changes or configuration): expected the output of ${TO_JSON}`,
    );
  }
  const problem = shapeProblem(doc);
  if (problem !== undefined) throw new PlanInputError(`${file}: is not a valid plan: ${problem}`);
  return doc as PlanJson;
}
