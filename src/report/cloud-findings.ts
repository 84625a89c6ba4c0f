import type { CheckResult, Examined, Finding, InvariantResult, Status } from '../model/result.js';
import type { RuleMeta } from '../rules/catalog/metadata.js';
import { metaFor, sortExamined } from './common.js';
import { INFORMATION_URI } from './sarif.js';

/**
 * What the two cloud finding formats (OCSF, ./ocsf.ts, and AWS Security Hub's ASFF, ./asff.ts)
 * share: the result as a list of records, one per finding and one per check whose verdict no
 * finding carries (a pass, a not-applicable rule, an error with no undecided finding), each with
 * its account, region, deterministic id and resources. A fleet result (several accounts and
 * regions) gives one check record per rule and account x region; a single probe takes its account
 * from the result's source; a static result has none.
 */

/** One resource a record is about: the ARN when there is one, else the Terraform address. */
export interface CloudResource {
  /** ARN (live) or address (static, or live without ARN). */
  id: string;
  address: string;
  arn?: string;
  /** The Terraform resource type of the address (`aws_dynamodb_table`), or `unknown`. */
  type: string;
  file?: string;
  line?: number;
  end_line?: number;
  /** The observed values that decided the verdict on it (from the examined resources). */
  observed: string[];
}

export interface CloudRecord {
  kind: 'finding' | 'check';
  inv: InvariantResult;
  meta: RuleMeta | undefined;
  /** The ztait verdict this record carries. */
  status: Status;
  finding?: Finding;
  /** Fleet or single probe: the account and region; static: none. */
  account?: string;
  region?: string;
  /** Several root modules, or a fleet system (`<account>/<region>`). */
  root?: string;
  /** Deterministic: `ztait/<account>/<region>/<rule>/<fingerprint>`, `.../<rule>/check` for a check. */
  uid: string;
  /** The finding's message (redacted like every format), or the check's verdict in words. */
  message: string;
  /** Why a check is not_applicable or error (the invariant's reason in its scope). */
  reason?: string;
  resources: CloudResource[];
}

/** An account x region (fleet system), a root module, or the whole result, and the rule's verdict there. */
interface Scope {
  account?: string;
  region?: string;
  root?: string;
  status: Status;
  reason?: string;
}

/** ARN patterns (service, resource) and the Terraform type of the resource they name. */
const ARN_TYPES: [RegExp, string][] = [
  [/^iam:role\//, 'aws_iam_role'],
  [/^iam:policy\//, 'aws_iam_policy'],
  [/^lambda:function:/, 'aws_lambda_function'],
  [/^dynamodb:table\/[^/]+$/, 'aws_dynamodb_table'],
  [/^secretsmanager:secret:/, 'aws_secretsmanager_secret'],
  [/^ssm:parameter\//, 'aws_ssm_parameter'],
  [/^cloudtrail:trail\//, 'aws_cloudtrail'],
  [/^s3:[^/]+$/, 'aws_s3_bucket'],
  [/^ec2:security-group\//, 'aws_security_group'],
  [/^ec2:subnet\//, 'aws_subnet'],
  [/^ec2:vpc\//, 'aws_vpc'],
  [/^ec2:route-table\//, 'aws_route_table'],
  [/^ec2:natgateway\//, 'aws_nat_gateway'],
  [/^ec2:internet-gateway\//, 'aws_internet_gateway'],
  [/^ec2:vpc-endpoint\//, 'aws_vpc_endpoint'],
  [/^apigateway:\/apis\/[^/]+$/, 'aws_apigatewayv2_api'],
  [/^apigateway:\/apis\/[^/]+\/routes\//, 'aws_apigatewayv2_route'],
];

/**
 * The Terraform type of a resource: from its address (`module.a.aws_dynamodb_table.audit["k"]` ->
 * `aws_dynamodb_table`), else from its ARN, else `unknown`.
 */
export function resourceType(address: string, arn?: string): string {
  const rest = address.replace(/^(module\.[^.[]+(\[[^\]]*\])?\.)+/, '').replace(/^data\./, '');
  const type = rest.split('.')[0] ?? '';
  if (/^[a-z][a-z0-9]*_[a-z0-9_]+$/.test(type) && rest.includes('.')) return type;
  const parts = (arn ?? (address.startsWith('arn:') ? address : '')).split(':');
  const key = `${parts[2] ?? ''}:${parts.slice(5).join(':')}`;
  return ARN_TYPES.find(([re]) => re.test(key))?.[1] ?? 'unknown';
}

/** AWS partition of a region (`cn-north-1` -> `aws-cn`). */
export function partitionOf(region: string | undefined): 'aws' | 'aws-cn' | 'aws-us-gov' {
  if (region?.startsWith('cn-')) return 'aws-cn';
  if (region?.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

/** The region an ARN names, when it names one (IAM and S3 ARNs do not). */
export function arnRegion(arn: string | undefined): string | undefined {
  const region = arn?.split(':')[3];
  return region ? region : undefined;
}

/** Remediation text without markdown code marks, each paragraph on one line. */
export function plainText(markdown: string): string {
  return markdown
    .replace(/`([^`]*)`/g, '$1')
    .trim()
    .split(/\n\s*\n/)
    .map((p) => p.replace(/\s+/g, ' '))
    .join('\n\n');
}

/** The page a reader follows for a rule: its first reference that is not the NIST publication. */
export function helpUrl(meta: RuleMeta | undefined): string {
  return meta?.references.find((u) => !u.includes('csrc.nist.gov')) ?? meta?.references[0] ?? INFORMATION_URI;
}

/** `NIST SP 800-207 tenet 5`, one per tenet of the rule. */
export function tenetNames(inv: InvariantResult): string[] {
  return [...new Set(inv.nist)].sort((a, b) => a - b).map((t) => `NIST SP 800-207 tenet ${t}`);
}

/** Cut to at most `max` characters (code points), an ellipsis marking the cut. */
export function clip(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

const STATUS_WORDS: Record<Status, string> = {
  pass: 'passes',
  fail: 'fails',
  error: 'could not be decided',
  not_applicable: 'does not apply',
  suppressed: 'fails, every finding suppressed',
};

/** The scopes a rule was judged in: each fleet system or root module, or the whole result. */
function scopesOf(result: CheckResult, inv: InvariantResult): Scope[] {
  if (result.systems?.length) {
    return result.systems.map((s) => {
      const own = s.invariants.find((i) => i.id === inv.id);
      return {
        ...(s.account ? { account: s.account } : {}),
        ...(s.region ? { region: s.region } : {}),
        root: s.root,
        status: own?.status ?? inv.status,
        ...(own?.reason ? { reason: own.reason } : {}),
      };
    });
  }
  const acct = result.source.account;
  return [
    {
      ...(acct?.id ? { account: acct.id } : {}),
      ...(acct?.region ? { region: acct.region } : {}),
      status: inv.status,
      ...(inv.reason ? { reason: inv.reason } : {}),
    },
  ];
}

function inScope(x: Pick<Finding, 'root' | 'account' | 'region'>, scope: Scope, systems: boolean): boolean {
  if (!systems) return true;
  // a system's findings carry its root (`<account>/<region>` in a fleet); account and region otherwise
  if (x.root !== undefined) return x.root === scope.root;
  return x.account !== undefined && x.account === scope.account && x.region === scope.region;
}

function uidOf(scope: { account?: string; region?: string; root?: string }, ruleId: string, last: string): string {
  // an account ztait could not enter has no region: its checks are the account's
  const where =
    scope.account !== undefined ? [scope.account, ...(scope.region ? [scope.region] : [])] : scope.root !== undefined ? [scope.root] : [];
  return ['ztait', ...where, ruleId, last].join('/');
}

function resourceOf(
  x: { resource: string; arn?: string; file?: string; line?: number; end_line?: number },
  observed: string[],
): CloudResource {
  return {
    id: x.arn ?? x.resource,
    address: x.resource,
    ...(x.arn ? { arn: x.arn } : {}),
    type: resourceType(x.resource, x.arn),
    ...(x.file ? { file: x.file } : {}),
    ...(x.line ? { line: x.line } : {}),
    ...(x.end_line ? { end_line: x.end_line } : {}),
    observed,
  };
}

/**
 * The records of a result, in a stable order: per rule (the result's order), its findings (the
 * engine's order), then one check record per scope whose verdict no finding of that scope carries.
 */
export function cloudRecords(result: CheckResult): CloudRecord[] {
  const systems = Boolean(result.systems?.length);
  const records: CloudRecord[] = [];
  for (const inv of result.invariants) {
    const meta = metaFor(inv);
    const scopes = scopesOf(result, inv);
    const examined = sortExamined(inv.examined);
    for (const f of inv.findings) {
      const scope = scopes.find((s) => inScope(f, s, systems)) ?? scopes[0]!;
      const account = f.account ?? scope.account;
      const region = f.region ?? scope.region;
      const root = f.root ?? scope.root;
      const observed = examined
        .filter((e) => e.resource === f.resource && e.root === f.root && (!e.file || !f.file || e.file === f.file))
        .map((e) => e.observed);
      records.push({
        kind: 'finding',
        inv,
        meta,
        status: f.status,
        finding: f,
        ...(account ? { account } : {}),
        ...(region ? { region } : {}),
        ...(root ? { root } : {}),
        uid: uidOf({ ...(account ? { account, region } : {}), ...(root ? { root } : {}) }, inv.id, f.fingerprint),
        message: f.message,
        resources: [resourceOf(f, observed)],
      });
    }
    for (const scope of scopes) {
      const carried = inv.findings.some((f) => f.status === scope.status && inScope(f, scope, systems));
      if (carried) continue;
      const mine = examined.filter((e: Examined) => inScope(e, scope, systems) && (scope.status !== 'pass' || e.status === 'pass'));
      const reason = scope.status === 'pass' ? undefined : scope.reason;
      records.push({
        kind: 'check',
        inv,
        meta,
        status: scope.status,
        ...(scope.account ? { account: scope.account } : {}),
        ...(scope.region ? { region: scope.region } : {}),
        ...(scope.root ? { root: scope.root } : {}),
        uid: uidOf(scope, inv.id, 'check'),
        message: `${inv.id} ${STATUS_WORDS[scope.status]}${reason ? `: ${reason}` : ''}${mine.length ? ` (${mine.length} resource(s) examined)` : ''}`,
        ...(reason ? { reason } : {}),
        resources: mine.map((e) => resourceOf(e, [e.observed])),
      });
    }
  }
  return records;
}

/**
 * Which rules were decided (pass, fail, suppressed, not applicable: not error) in each account x
 * region of a live result: a finding exported earlier for such a rule and place that is absent now
 * was fixed. A rule in error decides nothing, so its earlier findings stay as they are.
 */
export function decidedScopes(result: CheckResult): { account: string; region: string; rules: string[] }[] {
  const out = new Map<string, { account: string; region: string; rules: string[] }>();
  for (const inv of result.invariants) {
    for (const scope of scopesOf(result, inv)) {
      if (!scope.account || !scope.region || scope.status === 'error') continue;
      const key = `${scope.account}/${scope.region}`;
      const entry = out.get(key) ?? { account: scope.account, region: scope.region, rules: [] };
      entry.rules.push(inv.id);
      out.set(key, entry);
    }
  }
  return [...out.values()].sort((a, b) =>
    a.account + a.region < b.account + b.region ? -1 : a.account + a.region > b.account + b.region ? 1 : 0,
  );
}
