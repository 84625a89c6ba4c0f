/**
 * SI-13: each integration (servicenow, pagerduty, mim, slack) uses a dedicated service account
 * secret. Action handlers are recognised by key/name or by the secrets their environment refers to
 * (pipeline.ts). A handler's own secrets are those its environment refers to and those named for
 * its integration. Fails when: a handler has no secret of its own; its environment refers
 * to another integration's secret; two integrations share a secret; or its role may
 * secretsmanager:GetSecretValue a secret other than its own, or every secret (`*`).
 */
import type { Resource } from '../../model/inventory.js';
import { globCovers } from '../../policy/index.js';
import { GrantCollector, IAM_NEEDS, arnGlob } from '../lib/iam.js';
import { iamView, roleMay } from '../../policy/roles.js';
import {
  OutcomeBuilder,
  gapErrors,
  inScope,
  integrationHandlers,
  integrationsNamed,
  label,
  namesOf,
  pipeline,
  secretsNaming,
  secretsOfFunction,
  says,
  type Handler,
} from '../lib/pipeline.js';
import { soleRole } from '../lib/principals.js';
import type { Rule, RuleContext, RuleOutcome } from '../define.js';

const READ = 'secretsmanager:GetSecretValue';
const ALL_SECRETS = 'arn:aws:secretsmanager:*:*:secret:*';

export const dedicatedSecrets: Rule = {
  id: 'SI-13',
  scope: 'state',
  evaluate(ctx: RuleContext): RuleOutcome {
    const out = new OutcomeBuilder(gapErrors(ctx, ['aws_lambda_function', 'aws_secretsmanager_secret.name', ...IAM_NEEDS]));
    const handlers = integrationHandlers(ctx);
    if (handlers.length === 0) return out.finish('no action handler for servicenow, pagerduty, mim or slack');
    const view = iamView(ctx);
    const grants = new GrantCollector(view);
    const secrets = inScope(ctx, 'aws_secretsmanager_secret');
    const webhookSecrets = new Set(
      [
        ...[pipeline(ctx).receiver].flatMap((fn) => (fn ? secretsOfFunction(ctx, fn) : [])),
        ...secrets.filter((s) => says(s, 'webhook')),
      ].map((s) => s.address),
    );
    const users = new Map<string, Set<string>>();

    for (const h of handlers) {
      const own = ownSecrets(ctx, out, h, webhookSecrets);
      for (const s of own) users.set(s.address, (users.get(s.address) ?? new Set()).add(h.integration));
      const status = readsOnlyOwn(ctx, out, grants, h, own, secrets);
      out.examine(
        h.fn,
        own.length === 0 ? 'fail' : status,
        `integration ${h.integration}; own secret ${own.map(label).join(', ') || '(none)'}${status === 'pass' ? '; its role may read no other secret' : ''}`,
      );
    }
    for (const [addr, integrations] of users) {
      const secret = ctx.index.byAddress(addr)!;
      if (integrations.size > 1) {
        out.fail(
          secret,
          `secret ${label(secret)} is shared by integrations ${[...integrations].join(', ')}: each needs a dedicated secret`,
          undefined,
          'shared',
        );
        out.examine(secret, 'fail', `used by ${[...integrations].join(', ')}`);
      } else out.examine(secret, 'pass', `used by ${[...integrations].join(', ')} only`);
    }
    grants.emit(out, (g) => `${g.src.label} lets role ${g.roles.join(', ')} read ${g.context.join(', ')}: it grants ${g.grants}`);
    return out.finish('no action handler');
  },
};

/** The handler's own secrets; references to another integration's secret fail. */
function ownSecrets(ctx: RuleContext, out: OutcomeBuilder, h: Handler, webhookSecrets: Set<string>): Resource[] {
  const name = label(h.fn);
  const own: Resource[] = [];
  for (const s of h.envSecrets) {
    const others = [...new Set(namesOf(s).flatMap(integrationsNamed))].filter((i) => i !== h.integration);
    if (others.length > 0 && !namesOf(s).some((n) => integrationsNamed(n).includes(h.integration))) {
      out.fail(
        h.fn,
        `handler ${name} (${h.integration}) refers to secret ${label(s)} of integration ${others.join(', ')}`,
        'environment.variables',
        `foreign:${s.address}`,
      );
    } else own.push(s);
  }
  // Secrets named for its integration are its own too (webhook secrets of a same-named source are not).
  for (const sec of secretsNaming(ctx, h.integration).matches) {
    if (!webhookSecrets.has(sec.address) && !own.includes(sec)) own.push(sec);
  }
  if (own.length === 0) {
    const why =
      h.envSecrets.length > 0
        ? "its environment refers only to other integrations' secrets"
        : `its environment refers to no secret and none is named for ${h.integration}`;
    out.fail(h.fn, `handler ${name} of integration ${h.integration} has no secret of its own (${why})`, undefined, 'own-secret');
  }
  return own;
}

/** The handler's role may read no secret but its own, and not every secret. */
function readsOnlyOwn(
  ctx: RuleContext,
  out: OutcomeBuilder,
  grants: GrantCollector,
  h: Handler,
  own: Resource[],
  secrets: Resource[],
): 'pass' | 'fail' | 'error' {
  const sole = soleRole(ctx, h.fn);
  if ('problem' in sole) {
    out.error(h.fn, `cannot decide which secrets handler ${label(h.fn)} may read: ${sole.problem}`, 'role', 'role');
    return 'error';
  }
  const role = sole.role;
  const rp = iamView(ctx).forRole(role);
  let status: 'pass' | 'fail' | 'error' = 'pass';
  const ownSet = new Set(own.map((s) => s.address));
  for (const s of secrets) {
    if (ownSet.has(s.address)) continue;
    const { glob, exact } = arnGlob(s);
    const d = roleMay(rp, READ, glob, s);
    const owner = [...new Set(namesOf(s).flatMap(integrationsNamed))];
    const what = `secret ${label(s)}${owner.length > 0 ? ` (integration ${owner.join(', ')})` : ''}`;
    if (d.decision === 'allowed' && exact) {
      grants.add(d.grants, READ, glob, role, what);
      status = 'fail';
    } else if (d.decision === 'allowed' || d.decision === 'unknown') {
      const why = d.decision === 'unknown' ? d.reason : `the name of ${s.address} is unknown`;
      out.error(role, `cannot decide whether handler role ${label(role)} may read ${what}: ${why}`, undefined, `read:${s.address}`);
      if (status === 'pass') status = 'error';
    }
  }
  const all = roleMay(rp, READ, ALL_SECRETS);
  if (all.decision === 'allowed') {
    const view = iamView(ctx);
    const wide = all.grants.filter((g) => {
      const st = view.statement(g);
      return st !== undefined && (st.notResource !== undefined || (st.resource ?? []).some((r) => globCovers(r, ALL_SECRETS)));
    });
    if (wide.length > 0) {
      grants.add(wide, READ, ALL_SECRETS, role, 'every secret ("*")');
      status = 'fail';
    }
  }
  return status;
}
