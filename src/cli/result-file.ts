import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import Ajv2020Module from 'ajv/dist/2020.js';
import type { CheckResult } from '../model/result.js';
import { InputError } from '../model/errors.js';
import { jsonErrorMessage, parseJson } from '../input/parse-error.js';

/**
 * Reads a ztait JSON result (`--format json`) that a command takes as input (`export securityhub`):
 * the file may come from anywhere, so it is read with a size cap, parsed without quoting its text
 * in errors, and its shape checked (what the commands read, with the account and region in the
 * forms AWS uses, since they go into ARNs). Every problem is an InputError naming the file (exit 2).
 */

/** A fleet of 50 accounts x 200 resources is a few MiB; this is generous. */
export const MAX_RESULT_BYTES = 256 * 1024 * 1024;

const ACCOUNT = { type: 'string', pattern: '^[0-9]{12}$' };
const REGION = { type: 'string', pattern: '^[a-z]{2,4}(-[a-z0-9]+)+-[0-9]+$' };
const STATUS = { enum: ['pass', 'fail', 'error', 'not_applicable', 'suppressed'] };
const TEXT = { type: 'string', maxLength: 100_000 };

const RESULT_SCHEMA = {
  type: 'object',
  required: ['tool', 'source', 'generated_at', 'summary', 'invariants'],
  properties: {
    tool: { type: 'object', required: ['name', 'version'], properties: { name: { const: 'ztait' }, version: TEXT } },
    source: {
      type: 'object',
      required: ['kind', 'inputs'],
      properties: {
        kind: { enum: ['hcl', 'plan', 'live'] },
        inputs: { type: 'array' },
        account: { type: 'object', properties: { id: ACCOUNT, region: REGION, caller: TEXT } },
      },
    },
    generated_at: { type: 'string', pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z$' },
    summary: { type: 'object' },
    invariants: {
      type: 'array',
      maxItems: 1000,
      items: {
        type: 'object',
        required: ['id', 'title', 'status', 'severity', 'stride', 'nist', 'findings', 'examined'],
        properties: {
          id: { type: 'string', pattern: '^[A-Z][A-Z-]*-[0-9]+$' },
          title: TEXT,
          status: STATUS,
          severity: { enum: ['critical', 'high', 'medium', 'low'] },
          stride: { type: 'array', items: TEXT },
          nist: { type: 'array', items: { type: 'integer', minimum: 1, maximum: 7 } },
          reason: TEXT,
          findings: {
            type: 'array',
            items: {
              type: 'object',
              required: ['resource', 'message', 'status', 'fingerprint'],
              properties: {
                resource: TEXT,
                arn: TEXT,
                message: TEXT,
                status: { enum: ['fail', 'error', 'suppressed'] },
                fingerprint: { type: 'string', pattern: '^[0-9a-f]{8,64}$' },
                suppression: { type: 'object', required: ['kind', 'reason'], properties: { kind: TEXT, reason: TEXT, expires: TEXT } },
                root: TEXT,
                account: ACCOUNT,
                region: REGION,
              },
            },
          },
          examined: {
            type: 'array',
            items: {
              type: 'object',
              required: ['resource', 'status', 'observed'],
              properties: { resource: TEXT, arn: TEXT, observed: TEXT, status: STATUS, root: TEXT, account: ACCOUNT, region: REGION },
            },
          },
        },
      },
    },
    systems: {
      type: 'array',
      items: {
        type: 'object',
        required: ['root', 'status', 'invariants'],
        properties: {
          root: TEXT,
          account: ACCOUNT,
          region: REGION,
          status: STATUS,
          invariants: {
            type: 'array',
            items: { type: 'object', required: ['id', 'status'], properties: { id: TEXT, status: STATUS, reason: TEXT } },
          },
        },
      },
    },
    fleet: {
      type: 'object',
      properties: { accounts: { type: 'array', items: { type: 'object', required: ['id'], properties: { id: ACCOUNT, name: TEXT } } } },
    },
  },
};

type Validator = ((d: unknown) => boolean) & { errors?: { instancePath: string; message?: string }[] | null };
type AjvCtor = new (o: object) => { compile: (s: object) => Validator };
const Ajv2020 = ((Ajv2020Module as unknown as { default?: AjvCtor }).default ?? Ajv2020Module) as unknown as AjvCtor;
let validate: Validator | undefined;

/** The bytes of a file, refused past `max` before they are read (a FIFO or device is no result file). */
function readCapped(file: string, max: number): Buffer {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(`${file}: cannot read the result (${code === 'ENOENT' ? 'no such file' : (code ?? 'error')})`);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new InputError(`${file}: not a regular file`);
    if (st.size > max) throw new InputError(`${file}: ${st.size} bytes, over the ${max / 1024 / 1024} MiB a result may have`);
    const buf = Buffer.alloc(st.size);
    let at = 0;
    while (at < st.size) {
      const n = readSync(fd, buf, at, st.size - at, at);
      if (n === 0) break;
      at += n;
    }
    return buf.subarray(0, at);
  } finally {
    closeSync(fd);
  }
}

/** Reads and checks a ztait JSON result. */
export function readResultFile(file: string, max = MAX_RESULT_BYTES): CheckResult {
  const text = readCapped(file, max).toString('utf8');
  // the parser's message may quote the file's text: only the line, column and kind of error are said
  const parsed = parseJson(text);
  if (!parsed.ok) throw new InputError(`${jsonErrorMessage(file, parsed.problem)}: give the output of ztait --format json`);
  const doc = parsed.value;
  validate ??= new Ajv2020({ allErrors: false, strict: false }).compile(RESULT_SCHEMA);
  if (!validate(doc)) {
    const err = validate.errors?.[0];
    throw new InputError(
      `${file}: not a ztait JSON result (${err?.instancePath || '/'} ${err?.message ?? 'is invalid'}): give the output of ztait --format json`,
    );
  }
  return doc as CheckResult;
}
