/**
 * Every implemented function on literal inputs. Expected values are Terraform 1.11's (the same
 * calls are cross-checked against terraform itself in terraform-parity.test.ts when it is present).
 */
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { supportedFunctions } from '../../src/hcl/functions.js';
import type { Value } from '../../src/model/value.js';
import { FIXTURES, run } from './helpers.js';

const PARITY = path.join(FIXTURES, 'parity');
const ev = (expr: string): Promise<Value> => run(`\${${expr}}`, {}, PARITY);

const cases: [string, Value][] = [
  // strings
  ['lower("AbC")', 'abc'],
  ['upper("aBc")', 'ABC'],
  ['title("hello world-foo_bar")', 'Hello World-Foo_bar'],
  ['trimspace("  x \\n")', 'x'],
  ['trim("?!hi?!", "!?")', 'hi'],
  ['trimprefix("ztait-audit", "ztait-")', 'audit'],
  ['trimsuffix("file.tf", ".tf")', 'file'],
  ['startswith("abc", "ab")', true],
  ['endswith("abc", "ab")', false],
  ['strcontains("abc", "b")', true],
  ['substr("hello world", 1, 4)', 'ello'],
  ['substr("hello", -3, -1)', 'llo'],
  ['substr("héllo", 0, 2)', 'hé'],
  ['substr("hello", 10, 2)', ''],
  ['chomp("line\\r\\n\\n")', 'line'],
  ['indent(2, "a\\nb\\n")', 'a\n  b\n  '],
  ['strrev("abc")', 'cba'],
  ['split(",", "a,b,,c")', ['a', 'b', '', 'c']],
  ['split("", "abc")', ['a', 'b', 'c']],
  ['join("-", ["a", "b"], ["c"])', 'a-b-c'],
  ['join(",", [])', ''],
  ['join(",", [1, true])', '1,true'],
  ['replace("a-b-c", "-", "+")', 'a+b+c'],
  ['replace("abc", "", "-")', '-a-b-c-'],
  ['replace("hello world", "/o(\\\\w)/", "0$1")', 'hello w0rld'],
  ['replace("key=value", "/(?P<k>\\\\w+)=(\\\\w+)/", "$2=$${k}")', 'value=key'],
  // regular expressions
  ['regex("[a-z]+", "123abc456")', 'abc'],
  ['regex("(\\\\d+)-(\\\\d+)", "10-20")', ['10', '20']],
  ['regex("(?P<year>\\\\d{4})-(?P<month>\\\\d{2})", "2024-05")', { year: '2024', month: '05' }],
  ['regex("(?i)HELLO", "say hello")', 'hello'],
  ['regexall("[a-z](\\\\d)", "a1 b2 c3")', [['1'], ['2'], ['3']]],
  ['regexall("x", "abc")', []],
  // RE2 semantics and Go's match loops (checked with terraform 1.11 console)
  ['regexall("a*", "baaac")', ['', 'aaa', '']],
  ['replace("baaac", "/a*/", "-")', '-b-c-'],
  ['replace("abc", "/x*/", "-")', '-a-b-c-'],
  ['replace("", "/x*/", "y")', 'y'],
  ['replace("a😀b", "/x*/", "-")', '-a-😀-b-'],
  ['regexall("", "ab")', ['', '', '']],
  ['replace("abc", "/(?P<x>b)/", "[$x][$${x}][$1x][$${1}x][$$][$9][$][$${][$${x]")', 'a[b][b][][bx][$][][$][${][${x]c'],
  ['replace("aaa", "/a/", "$0$0")', 'aaaaaa'],
  ['replace("héllo wörld", "/(\\\\pL)(\\\\pL)/", "$2$1")', 'éhllo öwlrd'],
  ['regex("\\\\Aab\\\\z", "ab")', 'ab'],
  ['regex("[[:alpha:]]+", "12abc3")', 'abc'],
  ['regex("(a)|(b)", "b")', [null, 'b']],
  ['regex("(?P<a>x)|(?P<b>y)", "y")', { a: null, b: 'y' }],
  [
    'regexall("(?P<k>\\\\w)=(?P<v>\\\\w)", "a=1 b=2")',
    [
      { k: 'a', v: '1' },
      { k: 'b', v: '2' },
    ],
  ],
  // format
  ['format("%s-%d-%v", "a", 42, true)', 'a-42-true'],
  ['format("%05d|%-5s|%5s|%.2f", 7, "ab", "ab", 3.14159)', '00007|ab   |   ab|3.14'],
  ['format("%x|%X|%o|%b|%e", 255, 255, 8, 5, 1234.5678)', 'ff|FF|10|101|1.234568e+03'],
  ['format("%q %v %#v", "q\\"x", [1, "a"], "s")', '"q\\"x" [1,"a"] "s"'],
  ['format("%[2]s %[1]s", "a", "b")', 'b a'],
  ['format("%g %g %g", 1000000, 0.00001, 123.456)', '1e+06 1e-05 123.456'],
  ['format("%.1f %.0f %.0f", 0.25, 0.5, 1.5)', '0.2 0 2'],
  ['format("%t %%", false)', 'false %'],
  ['format("%+d % d", 3, 4)', '+3  4'],
  ['format("%v", null)', null],
  ['formatlist("%s=%s", ["a", "b"], ["1", "2"])', ['a=1', 'b=2']],
  ['formatlist("%s-%d", ["a", "b"], 1)', ['a-1', 'b-1']],
  // collections
  ['length(["a", "b"])', 2],
  ['length({a = 1})', 1],
  ['length("héllo")', 5],
  ['contains(["a"], "a")', true],
  ['contains([1, 2], 3)', false],
  ['flatten([[1, [2]], [], [3]])', [1, 2, 3]],
  ['distinct([1, 2, 1, 3, 2])', [1, 2, 3]],
  ['keys({b = 1, a = 2, "10" = 3, "9" = 4})', ['10', '9', 'a', 'b']],
  ['values({b = 2, a = 1})', [1, 2]],
  ['element(["a", "b", "c"], 4)', 'b'],
  ['index(["a", "b"], "b")', 1],
  ['lookup({a = 1}, "a", 0)', 1],
  ['lookup({a = 1}, "z", 0)', 0],
  ['merge({a = 1, b = 2}, {b = 3}, null, {c = 4})', { a: 1, b: 3, c: 4 }],
  ['concat([1], [2, 3], [])', [1, 2, 3]],
  ['coalesce("", null, "x")', 'x'],
  ['coalesce("", 1, "a")', '1'],
  ['coalesce(null, 2)', 2],
  ['coalescelist([], [1], [2])', [1]],
  ['compact(["a", "", null, "b"])', ['a', 'b']],
  ['zipmap(["k1", "k2"], [1, 2])', { k1: 1, k2: 2 }],
  ['one([])', null],
  ['one(["x"])', 'x'],
  ['setunion(["b", "a"], ["c", "a"])', ['a', 'b', 'c']],
  ['setintersection(["a", "b", "c"], ["b", "c", "d"])', ['b', 'c']],
  ['setsubtract(["a", "b", "c"], ["b"])', ['a', 'c']],
  ['range(3)', [0, 1, 2]],
  ['range(1, 4)', [1, 2, 3]],
  ['range(0, 10, 3)', [0, 3, 6, 9]],
  ['range(5, 0)', [5, 4, 3, 2, 1]],
  ['slice(["a", "b", "c"], 0, 2)', ['a', 'b']],
  ['reverse([1, 2, 3])', [3, 2, 1]],
  ['sort(["b", "a", "10", "9"])', ['10', '9', 'a', 'b']],
  ['sort([10, 2, "b"])', ['10', '2', 'b']],
  ['alltrue([true, "true"])', true],
  ['alltrue([])', true],
  ['anytrue([false, false])', false],
  ['anytrue([])', false],
  ['sum([1, 2, 3.5])', 6.5],
  ['chunklist([1, 2, 3, 4, 5], 2)', [[1, 2], [3, 4], [5]]],
  ['tolist(toset(["b", "a", "b"]))', ['a', 'b']],
  ['toset([3, 1, 2, 1])', [1, 2, 3]],
  ['toset(["b", "a", "b", 1])', ['1', 'a', 'b']],
  ['tomap({a = "x"})', { a: 'x' }],
  ['tostring(12)', '12'],
  ['tostring(null)', null],
  ['tonumber("42")', 42],
  ['tobool("true")', true],
  ['sensitive("s")', 's'],
  ['nonsensitive("s")', 's'],
  // numbers
  ['abs(-3.5)', 3.5],
  ['ceil(1.2)', 2],
  ['floor(-1.2)', -2],
  ['min(3, 1, 2)', 1],
  ['max(3, 1, 2)', 3],
  ['min([5, 4]...)', 4],
  ['pow(2, 10)', 1024],
  ['signum(-4)', -1],
  ['log(8, 2)', 3],
  ['parseint("ff", 16)', 255],
  ['parseint("-101", 2)', -5],
  // encoding and hashing
  ['jsonencode({b = [1, 2.5, "<&>"], a = null, c = true})', '{"a":null,"b":[1,2.5,"\\u003c\\u0026\\u003e"],"c":true}'],
  ['jsondecode("{\\"a\\": [1, true, null, \\"x\\"]}")', { a: [1, true, null, 'x'] }],
  ['yamlencode({b = [1, {c = "d"}], a = "multi\\nline", e = {}})', '"a": |-\n  multi\n  line\n"b":\n- 1\n- "c": "d"\n"e": {}\n'],
  ['yamldecode("a: 1\\nb: [x, y]\\n")', { a: 1, b: ['x', true] }],
  ['base64encode("héllo")', 'aMOpbGxv'],
  ['base64decode("aMOpbGxv")', 'héllo'],
  ['urlencode("a b&c=d/é~")', 'a+b%26c%3Dd%2F%C3%A9~'],
  ['md5("x")', '9dd4e461268c8034f5c8564e155c67a6'],
  ['sha1("x")', '11f6ad8ec52a2984abaafd7c3b516503785c2072'],
  ['sha256("x")', '2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881'],
  ['base64sha256("x")', 'LXEWQrcmsEQBYnyp+6wy9chTD7GQPMTbAiWHF5IaSIE='],
  // networking
  ['cidrsubnet("10.0.0.0/16", 8, 3)', '10.0.3.0/24'],
  ['cidrsubnet("10.1.2.0/24", 4, 15)', '10.1.2.240/28'],
  ['cidrsubnet("2001:db8::/32", 16, 5)', '2001:db8:5::/48'],
  ['cidrhost("10.12.112.0/20", 16)', '10.12.112.16'],
  ['cidrhost("10.12.112.0/20", -2)', '10.12.127.254'],
  ['cidrhost("fd00:fd12:3456:7890::/56", 16)', 'fd00:fd12:3456:7800::10'],
  ['cidrnetmask("172.16.0.0/12")', '255.240.0.0'],
  ['cidrsubnets("10.1.0.0/16", 4, 4, 8, 4)', ['10.1.0.0/20', '10.1.16.0/20', '10.1.32.0/24', '10.1.48.0/20']],
  // files (relative to the context's baseDir: fixtures/parity)
  ['jsondecode(file("policy.json")).Statement[0].Action', 's3:GetObject'],
  ['fileexists("policy.json")', true],
  ['fileexists("absent.txt")', false],
  ['filemd5("blob.bin")', '374ff5348739df0df43cda58d01e758f'],
  ['filebase64("blob.bin")', 'AAECYmluYXJ5/w=='],
  ['basename("/a/b/c.txt")', 'c.txt'],
  ['basename("dir/")', 'dir'],
  ['dirname("/a/b/c.txt")', '/a/b'],
  ['dirname("file")', '.'],
];

describe('functions on literal inputs', () => {
  test.each(cases)('%s', async (expr, expected) => {
    expect(await ev(expr)).toEqual(expected);
  });

  test('file hashes match the bytes on disk', async () => {
    const { createHash } = await import('node:crypto');
    const { readFileSync } = await import('node:fs');
    const bytes = readFileSync(path.join(PARITY, 'blob.bin'));
    expect(await ev('filesha256("blob.bin")')).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(await ev('filebase64sha256("blob.bin")')).toBe(createHash('sha256').update(bytes).digest('base64'));
    expect(await ev('filebase64sha512("blob.bin")')).toBe(createHash('sha512').update(bytes).digest('base64'));
  });

  test('templatefile renders for/if directives, strip markers and escapes with the given variables', async () => {
    expect(await ev('templatefile("greeting.tftpl", {name = "Ann", tags = ["a", "b"], admin = false})')).toBe(
      'Hello Ann!\n- 0: A\n- 1: B\nuser\nLiteral ${not_interpolated} and 100%% sure, back\\slash "quoted"\n',
    );
  });

  test('a template file sees only its variables', async () => {
    const v = await run('${templatefile("greeting.tftpl", {name = "x", tags = [], admin = true})}', { 'var.other': 1 }, PARITY);
    expect(v).toBe('Hello x!\nadmin\nLiteral ${not_interpolated} and 100%% sure, back\\slash "quoted"\n');
  });

  test('every function named in the brief is implemented', () => {
    const required = `jsonencode jsondecode merge concat format formatlist lookup toset tolist tomap tostring tonumber tobool
      length contains flatten distinct keys values element join split replace lower upper title trimspace trim trimprefix
      trimsuffix startswith endswith substr regex regexall try can coalesce coalescelist compact zipmap setunion
      setintersection setsubtract range slice reverse sort one alltrue anytrue sum abs ceil floor min max cidrsubnet cidrhost
      cidrnetmask file fileexists templatefile filebase64sha256 filesha256 filemd5 sha256 md5 base64encode base64decode
      urlencode basename dirname abspath timestamp uuid yamlencode`.split(/\s+/);
    const have = new Set(supportedFunctions());
    expect(required.filter((f) => !have.has(f))).toEqual([]);
  });
});
