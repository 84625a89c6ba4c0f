import type { CheckResult, Severity, Status } from '../model/result.js';
import { sourceLabel } from './common.js';
import { INFORMATION_URI } from './sarif.js';
import {
  arnRegion,
  cloudRecords,
  helpUrl,
  partitionOf,
  plainText,
  tenetNames,
  type CloudRecord,
  type CloudResource,
} from './cloud-findings.js';

/**
 * OCSF 1.5.0 "Compliance Finding" (class_uid 2003, category Findings) events, one per finding and
 * one per check whose verdict no finding carries (./cloud-findings.ts). The output is one JSON
 * array (a whole document, like Prowler's `.ocsf.json`); `jq -c '.[]'` makes it JSON Lines for
 * line-oriented pipelines. docs/formats.md maps every field to its source in the result.
 */

export const OCSF_VERSION = '1.5.0';

const CLASS = { uid: 2003, name: 'Compliance Finding' } as const;
const CATEGORY = { uid: 2, name: 'Findings' } as const;
/** activity_id 1: every run states the current finding anew. */
const ACTIVITY = { id: 1, name: 'Create' } as const;

/** severity_id: 1 Informational, 2 Low, 3 Medium, 4 High, 5 Critical. */
const SEVERITY: Record<Severity | 'informational', { id: number; name: string }> = {
  informational: { id: 1, name: 'Informational' },
  low: { id: 2, name: 'Low' },
  medium: { id: 3, name: 'Medium' },
  high: { id: 4, name: 'High' },
  critical: { id: 5, name: 'Critical' },
};

/**
 * compliance.status_id has three values in OCSF 1.5.0: 1 Pass, 2 Warning ("did not yield a result
 * due to missing information": ztait's error), 3 Fail (suppressed findings still fail; the finding's
 * own status_id says Suppressed). A rule that does not apply has none of them: no status_id, the
 * status "Not Applicable" and the reason in status_detail.
 */
const COMPLIANCE: Record<Status, { id?: number; name: string }> = {
  pass: { id: 1, name: 'Pass' },
  error: { id: 2, name: 'Warning' },
  fail: { id: 3, name: 'Fail' },
  suppressed: { id: 3, name: 'Fail' },
  not_applicable: { name: 'Not Applicable' },
};

/** The finding's lifecycle status_id: 1 New, 3 Suppressed; a pass or a rule that does not apply is no open finding. */
const FINDING_STATUS: Partial<Record<Status, { id: number; name: string }>> = {
  fail: { id: 1, name: 'New' },
  error: { id: 1, name: 'New' },
  suppressed: { id: 3, name: 'Suppressed' },
};

type Obj = Record<string, unknown>;

function severityOf(r: CloudRecord): { id: number; name: string } {
  if (r.status === 'pass' || r.status === 'not_applicable') return SEVERITY.informational;
  return SEVERITY[r.meta?.severity ?? r.inv.severity];
}

function resourceOf(res: CloudResource, r: CloudRecord): Obj {
  const region = arnRegion(res.arn) ?? r.region;
  const data: Obj = {
    ...(res.arn && res.arn !== res.address ? { address: res.address } : {}),
    ...(res.file ? { file: res.file } : {}),
    ...(res.line ? { line: res.line } : {}),
    ...(res.end_line ? { end_line: res.end_line } : {}),
    ...(res.observed.length ? { observed: res.observed } : {}),
  };
  return {
    uid: res.id,
    name: res.address,
    type: res.type,
    ...(region ? { region } : {}),
    ...(r.account ? { cloud_partition: partitionOf(region) } : {}),
    ...(Object.keys(data).length ? { data } : {}),
  };
}

/** What OCSF has no attribute for: the ztait verdict, STRIDE, the tenets, the fingerprint, the suppression. */
function unmappedOf(r: CloudRecord): Obj {
  const f = r.finding;
  return {
    ztait: {
      rule: r.inv.id,
      status: r.status,
      stride: r.inv.stride,
      nist_tenets: [...new Set(r.inv.nist)].sort((a, b) => a - b),
      ...(f ? { fingerprint: f.fingerprint } : {}),
      ...(r.root ? { root: r.root } : {}),
      ...(f?.suppression
        ? {
            suppression: {
              kind: f.suppression.kind,
              reason: f.suppression.reason,
              ...(f.suppression.expires ? { expires: f.suppression.expires } : {}),
            },
          }
        : {}),
      ...(f?.baseline ? { baseline: f.baseline } : {}),
    },
  };
}

function eventOf(r: CloudRecord, result: CheckResult, time: number): Obj {
  const severity = severityOf(r);
  const compliance = COMPLIANCE[r.status];
  const lifecycle = FINDING_STATUS[r.status];
  const title = r.meta?.title ?? r.inv.title;
  const accountName = result.fleet?.accounts.find((a) => a.id === r.account)?.name;
  return {
    activity_id: ACTIVITY.id,
    activity_name: ACTIVITY.name,
    category_uid: CATEGORY.uid,
    category_name: CATEGORY.name,
    class_uid: CLASS.uid,
    class_name: CLASS.name,
    type_uid: CLASS.uid * 100 + ACTIVITY.id,
    type_name: `${CLASS.name}: ${ACTIVITY.name}`,
    severity_id: severity.id,
    severity: severity.name,
    ...(lifecycle ? { status_id: lifecycle.id, status: lifecycle.name } : {}),
    time,
    message: r.kind === 'finding' ? `${r.finding!.resource}: ${r.message}` : r.message,
    metadata: {
      version: OCSF_VERSION,
      product: { name: 'ztait', vendor_name: 'ztait', version: result.tool.version, url_string: INFORMATION_URI },
      ...(r.account ? { profiles: ['cloud'] } : {}),
      event_code: r.inv.id,
    },
    finding_info: {
      uid: r.uid,
      title: `${r.inv.id} ${title}`,
      desc: r.message,
      types: [r.kind === 'finding' ? 'ZTAIT finding' : 'ZTAIT check'],
      src_url: helpUrl(r.meta),
      data_sources: [sourceLabel(result)],
    },
    compliance: {
      standards: ['NIST SP 800-207'],
      requirements: [`ZTAIT ${r.inv.id}`, ...tenetNames(r.inv)],
      control: `${r.inv.id} ${title}`,
      ...(compliance.id !== undefined ? { status_id: compliance.id } : {}),
      status: compliance.name,
      ...(r.reason ? { status_detail: r.reason } : {}),
    },
    remediation: {
      desc: r.meta ? plainText(r.meta.remediation) : 'No remediation is recorded for this rule.',
      ...(r.meta?.references.length ? { references: r.meta.references } : {}),
    },
    ...(r.resources.length ? { resources: r.resources.map((res) => resourceOf(res, r)) } : {}),
    ...(r.account
      ? {
          cloud: {
            provider: 'AWS',
            ...(r.region ? { region: r.region } : {}),
            account: { uid: r.account, ...(accountName ? { name: accountName } : {}), type_id: 10, type: 'AWS Account' },
            cloud_partition: partitionOf(r.region),
          },
        }
      : {}),
    unmapped: unmappedOf(r),
  };
}

/** The OCSF events of a result as a JSON array (deterministic: the same result gives the same bytes). */
export function renderOcsf(result: CheckResult): string {
  const time = Date.parse(result.generated_at);
  const events = cloudRecords(result).map((r) => eventOf(r, result, Number.isNaN(time) ? 0 : time));
  return `${JSON.stringify(events, null, 2)}\n`;
}
