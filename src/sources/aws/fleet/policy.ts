/**
 * `ztait probe --org|--accounts --print-policy`: what a fleet run needs, as one JSON object.
 *  - `auditor_policy`: the identity that sweeps: organizations:ListAccounts (with --org) and
 *    sts:AssumeRole on `arn:aws:iam::*:role/<role name>`.
 *  - `member_role`: the role in each member account: its name, its trust policy (trusting the
 *    auditor account, with an sts:ExternalId condition given --external-id) and its permissions,
 *    the probe's read-only policy (../actions.ts minimalPolicy, with ec2:DescribeRegions).
 *  - `stackset_template`: a CloudFormation template (YAML) for the management account, whose
 *    SERVICE_MANAGED StackSet deploys that role into every account of the chosen OUs, and into
 *    accounts that join them later.
 * The auditor account id is not known offline: `<AUDITOR_ACCOUNT_ID>` in the trust policy, a
 * parameter of the template.
 */
import { stringify } from 'yaml';
import { minimalPolicy } from '../actions.js';

export const AUDITOR_PLACEHOLDER = '<AUDITOR_ACCOUNT_ID>';

interface Statement {
  Sid?: string;
  Effect: 'Allow';
  Principal?: { AWS: unknown };
  Action: string | string[];
  Resource?: string;
  Condition?: Record<string, Record<string, unknown>>;
}

export interface FleetPolicy {
  auditor_policy: { Version: string; Statement: Statement[] };
  member_role: {
    role_name: string;
    trust_policy: { Version: string; Statement: Statement[] };
    permissions_policy: ReturnType<typeof minimalPolicy>;
  };
  stackset_template: string;
}

function trustPolicy(principal: unknown, externalId: unknown): { Version: string; Statement: Statement[] } {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'ZtaitAuditorAssumesRole',
        Effect: 'Allow',
        Principal: { AWS: principal },
        Action: 'sts:AssumeRole',
        ...(externalId !== undefined ? { Condition: { StringEquals: { 'sts:ExternalId': externalId } } } : {}),
      },
    ],
  };
}

export function fleetPolicy(opts: { roleName: string; externalId?: string; org: boolean }): FleetPolicy {
  const { roleName, externalId } = opts;
  const auditor: Statement[] = [
    ...(opts.org ? [{ Sid: 'ZtaitListAccounts', Effect: 'Allow' as const, Action: ['organizations:ListAccounts'], Resource: '*' }] : []),
    { Sid: 'ZtaitAssumeAuditRole', Effect: 'Allow', Action: ['sts:AssumeRole'], Resource: `arn:aws:iam::*:role/${roleName}` },
  ];
  const permissions = minimalPolicy({ fleet: true });
  return {
    auditor_policy: { Version: '2012-10-17', Statement: auditor },
    member_role: {
      role_name: roleName,
      trust_policy: trustPolicy(`arn:aws:iam::${AUDITOR_PLACEHOLDER}:root`, externalId),
      permissions_policy: permissions,
    },
    stackset_template: stackSetTemplate(roleName, externalId, permissions),
  };
}

/** The management account's template: a SERVICE_MANAGED StackSet whose stacks create the audit role. */
function stackSetTemplate(roleName: string, externalId: string | undefined, permissions: ReturnType<typeof minimalPolicy>): string {
  const withExternalId = externalId !== undefined;
  const memberTemplate = {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: `ztait: the read-only audit role ${roleName} that ztait probe --org/--accounts assumes (session ztait-audit)`,
    Parameters: {
      AuditorAccountId: { Type: 'String', AllowedPattern: '^\\d{12}$' },
      ...(withExternalId ? { ExternalId: { Type: 'String', NoEcho: true } } : {}),
    },
    Resources: {
      ZtaitAuditRole: {
        Type: 'AWS::IAM::Role',
        Properties: {
          RoleName: roleName,
          MaxSessionDuration: 3600,
          AssumeRolePolicyDocument: trustPolicy(
            { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AuditorAccountId}:root' },
            withExternalId ? { Ref: 'ExternalId' } : undefined,
          ),
          Policies: [{ PolicyName: 'ztait-probe-read-only', PolicyDocument: permissions }],
        },
      },
    },
    Outputs: { RoleArn: { Value: { 'Fn::GetAtt': ['ZtaitAuditRole', 'Arn'] } } },
  };
  const template = {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: `ztait: deploys the audit role ${roleName} into every account of the given organizational units with a service-managed StackSet (create it in the management account or a delegated administrator; a StackSet does not deploy to the management account itself)`,
    Parameters: {
      AuditorAccountId: {
        Type: 'String',
        AllowedPattern: '^\\d{12}$',
        Description: 'the account whose identity runs ztait probe --org/--accounts',
      },
      ...(withExternalId
        ? { ExternalId: { Type: 'String', NoEcho: true, Default: externalId, Description: 'the --external-id ztait passes' } }
        : {}),
      OrganizationalUnitIds: {
        Type: 'CommaDelimitedList',
        Description: 'the organizational units (or the root, r-...) whose accounts get the role',
      },
      DeploymentRegion: { Type: 'String', Default: 'us-east-1', Description: 'IAM is global: one region deploys the role' },
    },
    Resources: {
      ZtaitAuditRoleStackSet: {
        Type: 'AWS::CloudFormation::StackSet',
        Properties: {
          StackSetName: `${roleName}-role`,
          Description: `ztait read-only audit role ${roleName}`,
          PermissionModel: 'SERVICE_MANAGED',
          AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: false },
          ManagedExecution: { Active: true },
          Capabilities: ['CAPABILITY_NAMED_IAM'],
          OperationPreferences: { FailureTolerancePercentage: 10, MaxConcurrentPercentage: 25 },
          Parameters: [
            { ParameterKey: 'AuditorAccountId', ParameterValue: { Ref: 'AuditorAccountId' } },
            ...(withExternalId ? [{ ParameterKey: 'ExternalId', ParameterValue: { Ref: 'ExternalId' } }] : []),
          ],
          StackInstancesGroup: [
            { DeploymentTargets: { OrganizationalUnitIds: { Ref: 'OrganizationalUnitIds' } }, Regions: [{ Ref: 'DeploymentRegion' }] },
          ],
          TemplateBody: yaml(memberTemplate),
        },
      },
    },
  };
  return yaml(template);
}

const yaml = (v: unknown): string => stringify(v, { lineWidth: 0 });
