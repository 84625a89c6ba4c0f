/**
 * The ZTAIT reference architecture as deployed: terraform/examples/complete applied to account
 * 111122223333 in us-east-1, in AWS API shapes (what `ztait drift` of the example against this account
 * finds: nothing). 7 functions in private subnets of a 3-AZ VPC with a NAT gateway and VPC endpoints,
 * 7 roles (named as their functions) under the boundary that denies sts, IAM and trail changes, each
 * with its least-privilege inline policy and the baseline policy, 7 tables with KMS encryption and
 * PITR (dedup with TTL), a multi-region trail to a versioned bucket whose policy denies deletes, an
 * HTTP API with an OKTA JWT authorizer on the dashboard routes and one webhook route per source,
 * secrets rotated every 30 days by the config manager. Maturity level 0. Plus resources outside the
 * namespace the probe must leave out (legacy-*, an org trail, the default VPC).
 *
 * `fixtures/accounts/reference.json` is this account (test/probe/fixtures.test.ts keeps them equal);
 * `extra` adds that many more in-scope functions/roles/tables/secrets (for the benchmark).
 */
import type { FixtureAccount } from './account.js';

type Obj = Record<string, unknown>;

export const ACCOUNT = '111122223333';
export const REGION = 'us-east-1';
const arn = (svc: string, res: string, region = REGION): string => `arn:aws:${svc}:${region}:${ACCOUNT}:${res}`;
const tags = (o: Record<string, string>): Obj[] => Object.entries(o).map(([Key, Value]) => ({ Key, Value }));
const SYSTEM = { 'ztait:system': 'ztait' };

const VPC = 'vpc-0a1b2c3d4e5f60001';
const PRIVATE = ['subnet-0private00000001a', 'subnet-0private00000001b', 'subnet-0private00000001c'];
const PUBLIC = ['subnet-0public000000001a', 'subnet-0public000000001b', 'subnet-0public000000001c'];
const SG_LAMBDA = 'sg-0lambda0000000001';
const SG_ENDPOINTS = 'sg-0endpoint00000001';
const IGW = 'igw-0ztait0000000001';
const NAT = 'nat-0ztait0000000001';
const KMS_KEY = arn('kms', 'key/0b8c7e51-6f0a-4c6e-9d3e-7a2f1c0d9e11');
const BOUNDARY = `arn:aws:iam::${ACCOUNT}:policy/ztait-permission-boundary`;
const BASELINE = `arn:aws:iam::${ACCOUNT}:policy/ztait-lambda-baseline`;
const VPC_ACCESS = 'arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole';
const ADMIN = 'arn:aws:iam::aws:policy/AdministratorAccess';
const TRAIL_BUCKET = `ztait-cloudtrail-${ACCOUNT}-${REGION}`;
const TRAIL_ARN = arn('cloudtrail', 'trail/ztait-trail');
const EVENT_BUS = arn('events', 'event-bus/ztait-bus');
const GUARDRAIL = arn('bedrock', 'guardrail/gr0ztait0001');

export const TABLES = ['incidents', 'audit', 'policies', 'sources', 'settings', 'escalation-rules', 'dedup'];
export const SOURCES = ['alertmanager', 'datadog', 'github'];
export const INTEGRATIONS = ['servicenow', 'pagerduty', 'mim', 'slack'];
const tableArn = (t: string): string => arn('dynamodb', `table/ztait-${t}`);
const secretArn = (name: string): string => arn('secretsmanager', `secret:${name}-AbCdEf`);
const fnArn = (name: string): string => arn('lambda', `function:ztait-${name}`);
const logsArn = (fn: string): string => arn('logs', `log-group:/aws/lambda/ztait-${fn}:*`);
const ROTATION_LAMBDA = fnArn('config-manager');

/** Table 3, level 0 (Shadow): what every function's environment carries (terraform.tfvars maturity_level = 0). */
const MATURITY = {
  ACCURACY_THRESHOLD: 'n/a',
  ACTION_EXECUTION_ENABLED: 'false',
  AUTO_REGRESSION_ENABLED: 'false',
  DISPLAY_RECOMMENDATIONS: 'false',
  GATING_REQUIRED_P1_P2: 'n/a',
  GATING_REQUIRED_P3_P4: 'n/a',
  MATURITY_LEVEL: '0',
  MIN_CONFIDENCE_AUTO: 'n/a',
};

const doc = (...Statement: Obj[]): Obj => ({ Statement, Version: '2012-10-17' });
const allow = (Action: string | string[], Resource: string | string[]): Obj => ({ Effect: 'Allow', Action, Resource });
/** A statement as Terraform renders an aws_iam_policy_document: keys in order, the Sid last. */
const st = (Sid: string, Effect: 'Allow' | 'Deny', Action: string | string[], Resource: string | string[], extra: Obj = {}): Obj => ({
  Action,
  ...extra,
  Effect,
  Resource,
  Sid,
});
const LAMBDA_TRUST = doc({
  Action: 'sts:AssumeRole',
  Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT } },
  Effect: 'Allow',
  Principal: { Service: 'lambda.amazonaws.com' },
});
const sortedJson = (o: Record<string, string>): string =>
  JSON.stringify(Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))));
const LOGS = (fn: string): Obj => st('Logs', 'Allow', ['logs:CreateLogStream', 'logs:PutLogEvents'], logsArn(fn));
const APPEND_AUDIT = st('AppendAudit', 'Allow', 'dynamodb:PutItem', tableArn('audit'));

interface FunctionSpec {
  /** Function and role name without the namespace. */
  name: string;
  description: string;
  memory: number;
  timeout: number;
  env: Record<string, string>;
  policy: Obj;
  tags?: Record<string, string>;
}

function functionSpecs(): FunctionSpec[] {
  const webhookSecrets = Object.fromEntries(SOURCES.map((s) => [s, secretArn(`ztait-webhook-${s}`)]));
  const common = { EVENT_BUS: 'ztait-bus' };
  return [
    {
      name: 'webhook-receiver',
      description: 'ZTAIT webhook receiver',
      memory: 256,
      timeout: 10,
      env: {
        WEBHOOK_SECRET_ARNS: sortedJson(webhookSecrets),
        SIGNATURE_HEADER: 'X-Hub-Signature-256',
        SIGNATURE_ALGORITHM: 'HMAC-SHA256',
        TIMESTAMP_HEADER: 'X-Timestamp',
        REPLAY_WINDOW_SECONDS: '300',
        DEDUP_TABLE: 'ztait-dedup',
        DEDUP_TTL_SECONDS: '86400',
        ROTATION_GRACE_SECONDS: '86400',
        POLICIES_TABLE: 'ztait-policies',
        SOURCES_TABLE: 'ztait-sources',
        AUDIT_TABLE: 'ztait-audit',
        ...common,
      },
      policy: doc(
        LOGS('webhook-receiver'),
        st(
          'ReadWebhookSecrets',
          'Allow',
          'secretsmanager:GetSecretValue',
          SOURCES.map((s) => secretArn(`ztait-webhook-${s}`)),
        ),
        st('Deduplicate', 'Allow', 'dynamodb:PutItem', tableArn('dedup')),
        st('ReadRules', 'Allow', ['dynamodb:GetItem', 'dynamodb:Query'], [tableArn('policies'), tableArn('sources')]),
        APPEND_AUDIT,
        st('PublishAlerts', 'Allow', 'events:PutEvents', EVENT_BUS),
      ),
    },
    {
      name: 'triage-engine',
      description: 'ZTAIT triage engine',
      memory: 512,
      timeout: 60,
      env: {
        MODEL_ID: 'anthropic.claude-3-5-sonnet-20240620-v1:0',
        GUARDRAIL_ID: 'gr0ztait0001',
        GUARDRAIL_VERSION: '1',
        MAX_FIELD_CHARS: '4000',
        INCIDENTS_TABLE: 'ztait-incidents',
        AUDIT_TABLE: 'ztait-audit',
        POLICIES_TABLE: 'ztait-policies',
        ESCALATION_RULES_TABLE: 'ztait-escalation-rules',
        SETTINGS_TABLE: 'ztait-settings',
        ...common,
      },
      policy: doc(
        LOGS('triage-engine'),
        st(
          'Classify',
          'Allow',
          'bedrock:InvokeModel',
          `arn:aws:bedrock:${REGION}::foundation-model/anthropic.claude-3-5-sonnet-20240620-v1:0`,
        ),
        st('Guardrail', 'Allow', 'bedrock:ApplyGuardrail', GUARDRAIL),
        st(
          'ReadPolicy',
          'Allow',
          ['dynamodb:GetItem', 'dynamodb:Query'],
          [tableArn('escalation-rules'), tableArn('incidents'), tableArn('policies'), tableArn('settings')],
        ),
        st('RecordIncidents', 'Allow', ['dynamodb:PutItem', 'dynamodb:UpdateItem'], tableArn('incidents')),
        APPEND_AUDIT,
        st('ClassificationMetrics', 'Allow', 'cloudwatch:PutMetricData', '*', {
          Condition: { StringEquals: { 'cloudwatch:namespace': 'ZTAIT/Triage' } },
        }),
        st('PublishDecisions', 'Allow', 'events:PutEvents', EVENT_BUS),
      ),
    },
    ...INTEGRATIONS.map((i) => ({
      name: `action-${i}`,
      description: `ZTAIT ${i} action handler`,
      memory: 256,
      timeout: 30,
      env: {
        INTEGRATION: i,
        INTEGRATION_SECRET_ARN: secretArn(`ztait-integration-${i}`),
        INTEGRATION_ENDPOINT_URL: ENDPOINTS[i]!,
        INCIDENTS_TABLE: 'ztait-incidents',
        AUDIT_TABLE: 'ztait-audit',
        FALLBACK_QUEUE_URL: `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/ztait-actions-fallback`,
        CIRCUIT_BREAKER_FAILURE_THRESHOLD: '5',
        ...common,
      },
      policy: doc(
        LOGS(`action-${i}`),
        st('ReadOwnSecret', 'Allow', 'secretsmanager:GetSecretValue', secretArn(`ztait-integration-${i}`)),
        st('TrackIncident', 'Allow', ['dynamodb:GetItem', 'dynamodb:UpdateItem'], tableArn('incidents')),
        APPEND_AUDIT,
        st('CircuitBreakerFallback', 'Allow', 'sqs:SendMessage', arn('sqs', 'ztait-actions-fallback')),
        st('PublishOutcomes', 'Allow', 'events:PutEvents', EVENT_BUS),
      ),
      tags: { 'ztait:integration': i },
    })),
    {
      name: 'config-manager',
      description: 'ZTAIT config manager (dashboard API and secret rotation)',
      memory: 256,
      timeout: 30,
      env: {
        INCIDENTS_TABLE: 'ztait-incidents',
        AUDIT_TABLE: 'ztait-audit',
        POLICIES_TABLE: 'ztait-policies',
        SOURCES_TABLE: 'ztait-sources',
        SETTINGS_TABLE: 'ztait-settings',
        ESCALATION_RULES_TABLE: 'ztait-escalation-rules',
        EVENT_BUS: 'ztait-bus',
        SECRET_NAME_PREFIX: 'ztait-',
      },
      policy: doc(
        LOGS('config-manager'),
        st(
          'ReadPipelineState',
          'Allow',
          ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:Scan'],
          ['audit', 'escalation-rules', 'incidents', 'policies', 'settings', 'sources'].map(tableArn),
        ),
        st(
          'WriteIncidentsAndConfiguration',
          'Allow',
          ['dynamodb:PutItem', 'dynamodb:UpdateItem'],
          ['escalation-rules', 'incidents', 'policies', 'settings', 'sources'].map(tableArn),
        ),
        st(
          'DeleteConfigurationItems',
          'Allow',
          'dynamodb:DeleteItem',
          ['escalation-rules', 'policies', 'settings', 'sources'].map(tableArn),
        ),
        APPEND_AUDIT,
        st('PublishApprovals', 'Allow', 'events:PutEvents', EVENT_BUS),
        st(
          'RotateZtaitSecrets',
          'Allow',
          [
            'secretsmanager:DescribeSecret',
            'secretsmanager:GetSecretValue',
            'secretsmanager:PutSecretValue',
            'secretsmanager:UpdateSecretVersionStage',
          ],
          arn('secretsmanager', 'secret:ztait-*'),
        ),
        st('GenerateSecretValues', 'Allow', 'secretsmanager:GetRandomPassword', '*'),
      ),
    },
  ];
}

const ENDPOINTS: Record<string, string> = {
  servicenow: 'https://example.service-now.com',
  pagerduty: 'https://api.pagerduty.com',
  mim: 'https://mim.example.com',
  slack: 'https://slack.com/api',
};

function network(): FixtureAccount['ec2'] {
  const azs = ['a', 'b', 'c'];
  const subnet = (id: string, cidr: string, az: string, tier: 'private' | 'public'): Obj => ({
    SubnetId: id,
    VpcId: VPC,
    CidrBlock: cidr,
    AvailabilityZone: `${REGION}${az}`,
    MapPublicIpOnLaunch: false,
    OwnerId: ACCOUNT,
    SubnetArn: arn('ec2', `subnet/${id}`),
    State: 'available',
    Tags: tags({ Name: `ztait-${tier}-${REGION}${az}`, 'ztait:tier': tier, ...SYSTEM }),
  });
  const endpoint = (id: string, service: string, type: 'Gateway' | 'Interface'): Obj => ({
    VpcEndpointId: id,
    VpcEndpointType: type,
    VpcId: VPC,
    ServiceName: `com.amazonaws.${REGION}.${service}`,
    State: 'available',
    OwnerId: ACCOUNT,
    PrivateDnsEnabled: type === 'Interface',
    RouteTableIds: type === 'Gateway' ? ['rtb-0private000000001'] : [],
    SubnetIds: type === 'Interface' ? PRIVATE : [],
    Groups: type === 'Interface' ? [{ GroupId: SG_ENDPOINTS, GroupName: 'ztait-vpc-endpoints' }] : [],
    Tags: tags({ Name: `ztait-${service}`, ...SYSTEM }),
  });
  const local = { DestinationCidrBlock: '10.40.0.0/16', GatewayId: 'local', Origin: 'CreateRouteTable', State: 'active' };
  return {
    Vpcs: [
      {
        VpcId: VPC,
        CidrBlock: '10.40.0.0/16',
        OwnerId: ACCOUNT,
        State: 'available',
        IsDefault: false,
        Tags: tags({ Name: 'ztait-vpc', ...SYSTEM }),
      },
      { VpcId: 'vpc-0default000000001', CidrBlock: '172.31.0.0/16', OwnerId: ACCOUNT, State: 'available', IsDefault: true, Tags: [] },
    ],
    Subnets: [
      ...azs.map((az, i) => subnet(PRIVATE[i]!, `10.40.${16 * i}.0/20`, az, 'private')),
      ...azs.map((az, i) => subnet(PUBLIC[i]!, `10.40.${240 + i}.0/24`, az, 'public')),
      {
        SubnetId: 'subnet-0default00000001',
        VpcId: 'vpc-0default000000001',
        CidrBlock: '172.31.0.0/20',
        AvailabilityZone: `${REGION}a`,
        OwnerId: ACCOUNT,
        Tags: [],
      },
    ],
    RouteTables: [
      {
        // the VPC's main route table, which AWS creates with the VPC (the example associates every subnet elsewhere)
        RouteTableId: 'rtb-0main00000000001',
        VpcId: VPC,
        OwnerId: ACCOUNT,
        Routes: [local],
        Associations: [
          {
            Main: true,
            RouteTableAssociationId: 'rtbassoc-0main0000000001',
            RouteTableId: 'rtb-0main00000000001',
            AssociationState: { State: 'associated' },
          },
        ],
        Tags: [],
      },
      {
        RouteTableId: 'rtb-0public000000001',
        VpcId: VPC,
        OwnerId: ACCOUNT,
        Routes: [local, { DestinationCidrBlock: '0.0.0.0/0', GatewayId: IGW, Origin: 'CreateRoute', State: 'active' }],
        Associations: PUBLIC.map((s, i) => ({
          Main: false,
          RouteTableAssociationId: `rtbassoc-0public00000000${i}`,
          RouteTableId: 'rtb-0public000000001',
          SubnetId: s,
          AssociationState: { State: 'associated' },
        })),
        Tags: tags({ Name: 'ztait-public', ...SYSTEM }),
      },
      {
        RouteTableId: 'rtb-0private000000001',
        VpcId: VPC,
        OwnerId: ACCOUNT,
        Routes: [
          local,
          { DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: NAT, Origin: 'CreateRoute', State: 'active' },
          // added by the DynamoDB gateway endpoint, which names this route table
          { DestinationPrefixListId: 'pl-02cd2c6b', GatewayId: 'vpce-0dynamodb00000001', Origin: 'CreateRoute', State: 'active' },
        ],
        Associations: PRIVATE.map((s, i) => ({
          Main: false,
          RouteTableAssociationId: `rtbassoc-0private0000000${i}`,
          RouteTableId: 'rtb-0private000000001',
          SubnetId: s,
          AssociationState: { State: 'associated' },
        })),
        Tags: tags({ Name: 'ztait-private', ...SYSTEM }),
      },
    ],
    NatGateways: [
      {
        NatGatewayId: NAT,
        SubnetId: PUBLIC[0],
        VpcId: VPC,
        State: 'available',
        ConnectivityType: 'public',
        NatGatewayAddresses: [{ AllocationId: 'eipalloc-0ztait000000001', PublicIp: '203.0.113.10', PrivateIp: '10.40.240.10' }],
        Tags: tags({ Name: 'ztait-nat', ...SYSTEM }),
      },
      { NatGatewayId: 'nat-0deleted0000000001', SubnetId: PUBLIC[1], VpcId: VPC, State: 'deleted', ConnectivityType: 'public' },
    ],
    InternetGateways: [
      {
        InternetGatewayId: IGW,
        OwnerId: ACCOUNT,
        Attachments: [{ VpcId: VPC, State: 'available' }],
        Tags: tags({ Name: 'ztait-igw', ...SYSTEM }),
      },
    ],
    SecurityGroups: [
      {
        GroupId: SG_LAMBDA,
        GroupName: 'ztait-lambda',
        Description: 'ZTAIT Lambda functions: egress HTTPS only',
        VpcId: VPC,
        OwnerId: ACCOUNT,
        IpPermissions: [],
        IpPermissionsEgress: [
          {
            IpProtocol: 'tcp',
            FromPort: 443,
            ToPort: 443,
            IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'HTTPS to VPC endpoints and, through the NAT gateway, to integrations' }],
          },
        ],
        Tags: tags({ Name: 'ztait-lambda', ...SYSTEM }),
      },
      {
        GroupId: SG_ENDPOINTS,
        GroupName: 'ztait-vpc-endpoints',
        Description: 'ZTAIT interface endpoints: HTTPS from the Lambda functions only',
        VpcId: VPC,
        OwnerId: ACCOUNT,
        IpPermissions: [
          {
            IpProtocol: 'tcp',
            FromPort: 443,
            ToPort: 443,
            UserIdGroupPairs: [{ GroupId: SG_LAMBDA, UserId: ACCOUNT, Description: 'HTTPS from the ZTAIT Lambda security group' }],
          },
        ],
        IpPermissionsEgress: [],
        Tags: tags({ Name: 'ztait-vpc-endpoints', ...SYSTEM }),
      },
      {
        // aws_default_security_group.locked: every rule removed
        GroupId: 'sg-0default000000001',
        GroupName: 'default',
        Description: 'default VPC security group',
        VpcId: VPC,
        OwnerId: ACCOUNT,
        IpPermissions: [],
        IpPermissionsEgress: [],
        Tags: tags({ Name: 'ztait-default-locked', ...SYSTEM }),
      },
    ],
    VpcEndpoints: [
      endpoint('vpce-0dynamodb00000001', 'dynamodb', 'Gateway'),
      endpoint('vpce-0secrets000000001', 'secretsmanager', 'Interface'),
      endpoint('vpce-0bedrock000000001', 'bedrock-runtime', 'Interface'),
      endpoint('vpce-0events0000000001', 'events', 'Interface'),
    ],
  };
}

/** module.foundation.aws_iam_policy.boundary as rendered for this account. */
function boundaryDocument(): Obj {
  const RESOURCELESS = [
    'cloudwatch:PutMetricData',
    'ec2:AssignPrivateIpAddresses',
    'ec2:CreateNetworkInterface',
    'ec2:DeleteNetworkInterface',
    'ec2:DescribeNetworkInterfaces',
    'ec2:UnassignPrivateIpAddresses',
    'secretsmanager:GetRandomPassword',
  ];
  const BEDROCK = [arn('bedrock', 'guardrail/*'), `arn:aws:bedrock:${REGION}::foundation-model/*`];
  return doc(
    st('AllowResourcelessActions', 'Allow', RESOURCELESS, '*'),
    st('AllowFunctionLogs', 'Allow', ['logs:CreateLogStream', 'logs:PutLogEvents'], arn('logs', 'log-group:/aws/lambda/ztait-*')),
    st(
      'AllowTableReadWrite',
      'Allow',
      [
        'dynamodb:BatchGetItem',
        'dynamodb:ConditionCheckItem',
        'dynamodb:DescribeTable',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:Query',
        'dynamodb:Scan',
        'dynamodb:UpdateItem',
      ],
      [arn('dynamodb', 'table/ztait-*'), arn('dynamodb', 'table/ztait-*/index/*')],
    ),
    st(
      'AllowNamespaceSecrets',
      'Allow',
      [
        'secretsmanager:DescribeSecret',
        'secretsmanager:GetSecretValue',
        'secretsmanager:PutSecretValue',
        'secretsmanager:UpdateSecretVersionStage',
      ],
      arn('secretsmanager', 'secret:ztait-*'),
    ),
    st('AllowEventBus', 'Allow', 'events:PutEvents', arn('events', 'event-bus/ztait-*')),
    st('AllowQueues', 'Allow', 'sqs:SendMessage', arn('sqs', 'ztait-*')),
    st('AllowDataKey', 'Allow', ['kms:Decrypt', 'kms:GenerateDataKey'], arn('kms', 'key/*')),
    st('AllowClassification', 'Allow', ['bedrock:ApplyGuardrail', 'bedrock:InvokeModel'], BEDROCK),
    st('AllowConfigItemDeletes', 'Allow', 'dynamodb:DeleteItem', ['escalation-rules', 'policies', 'settings', 'sources'].map(tableArn)),
    st('DenyRoleAssumption', 'Deny', ['sts:*', 'sts:AssumeRole', 'sts:AssumeRoleWithSAML', 'sts:AssumeRoleWithWebIdentity'], '*'),
    st(
      'DenyIamChanges',
      'Deny',
      [
        'iam:*',
        'iam:AttachGroupPolicy',
        'iam:AttachRolePolicy',
        'iam:AttachUserPolicy',
        'iam:CreatePolicy',
        'iam:CreatePolicyVersion',
        'iam:CreateRole',
        'iam:DeletePolicy',
        'iam:DeletePolicyVersion',
        'iam:DeleteRolePermissionsBoundary',
        'iam:DeleteRolePolicy',
        'iam:DetachRolePolicy',
        'iam:PassRole',
        'iam:PutGroupPolicy',
        'iam:PutRolePermissionsBoundary',
        'iam:PutRolePolicy',
        'iam:PutUserPolicy',
        'iam:SetDefaultPolicyVersion',
        'iam:UpdateAssumeRolePolicy',
      ],
      '*',
    ),
    st(
      'DenyAuditTrailTampering',
      'Deny',
      [
        'cloudtrail:DeleteEventDataStore',
        'cloudtrail:DeleteTrail',
        'cloudtrail:PutEventSelectors',
        'cloudtrail:PutInsightSelectors',
        'cloudtrail:StopLogging',
        'cloudtrail:UpdateTrail',
      ],
      '*',
    ),
    st(
      'DenyNetworkChanges',
      'Deny',
      [
        'ec2:AttachInternetGateway',
        'ec2:AuthorizeSecurityGroupEgress',
        'ec2:AuthorizeSecurityGroupIngress',
        'ec2:CreateInternetGateway',
        'ec2:CreateRoute',
        'ec2:CreateVpc',
        'ec2:CreateVpcPeeringConnection',
        'ec2:DeleteVpc',
        'ec2:DeleteVpcEndpoints',
        'ec2:ModifySecurityGroupRules',
        'ec2:ModifyVpcAttribute',
        'ec2:ModifyVpcEndpoint',
        'ec2:ReplaceRoute',
      ],
      '*',
    ),
    st(
      'DenyAuditTableChanges',
      'Deny',
      [
        'dynamodb:BatchWriteItem',
        'dynamodb:DeleteItem',
        'dynamodb:DeleteTable',
        'dynamodb:PartiQLDelete',
        'dynamodb:PartiQLUpdate',
        'dynamodb:UpdateContinuousBackups',
        'dynamodb:UpdateItem',
        'dynamodb:UpdateTable',
        'dynamodb:UpdateTimeToLive',
      ],
      [tableArn('audit'), `${tableArn('audit')}/*`],
    ),
    {
      Effect: 'Deny',
      NotAction: RESOURCELESS,
      NotResource: ['arn:aws:*:*:*:*ztait-*', ...BEDROCK, arn('kms', 'key/*')],
      Sid: 'DenyOutsideNamespace',
    },
  );
}

/** module.foundation.aws_iam_policy.lambda_baseline as rendered for this account. */
function baselineDocument(): Obj {
  return doc(
    st(
      'VpcNetworking',
      'Allow',
      [
        'ec2:AssignPrivateIpAddresses',
        'ec2:CreateNetworkInterface',
        'ec2:DeleteNetworkInterface',
        'ec2:DescribeNetworkInterfaces',
        'ec2:UnassignPrivateIpAddresses',
      ],
      '*',
    ),
    st('DeadLetterQueue', 'Allow', 'sqs:SendMessage', arn('sqs', 'ztait-lambda-dlq')),
    st('DataKey', 'Allow', ['kms:Decrypt', 'kms:GenerateDataKey'], KMS_KEY),
  );
}

function fn(spec: FunctionSpec): Obj {
  const name = `ztait-${spec.name}`;
  return {
    FunctionName: name,
    FunctionArn: fnArn(spec.name),
    Description: spec.description,
    Runtime: 'nodejs22.x',
    Role: `arn:aws:iam::${ACCOUNT}:role/${name}`,
    Handler: 'index.handler',
    Timeout: spec.timeout,
    MemorySize: spec.memory,
    Architectures: ['arm64'],
    PackageType: 'Zip',
    KMSKeyArn: KMS_KEY,
    VpcConfig: { SubnetIds: PRIVATE, SecurityGroupIds: [SG_LAMBDA], VpcId: VPC },
    Environment: { Variables: { ...MATURITY, ...spec.env } },
    Tags: { ...SYSTEM, ...(spec.tags ?? {}) },
  };
}

function role(spec: FunctionSpec): Obj {
  const name = `ztait-${spec.name}`;
  return {
    RoleName: name,
    RoleId: `AROA${spec.name
      .replace(/[^a-z]/g, '')
      .toUpperCase()
      .slice(0, 12)
      .padEnd(12, 'X')}0001`,
    Arn: `arn:aws:iam::${ACCOUNT}:role/${name}`,
    Path: '/',
    Description: spec.description,
    CreateDate: '2025-01-15T10:00:00Z',
    AssumeRolePolicyDocument: LAMBDA_TRUST,
    MaxSessionDuration: 3600,
    PermissionsBoundary: { PermissionsBoundaryType: 'PermissionsBoundaryPolicy', PermissionsBoundaryArn: BOUNDARY },
    Tags: tags({ ...SYSTEM, ...(spec.tags ?? {}) }),
    InlinePolicies: { 'least-privilege': spec.policy },
    AttachedPolicyArns: [BASELINE],
  };
}

function table(name: string, opts: { ttl?: string; pitr?: boolean; tagged?: boolean; kind?: string } = {}): Obj {
  return {
    Table: {
      TableName: name,
      TableArn: arn('dynamodb', `table/${name}`),
      TableStatus: 'ACTIVE',
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, ...(name.endsWith('dedup') ? [] : [{ AttributeName: 'sk', KeyType: 'RANGE' }])],
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      BillingModeSummary: { BillingMode: 'PAY_PER_REQUEST' },
      SSEDescription: { Status: 'ENABLED', SSEType: 'KMS', KMSMasterKeyArn: KMS_KEY },
      DeletionProtectionEnabled: true,
    },
    ContinuousBackups: {
      ContinuousBackupsStatus: opts.pitr === false ? 'DISABLED' : 'ENABLED',
      PointInTimeRecoveryDescription: { PointInTimeRecoveryStatus: opts.pitr === false ? 'DISABLED' : 'ENABLED', RecoveryPeriodInDays: 35 },
    },
    TimeToLive: opts.ttl ? { TimeToLiveStatus: 'ENABLED', AttributeName: opts.ttl } : { TimeToLiveStatus: 'DISABLED' },
    Tags: tags(opts.tagged === false ? {} : { ...SYSTEM, ...(opts.kind ? { 'ztait:table': opts.kind } : {}) }),
  };
}

function secret(name: string, description: string, rotationDays: number | undefined, extraTags: Record<string, string> | undefined): Obj {
  return {
    ARN: secretArn(name),
    Name: name,
    Description: description,
    KmsKeyId: KMS_KEY,
    ...(rotationDays
      ? {
          RotationEnabled: true,
          RotationLambdaARN: ROTATION_LAMBDA,
          RotationRules: { AutomaticallyAfterDays: rotationDays },
        }
      : { RotationEnabled: false }),
    Tags: tags(extraTags ? { ...SYSTEM, ...extraTags } : {}),
  };
}

const SOURCE_DESCRIPTIONS: Record<string, string> = {
  alertmanager: 'Prometheus Alertmanager',
  datadog: 'Datadog monitors',
  github: 'GitHub repository and Actions alerts',
};

export function referenceAccount(opts: { extra?: number } = {}): FixtureAccount {
  const specs = functionSpecs();
  const extra: FunctionSpec[] = Array.from({ length: opts.extra ?? 0 }, (_, i) => ({
    name: `extra-${String(i).padStart(4, '0')}`,
    description: 'ZTAIT extra workload',
    memory: 256,
    timeout: 30,
    env: {},
    policy: doc(allow('dynamodb:GetItem', tableArn('settings'))),
  }));
  const apiId = 'a1b2c3d4e5';
  const integrationUri = (fnArn: string): string => `arn:aws:apigateway:${REGION}:lambda:path/2015-03-31/functions/${fnArn}/invocations`;
  // GET /settings stays the fourth: fixture variants and tests name its route id rt0dash3
  const dashboard = [
    'GET /incidents',
    'GET /incidents/{id}',
    'POST /approvals/{id}',
    'GET /settings',
    'PUT /settings',
    'DELETE /settings/{key}',
    'GET /rules/{kind}',
    'PUT /rules/{kind}',
  ];
  return {
    Account: ACCOUNT,
    Region: REGION,
    Caller: `arn:aws:iam::${ACCOUNT}:user/auditor`,
    AuditRole: { Arn: `arn:aws:iam::${ACCOUNT}:role/ztait-auditor`, ExternalId: 'ztait-external-id' },
    iam: {
      Roles: [
        ...[...specs, ...extra].map(role),
        {
          RoleName: 'legacy-admin',
          RoleId: 'AROALEGACYADMIN00001',
          Arn: `arn:aws:iam::${ACCOUNT}:role/legacy-admin`,
          Path: '/',
          CreateDate: '2019-03-01T00:00:00Z',
          AssumeRolePolicyDocument: doc({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'sts:AssumeRole' }),
          Tags: [],
          AttachedPolicyArns: [ADMIN],
        },
        {
          RoleName: 'AWSServiceRoleForSupport',
          RoleId: 'AROASUPPORT000000001',
          Arn: `arn:aws:iam::${ACCOUNT}:role/aws-service-role/support.amazonaws.com/AWSServiceRoleForSupport`,
          Path: '/aws-service-role/support.amazonaws.com/',
          CreateDate: '2019-01-01T00:00:00Z',
          AssumeRolePolicyDocument: doc({ Effect: 'Allow', Principal: { Service: 'support.amazonaws.com' }, Action: 'sts:AssumeRole' }),
        },
      ],
      Policies: [
        {
          PolicyName: 'ztait-permission-boundary',
          Arn: BOUNDARY,
          Path: '/',
          DefaultVersionId: 'v1',
          AttachmentCount: 0,
          PermissionsBoundaryUsageCount: 7,
          Document: boundaryDocument(),
        },
        {
          PolicyName: 'ztait-lambda-baseline',
          Arn: BASELINE,
          Path: '/',
          DefaultVersionId: 'v1',
          AttachmentCount: 7,
          Document: baselineDocument(),
        },
        {
          // not attached here; the benchmark's generated workloads attach it
          PolicyName: 'AWSLambdaVPCAccessExecutionRole',
          Arn: VPC_ACCESS,
          Path: '/service-role/',
          DefaultVersionId: 'v3',
          Document: doc(
            allow(
              [
                'logs:CreateLogGroup',
                'logs:CreateLogStream',
                'logs:PutLogEvents',
                'ec2:CreateNetworkInterface',
                'ec2:DescribeNetworkInterfaces',
                'ec2:DescribeSubnets',
                'ec2:DeleteNetworkInterface',
                'ec2:AssignPrivateIpAddresses',
                'ec2:UnassignPrivateIpAddresses',
              ],
              '*',
            ),
          ),
        },
        { PolicyName: 'AdministratorAccess', Arn: ADMIN, Path: '/', DefaultVersionId: 'v1', Document: doc(allow('*', '*')) },
      ],
    },
    ec2: network(),
    lambda: {
      Functions: [
        ...specs.map((s) => fn(s)),
        ...extra.map((s) => fn(s)),
        {
          FunctionName: 'legacy-report-generator',
          FunctionArn: arn('lambda', 'function:legacy-report-generator'),
          Runtime: 'python3.12',
          Role: `arn:aws:iam::${ACCOUNT}:role/legacy-admin`,
          Handler: 'app.handler',
          PackageType: 'Zip',
          Environment: { Variables: { DB_PASSWORD: 'hunter2-do-not-print', SYSTEM_PROMPT: 'You are a legacy reporting bot.' } },
          Tags: { team: 'reports' },
        },
      ],
    },
    dynamodb: {
      Tables: [
        ...TABLES.map((t) => table(`ztait-${t}`, t === 'dedup' ? { ttl: 'expires_at', kind: t } : { kind: t.replace(/-/g, '_') })),
        table('legacy-orders', { pitr: false, tagged: false }),
        ...extra.map((_, i) => table(`ztait-extra-${String(i).padStart(4, '0')}`)),
      ],
    },
    s3: {
      Buckets: [
        {
          Name: TRAIL_BUCKET,
          Versioning: { Status: 'Enabled', MFADelete: 'Disabled' },
          Policy: doc(
            {
              Action: 's3:GetBucketAcl',
              Condition: { StringEquals: { 'aws:SourceArn': TRAIL_ARN } },
              Effect: 'Allow',
              Principal: { Service: 'cloudtrail.amazonaws.com' },
              Resource: `arn:aws:s3:::${TRAIL_BUCKET}`,
              Sid: 'CloudTrailAclCheck',
            },
            {
              Action: 's3:PutObject',
              Condition: { StringEquals: { 'aws:SourceArn': TRAIL_ARN } },
              Effect: 'Allow',
              Principal: { Service: 'cloudtrail.amazonaws.com' },
              Resource: `arn:aws:s3:::${TRAIL_BUCKET}/AWSLogs/${ACCOUNT}/*`,
              Sid: 'CloudTrailWrite',
            },
            {
              Action: ['s3:DeleteObject', 's3:DeleteObjectVersion', 's3:PutLifecycleConfiguration'],
              Effect: 'Deny',
              Principal: '*',
              Resource: [`arn:aws:s3:::${TRAIL_BUCKET}`, `arn:aws:s3:::${TRAIL_BUCKET}/*`],
              Sid: 'DenyLogDeletion',
            },
            {
              Action: 's3:*',
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
              Effect: 'Deny',
              Principal: '*',
              Resource: [`arn:aws:s3:::${TRAIL_BUCKET}`, `arn:aws:s3:::${TRAIL_BUCKET}/*`],
              Sid: 'DenyInsecureTransport',
            },
            {
              Action: 's3:PutBucketVersioning',
              Effect: 'Deny',
              Principal: '*',
              Resource: `arn:aws:s3:::${TRAIL_BUCKET}`,
              Sid: 'DenyVersioningChanges',
            },
          ),
        },
        { Name: 'legacy-org-trail-logs', Versioning: {} },
      ],
    },
    cloudtrail: {
      Trails: [
        {
          Name: 'ztait-trail',
          TrailARN: TRAIL_ARN,
          S3BucketName: TRAIL_BUCKET,
          IsMultiRegionTrail: true,
          IncludeGlobalServiceEvents: true,
          LogFileValidationEnabled: true,
          HomeRegion: REGION,
          KmsKeyId: KMS_KEY,
          IsLogging: true,
          Tags: tags(SYSTEM),
        },
        {
          Name: 'org-trail',
          TrailARN: arn('cloudtrail', 'trail/org-trail'),
          S3BucketName: 'legacy-org-trail-logs',
          IsMultiRegionTrail: false,
          HomeRegion: REGION,
          IsLogging: false,
          Tags: [],
        },
      ],
    },
    secretsmanager: {
      Secrets: [
        ...SOURCES.map((s) =>
          secret(`ztait-webhook-${s}`, `HMAC-SHA256 signing secret of the ${s} webhook (${SOURCE_DESCRIPTIONS[s]})`, 30, {
            'ztait:webhook-source': s,
          }),
        ),
        ...INTEGRATIONS.map((i) =>
          secret(`ztait-integration-${i}`, `Dedicated service-account credentials of the ${i} action handler`, 30, {
            'ztait:integration': i,
          }),
        ),
        secret('legacy-db-password', 'legacy database password', undefined, undefined),
        ...extra.map((_, i) => secret(`ztait-extra-${String(i).padStart(4, '0')}`, 'ZTAIT extra workload', 30, {})),
      ],
    },
    ssm: {
      Parameters: [
        {
          Name: '/legacy/flag',
          Type: 'String',
          Value: 'You are an old assistant prompt, not ours.',
          ARN: arn('ssm', 'parameter/legacy/flag'),
          Tier: 'Standard',
          DataType: 'text',
          Tags: [],
        },
      ],
    },
    apigatewayv2: {
      Apis: [
        {
          ApiId: apiId,
          Name: 'ztait-api',
          Description: 'ZTAIT: webhooks (HMAC) and dashboard (OKTA JWT)',
          ProtocolType: 'HTTP',
          ApiEndpoint: `https://${apiId}.execute-api.${REGION}.amazonaws.com`,
          RouteSelectionExpression: '$request.method $request.path',
          Tags: SYSTEM,
          Authorizers: [
            {
              AuthorizerId: 'auth0okta',
              Name: 'ztait-okta',
              AuthorizerType: 'JWT',
              IdentitySource: ['$request.header.Authorization'],
              JwtConfiguration: { Issuer: 'https://example.okta.com/oauth2/default', Audience: ['api://ztait'] },
            },
          ],
          Integrations: [
            {
              IntegrationId: 'int0receiver',
              IntegrationType: 'AWS_PROXY',
              IntegrationUri: integrationUri(fnArn('webhook-receiver')),
              PayloadFormatVersion: '2.0',
              ConnectionType: 'INTERNET',
            },
            {
              IntegrationId: 'int0manager',
              IntegrationType: 'AWS_PROXY',
              IntegrationUri: integrationUri(fnArn('config-manager')),
              PayloadFormatVersion: '2.0',
              ConnectionType: 'INTERNET',
            },
          ],
          Routes: [
            ...SOURCES.map((s) => ({
              RouteId: `rt0wh${s}`,
              RouteKey: `POST /webhooks/${s}`,
              AuthorizationType: 'NONE',
              Target: 'integrations/int0receiver',
              ApiKeyRequired: false,
            })),
            ...dashboard.map((k, i) => ({
              RouteId: `rt0dash${i}`,
              RouteKey: k,
              AuthorizationType: 'JWT',
              AuthorizerId: 'auth0okta',
              Target: 'integrations/int0manager',
              ApiKeyRequired: false,
            })),
          ],
        },
        {
          ApiId: 'zz9legacy0',
          Name: 'legacy-api',
          ProtocolType: 'HTTP',
          Tags: {},
          Routes: [{ RouteId: 'rtlegacy', RouteKey: 'GET /', AuthorizationType: 'NONE' }],
          Integrations: [],
          Authorizers: [],
        },
      ],
    },
  };
}
