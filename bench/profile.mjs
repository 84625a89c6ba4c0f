#!/usr/bin/env node
/**
 * Summarises a V8 .cpuprofile (node --cpu-prof): self time per function and per phase, where a
 * phase is decided by the function or its source file (hcl2json file parsing, expression parsing,
 * evaluation, rules, rendering...). Inclusive time per phase is computed from the sampled stacks,
 * so "evaluation" includes the functions evaluation calls, and "hcl2json file parsing" the WASM
 * work under parseHclFile (self time puts all WASM under "hcl2json WASM").
 *
 *   node bench/profile.mjs FILE.cpuprofile [--top 25]
 */
import { readFileSync } from 'node:fs';

/** Phase of a call frame, from its URL and function name (first match wins). */
const PHASES = [
  ['hcl2json file parsing (parseHclFile)', (f) => f.functionName === 'parseHclFile'],
  [
    'expression parsing (parseExpression, getExpressionAst)',
    (f) => /^(parseExpression|parseUncached|getExpressionAst)$/.test(f.functionName),
  ],
  ['hcl2json WASM (either)', (f) => /hcl2json|wasm/.test(f.url) || (f.url === '' && /^wasm-function|^\$/.test(f.functionName))],
  ['locator (line numbers)', (f) => /\/hcl\/locator\.js/.test(f.url)],
  ['evaluation', (f) => /\/hcl\/(evaluate|functions|once|computed|policy-document|template)/.test(f.url)],
  ['HCL loader', (f) => /\/hcl\/(loader|files|parser)\.js/.test(f.url)],
  ['plan loader', (f) => /\/sources\/plan\//.test(f.url)],
  ['live probe', (f) => /\/sources\/aws\//.test(f.url) || /@aws-sdk|@smithy/.test(f.url)],
  ['rules', (f) => /\/(invariants|policy|inventory|net|maturity|suppress|rules|gate)\//.test(f.url) || /\/engine\.js/.test(f.url)],
  ['rendering', (f) => /\/report\//.test(f.url)],
  ['JSON.parse/stringify', (f) => /^(parse|stringify)$/.test(f.functionName) && f.url === ''],
  ['garbage collection', (f) => f.functionName === '(garbage collector)'],
  ['idle', (f) => f.functionName === '(idle)' || f.functionName === '(program)'],
  ['module loading', (f) => /node:internal\/modules|node_modules\/(commander|chalk|yaml|ajv)/.test(f.url)],
];

export function summarise(profile, top = 25) {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const phaseOf = (n) => PHASES.find(([, test]) => test(n.callFrame))?.[0];
  const dt = profile.timeDeltas;
  const selfMs = new Map();
  const fnSelf = new Map();
  const inclusive = new Map();
  const byFile = new Map();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const ms = (dt[i + 1] ?? dt[i] ?? 0) / 1000;
    total += ms;
    const n = nodes.get(id);
    const cf = n.callFrame;
    const fname = `${cf.functionName || '(anonymous)'} ${cf.url.replace(/^.*\/(dist|node_modules)\//, '$1/')}:${cf.lineNumber + 1}`;
    fnSelf.set(fname, (fnSelf.get(fname) ?? 0) + ms);
    const own = phaseOf(n) ?? 'other';
    selfMs.set(own, (selfMs.get(own) ?? 0) + ms);
    // Inclusive: every distinct phase (and project file) on the stack gets the sample once.
    const seen = new Set();
    const seenFiles = new Set();
    for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
      const file = /\/dist\/(.+\.js)$/.exec(nodes.get(cur).callFrame.url)?.[1];
      if (file && !seenFiles.has(file)) {
        seenFiles.add(file);
        byFile.set(file, (byFile.get(file) ?? 0) + ms);
      }
      const p = phaseOf(nodes.get(cur));
      if (p && !seen.has(p)) {
        seen.add(p);
        inclusive.set(p, (inclusive.get(p) ?? 0) + ms);
      }
    }
  });
  const sortDesc = (m) => [...m.entries()].sort((a, b) => b[1] - a[1]);
  return {
    totalMs: total,
    self: sortDesc(selfMs),
    inclusive: sortDesc(inclusive),
    files: sortDesc(byFile).slice(0, top),
    functions: sortDesc(fnSelf).slice(0, top),
  };
}

export function formatSummary(s) {
  const pct = (ms) => `${ms.toFixed(0).padStart(7)} ms ${((100 * ms) / s.totalMs).toFixed(1).padStart(5)}%`;
  const lines = [`sampled ${s.totalMs.toFixed(0)} ms`, '', 'phase (self time):'];
  for (const [k, v] of s.self) lines.push(`  ${pct(v)}  ${k}`);
  lines.push('', 'phase (inclusive, callees counted):');
  for (const [k, v] of s.inclusive) lines.push(`  ${pct(v)}  ${k}`);
  lines.push('', 'project files (inclusive, dist/):');
  for (const [k, v] of s.files) lines.push(`  ${pct(v)}  ${k}`);
  lines.push('', 'functions (self time):');
  for (const [k, v] of s.functions) lines.push(`  ${pct(v)}  ${k}`);
  return lines.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const file = process.argv[2];
  if (!file) {
    console.error('usage: node bench/profile.mjs FILE.cpuprofile [--top N]');
    process.exit(2);
  }
  const i = process.argv.indexOf('--top');
  const top = i > 0 ? Number(process.argv[i + 1]) : 25;
  console.log(formatSummary(summarise(JSON.parse(readFileSync(file, 'utf8')), top)));
}
