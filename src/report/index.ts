import type { CheckResult } from '../model/result.js';

export type Format = 'text' | 'json' | 'sarif' | 'markdown' | 'junit';
export const FORMATS: readonly Format[] = ['text', 'json', 'sarif', 'markdown', 'junit'];

export interface RenderOptions {
  color: boolean;
  quiet?: boolean;
}

/** Renders the one result object in a format. (Interim: json and plain text; issue 4 brings the rest.) */
export function render(result: CheckResult, format: Format, _opts: RenderOptions): string {
  if (format === 'json') return `${JSON.stringify(result, null, 2)}\n`;
  const lines: string[] = [];
  for (const inv of result.invariants) {
    lines.push(`${inv.id} ${inv.status.toUpperCase()} ${inv.title}${inv.reason ? ` (${inv.reason})` : ''}`);
    for (const f of inv.findings) {
      const loc = f.file ? `${f.file}:${f.line ?? 0}` : (f.arn ?? '');
      lines.push(`  ${f.status} ${f.resource} ${loc} ${f.message}`);
    }
  }
  const s = result.summary;
  lines.push(`pass ${s.pass}, fail ${s.fail}, error ${s.error}, not_applicable ${s.not_applicable}, suppressed ${s.suppressed}`);
  return `${lines.join('\n')}\n`;
}
