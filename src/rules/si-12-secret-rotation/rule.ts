/**
 * SI-12: secrets rotate automatically. Every `aws_secretsmanager_secret` needs an
 * `aws_secretsmanager_secret_rotation` (matched by `secret_id`: reference, ARN or name) whose
 * `rotation_rules` rotate at least every 30 days: `automatically_after_days <= 30`, or a
 * `schedule_expression` `rate(N days|hours|minutes)` of at most 30 days, or a `cron(...)` that runs
 * in every month (and every year). An expression that cannot be parsed is `error`.
 */
import type { Resource } from '../../model/inventory.js';
import { OutcomeBuilder, gapErrors, inScope, label, readBlock, readNumber, readString } from '../lib/pipeline.js';
import type { Rule, RuleContext, RuleOutcome } from '../define.js';

export const MAX_ROTATION_DAYS = 30;

export const secretRotation: Rule = {
  id: 'SI-12',
  scope: 'state',
  evaluate(ctx: RuleContext): RuleOutcome {
    const out = new OutcomeBuilder(gapErrors(ctx, ['aws_secretsmanager_secret', 'aws_secretsmanager_secret_rotation']));
    const rotations = inScope(ctx, 'aws_secretsmanager_secret_rotation').map((rot) => ({
      rot,
      secrets: ctx.index.resolve(rot.values.secret_id, ['aws_secretsmanager_secret']).resources.map((s) => s.address),
    }));
    const floating = rotations.filter((r) => r.secrets.length === 0);
    for (const secret of inScope(ctx, 'aws_secretsmanager_secret')) {
      const rot = rotations.find((r) => r.secrets.includes(secret.address))?.rot;
      if (!rot) {
        if (floating.length > 0) {
          out.error(
            secret,
            `cannot tell whether secret ${label(secret)} rotates: the secret_id of ${floating.map((f) => f.rot.address).join(', ')} cannot be resolved`,
            undefined,
            'rotation',
          );
          out.examine(secret, 'error', 'rotation undecidable');
        } else {
          out.fail(
            secret,
            `secret ${label(secret)} has no aws_secretsmanager_secret_rotation: it never rotates automatically`,
            undefined,
            'rotation',
          );
          out.examine(secret, 'fail', 'rotation = (none)');
        }
        continue;
      }
      const v = judgeRotation(out, secret, rot);
      out.examine(secret, v.status, v.observed);
    }
    return out.finish('no aws_secretsmanager_secret in the inventory');
  },
};

function judgeRotation(out: OutcomeBuilder, secret: Resource, rot: Resource): { status: 'pass' | 'fail' | 'error'; observed: string } {
  const name = label(secret);
  const rules = readBlock(rot.values.rotation_rules);
  if (rules.kind === 'unknown') {
    out.error(rot, `rotation_rules of secret ${name} are unknown: ${rules.reason}`, 'rotation_rules');
    return { status: 'error', observed: 'rotation_rules unknown' };
  }
  if (rules.kind === 'missing') {
    out.fail(rot, `rotation of secret ${name} has no rotation_rules`, 'rotation_rules');
    return { status: 'fail', observed: 'rotation_rules = (none)' };
  }
  const daysAttr = 'rotation_rules.automatically_after_days';
  const exprAttr = 'rotation_rules.schedule_expression';
  const days = readNumber(rules.value.automatically_after_days);
  const expr = readString(rules.value.schedule_expression);
  if (days.kind === 'ok' && days.value > 0) {
    if (days.value > MAX_ROTATION_DAYS) {
      out.fail(
        rot,
        `secret ${name} rotates every ${days.value} days (automatically_after_days = ${days.value}, more than ${MAX_ROTATION_DAYS})`,
        daysAttr,
      );
      return { status: 'fail', observed: `automatically_after_days = ${days.value}` };
    }
    return { status: 'pass', observed: `automatically_after_days = ${days.value}` };
  }
  if (days.kind === 'unknown' || days.kind === 'invalid') {
    const why = days.kind === 'unknown' ? `is unknown: ${days.reason}` : `is not a number: ${days.shown}`;
    out.error(rot, `automatically_after_days of secret ${name} ${why}`, daysAttr);
    return { status: 'error', observed: 'automatically_after_days unknown' };
  }
  if (expr.kind === 'ok' && expr.value.trim() !== '') {
    const s = scheduleInterval(expr.value);
    if (s.kind === 'undecidable') {
      out.error(rot, `schedule_expression ${JSON.stringify(expr.value)} of secret ${name} cannot be read: ${s.why}`, exprAttr);
      return { status: 'error', observed: `schedule_expression = ${expr.value} (unreadable)` };
    }
    if (s.kind === 'too-long') {
      out.fail(
        rot,
        `secret ${name} rotates less often than every ${MAX_ROTATION_DAYS} days: schedule_expression ${JSON.stringify(expr.value)} ${s.why}`,
        exprAttr,
      );
      return { status: 'fail', observed: `schedule_expression = ${expr.value}` };
    }
    return { status: 'pass', observed: `schedule_expression = ${expr.value}` };
  }
  if (expr.kind === 'unknown') {
    out.error(rot, `schedule_expression of secret ${name} is unknown: ${expr.reason}`, exprAttr);
    return { status: 'error', observed: 'schedule_expression unknown' };
  }
  out.fail(rot, `rotation of secret ${name} has neither automatically_after_days nor schedule_expression`, 'rotation_rules');
  return { status: 'fail', observed: 'no rotation schedule' };
}

type Interval = { kind: 'ok' } | { kind: 'too-long'; why: string } | { kind: 'undecidable'; why: string };

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];

/** Whether a Secrets Manager schedule expression rotates at least every 30 days (cron: every month). */
export function scheduleInterval(expr: string): Interval {
  const text = expr.trim();
  const rate = /^rate\(\s*(\d+)\s+(minutes?|hours?|days?)\s*\)$/i.exec(text);
  if (rate) {
    const n = Number(rate[1]);
    const unit = rate[2]!.toLowerCase();
    const days = unit.startsWith('day') ? n : unit.startsWith('hour') ? n / 24 : n / 1440;
    return days > MAX_ROTATION_DAYS ? { kind: 'too-long', why: `is every ${days} days` } : { kind: 'ok' };
  }
  const cron = /^cron\((.*)\)$/i.exec(text);
  if (!cron) return { kind: 'undecidable', why: 'neither rate(...) nor cron(...)' };
  const fields = cron[1]!.trim().split(/\s+/);
  if (fields.length !== 6) return { kind: 'undecidable', why: `cron needs 6 fields, it has ${fields.length}` };
  const months = expandField(fields[3]!, 1, 12, MONTHS);
  if (!months) return { kind: 'undecidable', why: `month field ${JSON.stringify(fields[3])} cannot be parsed` };
  if (months.size < 12) {
    return {
      kind: 'too-long',
      why: `runs only in month(s) ${[...months]
        .sort((a, b) => a - b)
        .map((m) => MONTHS[m - 1])
        .join(', ')}`,
    };
  }
  const year = fields[5]!;
  if (year !== '*' && year !== '?') return { kind: 'too-long', why: `runs only in year(s) ${year}` };
  return { kind: 'ok' };
}

/** The values a cron field selects (`*`, `?`, lists, ranges, steps, names); undefined if unparseable. */
function expandField(field: string, min: number, max: number, names: readonly string[]): Set<number> | undefined {
  const out = new Set<number>();
  const num = (s: string): number | undefined => {
    const i = names.indexOf(s.toUpperCase());
    if (i >= 0) return i + min;
    return /^\d+$/.test(s) ? Number(s) : undefined;
  };
  for (const part of field.split(',')) {
    const m = /^(\*|\?|[A-Za-z0-9]+(?:-[A-Za-z0-9]+)?)(?:\/(\d+))?$/.exec(part);
    if (!m) return undefined;
    let lo = min;
    let hi = max;
    if (m[1] !== '*' && m[1] !== '?') {
      const [a, b] = m[1]!.split('-');
      const x = num(a!);
      const y = b !== undefined ? num(b) : m[2] !== undefined ? max : x;
      if (x === undefined || y === undefined || x < min || y > max || x > y) return undefined;
      lo = x;
      hi = y;
    }
    const step = m[2] !== undefined ? Number(m[2]) : 1;
    if (step < 1) return undefined;
    for (let v = lo; v <= hi; v += step) out.add(v);
  }
  return out;
}
