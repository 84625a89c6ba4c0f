import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadAccount } from './server/account.js';
import { referenceAccount } from './server/reference.js';

const DIR = join(import.meta.dirname, '../../fixtures/accounts');

describe('fixture accounts', () => {
  it('reference.json is the reference architecture generator output (UPDATE_FIXTURES=1 rewrites it)', () => {
    const want = `${JSON.stringify(referenceAccount(), null, 2)}\n`;
    const file = join(DIR, 'reference.json');
    if (process.env.UPDATE_FIXTURES === '1') writeFileSync(file, want);
    expect(readFileSync(file, 'utf8')).toBe(want);
  });

  it('every variant applies its patches to its base', () => {
    const files = readdirSync(DIR).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThanOrEqual(5);
    for (const f of files) expect(() => loadAccount(join(DIR, f)), f).not.toThrow();
  });
});
