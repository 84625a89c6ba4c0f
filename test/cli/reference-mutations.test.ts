import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT as ROOT, runZtaitInProcess } from './helpers.js';

/**
 * The reference architecture passes every rule; a one-line change that breaks exactly one invariant
 * makes exactly that invariant fail, with a finding at the changed file and line (issue 2, "Done when").
 * Each case edits one line of a copy of terraform/ and runs `ztait check` on it. The verdicts are
 * what is tested, not the launcher: the CLI runs in this process (runZtaitInProcess).
 */

interface Mutation {
  name: string;
  file: string;
  /** The line to change (first occurrence; runs of whitespace compare equal)... */
  find: string;
  /** ...after the first line containing this, when given. */
  after?: string;
  replace: string;
  fails: string[];
  /** The finding for the first failing rule is at the changed line (false when the rule points elsewhere). */
  atLine?: boolean;
  /** When the replacement spans lines: which of them the finding points at. */
  lineOffset?: number;
}

const MUTATIONS: Mutation[] = [
  {
    name: 'server-side encryption disabled',
    file: 'modules/foundation/dynamodb.tf',
    after: 'server_side_encryption {',
    find: 'enabled     = true',
    replace: 'enabled     = false',
    fails: ['SI-5'],
    atLine: true,
  },
  {
    name: 'PITR disabled',
    file: 'modules/foundation/dynamodb.tf',
    after: 'point_in_time_recovery {',
    find: 'enabled = true',
    replace: 'enabled = false',
    fails: ['SI-6'],
    atLine: true,
  },
  {
    name: 'egress opened to all ports',
    file: 'modules/foundation/network.tf',
    find: 'from_port         = 443',
    replace: 'from_port         = 0',
    fails: ['SI-1'],
    atLine: false,
  },
  {
    name: 'Lambda egress rule over all protocols',
    file: 'modules/foundation/network.tf',
    find: 'ip_protocol       = "tcp"',
    replace: 'ip_protocol       = "-1"',
    fails: ['SI-1'],
  },
  {
    name: 'CloudTrail bucket versioning suspended',
    file: 'modules/foundation/cloudtrail.tf',
    find: 'status = "Enabled"',
    replace: 'status = "Suspended"',
    fails: ['SI-8'],
  },
  {
    name: 'dashboard route without JWT',
    file: 'modules/foundation/api.tf',
    find: 'authorization_type = "JWT"',
    replace: 'authorization_type = "NONE"',
    fails: ['SI-11'],
  },
  {
    name: 'replay window of 10 minutes',
    file: 'modules/ingestion/main.tf',
    find: 'REPLAY_WINDOW_SECONDS = var.replay_window_seconds',
    replace: 'REPLAY_WINDOW_SECONDS = 600',
    fails: ['SI-10'],
    atLine: true,
  },
  {
    name: 'signature header not configured',
    file: 'modules/ingestion/main.tf',
    find: 'SIGNATURE_HEADER      = "X-Hub-Signature-256"',
    replace: 'SIGNATURE_HEADER      = "X-Signature"',
    fails: ['SI-9'],
    atLine: false,
  },
  {
    name: 'integration secrets rotated every 90 days',
    file: 'modules/actions/main.tf',
    find: 'automatically_after_days = var.secret_rotation_days',
    replace: 'automatically_after_days = 90',
    fails: ['SI-12'],
    atLine: true,
  },
  {
    name: 'action handler may read every secret',
    file: 'modules/actions/main.tf',
    find: 'resources = [aws_secretsmanager_secret.integration[each.key].arn]',
    replace: 'resources = ["*"]',
    fails: ['SI-13'],
    atLine: false,
  },
  {
    name: 'triage role without permission boundary',
    file: 'modules/triage/main.tf',
    find: 'permissions_boundary = var.permissions_boundary_arn',
    replace: 'permissions_boundary = null',
    fails: ['SI-3', 'SI-4'],
  },
  {
    name: 'Lambda without subnets',
    file: 'modules/triage/main.tf',
    find: 'subnet_ids         = var.private_subnet_ids',
    replace: 'subnet_ids         = []',
    fails: ['SI-2'],
  },
  {
    name: 'system prompt in the triage environment',
    file: 'modules/triage/main.tf',
    find: 'MODEL_ID               = var.bedrock_model_id',
    replace: 'MODEL_ID = var.bedrock_model_id\n      SYSTEM_PROMPT = "You are the ZTAIT triage engine. Classify every incident."',
    fails: ['SI-14'],
    lineOffset: 1,
  },
];

async function runCheck(dir: string): Promise<{
  code: number | null;
  json: { invariants: { id: string; status: string; findings: { file?: string; line?: number; status: string; message: string }[] }[] };
  stderr: string;
}> {
  const r = await runZtaitInProcess(['check', dir, '--format', 'json', '--no-color']);
  return { code: r.code, json: JSON.parse(r.stdout), stderr: r.stderr };
}

describe('the reference architecture under one-line mutations', () => {
  it('passes every rule as shipped, with no suppression', async () => {
    const r = await runCheck('terraform/examples/complete');
    expect(r.code, r.stderr).toBe(0);
    const notPass = r.json.invariants.filter((i) => i.status !== 'pass').map((i) => `${i.id} ${i.status}`);
    expect(notPass).toEqual([]);
    const text = readFileSync(join(ROOT, 'terraform/modules/foundation/dynamodb.tf'), 'utf8');
    expect(text).not.toMatch(/ztait:ignore/);
  });

  it.each(MUTATIONS)('$name fails exactly $fails', async (m) => {
    const work = mkdtempSync(join(tmpdir(), 'ztait-mut-'));
    cpSync(join(ROOT, 'terraform'), join(work, 'terraform'), { recursive: true });
    const target = join(work, 'terraform', m.file);
    const lines = readFileSync(target, 'utf8').split('\n');
    const start = m.after ? lines.findIndex((l) => l.includes(m.after!)) : 0;
    // whitespace-insensitive: `terraform fmt` re-aligns the `=` of neighbouring lines
    const norm = (x: string): string => x.trim().replace(/\s+/g, ' ');
    const idx = lines.findIndex((l, i) => i >= start && norm(l) === norm(m.find));
    expect(idx, `line "${m.find}" not found in ${m.file}`).toBeGreaterThanOrEqual(0);
    const indent = /^\s*/.exec(lines[idx]!)![0];
    lines[idx] = indent + m.replace.trim();
    writeFileSync(target, lines.join('\n'));

    const r = await runCheck(join(work, 'terraform/examples/complete'));
    expect(r.code).toBe(1);
    const failing = r.json.invariants.filter((i) => i.status === 'fail').map((i) => i.id);
    expect(failing).toEqual(m.fails);
    const errors = r.json.invariants.filter((i) => i.status === 'error').map((i) => i.id);
    expect(errors).toEqual([]);
    const first = r.json.invariants.find((i) => i.id === m.fails[0])!;
    const finding = first.findings.find((f) => f.status === 'fail')!;
    expect(finding.file).toContain(m.file);
    if (m.atLine !== false) expect(finding.line, finding.message).toBe(idx + 1 + (m.lineOffset ?? 0));
  });
});
