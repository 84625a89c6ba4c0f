import type { Status } from '../../model/result.js';
import { markup, type Html } from './escape.js';

/**
 * The charts, drawn as inline SVG at render time. Hand-drawn rather than a charting library: the
 * page needs four simple shapes (bars against a threshold, a stacked bar, a histogram, a line with
 * a shaded band), and the SVG-without-a-DOM libraries that fit (ECharts' server-side renderer,
 * Vega) are megabytes of dependency for that, with output that would have to be re-checked for
 * determinism and escaping on every upgrade. Here every coordinate is rounded to 0.1 so the same
 * data gives the same bytes, and every label goes through the same escaping as the rest of the page.
 * (No xmlns: the HTML parser puts inline svg in the SVG namespace, and the page names no URL.)
 */

const n = (x: number): string => String(Math.round(x * 10) / 10);

/** An accessible SVG: role img, its title for screen readers and tooltips. */
function svg(width: number, height: number, label: string, body: Html | Html[]): Html {
  return markup`<svg width="${n(width)}" height="${n(height)}" viewBox="0 0 ${n(width)} ${n(height)}" role="img" aria-label="${label}"><title>${label}</title>${body}</svg>`;
}

/** One horizontal bar of counts by status (the verdict summary). */
export function stackedBar(parts: { status: Status; count: number; label: string }[], label: string, width = 560): Html {
  const total = parts.reduce((s, p) => s + p.count, 0);
  const h = 22;
  let x = 0;
  const rects: Html[] = [];
  for (const p of parts) {
    if (p.count === 0 || total === 0) continue;
    const w = (p.count / total) * width;
    rects.push(
      markup`<rect class="f-${p.status}" x="${n(x)}" y="0" width="${n(w)}" height="${h}"><title>${`${p.count} ${p.label}`}</title></rect>`,
    );
    if (w >= 22)
      rects.push(
        markup`<text x="${n(x + w / 2)}" y="15" text-anchor="middle" fill="#fff" font-size="12" font-weight="700">${p.count}</text>`,
      );
    x += w;
  }
  if (total === 0) rects.push(markup`<rect class="track" x="0" y="0" width="${width}" height="${h}"/>`);
  return svg(width, h, label, rects);
}

/** A small bar for a table cell: value out of max. */
export function miniBar(value: number, max: number, label: string, width = 120): Html {
  const w = max > 0 ? Math.max(1, (value / max) * width) : 0;
  return svg(width, 10, label, [
    markup`<rect class="track" x="0" y="1" width="${width}" height="8" rx="2"/>`,
    markup`<rect class="bar" x="0" y="1" width="${n(w)}" height="8" rx="2"/>`,
  ]);
}

export interface ThresholdBar {
  label: string;
  value: number | null;
  threshold: number;
  /** The scale's end: 1 for rates, else a round number above value and threshold. */
  max: number;
  pass: boolean;
  valueText: string;
  thresholdText: string;
}

/** Each criterion as a bar against its threshold (a dashed mark), pass or fail coloured. */
export function thresholdBars(rows: ThresholdBar[], label: string): Html {
  const labelW = 190;
  const barW = 330;
  const valW = 230;
  const rowH = 30;
  const body = rows.map((r, i) => {
    const y = 4 + i * rowH;
    const scale = (v: number): number => labelW + Math.min(1, Math.max(0, r.max > 0 ? v / r.max : 0)) * barW;
    const tx = scale(r.threshold);
    const bar =
      r.value === null
        ? markup`<text class="lbl" x="${labelW + 6}" y="${n(y + 16)}">not computed</text>`
        : markup`<rect class="${r.pass ? 'f-pass' : 'f-fail'}" x="${labelW}" y="${n(y + 5)}" width="${n(Math.max(1.5, scale(r.value) - labelW))}" height="14" rx="2"/>`;
    return markup`<g><text class="val" x="0" y="${n(y + 16)}">${r.label}</text><rect class="track" x="${labelW}" y="${n(y + 5)}" width="${barW}" height="14" rx="2"/>${bar}<line class="threshold" x1="${n(tx)}" y1="${n(y + 1)}" x2="${n(tx)}" y2="${n(y + 23)}"/><text class="lbl" x="${labelW + barW + 8}" y="${n(y + 16)}">${`${r.valueText} (${r.thresholdText})`}</text></g>`;
  });
  return svg(labelW + barW + valW, rows.length * rowH + 8, label, body);
}

/** A plot area: `left` for the y labels, `w` x `h` to draw in, 10 above, room right and below. */
interface Frame {
  left: number;
  top: number;
  w: number;
  h: number;
  width: number;
  height: number;
}
const frame = (left: number, w: number, h: number, right: number, bottom: number): Frame => ({
  left,
  top: 10,
  w,
  h,
  width: left + w + right,
  height: 10 + h + bottom,
});

/** A horizontal grid line at `y`, its value written left of the plot. */
const gridLine = (f: Frame, y: number, text: string | number): Html =>
  markup`<line class="grid-line" x1="${f.left}" y1="${n(y)}" x2="${f.left + f.w}" y2="${n(y)}"/><text class="lbl" x="${f.left - 5}" y="${n(y + 4)}" text-anchor="end">${text}</text>`;

/** The x axis, with its caption `below` under it. */
const xAxis = (f: Frame, caption: string, below: number): Html =>
  markup`<line class="axis" x1="${f.left}" y1="${f.top + f.h}" x2="${f.left + f.w}" y2="${f.top + f.h}"/><text class="lbl" x="${f.left + f.w / 2}" y="${f.top + f.h + below}" text-anchor="middle">${caption}</text>`;

/** Round ticks from 0 to at least max (counts: whole numbers), steps of 1, 2, 2.5 or 5 times a power of ten; the last is the top. */
function ticks(max: number): number[] {
  const raw = Math.max(1, max) / 4;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = Math.max(
    1,
    [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= raw && Number.isInteger(s))!,
  );
  const out: number[] = [];
  for (let t = 0; t < max + step; t += step) out.push(t);
  return out;
}

/** A histogram of counts in equal bins over [0, 1]. */
export function histogram(bins: { from: number; to: number; count: number }[], label: string, xLabel: string): Html {
  const f = frame(36, 420, 150, 20, 36);
  const { left, top, w, h } = f;
  const scale = ticks(Math.max(1, ...bins.map((b) => b.count)));
  const max = scale.at(-1)!;
  const bw = w / Math.max(1, bins.length);
  const parts: Html[] = scale.map((t) => gridLine(f, top + h - (t / max) * h, t));
  bins.forEach((b, i) => {
    if (b.count === 0) return;
    const bh = (b.count / max) * h;
    parts.push(
      markup`<rect class="bar" x="${n(left + i * bw + 1)}" y="${n(top + h - bh)}" width="${n(bw - 2)}" height="${n(bh)}"><title>${`${b.from.toFixed(2)}-${b.to.toFixed(2)}: ${b.count}`}</title></rect>`,
    );
  });
  for (let i = 0; i <= 4; i++)
    parts.push(
      markup`<text class="lbl" x="${n(left + (i / 4) * w)}" y="${top + h + 14}" text-anchor="middle">${(i / 4).toFixed(2)}</text>`,
    );
  parts.push(xAxis(f, xLabel, 30));
  return svg(f.width, f.height, label, parts);
}

export interface DailyPoint {
  day: string;
  value: number | null;
  reviewed: number;
}

/**
 * A daily rate over the window in [0, 1]: the line (gaps where a day has no value), the band below
 * `band` shaded, and the runs that trigger a rule (e.g. 7 days under 0.90) shaded over their days.
 */
export function dailyLine(
  points: DailyPoint[],
  opts: { label: string; band: number; runs: { from: string; to: string }[]; xLabel: string },
): Html {
  const f = frame(40, 560, 170, 12, 40);
  const { left, top, w, h } = f;
  // the y axis starts at the floor below the lowest value (or 0.5), so a dip under the band is visible
  const lows = points.flatMap((p) => (p.value === null ? [] : [p.value]));
  const floor = Math.max(0, Math.min(0.5, Math.floor(Math.min(opts.band, ...lows) * 10) / 10 - 0.1));
  const y = (v: number): number => top + h - ((v - floor) / (1 - floor)) * h;
  const step = points.length > 1 ? w / (points.length - 1) : 0;
  const x = (i: number): number => left + (points.length > 1 ? i * step : w / 2);
  const parts: Html[] = [
    markup`<rect class="band" x="${left}" y="${n(y(opts.band))}" width="${w}" height="${n(top + h - y(opts.band))}"/>`,
  ];
  for (const r of opts.runs) {
    const i0 = points.findIndex((p) => p.day === r.from);
    const i1 = points.findIndex((p) => p.day === r.to);
    if (i0 < 0 || i1 < 0) continue;
    const half = step / 2 || 6;
    const x0 = Math.max(left, x(i0) - half);
    const x1 = Math.min(left + w, x(i1) + half);
    parts.push(
      markup`<rect class="run" x="${n(x0)}" y="${top}" width="${n(x1 - x0)}" height="${h}"><title>${`${r.from} .. ${r.to}`}</title></rect>`,
    );
  }
  for (let i = 0; i <= 5; i++) {
    const v = floor + ((1 - floor) * i) / 5;
    parts.push(gridLine(f, y(v), v.toFixed(2)));
  }
  parts.push(
    markup`<line class="threshold" x1="${left}" y1="${n(y(opts.band))}" x2="${left + w}" y2="${n(y(opts.band))}"/><text class="lbl" x="${left + w - 4}" y="${n(y(opts.band) - 4)}" text-anchor="end">${opts.band.toFixed(2)}</text>`,
  );
  // the line, broken where a day has no value
  let seg: string[] = [];
  const flush = (): void => {
    if (seg.length > 1) parts.push(markup`<polyline class="line" points="${seg.join(' ')}"/>`);
    seg = [];
  };
  points.forEach((p, i) => {
    if (p.value === null) return flush();
    seg.push(`${n(x(i))},${n(y(p.value))}`);
    parts.push(
      markup`<circle class="pt" cx="${n(x(i))}" cy="${n(y(p.value))}" r="2.5"><title>${`${p.day}: ${p.value} (${p.reviewed} reviewed)`}</title></circle>`,
    );
  });
  flush();
  // the first, middle and last day under the axis
  const marks = [...new Set([0, Math.floor((points.length - 1) / 2), points.length - 1])].filter((i) => i >= 0 && points[i]);
  for (const i of marks) {
    const anchor = points.length > 1 && i === 0 ? 'start' : points.length > 1 && i === points.length - 1 ? 'end' : 'middle';
    parts.push(markup`<text class="lbl" x="${n(x(i))}" y="${top + h + 14}" text-anchor="${anchor}">${points[i]!.day}</text>`);
  }
  parts.push(xAxis(f, opts.xLabel, 32));
  return svg(f.width, f.height, opts.label, parts);
}
