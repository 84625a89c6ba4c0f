import { ListTagsCommand, paginateListFunctions, type FunctionConfiguration } from '@aws-sdk/client-lambda';
import { inScope } from '../builder.js';
import { allPages, attempt, type CollectContext } from './context.js';

export interface ScopedFunction {
  fn: FunctionConfiguration;
  /** Tags when they had to be read to decide the scope. */
  tags?: Record<string, string>;
}

/**
 * In-scope functions. Their VPC needs the EC2 collector, so the resources are added later by
 * `addFunctions` (./ec2.ts) once subnets are known.
 */
export async function collectFunctions(ctx: CollectContext): Promise<ScopedFunction[]> {
  const listed = await attempt(() =>
    allPages(ctx, 'lambda:ListFunctions', paginateListFunctions({ client: ctx.clients.lambda, pageSize: 50 }, {}), (p) => p.Functions),
  );
  if (!listed.ok) {
    ctx.out.gap(['aws_lambda_function'], listed.failure);
    return [];
  }
  const scoped = await Promise.all(
    listed.value.map(async (fn): Promise<ScopedFunction | undefined> => {
      if (inScope(fn.FunctionName, undefined, ctx.prefix)) return { fn };
      const tags = await attempt(() => ctx.clients.lambda.send(new ListTagsCommand({ Resource: fn.FunctionArn })));
      if (!tags.ok) {
        ctx.out.gap(['aws_lambda_function'], `${tags.failure.reason}: cannot tell whether ${fn.FunctionName} is in the namespace`);
        return undefined;
      }
      const map = tags.value.Tags ?? {};
      return inScope(fn.FunctionName, map, ctx.prefix) ? { fn, tags: map } : undefined;
    }),
  );
  return scoped.filter((s): s is ScopedFunction => s !== undefined);
}
