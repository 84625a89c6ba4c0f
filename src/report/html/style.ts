import type { Status } from '../../model/result.js';

/**
 * The page's one stylesheet: inline (the CSP allows it by its hash, nothing else), screen and print.
 * Each status has one colour everywhere (grid, NIST matrix, heat map, charts); the status word is
 * always printed too, so the page reads in black and white and for colour-blind readers.
 */
export const STATUS_COLOR: Record<Status, string> = {
  pass: '#1a7f37',
  fail: '#cf222e',
  error: '#9a6700',
  not_applicable: '#6e7781',
  suppressed: '#8250df',
};

/** Lighter fills for large areas (table cells of the heat map), same hue. */
export const STATUS_TINT: Record<Status, string> = {
  pass: '#dafbe1',
  fail: '#ffebe9',
  error: '#fff8c5',
  not_applicable: '#eaeef2',
  suppressed: '#fbefff',
};

const statusRules = (Object.keys(STATUS_COLOR) as Status[])
  .map(
    (s) =>
      `.s-${s}{--c:${STATUS_COLOR[s]};--t:${STATUS_TINT[s]}}` +
      // the grid cell and the status badge: white text on the status colour
      `.cell.s-${s},.badge.s-${s},.dot.s-${s}{background:${STATUS_COLOR[s]};color:#fff}` +
      // a verdict cell of the drift report (the code's and the account's side), the same
      `td.v.s-${s}{background:${STATUS_COLOR[s]};color:#fff}` +
      `.heat td.s-${s}{background:${STATUS_TINT[s]};color:#1f2328}` +
      `svg .f-${s}{fill:${STATUS_COLOR[s]}}`,
  )
  .join('\n');

export const CSS = `
:root{color-scheme:light;--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--bg:#fff;--soft:#f6f8fa}
*{box-sizing:border-box}
html{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",Helvetica,Arial,sans-serif;color:var(--fg);background:var(--bg)}
body{margin:0}
header.top{padding:18px 28px 14px;border-bottom:4px solid var(--c);background:var(--t)}
header.top h1{margin:0 0 4px;font-size:1.5rem}
.verdict{margin:0;font-size:1.15rem;font-weight:650;color:var(--c)}
main{padding:8px 28px 28px;max-width:1280px}
h2{font-size:1.2rem;margin:26px 0 10px;padding-bottom:4px;border-bottom:1px solid var(--line)}
h3{font-size:1rem;margin:16px 0 6px}
code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace;font-size:.86em;overflow-wrap:anywhere}
p{margin:6px 0}
.muted{color:var(--muted)}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px;margin:6px 0}
dl.facts dt{color:var(--muted)}
dl.facts dd{margin:0;overflow-wrap:anywhere}
table{border-collapse:collapse;margin:6px 0 10px;font-size:.9rem}
th,td{border:1px solid var(--line);padding:3px 7px;text-align:left;vertical-align:top}
th{background:var(--soft);font-weight:600}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
.wide{width:100%}
.scroll{overflow-x:auto}
.badge{display:inline-block;padding:0 7px;border-radius:10px;font-size:.8rem;font-weight:600;white-space:nowrap}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(146px,1fr));gap:7px;margin:8px 0}
.cell{display:block;border-radius:6px;padding:6px 8px;text-decoration:none;min-height:88px}
.cell .top{display:flex;justify-content:space-between;align-items:baseline;gap:6px}
.cell .id{font-weight:700;font-size:1rem;white-space:nowrap}
.cell .st{font-size:.7rem;font-weight:700;text-transform:uppercase;letter-spacing:.03em;text-align:right}
.cell .t{display:block;font-size:.78rem;line-height:1.25;margin-top:3px}
.cell .m{display:block;font-size:.72rem;margin-top:4px;opacity:.92}
.legend{display:flex;flex-wrap:wrap;gap:6px 14px;font-size:.82rem;margin:4px 0}
.legend span{display:inline-flex;align-items:center;gap:5px}
.dot{display:inline-block;width:11px;height:11px;border-radius:3px}
table.matrix td,table.matrix th{text-align:center;padding:3px 5px}
table.matrix th,table.heat th{white-space:nowrap}
table.matrix td.tenet,table.matrix th.tenet{text-align:left;max-width:320px}
table.matrix .mark{display:inline-block;min-width:20px;border-radius:4px;color:#fff;background:var(--c);font-weight:700;font-size:.8rem}
table.heat td{text-align:center;font-size:.78rem;font-weight:600;min-width:54px}
table.heat td.acct,table.heat th.acct{text-align:left;font-weight:400}
tr.declared td,td.declared,th.declared{background:#ddf4ff}
td.bad{background:#ffebe9;font-weight:600}
details.inv{border:1px solid var(--line);border-left:6px solid var(--c);border-radius:6px;margin:8px 0;padding:0 12px}
details.inv>summary{cursor:pointer;padding:8px 0;font-weight:600}
details.inv>summary .title,details.inv>summary .muted{font-weight:400}
details.inv[open]>summary{border-bottom:1px solid var(--line);margin-bottom:6px}
details.sub>summary{cursor:pointer;color:var(--muted)}
td.v{text-align:center;font-weight:700;font-size:.8rem;white-space:nowrap}
article.item{border:1px solid var(--line);border-left:6px solid var(--c);border-radius:6px;margin:8px 0;padding:2px 12px 6px}
article.item h3{margin:6px 0 4px}
ul.impacts{padding-left:20px;margin:4px 0}
ul.findings{padding-left:20px;margin:4px 0}
ul.findings>li{margin:5px 0}
ol.trace{margin:2px 0;padding-left:22px;font-size:.88rem}
.remediation{background:var(--soft);border-radius:6px;padding:4px 12px;margin:8px 0}
.charts{display:flex;flex-wrap:wrap;gap:18px;align-items:flex-start}
figure{margin:6px 0}
figcaption{font-size:.82rem;color:var(--muted)}
svg{max-width:100%;height:auto}
svg text{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif}
svg .axis{stroke:#8c959f;stroke-width:1}
svg .grid-line{stroke:#eaeef2;stroke-width:1}
svg .threshold{stroke:#1f2328;stroke-width:2;stroke-dasharray:4 3}
svg .band{fill:#cf222e;fill-opacity:.10}
svg .run{fill:#cf222e;fill-opacity:.22}
svg .line{fill:none;stroke:#0969da;stroke-width:2}
svg .pt{fill:#0969da}
svg .bar{fill:#0969da}
svg .track{fill:#eaeef2}
svg .lbl{font-size:11px;fill:#59636e}
svg .val{font-size:11px;fill:#1f2328}
footer{padding:10px 28px 24px;color:var(--muted);font-size:.8rem;border-top:1px solid var(--line)}
${statusRules}
@media print{
  @page{size:A4;margin:12mm 11mm}
  html{font-size:10.5pt}
  header.top{padding:0 0 6px;background:none}
  main{padding:0;max-width:none}
  footer{padding:6px 0 0}
  .scroll{overflow:visible}
  a{color:inherit;text-decoration:none}
  *{-webkit-print-color-adjust:exact;print-color-adjust:exact}
  details::details-content{content-visibility:visible;display:block}
  details>summary{list-style:none}
  details.inv{break-inside:auto;page-break-inside:auto}
  h2,h3,summary{break-after:avoid;page-break-after:avoid}
  tr,.cell,figure,article.item{break-inside:avoid;page-break-inside:avoid}
  .grid{grid-template-columns:repeat(5,1fr);gap:5px}
  table{font-size:8pt}
  table.matrix,table.heat{font-size:6.5pt}
  table.matrix th,table.heat th{white-space:normal}
  table.matrix td,table.matrix th,table.heat td,table.heat th{padding:2px 2px;min-width:0;font-size:6.5pt}
  table.matrix td.tenet{max-width:130px}
  .cell{min-height:0}
  section.page{break-before:page;page-break-before:always}
}
`.trim();
