/**
 * The supported Node.js range (issue 18 item 4): package.json's engines.node, stated in the README,
 * holds for the running node, for every dependency ztait and its Lambda bundles run with (at the
 * range's lowest versions and at the running one), and for the development dependencies, except
 * those the README names as declaring a narrower range. Reads package-lock.json, which records each
 * package's engines; no install, no spawn.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../support/cli.js';

type Version = [number, number, number];

const parse = (text: string): Version => {
  const [major = 0, minor = 0, patch = 0] = text.replace(/^v/, '').split('.').map(Number);
  return [major, minor, patch];
};
const compare = (a: Version, b: Version): number => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];

/**
 * Whether `version` satisfies a node-semver `range` of the forms engines.node fields use:
 * alternatives joined by ||, each a conjunction of comparators (>=, >, <=, <, =, ^, ~ or a bare,
 * possibly partial, version; an operator may be followed by a space), or `*`.
 */
export function satisfies(version: string, range: string): boolean {
  const v = parse(version);
  return range.split('||').some((alternative) => {
    const comparators = [...alternative.matchAll(/(>=|<=|>|<|=|\^|~)?\s*(\*|\d+(?:\.\d+){0,2})/g)];
    if (comparators.length === 0) throw new Error(`unsupported range: ${range}`);
    return comparators.every(([, op = '', text]) => {
      if (text === '*') return true;
      const parts = text!.split('.').length;
      const bound = parse(text!);
      const c = compare(v, bound);
      // the first version past a partial or caret/tilde range: 20 -> 21.0.0, 20.19 -> 20.20.0, ^20.19.0 -> 21.0.0
      const next = (level: number): Version =>
        level === 0 ? [bound[0] + 1, 0, 0] : level === 1 ? [bound[0], bound[1] + 1, 0] : [bound[0], bound[1], bound[2] + 1];
      switch (op) {
        case '>=':
          return c >= 0;
        case '>':
          return parts === 3 ? c > 0 : compare(v, next(parts - 1)) >= 0;
        case '<=':
          return parts === 3 ? c <= 0 : compare(v, next(parts - 1)) < 0;
        case '<':
          return c < 0;
        case '^':
          return c >= 0 && compare(v, next(bound[0] > 0 || parts === 1 ? 0 : bound[1] > 0 || parts === 2 ? 1 : 2)) < 0;
        case '~':
          return c >= 0 && compare(v, next(parts === 1 ? 0 : 1)) < 0;
        default:
          return c >= 0 && compare(v, next(parts - 1)) < 0;
      }
    });
  });
}

/** The lowest version of each alternative of a range made of >=, ^ and ~ lower bounds (what engines.node says). */
const lowestVersions = (range: string): string[] =>
  range.split('||').map((alternative) => {
    const m = /(?:>=|\^|~)\s*(\d+(?:\.\d+){0,2})/.exec(alternative);
    if (!m) throw new Error(`engines.node alternative without a lower bound: ${alternative}`);
    return parse(m[1]!).join('.');
  });

const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { engines: { node: string } };
const lock = JSON.parse(readFileSync(join(REPO_ROOT, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { dev?: boolean; engines?: { node?: string } | string[] }>;
};
const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
const RANGE = pkg.engines.node;
/** The versions the checks below try: the lowest of the range and the running one. */
const PROBES = [...new Set([...lowestVersions(RANGE), process.versions.node])];

/** Development dependencies whose engines.node leaves out part of RANGE; the README names each. */
const NARROWER_DEV_DEPENDENCIES = ['markdownlint', 'markdownlint-cli2'];

/** Each locked package with an engines.node range: its name (the last node_modules/ segment), range and dev flag. */
const locked = Object.entries(lock.packages).flatMap(([path, entry]) => {
  const range = Array.isArray(entry.engines) ? undefined : entry.engines?.node;
  if (path === '' || range === undefined) return [];
  return [{ name: path.replace(/^.*node_modules\//, ''), range, dev: entry.dev === true }];
});

describe('the supported Node.js range', () => {
  it('is in package.json and the README, and the running node is in it', () => {
    expect(RANGE).toBe('>=20.19.0');
    expect(readme).toContain(`\`${RANGE}\``);
    expect(satisfies(process.versions.node, RANGE), `node ${process.versions.node} against ${RANGE}`).toBe(true);
  });

  it('is within what every runtime dependency supports (the CLI and the Lambda bundles)', () => {
    const runtime = locked.filter((p) => !p.dev);
    expect(runtime.length).toBeGreaterThan(20);
    const outside = runtime.flatMap((p) => PROBES.filter((v) => !satisfies(v, p.range)).map((v) => `${p.name} (${p.range}) at ${v}`));
    expect(outside).toEqual([]);
  });

  it('is within what the development dependencies support, except those the README names', () => {
    const outside = locked
      .filter((p) => p.dev && PROBES.some((v) => !satisfies(v, p.range)))
      .map((p) => p.name)
      .filter((name, i, all) => all.indexOf(name) === i);
    expect(outside.sort()).toEqual([...NARROWER_DEV_DEPENDENCIES].sort());
    for (const name of NARROWER_DEV_DEPENDENCIES) expect(readme).toContain(`\`${name}\``);
  });

  it('reads ranges as node-semver does', () => {
    const cases: [string, string, boolean][] = [
      ['20.20.2', '>=20.19.0', true],
      ['20.18.9', '>=20.19.0', false],
      ['20.20.2', '>=22', false],
      ['20.20.2', '>= 0.8.0', true],
      ['20.20.2', '^20.19.0 || >=22.12.0', true],
      ['22.11.0', '^20.19.0 || >=22.12.0', false],
      ['21.0.0', '^20.19.0', false],
      ['20.20.2', '18 || 20 || >=22', true],
      ['21.1.0', '18 || 20 || >=22', false],
      ['14.13.5', '^12.17.0 || ^14.13 || >=16.0.0', true],
      ['14.12.0', '^12.17.0 || ^14.13 || >=16.0.0', false],
      ['20.20.2', '*', true],
      ['8.16.2', '~8.16.0', true],
      ['8.17.0', '~8.16.0', false],
    ];
    for (const [version, range, expected] of cases) expect(satisfies(version, range), `${version} in ${range}`).toBe(expected);
    expect(lowestVersions('^20.19.0 || >=22.12')).toEqual(['20.19.0', '22.12.0']);
  });
});
