import type * as Sarif from 'sarif';
import type { CheckResult, Finding, InvariantResult, Severity, Suppression, TraceStep } from '../model/result.js';
import type { RuleMeta } from '../rules/catalog/metadata.js';
import { accountRegion, gateVerdict, metaFor, weakenedBy } from './common.js';
import { canonicalResult } from './json.js';
import { relative, resolve } from 'node:path';

export const SARIF_SCHEMA_URI = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';
export const INFORMATION_URI = 'https://github.com/ztait/ztait';
export const FINGERPRINT_KEY = 'ztaitFinding/v1';
export const SRCROOT = '%SRCROOT%';
/** What `%SRCROOT%` stands for; its absolute path is never written (the log may be public). */
const SRCROOT_REPOSITORY =
  'The repository root: the git top level above the working directory of the run, or the directory given with --sarif-root. Every artifact URI is relative to it; a file outside it has no physical location.';
const SRCROOT_CWD = 'The working directory of the run; every artifact URI is relative to it.';

/** Notifications the tool itself can raise (not rule results). */
const NOTIFICATIONS = [
  { id: 'ZTAIT-INPUT', name: 'InputProblem', text: 'An input could not be read or evaluated completely.' },
  { id: 'ZTAIT-UNDECIDABLE', name: 'UndecidableInvariant', text: 'An invariant could not be decided: its verdict is error, never pass.' },
  { id: 'ZTAIT-LIMITATION', name: 'Limitation', text: 'Something the run could not check, and why.' },
  {
    id: 'ZTAIT-GATE-WEAKENED',
    name: 'GateWeakened',
    text: 'A setting of the configuration file or the command line lets the run pass more easily.',
  },
] as const;
type NotificationId = (typeof NOTIFICATIONS)[number]['id'];

const DEFAULT_LEVEL: Record<Severity, Sarif.ReportingConfiguration.level> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
};
const SECURITY_SEVERITY: Record<Severity, string> = { critical: '9.0', high: '7.5', medium: '5.0', low: '3.0' };

/** SARIF messages are sentences: they end with a period (multitool SARIF2001). */
function sentence(text: string): string {
  const t = text.trim();
  return /[.!?]$/.test(t) ? t : `${t}.`;
}

/**
 * Strict PascalCase (multitool SARIF2012): acronyms become words and articles go, so
 * `Lambda egress only HTTPS (443)` -> `LambdaEgressOnlyHttps443`, `DynamoDB` -> `DynamoDb`.
 */
export function pascalName(title: string): string {
  return title
    .split(/[^A-Za-z0-9]+/)
    .filter((w) => w && !/^(a|an|the)$/i.test(w))
    .map((w) => {
      const word = w.replace(/[A-Z]{2,}/g, (run) => run[0] + run.slice(1).toLowerCase());
      return word[0]!.toUpperCase() + word.slice(1);
    })
    .join('');
}

/**
 * Where artifact URIs start (`%SRCROOT%`): `root`, the repository root the CLI found (the git top
 * level above the working directory, or `--sarif-root`), and `cwd`, the directory the result's
 * relative paths start from. Both absolute; neither is ever written into the log.
 */
export interface UriBase {
  root: string;
  cwd: string;
}

/**
 * A URI reference for a file, relative to `base.root` (or, without a base, the file's own relative
 * path), or undefined for a file outside that root: an absolute runner path is never emitted, so
 * such a file gets no physical location.
 */
export function relativeUri(file: string, base?: UriBase): string | undefined {
  let p = file.replace(/\\/g, '/');
  if (base && !/^[a-z][a-z0-9+.-]*:/i.test(p)) {
    p = relative(base.root, resolve(base.cwd, file)).replace(/\\/g, '/');
    if (p === '' || p === '..' || p.startsWith('../')) return undefined;
  }
  if (p.startsWith('/') || /^[A-Za-z]:\//.test(p) || /^[a-z][a-z0-9+.-]*:/i.test(p)) return undefined;
  return p
    .replace(/^\.\//, '')
    .split('/')
    .map((seg) => encodeURIComponent(seg))
    .join('/');
}

function plainText(markdown: string): string {
  return markdown.replace(/`([^`]*)`/g, '$1');
}

function ruleDescriptor(inv: InvariantResult, meta: RuleMeta | undefined): Sarif.ReportingDescriptor {
  const severity = meta?.severity ?? inv.severity;
  const stride = meta ? meta.stride.map((s) => s.name) : inv.stride;
  const nist = meta?.nist ?? inv.nist;
  const remediation = meta?.remediation ?? 'No remediation is recorded for this rule.';
  const help = meta?.references.find((u) => !u.includes('csrc.nist.gov')) ?? meta?.references[0] ?? INFORMATION_URI;
  return {
    id: inv.id,
    name: pascalName(meta?.title ?? inv.title),
    shortDescription: { text: sentence(meta?.title ?? inv.title) },
    fullDescription: { text: sentence(meta?.statement ?? inv.title) },
    help: { text: plainText(remediation), markdown: remediation },
    helpUri: help,
    defaultConfiguration: { level: DEFAULT_LEVEL[severity] },
    properties: {
      // SARIF requires unique tags: a rule may list a STRIDE threat or tenet twice
      tags: [...new Set(['security', ...stride, ...nist.map((n) => `NIST-800-207-tenet-${n}`)])],
      'security-severity': meta?.security_severity ?? SECURITY_SEVERITY[severity],
      precision: meta?.precision ?? 'medium',
    },
  };
}

function region(x: { line?: number; end_line?: number; column?: number; end_column?: number }): Sarif.Region | undefined {
  if (!x.line || x.line < 1) return undefined;
  const r: Sarif.Region = { startLine: x.line };
  const endLine = x.end_line && x.end_line >= x.line ? x.end_line : x.line;
  r.endLine = endLine;
  if (x.column && x.column >= 1) {
    r.startColumn = x.column;
    const endOk = x.end_column && x.end_column >= 1 && (endLine > x.line || x.end_column > x.column);
    if (endOk) r.endColumn = x.end_column;
  }
  return r;
}

/** The run's artifacts by URI, and where URIs start. */
interface Artifacts {
  index: Map<string, number>;
  base: UriBase | undefined;
}

function physical(file: string | undefined, at: Parameters<typeof region>[0], artifacts: Artifacts): Sarif.Location | undefined {
  const uri = file ? relativeUri(file, artifacts.base) : undefined;
  if (!uri) return undefined;
  const artifactLocation: Sarif.ArtifactLocation = { uri, uriBaseId: SRCROOT };
  const index = artifacts.index.get(uri);
  if (index !== undefined) artifactLocation.index = index;
  const reg = region(at);
  return { physicalLocation: { artifactLocation, ...(reg ? { region: reg } : {}) } };
}

function findingLocations(f: Finding, artifacts: Artifacts): Sarif.Location[] {
  const loc = physical(f.file, f, artifacts) ?? {};
  // Live findings (and static ones without a file) are located by ARN or address; a fleet's by account and region too.
  loc.logicalLocations = [{ fullyQualifiedName: f.arn ?? f.resource, kind: 'resource' }, ...accountLocation(f)];
  return [loc];
}

/** A fleet run's account x region as a logical location (`111122223333/us-east-1`, kind module). */
function accountLocation(x: { account?: string; region?: string }): Sarif.LogicalLocation[] {
  return x.account ? [{ fullyQualifiedName: accountRegion(x), kind: 'module' }] : [];
}

function suppressionOf(s: Suppression | undefined, artifacts: Artifacts): Sarif.Suppression[] {
  const justification = s?.reason ?? 'suppressed';
  const expires = s?.expires ? ` (expires ${s.expires})` : '';
  const sup: Sarif.Suppression = { kind: s?.kind ?? 'external', status: 'accepted', justification: `${justification}${expires}` };
  const where = s?.file ? physical(s.file, { line: s.line }, artifacts) : undefined;
  if (where) sup.location = where;
  return [sup];
}

function findingResult(inv: InvariantResult, ruleIndex: number, f: Finding, artifacts: Artifacts): Sarif.Result {
  const result: Sarif.Result = {
    ruleId: inv.id,
    ruleIndex,
    kind: 'fail',
    level: f.status === 'error' ? 'warning' : 'error',
    message: { text: sentence(`${f.resource}: ${f.status === 'error' ? 'could not be decided: ' : ''}${f.message}`) },
    locations: findingLocations(f, artifacts),
    partialFingerprints: { [FINGERPRINT_KEY]: f.fingerprint },
    // several root modules in one run, or a fleet's account x region: the system the result belongs to
    ...(f.root
      ? { properties: { root: f.root, ...(f.account ? { account: f.account } : {}), ...(f.region ? { region: f.region } : {}) } }
      : {}),
  };
  if (f.status === 'suppressed') result.suppressions = suppressionOf(f.suppression, artifacts);
  if (f.baseline) result.baselineState = f.baseline;
  Object.assign(result, traceOf(f, artifacts));
  return result;
}

/**
 * The finding's trace (where its value was written) as GitHub code scanning shows it: related
 * locations, and one thread flow from the finding's place to the origin.
 */
function traceOf(f: Finding, artifacts: Artifacts): Pick<Sarif.Result, 'relatedLocations' | 'codeFlows'> {
  const steps = (f.trace ?? [])
    .map((t) => ({ t, loc: physical(t.file, t, artifacts) }))
    .filter((x): x is { t: TraceStep; loc: Sarif.Location } => x.loc !== undefined);
  if (steps.length === 0) return {};
  const relatedLocations = steps.map(({ t, loc }, i) => ({ ...loc, id: i + 1, message: { text: t.what } }));
  const use = physical(f.file, f, artifacts);
  const flow: Sarif.ThreadFlowLocation[] = [
    ...(use ? [{ location: { ...use, message: { text: `${f.resource}: the value is used here` } } }] : []),
    ...steps.map(({ t, loc }) => ({ location: { ...loc, message: { text: t.what } } })),
  ];
  return { relatedLocations, codeFlows: [{ message: { text: 'where the value was written' }, threadFlows: [{ locations: flow }] }] };
}

/** An invariant that failed without a finding (should not happen) still yields a result. */
function bareFailure(inv: InvariantResult, ruleIndex: number): Sarif.Result {
  return {
    ruleId: inv.id,
    ruleIndex,
    kind: 'fail',
    level: 'error',
    message: { text: sentence(`${inv.id} failed${inv.reason ? `: ${inv.reason}` : ''}`) },
    partialFingerprints: { [FINGERPRINT_KEY]: `${inv.id}:invariant` },
  };
}

function notification(
  id: NotificationId,
  level: Sarif.Notification.level,
  text: string,
  extra: Partial<Sarif.Notification> = {},
): Sarif.Notification {
  const index = NOTIFICATIONS.findIndex((n) => n.id === id);
  return { descriptor: { id, index }, level, message: { text: sentence(text) }, ...extra };
}

function invocation(result: CheckResult, artifacts: Artifacts): Sarif.Invocation {
  const notes: Sarif.Notification[] = [];
  // first: a code-scanning reader must see that the gate was weakened, and by which file and line
  for (const w of result.config?.weakenings ?? []) {
    const loc = w.file && !w.file.startsWith('../') ? physical(w.file, { line: w.line }, artifacts) : undefined;
    notes.push(
      notification('ZTAIT-GATE-WEAKENED', 'warning', `${w.kind} set by ${weakenedBy(w)}: ${w.detail}`, loc ? { locations: [loc] } : {}),
    );
  }
  for (const d of result.diagnostics) {
    const loc = physical(d.file, { line: d.line, column: d.column }, artifacts);
    notes.push(notification('ZTAIT-INPUT', d.severity, d.message, loc ? { locations: [loc] } : {}));
  }
  result.invariants.forEach((inv, index) => {
    if (inv.status !== 'error') return;
    // SARIF wants a notification's locations unique: two undecidable findings may share a place
    const places = inv.findings
      .filter((f) => f.status === 'error')
      .map((f) => physical(f.file, f, artifacts))
      .filter((l): l is Sarif.Location => !!l);
    // a fleet's accounts x regions where it is undecided without a finding (not read at all)
    for (const sys of result.systems ?? []) {
      const own = sys.invariants.find((i) => i.id === inv.id);
      if (own?.status === 'error' && own.findings === 0 && sys.account) places.push({ logicalLocations: accountLocation(sys) });
    }
    const located = [...new Map(places.map((l) => [JSON.stringify(l), l])).values()];
    notes.push(
      notification('ZTAIT-UNDECIDABLE', 'error', `${inv.id} could not be decided: ${inv.reason ?? 'see its error results'}`, {
        associatedRule: { id: inv.id, index },
        ...(located.length ? { locations: located } : {}),
      }),
    );
  });
  for (const l of result.limitations) notes.push(notification('ZTAIT-LIMITATION', 'note', l));
  const failedToRun = result.diagnostics.some((d) => d.severity === 'error') || result.invariants.some((i) => i.status === 'error');
  return {
    executionSuccessful: !failedToRun,
    endTimeUtc: result.generated_at,
    ...(notes.length ? { toolExecutionNotifications: notes } : {}),
  };
}

/**
 * SARIF 2.1.0 for code scanning: one rule per invariant in the result, one result per finding
 * (suppressed ones carry `suppressions`), parse problems and undecidable invariants as
 * `toolExecutionNotifications`. Only URIs relative to `%SRCROOT%` (`base.root`; without a base,
 * the working directory); sorted, so the same result gives the same bytes.
 */
export function renderSarif(result: CheckResult, base?: UriBase): string {
  const inputs = [...result.source.inputs]
    .map((i) => ({ uri: relativeUri(i.path, base), sha256: i.sha256 }))
    .filter((i): i is { uri: string; sha256: string } => !!i.uri)
    .sort((a, b) => (a.uri < b.uri ? -1 : a.uri > b.uri ? 1 : 0))
    // one artifact per file: SARIF wants artifact locations unique
    .filter((i, n, all) => n === 0 || all[n - 1]!.uri !== i.uri);
  const artifactIndex: Artifacts = { index: new Map(inputs.map((i, n) => [i.uri, n])), base };
  const rules = result.invariants.map((inv) => ruleDescriptor(inv, metaFor(inv)));
  const results: Sarif.Result[] = [];
  result.invariants.forEach((inv, ruleIndex) => {
    const found = inv.findings.map((f) => findingResult(inv, ruleIndex, f, artifactIndex));
    if (found.length === 0 && inv.status === 'fail') found.push(bareFailure(inv, ruleIndex));
    results.push(...found);
  });
  // Baselined findings that are gone: reported as `absent`, so code scanning closes their alerts.
  for (const gone of [...(result.baseline?.absent ?? [])].sort((a, b) => a.fingerprint.localeCompare(b.fingerprint))) {
    const ruleIndex = result.invariants.findIndex((i) => i.id === gone.id);
    if (ruleIndex < 0) continue;
    results.push({
      ruleId: gone.id,
      ruleIndex,
      kind: 'pass',
      level: 'none',
      message: { text: sentence(`${gone.resource}: fixed since the baseline: ${gone.message}`) },
      locations: [{ logicalLocations: [{ fullyQualifiedName: gone.resource, kind: 'resource' }] }],
      partialFingerprints: { [FINGERPRINT_KEY]: gone.fingerprint },
      baselineState: 'absent',
    });
  }
  const gate = gateVerdict(result);
  const canonical = canonicalResult(result) as { source: { account?: object }; summary: object; config?: object; fleet?: object };
  const run: Sarif.Run = {
    tool: {
      driver: {
        name: 'ztait',
        version: result.tool.version,
        semanticVersion: result.tool.version,
        informationUri: INFORMATION_URI,
        rules,
        notifications: NOTIFICATIONS.map((n) => ({ id: n.id, name: n.name, shortDescription: { text: n.text } })),
      },
    },
    invocations: [invocation(result, artifactIndex)],
    originalUriBaseIds: { [SRCROOT]: { description: { text: base ? SRCROOT_REPOSITORY : SRCROOT_CWD } } },
    ...(inputs.length
      ? {
          artifacts: inputs.map((i) => ({
            location: { uri: i.uri, uriBaseId: SRCROOT },
            hashes: { 'sha-256': i.sha256 },
            roles: ['analysisTarget' as const],
          })),
        }
      : {}),
    results,
    columnKind: 'unicodeCodePoints',
    properties: {
      source: result.source.kind,
      ...(result.source.account ? { account: canonical.source.account } : {}),
      gate: gate.line,
      summary: canonical.summary,
      ...(canonical.config ? { config: canonical.config } : {}),
      // a fleet run: the accounts swept and, per invariant, the accounts passing, failing, in error
      ...(canonical.fleet ? { fleet: canonical.fleet } : {}),
    },
  };
  const log: Sarif.Log = { $schema: SARIF_SCHEMA_URI, version: '2.1.0', runs: [run] };
  return `${JSON.stringify(log, null, 2)}\n`;
}
