/**
 * An SVG chart of a backtest, written by hand (no canvas library): three panels over a shared time axis,
 * price, NAV (with the ideal constant-leverage path dashed) and leverage (with the band and the ripcord).
 * Several runs over the same prices are drawn on top of each other, one colour each.
 *
 * @packageDocumentation
 */
import type { StepRecord } from './engine.js';
import { downsample } from './report.js';

/** One run to draw. */
export interface ChartSeries {
  readonly name: string;
  readonly steps: readonly StepRecord[];
}

/** Horizontal reference lines of the leverage panel. */
export interface LeverageGuides {
  readonly minLeverage: number;
  readonly targetLeverage: number;
  readonly maxLeverage: number;
  readonly ripcordLeverage: number;
}

const COLOURS = ['#1f6feb', '#d1242f', '#1a7f37', '#8250df'];
const WIDTH = 960;
const PANEL = 200;
const GAP = 36;
const LEFT = 64;
const RIGHT = 150;
const TOP = 40;

const escape = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function niceTicks(min: number, max: number, count = 4): number[] {
  if (!(max > min)) return [min];
  const raw = (max - min) / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? raw;
  const ticks: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max + 1e-12; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

function formatTime(seconds: number, span: number): string {
  const iso = new Date(seconds * 1000).toISOString();
  return span > 3 * 86_400 ? iso.slice(0, 10) : iso.slice(5, 16).replace('T', ' ');
}

/** Renders the chart. */
export function renderChart(title: string, input: readonly ChartSeries[], guides?: LeverageGuides, maxPoints = 1500): string {
  // Long runs are thinned to `maxPoints` evenly spaced steps per line: the file stays small, the shape stays.
  const series = input.map((s) => ({ name: s.name, steps: downsample(s.steps, maxPoints) }));
  const base = series[0]?.steps ?? [];
  if (base.length === 0) throw new Error('renderChart needs at least one step');
  const t0 = base[0]!.timestamp;
  const t1 = base[base.length - 1]!.timestamp;
  const span = Math.max(1, t1 - t0);
  const plotWidth = WIDTH - LEFT - RIGHT;
  const x = (t: number): number => LEFT + ((t - t0) / span) * plotWidth;
  const out: string[] = [];
  const height = TOP + 3 * PANEL + 2 * GAP + 40;
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="${LEFT}" y="22" font-size="15" font-weight="bold">${escape(title)}</text>`,
  );

  const panel = (
    index: number,
    label: string,
    lines: { values: number[]; times: number[]; colour: string; dash?: boolean; name?: string }[],
    hlines: { value: number; label: string }[] = [],
  ): void => {
    const top = TOP + index * (PANEL + GAP);
    const finite = lines.flatMap((l) => l.values.filter(Number.isFinite)).concat(hlines.map((h) => h.value));
    let min = Math.min(...finite);
    let max = Math.max(...finite);
    if (!(max > min)) {
      min -= 1;
      max += 1;
    }
    const pad = (max - min) * 0.05;
    min -= pad;
    max += pad;
    const y = (v: number): number => top + PANEL - ((Math.min(Math.max(v, min), max) - min) / (max - min)) * PANEL;
    out.push(`<rect x="${LEFT}" y="${top}" width="${plotWidth}" height="${PANEL}" fill="none" stroke="#d0d7de"/>`);
    out.push(`<text x="${LEFT}" y="${top - 6}" font-weight="bold">${escape(label)}</text>`);
    for (const tick of niceTicks(min, max)) {
      out.push(
        `<line x1="${LEFT}" x2="${LEFT + plotWidth}" y1="${y(tick).toFixed(1)}" y2="${y(tick).toFixed(1)}" stroke="#eaeef2"/>`,
        `<text x="${LEFT - 6}" y="${(y(tick) + 4).toFixed(1)}" text-anchor="end">${tick}</text>`,
      );
    }
    for (const h of hlines) {
      out.push(
        `<line x1="${LEFT}" x2="${LEFT + plotWidth}" y1="${y(h.value).toFixed(1)}" y2="${y(h.value).toFixed(1)}" stroke="#999" stroke-dasharray="2,3"/>`,
        `<text x="${LEFT + plotWidth + 4}" y="${(y(h.value) + 4).toFixed(1)}" fill="#666">${escape(h.label)}</text>`,
      );
    }
    lines.forEach((line, li) => {
      const points = line.values
        .map((v, i) => `${x(line.times[i]!).toFixed(1)},${y(Number.isFinite(v) ? v : max).toFixed(1)}`)
        .join(' ');
      out.push(
        `<polyline fill="none" stroke="${line.colour}" stroke-width="1.3"${line.dash ? ' stroke-dasharray="5,3"' : ''} points="${points}"/>`,
      );
      if (line.name) {
        out.push(`<text x="${LEFT + plotWidth + 4}" y="${top + 12 + li * 14}" fill="${line.colour}">${escape(line.name)}</text>`);
      }
    });
  };

  const times = (steps: readonly StepRecord[]): number[] => steps.map((s) => s.timestamp);
  panel(0, 'price (quote per asset)', [{ values: base.map((s) => s.price), times: times(base), colour: '#24292f', name: 'market' }]);
  panel(1, 'NAV (asset units; dashed: ideal constant leverage, no costs)', [
    ...series.map((s, i) => ({ values: s.steps.map((p) => p.nav), times: times(s.steps), colour: COLOURS[i % COLOURS.length]!, name: s.name })),
    { values: base.map((s) => s.idealNav), times: times(base), colour: '#6e7781', dash: true, name: 'ideal' },
  ]);
  const leverageLines = series.map((s, i) => ({
    values: s.steps.map((p) => Math.min(p.leverage, 6)),
    times: times(s.steps),
    colour: COLOURS[i % COLOURS.length]!,
    name: s.name,
  }));
  const hlines = guides
    ? [
        { value: guides.minLeverage, label: `min ${guides.minLeverage}` },
        { value: guides.targetLeverage, label: `target ${guides.targetLeverage}` },
        { value: guides.maxLeverage, label: `max ${guides.maxLeverage}` },
        { value: guides.ripcordLeverage, label: `ripcord ${guides.ripcordLeverage}` },
      ]
    : [];
  panel(2, 'leverage at market price (capped at 6 in the drawing)', leverageLines, hlines);

  const axisY = TOP + 3 * PANEL + 2 * GAP + 16;
  for (let i = 0; i <= 4; i++) {
    const t = t0 + (span * i) / 4;
    out.push(`<text x="${x(t).toFixed(1)}" y="${axisY}" text-anchor="middle">${formatTime(t, span)} UTC</text>`);
  }
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
