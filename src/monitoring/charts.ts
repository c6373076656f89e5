// Charts as PNG without a browser: an SVG built here, rasterised by resvg (a Rust renderer shipped
// prebuilt inside its npm package). The DejaVu fonts come from an npm package too, so Cyrillic and
// Kazakh letters render the same in Docker, CI and on a laptop; system fonts are the fallback.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

type Renderer = typeof import('@resvg/resvg-js');
let renderer: Renderer | undefined;

/**
 * The renderer, loaded on the first chart: a bot that serves no report never loads its native
 * library (~4 MB of RSS at start). Loaded with require, which keeps rendering synchronous; a
 * missing or broken package is named in the error (the report fails, the bot does not).
 */
function resvg(): Renderer {
  if (!renderer) {
    try {
      renderer = createRequire(import.meta.url)('@resvg/resvg-js') as Renderer;
    } catch (error) {
      throw new Error(
        `charts: the PNG renderer @resvg/resvg-js could not be loaded (${error instanceof Error ? error.message : String(error)})`,
        { cause: error },
      );
    }
  }
  return renderer;
}

export interface Chart {
  filename: string;
  title: string;
  png: Buffer;
}

const FONT_FAMILY = 'DejaVu Sans';

function fontFiles(): string[] {
  try {
    const dir = join(dirname(createRequire(import.meta.url).resolve('dejavu-fonts-ttf/package.json')), 'ttf');
    return ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf'].map((f) => join(dir, f)).filter((f) => existsSync(f));
  } catch {
    return [];
  }
}

let fonts: string[] | undefined;

export function renderPng(svg: string): Buffer {
  fonts ??= fontFiles();
  const { Resvg } = resvg();
  const image = new Resvg(svg, {
    // Debian's fonts-dejavu-core is the fallback when the npm font package is missing.
    font: { fontFiles: fonts, loadSystemFonts: fonts.length === 0, defaultFontFamily: FONT_FAMILY },
    background: '#ffffff',
  });
  return image.render().asPng();
}

const escapeXml = (s: string) =>
  s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);

/** Labels are cut to fit the left margin; the full text is in the table next to the chart. */
function clipText(label: string, max: number): string {
  return label.length <= max ? label : `${label.slice(0, max - 1)}…`;
}

const WIDTH = 900;
const LABEL_WIDTH = 340;
const BAR_HEIGHT = 26;
const GAP = 12;
const TOP = 64;

function frame(height: number, title: string, body: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="${FONT_FAMILY}">
<rect width="100%" height="100%" fill="#ffffff"/>
<text x="24" y="36" font-size="20" font-weight="bold" fill="#1f2933">${escapeXml(clipText(title, 70))}</text>
${body}
</svg>`;
}

function noData(title: string, message: string): string {
  return frame(140, title, `<text x="24" y="96" font-size="16" fill="#52606d">${escapeXml(message)}</text>`);
}

export interface BarDatum {
  label: string;
  /** 0..1 */
  value: number | null;
  note?: string;
}

/** Horizontal bars of shares (response rate per questionnaire and occasion). */
export function barChartSvg(title: string, data: readonly BarDatum[], emptyText: string): string {
  if (data.length === 0) return noData(title, emptyText);
  const plot = WIDTH - LABEL_WIDTH - 110;
  const height = TOP + data.length * (BAR_HEIGHT + GAP) + 40;
  const grid = [0, 0.25, 0.5, 0.75, 1]
    .map((g) => {
      const x = LABEL_WIDTH + g * plot;
      return `<line x1="${x}" y1="${TOP - 8}" x2="${x}" y2="${height - 34}" stroke="#e4e7eb"/><text x="${x}" y="${height - 16}" font-size="12" fill="#7b8794" text-anchor="middle">${g * 100}%</text>`;
    })
    .join('\n');
  const bars = data
    .map((d, i) => {
      const y = TOP + i * (BAR_HEIGHT + GAP);
      const w = Math.max(0, Math.min(1, d.value ?? 0)) * plot;
      const shown = d.value === null ? '—' : `${(Math.round(d.value * 1000) / 10).toString().replace('.', ',')}%`;
      return `<text x="${LABEL_WIDTH - 12}" y="${y + BAR_HEIGHT / 2 + 5}" font-size="14" fill="#323f4b" text-anchor="end">${escapeXml(clipText(d.label, 36))}</text>
<rect x="${LABEL_WIDTH}" y="${y}" width="${w.toFixed(1)}" height="${BAR_HEIGHT}" fill="#3e7cb1" rx="3"/>
<text x="${LABEL_WIDTH + w + 8}" y="${y + BAR_HEIGHT / 2 + 5}" font-size="13" fill="#323f4b">${escapeXml(shown + (d.note ? ` ${d.note}` : ''))}</text>`;
    })
    .join('\n');
  return frame(height, title, `${grid}\n${bars}`);
}

export interface StackedDatum {
  label: string;
  /** Count per scale point 1..max. */
  counts: readonly number[];
}

/** Red for the low end of a scale through grey to green for the high end. */
export function scaleColours(points: number): string[] {
  const low = [201, 62, 62];
  const mid = [203, 210, 217];
  const high = [46, 139, 87];
  return Array.from({ length: points }, (_, i) => {
    const p = points === 1 ? 1 : i / (points - 1);
    const [a, b, f] = p < 0.5 ? [low, mid, p * 2] : [mid, high, (p - 0.5) * 2];
    return `rgb(${a.map((c, k) => Math.round(c + (b[k]! - c) * f)).join(',')})`;
  });
}

/** 100 % stacked bars: the share of each scale point per question (Likert distribution). */
export function stackedChartSvg(
  title: string,
  data: readonly StackedDatum[],
  points: number,
  emptyText: string,
): string {
  if (data.length === 0 || points < 1) return noData(title, emptyText);
  const plot = WIDTH - LABEL_WIDTH - 60;
  const colours = scaleColours(points);
  const legendY = TOP + data.length * (BAR_HEIGHT + GAP) + 10;
  const height = legendY + 40;
  const bars = data
    .map((d, i) => {
      const y = TOP + i * (BAR_HEIGHT + GAP);
      const total = d.counts.reduce((s, n) => s + n, 0);
      let x = LABEL_WIDTH;
      const parts = d.counts
        .map((n, p) => {
          if (total === 0 || n === 0) return '';
          const w = (n / total) * plot;
          const share = Math.round((n / total) * 100);
          const part = `<rect x="${x.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="${BAR_HEIGHT}" fill="${colours[p]}"/>${w > 30 ? `<text x="${(x + w / 2).toFixed(1)}" y="${y + BAR_HEIGHT / 2 + 5}" font-size="12" fill="#1f2933" text-anchor="middle">${share}%</text>` : ''}`;
          x += w;
          return part;
        })
        .join('');
      return `<text x="${LABEL_WIDTH - 12}" y="${y + BAR_HEIGHT / 2 + 5}" font-size="14" fill="#323f4b" text-anchor="end">${escapeXml(clipText(d.label, 36))}</text>${parts}<text x="${LABEL_WIDTH + plot + 8}" y="${y + BAR_HEIGHT / 2 + 5}" font-size="12" fill="#7b8794">n=${total}</text>`;
    })
    .join('\n');
  const legend = colours
    .map(
      (c, p) =>
        `<rect x="${LABEL_WIDTH + p * 60}" y="${legendY}" width="16" height="16" fill="${c}"/><text x="${LABEL_WIDTH + p * 60 + 22}" y="${legendY + 13}" font-size="13" fill="#323f4b">${p + 1}</text>`,
    )
    .join('');
  return frame(height, title, `${bars}\n${legend}`);
}
