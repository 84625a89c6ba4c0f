/**
 * Fixture accounts: AWS-shaped data (the shapes of the API responses, PascalCase as the SDK names
 * them), Terraform-agnostic. A variant file names a base and patches it:
 *   {"extends": "reference.json", "patches": [{"op": "replace", "path": "/dynamodb/Tables/[Table.TableName=ztait-audit]/...", "value": ...}]}
 * Path segments are JSON-pointer keys, array indexes, or `[field.path=value]` selecting the array
 * element whose field equals value (so patches do not depend on list order); `/` is written `~1`.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export type Fault =
  | { kind: 'throttle'; times: number }
  | { kind: 'error500'; times: number }
  | { kind: 'delay'; ms: number; times?: number }
  | { kind: 'accessDenied' }
  | { kind: 'html500' }
  /** Hostile endpoint: every page announces a next page, with the same token (`same`) or a new one each time. */
  | { kind: 'token'; field: string; value: 'same' | 'fresh' }
  /**
   * Hostile endpoint: a 200 answer whose body is `mib` MiB of blanks, streamed (never held by the
   * server); `declare` sends its true Content-Length, otherwise it is chunked.
   */
  | { kind: 'hugeBody'; mib: number; declare?: boolean }
  /** Hostile endpoint: headers at once, then one body byte every `everyMs` for ever. */
  | { kind: 'drip'; everyMs: number };

export interface Faults {
  /** Page size of every paginated listing (small values force multi-page listings). */
  pageSize?: number;
  /** Keyed by `service:Operation` (`dynamodb:DescribeContinuousBackups`). */
  actions?: Record<string, Fault | Fault[]>;
}

type Obj = Record<string, unknown>;

export interface FixtureAccount {
  Account: string;
  Region: string;
  /** The caller's ARN as GetCallerIdentity reports it. */
  Caller: string;
  /** The role --role-arn may assume, and the external id its trust policy requires. */
  AuditRole?: { Arn: string; ExternalId?: string };
  /** Fleet member accounts (server option `accounts`): the name Organizations lists. */
  AccountName?: string;
  /** ec2:DescribeRegions: the regions enabled in the account (default: Region). */
  Regions?: string[];
  /** Regions a service control policy blocks: every call there but IAM's and STS's is AccessDenied. */
  BlockedRegions?: string[];
  iam: { Roles: Obj[]; Policies: Obj[] };
  ec2: {
    Vpcs: Obj[];
    Subnets: Obj[];
    RouteTables: Obj[];
    NatGateways: Obj[];
    InternetGateways: Obj[];
    SecurityGroups: Obj[];
    VpcEndpoints: Obj[];
  };
  lambda: { Functions: Obj[] };
  dynamodb: { Tables: Obj[] };
  s3: { Buckets: Obj[] };
  cloudtrail: { Trails: Obj[] };
  secretsmanager: { Secrets: Obj[] };
  ssm: { Parameters: Obj[] };
  apigatewayv2: { Apis: Obj[] };
  faults?: Faults;
}

interface Patch {
  op: 'replace' | 'add' | 'remove';
  path: string;
  value?: unknown;
}

export function loadAccount(file: string): FixtureAccount {
  const data = JSON.parse(readFileSync(file, 'utf8')) as Obj;
  if (typeof data.extends === 'string') {
    const base = loadAccount(join(dirname(file), data.extends));
    for (const p of (data.patches as Patch[] | undefined) ?? []) applyPatch(base as unknown as Obj, p);
    if (data.faults) base.faults = mergeFaults(base.faults, data.faults as Faults);
    return base;
  }
  return data as unknown as FixtureAccount;
}

export function mergeFaults(a: Faults | undefined, b: Faults | undefined): Faults {
  return {
    ...((b?.pageSize ?? a?.pageSize) ? { pageSize: b?.pageSize ?? a?.pageSize } : {}),
    actions: { ...(a?.actions ?? {}), ...(b?.actions ?? {}) },
  };
}

const get = (o: unknown, dotted: string): unknown =>
  dotted.split('.').reduce<unknown>((x, k) => (x && typeof x === 'object' ? (x as Obj)[k] : undefined), o);

function step(container: unknown, seg: string, path: string): { parent: Obj | unknown[]; key: string | number } {
  if (Array.isArray(container)) {
    const sel = /^\[(.+?)=(.*)\]$/.exec(seg);
    if (sel) {
      const want = sel[2]!.replace(/~1/g, '/').replace(/~0/g, '~');
      const i = container.findIndex((x) => String(get(x, sel[1]!)) === want);
      if (i < 0) throw new Error(`patch ${path}: no element with ${sel[1]}=${sel[2]}`);
      return { parent: container, key: i };
    }
    if (seg === '-') return { parent: container, key: container.length };
    if (!/^\d+$/.test(seg)) throw new Error(`patch ${path}: ${seg} is not an index`);
    return { parent: container, key: Number(seg) };
  }
  if (container && typeof container === 'object') return { parent: container as Obj, key: seg.replace(/~1/g, '/').replace(/~0/g, '~') };
  throw new Error(`patch ${path}: cannot descend into ${seg}`);
}

export function applyPatch(root: Obj, p: Patch): void {
  const segs = p.path.split('/').slice(1);
  let cur: unknown = root;
  for (const seg of segs.slice(0, -1)) {
    const { parent, key } = step(cur, seg, p.path);
    cur = (parent as Obj)[key as string];
    if (cur === undefined) throw new Error(`patch ${p.path}: ${seg} does not exist`);
  }
  const { parent, key } = step(cur, segs[segs.length - 1]!, p.path);
  if (Array.isArray(parent)) {
    const i = key as number;
    if (p.op === 'remove') parent.splice(i, 1);
    else if (p.op === 'add') parent.splice(i, 0, p.value);
    else parent[i] = p.value;
    return;
  }
  const obj = parent as Obj;
  if (p.op !== 'add' && !(String(key) in obj)) throw new Error(`patch ${p.path}: nothing to ${p.op}`);
  if (p.op === 'remove') delete obj[key as string];
  else obj[key as string] = p.value;
}
