/**
 * Server-side encoding of AWS wire protocols, driven by the SDK's own operation schemas so element
 * names, list wrappers (`member`, `item`, flattened), JSON names and timestamp formats are exactly
 * what the SDK's deserializers expect:
 *  - awsJson 1.0/1.1 (DynamoDB, Secrets Manager, SSM, CloudTrail, Organizations),
 *  - restJson (Lambda, API Gateway v2),
 *  - awsQuery XML (IAM, STS), ec2Query XML (EC2), restXml (S3).
 */
import { JsonShapeSerializer, XmlShapeSerializer } from '@aws-sdk/core/protocols';
import { NormalizedSchema } from '@smithy/core/schema';
import * as apigw from '@aws-sdk/client-apigatewayv2';
import * as cloudtrail from '@aws-sdk/client-cloudtrail';
import * as dynamodb from '@aws-sdk/client-dynamodb';
import * as ec2 from '@aws-sdk/client-ec2';
import * as iam from '@aws-sdk/client-iam';
import * as lambda from '@aws-sdk/client-lambda';
import * as organizations from '@aws-sdk/client-organizations';
import * as s3 from '@aws-sdk/client-s3';
import * as secrets from '@aws-sdk/client-secrets-manager';
import * as ssm from '@aws-sdk/client-ssm';
import * as sts from '@aws-sdk/client-sts';

export type Service =
  'sts' | 'iam' | 'ec2' | 'lambda' | 'dynamodb' | 's3' | 'cloudtrail' | 'secretsmanager' | 'apigateway' | 'ssm' | 'organizations';
export type Protocol = 'awsJson1_0' | 'awsJson1_1' | 'restJson' | 'awsQuery' | 'ec2Query' | 'restXml';

const MODULES: Record<Service, Record<string, unknown>> = {
  sts,
  iam,
  ec2,
  lambda,
  dynamodb,
  s3,
  cloudtrail,
  secretsmanager: secrets,
  apigateway: apigw,
  ssm,
  organizations,
};

export const PROTOCOL: Record<Service, Protocol> = {
  dynamodb: 'awsJson1_0',
  secretsmanager: 'awsJson1_1',
  ssm: 'awsJson1_1',
  cloudtrail: 'awsJson1_1',
  organizations: 'awsJson1_1',
  lambda: 'restJson',
  apigateway: 'restJson',
  iam: 'awsQuery',
  sts: 'awsQuery',
  ec2: 'ec2Query',
  s3: 'restXml',
};

const XMLNS: Partial<Record<Service, string>> = {
  iam: 'https://iam.amazonaws.com/doc/2010-05-08/',
  sts: 'https://sts.amazonaws.com/doc/2011-06-15/',
  ec2: 'http://ec2.amazonaws.com/doc/2016-11-15/',
  s3: 'http://s3.amazonaws.com/doc/2006-03-01/',
};

export interface WireResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

function outputSchema(service: Service, operation: string): NormalizedSchema {
  const op = MODULES[service][`${operation}$`] as unknown[] | undefined;
  if (!Array.isArray(op) || op[0] !== 9) throw new Error(`no schema for ${service}:${operation}`);
  return NormalizedSchema.of((op[5] as () => never)());
}

/** Fixture timestamps are ISO strings; the serializers want Dates where the schema has timestamps. */
function revive(schema: NormalizedSchema, v: unknown): unknown {
  if (v === null || v === undefined) return v;
  if (schema.isTimestampSchema()) return typeof v === 'string' || typeof v === 'number' ? new Date(v) : v;
  if (schema.isListSchema() && Array.isArray(v)) return v.map((x) => revive(schema.getValueSchema(), x));
  if (schema.isMapSchema() && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v as object).map(([k, x]) => [k, revive(schema.getValueSchema(), x)]));
  }
  if (schema.isStructSchema() && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    const members = new Map<string, NormalizedSchema>();
    for (const [name, m] of schema.structIterator()) members.set(name, m);
    for (const [k, x] of Object.entries(v as object)) {
      const m = members.get(k);
      if (m) out[k] = revive(m, x); // fields the API does not have are not sent
    }
    return out;
  }
  return v;
}

const requestId = (): string => '00000000-0000-4000-8000-000000000000';

export function encodeOutput(service: Service, operation: string, output: Record<string, unknown>): WireResponse {
  const schema = outputSchema(service, operation);
  const value = revive(schema, output);
  const protocol = PROTOCOL[service];
  switch (protocol) {
    case 'awsJson1_0':
    case 'awsJson1_1': {
      const ser = new JsonShapeSerializer({ jsonName: false, timestampFormat: { useTrait: true, default: 7 } });
      ser.write(schema, value);
      const type = protocol === 'awsJson1_0' ? 'application/x-amz-json-1.0' : 'application/x-amz-json-1.1';
      return { status: 200, headers: { 'content-type': type }, body: String(ser.flush()) };
    }
    case 'restJson': {
      const ser = new JsonShapeSerializer({ jsonName: true, timestampFormat: { useTrait: true, default: 7 } });
      ser.write(schema, value);
      return { status: 200, headers: { 'content-type': 'application/json' }, body: String(ser.flush()) };
    }
    case 'awsQuery':
    case 'ec2Query': {
      const inner = xmlInner(schema, value);
      const ns = XMLNS[service];
      const body =
        protocol === 'awsQuery'
          ? `<${operation}Response xmlns="${ns}"><${operation}Result>${inner}</${operation}Result><ResponseMetadata><RequestId>${requestId()}</RequestId></ResponseMetadata></${operation}Response>`
          : `<${operation}Response xmlns="${ns}"><requestId>${requestId()}</requestId>${inner}</${operation}Response>`;
      return { status: 200, headers: { 'content-type': 'text/xml' }, body: `<?xml version="1.0" encoding="UTF-8"?>\n${body}` };
    }
    case 'restXml': {
      // S3 GetBucketPolicy's payload is the policy text itself.
      if (operation === 'GetBucketPolicy')
        return { status: 200, headers: { 'content-type': 'application/json' }, body: String(output.Policy ?? '') };
      const ser = new XmlShapeSerializer({
        serviceNamespace: 's3',
        timestampFormat: { useTrait: true, default: 5 },
        xmlNamespace: XMLNS.s3!,
      });
      ser.write(schema, value);
      return {
        status: 200,
        headers: { 'content-type': 'application/xml' },
        body: `<?xml version="1.0" encoding="UTF-8"?>\n${String(ser.flush())}`,
      };
    }
  }
}

/** The children of the serialised output structure (the SDK wraps them per protocol). */
function xmlInner(schema: NormalizedSchema, value: unknown): string {
  const ser = new XmlShapeSerializer({ serviceNamespace: 'x', xmlNamespace: '', timestampFormat: { useTrait: true, default: 5 } });
  ser.write(schema, value);
  const xml = String(ser.flush());
  const open = xml.indexOf('>');
  if (xml[open - 1] === '/') return '';
  const close = xml.lastIndexOf('</');
  return xml.slice(open + 1, close);
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function encodeError(service: Service, status: number, code: string, message: string): WireResponse {
  switch (PROTOCOL[service]) {
    case 'awsJson1_0':
    case 'awsJson1_1':
      return {
        status,
        headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': code },
        body: JSON.stringify({ __type: code, message }),
      };
    case 'restJson':
      return { status, headers: { 'content-type': 'application/json', 'x-amzn-errortype': code }, body: JSON.stringify({ message }) };
    case 'awsQuery':
      return {
        status,
        headers: { 'content-type': 'text/xml' },
        body: `<ErrorResponse xmlns="${XMLNS[service]}"><Error><Type>Sender</Type><Code>${esc(code)}</Code><Message>${esc(message)}</Message></Error><RequestId>${requestId()}</RequestId></ErrorResponse>`,
      };
    case 'ec2Query':
      return {
        status,
        headers: { 'content-type': 'text/xml' },
        body: `<Response><Errors><Error><Code>${esc(code)}</Code><Message>${esc(message)}</Message></Error></Errors><RequestID>${requestId()}</RequestID></Response>`,
      };
    case 'restXml':
      return {
        status,
        headers: { 'content-type': 'application/xml' },
        body: `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${esc(code)}</Code><Message>${esc(message)}</Message><RequestId>${requestId()}</RequestId></Error>`,
      };
  }
}

/** What an emulator answers for an operation it does not implement: an HTML error page. */
export function htmlError(status = 500): WireResponse {
  return {
    status,
    headers: { 'content-type': 'text/html' },
    body: '<!DOCTYPE html><html><head><title>500 Internal Server Error</title></head><body><h1>Internal Server Error</h1><p>The server encountered an internal error.</p></body></html>',
  };
}

/** Per-protocol codes for the faults the tests inject. */
export function accessDenied(service: Service): { status: number; code: string } {
  switch (PROTOCOL[service]) {
    case 'awsJson1_0':
    case 'awsJson1_1':
      return { status: 400, code: 'AccessDeniedException' };
    case 'restJson':
      return { status: 403, code: 'AccessDeniedException' };
    case 'ec2Query':
      return { status: 403, code: 'UnauthorizedOperation' };
    default:
      return { status: 403, code: 'AccessDenied' };
  }
}

export function throttled(service: Service): { status: number; code: string } {
  switch (service) {
    case 'lambda':
    case 'apigateway':
      return { status: 429, code: 'TooManyRequestsException' };
    case 'ec2':
      return { status: 503, code: 'RequestLimitExceeded' };
    case 's3':
      return { status: 503, code: 'SlowDown' };
    case 'iam':
    case 'sts':
      return { status: 400, code: 'Throttling' };
    default:
      return { status: 400, code: 'ThrottlingException' };
  }
}
