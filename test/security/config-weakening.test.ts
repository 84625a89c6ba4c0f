// Issue 15 B8: a repository's .ztait.yaml never weakens the gate silently, --config/--no-config let
// a CI job ignore it, and its `output:` stays inside its own directory.
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import fc from 'fast-check';
import { XMLParser } from 'fast-xml-parser';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { describeConfig, displayPath } from '../../src/config/weakenings.js';
import type { CheckResult, ConfigInfo } from '../../src/model/result.js';
import { render } from '../../src/report/index.js';
import { InputError } from '../../src/model/errors.js';
import { failingResult } from '../report/fixtures.js';
import { multitoolValidate, schemaErrors } from '../report/tools.js';
import { ensureBuilt, rootModule, runCli, tempDir, TABLE } from '../hardening/cli.js';

const WEAK = [
  'fail_on: critical',
  'skip_check: SI-8',
  'allow_errors: true',
  'soft_fail: true',
  'suppressions:',
  '  - id: SI-6',
  '    resource: "*"',
  '    reason: waived by the PR author',
  '',
].join('\n');

const KINDS = ['fail_on', 'skip_check', 'allow_errors', 'soft_fail', 'suppression'];

function configFile(text: string, name = '.ztait.yaml'): string {
  const dir = tempDir();
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

const stderrLines = (s: string): string[] => s.split('\n').filter((l) => l.trim() !== '');

describe('what a configuration file did to the gate (in process)', () => {
  it('lists each applied weakening with file and line; a key the command line overrides is not applied', () => {
    const file = configFile(WEAK);
    const cfg = loadConfig(file);
    const info = describeConfig({ failOn: 'low' }, cfg, 'found', join(file, '..'));
    expect(info.files).toEqual(['.ztait.yaml']);
    const byKind = new Map(info.weakenings.map((w) => [w.kind, w]));
    expect([...byKind.keys()].sort()).toEqual(['allow_errors', 'skip_check', 'soft_fail', 'suppression']);
    expect(byKind.get('skip_check')).toMatchObject({ source: 'config', file: '.ztait.yaml', line: 2 });
    expect(byKind.get('suppression')).toMatchObject({ line: 6 });
    expect(byKind.get('suppression')!.detail).toContain('waived by the PR author');
    // flags the CI job gave are reported too, as such
    const cli = describeConfig({ softFail: true, skipCheck: ['SI-1'] }, { suppressions: [], lines: {} }, 'disabled', '.');
    expect(cli.weakenings.map((w) => [w.kind, w.source])).toEqual([
      ['skip_check', 'command_line'],
      ['soft_fail', 'command_line'],
    ]);
    expect(cli.files).toEqual([]);
  });

  it('never shows an absolute host path for the configuration file', () => {
    const file = configFile('fail_on: high\n');
    const parentScan = join(file, '..', 'sub');
    expect(displayPath(file, parentScan)).toBe('../.ztait.yaml');
    expect(displayPath(join(process.cwd(), 'x', '.ztait.yaml'), '/elsewhere')).toBe('x/.ztait.yaml');
  });

  it('every format names the file and each weakening; SARIF stays valid 2.1.0', { timeout: 120_000 }, () => {
    const file = configFile(WEAK);
    const info: ConfigInfo = describeConfig({}, loadConfig(file), 'found', join(file, '..'));
    const result: CheckResult = { ...failingResult(), config: info };
    for (const format of ['text', 'json', 'sarif', 'markdown', 'junit'] as const) {
      const out = render(result, format, { color: false }).replace(/\\_/g, '_'); // markdown escapes _
      expect(out, format).toContain('.ztait.yaml');
      for (const k of KINDS) expect(out, `${format} names ${k}`).toContain(k);
      expect(out, format).toContain('waived by the PR author');
    }
    // text: shown with --quiet too, before the gate line (which stays last)
    const quiet = render(result, 'text', { color: false, quiet: true });
    expect(quiet).toContain('Config weakened the gate:');
    expect(quiet.trim().split('\n').pop()).toMatch(/^(PASSED|FAILED)/);
    const json = JSON.parse(render(result, 'json', { color: false }));
    // right after the verdict, before the inventory and the invariants
    expect(Object.keys(json).indexOf('config')).toBe(Object.keys(json).indexOf('inventory') - 1);
    expect(json.config.weakenings[0]).toEqual({
      kind: 'skip_check',
      detail: 'SI-8 not checked',
      source: 'config',
      file: '.ztait.yaml',
      line: 2,
    });
    const sarif = JSON.parse(render(result, 'sarif', { color: false }));
    expect(schemaErrors(sarif)).toEqual([]);
    expect(multitoolValidate(render(result, 'sarif', { color: false })).issues).toEqual([]);
    const notes = sarif.runs[0].invocations[0].toolExecutionNotifications as { descriptor: { id: string }; locations?: unknown[] }[];
    const weakened = notes.filter((n) => n.descriptor.id === 'ZTAIT-GATE-WEAKENED');
    expect(weakened).toHaveLength(info.weakenings.length);
    expect(weakened[0]!.locations).toBeDefined();
    expect(sarif.runs[0].properties.config.files).toEqual(['.ztait.yaml']);
    // JUnit: a suite of properties with no test case, so the counts stay those of the invariants
    const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(render(result, 'junit', { color: false }));
    const suites = xml.testsuites.testsuite as { name: string; tests: string }[];
    expect(suites.find((s) => s.name === 'ztait configuration')).toMatchObject({ tests: '0' });
  });

  it('a result without configuration renders as before (no config section)', () => {
    const out = render(failingResult(), 'text', { color: false });
    expect(out).not.toContain('Configuration');
    expect(JSON.parse(render(failingResult(), 'json', { color: false })).config).toBeUndefined();
  });

  it("output and baseline resolve only inside the configuration file's directory; the error names file:line, not the value", () => {
    for (const [text, line] of [
      ['output: /tmp/evil.sarif\n', 1],
      ['format: [text, sarif]\noutput:\n  - ok.txt\n  - ../evil-secret-value.sarif\n', 4],
      ['output: a/../../evil.sarif\n', 1],
      ['baseline: ../../etc/passwd\n', 1],
      ['baseline: /etc/passwd\n', 1],
    ] as const) {
      const file = configFile(text);
      let err: unknown;
      try {
        loadConfig(file);
      } catch (e) {
        err = e;
      }
      expect(err, text).toBeInstanceOf(InputError);
      const msg = (err as Error).message;
      expect(msg).toContain(`${file}:${line}:`);
      expect(msg).not.toMatch(/evil|passwd/);
    }
    const ok = loadConfig(configFile('output: [reports/, sub/r.sarif]\nformat: [text]\n'));
    expect(ok.output![0]!.endsWith(`reports${sep}`)).toBe(true);
    expect(ok.output![1]).toBe(resolve(ok.file!, '..', 'sub', 'r.sarif'));
  });

  it('a baseline that is a symlink out of the configuration directory is refused', () => {
    const outside = join(tempDir(), 'base.json');
    writeFileSync(outside, '{}');
    const file = configFile('baseline: b.json\n');
    symlinkSync(outside, join(file, '..', 'b.json'));
    expect(() => loadConfig(file)).toThrow(/:1: baseline must be a relative path inside/);
  });

  it('property: any output a config accepts lies inside its directory', () => {
    const dir = join(configFile(''), '..');
    const seg = fc.constantFrom('..', '.', 'a', 'b', '', '/', 'c.sarif', '~', '%2e%2e', '\\..');
    fc.assert(
      fc.property(fc.array(seg, { maxLength: 6 }), fc.boolean(), (parts, abs) => {
        const p = `${abs ? '/' : ''}${parts.join('/')}` || '.';
        const file = join(dir, '.ztait.yaml');
        writeFileSync(file, `output: ${JSON.stringify(p)}\n`);
        let out: string[] | undefined;
        try {
          out = loadConfig(file).output;
        } catch (e) {
          expect(e).toBeInstanceOf(InputError);
          return;
        }
        for (const o of out ?? []) expect(resolve(o).startsWith(`${resolve(dir)}`)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe('repository configuration through the built CLI', () => {
  beforeAll(ensureBuilt);

  it('a weakening .ztait.yaml is named in every format and on stderr', async () => {
    const dir = rootModule({ 'main.tf': TABLE.replace('enabled = true', 'enabled = false'), '.ztait.yaml': WEAK });
    const out = join(tempDir(), 'reports');
    mkdirSync(out);
    const run = await runCli(['check', dir, '--format', 'text,json,sarif,markdown,junit', '-o', out]);
    expect(run.code, run.stderr).toBe(0); // the config made it pass...
    const warn = stderrLines(run.stderr).filter((l) => /weakens the gate/.test(l));
    expect(warn).toHaveLength(1); // ...and says so, in the CI log too
    expect(warn[0]).toMatch(/^ztait: warning: the configuration file \.ztait\.yaml weakens the gate/);
    for (const ext of ['txt', 'json', 'sarif', 'md', 'xml']) {
      const text = readFileSync(join(out, `ztait.${ext}`), 'utf8').replace(/\\_/g, '_');
      expect(text, ext).toContain('.ztait.yaml');
      expect(text, ext).not.toContain(join(dir, '.ztait.yaml')); // no absolute host path for the config file
      for (const k of KINDS) expect(text, `${ext}: ${k}`).toContain(k);
    }
  });

  it("--no-config and --config FILE ignore the repository's files (here and in parents)", async () => {
    const parent = rootModule({ '.ztait.yaml': WEAK, 'mod/main.tf': TABLE.replace('enabled = true', 'enabled = false') });
    const dir = join(parent, 'mod');
    // outside a repository only the scanned directory is searched: the parent's file is not read
    const alone = await runCli(['check', dir, '--format', 'json']);
    expect(alone.code).toBe(1);
    expect(JSON.parse(alone.stdout).config).toBeUndefined();
    mkdirSync(join(parent, '.git'));
    const found = await runCli(['check', dir, '--format', 'json']);
    expect(found.code).toBe(0);
    expect(JSON.parse(found.stdout).config).toMatchObject({ mode: 'found', files: ['../.ztait.yaml'] });
    // a repository's file above the repository (its parent directory holds the other repo's .git) is never read
    const inner = join(dir, 'inner');
    mkdirSync(join(inner, '.git'), { recursive: true });
    writeFileSync(join(inner, 'main.tf'), TABLE.replace('enabled = true', 'enabled = false'));
    const nested = await runCli(['check', inner, '--format', 'json']);
    expect(nested.code).toBe(1);
    expect(JSON.parse(nested.stdout).config).toBeUndefined();

    const none = await runCli(['check', dir, '--format', 'json', '--no-config']);
    expect(none.code).toBe(1);
    expect(JSON.parse(none.stdout).config).toEqual({ mode: 'disabled', files: [], weakenings: [] });
    expect(none.stderr).not.toMatch(/weakens/);

    // a broken repository config would stop the run: with --config it is not even read
    writeFileSync(join(dir, '.ztait.yaml'), 'bogus: 1\n');
    const trusted = configFile('check: SI-6\n', 'trusted.yaml');
    const run = await runCli(['check', dir, '--format', 'json', '--config', trusted]);
    expect(run.code, run.stderr).toBe(1);
    const cfg = JSON.parse(run.stdout).config;
    expect(cfg.mode).toBe('explicit');
    expect(cfg.files[0]).toMatch(/trusted\.yaml$/);
    expect(cfg.files[0].startsWith('/')).toBe(false);
  });

  it('a config output outside its directory or through a symlink: one line, exit 2, nothing written outside', async () => {
    const outside = join(tempDir(), 'victim.sarif');
    writeFileSync(outside, 'MARKER');
    const escape = rootModule({ 'main.tf': TABLE, '.ztait.yaml': `output: ../${'x'.repeat(3)}.sarif\n` });
    const a = await runCli(['check', escape]);
    expect(a.code).toBe(2);
    expect(stderrLines(a.stderr)).toEqual([expect.stringMatching(/^ztait: .*\.ztait\.yaml:1: output must be a relative path inside/)]);
    expect(a.stderr).not.toContain('xxx');

    const linked = rootModule({ 'main.tf': TABLE, '.ztait.yaml': 'output: reports/r.sarif\n' });
    symlinkSync(join(outside, '..'), join(linked, 'reports'));
    const b = await runCli(['check', linked]);
    expect(b.code).toBe(2);
    expect(stderrLines(b.stderr)).toEqual([
      expect.stringMatching(/^ztait: refusing to write report .*r\.sarif: .*reports is a symbolic link/),
    ]);
    expect(readFileSync(outside, 'utf8')).toBe('MARKER');
    expect(existsSync(join(outside, '..', 'r.sarif'))).toBe(false);
  });
});
