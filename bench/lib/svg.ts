// Minimal, dependency-free SVG charts: grouped bars and line timelines.

export interface Bar {
  label: string;
  value: number;
}
export interface BarGroup {
  label: string;
  bars: Bar[];
}
export interface BarChartOptions {
  title: string;
  unit: string;
  groups: BarGroup[];
  /** Draws a dashed horizontal line, e.g. a target or line rate. */
  reference?: { label: string; value: number };
  /** Plots values on a log10 axis (for data spanning orders of magnitude). */
  log?: boolean;
}

const palette = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function fmt(value: number): string {
  if (value === 0) return '0';
  const abs = Math.abs(value);
  if (abs >= 100) return value.toFixed(0);
  if (abs >= 10) return value.toFixed(1);
  return value.toPrecision(3);
}

export function barChart(options: BarChartOptions): string {
  const { title, unit, groups, reference, log = false } = options;
  const seriesLabels = [...new Set(groups.flatMap((g) => g.bars.map((b) => b.label)))];
  const width = Math.max(640, 80 + groups.length * (seriesLabels.length * 22 + 30));
  const height = 420;
  const left = 70, right = 20, top = 50, bottom = 90;
  const plotW = width - left - right, plotH = height - top - bottom;
  const values = groups.flatMap((g) => g.bars.map((b) => b.value)).concat(reference ? [reference.value] : []);
  const positive = values.filter((v) => v > 0);
  const max = Math.max(...values, 1e-9) * 1.1;
  const min = log ? Math.min(...positive, max) / 2 : 0;
  const scale = (v: number): number => {
    if (!log) return plotH * (v / max);
    if (v <= 0) return 0;
    return plotH * ((Math.log10(v) - Math.log10(min)) / (Math.log10(max) - Math.log10(min)));
  };
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="11">`);
  parts.push(`<rect width="100%" height="100%" fill="white"/>`);
  parts.push(`<text x="${width / 2}" y="22" text-anchor="middle" font-size="15">${esc(title)}</text>`);
  parts.push(`<text x="16" y="${top + plotH / 2}" transform="rotate(-90 16 ${top + plotH / 2})" text-anchor="middle">${esc(unit)}${log ? ' (log scale)' : ''}</text>`);
  parts.push(`<line x1="${left}" y1="${top + plotH}" x2="${left + plotW}" y2="${top + plotH}" stroke="black"/>`);
  parts.push(`<line x1="${left}" y1="${top}" x2="${left}" y2="${top + plotH}" stroke="black"/>`);
  for (let i = 0; i <= 4; i++) {
    const v = log ? 10 ** (Math.log10(min) + ((Math.log10(max) - Math.log10(min)) * i) / 4) : (max * i) / 4;
    const y = top + plotH - scale(v);
    parts.push(`<line x1="${left - 4}" y1="${y}" x2="${left + plotW}" y2="${y}" stroke="#ddd"/>`);
    parts.push(`<text x="${left - 6}" y="${y + 4}" text-anchor="end">${fmt(v)}</text>`);
  }
  const groupW = plotW / Math.max(groups.length, 1);
  const barW = Math.min(22, (groupW - 12) / Math.max(seriesLabels.length, 1));
  groups.forEach((group, gi) => {
    const x0 = left + gi * groupW + (groupW - barW * seriesLabels.length) / 2;
    for (const bar of group.bars) {
      const si = seriesLabels.indexOf(bar.label);
      const h = scale(bar.value);
      const x = x0 + si * barW;
      parts.push(`<rect x="${x}" y="${top + plotH - h}" width="${barW - 2}" height="${h}" fill="${palette[si % palette.length]}"><title>${esc(`${group.label} / ${bar.label}: ${fmt(bar.value)} ${unit}`)}</title></rect>`);
      parts.push(`<text x="${x + barW / 2}" y="${top + plotH - h - 3}" text-anchor="middle" font-size="9">${fmt(bar.value)}</text>`);
    }
    parts.push(`<text x="${left + gi * groupW + groupW / 2}" y="${top + plotH + 16}" text-anchor="middle">${esc(group.label)}</text>`);
  });
  if (reference) {
    const y = top + plotH - scale(reference.value);
    parts.push(`<line x1="${left}" y1="${y}" x2="${left + plotW}" y2="${y}" stroke="#c00" stroke-dasharray="6 4"/>`);
    parts.push(`<text x="${left + plotW}" y="${y - 4}" text-anchor="end" fill="#c00">${esc(reference.label)}</text>`);
  }
  seriesLabels.forEach((label, si) => {
    const x = left + (si % 4) * 150, y = height - 40 + Math.floor(si / 4) * 16;
    parts.push(`<rect x="${x}" y="${y - 9}" width="10" height="10" fill="${palette[si % palette.length]}"/>`);
    parts.push(`<text x="${x + 14}" y="${y}">${esc(label)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}

export interface LineSeries {
  label: string;
  points: { x: number; y: number }[];
}
export interface LineChartOptions {
  title: string;
  xUnit: string;
  yUnit: string;
  series: LineSeries[];
  /** Vertical markers, e.g. the moments a driver crashed. */
  markers?: number[];
}

export function lineChart(options: LineChartOptions): string {
  const { title, xUnit, yUnit, series, markers = [] } = options;
  const width = 900, height = 400, left = 70, right = 20, top = 50, bottom = 60;
  const plotW = width - left - right, plotH = height - top - bottom;
  const xs = series.flatMap((s) => s.points.map((p) => p.x));
  const ys = series.flatMap((s) => s.points.map((p) => p.y));
  const xMin = Math.min(...xs, 0), xMax = Math.max(...xs, 1);
  const yMax = Math.max(...ys, 1e-9) * 1.1;
  const sx = (x: number): number => left + (plotW * (x - xMin)) / (xMax - xMin || 1);
  const sy = (y: number): number => top + plotH - (plotH * y) / yMax;
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="11">`);
  parts.push(`<rect width="100%" height="100%" fill="white"/>`);
  parts.push(`<text x="${width / 2}" y="22" text-anchor="middle" font-size="15">${esc(title)}</text>`);
  parts.push(`<text x="${left + plotW / 2}" y="${height - 20}" text-anchor="middle">${esc(xUnit)}</text>`);
  parts.push(`<text x="16" y="${top + plotH / 2}" transform="rotate(-90 16 ${top + plotH / 2})" text-anchor="middle">${esc(yUnit)}</text>`);
  parts.push(`<line x1="${left}" y1="${top + plotH}" x2="${left + plotW}" y2="${top + plotH}" stroke="black"/>`);
  parts.push(`<line x1="${left}" y1="${top}" x2="${left}" y2="${top + plotH}" stroke="black"/>`);
  for (let i = 0; i <= 4; i++) {
    const y = (yMax * i) / 4, x = xMin + ((xMax - xMin) * i) / 4;
    parts.push(`<text x="${left - 6}" y="${sy(y) + 4}" text-anchor="end">${fmt(y)}</text>`);
    parts.push(`<line x1="${left}" y1="${sy(y)}" x2="${left + plotW}" y2="${sy(y)}" stroke="#eee"/>`);
    parts.push(`<text x="${sx(x)}" y="${top + plotH + 16}" text-anchor="middle">${fmt(x)}</text>`);
  }
  for (const m of markers) {
    parts.push(`<line x1="${sx(m)}" y1="${top}" x2="${sx(m)}" y2="${top + plotH}" stroke="#c00" stroke-dasharray="3 3"/>`);
  }
  series.forEach((s, si) => {
    const d = s.points.map((p, i) => `${i === 0 ? 'M' : 'L'}${sx(p.x).toFixed(1)},${sy(p.y).toFixed(1)}`).join(' ');
    parts.push(`<path d="${d}" fill="none" stroke="${palette[si % palette.length]}" stroke-width="1.5"/>`);
    parts.push(`<text x="${left + 10 + si * 160}" y="${top - 8}" fill="${palette[si % palette.length]}">${esc(s.label)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}
