/**
 * `node rss-child.mjs REPORT SCRIPT ARGS...`: runs SCRIPT in this process (as if it were started
 * directly) and, when the process exits, writes its CPU time and peak resident set size (from
 * process.resourceUsage()) to REPORT as one JSON line. Used when GNU time is not installed.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [report, script, ...args] = process.argv.slice(2);
process.argv = [process.argv[0], resolve(script), ...args];
process.on('exit', () => {
  const u = process.resourceUsage();
  writeFileSync(report, JSON.stringify({ cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000, maxRssKiB: u.maxRSS }));
});
await import(pathToFileURL(resolve(script)).href);
