/**
 * Terraform can say one thing in several resources (a role's inline policy as `aws_iam_role_policy`,
 * a security group's rule as `aws_vpc_security_group_egress_rule`, a route as `aws_route`, a secret's
 * rotation, a bucket's policy and versioning); the live source says some of them the same way. Each
 * such resource is folded into the resource it belongs to, found by reference, name or id on its own
 * side, so both sides describe one object the same way.
 */
import type { Resource } from '../model/inventory.js';
import { isManagedAfterChange } from '../model/changes.js';
import type { Side } from './side.js';

interface FoldRule {
  type: string;
  /** The attribute that names the parent(s). */
  attr: string;
  parents: readonly string[];
}

export const SG_TYPES = ['aws_security_group', 'aws_default_security_group'] as const;
export const RT_TYPES = ['aws_route_table', 'aws_default_route_table'] as const;

const RULES: readonly FoldRule[] = [
  { type: 'aws_iam_role_policy', attr: 'role', parents: ['aws_iam_role'] },
  { type: 'aws_iam_role_policy_attachment', attr: 'role', parents: ['aws_iam_role'] },
  { type: 'aws_iam_policy_attachment', attr: 'roles', parents: ['aws_iam_role'] },
  { type: 'aws_security_group_rule', attr: 'security_group_id', parents: SG_TYPES },
  { type: 'aws_vpc_security_group_egress_rule', attr: 'security_group_id', parents: SG_TYPES },
  { type: 'aws_vpc_security_group_ingress_rule', attr: 'security_group_id', parents: SG_TYPES },
  { type: 'aws_route', attr: 'route_table_id', parents: RT_TYPES },
  { type: 'aws_route_table_association', attr: 'route_table_id', parents: RT_TYPES },
  { type: 'aws_main_route_table_association', attr: 'route_table_id', parents: RT_TYPES },
  { type: 'aws_secretsmanager_secret_rotation', attr: 'secret_id', parents: ['aws_secretsmanager_secret'] },
  { type: 'aws_s3_bucket_policy', attr: 'bucket', parents: ['aws_s3_bucket'] },
  { type: 'aws_s3_bucket_versioning', attr: 'bucket', parents: ['aws_s3_bucket'] },
];

/** The resource types that are folded into others (never objects of their own). */
export const FOLDED_TYPES = new Set(RULES.map((r) => r.type));

/** Children by parent address and child type, on one side. */
export class Folds {
  private readonly byParent = new Map<string, Resource[]>();
  /** Children whose parent could not be found on their side (reported as not compared). */
  readonly orphans: { resource: Resource; why: string }[] = [];

  constructor(side: Side) {
    for (const rule of RULES) {
      for (const child of side.index.byType(rule.type).filter(isManagedAfterChange)) {
        const v = child.values[rule.attr];
        const parents = side.index.resolve(v, rule.parents).resources;
        if (parents.length === 0) {
          this.orphans.push({ resource: child, why: `its ${rule.attr} names no ${rule.parents.join(' or ')} of the ${side.kind}` });
          continue;
        }
        for (const p of parents) {
          const k = `${p.address}\u0000${rule.type}`;
          const list = this.byParent.get(k) ?? [];
          list.push(child);
          this.byParent.set(k, list);
        }
      }
    }
  }

  children(parent: Resource, type: string): Resource[] {
    return this.byParent.get(`${parent.address}\u0000${type}`) ?? [];
  }
}
