import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The packages the Terraform modules deploy: built twice into temporary directories (never into
 * lambda/build), byte-identical, one index.mjs each, and each bundle starts (or refuses to start)
 * as its configuration says. Needs `unzip` to look inside the zips; those checks skip without it.
 */

const repo = resolve(import.meta.dirname, '..', '..');
const PACKAGES = ['webhook-receiver', 'triage-engine', 'action-handler', 'config-manager'];
const haveUnzip = spawnSync('unzip', ['-v']).status === 0;

const dirs: string[] = [];
const outputs: string[] = [];

function buildInto(dir: string): string {
  return execFileSync(process.execPath, [join(repo, 'lambda', 'build.mjs'), '--out-dir', dir], { cwd: tmpdir(), encoding: 'utf8' });
}

beforeAll(() => {
  for (let k = 0; k < 2; k++) {
    const dir = mkdtempSync(join(tmpdir(), 'ztait-lambda-build-'));
    dirs.push(dir);
    outputs.push(buildInto(dir));
  }
}, 120_000);

afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const sha = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');

describe('lambda packages', () => {
  it("are reproducible: two builds give identical zips, and the printed sha256 is the file's", () => {
    for (const name of PACKAGES) {
      const [a, b] = dirs.map((d) => sha(join(d, `${name}.zip`)));
      expect(a, name).toBe(b);
      expect(outputs[0]).toContain(`${a}  `);
      expect(outputs[0]).toMatch(new RegExp(`${a}  \\S*${name}\\.zip`));
    }
    const hashes = (out: string) =>
      out
        .trim()
        .split('\n')
        .map((line) => line.split(/\s+/)[0]);
    expect(hashes(outputs[0]!)).toHaveLength(PACKAGES.length);
    expect(hashes(outputs[0]!)).toEqual(hashes(outputs[1]!));
  });

  it.skipIf(!haveUnzip)('hold a single index.mjs with a fixed timestamp', () => {
    for (const name of PACKAGES) {
      const listing = execFileSync('unzip', ['-Z1', join(dirs[0]!, `${name}.zip`)], { encoding: 'utf8' });
      expect(listing.trim()).toBe('index.mjs');
      expect(execFileSync('unzip', ['-l', join(dirs[0]!, `${name}.zip`)], { encoding: 'utf8' })).toContain('1980-01-01 00:00');
    }
  });

  describe.skipIf(!haveUnzip)('bundles start as configured', () => {
    const tables = {
      INCIDENTS_TABLE: 'i',
      AUDIT_TABLE: 'a',
      POLICIES_TABLE: 'p',
      SOURCES_TABLE: 's',
      SETTINGS_TABLE: 'st',
      ESCALATION_RULES_TABLE: 'e',
      EVENT_BUS: 'b',
      DEDUP_TABLE: 'd',
    };
    const maturity = {
      MATURITY_LEVEL: '2',
      ACTION_EXECUTION_ENABLED: 'true',
      GATING_REQUIRED_P1_P2: 'true',
      GATING_REQUIRED_P3_P4: 'false',
      DISPLAY_RECOMMENDATIONS: 'true',
      AUTO_REGRESSION_ENABLED: 'true',
      ACCURACY_THRESHOLD: '0.90',
      MIN_CONFIDENCE_AUTO: '0.85',
    };
    const secret = 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:ztait-x';
    const ENV: Record<string, Record<string, string>> = {
      'webhook-receiver': { WEBHOOK_SECRET_ARNS: JSON.stringify({ github: secret }), REPLAY_WINDOW_SECONDS: '300' },
      'triage-engine': { MODEL_ID: 'm', GUARDRAIL_ID: 'g', GUARDRAIL_VERSION: '1' },
      'action-handler': {
        INTEGRATION: 'slack',
        INTEGRATION_SECRET_ARN: secret,
        INTEGRATION_ENDPOINT_URL: 'https://slack.com/api/chat.postMessage',
        FALLBACK_QUEUE_URL: 'q',
      },
      'config-manager': { SECRET_NAME_PREFIX: 'ztait-' },
    };

    function start(name: string, extra: Record<string, string>): { status: number | null; out: string } {
      const file = join(dirs[0]!, `${name}.mjs`);
      writeFileSync(file, execFileSync('unzip', ['-p', join(dirs[0]!, `${name}.zip`), 'index.mjs']));
      const r = spawnSync(
        process.execPath,
        ['-e', `import(${JSON.stringify(`file://${file}`)}).then((m) => console.log('handler:' + typeof m.handler))`],
        {
          env: { PATH: process.env.PATH ?? '', AWS_REGION: 'eu-west-1', ...tables, ...maturity, ...extra },
          encoding: 'utf8',
        },
      );
      return { status: r.status, out: `${r.stdout}${r.stderr}` };
    }

    it.each(PACKAGES)('%s exports its handler', (name) => {
      const r = start(name, ENV[name]!);
      expect(r.out).toContain('handler:function');
      expect(r.status).toBe(0);
    });

    it('the webhook receiver refuses to start with a replay window above 300 s', () => {
      const r = start('webhook-receiver', { ...ENV['webhook-receiver']!, REPLAY_WINDOW_SECONDS: '301' });
      expect(r.status).not.toBe(0);
      expect(r.out).toMatch(/exceeds the 300 s maximum/);
    });

    it('the triage engine refuses to start without a guardrail', () => {
      const r = start('triage-engine', { MODEL_ID: 'm' });
      expect(r.status).not.toBe(0);
      expect(r.out).toMatch(/GUARDRAIL_ID/);
    });
  });
});
