// Issue 15 B6: a `ztait:ignore` is a comment only where HCL has a comment. Inside a quoted string,
// a string within a template interpolation, a template directive or a heredoc (any legal marker:
// `-` and non-ASCII letters included, `<<` or `<<-`, any indentation, interpolations that span
// lines) it is text and suppresses nothing; the same words as a real comment above the block do.
// hcl2json (HCL's own parser) confirms every generated file is valid and holds the text as data.
import { parse } from '@cdktf/hcl2json';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { scanHcl } from '../../src/hcl/locator.js';
import { parseInlineSuppression } from '../../src/suppress/suppressions.js';
import type { CheckResult } from '../../src/model/result.js';
import { runInProcess } from '../hardening/cli.js';

const IGNORE = 'ztait:ignore SI-6 reason="restored from backups"';

/** An HCL identifier as a heredoc marker: letters (some not ASCII), digits, `_` and `-`. */
const marker = fc
  .tuple(
    fc.constantFrom('E', 'EOT', 'END', '_', 'é', 'Ω', 'x'),
    fc.array(fc.constantFrom('-', '_', 'O', 'F', '2', '-', 'T', 'é', '-'), { maxLength: 12 }),
  )
  .map(([head, tail]) => head + tail.join(''));
const indent = fc.array(fc.constantFrom(' ', '\t'), { maxLength: 6 }).map((a) => a.join(''));
const commentStyle = fc.constantFrom(
  (t: string) => `# ${t}`,
  (t: string) => `// ${t}`,
  (t: string) => `/* ${t} */`,
  (t: string) => `#${t}`,
);
/** The same words as a line HCL would take for a comment, were it code. */
const commentLine = commentStyle.map((style) => style(IGNORE));

/** Escapes text for an HCL quoted string. */
const quote = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\$\{/g, '$${').replace(/%\{/g, '%%{')}"`;

/** An expression whose value holds `line` as text, in one of the places HCL reads as data. */
const dataExpression: fc.Arbitrary<string> = fc.oneof(
  // a quoted string, after other text and escaped quotes
  fc.tuple(commentLine, fc.constantFrom('', 'a\\" ', '$${ ', '%%{ ', '\\\\')).map(([line, pre]) => `"${pre}${line.replace(/"/g, '\\"')}"`),
  // a string inside an interpolation or a directive of a quoted string
  fc
    .tuple(
      commentLine,
      fc.constantFrom('${%s}', '${ upper(%s) }', '${ { k = %s }["k"] }', '%{ if true }${%s}%{ endif }', 'x ${ [%s][0] } y', '${\n  %s\n}'),
    )
    .map(([line, form]) => `"${form.replace('%s', () => quote(line))}"`),
  // a heredoc, `<<` or `<<-`, the text and the closing marker indented any way
  fc
    .tuple(
      commentLine,
      marker,
      fc.boolean(),
      indent,
      indent,
      fc.constantFrom('', 'before\n', '${"x"}', '${ "a" }MARK\n'),
      fc.constantFrom('', '\n', 'k = v\n', '}\n'),
    )
    .map(([line, m, strip, i1, i2, pre, post]) => {
      // `${...}MARK` on a line is not the closing marker: HCL looks for it only at the start of a text line
      const body = `${pre.replace('MARK', m)}${i1}${line}\n${post}`;
      return `<<${strip ? '-' : ''}${m}\n${body}${i2}${m}\n`;
    }),
  // a heredoc inside an interpolation of a heredoc
  fc
    .tuple(commentLine, marker, marker)
    .filter(([, a, b]) => a !== b)
    .map(([line, a, b]) => `<<${a}\n\${<<-${b}\n  ${line}\n  ${b}\n}\n${a}\n`),
);

/** The table, the expression as an argument of the block itself, or of a nested block, or inside a map. */
const place = fc.constantFrom('direct', 'nested', 'map');
type Place = 'direct' | 'nested' | 'map';

const resource = (attr: string, above = '', where: Place = 'map') => `${above}resource "aws_dynamodb_table" "t" {
  name     = "ztait-t"
  hash_key = "pk"
${where === 'direct' ? `  restore_source_name = ${attr}` : where === 'nested' ? `  ttl {\n    attribute_name = ${attr}\n  }` : `  tags = {\n    Note = ${attr}\n  }`}
}
`;

/** The suppressions the scanner would hand to the engine for the table. */
function suppressionsOf(text: string) {
  const [block] = scanHcl('main.tf', text).filter((b) => b.type === 'resource');
  expect(block?.labels).toEqual(['aws_dynamodb_table', 't']);
  return block!.comments.map((c) => parseInlineSuppression(c.text, 'main.tf', c.line)).filter((s) => s !== undefined);
}

/** The value HCL's parser gives the placed expression (a template string holds the words too). */
async function placedValue(text: string): Promise<unknown> {
  type Table = { restore_source_name?: unknown; ttl?: { attribute_name: unknown }[]; tags?: { Note: unknown } };
  const body = (await parse('main.tf', text)) as { resource: { aws_dynamodb_table: { t: Table[] } } };
  const t = body.resource.aws_dynamodb_table.t[0]!;
  return t.restore_source_name ?? t.ttl?.[0]?.attribute_name ?? t.tags?.Note;
}

describe('suppression comments are found only in code', () => {
  it('property: the words inside any string, template or heredoc never suppress', async () => {
    await fc.assert(
      fc.asyncProperty(dataExpression, place, async (expr, where) => {
        const text = resource(expr, '', where);
        // valid HCL (HCL's own parser), with the words inside the value
        expect(JSON.stringify(await placedValue(text))).toContain('ztait:ignore');
        expect(suppressionsOf(text)).toEqual([]);
      }),
      { numRuns: 300 },
    );
  }, 120_000);

  it('property: the same words as a real comment above the block, or inside it, do suppress', async () => {
    await fc.assert(
      fc.asyncProperty(dataExpression, place, commentStyle, fc.boolean(), async (expr, where, style, inside) => {
        const comment = style(IGNORE);
        const text = inside ? resource(expr, '', where).replace('  name ', `  ${comment}\n  name `) : resource(expr, `${comment}\n`, where);
        await placedValue(text); // still valid HCL
        const found = suppressionsOf(text);
        expect(found).toHaveLength(1);
        expect(found[0]).toMatchObject({ ids: ['SI-6'], reason: 'restored from backups' });
      }),
      { numRuns: 150 },
    );
  }, 120_000);

  it('a comment after a string that ends in an escaped template sequence is code, and is read', async () => {
    const text = `resource "aws_dynamodb_table" "t" {\n  name = "$\${" # ${IGNORE}\n}\n`;
    await parse('main.tf', text);
    expect(suppressionsOf(text)).toHaveLength(1);
  });

  it('a heredoc line is the closing marker only as Go trims it: U+FEFF does not trim, so the heredoc goes on', () => {
    const text = resource(`<<EOT\n\uFEFFEOT\n# ${IGNORE}\n\nEOT\n`, '', 'direct');
    expect(suppressionsOf(text)).toEqual([]);
  });

  it('a marker longer than any look-ahead window is still a heredoc', () => {
    const m = `M${'-x'.repeat(400)}`;
    expect(suppressionsOf(resource(`<<${m}\n# ${IGNORE}\n\n${m}\n`, '', 'direct'))).toEqual([]);
  });

  it('an argument with a non-ASCII name (HCL allows it) is read as one, its string skipped whole', async () => {
    const text = `resource "aws_dynamodb_table" "t" {\n  ünïcode = ${quote(`# ${IGNORE}`)}\n}\n`;
    await parse('main.tf', text);
    expect(suppressionsOf(text)).toEqual([]);
  });
});

describe('through the CLI (in process: the verdict is what is tested)', () => {
  it('<<-END-OF-TEXT holding a ztait:ignore line: exit 1, SI-6 fail, not suppressed', async () => {
    // the fixture puts the heredoc in the table's ttl block, with a blank line after the words (the
    // old scanner took the heredoc for code there, and the blank line handed the comment to the table)
    const run = await runInProcess(['check', 'fixtures/hcl/sup-heredoc-marker-with-dash', '--format', 'json', '--check', 'SI-6']);
    expect(run.code, run.stderr).toBe(1);
    const si6 = (JSON.parse(run.stdout) as CheckResult).invariants.find((i) => i.id === 'SI-6')!;
    expect(si6.status).toBe('fail');
    expect(si6.findings.map((f) => [f.resource, f.status, f.suppression])).toEqual([['aws_dynamodb_table.scratch', 'fail', undefined]]);
  }, 60_000);
});
