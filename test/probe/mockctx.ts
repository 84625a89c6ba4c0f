/** A collector context over plain SDK clients, for unit tests that stub them with aws-sdk-client-mock. */
import { ApiGatewayV2Client } from '@aws-sdk/client-apigatewayv2';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EC2Client } from '@aws-sdk/client-ec2';
import { IAMClient } from '@aws-sdk/client-iam';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SSMClient } from '@aws-sdk/client-ssm';
import { STSClient } from '@aws-sdk/client-sts';
import { InventoryBuilder } from '../../src/sources/aws/builder.js';
import type { CollectContext } from '../../src/sources/aws/collect/context.js';
import { describeFailure } from '../../src/sources/aws/failure.js';
import { ProbeCallError } from '../../src/sources/aws/session.js';

export function mockContext(prefix = 'ztait-'): CollectContext {
  const cfg = { region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } };
  return {
    clients: {
      region: 'us-east-1',
      sts: new STSClient(cfg),
      iam: new IAMClient(cfg),
      ec2: new EC2Client(cfg),
      lambda: new LambdaClient(cfg),
      dynamodb: new DynamoDBClient(cfg),
      s3: new S3Client(cfg),
      cloudtrail: new CloudTrailClient(cfg),
      secrets: new SecretsManagerClient(cfg),
      apigw: new ApiGatewayV2Client(cfg),
      ssm: new SSMClient(cfg),
    },
    prefix,
    accountId: '111122223333',
    region: 'us-east-1',
    partition: 'aws',
    out: new InventoryBuilder(),
  };
}

/** What the guarded client throws when AWS answers an error (the session turns SDK errors into these). */
export function callError(call: string, iamAction: string, name: string, status: number): ProbeCallError {
  const err = Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status, attempts: 1 } });
  return new ProbeCallError(describeFailure(err, call, iamAction));
}
