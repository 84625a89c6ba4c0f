/**
 * SI-7: audit logs cannot be deleted via the API. No role's effective permission (identity policies
 * intersected with its boundary, explicit deny wins) may allow a delete on the audit table: the
 * actions below, also through `dynamodb:*`, `dynamodb:Delete*`, `*` or NotAction, on any resource
 * pattern overlapping the table's ARN (its known ARN, the source's partial pattern, or
 * `arn:aws:dynamodb:*:*:table/<name>`).
 */
import type { Resource } from '../../model/inventory.js';
import { AUDIT_DELETE_ACTIONS } from '../../policy/actions.js';
import { GrantCollector, IAM_NEEDS, arnGlob } from '../lib/iam.js';
import { iamView, mightGrant, roleMay } from '../../policy/roles.js';
import { Evidence, OutcomeBuilder, gapErrors, label, tablesSaying } from '../lib/pipeline.js';
import { PRINCIPAL_NEEDS, reportOutsideRoles } from '../lib/principals.js';
import type { Rule, RuleContext, RuleExamined, RuleOutcome } from '../define.js';

export const auditUndeletable: Rule = {
  id: 'SI-7',
  scope: 'state',
  evaluate(ctx: RuleContext): RuleOutcome {
    const out = new OutcomeBuilder(gapErrors(ctx, [...IAM_NEEDS, ...PRINCIPAL_NEEDS, 'aws_dynamodb_table.name']));
    const audits = tablesSaying(ctx, 'audit');
    if (audits.length === 0) return out.finish('no audit table (no aws_dynamodb_table whose name or key says audit)');
    reportOutsideRoles(ctx, out, `may delete from the audit table ${audits.map(label).join(', ')}`);
    const view = iamView(ctx);
    const grants = new GrantCollector(view);
    // Questions no table can answer with a grant are skipped (most roles never touch DynamoDB), and
    // a role that can delete from no table passes on every one with the same evidence, written once
    // for all such roles. Each role's evidence is gathered per table and recorded once.
    const may = new Map(view.roles.map((rp) => [rp, mightGrant(rp)]));
    const untouched = new Set(view.roles.filter((rp) => !audits.some((t) => AUDIT_DELETE_ACTIONS.some((a) => may.get(rp)!(a, t)))));
    const noGrant = new Evidence();
    for (const table of audits) noGrant.add('pass', `no delete grant on audit table ${label(table)}`);
    const seen = new Map(view.roles.map((rp) => [rp, untouched.has(rp) ? noGrant : new Evidence()]));
    const tableLines: [Resource, RuleExamined['status'], string][] = [];
    for (const table of audits) {
      const { glob, exact } = arnGlob(table);
      const who: string[] = [];
      let undecided = false;
      for (const rp of view.roles) {
        if (untouched.has(rp)) continue;
        const evidence = seen.get(rp)!;
        const allowed: string[] = [];
        for (const action of AUDIT_DELETE_ACTIONS) {
          if (!may.get(rp)!(action, table)) continue;
          const d = roleMay(rp, action, glob, table);
          if (d.decision === 'allowed' && exact) {
            grants.add(d.grants, action, glob, rp.role, `the audit table ${label(table)}`);
            allowed.push(action);
          } else if (d.decision === 'allowed' || d.decision === 'unknown') {
            const why =
              d.decision === 'unknown' ? d.reason : `the name of audit table ${table.address} is unknown, so any table grant may match it`;
            out.error(
              rp.role,
              `cannot decide whether role ${label(rp.role)} may ${action} on the audit table ${label(table)}: ${why}`,
              undefined,
              `${action}:${table.address}`,
            );
            evidence.add('error', `${action} on ${label(table)} undecidable`);
            undecided = true;
          }
        }
        if (allowed.length > 0) {
          who.push(label(rp.role));
          evidence.add('fail', `may ${allowed.join(', ')} on ${glob}`);
        } else evidence.add('pass', `no delete grant on audit table ${label(table)}`);
      }
      if (who.length > 0) tableLines.push([table, 'fail', `audit table ${glob}: deletable by role ${who.join(', ')}`]);
      else if (undecided) tableLines.push([table, 'error', `audit table ${glob}: some role's permission is undecidable`]);
      else tableLines.push([table, 'pass', `audit table ${glob}: no role may delete from it`]);
    }
    for (const [rp, evidence] of seen) out.examine(rp.role, evidence.status, evidence.observed());
    for (const [table, status, observed] of tableLines) out.examine(table, status, observed);
    grants.emit(out, (g) => `${g.src.label} grants ${g.grants} which matches ${g.context.join(', ')} (role ${g.roles.join(', ')})`);
    return out.finish('no audit table');
  },
};
