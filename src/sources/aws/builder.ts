import { emptyInventory, type Inventory, type Resource } from '../../model/inventory.js';
import { Unknown, type ValueObject } from '../../model/value.js';
import { dict, fromEntries } from '../../model/dict.js';
import type { CallFailure } from './failure.js';

/**
 * Live addresses: `<type>.<name>` when the AWS name is a valid Terraform block name
 * (`aws_dynamodb_table.ztait-audit`, `aws_iam_role.ztait-triage`), otherwise the name or id as an
 * instance key of the block `live` (`aws_ssm_parameter.live["/ztait/prompts/triage"]`,
 * `aws_s3_bucket.live["logs.example.com"]`). Stable across runs: they depend only on names and ids,
 * never on listing order. Each mapper picks the name or id (see map/*.ts).
 */
export function liveAddress(type: string, key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_-]*$/.test(key) ? `${type}.${key}` : `${type}.live[${JSON.stringify(key)}]`;
}

export interface LiveResourceSpec {
  type: string;
  /** Name or id the address is built from. */
  key: string;
  values: ValueObject;
  arn?: string;
}

/** A resource addressed by its AWS id, with `id` and `arn` among its values as Terraform has them. */
export function identified(type: string, id: string, arn: string, values: ValueObject): LiveResourceSpec {
  return { type, key: id, arn, values: { id, arn, ...values } };
}

/** A resource type or `type.attribute` of the inventory (`aws_iam_role`, `aws_dynamodb_table.ttl`). */
export type InventoryTerm = `aws_${string}`;

/** Collects resources, gaps and limitations from concurrent collectors into one ordered inventory. */
export class InventoryBuilder {
  private readonly resources: Resource[] = [];
  private readonly gaps = new Map<string, Set<string>>();
  private readonly limitations = new Set<string>();

  add(spec: LiveResourceSpec): Resource {
    const address = liveAddress(spec.type, spec.key);
    const dot = address.indexOf('.');
    const rest = address.slice(dot + 1);
    const bracket = rest.indexOf('[');
    const r: Resource = {
      address,
      mode: 'managed',
      type: spec.type,
      name: bracket >= 0 ? rest.slice(0, bracket) : rest,
      module: '',
      ...(bracket >= 0 ? { index: spec.key } : {}),
      values: spec.values,
      ...(spec.arn ? { arn: spec.arn } : {}),
    };
    this.resources.push(r);
    return r;
  }

  /**
   * Data a rule may need could not be read: keyed by the resource types (or `type.attribute`) it would
   * have produced, never by the call that failed (the reason names it). The rules match these keys
   * against what they read (Inventory.gaps).
   */
  gap(keys: readonly InventoryTerm[], failure: CallFailure | string): void {
    this.record(keys, failure);
  }

  private record(keys: readonly string[], failure: CallFailure | string): void {
    const reason = typeof failure === 'string' ? failure : failure.reason;
    for (const k of keys) {
      const set = this.gaps.get(k) ?? new Set<string>();
      set.add(reason);
      this.gaps.set(k, set);
    }
  }

  limitation(text: string): void {
    this.limitations.add(text);
  }

  /** The inventory, in a canonical order so live runs and replays serialise identically. */
  build(account: Inventory['account']): Inventory {
    const inv = emptyInventory('live');
    const seen = new Map<string, number>();
    const sorted = [...this.resources].sort((a, b) => cmp(a.type, b.type) || cmp(a.address, b.address) || cmp(a.arn ?? '', b.arn ?? ''));
    for (const r of sorted) {
      // Two resources with the same name (an AWS managed and a customer policy) keep distinct addresses.
      const n = (seen.get(r.address) ?? 0) + 1;
      seen.set(r.address, n);
      if (n > 1) {
        const key = `${r.index ?? r.name}#${n}`;
        r.address = `${r.type}.live[${JSON.stringify(key)}]`;
        r.name = 'live';
        r.index = key;
      }
      inv.resources.push(r);
    }
    if (account) inv.account = account;
    if (this.gaps.size > 0) {
      inv.gaps = fromEntries([...this.gaps.entries()].sort(([a], [b]) => cmp(a, b)).map(([k, v]) => [k, [...v].sort().join('; ')]));
    }
    if (this.limitations.size > 0) inv.limitations = [...this.limitations].sort();
    return inv;
  }
}

export const unknownFrom = (failure: CallFailure): Unknown => new Unknown(failure.reason);

export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** AWS tag lists (`[{Key, Value}]`) as the Terraform `tags` map. */
export function tagMap(tags: readonly { Key?: string; Value?: string }[] | undefined | null): Record<string, string> {
  // Tag keys come from the account: `__proto__` is a tag like any other.
  const out: Record<string, string> = dict();
  for (const t of tags ?? []) if (t.Key !== undefined) out[t.Key] = t.Value ?? '';
  return out;
}

export const SYSTEM_TAG = 'ztait:system';

/** In the governed namespace: the name starts with the prefix, or the `ztait:system` tag is present. */
export function inScope(name: string | undefined, tags: Record<string, string> | undefined, prefix: string): boolean {
  if (name && name.startsWith(prefix)) return true;
  return tags !== undefined && Object.prototype.hasOwnProperty.call(tags, SYSTEM_TAG);
}

/** SSM names are paths: `/ztait/prompts/x` is in the namespace of prefix `ztait-`, as is `ztait-x`. */
export function ssmNameInScope(name: string, prefix: string): boolean {
  const stem = prefix.replace(/[-_/.]+$/, '');
  const bare = name.replace(/^\//, '');
  return bare.startsWith(prefix) || (stem !== '' && (bare === stem || bare.startsWith(`${stem}/`)));
}
