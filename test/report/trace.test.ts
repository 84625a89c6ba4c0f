import type * as Sarif from 'sarif';
import { describe, expect, it } from 'vitest';
import { render } from '../../src/report/index.js';
import { failingResult } from './fixtures.js';

/**
 * A finding's trace (where its value was written, issue 17) in every format. failingResult's SI-6
 * finding carries a two-step trace whose last step has markdown-looking text; the SARIF validators
 * in sarif.test.ts check the same log.
 */

const pitr = (r = failingResult()) => r.invariants.find((i) => i.id === 'SI-6')!.findings[0]!;

describe('traces in every format', () => {
  it('SARIF: relatedLocations, one per step, and a thread flow from the use to the origin', () => {
    const log = JSON.parse(render(failingResult(), 'sarif', { color: false })) as Sarif.Log;
    const result = log.runs[0]!.results!.find((r) => r.ruleId === 'SI-6')!;
    expect(
      result.relatedLocations?.map((l) => [l.id, l.physicalLocation?.artifactLocation?.uri, l.physicalLocation?.region?.startLine]),
    ).toEqual([
      [1, 'main.tf', 55],
      [2, 'terraform.tfvars', 12],
    ]);
    expect(result.relatedLocations![0]!.message?.text).toBe('module.foundation input pitr_enabled');
    const flow = result.codeFlows![0]!.threadFlows[0]!.locations.map((l) => [
      l.location?.physicalLocation?.artifactLocation?.uri,
      l.location?.physicalLocation?.region?.startLine,
    ]);
    expect(flow).toEqual([
      ['modules/foundation/dynamodb.tf', 12],
      ['main.tf', 55],
      ['terraform.tfvars', 12],
    ]);
    // a finding without a trace has neither
    const sg = log.runs[0]!.results!.find((r) => r.ruleId === 'SI-1')!;
    expect(sg.relatedLocations).toBeUndefined();
    expect(sg.codeFlows).toBeUndefined();
  });

  it('text: "because ... from ..." under the finding, one step per line', () => {
    const text = render(failingResult(), 'text', { color: false });
    expect(text).toContain('\n             because module.foundation input pitr_enabled at main.tf:55\n');
    expect(text).toContain('\n                from var.pitr_enabled = false (set in terraform.tfvars) | *md* <b> at terraform.tfvars:12');
  });

  it('markdown: a clause of the finding, its text escaped', () => {
    // markdown lines are wrapped: the clause is read as one paragraph
    const md = render(failingResult(), 'markdown', { color: false }).replace(/\n\s*/g, ' ');
    expect(md).toContain('; because module.foundation input pitr\\_enabled at main.tf:55, from var.pitr\\_enabled \\= false');
    expect(md).toContain('\\*md\\*');
    expect(md).not.toContain('<b>');
  });

  it('JUnit: the steps under the finding in the failure text', () => {
    const xml = render(failingResult(), 'junit', { color: false });
    // (line breaks in XML text are written as character references)
    expect(xml).toContain('&#10;  because module.foundation input pitr_enabled at main.tf:55&#10;     from var.pitr_enabled = false');
  });

  it('JSON: trace[] with file, line, end_line and what, in that order', () => {
    const json = JSON.parse(render(failingResult(), 'json', { color: false })) as {
      invariants: { id: string; findings: { trace?: unknown[] }[] }[];
    };
    const trace = json.invariants.find((i) => i.id === 'SI-6')!.findings[0]!.trace!;
    expect(trace).toEqual(pitr().trace);
    expect(Object.keys(trace[0] as object)).toEqual(['file', 'line', 'end_line', 'what']);
  });
});
