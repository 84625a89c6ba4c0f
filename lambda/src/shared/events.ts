import { PutEventsCommand, type EventBridgeClient } from '@aws-sdk/client-eventbridge';

/**
 * Publishing to the pipeline's bus. PutEvents reports per-entry failures in a successful
 * response; those are errors here, so that no caller mistakes a dropped event for a sent one.
 */
export async function publish(client: EventBridgeClient, bus: string, source: string, detailType: string, detail: unknown): Promise<void> {
  const out = await client.send(
    new PutEventsCommand({ Entries: [{ EventBusName: bus, Source: source, DetailType: detailType, Detail: JSON.stringify(detail) }] }),
  );
  if ((out.FailedEntryCount ?? 0) > 0) {
    const entry = out.Entries?.find((e) => e.ErrorCode);
    throw new Error(`EventBridge rejected the ${detailType} event: ${entry?.ErrorCode ?? 'unknown'} ${entry?.ErrorMessage ?? ''}`.trim());
  }
}

/** The EventBridge envelope a rule target receives. */
export interface BusEvent<T> {
  id?: string;
  source?: string;
  'detail-type'?: string;
  detail?: T;
  time?: string;
}
