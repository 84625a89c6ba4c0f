import { PutMetricDataCommand, type CloudWatchClient, type MetricDatum } from '@aws-sdk/client-cloudwatch';

/**
 * Layer 5: the classification metrics the alarms watch, in namespace ZTAIT/Triage:
 *  Classifications      1 per alert classified (any outcome)
 *  GuardrailIntervened  1 or 0 per classification: its Average is the guardrail trigger rate (alarm > 5%)
 *  InvalidModelOutput   1 or 0: replies that failed the schema
 *  HumanReview          1 or 0: incidents routed to people by the fail-closed paths
 *  Confidence           the validated confidence (alarm: drift > 0.1 from the 30-day baseline)
 */

export const METRIC_NAMESPACE = 'ZTAIT/Triage';

export interface ClassificationMetrics {
  guardrailIntervened: boolean;
  invalidOutput: boolean;
  humanReview: boolean;
  confidence?: number;
}

export async function putClassificationMetrics(client: CloudWatchClient, m: ClassificationMetrics, at: Date): Promise<void> {
  const count = (MetricName: string, v: boolean | number): MetricDatum => ({ MetricName, Value: Number(v), Unit: 'Count', Timestamp: at });
  const data: MetricDatum[] = [
    count('Classifications', 1),
    count('GuardrailIntervened', m.guardrailIntervened),
    count('InvalidModelOutput', m.invalidOutput),
    count('HumanReview', m.humanReview),
  ];
  if (m.confidence !== undefined) data.push({ MetricName: 'Confidence', Value: m.confidence, Unit: 'None', Timestamp: at });
  await client.send(new PutMetricDataCommand({ Namespace: METRIC_NAMESPACE, MetricData: data }));
}
