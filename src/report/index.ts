import type { CheckResult } from '../model/result.js';
import { renderJson } from './json.js';
import { renderJunit } from './junit.js';
import { renderMarkdown } from './markdown.js';
import { renderOcsf } from './ocsf.js';
import { asffUnavailable, renderAsff } from './asff.js';
import { renderSarif, type UriBase } from './sarif.js';
import { renderText } from './text.js';
import { renderHtml } from './html/index.js';

export type Format = 'text' | 'json' | 'sarif' | 'markdown' | 'junit' | 'ocsf' | 'asff' | 'html' | 'pdf';
export const FORMATS: readonly Format[] = ['text', 'json', 'sarif', 'markdown', 'junit', 'ocsf', 'asff', 'html', 'pdf'];

export interface RenderOptions {
  /** ANSI colours in text output (the CLI turns them off for --no-color, NO_COLOR and non-TTYs). */
  color: boolean;
  /** Text output: only failing and undecidable invariants, then the summary. */
  quiet?: boolean;
  /** Text output: what passed or does not apply in one line, no suppressed findings, a one-line summary. */
  compact?: boolean;
  /** SARIF: the repository root artifact URIs are relative to (the CLI finds it), and the working directory. */
  sarifRoot?: UriBase;
}

/** Default file extension per format, for output directories. */
export const FORMAT_EXTENSIONS: Record<Format, string> = {
  text: 'txt',
  json: 'json',
  sarif: 'sarif',
  markdown: 'md',
  junit: 'xml',
  ocsf: 'ocsf.json',
  asff: 'asff.json',
  html: 'html',
  pdf: 'pdf',
};

export function isFormat(s: string): s is Format {
  return (FORMATS as readonly string[]).includes(s);
}

/**
 * Why a format cannot render this result (undefined when it can): an ASFF finding belongs to an AWS
 * account and region, which a static result does not have. The CLI refuses such a run (exit 2)
 * before it writes anything.
 */
export function formatUnavailable(result: CheckResult, format: Format): string | undefined {
  return format === 'asff' ? asffUnavailable(result) : undefined;
}

/**
 * Renders the one result object in a format. Every reporter reads only the result (and the rule
 * metadata in rules/), and is deterministic: the same result gives byte-identical output.
 * Redact secrets first (redactResult); reporters print what they are given.
 */
export function render(result: CheckResult, format: Format, opts: RenderOptions): string {
  switch (format) {
    case 'text':
      return renderText(result, opts);
    case 'json':
      return renderJson(result);
    case 'sarif':
      return renderSarif(result, opts.sarifRoot);
    case 'markdown':
      return renderMarkdown(result);
    case 'junit':
      return renderJunit(result);
    case 'ocsf':
      return renderOcsf(result);
    case 'asff':
      return renderAsff(result);
    // pdf: the page the PDF is printed from; the CLI prints it with headless Chromium (src/report/pdf.ts)
    case 'html':
    case 'pdf':
      return renderHtml(result);
  }
}
