import type { AwsSecurityFinding, ComplianceStatus, Resource, SeverityLabel } from '@aws-sdk/client-securityhub';
import type { CheckResult, Severity, Status } from '../model/result.js';
import { InputError } from '../model/errors.js';
import * as cloud from './cloud-findings.js';
import type { CloudRecord, CloudResource } from './cloud-findings.js';

/**
 * AWS Security Hub's finding format (ASFF 2018-10-08): the `Findings` array of BatchImportFindings,
 * one finding per ztait finding and one per check whose verdict no finding carries
 * (./cloud-findings.ts), for a custom integration (`product/<account>/default`). Every finding
 * belongs to an AWS account and region, so a static result (check, plan) has no ASFF: the CLI
 * refuses it with exit 2. `ztait export securityhub` sends these findings.
 */

export const ASFF_SCHEMA_VERSION = '2018-10-08';
/** Every ztait GeneratorId and Id starts with this: how an export finds its own earlier findings. */
export const ZTAIT_PREFIX = 'ztait/';
export const ASFF_TYPE = 'Software and Configuration Checks/Industry and Regulatory Standards/NIST SP 800-207';

/** Security Hub's limits (BatchImportFindings rejects a finding past them). */
const MAX = { title: 256, description: 1024, recommendation: 512, resources: 32, fieldValue: 2048, otherValue: 1024 } as const;

const LABEL: Record<Severity, SeverityLabel> = { critical: 'CRITICAL', high: 'HIGH', medium: 'MEDIUM', low: 'LOW' };

/** FAILED: violated (suppressed too: its Workflow says SUPPRESSED); NOT_AVAILABLE: undecidable, or nothing to check. */
const COMPLIANCE: Record<Status, ComplianceStatus> = {
  pass: 'PASSED',
  fail: 'FAILED',
  suppressed: 'FAILED',
  error: 'NOT_AVAILABLE',
  not_applicable: 'NOT_AVAILABLE',
};

/** Terraform resource types and the ASFF resource type that describes the same AWS resource. */
const RESOURCE_TYPES: Record<string, string> = {
  aws_apigatewayv2_api: 'AwsApiGatewayV2Api',
  aws_apigatewayv2_stage: 'AwsApiGatewayV2Stage',
  aws_cloudtrail: 'AwsCloudTrailTrail',
  aws_dynamodb_table: 'AwsDynamoDbTable',
  aws_iam_policy: 'AwsIamPolicy',
  aws_iam_role: 'AwsIamRole',
  aws_kms_key: 'AwsKmsKey',
  aws_lambda_function: 'AwsLambdaFunction',
  aws_network_acl: 'AwsEc2NetworkAcl',
  aws_route_table: 'AwsEc2RouteTable',
  aws_s3_bucket: 'AwsS3Bucket',
  aws_secretsmanager_secret: 'AwsSecretsManagerSecret',
  aws_security_group: 'AwsEc2SecurityGroup',
  aws_sns_topic: 'AwsSnsTopic',
  aws_sqs_queue: 'AwsSqsQueue',
  aws_subnet: 'AwsEc2Subnet',
  aws_vpc: 'AwsEc2Vpc',
};

/** The ASFF resource type of a Terraform type (`Other` when Security Hub has none). */
export function asffResourceType(terraformType: string): string {
  return RESOURCE_TYPES[terraformType] ?? 'Other';
}

/** Why a result has no ASFF (undefined when it has one). */
export function asffUnavailable(result: CheckResult): string | undefined {
  if (result.source.kind === 'live') return undefined;
  return `asff: a Security Hub finding belongs to an AWS account and region, and a static ${result.source.kind === 'plan' ? 'plan' : 'configuration'} check has neither: use --format ocsf or sarif, or probe the deployed account`;
}

/** The custom-integration product ARN of an account in a region. */
export function productArn(account: string, region: string): string {
  return `arn:${cloud.partitionOf(region)}:securityhub:${region}:${account}:product/${account}/default`;
}

function resourceOf(res: CloudResource, r: CloudRecord): Resource {
  const region = cloud.arnRegion(res.arn) ?? r.region!;
  const other: Record<string, string> = {
    ...(res.arn && res.arn !== res.address ? { 'ztait/address': cloud.clip(res.address, MAX.otherValue) } : {}),
    ...(res.observed.length ? { 'ztait/observed': cloud.clip(res.observed.join('; '), MAX.otherValue) } : {}),
  };
  return {
    Type: asffResourceType(res.type),
    Id: res.id,
    Partition: cloud.partitionOf(region),
    Region: region,
    ...(Object.keys(other).length ? { Details: { Other: other } } : {}),
  };
}

/** The account itself: the resource of a check that examined nothing (the way Security Hub's own controls say it). */
function accountResource(r: CloudRecord): Resource {
  return { Type: 'AwsAccount', Id: `AWS::::Account:${r.account}`, Partition: cloud.partitionOf(r.region), Region: r.region! };
}

function findingOf(r: CloudRecord, result: CheckResult): AwsSecurityFinding {
  const account = r.account!;
  const region = r.region!;
  const title = r.meta?.title ?? r.inv.title;
  const informational = r.status === 'pass' || r.status === 'not_applicable';
  const severity = {
    Label: informational ? ('INFORMATIONAL' as const) : LABEL[r.meta?.severity ?? r.inv.severity],
    Original: r.inv.severity,
  };
  const f = r.finding;
  const resources = r.resources.map((res) => resourceOf(res, r));
  const fields: Record<string, string> = {
    ProviderName: 'ztait',
    ProviderVersion: result.tool.version,
    'ztait/RuleId': r.inv.id,
    'ztait/Status': r.status,
    'ztait/Stride': r.inv.stride.join(', '),
    'ztait/NistTenets': cloud.tenetNames(r.inv).join(', '),
    ...(f ? { 'ztait/Fingerprint': f.fingerprint, 'ztait/Resource': cloud.clip(f.resource, MAX.fieldValue) } : {}),
    ...(r.root ? { 'ztait/Root': r.root } : {}),
    ...(resources.length > MAX.resources ? { 'ztait/ResourcesExamined': String(resources.length) } : {}),
    ...(f?.suppression ? { 'ztait/Suppression': cloud.clip(`${f.suppression.kind}: ${f.suppression.reason}`, MAX.fieldValue) } : {}),
  };
  const message = f ? `${f.resource}: ${r.message}` : r.message;
  return {
    SchemaVersion: ASFF_SCHEMA_VERSION,
    Id: r.uid,
    ProductArn: productArn(account, region),
    ProductName: 'ztait',
    CompanyName: 'ztait',
    GeneratorId: `${ZTAIT_PREFIX}${r.inv.id}`,
    AwsAccountId: account,
    Region: region,
    Types: [ASFF_TYPE],
    CreatedAt: result.generated_at,
    UpdatedAt: result.generated_at,
    LastObservedAt: result.generated_at,
    Severity: severity,
    FindingProviderFields: { Severity: severity, Types: [ASFF_TYPE] },
    Title: cloud.clip(`${r.inv.id} ${title}`, MAX.title),
    Description: cloud.clip(message, MAX.description),
    Remediation: {
      Recommendation: {
        Text: cloud.clip(
          r.meta ? cloud.plainText(r.meta.remediation).replace(/\s+/g, ' ') : 'No remediation is recorded for this rule.',
          MAX.recommendation,
        ),
        Url: cloud.helpUrl(r.meta),
      },
    },
    ProductFields: fields,
    Resources: resources.length ? resources.slice(0, MAX.resources) : [accountResource(r)],
    Compliance: { Status: COMPLIANCE[r.status], RelatedRequirements: [`ZTAIT ${r.inv.id}`, ...cloud.tenetNames(r.inv)] },
    // Security Hub takes a Workflow only when it creates the finding; the export sets it on later runs.
    ...(r.status === 'suppressed' ? { Workflow: { Status: 'SUPPRESSED' as const } } : {}),
    RecordState: 'ACTIVE',
  };
}

/** The ASFF findings of a live result (fleet: each finding in its own account and region). */
export function asffFindings(result: CheckResult): AwsSecurityFinding[] {
  const why = asffUnavailable(result);
  if (why) throw new InputError(why);
  const records = cloud.cloudRecords(result);
  const orphan = records.find((r) => !r.account);
  if (orphan) throw new InputError(`asff: ${orphan.uid} has no AWS account in the result, and a Security Hub finding needs one`);
  // A fleet account ztait could not enter has no region, and a Security Hub finding lives in one: its
  // error verdicts are in the other formats (and fail the run), not here.
  return records.filter((r) => r.region).map((r) => findingOf(r, result));
}

/** The `Findings` array as JSON (deterministic: the same result gives the same bytes). */
export function renderAsff(result: CheckResult): string {
  return `${JSON.stringify(asffFindings(result), null, 2)}\n`;
}
