import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, paginateScan } from '@aws-sdk/lib-dynamodb';
import { fromIni } from '@aws-sdk/credential-providers';
import { buildEvidenceSet, EvidenceError, type EvidenceSet, type RawRecord } from './evidence.js';

/**
 * The live decision log: the deployed incidents table, read with a paginated Scan (read-only: Scan
 * is the only call made). Items are validated exactly like file rows; an item's "line" is its
 * position in the scan (1-based), reported as `table:NAME:17`.
 */

export interface TableOptions {
  region?: string;
  endpointUrl?: string;
  profile?: string;
}

export function incidentsClient(opts: TableOptions): DynamoDBDocumentClient {
  const config: DynamoDBClientConfig = {};
  if (opts.region) config.region = opts.region;
  if (opts.endpointUrl) config.endpoint = opts.endpointUrl;
  if (opts.profile) config.credentials = fromIni({ profile: opts.profile });
  return DynamoDBDocumentClient.from(new DynamoDBClient(config));
}

export async function readEvidenceTable(table: string, client: DynamoDBDocumentClient): Promise<EvidenceSet> {
  const raws: RawRecord[] = [];
  const file = `table:${table}`;
  try {
    for await (const page of paginateScan({ client, pageSize: 1000 }, { TableName: table })) {
      for (const item of page.Items ?? []) raws.push({ origin: { file, line: raws.length + 1 }, fields: item });
    }
  } catch (e) {
    const err = e as Error & { name?: string };
    throw new EvidenceError(`cannot scan DynamoDB table ${table}: ${err.name ?? 'Error'}: ${err.message.split('\n')[0]}`);
  }
  if (raws.length === 0) throw new EvidenceError(`DynamoDB table ${table} has no items`);
  return buildEvidenceSet({ kind: 'table', name: table, format: 'dynamodb' }, raws);
}
