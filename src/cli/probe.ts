import { INVARIANT_COUNT } from '../rules/registry.js';
import type { Command } from 'commander';
import { scan } from '../scan.js';
import { minimalPolicy } from '../sources/aws/actions.js';
import { addCommonOptions, checkDestinations, commandLine, emitResult, gatePolicy, resolveConfig, type CommonOptions } from './common.js';
import { addLiveOptions, collectAccount, validateLiveOptions, type LiveCliOptions } from './live-options.js';
import { addFleetOptions, FLEET_HELP, isFleet, printFleetPolicy, probeFleet, type FleetCliOptions } from './fleet.js';

interface ProbeCliOptions extends CommonOptions, LiveCliOptions, FleetCliOptions {
  printPolicy?: boolean;
}

export function registerProbe(program: Command, setExit: (code: number) => void): void {
  const cmd = addFleetOptions(
    addLiveOptions(
      program
        .command('probe')
        .description(
          `read-only audit of a deployed AWS account, or of a fleet of accounts, for the ${INVARIANT_COUNT} ZTAIT invariants (reads only: Get/List/Describe)`,
        ),
    ),
  )
    .option('--print-policy', 'print the minimal read-only IAM policy the probe needs, and exit (with a fleet flag: see below)')
    .addHelpText('after', FLEET_HELP);
  addCommonOptions(cmd).action(async (raw: ProbeCliOptions) => {
    const fleet = isFleet(raw);
    if (raw.printPolicy) {
      if (fleet) await printFleetPolicy(raw);
      else process.stdout.write(`${JSON.stringify(minimalPolicy(), null, 2)}\n`);
      return;
    }
    const { opts, config } = resolveConfig(raw, '.');
    if (fleet) return probeFleet(opts, config, setExit);
    validateLiveOptions(opts);
    // refuse a symlinked destination before reading the account, not after
    checkDestinations(opts);
    const run = await collectAccount(opts, raw.prefix);
    const result = await scan({
      source: { kind: 'inventory', inventory: run.inventory },
      commandLine: commandLine(process.argv),
      prefix: run.snapshot.prefix,
      ...(opts.check ? { checks: opts.check } : {}),
      ...(opts.skipCheck ? { skipChecks: opts.skipCheck } : {}),
      suppressions: config.suppressions,
      ...(opts.configInfo ? { config: opts.configInfo } : {}),
      ...(opts.baseline ? { baseline: opts.baseline } : {}),
      gate: gatePolicy(opts),
    });
    await emitResult(result, opts, setExit);
  });
}
