import { createHash } from 'node:crypto';
import { markup, trusted, type Html } from './escape.js';
import { CSS } from './style.js';

/**
 * The page shell: one self-contained file. The Content-Security-Policy allows exactly the one
 * inline stylesheet (by its sha256) and nothing else: no script, no image, font, frame or
 * connection, no base URL and no form target, so even markup that slipped through escaping could
 * neither run nor fetch. Inline SVG is markup, not a fetch, so it needs no source.
 */
export const STYLE_HASH = `sha256-${createHash('sha256').update(CSS).digest('base64')}`;
export const CSP = `default-src 'none'; style-src '${STYLE_HASH}'; base-uri 'none'; form-action 'none'`;

export function page(opts: { title: string; generator: string; header: Html; body: Html; footer: Html; tone: string }): string {
  // (the style element holds exactly CSS: its hash is the one the policy allows)
  const doc = markup`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="${opts.generator}">
<title>${opts.title}</title>
<style>${trusted(CSS)}</style>
</head>
<body>
<header class="top ${opts.tone}">
${opts.header}
</header>
<main>
${opts.body}
</main>
<footer>
${opts.footer}
</footer>
</body>
</html>
`;
  return doc.text;
}
