import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { CONFIG_SCHEMA_FILE, findConfig, loadConfig, type ZtaitConfig } from '../config/config.js';
import { CONFIG_KEYS } from './common.js';
import { escapeControl } from '../report/terminal.js';

/** Defaults the CLI applies when neither a flag nor the config file sets a value. */
const DEFAULTS: Partial<Record<keyof ZtaitConfig, unknown>> = {
  prefix: 'ztait-',
  soft_fail: false,
  fail_on: 'low',
  allow_errors: false,
  format: ['text'],
};

export function registerConfig(program: Command, _setExit: (code: number) => void): void {
  const cmd = program.command('config').description('the .ztait.yaml configuration: its JSON schema and the effective values');
  cmd
    .command('schema')
    .description('print the JSON schema .ztait.yaml is validated against')
    .action(() => {
      process.stdout.write(readFileSync(CONFIG_SCHEMA_FILE, 'utf8'));
    });
  cmd
    .command('show')
    .description('print the effective configuration for PATH and where each value comes from')
    .argument('[path]', "directory whose .ztait.yaml (or a parent's) applies", '.')
    .option('--config <file>', 'configuration file')
    .option('-f, --format <format>', 'text or json', 'text')
    .action((path: string, o: { config?: string; format: string }) => {
      const file = o.config ?? findConfig(path);
      const cfg: ZtaitConfig = file ? loadConfig(file) : { suppressions: [], lines: {} };
      const rows: { key: string; value: unknown; source: string }[] = [];
      for (const [, key] of CONFIG_KEYS) {
        const v = cfg[key];
        if (v !== undefined) rows.push({ key, value: v, source: `${file}:${cfg.lines[key] ?? 1}` });
        else rows.push({ key, value: DEFAULTS[key] ?? null, source: 'default' });
      }
      rows.push({
        key: 'suppressions',
        value: cfg.suppressions.map((s) => ({ ids: s.ids, resource: s.resource, reason: s.reason, expires: s.expires })),
        source: file && cfg.suppressions.length ? `${file}:${cfg.lines.suppressions ?? 1}` : 'default',
      });
      if (o.format === 'json') {
        process.stdout.write(`${JSON.stringify({ file: file ?? null, settings: rows }, null, 2)}\n`);
        return;
      }
      // values and paths come from the repository: their control characters show escaped
      process.stdout.write(`configuration file: ${escapeControl(file ?? '(none found)')}\n`);
      for (const r of rows)
        process.stdout.write(`${r.key.padEnd(14)} ${escapeControl(JSON.stringify(r.value)).padEnd(40)} ${escapeControl(r.source)}\n`);
      process.stdout.write('(command-line flags override these values)\n');
    });
}
