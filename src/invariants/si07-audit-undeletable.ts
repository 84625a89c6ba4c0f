/**
 * SI-7: audit logs cannot be deleted via the API. No role's effective permission (identity policies
 * intersected with its boundary, explicit deny wins) may allow a delete on the audit table: the
 * actions below, also through `dynamodb:*`, `dynamodb:Delete*`, `*` or NotAction, on any resource
 * pattern overlapping the table's ARN (its known ARN, the source's partial pattern, or
 * `arn:aws:dynamodb:*:*:table/<name>`).
 */
import { GrantCollector, IAM_NEEDS, arnGlob, iamView, roleMay } from './iam.js';
import { OutcomeBuilder, gapErrors, label, tablesSaying } from './pipeline.js';
import type { Invariant, RuleContext, RuleOutcome } from './types.js';

/** PartiQL DELETE is a delete through the API as well. */
export const AUDIT_DELETE_ACTIONS = [
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:DeleteTable',
  'dynamodb:PartiQLDelete',
] as const;

export const auditUndeletable: Invariant = {
  id: 'SI-7',
  evaluate(ctx: RuleContext): RuleOutcome {
    const out = new OutcomeBuilder(gapErrors(ctx, [...IAM_NEEDS, 'aws_dynamodb_table.name']));
    const audits = tablesSaying(ctx, 'audit');
    if (audits.length === 0) return out.finish('no audit table (no aws_dynamodb_table whose name or key says audit)');
    const view = iamView(ctx);
    const grants = new GrantCollector(view);
    for (const table of audits) {
      const { glob, exact } = arnGlob(table);
      const who: string[] = [];
      let undecided = false;
      for (const rp of view.roles) {
        const allowed: string[] = [];
        for (const action of AUDIT_DELETE_ACTIONS) {
          const d = roleMay(rp, action, glob, table);
          if (d.decision === 'allowed' && exact) {
            grants.add(d.grants, action, glob, rp.role, `the audit table ${label(table)}`);
            allowed.push(action);
          } else if (d.decision === 'allowed' || d.decision === 'unknown') {
            const why = d.decision === 'unknown' ? d.reason : `the name of audit table ${table.address} is unknown, so any table grant may match it`;
            out.error(rp.role, `cannot decide whether role ${label(rp.role)} may ${action} on the audit table ${label(table)}: ${why}`, undefined, `${action}:${table.address}`);
            out.examine(rp.role, 'error', `${action} on ${label(table)} undecidable`);
            undecided = true;
          }
        }
        if (allowed.length > 0) {
          who.push(label(rp.role));
          out.examine(rp.role, 'fail', `may ${allowed.join(', ')} on ${glob}`);
        } else out.examine(rp.role, 'pass', `no delete grant on audit table ${label(table)}`);
      }
      if (who.length > 0) out.examine(table, 'fail', `audit table ${glob}: deletable by role ${who.join(', ')}`);
      else if (undecided) out.examine(table, 'error', `audit table ${glob}: some role's permission is undecidable`);
      else out.examine(table, 'pass', `audit table ${glob}: no role may delete from it`);
    }
    grants.emit(
      out,
      (g) => `${g.src.label} grants ${g.grants} which matches ${g.context.join(', ')} (role ${g.roles.join(', ')})`,
    );
    return out.finish('no audit table');
  },
};
