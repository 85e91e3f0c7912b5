/**
 * Writes the shipped scenarios and their README to backend/lab/scenarios/, or one random walk:
 *
 *   node backend/tools/run.mjs backend/src/lab/generate.ts                 # all scenarios + README
 *   node backend/tools/run.mjs backend/src/lab/generate.ts --random-walk --volatility 0.8 --days 30 --seed 1 --out walk.csv
 *   node backend/tools/run.mjs backend/src/lab/generate.ts --random-walk --bar-seconds 3600 --days 20.8333 --seed 7 --out walk.csv
 *
 * Deterministic: the same seed writes the same bytes.
 *
 * @packageDocumentation
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { formatPriceCsv } from './prices.js';
import type { PriceBar } from './prices.js';
import { SCENARIOS, largestFallWithin, randomWalk } from './scenarios.js';

const SCENARIO_DIR = 'backend/lab/scenarios';

function positive(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`${name} must be a positive number`);
    return n;
  };
}

function describe(bars: readonly PriceBar[]): string {
  const first = bars[0]!;
  const last = bars[bars.length - 1]!;
  const low = Math.min(...bars.map((b) => b.low));
  const high = Math.max(...bars.map((b) => b.high));
  const f = (x: number): string => x.toFixed(2);
  return (
    `${bars.length} bars; first close ${f(first.close)}, last close ${f(last.close)} (${((last.close / first.close - 1) * 100).toFixed(1)}%), ` +
    `low ${f(low)}, high ${f(high)}; largest high-to-low fall within 24 h: ${(largestFallWithin(bars, 86_400) * 100).toFixed(1)}%`
  );
}

function writeScenarios(): void {
  mkdirSync(SCENARIO_DIR, { recursive: true });
  const sections: string[] = [];
  for (const scenario of SCENARIOS) {
    const bars = scenario.build();
    writeFileSync(join(SCENARIO_DIR, scenario.file), formatPriceCsv(bars, true));
    sections.push(`## \`${scenario.file}\`: ${scenario.title}\n\n${scenario.construction}\n\nMeasured: ${describe(bars)}.\n`);
    console.log(`wrote ${join(SCENARIO_DIR, scenario.file)} (${bars.length} bars)`);
  }
  const readme = `# Backtest scenarios

**Synthetic shapes modelled on past events, not historical data.** Every file here is written by
\`backend/src/lab/generate.ts\` from a fixed seed (\`node backend/tools/run.mjs backend/src/lab/generate.ts\`
rewrites them byte for byte). Prices are quote per asset (think USD per ETH), starting at 3000 on
2024-01-01T00:00:00Z; timestamps are unix seconds at the end of each bar. All files are OHLC
(\`timestamp,open,high,low,close\`): the backtester decides on the close and checks liquidation at the low.

How the event shapes are built: a list of segments; over each one, log-price moves in a straight line to a
stated level (a multiple of the start price) plus Brownian-bridge noise at the stated volatility, pinned to
zero at both ends of the segment, so each segment ends exactly at its level while the path in between is
noisy. Bars are cut from finer steps (open = first step, close = last, high/low = extremes).

The real events, for scale (approximate, from public price charts): ETH fell about 40-50% in the 36 hours
of 12-13 March 2020, about 40% intraday on 19 May 2021 before recovering part of it, and about 25-30% in
a few hours on 5 August 2024. The shapes below are stylised versions of those, with their own noise.

One path per shape says little about a keeper that trades at most once an hour: the bench
(\`backend/src/lab/bench.ts\`) also rebuilds every shape below with seeds 101 and up (the same construction,
other noise; not shipped as files) for the robustness table in \`docs/backtest.md\`.

${sections.join('\n')}
## The random-walk generator

\`node backend/tools/run.mjs backend/src/lab/generate.ts --random-walk --volatility 0.8 --days 30 --seed 1 --out walk.csv\`
writes geometric Brownian motion with the given annualised volatility (and \`--drift\`, default 0) as
5-minute OHLC bars.
`;
  writeFileSync(join(SCENARIO_DIR, 'README.md'), readme);
  console.log(`wrote ${join(SCENARIO_DIR, 'README.md')}`);
}

const program = new Command('generate')
  .option('--random-walk', 'write one random walk instead of the shipped scenarios')
  .option('--volatility <v>', 'annualised volatility, e.g. 0.8', positive('--volatility'), 0.8)
  .option('--drift <d>', 'annualised drift of log price', (v) => Number(v), 0)
  .option('--days <n>', 'length in days', positive('--days'), 30)
  .option('--seed <n>', 'PRNG seed (integer)', (v) => Number.parseInt(v, 10), 1)
  .option('--bar-seconds <n>', 'bar length in seconds (random walk only)', positive('--bar-seconds'), 300)
  .option('--out <file>', 'output CSV (random walk only)')
  .parse(process.argv.slice(2), { from: 'user' });
const options = program.opts<{ randomWalk?: boolean; volatility: number; drift: number; days: number; seed: number; barSeconds: number; out?: string }>();
if (options.randomWalk) {
  if (!options.out) program.error('--random-walk needs --out <file>');
  const bars = randomWalk({ seed: options.seed, days: options.days, volatility: options.volatility, drift: options.drift, barSeconds: options.barSeconds });
  writeFileSync(options.out!, formatPriceCsv(bars, true));
  console.log(`wrote ${options.out}: ${describe(bars)}`);
} else {
  writeScenarios();
}
