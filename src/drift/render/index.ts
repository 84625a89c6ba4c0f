import type { Format } from '../../report/index.js';
import type { UriBase } from '../../report/sarif.js';
import type { DriftResult } from '../model.js';
import { renderDriftHtml } from './html.js';
import { renderDriftJson } from './json.js';
import { renderDriftJunit } from './junit.js';
import { renderDriftMarkdown } from './markdown.js';
import { renderDriftSarif } from './sarif.js';
import { renderDriftText } from './text.js';

/** The drift result in one of the report formats (deterministic: the same result gives the same bytes). */
export function renderDrift(r: DriftResult, format: Format, opts: { color: boolean; quiet?: boolean; sarifRoot?: UriBase }): string {
  switch (format) {
    case 'text':
      return renderDriftText(r, opts);
    case 'json':
      return renderDriftJson(r);
    case 'markdown':
      return renderDriftMarkdown(r);
    case 'sarif':
      return renderDriftSarif(r, opts.sarifRoot);
    case 'junit':
      return renderDriftJunit(r);
    // pdf: the page the PDF is printed from; the CLI prints it with headless Chromium (src/report/pdf.ts)
    case 'html':
    case 'pdf':
      return renderDriftHtml(r);
    default:
      throw new Error(`ztait drift does not render ${String(format)}`);
  }
}
