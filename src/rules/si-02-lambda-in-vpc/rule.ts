/**
 * SI-2: every Lambda function executes within a VPC: a `vpc_config` with at least one subnet and
 * one security group. A list that is unknown as a whole is `error`; a list holding unknown
 * references still has members and counts.
 */
import { OutcomeBuilder, gapErrors, inScope, label, readBlock, readList } from '../lib/pipeline.js';
import type { Rule, RuleContext, RuleOutcome } from '../define.js';

export const lambdaInVpc: Rule = {
  id: 'SI-2',
  scope: 'state',
  evaluate(ctx: RuleContext): RuleOutcome {
    const out = new OutcomeBuilder(gapErrors(ctx, ['aws_lambda_function']));
    for (const fn of inScope(ctx, 'aws_lambda_function')) {
      const name = label(fn);
      const vc = readBlock(fn.values.vpc_config);
      if (vc.kind === 'missing') {
        out.fail(fn, `function ${name} has no vpc_config: it runs outside any VPC`, 'vpc_config');
        out.examine(fn, 'fail', 'vpc_config = (none)');
        continue;
      }
      if (vc.kind === 'unknown') {
        out.error(fn, `vpc_config of function ${name} is unknown: ${vc.reason}`, 'vpc_config');
        out.examine(fn, 'error', `vpc_config unknown: ${vc.reason}`);
        continue;
      }
      const observed: string[] = [];
      let status: 'pass' | 'fail' | 'error' = 'pass';
      for (const [attr, what] of [
        ['subnet_ids', 'subnet'],
        ['security_group_ids', 'security group'],
      ] as const) {
        const list = readList(vc.value[attr]);
        const path = `vpc_config.${attr}`;
        if (list.kind === 'unknown') {
          out.error(fn, `${path} of function ${name} is unknown: ${list.reason}`, path);
          observed.push(`${path} unknown`);
          if (status === 'pass') status = 'error';
        } else if (list.kind !== 'ok' || list.value.filter((x) => x !== null && x !== '').length === 0) {
          out.fail(fn, `function ${name} has no ${what} in ${path}`, path);
          observed.push(`${path} = []`);
          status = 'fail';
        } else observed.push(`${path}: ${list.value.length} ${what}(s)`);
      }
      out.examine(fn, status, observed.join(', '));
    }
    return out.finish('no aws_lambda_function in the inventory');
  },
};
