import type { Command } from 'commander';
import { mergeShards } from '../fleet-merge.js';
import { addCommonOptions, checkDestinations, emitResult, gatePolicy, resolveConfig, type CommonOptions } from './common.js';
import { printDiagnostic, UsageError } from './errors.js';
import { readResultFile } from './result-file.js';

const MERGE_HELP = `
The shards must be every part of one run: made by the same ztait version with the same N, command
line (apart from --shard and -o) and configuration, each i once, no account twice, each account in
the shard its id hashes to. Anything else is refused in one line naming the files (exit 2).
The merged result is the single run's (byte for byte in JSON with SOURCE_DATE_EPOCH): one system
per account x region and the org summary; command_line is the first shard's without --shard i/N
(the single run's when every job ran the same command), generated_at the earliest shard's, each
diagnostic said once. The gate is decided again, by merge's own gate flags (--fail-on,
--soft-fail-on, --hard-fail-on, --soft-fail, --allow-errors, --baseline) and .ztait.yaml: give them
as the single run would have them (a shard's own gate and baseline marks are dropped). --check,
--skip-check and --prefix belong to the probe runs. docs/fleet.md has CI workflows.
Exit codes: 0 the gate passes, 1 fail or error verdicts, 2 the shards cannot be merged.
  e.g. ztait merge shards/*.json --format sarif,markdown,text -o ztait.sarif -o ztait.md
`;

/** The flags of check and probe that choose what is judged: the shards were judged already. */
const JUDGING = [
  ['check', '--check'],
  ['skipCheck', '--skip-check'],
  ['prefix', '--prefix'],
] as const;

/** `ztait merge shard-*.json`: the shards of a fleet run (probe --shard i/N) as the single run's result (src/fleet-merge.ts). */
export function registerMerge(program: Command, setExit: (code: number) => void): void {
  const cmd = program
    .command('merge')
    .description(
      'combine the JSON results of the shards of a fleet run (ztait probe --org|--accounts ... --shard i/N --format json) into the single run, in every format',
    )
    .argument('<shards...>', "the shards' JSON results, every i of one N (ztait probe ... --shard i/N --format json -o shard-i.json)")
    .addHelpText('after', MERGE_HELP);
  addCommonOptions(cmd).action(async (files: string[], raw: CommonOptions) => {
    for (const [key, flag] of JUDGING)
      if (raw[key] !== undefined) throw new UsageError(`${flag} does not apply to ztait merge: the shards were judged with the probe's`);
    const { opts } = resolveConfig(raw, '.');
    // a refused destination is said before the shards are read
    checkDestinations(opts);
    const shards = files.map((file) => ({ file, result: readResultFile(file) }));
    const result = mergeShards(shards, {
      gate: gatePolicy(opts),
      ...(opts.baseline ? { baseline: opts.baseline } : {}),
      ...(opts.configInfo ? { config: opts.configInfo } : {}),
    });
    if (!opts.quiet) {
      const f = result.fleet!;
      printDiagnostic(
        `merged ${shards.length} shard(s): ${f.accounts.length} account(s), ${result.systems!.length} account x region(s), ${f.accounts.filter((a) => a.reason).length} account(s) not read in full`,
      );
    }
    await emitResult(result, opts, setExit);
  });
}
