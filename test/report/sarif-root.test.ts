// Issue 18 item 7: SARIF artifact URIs are relative to the repository root, so the docs' workflow
// (`working-directory: infra`) yields URIs code scanning can place. Through the CLI in process,
// from infra/ of a temporary repository laid out like the one docs/ci.md describes.
import type * as Sarif from 'sarif';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { relativeUri } from '../../src/report/sarif.js';
import { runZtaitInProcess } from '../cli/helpers.js';

const TABLE = (name: string) => `resource "aws_dynamodb_table" "${name}" {
  name         = "ztait-${name}"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "pk"
  attribute {
    name = "pk"
    type = "S"
  }
}
`;

let repo: string;

function write(rel: string, text: string): void {
  mkdirSync(dirname(join(repo, rel)), { recursive: true });
  writeFileSync(join(repo, rel), text);
}

/** Every artifact URI of a log: the artifacts, and the physical locations of results and notifications. */
function uris(log: Sarif.Log): { artifacts: string[]; located: string[] } {
  const run = log.runs[0]!;
  const located = [
    ...(run.results ?? []).flatMap((r) => r.locations ?? []),
    ...(run.invocations ?? []).flatMap((i) => i.toolExecutionNotifications ?? []).flatMap((n) => n.locations ?? []),
  ].flatMap((l) => (l.physicalLocation?.artifactLocation ? [l.physicalLocation.artifactLocation.uri!] : []));
  return { artifacts: (run.artifacts ?? []).map((a) => a.location!.uri!), located: [...new Set(located)].sort() };
}

beforeAll(() => {
  repo = mkdtempSync(join(tmpdir(), 'ztait-sarif-root-'));
  mkdirSync(join(repo, '.git'));
  write('infra/main.tf', `module "data" {\n  source = "../modules/data"\n}\n${TABLE('infra')}`);
  write('modules/data/main.tf', TABLE('data'));
});
afterAll(() => rmSync(repo, { recursive: true, force: true }));

describe('SARIF URIs start at the repository root (issue 18 item 7)', () => {
  it('run from infra/ as in docs/ci.md: infra/ and the module outside it are placed, no runner path is written', async () => {
    const run = await runZtaitInProcess(['check', '.', '--format', 'sarif', '-o', 'ztait.sarif', '--format', 'text'], {
      cwd: join(repo, 'infra'),
    });
    expect(run.code).toBe(1);
    const text = readFileSync(join(repo, 'infra', 'ztait.sarif'), 'utf8');
    const log = JSON.parse(text) as Sarif.Log;
    expect(uris(log)).toEqual({ artifacts: ['infra/main.tf', 'modules/data/main.tf'], located: ['infra/main.tf', 'modules/data/main.tf'] });
    expect(log.runs[0]!.originalUriBaseIds!['%SRCROOT%']!.description!.text).toMatch(/^The repository root: the git top level/);
    expect(text).not.toContain(repo);
    expect(run.stderr).not.toContain('SARIF root');
  });

  it('--sarif-root: a file outside it gets no physical location (never an absolute URI), and stderr says so', async () => {
    const run = await runZtaitInProcess(['check', '.', '-f', 'sarif', '--sarif-root', '.'], { cwd: join(repo, 'infra') });
    const log = JSON.parse(run.stdout) as Sarif.Log;
    expect(uris(log)).toEqual({ artifacts: ['main.tf'], located: ['main.tf'] });
    const data = log.runs[0]!.results!.find((r) => r.message.text!.includes('ztait-data'))!;
    expect(data.locations).toEqual([
      { logicalLocations: [{ fullyQualifiedName: 'module.data.aws_dynamodb_table.data', kind: 'resource' }] },
    ]);
    expect(run.stdout).not.toContain(repo);
    expect(run.stderr).toContain(
      'ztait: note: 1 file(s) lie outside the SARIF root .: their findings have no file location in the SARIF report (--sarif-root DIR widens it)\n',
    );
    const missing = await runZtaitInProcess(['check', '.', '-f', 'sarif', '--sarif-root', 'nowhere'], { cwd: join(repo, 'infra') });
    expect([missing.code, missing.stderr]).toEqual([2, 'ztait: --sarif-root nowhere: not a directory\n']);
  });

  it('relativeUri maps a path relative to the working directory onto the root, and refuses one outside it', () => {
    const base = { root: '/r', cwd: '/r/infra' };
    expect(relativeUri('main.tf', base)).toBe('infra/main.tf');
    expect(relativeUri('../modules/a b/main.tf', base)).toBe('modules/a%20b/main.tf');
    expect(relativeUri('/r/modules/x.tf', base)).toBe('modules/x.tf');
    expect(relativeUri('../../elsewhere/x.tf', base)).toBeUndefined();
    expect(relativeUri('/etc/x.tf', base)).toBeUndefined();
    expect(relativeUri('/r..x/x.tf', base)).toBeUndefined();
    expect(relativeUri('main.tf')).toBe('main.tf');
  });
});
