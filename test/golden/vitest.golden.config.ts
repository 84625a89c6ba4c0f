import { defineConfig } from 'vitest/config';

// Only the golden recorder (test/golden/record.golden.ts); see its header.
export default defineConfig({ test: { include: ['test/golden/*.golden.ts'], testTimeout: 3_600_000 } });
