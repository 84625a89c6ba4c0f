/**
 * SI-10: webhook replay is prevented within a 5-minute window. The webhook receiver (see SI-9) must
 * have a replay window setting (an environment variable whose name contains `replay`; seconds unless
 * the name says minutes, hours or milliseconds; a value may carry its own unit: `5m`, `300s`) of at
 * most 300 s, and the dedup table (the table whose name or key says dedup) must have
 * `ttl { enabled = true }`.
 */
import type { Resource } from '../../model/inventory.js';
import type { Value } from '../../model/value.js';
import { OutcomeBuilder, environmentOf, gapErrors, label, pipeline, readString, requireEnabled, tablesSaying } from '../lib/pipeline.js';
import type { Rule, RuleContext, RuleOutcome } from '../define.js';

export const MAX_REPLAY_WINDOW_SECONDS = 300;

const NEEDS = ['aws_apigatewayv2_route', 'aws_apigatewayv2_integration', 'aws_lambda_function', 'aws_dynamodb_table.ttl'];

export const webhookReplay: Rule = {
  id: 'SI-10',
  scope: 'state',
  evaluate(ctx: RuleContext): RuleOutcome {
    const out = new OutcomeBuilder(gapErrors(ctx, NEEDS));
    const p = pipeline(ctx);
    const hooks = p.routes.filter((r) => r.kind === 'webhook');
    if (hooks.length === 0) return out.finish('no webhook receiver (no API Gateway route whose path starts with /webhook)');
    const receiver = p.receiver;
    if (!receiver) {
      const why = hooks.map((r) => r.targetProblem).find(Boolean) ?? 'no webhook route targets a Lambda function';
      out.errors.push(`the webhook receiver cannot be determined: ${why}`);
      return out.finish('no webhook receiver');
    }
    replayWindow(out, receiver);
    const dedup = tablesSaying(ctx, 'dedup');
    const tablesUnread = ctx.inventory.gaps?.aws_dynamodb_table;
    if (dedup.length === 0 && tablesUnread) {
      // the tables could not be listed: a missing dedup table is undecided, not absent
      out.error(receiver, `cannot tell whether webhook receiver ${label(receiver)} has a dedup table: ${tablesUnread}`, undefined, 'dedup');
      out.examine(receiver, 'error', 'dedup table = (tables not collected)');
    } else if (dedup.length === 0) {
      out.fail(
        receiver,
        `no dedup table for webhook receiver ${label(receiver)} (no aws_dynamodb_table whose name or key says dedup)`,
        undefined,
        'dedup',
      );
      out.examine(receiver, 'fail', 'dedup table = (none)');
    }
    for (const t of dedup) requireEnabled(out, t, 'ttl', 'dedup table');
    return out.finish('no webhook receiver');
  },
};

function replayWindow(out: OutcomeBuilder, fn: Resource): void {
  const name = label(fn);
  const env = environmentOf(fn);
  if (env.kind === 'unknown') {
    out.error(fn, `environment of webhook receiver ${name} is unknown: ${env.reason}`, 'environment', 'replay');
    out.examine(fn, 'error', 'environment unknown');
    return;
  }
  const vars = env.kind === 'ok' ? Object.entries(env.vars).filter(([k]) => /replay/i.test(k)) : [];
  let windows = 0;
  for (const [k, v] of vars) {
    const attr = `environment.variables.${k}`;
    const w = windowSeconds(k, v);
    if (w.kind === 'flag') {
      if (!w.on) {
        out.fail(fn, `${k} = ${JSON.stringify(v)} turns replay protection off on webhook receiver ${name}`, attr, k);
        out.examine(fn, 'fail', `${k} = false`);
      }
      continue;
    }
    windows += 1;
    if (w.kind === 'unknown') {
      out.error(fn, `${k} of webhook receiver ${name} ${w.why}`, attr, k);
      out.examine(fn, 'error', `${k} undecidable`);
    } else if (w.seconds > MAX_REPLAY_WINDOW_SECONDS || w.seconds <= 0) {
      const why =
        w.seconds <= 0 ? 'is not a positive window' : `allows a replay window of ${w.seconds} s (more than ${MAX_REPLAY_WINDOW_SECONDS} s)`;
      out.fail(fn, `${k} = ${JSON.stringify(v)} on webhook receiver ${name} ${why}`, attr, k);
      out.examine(fn, 'fail', `${k} = ${w.seconds} s`);
    } else out.examine(fn, 'pass', `${k} = ${w.seconds} s`);
  }
  if (windows === 0) {
    out.fail(
      fn,
      `webhook receiver ${name} has no replay window setting (no environment variable whose name contains "replay")`,
      env.kind === 'ok' ? 'environment.variables' : 'environment',
      'replay',
    );
    out.examine(fn, 'fail', 'replay window = (none)');
  }
}

type Window = { kind: 'seconds'; seconds: number } | { kind: 'flag'; on: boolean } | { kind: 'unknown'; why: string };

/** Seconds of a replay setting; the variable's name gives the unit unless the value carries one. */
function windowSeconds(name: string, v: Value): Window {
  const s = readString(v);
  if (s.kind === 'unknown') return { kind: 'unknown', why: `is unknown: ${s.reason}` };
  if (s.kind !== 'ok') return { kind: 'unknown', why: `is not a number: ${s.kind === 'invalid' ? s.shown : 'missing'}` };
  const text = s.value.trim();
  if (/^(true|false|enabled|disabled|on|off)$/i.test(text)) return { kind: 'flag', on: /^(true|enabled|on)$/i.test(text) };
  const m = /^(-?\d+(?:\.\d+)?)\s*(ms|milliseconds?|s|secs?|seconds?|m|mins?|minutes?|h|hours?)?$/i.exec(text);
  if (!m) return { kind: 'unknown', why: `is not a number of seconds: ${JSON.stringify(text)}` };
  const n = Number(m[1]);
  const unit = (m[2] ?? unitOfName(name)).toLowerCase();
  const factor = unit.startsWith('ms') || unit.startsWith('milli') ? 0.001 : unit.startsWith('h') ? 3600 : unit.startsWith('m') ? 60 : 1;
  return { kind: 'seconds', seconds: Math.round(n * factor * 1000) / 1000 };
}

function unitOfName(name: string): string {
  const words = name.split(/[^A-Za-z0-9]+|(?<=[a-z])(?=[A-Z])/).map((w) => w.toUpperCase());
  if (words.some((w) => ['MS', 'MILLIS', 'MILLISECONDS', 'MSEC'].includes(w))) return 'ms';
  if (words.some((w) => ['MIN', 'MINS', 'MINUTES', 'MINUTE'].includes(w))) return 'min';
  if (words.some((w) => ['H', 'HOURS', 'HOUR', 'HRS'].includes(w))) return 'h';
  return 's';
}
