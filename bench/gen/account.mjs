/**
 * A large fixture account for the live benchmark, in the shape the probe's test server serves
 * (test/probe/server/account.ts: AWS API response shapes, PascalCase). It starts from the deployed
 * reference architecture (fixtures/accounts/reference.json, which passes every invariant) and adds
 * service workloads the way a growing estate does: per service a Lambda function in the private
 * subnets behind the Lambda security group, its role with the permission boundary and an inline
 * least-privilege policy, a DynamoDB table with PITR and SSE, a rotated secret, an SSM parameter,
 * and a JWT-authorised API route with its integration.
 *
 * A "resource" is one element of any listing the server serves (a role, a function, a table, a
 * subnet, a route...), which is what the probe has to read.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const REFERENCE = join(import.meta.dirname, '..', '..', 'fixtures', 'accounts', 'reference.json');
const PER_SERVICE = 7;

/** Number of resources in an account (every listed element, API routes/integrations/authorizers included). */
export function countResources(account) {
  let n = 0;
  for (const section of ['iam', 'ec2', 'lambda', 'dynamodb', 's3', 'cloudtrail', 'secretsmanager', 'ssm', 'apigatewayv2']) {
    for (const list of Object.values(account[section] ?? {})) if (Array.isArray(list)) n += list.length;
  }
  for (const api of account.apigatewayv2?.Apis ?? [])
    n += (api.Routes?.length ?? 0) + (api.Integrations?.length ?? 0) + (api.Authorizers?.length ?? 0);
  return n;
}

/** The reference account grown to about `resources` resources. */
export function generateAccount({ resources = 2_000 } = {}) {
  const acct = JSON.parse(readFileSync(REFERENCE, 'utf8'));
  const id = acct.Account;
  const region = acct.Region;
  const receiver = acct.lambda.Functions.find((f) => f.FunctionName === 'ztait-webhook-receiver');
  const boundary = acct.iam.Roles.find((r) => r.PermissionsBoundary)?.PermissionsBoundary;
  const kms = acct.dynamodb.Tables[0].Table.SSEDescription.KMSMasterKeyArn;
  const api = acct.apigatewayv2.Apis.find((a) => (a.Authorizers ?? []).some((z) => z.AuthorizerType === 'JWT'));
  const authorizer = api.Authorizers.find((z) => z.AuthorizerType === 'JWT').AuthorizerId;
  const rotation = acct.secretsmanager.Secrets.find((s) => s.RotationEnabled)?.RotationLambdaARN;
  const tags = [{ Key: 'ztait:system', Value: 'ztait' }];
  const services = Math.max(0, Math.round((resources - countResources(acct)) / PER_SERVICE));

  for (let i = 1; i <= services; i++) {
    const svc = `svc${String(i).padStart(4, '0')}`;
    const fn = `ztait-${svc}-worker`;
    const role = `${fn}-role`;
    const table = `ztait-${svc}-state`;
    const tableArn = `arn:aws:dynamodb:${region}:${id}:table/${table}`;
    const secretName = `ztait-${svc}-api-key`;
    const secretArn = `arn:aws:secretsmanager:${region}:${id}:secret:${secretName}-AbCdEf`;
    const fnArn = `arn:aws:lambda:${region}:${id}:function:${fn}`;
    acct.iam.Roles.push({
      RoleName: role,
      RoleId: `AROA${svc.toUpperCase()}WORKER00`.slice(0, 20),
      Arn: `arn:aws:iam::${id}:role/${role}`,
      Path: '/',
      CreateDate: '2025-01-15T10:00:00Z',
      AssumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      },
      MaxSessionDuration: 3600,
      ...(boundary ? { PermissionsBoundary: boundary } : {}),
      Tags: tags,
      InlinePolicies: {
        [`${fn}-policy`]: {
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query'], Resource: [tableArn] },
            { Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: [secretArn] },
          ],
        },
      },
      AttachedPolicyArns: ['arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole'],
    });
    acct.lambda.Functions.push({
      FunctionName: fn,
      FunctionArn: fnArn,
      Runtime: i % 2 ? 'nodejs20.x' : 'python3.12',
      Role: `arn:aws:iam::${id}:role/${role}`,
      Handler: 'index.handler',
      Timeout: 30,
      MemorySize: 256,
      PackageType: 'Zip',
      VpcConfig: receiver.VpcConfig,
      Environment: { Variables: { TABLE: table, SECRET_ARN: secretArn, LOG_LEVEL: 'INFO' } },
      Tags: { 'ztait:system': 'ztait' },
    });
    acct.dynamodb.Tables.push({
      Table: {
        TableName: table,
        TableArn: tableArn,
        TableStatus: 'ACTIVE',
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        BillingModeSummary: { BillingMode: 'PAY_PER_REQUEST' },
        SSEDescription: { Status: 'ENABLED', SSEType: 'KMS', KMSMasterKeyArn: kms },
        DeletionProtectionEnabled: true,
      },
      ContinuousBackups: {
        ContinuousBackupsStatus: 'ENABLED',
        PointInTimeRecoveryDescription: { PointInTimeRecoveryStatus: 'ENABLED', RecoveryPeriodInDays: 35 },
      },
      TimeToLive: { TimeToLiveStatus: 'DISABLED' },
      Tags: tags,
    });
    acct.secretsmanager.Secrets.push({
      ARN: secretArn,
      Name: secretName,
      Description: `ZTAIT ${svc} API key`,
      KmsKeyId: kms,
      RotationEnabled: true,
      ...(rotation ? { RotationLambdaARN: rotation } : {}),
      RotationRules: { AutomaticallyAfterDays: 30 },
      Tags: tags,
    });
    acct.ssm.Parameters.push({
      Name: `/ztait/${svc}/log-level`,
      Type: 'String',
      Value: 'INFO',
      ARN: `arn:aws:ssm:${region}:${id}:parameter/ztait/${svc}/log-level`,
      Tier: 'Standard',
      DataType: 'text',
      Tags: tags,
    });
    api.Integrations.push({
      IntegrationId: `int${svc}`,
      IntegrationType: 'AWS_PROXY',
      IntegrationUri: fnArn,
      PayloadFormatVersion: '2.0',
      ConnectionType: 'INTERNET',
    });
    api.Routes.push({
      RouteId: `rt${svc}`,
      RouteKey: `GET /${svc}/items`,
      AuthorizationType: 'JWT',
      AuthorizerId: authorizer,
      Target: `integrations/int${svc}`,
      ApiKeyRequired: false,
    });
  }
  return { account: acct, resources: countResources(acct), services };
}
