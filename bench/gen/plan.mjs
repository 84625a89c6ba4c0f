/**
 * A synthetic Terraform plan in the documented JSON format (`terraform show -json`, format_version
 * 1.2: https://developer.hashicorp.com/terraform/internals/json-format): `planned_values` with one
 * child module per service, `resource_changes` (creates, with `after_unknown` for every computed
 * attribute and `after_sensitive`), `configuration` with constant values and `references` (so
 * unknowns can be traced), and `variables`. The estate is the static benchmark's: a platform
 * module and service modules of Lambda functions in the VPC, IAM roles with a boundary and
 * jsonencode policies, DynamoDB tables with PITR and SSE, security groups, rotated secrets,
 * routes behind a JWT authorizer.
 *
 * The document is written as a stream (three passes over a deterministic estate, one module in
 * memory at a time), so a 100 MB plan costs the generator a few MB.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

const ACCOUNT = '123456789012';
const REGION = 'eu-west-1';
const NS = 'ztait-';
const WORDS = [
  'ingest',
  'triage',
  'enrich',
  'notify',
  'route',
  'score',
  'audit',
  'export',
  'sync',
  'archive',
  'classify',
  'dedupe',
  'escalate',
  'report',
  'verify',
  'publish',
];
const TABLES = ['events', 'state', 'audit', 'cursor', 'cache', 'rules', 'jobs', 'leases'];
const PER_HANDLER = 8;
const FIXED = (m) => m.tables + 2 * m.secrets + 1 /* dlq */ + 1 /* sg */ + 2 /* egress */ + 1; /* policy */

const ref = (...refs) => ({ references: refs });
const constant = (v) => ({ constant_value: v });

/** Services of the estate: the sizes of each module, chosen to reach `resources` in total. */
export function planEstate({ resources = 10_000, perModule = 100 } = {}) {
  const modules = Math.max(1, Math.round(resources / perModule));
  const services = Array.from({ length: modules }, (_, i) => ({
    name: `svc${String(i + 1).padStart(3, '0')}`,
    tables: 3 + (i % 4),
    secrets: 2 + (i % 3),
    handlers: 0,
  }));
  const fixed = services.reduce((s, m) => s + FIXED(m), 0);
  const handlers = Math.max(modules, Math.round((resources - fixed) / PER_HANDLER));
  services.forEach((m, i) => {
    m.handlers = Math.floor(handlers / modules) + (i < handlers % modules ? 1 : 0);
  });
  const total = services.reduce((s, m) => s + FIXED(m) + PER_HANDLER * m.handlers, 0);
  return { services, resources: total };
}

const handlerName = (h) => `${WORDS[h % WORDS.length]}${h >= WORDS.length ? Math.floor(h / WORDS.length) + 1 : ''}`;

/**
 * The resource instances of one service module, each with its planned values, unknown and
 * sensitive marks, and its configuration block (shared by the instances of one block).
 */
function moduleRecords(m) {
  const ns = `${NS}${m.name}-`;
  const tags = { 'ztait:system': 'ztait', 'ztait:service': m.name, owner: 'platform-team' };
  const out = [];
  const add = (type, name, index, values, unknown, config, sensitive = {}) =>
    out.push({ type, name, index, values, unknown, sensitive, config });
  const handlers = Array.from({ length: m.handlers }, (_, h) => handlerName(h));
  const tableNames = TABLES.slice(0, m.tables);
  const secrets = ['github', 'pagerduty', 'slack', 'jira'].slice(0, m.secrets);
  const each = { for_each_expression: ref('var.handlers') };
  const tableArn = (t) => `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${ns}${t}`;

  for (const [h, key] of handlers.entries()) {
    const fn = `${ns}${key}`;
    const tables = [...new Set([tableNames[h % m.tables], tableNames[(h + 1) % m.tables]])];
    add(
      'aws_iam_role',
      'handler',
      key,
      {
        name: fn,
        description: `${m.name} ${key} handler`,
        force_detach_policies: false,
        max_session_duration: 3600,
        path: '/',
        permissions_boundary: BOUNDARY_ARN,
        tags: { ...tags, handler: key },
        assume_role_policy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'LambdaAssume',
              Effect: 'Allow',
              Principal: { Service: 'lambda.amazonaws.com' },
              Action: 'sts:AssumeRole',
              Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT } },
            },
          ],
        }),
      },
      {
        arn: true,
        id: true,
        create_date: true,
        unique_id: true,
        inline_policy: true,
        managed_policy_arns: true,
        name_prefix: true,
        tags_all: true,
      },
      {
        expressions: {
          name: ref('local.function_names', 'each.key'),
          permissions_boundary: ref('var.permissions_boundary_arn'),
          assume_role_policy: ref('var.account_id'),
          tags: ref('local.tags', 'each.key'),
        },
        ...each,
      },
    );
    add(
      'aws_iam_role_policy',
      'handler',
      key,
      { name: 'least-privilege', name_prefix: null },
      { id: true, role: true, policy: true },
      {
        expressions: {
          name: constant('least-privilege'),
          role: ref('aws_iam_role.handler', 'each.key'),
          policy: ref(`data.aws_iam_policy_document.handler`, 'each.key'),
        },
        ...each,
      },
    );
    add(
      'aws_iam_role_policy_attachment',
      'shared',
      key,
      { role: fn },
      { id: true, policy_arn: true },
      {
        expressions: {
          role: ref('aws_iam_role.handler', 'each.key'),
          policy_arn: ref('aws_iam_policy.shared.arn', 'aws_iam_policy.shared'),
        },
        ...each,
      },
    );
    add(
      'aws_cloudwatch_log_group',
      'handler',
      key,
      {
        name: `/aws/lambda/${fn}`,
        retention_in_days: 365,
        kms_key_id: `arn:aws:kms:${REGION}:${ACCOUNT}:key/00000000-0000-4000-8000-${String(h).padStart(12, '0')}`,
        log_group_class: 'STANDARD',
        skip_destroy: false,
        tags,
      },
      { arn: true, id: true, name_prefix: true, tags_all: true },
      {
        expressions: {
          name: ref('local.function_names', 'each.key'),
          retention_in_days: ref('var.log_retention_days'),
          kms_key_id: ref('var.kms_key_arn'),
        },
        ...each,
      },
    );
    add(
      'aws_lambda_function',
      'handler',
      key,
      {
        function_name: fn,
        description: `${m.name}: ${key}`,
        runtime: h % 2 ? 'python3.12' : 'nodejs20.x',
        handler: 'index.handler',
        architectures: ['arm64'],
        memory_size: 128 * (1 + (h % 4)),
        timeout: 5 + (h % 25),
        filename: `modules/${m.name}/dist/${key}.zip`,
        package_type: 'Zip',
        publish: false,
        reserved_concurrent_executions: -1,
        kms_key_arn: `arn:aws:kms:${REGION}:${ACCOUNT}:key/00000000-0000-4000-8000-000000000001`,
        vpc_config: [{ ipv6_allowed_for_dual_stack: false, subnet_ids: SUBNETS }],
        dead_letter_config: [],
        logging_config: [{ log_format: 'JSON', application_log_level: '', system_log_level: '' }],
        environment: [
          {
            variables: {
              SERVICE: m.name,
              HANDLER: key,
              TABLES: JSON.stringify(Object.fromEntries(tables.map((t) => [t, `${ns}${t}`]))),
              PROMPT_PATH: `/${ns}prompt/${key}`,
              LOG_LEVEL: h % 3 ? 'DEBUG' : 'INFO',
            },
          },
        ],
        tags: { ...tags, handler: key },
        timeouts: null,
        layers: null,
        image_uri: null,
        s3_bucket: null,
        s3_key: null,
      },
      {
        arn: true,
        id: true,
        invoke_arn: true,
        qualified_arn: true,
        qualified_invoke_arn: true,
        last_modified: true,
        role: true,
        source_code_hash: true,
        source_code_size: true,
        version: true,
        tags_all: true,
        code_sha256: true,
        ephemeral_storage: true,
        tracing_config: true,
        signing_job_arn: true,
        signing_profile_version_arn: true,
        dead_letter_config: [{ target_arn: true }],
        logging_config: [{ log_group: true }],
        environment: [{ variables: { QUEUE_URL: true, SECRET_ARNS: true } }],
        vpc_config: [{ security_group_ids: true, subnet_ids: [false, false, false], vpc_id: true }],
      },
      {
        expressions: {
          function_name: ref('local.function_names', 'each.key'),
          role: ref('aws_iam_role.handler', 'each.key'),
          runtime: ref('var.runtime'),
          handler: constant('index.handler'),
          memory_size: ref('each.value.memory', 'each.value'),
          timeout: ref('each.value.timeout', 'each.value'),
          kms_key_arn: ref('var.kms_key_arn'),
          vpc_config: [
            {
              subnet_ids: ref('var.private_subnet_ids'),
              security_group_ids: ref('aws_security_group.lambda.id', 'aws_security_group.lambda'),
            },
          ],
          dead_letter_config: [{ target_arn: ref('aws_sqs_queue.dlq.arn', 'aws_sqs_queue.dlq') }],
          logging_config: [{ log_format: constant('JSON'), log_group: ref('aws_cloudwatch_log_group.handler', 'each.key') }],
          environment: [
            {
              variables: ref(
                'var.service',
                'each.key',
                'each.value.tables',
                'local.table_names',
                'local.secret_arns',
                'aws_sqs_queue.dlq.url',
                'aws_sqs_queue.dlq',
              ),
            },
          ],
        },
        ...each,
      },
      {
        environment: [{ variables: {} }],
        vpc_config: [{ security_group_ids: [], subnet_ids: [false, false, false] }],
        tags: {},
        architectures: [false],
      },
    );
    add(
      'aws_lambda_permission',
      'api',
      key,
      {
        statement_id: 'AllowApi',
        action: 'lambda:InvokeFunction',
        function_name: fn,
        principal: 'apigateway.amazonaws.com',
        qualifier: null,
        source_account: null,
        event_source_token: null,
      },
      { id: true, source_arn: true, statement_id_prefix: true },
      {
        expressions: {
          function_name: ref('aws_lambda_function.handler', 'each.key'),
          source_arn: ref('var.api_execution_arn', 'var.service', 'each.key'),
        },
        ...each,
      },
    );
    add(
      'aws_apigatewayv2_integration',
      'handler',
      key,
      {
        api_id: API_ID,
        integration_type: 'AWS_PROXY',
        payload_format_version: '2.0',
        connection_type: 'INTERNET',
        timeout_milliseconds: 30000,
        description: null,
      },
      { id: true, integration_uri: true, integration_response_selection_expression: true },
      {
        expressions: {
          api_id: ref('var.api_id'),
          integration_type: constant('AWS_PROXY'),
          integration_uri: ref('aws_lambda_function.handler', 'each.key'),
          payload_format_version: constant('2.0'),
        },
        ...each,
      },
    );
    add(
      'aws_apigatewayv2_route',
      'handler',
      key,
      {
        api_id: API_ID,
        authorizer_id: AUTHORIZER_ID,
        route_key: `${h % 3 === 0 ? 'GET' : 'POST'} /${m.name}/${key}`,
        authorization_type: 'JWT',
        api_key_required: false,
        authorization_scopes: null,
        operation_name: null,
      },
      { id: true, target: true },
      {
        expressions: {
          api_id: ref('var.api_id'),
          route_key: ref('each.value.public', 'each.value', 'var.service', 'each.key'),
          target: ref('aws_apigatewayv2_integration.handler', 'each.key'),
          authorization_type: constant('JWT'),
          authorizer_id: ref('var.authorizer_id'),
        },
        ...each,
      },
    );
  }
  for (const [t, key] of tableNames.entries()) {
    add(
      'aws_dynamodb_table',
      'this',
      key,
      {
        name: `${ns}${key}`,
        billing_mode: 'PAY_PER_REQUEST',
        hash_key: `${key}_id`,
        range_key: t % 2 === 0 ? 'created_at' : null,
        deletion_protection_enabled: true,
        stream_enabled: false,
        attribute: [{ name: `${key}_id`, type: 'S' }, ...(t % 2 === 0 ? [{ name: 'created_at', type: 'S' }] : [])],
        point_in_time_recovery: [{ enabled: true }],
        server_side_encryption: [{ enabled: true }],
        ttl: t === 0 ? [{ attribute_name: 'expires_at', enabled: true }] : [],
        global_secondary_index: [],
        local_secondary_index: [],
        replica: [],
        import_table: [],
        restore_date_time: null,
        restore_source_name: null,
        table_class: 'STANDARD',
        tags: { ...tags, 'ztait:table': key },
      },
      {
        arn: true,
        id: true,
        stream_arn: true,
        stream_label: true,
        tags_all: true,
        read_capacity: true,
        write_capacity: true,
        stream_view_type: true,
        server_side_encryption: [{ kms_key_arn: true }],
        point_in_time_recovery: [{ recovery_period_in_days: true }],
      },
      {
        expressions: {
          name: ref('local.table_names', 'each.key'),
          billing_mode: constant('PAY_PER_REQUEST'),
          hash_key: ref('each.value.hash_key', 'each.value'),
          range_key: ref('each.value.range_key', 'each.value'),
          deletion_protection_enabled: constant(true),
          attribute: [{ name: ref('each.value.hash_key', 'each.value'), type: constant('S') }],
          server_side_encryption: [{ enabled: constant(true), kms_key_arn: ref('var.kms_key_arn') }],
          point_in_time_recovery: [{ enabled: constant(true) }],
        },
        for_each_expression: ref('var.tables'),
      },
    );
  }
  for (const key of secrets) {
    add(
      'aws_secretsmanager_secret',
      'integration',
      key,
      {
        name: `${ns}${key}`,
        description: `${m.name} credentials for ${key}`,
        recovery_window_in_days: 30,
        force_overwrite_replica_secret: false,
        policy: null,
        tags: { ...tags, integration: key },
      },
      { arn: true, id: true, kms_key_id: true, name_prefix: true, replica: true, tags_all: true },
      {
        expressions: { name: ref('var.namespace', 'each.key'), kms_key_id: ref('var.kms_key_arn'), recovery_window_in_days: constant(30) },
        for_each_expression: ref('var.secrets'),
      },
    );
    add(
      'aws_secretsmanager_secret_rotation',
      'integration',
      key,
      { rotation_rules: [{ automatically_after_days: 30, duration: null, schedule_expression: null }], rotate_immediately: true },
      { id: true, secret_id: true, rotation_lambda_arn: true, rotation_enabled: true, rotation_rules: [{}] },
      {
        expressions: {
          secret_id: ref('aws_secretsmanager_secret.integration', 'each.key'),
          rotation_lambda_arn: ref('var.rotation_lambda_arn'),
          rotation_rules: [{ automatically_after_days: ref('var.secret_rotation_days') }],
        },
        for_each_expression: ref('var.secrets'),
      },
    );
  }
  add(
    'aws_sqs_queue',
    'dlq',
    undefined,
    {
      name: `${ns}dlq`,
      message_retention_seconds: 1209600,
      fifo_queue: false,
      delay_seconds: 0,
      max_message_size: 262144,
      receive_wait_time_seconds: 0,
      tags,
    },
    {
      arn: true,
      id: true,
      url: true,
      kms_master_key_id: true,
      policy: true,
      redrive_policy: true,
      tags_all: true,
      visibility_timeout_seconds: true,
    },
    {
      expressions: { name: ref('var.namespace'), kms_master_key_id: ref('var.kms_key_arn'), message_retention_seconds: constant(1209600) },
    },
  );
  add(
    'aws_security_group',
    'lambda',
    undefined,
    {
      name: `${ns}lambda`,
      description: `${m.name} functions: HTTPS egress only`,
      revoke_rules_on_delete: false,
      timeouts: null,
      tags: { ...tags, Name: `${ns}lambda` },
    },
    { arn: true, id: true, egress: true, ingress: true, owner_id: true, vpc_id: true, name_prefix: true, tags_all: true },
    { expressions: { name: ref('var.namespace'), description: ref('var.service'), vpc_id: ref('var.vpc_id') } },
  );
  for (let i = 0; i < 2; i++) {
    add(
      'aws_vpc_security_group_egress_rule',
      'https',
      i,
      {
        description: i === 0 ? 'HTTPS out' : 'DynamoDB gateway endpoint',
        ip_protocol: 'tcp',
        from_port: 443,
        to_port: 443,
        cidr_ipv4: i === 0 ? '0.0.0.0/0' : null,
        cidr_ipv6: null,
        referenced_security_group_id: null,
        tags,
      },
      {
        arn: true,
        id: true,
        security_group_id: true,
        security_group_rule_id: true,
        tags_all: true,
        ...(i === 1 ? { prefix_list_id: true } : {}),
      },
      {
        expressions: {
          security_group_id: ref('aws_security_group.lambda.id', 'aws_security_group.lambda'),
          ip_protocol: constant('tcp'),
          from_port: constant(443),
          to_port: constant(443),
          cidr_ipv4: ref('count.index'),
          prefix_list_id: ref('count.index', 'var.endpoint_prefix_list_id'),
        },
        count_expression: constant(2),
      },
    );
  }
  add(
    'aws_iam_policy',
    'shared',
    undefined,
    {
      name: `${ns}shared`,
      path: '/',
      description: null,
      tags,
      policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'Metrics',
            Effect: 'Allow',
            Action: ['cloudwatch:PutMetricData'],
            Resource: '*',
            Condition: { StringEquals: { 'cloudwatch:namespace': `ZTAIT/${m.name}` } },
          },
        ],
      }),
    },
    { arn: true, id: true, attachment_count: true, name_prefix: true, policy_id: true, tags_all: true },
    { expressions: { name: ref('var.namespace'), policy: ref('var.service') } },
  );
  return out;
}

const SUBNETS = ['subnet-0a1b2c3d4e5f60001', 'subnet-0a1b2c3d4e5f60002', 'subnet-0a1b2c3d4e5f60003'];
const API_ID = 'a1b2c3d4e5';
const AUTHORIZER_ID = 'okta0jwt';
const BOUNDARY_ARN = `arn:aws:iam::${ACCOUNT}:policy/${NS}boundary`;

/**
 * The platform the services run on, already deployed: its instances are `no-op` changes with
 * known ids (VPC, private subnets routed through a NAT gateway, the permission boundary, the HTTP
 * API and its JWT authorizer).
 */
function platformRecords() {
  const tags = { 'ztait:system': 'ztait', 'ztait:module': 'platform' };
  const out = [];
  const add = (type, name, index, values, config) =>
    out.push({ type, name, index, values, unknown: {}, sensitive: {}, config, noop: true });
  add(
    'aws_vpc',
    'main',
    undefined,
    {
      id: 'vpc-0a1b2c3d4e5f60001',
      arn: `arn:aws:ec2:${REGION}:${ACCOUNT}:vpc/vpc-0a1b2c3d4e5f60001`,
      cidr_block: '10.40.0.0/16',
      enable_dns_support: true,
      enable_dns_hostnames: true,
      tags,
    },
    { expressions: { cidr_block: ref('var.vpc_cidr') } },
  );
  SUBNETS.forEach((id, i) =>
    add(
      'aws_subnet',
      'private',
      i,
      {
        id,
        vpc_id: 'vpc-0a1b2c3d4e5f60001',
        cidr_block: `10.40.${i * 16}.0/20`,
        availability_zone: `${REGION}${'abc'[i]}`,
        map_public_ip_on_launch: false,
        tags,
      },
      {
        expressions: { vpc_id: ref('aws_vpc.main.id', 'aws_vpc.main'), cidr_block: ref('var.vpc_cidr', 'count.index') },
        count_expression: constant(3),
      },
    ),
  );
  add(
    'aws_internet_gateway',
    'main',
    undefined,
    { id: 'igw-0a1b2c3d4e5f60001', vpc_id: 'vpc-0a1b2c3d4e5f60001', tags },
    { expressions: { vpc_id: ref('aws_vpc.main.id', 'aws_vpc.main') } },
  );
  add(
    'aws_nat_gateway',
    'main',
    undefined,
    { id: 'nat-0a1b2c3d4e5f60001', subnet_id: 'subnet-0a1b2c3d4e5f6f001', connectivity_type: 'public', tags },
    { expressions: { subnet_id: ref('aws_subnet.public[0].id', 'aws_subnet.public[0]', 'aws_subnet.public') } },
  );
  add(
    'aws_route_table',
    'private',
    undefined,
    {
      id: 'rtb-0a1b2c3d4e5f60001',
      vpc_id: 'vpc-0a1b2c3d4e5f60001',
      route: [
        {
          cidr_block: '0.0.0.0/0',
          nat_gateway_id: 'nat-0a1b2c3d4e5f60001',
          gateway_id: '',
          ipv6_cidr_block: '',
          destination_prefix_list_id: '',
          vpc_endpoint_id: '',
          transit_gateway_id: '',
        },
      ],
      tags,
    },
    {
      expressions: {
        vpc_id: ref('aws_vpc.main.id', 'aws_vpc.main'),
        route: [{ cidr_block: constant('0.0.0.0/0'), nat_gateway_id: ref('aws_nat_gateway.main.id', 'aws_nat_gateway.main') }],
      },
    },
  );
  SUBNETS.forEach((id, i) =>
    add(
      'aws_route_table_association',
      'private',
      i,
      { id: `rtbassoc-0a1b2c3d4e5f6000${i}`, subnet_id: id, route_table_id: 'rtb-0a1b2c3d4e5f60001', gateway_id: null },
      {
        expressions: {
          subnet_id: ref('aws_subnet.private', 'count.index'),
          route_table_id: ref('aws_route_table.private.id', 'aws_route_table.private'),
        },
        count_expression: constant(3),
      },
    ),
  );
  const boundary = {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'AllowResourceless',
        Effect: 'Allow',
        Action: ['ec2:CreateNetworkInterface', 'ec2:DescribeNetworkInterfaces', 'ec2:DeleteNetworkInterface', 'cloudwatch:PutMetricData'],
        Resource: '*',
      },
      {
        Sid: 'AllowLogs',
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/lambda/${NS}*`,
      },
      {
        Sid: 'AllowTables',
        Effect: 'Allow',
        Action: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
        Resource: `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${NS}*`,
      },
      {
        Sid: 'AllowSecrets',
        Effect: 'Allow',
        Action: ['secretsmanager:GetSecretValue'],
        Resource: `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${NS}*`,
      },
      {
        Sid: 'AllowQueuesAndKeys',
        Effect: 'Allow',
        Action: ['sqs:SendMessage', 'ssm:GetParameter', 'kms:Decrypt', 'kms:GenerateDataKey'],
        Resource: '*',
      },
      { Sid: 'DenyIamWrites', Effect: 'Deny', Action: ['iam:*', 'sts:AssumeRole', 'organizations:*'], Resource: '*' },
      {
        Sid: 'DenyAuditDeletes',
        Effect: 'Deny',
        Action: [
          'dynamodb:DeleteItem',
          'dynamodb:DeleteTable',
          'dynamodb:BatchWriteItem',
          'dynamodb:PartiQLDelete',
          'lambda:UpdateFunctionCode',
          'lambda:UpdateFunctionConfiguration',
          'ssm:PutParameter',
          's3:PutObject',
          's3:DeleteObject*',
        ],
        Resource: '*',
      },
    ],
  };
  add(
    'aws_iam_policy',
    'boundary',
    undefined,
    { id: BOUNDARY_ARN, arn: BOUNDARY_ARN, name: `${NS}boundary`, path: '/', policy: JSON.stringify(boundary), tags },
    {
      expressions: {
        name: ref('var.namespace'),
        policy: ref('data.aws_iam_policy_document.boundary.json', 'data.aws_iam_policy_document.boundary'),
      },
    },
  );
  add(
    'aws_apigatewayv2_api',
    'main',
    undefined,
    {
      id: API_ID,
      name: `${NS}api`,
      protocol_type: 'HTTP',
      api_endpoint: `https://${API_ID}.execute-api.${REGION}.amazonaws.com`,
      execution_arn: `arn:aws:execute-api:${REGION}:${ACCOUNT}:${API_ID}`,
      tags,
    },
    { expressions: { name: ref('var.namespace'), protocol_type: constant('HTTP') } },
  );
  add(
    'aws_apigatewayv2_authorizer',
    'okta',
    undefined,
    {
      id: AUTHORIZER_ID,
      api_id: API_ID,
      name: `${NS}okta`,
      authorizer_type: 'JWT',
      identity_sources: ['$request.header.Authorization'],
      jwt_configuration: [{ issuer: 'https://example.okta.com/oauth2/default', audience: ['ztait-dashboard'] }],
    },
    {
      expressions: {
        api_id: ref('aws_apigatewayv2_api.main.id', 'aws_apigatewayv2_api.main'),
        authorizer_type: constant('JWT'),
        jwt_configuration: [{ issuer: ref('var.okta_issuer'), audience: ref('var.okta_audience') }],
      },
    },
  );
  return out;
}

/** An instance address: `module.svc001.aws_lambda_function.handler["ingest"]`. */
function address(moduleName, r) {
  const idx = r.index === undefined ? '' : typeof r.index === 'number' ? `[${r.index}]` : `[${JSON.stringify(r.index)}]`;
  return `${moduleName ? `module.${moduleName}.` : ''}${r.type}.${r.name}${idx}`;
}

const PROVIDER = 'registry.terraform.io/hashicorp/aws';

function plannedResource(moduleName, r) {
  return {
    address: address(moduleName, r),
    mode: 'managed',
    type: r.type,
    name: r.name,
    ...(r.index === undefined ? {} : { index: r.index }),
    provider_name: PROVIDER,
    schema_version: 0,
    values: r.values,
    sensitive_values: r.sensitive,
  };
}

function resourceChange(moduleName, r) {
  const change = r.noop
    ? {
        actions: ['no-op'],
        before: r.values,
        after: r.values,
        after_unknown: {},
        before_sensitive: r.sensitive,
        after_sensitive: r.sensitive,
      }
    : {
        actions: ['create'],
        before: null,
        after: r.values,
        after_unknown: r.unknown,
        before_sensitive: false,
        after_sensitive: r.sensitive,
      };
  return {
    address: address(moduleName, r),
    module_address: `module.${moduleName}`,
    mode: 'managed',
    type: r.type,
    name: r.name,
    ...(r.index === undefined ? {} : { index: r.index }),
    provider_name: PROVIDER,
    change,
  };
}

/** Configuration blocks of a module: one per resource block (the first instance describes it). */
function configResources(records) {
  const seen = new Map();
  for (const r of records) {
    const key = `${r.type}.${r.name}`;
    if (!seen.has(key))
      seen.set(key, {
        address: key,
        mode: 'managed',
        type: r.type,
        name: r.name,
        provider_config_key: 'aws',
        schema_version: 0,
        ...r.config,
      });
  }
  return [...seen.values()];
}

const VARIABLES = [
  'namespace',
  'service',
  'region',
  'account_id',
  'tags',
  'log_retention_days',
  'secret_rotation_days',
  'vpc_id',
  'private_subnet_ids',
  'endpoint_prefix_list_id',
  'permissions_boundary_arn',
  'kms_key_arn',
  'api_id',
  'api_execution_arn',
  'authorizer_id',
  'rotation_lambda_arn',
  'handlers',
  'tables',
  'secrets',
  'runtime',
];

function moduleCall(m, records) {
  return {
    source: `./modules/${m.name}`,
    expressions: {
      namespace: ref('var.namespace'),
      service: constant(m.name),
      region: ref('var.region'),
      account_id: ref('var.account_id'),
      kms_key_arn: ref('var.kms_key_arn'),
      permissions_boundary_arn: ref('var.permissions_boundary_arn'),
      handlers: constant(
        Object.fromEntries(
          Array.from({ length: m.handlers }, (_, h) => [
            handlerName(h),
            { memory: 128 * (1 + (h % 4)), timeout: 5 + (h % 25), public: h % 3 === 0 },
          ]),
        ),
      ),
    },
    module: {
      outputs: { function_arns: { expression: ref('aws_lambda_function.handler') } },
      resources: configResources(records),
      variables: Object.fromEntries(VARIABLES.map((v) => [v, v === 'runtime' ? { default: 'nodejs20.x' } : {}])),
    },
  };
}

function platformCall(records) {
  return {
    source: './modules/platform',
    expressions: {
      namespace: ref('var.namespace'),
      vpc_cidr: constant('10.40.0.0/16'),
      okta_issuer: constant('https://example.okta.com/oauth2/default'),
      okta_audience: constant(['ztait-dashboard']),
    },
    module: {
      outputs: {
        private_subnet_ids: { expression: ref('aws_subnet.private') },
        permissions_boundary_arn: { expression: ref('aws_iam_policy.boundary.arn', 'aws_iam_policy.boundary') },
      },
      resources: configResources(records),
      variables: { namespace: {}, vpc_cidr: {}, okta_issuer: {}, okta_audience: {} },
    },
  };
}

/** Filler text for `padBytes`: prose, not one repeated character, so nothing is trivially short-cut. */
function filler(n, seed) {
  const words = ['alert', 'triage', 'runbook', 'escalation', 'incident', 'policy', 'owner', 'service', 'region', 'window'];
  let out = '';
  for (let i = 0; out.length < n; i++) out += `${words[(i * 7 + seed) % words.length]} `;
  return out.slice(0, n);
}

/**
 * Streams the plan to `file`. Returns the number of resource instances and bytes written.
 * `padBytes` adds a `description` of that many characters to every service resource (a plan whose
 * size comes from its values rather than from the number of resources).
 * @param {string} file
 * @param {{ resources?: number, perModule?: number, padBytes?: number }} opts
 */
export async function writePlan(file, opts = {}) {
  const { services, resources: serviceResources } = planEstate(opts);
  const platform = { name: 'platform', records: platformRecords() };
  const modules = [platform, ...services];
  const padded = (rs) =>
    opts.padBytes ? rs.map((r, i) => ({ ...r, values: { ...r.values, description: filler(opts.padBytes, i) } })) : rs;
  const records = (m) => (m === platform ? platform.records : padded(moduleRecords(m)));
  const resources = serviceResources + platform.records.length;
  const out = createWriteStream(file);
  let bytes = 0;
  const put = async (s) => {
    bytes += Buffer.byteLength(s);
    if (!out.write(s)) await once(out, 'drain');
  };
  const list = async (items, render) => {
    let first = true;
    for (const item of items) {
      for (const piece of render(item)) {
        await put(first ? piece : `,${piece}`);
        first = false;
      }
    }
  };
  await put('{"format_version":"1.2","terraform_version":"1.11.4",');
  await put(
    `"variables":${JSON.stringify({ namespace: { value: NS }, region: { value: REGION }, account_id: { value: ACCOUNT }, kms_key_arn: { value: `arn:aws:kms:${REGION}:${ACCOUNT}:key/00000000-0000-4000-8000-000000000001` }, permissions_boundary_arn: { value: `arn:aws:iam::${ACCOUNT}:policy/${NS}boundary` } })},`,
  );
  await put('"planned_values":{"root_module":{"child_modules":[');
  await list(modules, (m) => [
    JSON.stringify({ resources: records(m).map((r) => plannedResource(m.name, r)), address: `module.${m.name}` }),
  ]);
  await put(']}},"resource_changes":[');
  await list(modules, (m) => records(m).map((r) => JSON.stringify(resourceChange(m.name, r))));
  await put(
    '],"configuration":{"provider_config":{"aws":{"name":"aws","full_name":"registry.terraform.io/hashicorp/aws","version_constraint":"~> 5.80"}},"root_module":{"module_calls":{',
  );
  await list(modules, (m) => [
    `${JSON.stringify(m.name)}:${JSON.stringify(m === platform ? platformCall(platform.records) : moduleCall(m, records(m)))}`,
  ]);
  await put(
    `},"variables":${JSON.stringify({ namespace: { default: NS }, region: { default: REGION }, account_id: { default: ACCOUNT }, kms_key_arn: {}, permissions_boundary_arn: {} })}}},` +
      '"relevant_attributes":[],"timestamp":"2025-01-01T00:00:00Z","applyable":true,"complete":true,"errored":false}\n',
  );
  out.end();
  await once(out, 'close');
  return { resources, bytes, modules: modules.length };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const file = process.argv[2];
  if (!file) {
    console.error('usage: node bench/gen/plan.mjs FILE [resources]');
    process.exit(2);
  }
  console.log(JSON.stringify(await writePlan(file, { resources: Number(process.argv[3] ?? 10_000) })));
}
