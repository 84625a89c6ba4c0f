import type * as Sarif from 'sarif';
import { INFORMATION_URI, SARIF_SCHEMA_URI, SRCROOT, relativeUri, type UriBase } from '../../report/sarif.js';
import type { DriftItem, DriftKind, DriftResult } from '../model.js';
import { KIND_TITLE, impactText, itemTitle } from './common.js';

const FINGERPRINT_KEY = 'ztaitDrift/v1';

const RULES: { kind: DriftKind; id: string; name: string; text: string }[] = [
  {
    kind: 'changed',
    id: 'ZTAIT-DRIFT-CHANGED',
    name: 'ChangedOutsideCode',
    text: 'An invariant-relevant attribute differs between the code and the account.',
  },
  {
    kind: 'unmanaged',
    id: 'ZTAIT-DRIFT-UNMANAGED',
    name: 'UnmanagedResource',
    text: 'A resource in the governed scope of the account is absent from the code.',
  },
  { kind: 'missing', id: 'ZTAIT-DRIFT-MISSING', name: 'MissingResource', text: 'A resource of the code is absent from the account.' },
  {
    kind: 'ambiguous',
    id: 'ZTAIT-DRIFT-AMBIGUOUS',
    name: 'AmbiguousMatch',
    text: 'Several resources of the account fit a resource of the code: not guessed.',
  },
  {
    kind: 'unreadable',
    id: 'ZTAIT-DRIFT-UNREADABLE',
    name: 'UnreadableInAccount',
    text: 'Part of the account could not be read, so drift there is undecided.',
  },
];

const sentence = (t: string): string => (/[.!?]$/.test(t.trim()) ? t.trim() : `${t.trim()}.`);

function message(i: DriftItem): string {
  const values = i.kind === 'changed' ? `: ${i.expected ?? ''} in the code, ${i.actual ?? ''} in the account` : '';
  const impacts = i.invariants.length ? `; ${i.invariants.map(impactText).join('; ')}` : '';
  return sentence(`${i.alarming ? 'ALARMING: ' : ''}${itemTitle(i)}${values}${impacts}`);
}

function result(i: DriftItem, base: UriBase | undefined): Sarif.Result {
  const ruleIndex = RULES.findIndex((r) => r.kind === i.kind);
  const uri = i.file ? relativeUri(i.file, base) : undefined;
  const location: Sarif.Location = {
    ...(uri
      ? {
          physicalLocation: {
            artifactLocation: { uri, uriBaseId: SRCROOT },
            ...(i.line ? { region: { startLine: i.line, endLine: Math.max(i.line, i.end_line ?? i.line) } } : {}),
          },
        }
      : {}),
    logicalLocations: [{ fullyQualifiedName: i.arn ?? i.live_address ?? i.address ?? i.name, kind: 'resource' }],
  };
  return {
    ruleId: RULES[ruleIndex]!.id,
    ruleIndex,
    kind: 'fail',
    level: i.invariants.length > 0 ? 'error' : 'warning',
    message: { text: message(i) },
    locations: [location],
    partialFingerprints: { [FINGERPRINT_KEY]: i.fingerprint },
    properties: { invariants: i.invariants.map((x) => `${x.invariant}:${x.effect}`), ...(i.detail ? { detail: i.detail } : {}) },
  };
}

/** SARIF 2.1.0: one rule per kind of drift, one result per item, at its place in the code when it has one. */
export function renderDriftSarif(r: DriftResult, base?: UriBase): string {
  const log: Sarif.Log = {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'ztait',
            version: r.tool.version,
            semanticVersion: r.tool.version,
            informationUri: INFORMATION_URI,
            rules: RULES.map((x) => ({
              id: x.id,
              name: x.name,
              shortDescription: { text: KIND_TITLE[x.kind].replace(/ \(.*\)$/, '') + '.' },
              fullDescription: { text: x.text },
              help: { text: 'See docs/drift.md: how to read a drift report and what to do about each kind.' },
              defaultConfiguration: { level: 'warning' as const },
              properties: { tags: ['security', 'drift'] },
            })),
          },
        },
        invocations: [
          {
            executionSuccessful: r.summary.unreadable === 0,
            endTimeUtc: r.generated_at,
            ...(r.limitations.length
              ? { toolExecutionNotifications: r.limitations.map((l) => ({ level: 'note' as const, message: { text: sentence(l) } })) }
              : {}),
          },
        ],
        originalUriBaseIds: { [SRCROOT]: { description: { text: 'The directory the code paths of the report are relative to.' } } },
        results: r.items.map((i) => result(i, base)),
        columnKind: 'unicodeCodePoints',
        properties: {
          summary: r.summary,
          outcome: r.outcome,
          verdicts: r.verdicts.map((v) => ({ id: v.id, code: v.code, account: v.account })),
          ...(r.account.id ? { account: r.account.id } : {}),
          ...(r.account.region ? { region: r.account.region } : {}),
        },
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
