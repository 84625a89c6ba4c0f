/**
 * `node bench/parse-only.mjs DIR`: the baseline of the static benchmark. Reads and parses with
 * @cdktf/hcl2json every file ztait check would parse under DIR (*.tf, *.tf.json, *.tfvars), with
 * the tool's concurrency (the files of one module directory at once, directories one after the
 * other), and nothing else. Prints {files, bytes, parseMs} as JSON.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from '@cdktf/hcl2json';

const PARSED = /\.tf$|\.tf\.json$|\.tfvars$/;

async function directories(dir) {
  const out = [dir];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    if (e.isDirectory() && !e.name.startsWith('.')) out.push(...(await directories(join(dir, e.name))));
  }
  return out;
}

const root = process.argv[2];
if (!root) {
  console.error('usage: node bench/parse-only.mjs DIR');
  process.exit(2);
}
const start = performance.now();
let files = 0;
let bytes = 0;
for (const dir of await directories(root)) {
  const names = (await readdir(dir)).filter((n) => PARSED.test(n)).sort();
  await Promise.all(
    names.map(async (n) => {
      const text = await readFile(join(dir, n), 'utf8');
      bytes += Buffer.byteLength(text);
      files += 1;
      return n.endsWith('.json') ? JSON.parse(text) : parse(join(dir, n), text);
    }),
  );
}
// Exit as soon as the figure is out, as ztait does: the Go runtime's leftover timer would otherwise
// add up to two idle seconds to this process's wall time.
process.stdout.write(`${JSON.stringify({ files, bytes, parseMs: performance.now() - start })}\n`, () => process.exit(0));
