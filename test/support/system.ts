/**
 * A complete ZTAIT system as the static source would load it (references as Unknowns, known names
 * as strings), built fresh on every call so a test can break exactly one thing. It passes every
 * invariant; `toLive(sys.all())` is the same system as the live probe reports it.
 */
import type { Resource } from '../../src/model/inventory.js';
import type { Value, ValueObject } from '../../src/model/value.js';
import { jsonencode, ref, res, tpl } from './builder.js';

export const SOURCES = ['github', 'pagerduty'] as const;
export const INTEGRATIONS = ['servicenow', 'pagerduty', 'mim', 'slack'] as const;
export const TABLES = ['incidents', 'audit', 'policies', 'sources', 'settings', 'escalation-rules', 'dedup'] as const;

export const doc = (...statements: ValueObject[]): ValueObject => ({ Version: '2012-10-17', Statement: statements });
export const allow = (action: Value, resource: Value, extra: ValueObject = {}): ValueObject => ({
  Effect: 'Allow',
  Action: action,
  Resource: resource,
  ...extra,
});
export const deny = (action: Value, resource: Value, extra: ValueObject = {}): ValueObject => ({
  Effect: 'Deny',
  Action: action,
  Resource: resource,
  ...extra,
});

export const IAM_WRITES = [
  'iam:CreatePolicy',
  'iam:CreatePolicyVersion',
  'iam:DeletePolicy',
  'iam:SetDefaultPolicyVersion',
  'iam:PutRolePolicy',
  'iam:DeleteRolePolicy',
  'iam:AttachRolePolicy',
  'iam:DetachRolePolicy',
  'iam:PutRolePermissionsBoundary',
  'iam:DeleteRolePermissionsBoundary',
];

export function boundaryDocument(): ValueObject {
  return doc(
    { Sid: 'AllowWithinNamespace', ...allow('*', '*') },
    { Sid: 'DenyAssumeRole', ...deny('sts:AssumeRole', '*') },
    { Sid: 'DenyIamPolicyWrites', ...deny(IAM_WRITES, '*') },
    { Sid: 'DenyTrailDeletion', ...deny(['cloudtrail:DeleteTrail', 'cloudtrail:StopLogging'], '*') },
  );
}

export function system() {
  // ---------------------------------------------------------------- network
  const vpc = res('aws_vpc', 'main', { cidr_block: '10.0.0.0/16' }, { module: 'module.foundation' });
  const m = { module: 'module.foundation' };
  const priv = ['a', 'b'].map((k, i) => res('aws_subnet', 'private', { vpc_id: ref(vpc), cidr_block: `10.0.${i}.0/24` }, { ...m, key: k }));
  const pub = res('aws_subnet', 'public', { vpc_id: ref(vpc), cidr_block: '10.0.100.0/24' }, { ...m, key: 'a' });
  const igw = res('aws_internet_gateway', 'main', { vpc_id: ref(vpc) }, m);
  const nat = res('aws_nat_gateway', 'main', { subnet_id: ref(pub) }, m);
  const rtPrivate = res(
    'aws_route_table',
    'private',
    { vpc_id: ref(vpc), route: [{ cidr_block: '0.0.0.0/0', nat_gateway_id: ref(nat) }] },
    m,
  );
  const rtPublic = res('aws_route_table', 'public', { vpc_id: ref(vpc), route: [{ cidr_block: '0.0.0.0/0', gateway_id: ref(igw) }] }, m);
  const assocs = [
    ...priv.map((s, i) =>
      res('aws_route_table_association', 'private', { subnet_id: ref(s), route_table_id: ref(rtPrivate) }, { ...m, key: ['a', 'b'][i]! }),
    ),
    res('aws_route_table_association', 'public', { subnet_id: ref(pub), route_table_id: ref(rtPublic) }, { ...m, key: 'a' }),
  ];
  const endpoints = [
    res(
      'aws_vpc_endpoint',
      'dynamodb',
      { vpc_id: ref(vpc), service_name: 'com.amazonaws.eu-west-1.dynamodb', vpc_endpoint_type: 'Gateway' },
      m,
    ),
    ...['secretsmanager', 'bedrock-runtime', 'events'].map((svc) =>
      res(
        'aws_vpc_endpoint',
        'interface',
        { vpc_id: ref(vpc), service_name: `com.amazonaws.eu-west-1.${svc}`, vpc_endpoint_type: 'Interface', private_dns_enabled: true },
        { ...m, key: svc },
      ),
    ),
  ];
  const sg = res(
    'aws_security_group',
    'lambda',
    {
      name: 'ztait-lambda',
      vpc_id: ref(vpc),
      egress: [
        {
          protocol: 'tcp',
          from_port: 443,
          to_port: 443,
          cidr_blocks: ['0.0.0.0/0'],
          ipv6_cidr_blocks: [],
          prefix_list_ids: [],
          security_groups: [],
        },
      ],
    },
    m,
  );

  // ---------------------------------------------------------------- tables
  const tables = Object.fromEntries(
    TABLES.map((t) => [
      t,
      res(
        'aws_dynamodb_table',
        'table',
        {
          name: `ztait-${t}`,
          hash_key: 'pk',
          billing_mode: 'PAY_PER_REQUEST',
          server_side_encryption: [{ enabled: true }],
          point_in_time_recovery: [{ enabled: true }],
          ...(t === 'dedup' ? { ttl: [{ attribute_name: 'expires_at', enabled: true }] } : {}),
        },
        { ...m, key: t },
      ),
    ]),
  ) as Record<(typeof TABLES)[number], Resource>;

  // ---------------------------------------------------------------- secrets
  const webhookSecrets = Object.fromEntries(
    SOURCES.map((s) => [
      s,
      res('aws_secretsmanager_secret', 'webhook', { name: `ztait/webhook/${s}` }, { module: 'module.ingestion', key: s }),
    ]),
  ) as Record<(typeof SOURCES)[number], Resource>;
  const integrationSecrets = Object.fromEntries(
    INTEGRATIONS.map((i) => [
      i,
      res('aws_secretsmanager_secret', 'integration', { name: `ztait/integration/${i}` }, { module: 'module.actions', key: i }),
    ]),
  ) as Record<(typeof INTEGRATIONS)[number], Resource>;
  const secrets = [...Object.values(webhookSecrets), ...Object.values(integrationSecrets)];
  const rotations = secrets.map((s) =>
    res(
      'aws_secretsmanager_secret_rotation',
      'rotation',
      {
        secret_id: ref(s),
        rotation_lambda_arn: 'arn:aws:lambda:eu-west-1:111122223333:function:ztait-rotation',
        rotation_rules: [{ automatically_after_days: 30 }],
      },
      { module: s.module, key: String(s.index) },
    ),
  );

  // ---------------------------------------------------------------- IAM
  const boundary = res('aws_iam_policy', 'boundary', { name: 'ztait-boundary', policy: JSON.stringify(boundaryDocument()) }, m);
  const roleOf = (name: string, module: string, key?: string): Resource =>
    res(
      'aws_iam_role',
      'role',
      {
        name: `ztait-${name}`,
        assume_role_policy: JSON.stringify(
          doc({ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }),
        ),
        permissions_boundary: ref(boundary, 'arn'),
      },
      { module, ...(key ? { key } : {}) },
    );
  const roles = {
    receiver: roleOf('webhook-receiver', 'module.ingestion'),
    triage: roleOf('triage', 'module.triage'),
    config: roleOf('config-manager', 'module.foundation'),
    handlers: Object.fromEntries(INTEGRATIONS.map((i) => [i, roleOf(`${i}-handler`, 'module.actions', i)])) as Record<
      (typeof INTEGRATIONS)[number],
      Resource
    >,
  };
  const rolePolicy = (role: Resource, statements: ValueObject[]): Resource =>
    res(
      'aws_iam_role_policy',
      'policy',
      { name: 'least-privilege', role: ref(role, 'name'), policy: jsonencode(doc(...statements)) },
      {
        module: role.module,
        ...(role.index !== undefined ? { key: role.index } : {}),
      },
    );
  const arn = (r: Resource): Value => ref(r, 'arn');
  const policies = [
    rolePolicy(roles.receiver, [
      allow('secretsmanager:GetSecretValue', Object.values(webhookSecrets).map(arn)),
      allow(['dynamodb:PutItem', 'dynamodb:GetItem'], [arn(tables.dedup), arn(tables.sources)]),
      allow('events:PutEvents', '*'),
    ]),
    rolePolicy(roles.triage, [
      allow('bedrock:InvokeModel', '*'),
      allow(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'], [arn(tables.incidents)]),
      allow('dynamodb:PutItem', [arn(tables.audit)]),
      allow('dynamodb:GetItem', [arn(tables.settings), arn(tables.policies)]),
    ]),
    rolePolicy(roles.config, [
      allow(
        ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Query'],
        [arn(tables.settings), arn(tables['escalation-rules']), arn(tables.policies)],
      ),
    ]),
    ...INTEGRATIONS.map((i) =>
      rolePolicy(roles.handlers[i], [
        allow('secretsmanager:GetSecretValue', arn(integrationSecrets[i])),
        allow('dynamodb:PutItem', arn(tables.audit)),
      ]),
    ),
  ];

  // ---------------------------------------------------------------- functions
  const vpcConfig = (): Value => [{ subnet_ids: priv.map((s) => ref(s)), security_group_ids: [ref(sg)] }];
  const fn = (name: string, module: string, role: Resource, vars: ValueObject, key?: string): Resource =>
    res(
      'aws_lambda_function',
      'function',
      {
        function_name: `ztait-${name}`,
        role: ref(role, 'arn'),
        handler: 'index.handler',
        runtime: 'nodejs20.x',
        vpc_config: vpcConfig(),
        environment: [{ variables: { MATURITY_LEVEL: '0', ...vars } }],
      },
      { module, ...(key ? { key } : {}) },
    );
  const fns = {
    receiver: fn('webhook-receiver', 'module.ingestion', roles.receiver, {
      SIGNATURE_HEADER: 'X-Hub-Signature-256',
      WEBHOOK_SECRET_ARNS: jsonencode(Object.fromEntries(SOURCES.map((s) => [s, arn(webhookSecrets[s])]))),
      REPLAY_WINDOW_SECONDS: '300',
      DEDUP_TABLE: ref(tables.dedup, 'name'),
    }),
    triage: fn('triage', 'module.triage', roles.triage, {
      MODEL_ID: 'anthropic.claude-3-5-sonnet-20240620-v1:0',
      INCIDENTS_TABLE: ref(tables.incidents, 'name'),
    }),
    config: fn('config-manager', 'module.foundation', roles.config, { SETTINGS_TABLE: ref(tables.settings, 'name') }),
    handlers: Object.fromEntries(
      INTEGRATIONS.map((i) => [i, fn(`${i}-handler`, 'module.actions', roles.handlers[i], { SECRET_ARN: arn(integrationSecrets[i]) }, i)]),
    ) as Record<(typeof INTEGRATIONS)[number], Resource>,
  };

  // ---------------------------------------------------------------- API
  const api = res('aws_apigatewayv2_api', 'main', { name: 'ztait-api', protocol_type: 'HTTP' }, m);
  const authorizer = res(
    'aws_apigatewayv2_authorizer',
    'okta',
    {
      api_id: ref(api),
      name: 'okta',
      authorizer_type: 'JWT',
      identity_sources: ['$request.header.Authorization'],
      jwt_configuration: [{ issuer: 'https://example.okta.com/oauth2/default', audience: ['api://ztait'] }],
    },
    m,
  );
  const integ = {
    webhook: res(
      'aws_apigatewayv2_integration',
      'webhook',
      { api_id: ref(api), integration_type: 'AWS_PROXY', integration_uri: ref(fns.receiver, 'invoke_arn') },
      { module: 'module.ingestion' },
    ),
    dashboard: res(
      'aws_apigatewayv2_integration',
      'dashboard',
      { api_id: ref(api), integration_type: 'AWS_PROXY', integration_uri: ref(fns.config, 'invoke_arn') },
      m,
    ),
  };
  const webhookRoutes = SOURCES.map((s) =>
    res(
      'aws_apigatewayv2_route',
      'webhook',
      { api_id: ref(api), route_key: `POST /webhooks/${s}`, authorization_type: 'NONE', target: tpl('integrations/', ref(integ.webhook)) },
      { module: 'module.ingestion', key: s },
    ),
  );
  const dashboardRoutes = ['GET /incidents', 'POST /settings'].map((k, i) =>
    res(
      'aws_apigatewayv2_route',
      'dashboard',
      {
        api_id: ref(api),
        route_key: k,
        authorization_type: 'JWT',
        authorizer_id: ref(authorizer),
        target: tpl('integrations/', ref(integ.dashboard)),
      },
      { ...m, key: ['incidents', 'settings'][i]! },
    ),
  );

  // ---------------------------------------------------------------- audit trail
  const bucket = res('aws_s3_bucket', 'trail', { bucket: 'ztait-trail-logs' }, m);
  const objects = tpl(ref(bucket, 'arn'), '/*');
  const bucketPolicy = res(
    'aws_s3_bucket_policy',
    'trail',
    {
      bucket: ref(bucket),
      policy: jsonencode(
        doc(
          {
            Sid: 'CloudTrailWrite',
            Effect: 'Allow',
            Principal: { Service: 'cloudtrail.amazonaws.com' },
            Action: 's3:PutObject',
            Resource: objects,
          },
          { Sid: 'DenyDeletes', Effect: 'Deny', Principal: '*', Action: ['s3:DeleteObject', 's3:DeleteObjectVersion'], Resource: objects },
        ),
      ),
    },
    m,
  );
  const versioning = res(
    'aws_s3_bucket_versioning',
    'trail',
    { bucket: ref(bucket), versioning_configuration: [{ status: 'Enabled', mfa_delete: 'Disabled' }] },
    m,
  );
  const trail = res(
    'aws_cloudtrail',
    'main',
    { name: 'ztait-trail', s3_bucket_name: ref(bucket), is_multi_region_trail: true, enable_logging: true },
    m,
  );

  const sys = {
    vpc,
    priv,
    pub,
    igw,
    nat,
    rtPrivate,
    rtPublic,
    assocs,
    endpoints,
    sg,
    tables,
    webhookSecrets,
    integrationSecrets,
    secrets,
    rotations,
    boundary,
    roles,
    policies,
    fns,
    api,
    authorizer,
    integ,
    webhookRoutes,
    dashboardRoutes,
    bucket,
    bucketPolicy,
    versioning,
    trail,
    /** The policy resource of a role. */
    policyOf(role: Resource): Resource {
      return policies.find((p) => p.module === role.module && p.index === role.index)!;
    },
    all(): Resource[] {
      return [
        vpc,
        ...priv,
        pub,
        igw,
        nat,
        rtPrivate,
        rtPublic,
        ...assocs,
        ...endpoints,
        sg,
        ...Object.values(tables),
        ...secrets,
        ...rotations,
        boundary,
        roles.receiver,
        roles.triage,
        roles.config,
        ...Object.values(roles.handlers),
        ...policies,
        fns.receiver,
        fns.triage,
        fns.config,
        ...Object.values(fns.handlers),
        api,
        authorizer,
        integ.webhook,
        integ.dashboard,
        ...webhookRoutes,
        ...dashboardRoutes,
        bucket,
        bucketPolicy,
        versioning,
        trail,
      ];
    },
  };
  return sys;
}

export type System = ReturnType<typeof system>;
