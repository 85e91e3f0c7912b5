/**
 * What a run means: NAV, drawdown, health, costs, the leverage distribution and the tracking against the
 * ideal constant-leverage path; as a plain object (the JSON file) and as a terminal table.
 *
 * NAV is in asset units (what a share of a WETH vault is worth in WETH); drawdown and tracking are measured
 * on NAV in quote units (NAV × price, the dollars a holder of a 2x ETH product watches).
 *
 * @packageDocumentation
 */
import { fromWad } from './config.js';
import type { BacktestRun, StepRecord } from './engine.js';

/** Upper edges of the leverage histogram's buckets (the last bucket is open). */
export const LEVERAGE_BUCKET_EDGES = [1.5, 1.7, 1.9, 2.1, 2.3, 2.5, 2.7] as const;

/** One bucket of the realised-leverage histogram. */
export interface LeverageBucket {
  readonly label: string;
  /** Fraction of bars whose close-of-bar leverage (at the market price) fell in it. */
  readonly fraction: number;
}

/** The summary of one run, as written to JSON. */
export interface BacktestReport {
  readonly policy: string;
  readonly source: string;
  readonly bars: number;
  readonly from: number;
  readonly to: number;
  readonly initialNav: number;
  readonly finalNav: number;
  /** Final NAV in quote units and the ideal path's. */
  readonly finalNavQuote: number;
  readonly idealFinalNav: number;
  readonly maxDrawdown: number;
  readonly minHealthFactor: number;
  readonly liquidated: boolean;
  readonly liquidation: BacktestRun['liquidation'];
  readonly maxLeverage: number;
  readonly maxOracleLeverage: number;
  readonly ripcordBars: number;
  readonly ripcordUnfixableBars: number;
  readonly rebalances: {
    readonly count: number;
    readonly keeper: number;
    readonly ripcord: number;
    readonly shrunk: number;
    readonly refused: number;
    readonly swapCost: number;
    readonly gasCost: number;
    readonly totalCost: number;
  };
  readonly leverageHistogram: readonly LeverageBucket[];
  readonly trackingError: {
    /** Standard deviation of per-bar return differences vs the ideal path, annualised. */
    readonly annualised: number;
    /** Final NAV over the ideal path's, minus 1. */
    readonly finalGap: number;
  };
  readonly navPath: readonly StepRecord[];
}

function bucketLabel(index: number): string {
  const edges = LEVERAGE_BUCKET_EDGES;
  if (index === 0) return `<${edges[0]}`;
  if (index === edges.length) return `>=${edges[edges.length - 1]}`;
  return `${edges[index - 1]}-${edges[index]}`;
}

/** Fraction of steps in each leverage bucket. */
export function leverageHistogram(steps: readonly StepRecord[]): LeverageBucket[] {
  const counts = new Array<number>(LEVERAGE_BUCKET_EDGES.length + 1).fill(0);
  for (const step of steps) {
    let index = LEVERAGE_BUCKET_EDGES.findIndex((edge) => step.leverage < edge);
    if (index < 0) index = LEVERAGE_BUCKET_EDGES.length;
    counts[index]! += 1;
  }
  return counts.map((count, index) => ({ label: bucketLabel(index), fraction: steps.length ? count / steps.length : 0 }));
}

/** Largest peak-to-trough fall of a series, as a fraction of the peak. */
export function maxDrawdown(values: readonly number[]): number {
  let peak = -Infinity;
  let worst = 0;
  for (const value of values) {
    peak = Math.max(peak, value);
    if (peak > 0) worst = Math.max(worst, 1 - value / peak);
  }
  return worst;
}

/** Annualised standard deviation of the per-step return differences of two series sampled at `timestamps`. */
export function trackingError(actual: readonly number[], ideal: readonly number[], timestamps: readonly number[]): number {
  const diffs: number[] = [];
  for (let i = 1; i < actual.length; i++) {
    const a = actual[i - 1]!;
    const b = ideal[i - 1]!;
    if (a <= 0 || b <= 0) break;
    diffs.push(actual[i]! / a - ideal[i]! / b);
  }
  if (diffs.length < 2) return 0;
  const mean = diffs.reduce((s, d) => s + d, 0) / diffs.length;
  const variance = diffs.reduce((s, d) => s + (d - mean) ** 2, 0) / (diffs.length - 1);
  const span = timestamps[timestamps.length - 1]! - timestamps[0]!;
  const stepsPerYear = span > 0 ? (365 * 86_400 * diffs.length) / span : 0;
  return Math.sqrt(variance * stepsPerYear);
}

/** Keeps at most `limit` evenly spaced steps (always the first and the last). */
export function downsample<T>(items: readonly T[], limit: number): T[] {
  if (items.length <= limit) return [...items];
  const out: T[] = [];
  for (let i = 0; i < limit; i++) out.push(items[Math.round((i * (items.length - 1)) / (limit - 1))]!);
  return out;
}

/** Summarises a run. */
export function summarise(run: BacktestRun, source: string, pathPoints = 1000): BacktestReport {
  const { steps, trades } = run;
  const last = steps[steps.length - 1]!;
  const quote = steps.map((s) => s.nav * s.price);
  const idealQuote = steps.map((s) => s.idealNav * s.price);
  const swapCost = trades.reduce((s, t) => s + t.swapCost, 0);
  const gasCost = trades.reduce((s, t) => s + t.gasCost, 0);
  return {
    policy: run.config.policy.name,
    source,
    bars: steps.length,
    from: steps[0]!.timestamp,
    to: last.timestamp,
    initialNav: fromWad(run.config.market.initialEquity),
    finalNav: last.nav,
    finalNavQuote: last.nav * last.price,
    idealFinalNav: last.idealNav,
    maxDrawdown: maxDrawdown(quote),
    minHealthFactor: steps.reduce((m, s) => Math.min(m, s.healthFactor), Infinity),
    liquidated: run.liquidation !== null,
    liquidation: run.liquidation,
    maxLeverage: steps.reduce((m, s) => Math.max(m, s.leverage), 0),
    maxOracleLeverage: run.maxOracleLeverage,
    ripcordBars: run.ripcordBars,
    ripcordUnfixableBars: run.ripcordUnfixableBars,
    rebalances: {
      count: trades.length,
      keeper: trades.filter((t) => t.kind === 'rebalance').length,
      ripcord: trades.filter((t) => t.kind === 'ripcord').length,
      shrunk: trades.filter((t) => t.shrunk).length,
      refused: run.refusals.length,
      swapCost,
      gasCost,
      totalCost: swapCost + gasCost,
    },
    leverageHistogram: leverageHistogram(steps),
    trackingError: {
      annualised: trackingError(quote, idealQuote, steps.map((s) => s.timestamp)),
      finalGap: last.idealNav > 0 ? last.nav / last.idealNav - 1 : 0,
    },
    navPath: downsample(steps, pathPoints),
  };
}

const pct = (x: number): string => `${(x * 100).toFixed(2)}%`;
const num = (x: number, digits = 3): string => (Number.isFinite(x) ? x.toFixed(digits) : 'inf');

/** The rows of the comparison table, one column per report. */
export function tableRows(reports: readonly BacktestReport[]): string[][] {
  const row = (label: string, f: (r: BacktestReport) => string): string[] => [label, ...reports.map(f)];
  return [
    row('policy', (r) => r.policy),
    row('final NAV (asset)', (r) => num(r.finalNav, 2)),
    row('ideal constant-leverage NAV', (r) => num(r.idealFinalNav, 2)),
    row('max drawdown (quote)', (r) => pct(r.maxDrawdown)),
    row('min health factor', (r) => num(r.minHealthFactor)),
    row('liquidated', (r) => (r.liquidated ? `YES at ${r.liquidation?.price}` : 'no')),
    row('max leverage (market / oracle)', (r) => `${num(r.maxLeverage, 2)} / ${num(r.maxOracleLeverage, 2)}`),
    row('bars at ripcord (unfixable)', (r) => `${r.ripcordBars} (${r.ripcordUnfixableBars})`),
    row('rebalances (keeper+ripcord)', (r) => `${r.rebalances.count} (${r.rebalances.keeper}+${r.rebalances.ripcord})`),
    row('shrunk / refused', (r) => `${r.rebalances.shrunk} / ${r.rebalances.refused}`),
    row('swap cost (asset)', (r) => num(r.rebalances.swapCost)),
    row('gas cost (asset)', (r) => num(r.rebalances.gasCost)),
    row('tracking error (annualised)', (r) => pct(r.trackingError.annualised)),
    row('final gap to ideal', (r) => pct(r.trackingError.finalGap)),
    ...(reports[0]?.leverageHistogram ?? []).map((bucket, i) =>
      row(`leverage ${bucket.label}`, (r) => pct(r.leverageHistogram[i]?.fraction ?? 0)),
    ),
  ];
}

/** A fixed-width text table. */
export function formatTable(rows: readonly string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  const line = (r: readonly string[]): string => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ');
  return [line(rows[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}
