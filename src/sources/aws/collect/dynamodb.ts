import {
  DescribeContinuousBackupsCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  ListTagsOfResourceCommand,
  paginateListTables,
  type TableDescription,
} from '@aws-sdk/client-dynamodb';
import { inScope, tagMap, unknownFrom } from '../builder.js';
import { mapTable, pitrBlock, sseBlock, ttlBlock } from '../map/dynamodb.js';
import { allPages, attempt, tokenPages, type CollectContext } from './context.js';

export interface ScopedTable {
  name: string;
  arn: string;
}

/** Tables in the namespace with encryption (DescribeTable), PITR (DescribeContinuousBackups) and TTL. */
export async function collectTables(ctx: CollectContext): Promise<ScopedTable[]> {
  const { dynamodb } = ctx.clients;
  const names = await attempt(() =>
    allPages(ctx, 'dynamodb:ListTables', paginateListTables({ client: dynamodb, pageSize: 100 }, {}), (p) => p.TableNames),
  );
  if (!names.ok) {
    ctx.out.gap(['aws_dynamodb_table'], names.failure);
    return [];
  }
  const tables = await Promise.all(
    [...names.value].sort().map(async (name): Promise<ScopedTable | undefined> => {
      const named = inScope(name, undefined, ctx.prefix);
      const described = await attempt(() => dynamodb.send(new DescribeTableCommand({ TableName: name })));
      let tags: Record<string, string> | undefined;
      if (!named) {
        if (!described.ok) {
          ctx.out.gap(['aws_dynamodb_table'], `${described.failure.reason}: cannot tell whether table ${name} is in the namespace`);
          return undefined;
        }
        const arn = described.value.Table?.TableArn;
        const listed = await attempt(() =>
          allPages(
            ctx,
            'dynamodb:ListTagsOfResource',
            tokenPages((NextToken) => dynamodb.send(new ListTagsOfResourceCommand({ ResourceArn: arn, NextToken }))),
            (p) => p.Tags,
          ),
        );
        if (!listed.ok) {
          ctx.out.gap(['aws_dynamodb_table'], `${listed.failure.reason}: cannot tell whether table ${name} is in the namespace`);
          return undefined;
        }
        tags = tagMap(listed.value);
        if (!inScope(name, tags, ctx.prefix)) return undefined;
      }
      const table: TableDescription = described.ok ? (described.value.Table ?? { TableName: name }) : { TableName: name };
      if (!table.TableArn && ctx.accountId) table.TableArn = `arn:${ctx.partition}:dynamodb:${ctx.region}:${ctx.accountId}:table/${name}`;
      const [backups, ttl] = await Promise.all([
        attempt(() => dynamodb.send(new DescribeContinuousBackupsCommand({ TableName: name }))),
        attempt(() => dynamodb.send(new DescribeTimeToLiveCommand({ TableName: name }))),
      ]);
      if (!described.ok) ctx.out.gap(['aws_dynamodb_table.server_side_encryption'], described.failure);
      if (!backups.ok) ctx.out.gap(['aws_dynamodb_table.point_in_time_recovery'], backups.failure);
      if (!ttl.ok) ctx.out.gap(['aws_dynamodb_table.ttl'], ttl.failure);
      ctx.out.add(
        mapTable(
          table,
          {
            sse: described.ok ? sseBlock(table) : unknownFrom(described.failure),
            pitr: backups.ok ? pitrBlock(backups.value.ContinuousBackupsDescription) : unknownFrom(backups.failure),
            ttl: ttl.ok ? ttlBlock(name, ttl.value.TimeToLiveDescription) : unknownFrom(ttl.failure),
          },
          tags,
        ),
      );
      return { name, arn: table.TableArn ?? '' };
    }),
  );
  return tables.filter((t): t is ScopedTable => t !== undefined);
}
