/**
 * Which accounts and regions a fleet run sweeps, as the command line gives them (no AWS call:
 * `--org` is listed by ./sweep.ts): `--accounts 111122223333,444455556666`, `--accounts-file FILE`
 * (one id a line, `#` comments), `--regions us-east-1,eu-west-1|all-enabled`, `--role-name`. Ids
 * are 12 digits; a bad value is an InputError (exit 2) naming where it was, never quoting more than
 * an id-shaped token.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { InputError } from '../../../model/errors.js';

export interface FleetTarget {
  id: string;
  /** The Organizations account name (--org only). */
  name?: string;
}

export const ACCOUNT_ID = /^\d{12}$/;
/** `us-east-1`, `us-gov-west-1`, `ap-southeast-3`. */
export const REGION_NAME = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
/** An accounts file holds ids: a few hundred KiB for the largest Organizations. */
const MAX_FILE_BYTES = 4 * 1024 * 1024;

/**
 * A bad value is quoted only when it has the shape of what was asked for: digits (an account id
 * mistyped), a region-like word. Anything else may be a secret pasted into the wrong file.
 */
const shownId = (v: string): string => (/^[\d-]{1,20}$/.test(v) ? ` "${v}"` : '');
const shownName = (v: string): string => (/^[a-z\d-]{1,24}$/.test(v) ? ` "${v}"` : '');

/** `--accounts 111122223333,444455556666`: the ids, each checked. */
export function parseAccountList(value: string): string[] {
  const ids = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const id of ids) if (!ACCOUNT_ID.test(id)) throw new InputError(`--accounts:${shownId(id)} is not a 12-digit AWS account id`);
  if (ids.length === 0) throw new InputError('--accounts names no account id');
  return ids;
}

/** `--accounts-file FILE`: one id a line; blank lines and `#` comments (whole or trailing) are skipped. */
export function readAccountsFile(file: string): string[] {
  let text: string;
  try {
    const st = statSync(file);
    if (!st.isFile()) throw new InputError(`--accounts-file ${file}: not a regular file`);
    if (st.size > MAX_FILE_BYTES) throw new InputError(`--accounts-file ${file}: larger than ${MAX_FILE_BYTES / 1024 / 1024} MiB`);
    text = readBounded(file);
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`--accounts-file ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : 'cannot be read'}`);
  }
  const ids: string[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.replace(/#.*$/, '').trim();
    if (line === '') return;
    if (!ACCOUNT_ID.test(line)) {
      const token = line.split(/\s+/)[0] ?? '';
      throw new InputError(`${file}:${i + 1}:${shownId(token)} is not a 12-digit AWS account id (one id a line, # comments)`);
    }
    ids.push(line);
  });
  if (ids.length === 0) throw new InputError(`--accounts-file ${file} names no account id`);
  return ids;
}

/** At most MAX_FILE_BYTES, whatever the file grows to while it is read. */
function readBounded(file: string): string {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(MAX_FILE_BYTES + 1);
    let n = 0;
    for (let got = -1; got !== 0 && n < buf.length; n += got) got = readSync(fd, buf, n, buf.length - n, null);
    if (n > MAX_FILE_BYTES) throw new InputError(`--accounts-file ${file}: larger than ${MAX_FILE_BYTES / 1024 / 1024} MiB`);
    return buf.subarray(0, n).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/** One entry per id, sorted (an id given twice is swept once); a name from --org is kept. */
export function uniqueTargets(targets: readonly FleetTarget[]): FleetTarget[] {
  const byId = new Map<string, FleetTarget>();
  for (const t of targets) if (!byId.has(t.id)) byId.set(t.id, t);
  return [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** `--regions us-east-1,eu-west-1` or `all-enabled` (each account's enabled regions, ec2:DescribeRegions). */
export function parseRegions(value: string): string[] | 'all-enabled' {
  if (value.trim() === 'all-enabled') return 'all-enabled';
  const regions = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const r of regions)
    if (!REGION_NAME.test(r)) throw new InputError(`--regions:${shownName(r)} is not an AWS region name (us-east-1), nor all-enabled`);
  if (regions.length === 0) throw new InputError('--regions names no region (a list such as us-east-1,eu-west-1, or all-enabled)');
  return [...new Set(regions)].sort();
}

/** `--role-name`: an IAM role name without a path (the session guard allows AssumeRole of exactly that name). */
export function checkRoleName(name: string): string {
  if (!/^[\w+=,.@-]{1,64}$/.test(name))
    throw new InputError(`--role-name:${shownName(name)} is not an IAM role name (letters, digits and +=,.@_-, at most 64)`);
  return name;
}
