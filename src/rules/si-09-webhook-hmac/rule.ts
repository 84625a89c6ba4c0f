/**
 * SI-9: every webhook source is validated with HMAC-SHA256. Webhook routes (path `/webhook...`, and
 * every other route targeting the same function) must all target the one webhook receiver; each
 * webhook source (the route's for_each key or literal last path segment) needs a Secrets Manager
 * secret of its own (for_each key or name naming the source, and not a secret another function uses,
 * such as the pagerduty integration's) that the receiver's environment refers to (directly, by
 * ARN/name, or inside an encoded map); and the receiver must be configured for the
 * `X-Hub-Signature-256` header (and, when an algorithm setting exists, SHA-256).
 */
import type { Resource } from '../../model/inventory.js';
import { RefObject, Unknown, type ValueObject } from '../../model/value.js';
import {
  OutcomeBuilder,
  environmentOf,
  gapErrors,
  inScope,
  label,
  pipeline,
  referencedResources,
  secretsNaming,
  secretsOfFunction,
  type RouteInfo,
} from '../lib/pipeline.js';
import type { Rule, RuleContext, RuleOutcome } from '../define.js';

export const SIGNATURE_HEADER = 'X-Hub-Signature-256';

const NEEDS = ['aws_apigatewayv2_route', 'aws_apigatewayv2_integration', 'aws_lambda_function', 'aws_secretsmanager_secret.name'];

export const webhookHmac: Rule = {
  id: 'SI-9',
  scope: 'state',
  evaluate(ctx: RuleContext): RuleOutcome {
    const out = new OutcomeBuilder(gapErrors(ctx, NEEDS));
    const p = pipeline(ctx);
    for (const r of p.routes.filter((x) => x.kind === 'unknown')) {
      out.error(r.route, `cannot tell whether route ${r.route.address} is a webhook route: route_key ${r.keyUnknown}`, 'route_key');
      out.examine(r.route, 'error', 'route_key unknown');
    }
    const hooks = p.routes.filter((x) => x.kind === 'webhook');
    if (hooks.length === 0) return out.finish('no API Gateway route whose path starts with /webhook');

    for (const r of hooks) judgeTarget(out, r, p.receiver);
    const receiver = p.receiver;
    if (!receiver) return out.finish('no webhook receiver');

    const env = environmentOf(receiver);
    const name = label(receiver);
    if (env.kind === 'unknown') {
      out.error(receiver, `environment of webhook receiver ${name} is unknown: ${env.reason}`, 'environment');
      out.examine(receiver, 'error', 'environment unknown');
      return out.finish('no webhook receiver');
    }
    const vars: ValueObject = env.kind === 'ok' ? env.vars : {};
    const envAttr = env.kind === 'ok' ? 'environment.variables' : 'environment';
    const observed: string[] = [];
    let status: 'pass' | 'fail' | 'error' = 'pass';
    const bump = (to: 'fail' | 'error'): void => {
      if (status !== 'fail') status = to;
    };

    const sig = signatureSetting(vars);
    if (sig.kind === 'ok') observed.push(`signature header ${SIGNATURE_HEADER} (${sig.where})`);
    else if (sig.kind === 'unknown') {
      out.error(receiver, `cannot tell whether webhook receiver ${name} uses ${SIGNATURE_HEADER}: ${sig.why}`, envAttr, 'signature');
      bump('error');
      observed.push('signature header unknown');
    } else {
      out.fail(
        receiver,
        `webhook receiver ${name} is not configured for HMAC-SHA256 with ${SIGNATURE_HEADER}: ${sig.why}`,
        sig.attr ?? envAttr,
        'signature',
      );
      bump('fail');
      observed.push(`signature: ${sig.why}`);
    }

    const referenced = referencedResources(ctx.index, vars, ['aws_secretsmanager_secret']);
    const refSet = new Set(referenced.map((s) => s.address));
    const sources = new Map<string, RouteInfo[]>();
    for (const r of hooks) if (r.source !== undefined) sources.set(r.source, [...(sources.get(r.source) ?? []), r]);
    // Secrets other functions use (integration handlers) are theirs, not a webhook source's.
    const usedElsewhere = new Map<string, Resource>();
    for (const fn of inScope(ctx, 'aws_lambda_function')) {
      if (fn.address === receiver.address) continue;
      for (const sec of secretsOfFunction(ctx, fn)) usedElsewhere.set(sec.address, fn);
    }
    const owner = new Map<string, string[]>();
    for (const [source, routes] of sources) {
      const { matches, unnamed } = secretsNaming(ctx, source);
      const used = matches.filter((sec) => refSet.has(sec.address));
      const own = used.length > 0 ? used : matches.filter((sec) => !usedElsewhere.has(sec.address));
      if (own.length === 0) {
        const others = matches.map((sec) => `${label(sec)} is used by function ${label(usedElsewhere.get(sec.address)!)}`);
        const why = others.length > 0 ? others.join('; ') : `no aws_secretsmanager_secret whose name or for_each key names "${source}"`;
        for (const r of routes) {
          if (unnamed.length > 0) {
            out.error(
              r.route,
              `cannot tell whether webhook source ${source} has a secret of its own: the names of ${unnamed.map((sec) => sec.address).join(', ')} are unknown`,
              undefined,
              'secret',
            );
          } else out.fail(r.route, `webhook source ${source} has no Secrets Manager secret of its own (${why})`, undefined, 'secret');
          out.examine(r.route, unnamed.length > 0 ? 'error' : 'fail', `source ${source}: no secret`);
        }
        continue;
      }
      for (const sec of own) owner.set(sec.address, [...(owner.get(sec.address) ?? []), source]);
      if (used.length === 0) {
        out.fail(
          receiver,
          `webhook receiver ${name} is not configured with the secret of source ${source} (${own.map(label).join(', ')}): no environment variable refers to it`,
          envAttr,
          `secret:${source}`,
        );
        observed.push(`source ${source}: secret not referenced`);
        bump('fail');
      } else observed.push(`source ${source}: secret ${used.map(label).join(', ')}`);
      for (const r of routes) out.examine(r.route, 'pass', `source ${source}: secret ${own.map(label).join(', ')}`);
    }
    for (const [addr, srcs] of owner) {
      if (srcs.length < 2) continue;
      const secret = ctx.index.byAddress(addr)!;
      out.fail(
        secret,
        `secret ${label(secret)} is shared by webhook sources ${srcs.join(', ')}: each source needs its own`,
        undefined,
        'shared',
      );
      out.examine(secret, 'fail', `shared by ${srcs.join(', ')}`);
    }
    // Routes like `POST /webhooks/{source}` without a for_each key name their sources only at run time.
    if (hooks.some((r) => r.source === undefined) && referenced.length === 0) {
      out.fail(
        receiver,
        `webhook receiver ${name} refers to no Secrets Manager secret: each webhook source needs its own secret in its configuration`,
        envAttr,
        'secrets',
      );
      observed.push('no secret referenced');
      bump('fail');
    } else if (sources.size === 0) observed.push(`secrets: ${referenced.map(label).join(', ')}`);
    out.examine(receiver, status, observed.join('; '));
    return out.finish('no webhook receiver');
  },
};

function judgeTarget(out: OutcomeBuilder, r: RouteInfo, receiver: Resource | undefined): void {
  const key = r.method ? `${r.method} ${r.path}` : (r.path ?? r.route.address);
  if (!r.fn) {
    const problem = r.targetProblem ?? 'no target';
    if (r.targetUnknown) out.error(r.route, `cannot tell which function webhook route ${key} targets: ${problem}`, 'target', 'target');
    else out.fail(r.route, `webhook route ${key} does not target the webhook receiver: ${problem}`, 'target', 'target');
    out.examine(r.route, r.targetUnknown ? 'error' : 'fail', `target: ${problem}`);
    return;
  }
  if (receiver && r.fn.address !== receiver.address) {
    out.fail(
      r.route,
      `webhook route ${key} targets function ${label(r.fn)}, not the webhook receiver ${label(receiver)}`,
      'target',
      'target',
    );
    out.examine(r.route, 'fail', `targets ${label(r.fn)}`);
    return;
  }
  out.examine(r.route, 'pass', `targets the webhook receiver ${label(r.fn)}`);
}

type SignatureRead = { kind: 'ok'; where: string } | { kind: 'unknown'; why: string } | { kind: 'bad'; why: string; attr?: string };

/**
 * The receiver is configured for X-Hub-Signature-256 when an environment value names that header;
 * a setting named like an algorithm (ALGORITHM, HASH, DIGEST) must then say SHA-256.
 */
function signatureSetting(vars: ValueObject): SignatureRead {
  let header: string | undefined;
  const unknownNames: string[] = [];
  for (const [k, v] of Object.entries(vars)) {
    if (typeof v === 'string' && v.toLowerCase().includes(SIGNATURE_HEADER.toLowerCase())) header ??= k;
    else if ((v instanceof Unknown || v instanceof RefObject) && /SIGNATURE|HMAC|HEADER|ALGO/i.test(k)) unknownNames.push(k);
  }
  for (const [k, v] of Object.entries(vars)) {
    if (!(/ALGO/i.test(k) || (/HASH|DIGEST/i.test(k) && /SIGN|HMAC/i.test(k)))) continue;
    if (typeof v === 'string' && !/sha-?256/i.test(v)) {
      return { kind: 'bad', why: `${k} = ${JSON.stringify(v)} is not SHA-256`, attr: `environment.variables.${k}` };
    }
    if (v instanceof Unknown || v instanceof RefObject) return { kind: 'unknown', why: `${k} is unknown` };
  }
  if (header) return { kind: 'ok', where: header };
  if (unknownNames.length > 0)
    return { kind: 'unknown', why: `${unknownNames.join(', ')} ${unknownNames.length > 1 ? 'are' : 'is'} unknown` };
  return { kind: 'bad', why: `no environment variable holds the header name ${SIGNATURE_HEADER}` };
}
