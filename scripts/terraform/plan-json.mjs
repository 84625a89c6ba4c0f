#!/usr/bin/env node
// Usage: node scripts/terraform/plan-json.mjs <configDir> <out.json> [-var k=v ...] [-var-file F ...]
// Plans a Terraform configuration offline (providers from the filesystem
// mirror, placeholder AWS credentials, a temporary copy so no .terraform/
// lands in the source tree) and writes `terraform show -json` to out.json.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { planJson, terraformVersion } from './offline.mjs';

const USAGE = 'usage: plan-json.mjs <configDir> <out.json> [-var k=v ...] [-var-file F ...]';

function parseArgs(argv) {
  const [configDir, out, ...rest] = argv;
  if (!configDir || !out) throw new Error(USAGE);
  const planArgs = [];
  for (let i = 0; i < rest.length; i++) {
    const flag = rest[i];
    if (flag === '-var' || flag === '-var-file') {
      const value = rest[++i];
      if (value === undefined) throw new Error(`${flag} needs a value\n${USAGE}`);
      // var files are read from the copy's directory: make them absolute first
      planArgs.push(flag, flag === '-var-file' ? resolve(value) : value);
    } else if (/^-var(-file)?=/.test(flag)) {
      const [name, value] = [flag.slice(0, flag.indexOf('=')), flag.slice(flag.indexOf('=') + 1)];
      planArgs.push(name, name === '-var-file' ? resolve(value) : value);
    } else {
      throw new Error(`unknown argument ${flag}\n${USAGE}`);
    }
  }
  return { configDir: resolve(configDir), out: resolve(out), planArgs };
}

try {
  const { configDir, out, planArgs } = parseArgs(process.argv.slice(2));
  if (!terraformVersion()) throw new Error('terraform is not on PATH');
  const plan = planJson(configDir, planArgs);
  writeFileSync(out, `${JSON.stringify(plan, null, 2)}\n`);
  const managed = (plan.resource_changes ?? []).filter((r) => r.mode === 'managed').length;
  process.stdout.write(`wrote ${out}: ${managed} managed resources planned\n`);
} catch (e) {
  process.stderr.write(`plan-json: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 2;
}
