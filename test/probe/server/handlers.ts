/**
 * The fixture account's answers to every read operation the probe uses, with AWS's pagination
 * (NextToken / Marker / NextMarker / LastEvaluatedTableName) and AWS's errors for missing things.
 */
import type { FixtureAccount } from './account.js';
import type { Service } from './wire.js';

type Obj = Record<string, unknown>;

export class AwsError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface HandlerContext {
  account: FixtureAccount;
  /** The Organization's member accounts by id (server option `accounts`). */
  members?: Record<string, FixtureAccount>;
  pageSize?: number;
  /** Access key id the request was signed with. */
  accessKeyId?: string;
  /** Access key ids issued by AssumeRole, mapped to the assumed-role ARN. */
  sessions: Map<string, string>;
}

type Handler = (p: Obj, ctx: HandlerContext) => Obj;

/** One page of `items` after the opaque token (an offset); `next` is undefined on the last page. */
function page<T>(items: readonly T[], token: unknown, requested: unknown, ctx: HandlerContext): { items: T[]; next?: string } {
  const start = token ? Number(Buffer.from(String(token), 'base64url').toString()) : 0;
  if (!Number.isInteger(start) || start < 0 || start > items.length) throw new AwsError(400, 'InvalidNextTokenException', 'invalid token');
  const size = Math.max(1, ctx.pageSize ?? (Number(requested) || 1000));
  const end = Math.min(items.length, start + size);
  return { items: items.slice(start, end), ...(end < items.length ? { next: Buffer.from(String(end)).toString('base64url') } : {}) };
}

const omit = (o: Obj, ...keys: string[]): Obj => Object.fromEntries(Object.entries(o).filter(([k]) => !keys.includes(k)));
const tagsOk = (tags: unknown): Obj[] => (Array.isArray(tags) ? (tags as Obj[]) : []);

/** EC2 `Filters` as sent: [{Name, Value: [...]}] (the query decoder names the list `Value`). */
function ec2Filter(items: Obj[], filters: unknown, fields: Record<string, (x: Obj) => unknown[]>): Obj[] {
  const list = Array.isArray(filters) ? (filters as Obj[]) : [];
  return items.filter((x) =>
    list.every((f) => {
      const get = fields[String(f.Name)];
      if (!get) throw new AwsError(400, 'InvalidParameterValue', `unsupported filter ${String(f.Name)}`);
      const want = (f.Value as unknown[] | undefined) ?? [];
      return get(x).some((v) => want.includes(v));
    }),
  );
}

// ------------------------------------------------------------------ simple independent IAM evaluator

const globRe = (p: string, ci: boolean): RegExp =>
  new RegExp(
    `^${p
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    ci ? 'i' : '',
  );
const asList = (v: unknown): string[] => (v === undefined ? [] : Array.isArray(v) ? v.map(String) : [String(v)]);

function stmtMatches(st: Obj, action: string, resource: string): boolean {
  const actionHit =
    st.Action !== undefined
      ? asList(st.Action).some((a) => globRe(a, true).test(action))
      : !asList(st.NotAction).some((a) => globRe(a, true).test(action));
  const resHit =
    st.Resource !== undefined
      ? asList(st.Resource).some((r) => r === '*' || globRe(r, false).test(resource))
      : st.NotResource !== undefined
        ? !asList(st.NotResource).some((r) => globRe(r, false).test(resource))
        : true;
  return actionHit && resHit;
}

function decide(identity: Obj[], boundary: Obj | undefined, action: string, resource: string): string {
  const stmts = (doc: Obj): Obj[] => (Array.isArray(doc.Statement) ? (doc.Statement as Obj[]) : [doc.Statement as Obj]);
  const all = [...identity, ...(boundary ? [boundary] : [])];
  if (all.some((d) => stmts(d).some((s) => s.Effect === 'Deny' && stmtMatches(s, action, resource)))) return 'explicitDeny';
  const idAllows = identity.some((d) => stmts(d).some((s) => s.Effect === 'Allow' && stmtMatches(s, action, resource)));
  const bAllows = !boundary || stmts(boundary).some((s) => s.Effect === 'Allow' && stmtMatches(s, action, resource));
  return idAllows && bAllows ? 'allowed' : 'implicitDeny';
}

// ------------------------------------------------------------------ per service

const findRole = (a: FixtureAccount, name: unknown): Obj => {
  const r = a.iam.Roles.find((x) => x.RoleName === name);
  if (!r) throw new AwsError(404, 'NoSuchEntity', `The role with name ${String(name)} cannot be found.`);
  return r;
};
const findPolicy = (a: FixtureAccount, arn: unknown): Obj => {
  const p = a.iam.Policies.find((x) => x.Arn === arn);
  if (!p) throw new AwsError(404, 'NoSuchEntity', `Policy ${String(arn)} does not exist or is not attachable.`);
  return p;
};
const encodeDoc = (doc: unknown): string => encodeURIComponent(typeof doc === 'string' ? doc : JSON.stringify(doc));
const roleView = (r: Obj): Obj => ({
  ...omit(r, 'InlinePolicies', 'AttachedPolicyArns'),
  ...(r.AssumeRolePolicyDocument !== undefined ? { AssumeRolePolicyDocument: encodeDoc(r.AssumeRolePolicyDocument) } : {}),
});
const parseDoc = (doc: unknown): Obj => (typeof doc === 'string' ? (JSON.parse(doc) as Obj) : (doc as Obj));

const iam: Record<string, Handler> = {
  ListRoles: (p, ctx) => {
    const pg = page(ctx.account.iam.Roles, p.Marker, p.MaxItems, ctx);
    // ListRoles does not return boundaries or tags (only GetRole does).
    return {
      Roles: pg.items.map((r) => omit(roleView(r), 'PermissionsBoundary', 'Tags', 'RoleLastUsed')),
      IsTruncated: !!pg.next,
      ...(pg.next ? { Marker: pg.next } : {}),
    };
  },
  GetRole: (p, ctx) => {
    return { Role: roleView(findRole(ctx.account, p.RoleName)) };
  },
  ListRolePolicies: (p, ctx) => {
    const names = Object.keys((findRole(ctx.account, p.RoleName).InlinePolicies as Obj | undefined) ?? {}).sort();
    const pg = page(names, p.Marker, p.MaxItems, ctx);
    return { PolicyNames: pg.items, IsTruncated: !!pg.next, ...(pg.next ? { Marker: pg.next } : {}) };
  },
  GetRolePolicy: (p, ctx) => {
    const doc = ((findRole(ctx.account, p.RoleName).InlinePolicies as Obj | undefined) ?? {})[String(p.PolicyName)];
    if (doc === undefined) throw new AwsError(404, 'NoSuchEntity', `The role policy with name ${String(p.PolicyName)} cannot be found.`);
    return { RoleName: p.RoleName, PolicyName: p.PolicyName, PolicyDocument: encodeDoc(doc) };
  },
  ListAttachedRolePolicies: (p, ctx) => {
    const arns = (findRole(ctx.account, p.RoleName).AttachedPolicyArns as string[] | undefined) ?? [];
    const pg = page(arns, p.Marker, p.MaxItems, ctx);
    const items = pg.items.map((arn) => ({ PolicyArn: arn, PolicyName: arn.split('/').pop() }));
    return { AttachedPolicies: items, IsTruncated: !!pg.next, ...(pg.next ? { Marker: pg.next } : {}) };
  },
  GetPolicy: (p, ctx) => ({ Policy: omit(findPolicy(ctx.account, p.PolicyArn), 'Document') }),
  GetPolicyVersion: (p, ctx) => {
    const pol = findPolicy(ctx.account, p.PolicyArn);
    if (p.VersionId !== pol.DefaultVersionId) throw new AwsError(404, 'NoSuchEntity', `version ${String(p.VersionId)} not found`);
    return { PolicyVersion: { VersionId: pol.DefaultVersionId, IsDefaultVersion: true, Document: encodeDoc(pol.Document) } };
  },
  SimulatePrincipalPolicy: (p, ctx) => {
    const role = ctx.account.iam.Roles.find((r) => r.Arn === p.PolicySourceArn);
    if (!role) throw new AwsError(400, 'NoSuchEntity', `principal ${String(p.PolicySourceArn)} not found`);
    const identity = [
      ...Object.values((role.InlinePolicies as Obj | undefined) ?? {}).map(parseDoc),
      ...((role.AttachedPolicyArns as string[] | undefined) ?? []).map((arn) => parseDoc(findPolicy(ctx.account, arn).Document)),
    ];
    const bArn = (role.PermissionsBoundary as Obj | undefined)?.PermissionsBoundaryArn;
    const boundary = bArn ? parseDoc(findPolicy(ctx.account, bArn).Document) : undefined;
    const resources = asList(p.ResourceArns);
    const results = asList(p.ActionNames).map((action) => {
      const resource = resources[0] ?? '*';
      return { EvalActionName: action, EvalResourceName: resource, EvalDecision: decide(identity, boundary, action, resource) };
    });
    const pg = page(results, p.Marker, p.MaxItems, ctx);
    return { EvaluationResults: pg.items, IsTruncated: !!pg.next, ...(pg.next ? { Marker: pg.next } : {}) };
  },
};

const sts: Record<string, Handler> = {
  GetCallerIdentity: (_p, ctx) => {
    const assumed = ctx.accessKeyId ? ctx.sessions.get(ctx.accessKeyId) : undefined;
    return { Account: ctx.account.Account, Arn: assumed ?? ctx.account.Caller, UserId: 'AIDAFIXTUREUSER' };
  },
  AssumeRole: (p, ctx) => {
    // a role in a member account is assumed from the management account's credentials; its key says the account
    const memberId = /^arn:aws:iam::(\d{12}):role\//.exec(String(p.RoleArn))?.[1];
    const member = memberId !== undefined && memberId !== ctx.account.Account ? ctx.members?.[memberId] : undefined;
    const target = member ?? ctx.account;
    const audit = target.AuditRole;
    if (!audit || p.RoleArn !== audit.Arn || (audit.ExternalId !== undefined && p.ExternalId !== audit.ExternalId)) {
      throw new AwsError(403, 'AccessDenied', `not authorized to perform sts:AssumeRole on ${String(p.RoleArn)}`);
    }
    const keyId = `ASIAFIXTURE${member ? member.Account : ''}${String(ctx.sessions.size + 1).padStart(member ? 6 : 9, '0')}`;
    const roleName = String(p.RoleArn).split('/').pop();
    const arn = `arn:aws:sts::${target.Account}:assumed-role/${roleName}/${String(p.RoleSessionName)}`;
    ctx.sessions.set(keyId, arn);
    return {
      Credentials: {
        AccessKeyId: keyId,
        SecretAccessKey: 'fixture-secret',
        SessionToken: 'fixture-token',
        Expiration: new Date(Date.now() + 3_600_000).toISOString(),
      },
      AssumedRoleUser: { Arn: arn, AssumedRoleId: `AROAFIXTURE:${String(p.RoleSessionName)}` },
    };
  },
};

const tagValues = (x: Obj, key: string): unknown[] =>
  tagsOk(x.Tags)
    .filter((t) => t.Key === key)
    .map((t) => t.Value);
function ec2List(
  key: string,
  items: (a: FixtureAccount) => Obj[],
  fields: Record<string, (x: Obj) => unknown[]>,
  filterParam = 'Filter',
): Handler {
  return (p, ctx) => {
    const pg = page(ec2Filter(items(ctx.account), p[filterParam] ?? p.Filter, fields), p.NextToken, p.MaxResults, ctx);
    return { [key]: pg.items, ...(pg.next ? { NextToken: pg.next } : {}) };
  };
}
const ec2: Record<string, Handler> = {
  DescribeVpcs: ec2List('Vpcs', (a) => a.ec2.Vpcs, { 'vpc-id': (x) => [x.VpcId], 'tag:Name': (x) => tagValues(x, 'Name') }),
  DescribeSubnets: ec2List('Subnets', (a) => a.ec2.Subnets, { 'subnet-id': (x) => [x.SubnetId], 'vpc-id': (x) => [x.VpcId] }),
  DescribeSecurityGroups: ec2List('SecurityGroups', (a) => a.ec2.SecurityGroups, {
    'group-id': (x) => [x.GroupId],
    'vpc-id': (x) => [x.VpcId],
  }),
  DescribeRouteTables: ec2List('RouteTables', (a) => a.ec2.RouteTables, { 'vpc-id': (x) => [x.VpcId] }),
  DescribeNatGateways: ec2List('NatGateways', (a) => a.ec2.NatGateways, { 'vpc-id': (x) => [x.VpcId] }),
  DescribeInternetGateways: ec2List('InternetGateways', (a) => a.ec2.InternetGateways, {
    'attachment.vpc-id': (x) => ((x.Attachments as Obj[] | undefined) ?? []).map((t) => t.VpcId),
  }),
  DescribeVpcEndpoints: ec2List('VpcEndpoints', (a) => a.ec2.VpcEndpoints, { 'vpc-id': (x) => [x.VpcId] }),
  DescribeRegions: (_p, ctx) => ({
    Regions: (ctx.account.Regions ?? [ctx.account.Region]).map((r) => ({
      RegionName: r,
      Endpoint: `ec2.${r}.amazonaws.com`,
      OptInStatus: 'opt-in-not-required',
    })),
  }),
};

/** The management account and the members (server option `accounts`), as ListAccounts lists them. */
const organizations: Record<string, Handler> = {
  ListAccounts: (p, ctx) => {
    const all = [ctx.account, ...Object.values(ctx.members ?? {})].sort((a, b) => a.Account.localeCompare(b.Account));
    const pg = page(all, p.NextToken, p.MaxResults, ctx);
    return {
      Accounts: pg.items.map((a) => ({
        Id: a.Account,
        Arn: `arn:aws:organizations::${ctx.account.Account}:account/o-fixture/${a.Account}`,
        Email: `${a.Account}@example.com`,
        Name: a.AccountName ?? `account-${a.Account}`,
        Status: 'ACTIVE',
        State: 'ACTIVE',
        JoinedMethod: 'CREATED',
        JoinedTimestamp: '2025-01-01T00:00:00Z',
      })),
      ...(pg.next ? { NextToken: pg.next } : {}),
    };
  },
};

const lambda: Record<string, Handler> = {
  ListFunctions: (p, ctx) => {
    const pg = page(
      ctx.account.lambda.Functions.map((f) => omit(f, 'Tags')),
      p.Marker,
      p.MaxItems,
      ctx,
    );
    return { Functions: pg.items, ...(pg.next ? { NextMarker: pg.next } : {}) };
  },
  ListTags: (p, ctx) => {
    const fn = ctx.account.lambda.Functions.find((f) => f.FunctionArn === p.Resource);
    if (!fn) throw new AwsError(404, 'ResourceNotFoundException', `Function not found: ${String(p.Resource)}`);
    return { Tags: (fn.Tags as Obj | undefined) ?? {} };
  },
};

const findTable = (a: FixtureAccount, name: unknown): Obj => {
  const t = a.dynamodb.Tables.find((x) => (x.Table as Obj).TableName === name);
  if (!t) throw new AwsError(400, 'ResourceNotFoundException', `Requested resource not found: Table: ${String(name)} not found`);
  return t;
};
const dynamodb: Record<string, Handler> = {
  ListTables: (p, ctx) => {
    const names = ctx.account.dynamodb.Tables.map((t) => String((t.Table as Obj).TableName)).sort();
    const start = p.ExclusiveStartTableName ? names.indexOf(String(p.ExclusiveStartTableName)) + 1 : 0;
    const size = Math.max(1, ctx.pageSize ?? (Number(p.Limit) || 100));
    const items = names.slice(start, start + size);
    return { TableNames: items, ...(start + size < names.length ? { LastEvaluatedTableName: items[items.length - 1] } : {}) };
  },
  DescribeTable: (p, ctx) => ({ Table: findTable(ctx.account, p.TableName).Table }),
  DescribeContinuousBackups: (p, ctx) => ({ ContinuousBackupsDescription: findTable(ctx.account, p.TableName).ContinuousBackups }),
  DescribeTimeToLive: (p, ctx) => ({
    TimeToLiveDescription: findTable(ctx.account, p.TableName).TimeToLive ?? { TimeToLiveStatus: 'DISABLED' },
  }),
  ListTagsOfResource: (p, ctx) => {
    const t = ctx.account.dynamodb.Tables.find((x) => (x.Table as Obj).TableArn === p.ResourceArn);
    if (!t) throw new AwsError(400, 'ResourceNotFoundException', `Requested resource not found: ${String(p.ResourceArn)}`);
    const pg = page(tagsOk(t.Tags), p.NextToken, undefined, ctx);
    return { Tags: pg.items, ...(pg.next ? { NextToken: pg.next } : {}) };
  },
};

const findBucket = (a: FixtureAccount, name: unknown): Obj => {
  const b = a.s3.Buckets.find((x) => x.Name === name);
  if (!b) throw new AwsError(404, 'NoSuchBucket', 'The specified bucket does not exist');
  return b;
};
const s3: Record<string, Handler> = {
  GetBucketPolicy: (p, ctx) => {
    const b = findBucket(ctx.account, p.Bucket);
    if (b.Policy === undefined) throw new AwsError(404, 'NoSuchBucketPolicy', 'The bucket policy does not exist');
    return { Policy: typeof b.Policy === 'string' ? b.Policy : JSON.stringify(b.Policy) };
  },
  GetBucketVersioning: (p, ctx) => ({ ...((findBucket(ctx.account, p.Bucket).Versioning as Obj | undefined) ?? {}) }),
};

const cloudtrail: Record<string, Handler> = {
  DescribeTrails: (_p, ctx) => ({ trailList: ctx.account.cloudtrail.Trails.map((t) => omit(t, 'IsLogging', 'Tags')) }),
  GetTrailStatus: (p, ctx) => {
    const t = ctx.account.cloudtrail.Trails.find((x) => x.TrailARN === p.Name || x.Name === p.Name);
    if (!t) throw new AwsError(400, 'TrailNotFoundException', `Unknown trail: ${String(p.Name)}`);
    return { IsLogging: t.IsLogging ?? false };
  },
  ListTags: (p, ctx) => {
    const ids = asList(p.ResourceIdList);
    const list = ids.map((id) => {
      const t = ctx.account.cloudtrail.Trails.find((x) => x.TrailARN === id);
      if (!t) throw new AwsError(400, 'ResourceNotFoundException', `Unknown resource ${id}`);
      return { ResourceId: id, TagsList: tagsOk(t.Tags) };
    });
    return { ResourceTagList: list };
  },
};

const secretsmanager: Record<string, Handler> = {
  ListSecrets: (p, ctx) => {
    const pg = page(ctx.account.secretsmanager.Secrets, p.NextToken, p.MaxResults, ctx);
    return { SecretList: pg.items.map((s) => omit(s, 'SecretString')), ...(pg.next ? { NextToken: pg.next } : {}) };
  },
};

const findParam = (a: FixtureAccount, name: unknown): Obj => {
  const x = a.ssm.Parameters.find((q) => q.Name === name);
  if (!x) throw new AwsError(400, 'ParameterNotFound', `Parameter ${String(name)} not found.`);
  return x;
};
const ssm: Record<string, Handler> = {
  DescribeParameters: (p, ctx) => {
    const pg = page(
      ctx.account.ssm.Parameters.map((x) => omit(x, 'Value', 'Tags')),
      p.NextToken,
      p.MaxResults,
      ctx,
    );
    return { Parameters: pg.items, ...(pg.next ? { NextToken: pg.next } : {}) };
  },
  GetParameter: (p, ctx) => {
    const x = findParam(ctx.account, p.Name);
    if (x.Type === 'SecureString' && p.WithDecryption)
      throw new AwsError(400, 'AccessDeniedException', 'decryption not allowed in the fixture');
    return {
      Parameter: {
        Name: x.Name,
        Type: x.Type,
        Value: x.Type === 'SecureString' ? 'AQICAH-ciphertext' : x.Value,
        Version: 1,
        ARN: x.ARN,
        DataType: 'text',
      },
    };
  },
  ListTagsForResource: (p, ctx) => ({ TagList: tagsOk(findParam(ctx.account, p.ResourceId).Tags) }),
};

const findApi = (a: FixtureAccount, id: unknown): Obj => {
  const x = a.apigatewayv2.Apis.find((q) => q.ApiId === id);
  if (!x) throw new AwsError(404, 'NotFoundException', `Invalid API identifier specified ${String(id)}`);
  return x;
};
const apiPart =
  (key: string): Handler =>
  (p, ctx) => {
    const pg = page((findApi(ctx.account, p.ApiId)[key] as Obj[] | undefined) ?? [], p.NextToken, p.MaxResults, ctx);
    return { Items: pg.items, ...(pg.next ? { NextToken: pg.next } : {}) };
  };
const apigateway: Record<string, Handler> = {
  GetApis: (p, ctx) => {
    const pg = page(
      ctx.account.apigatewayv2.Apis.map((a) => omit(a, 'Routes', 'Integrations', 'Authorizers')),
      p.NextToken,
      p.MaxResults,
      ctx,
    );
    return { Items: pg.items, ...(pg.next ? { NextToken: pg.next } : {}) };
  },
  GetRoutes: apiPart('Routes'),
  GetIntegrations: apiPart('Integrations'),
  GetAuthorizers: apiPart('Authorizers'),
};

export const HANDLERS: Record<Service, Record<string, Handler>> = {
  iam,
  sts,
  ec2,
  lambda,
  dynamodb,
  s3,
  cloudtrail,
  secretsmanager,
  ssm,
  apigateway,
  organizations,
};
