import { Option, type Command } from 'commander';
import { asffFindings } from '../report/asff.js';
import { decidedScopes } from '../report/cloud-findings.js';
import { DEFAULT_MAX_ATTEMPTS, DEFAULT_TIMEOUT_MS } from '../sources/aws/defaults.js';
import { exportPolicy } from '../sources/aws/export/guard.js';
import type { HubConnectionOptions } from '../sources/aws/export/securityhub.js';
import { insecureEndpoint } from '../sources/aws/transport.js';
import { printDiagnostic, UsageError } from './errors.js';
import { positiveInt, validateLiveOptions } from './live-options.js';
import { readResultFile } from './result-file.js';

interface ExportCliOptions extends Omit<HubConnectionOptions, 'dryRun'> {
  dryRun?: boolean;
  printPolicy?: boolean;
  quiet?: boolean;
}

/**
 * `ztait export securityhub RESULT.json`: the only command that writes to AWS (opt-in, apart from
 * `probe`, whose read-only guard stays as it is). It sends the result's findings as ASFF with
 * securityhub:BatchImportFindings and resolves the ones fixed since the last export
 * (src/sources/aws/export/securityhub.ts), under its own allow-list (./guard.ts, --print-policy).
 */
export function registerExport(program: Command, setExit: (code: number) => void): void {
  const group = program.command('export').description('send a result to where findings are collected (writes to AWS: opt-in)');
  group
    .command('securityhub')
    .description(
      "send a live result's findings to AWS Security Hub (BatchImportFindings, batches of 100, idempotent) and resolve the ones fixed since the last export",
    )
    .argument('[result]', 'a ztait JSON result of probe (--format json)')
    .option('--region <region>', "region of the STS call (default: AWS_REGION or the profile's); findings go to their own region")
    .option('--profile <name>', 'named profile from the shared AWS config and credentials files')
    .option('--endpoint-url <url>', 'send every call to this AWS-compatible endpoint')
    .option('--allow-insecure-endpoint', 'allow an --endpoint-url in plain http to a host that is not loopback')
    .addOption(
      new Option('--max-attempts <n>', 'attempts per call (adaptive retry with backoff)')
        .default(DEFAULT_MAX_ATTEMPTS)
        .argParser(positiveInt('--max-attempts')),
    )
    .addOption(
      new Option('--timeout-ms <ms>', 'timeout of each call attempt').default(DEFAULT_TIMEOUT_MS).argParser(positiveInt('--timeout-ms')),
    )
    .option('--dry-run', 'read (caller identity, earlier findings) and print the requests that would be sent, as JSON; write nothing')
    .option('--print-policy', 'print the IAM policy the export needs, and exit')
    .option('--quiet', 'no summary on stderr')
    .action(async (file: string | undefined, opts: ExportCliOptions) => {
      if (opts.printPolicy) {
        process.stdout.write(`${JSON.stringify(exportPolicy(), null, 2)}\n`);
        return;
      }
      if (!file) throw new UsageError('export securityhub needs the RESULT.json of a probe (ztait probe --format json -o RESULT.json)');
      validateLiveOptions({ ...opts });
      const result = readResultFile(file);
      const findings = asffFindings(result);
      const insecure = opts.endpointUrl ? insecureEndpoint(opts.endpointUrl) : undefined;
      if (insecure) process.stderr.write(`ztait: warning: ${insecure}\n`);
      // the AWS SDK is loaded only when an export runs
      const { ExportError, connectSecurityHub, exportToSecurityHub } = await import('../sources/aws/export/securityhub.js');
      try {
        const hub = await connectSecurityHub({
          ...(opts.region ? { region: opts.region } : {}),
          ...(opts.profile ? { profile: opts.profile } : {}),
          ...(opts.endpointUrl ? { endpointUrl: opts.endpointUrl } : {}),
          ...(opts.allowInsecureEndpoint ? { allowInsecureEndpoint: true } : {}),
          ...(opts.maxAttempts ? { maxAttempts: opts.maxAttempts } : {}),
          ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}),
          dryRun: Boolean(opts.dryRun),
        });
        const report = await exportToSecurityHub({ findings, decided: decidedScopes(result), generatedAt: result.generated_at }, hub, {
          dryRun: Boolean(opts.dryRun),
        });
        if (opts.dryRun) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
        const failed = report.regions.flatMap((r) => r.failed);
        if (!opts.quiet) {
          const verb = opts.dryRun ? 'would send' : 'sent';
          for (const r of report.regions) {
            printDiagnostic(
              `${verb} ${r.imported} finding(s) to Security Hub in account ${report.account}, ${r.region}: ${r.archived.length} fixed since the last export archived, ${r.resolved.length} resolved, ${r.suppressed.length} suppressed${r.failed.length ? `, ${r.failed.length} failed` : ''}`,
            );
          }
          for (const s of report.skipped) {
            printDiagnostic(
              `left out ${s.findings} finding(s) of account ${s.account}: Security Hub takes them only from that account (run the export with its credentials)`,
            );
          }
        }
        for (const f of failed.slice(0, 20)) printDiagnostic(`not exported: ${f.Id}: ${f.code}${f.message ? ` (${f.message})` : ''}`);
        setExit(failed.length ? 1 : 0);
      } catch (e) {
        if (e instanceof ExportError) throw new UsageError(e.message);
        throw e;
      }
    });
}
