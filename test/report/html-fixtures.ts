import { join } from 'node:path';
import type { CheckResult, Status, SystemResult } from '../../src/model/result.js';
import { assess, type Assessment } from '../../src/maturity/assess.js';
import { buildEvidenceSet, readEvidenceFile, type RawRecord } from '../../src/maturity/evidence.js';
import { scan } from '../../src/scan.js';
import { failingResult } from './fixtures.js';

/** Results the HTML report tests render: real scans, a fleet built in code, maturity assessments. */

export const ROOT = join(import.meta.dirname, '../..');
export const EXAMPLE = 'terraform/examples/complete';
/** The failing fixture of the browser test: SI-6 fails (an expired inline suppression). */
export const FAILING_FIXTURE = 'fixtures/hcl/sup-inline-expired';

/** The time every scanned report says it was made (SOURCE_DATE_EPOCH 1735787045). */
export const GENERATED_AT = '2025-01-02T03:04:05.000Z';

const scans = new Map<string, Promise<CheckResult>>();

/**
 * `ztait check DIR` in process, from the repository root (paths as the CLI prints them), with
 * SOURCE_DATE_EPOCH set; once per directory and test file (callers must not change the result).
 */
export function scanDir(dir: string): Promise<CheckResult> {
  let p = scans.get(dir);
  if (!p) {
    p = (async () => {
      const cwd = process.cwd();
      const epoch = process.env.SOURCE_DATE_EPOCH;
      process.chdir(ROOT);
      process.env.SOURCE_DATE_EPOCH = String(Date.parse(GENERATED_AT) / 1000);
      try {
        return await scan({ commandLine: `ztait check ${dir} --format html`, source: { kind: 'hcl', paths: [dir] } });
      } finally {
        process.chdir(cwd);
        if (epoch === undefined) delete process.env.SOURCE_DATE_EPOCH;
        else process.env.SOURCE_DATE_EPOCH = epoch;
      }
    })();
    scans.set(dir, p);
  }
  return p;
}

/**
 * A fleet run over three accounts, as the fleet probe combines it: 111122223333 in two regions
 * (SI-6 fails in eu-west-1), 444455556666 passing, 777788889999 unreadable (AssumeRole denied:
 * no system, every verdict error).
 */
export function fleetResult(): CheckResult {
  const r = failingResult();
  const ok: Status = 'pass';
  const sys = (account: string, region: string, failing: string[]): SystemResult => ({
    root: `${account}/${region}`,
    account,
    region,
    status: failing.length ? 'fail' : 'pass',
    summary: { pass: r.invariants.length - failing.length, fail: failing.length, error: 0, not_applicable: 0, suppressed: 0 },
    inventory: r.inventory,
    invariants: r.invariants.map((i) => ({
      id: i.id,
      status: failing.includes(i.id) ? 'fail' : ok,
      findings: failing.includes(i.id) ? 1 : 0,
    })),
    maturity: r.maturity,
    nist: r.nist,
  });
  r.source = { kind: 'live', inputs: [] };
  r.systems = [sys('111122223333', 'eu-west-1', ['SI-6']), sys('111122223333', 'us-east-1', []), sys('444455556666', 'eu-west-1', [])];
  const counts = (pass: number, fail: number, error: number): Record<Status, number> => ({
    pass,
    fail,
    error,
    not_applicable: 0,
    suppressed: 0,
  });
  r.fleet = {
    accounts: [
      {
        id: '777788889999',
        name: 'sandbox',
        regions: ['eu-west-1'],
        status: 'error',
        reason: 'the audit role could not be assumed (AccessDenied)',
      },
      { id: '111122223333', name: 'prod', regions: ['eu-west-1', 'us-east-1'], status: 'fail' },
      { id: '444455556666', name: 'staging', regions: ['eu-west-1'], status: 'pass' },
    ],
    invariants: r.invariants.map((i) => ({ id: i.id, counts: i.id === 'SI-6' ? counts(1, 1, 1) : counts(2, 0, 1) })),
  };
  for (const inv of r.invariants) for (const f of inv.findings) Object.assign(f, { account: '111122223333', region: 'eu-west-1' });
  return r;
}

const EVIDENCE = join(ROOT, 'fixtures/evidence');

/** At L3: seven days under 0.90 (regression due), and the trust components of trust.jsonl. */
export async function maturityAssessment(): Promise<Assessment> {
  const regression = await readEvidenceFile(join(EVIDENCE, 'l3-regression-7days.jsonl'));
  return assess(regression, { current: 3 });
}

/** The trust-score rows alone (an L0 assessment with a histogram). */
export async function trustAssessment(): Promise<Assessment> {
  return assess(await readEvidenceFile(join(EVIDENCE, 'trust.jsonl')), { current: 0 });
}

/** An assessment whose evidence file and a dropped row are named by a hostile string (the escaping test). */
export function hostileAssessment(name: string): Assessment {
  const fields = {
    incident_id: 'i-1',
    timestamp: '2025-06-30T12:00:00Z',
    agent_severity: 'P3',
    human_severity: 'P3',
    agent_action: 'create_incident',
    human_action: 'create_incident',
    confidence: 0.9,
    outcome: 'approved',
    mim_false_positive: false,
  };
  const rows: RawRecord[] = [
    { origin: { file: name, line: 1 }, fields },
    { origin: { file: name, line: 2 }, fields: { ...fields, incident_id: name, timestamp: name } },
  ];
  return assess(buildEvidenceSet({ kind: 'file', name, format: 'jsonl' }, rows), { current: 0 });
}
