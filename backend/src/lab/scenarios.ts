/**
 * Synthetic price scenarios: a seeded random walk with a volatility parameter, and stress events built as
 * piecewise shapes in log-price with Brownian-bridge noise (noise pinned to zero at both ends of each
 * segment, so every segment ends exactly at its stated level). These are shapes **modelled on** past events,
 * not historical data.
 *
 * @packageDocumentation
 */
import type { PriceBar } from './prices.js';

/** A seeded PRNG (mulberry32) and standard normals (Box-Muller). Same seed, same series, on every platform. */
export class SeededRandom {
  private state: number;
  private spare: number | null = null;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Standard normal. */
  normal(): number {
    if (this.spare !== null) {
      const value = this.spare;
      this.spare = null;
      return value;
    }
    let u = 0;
    while (u === 0) u = this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }
}

const YEAR = 365 * 86_400;

/** One piece of a shaped path: over `seconds`, log-price moves linearly to `level` (a multiple of the start price). */
export interface Segment {
  readonly seconds: number;
  readonly level: number;
  /** Annualised volatility of the bridge noise on top of the line. */
  readonly volatility: number;
}

/** How to sample a path into bars. */
export interface Sampling {
  readonly start: number;
  readonly startPrice: number;
  /** Seconds per fine step (the path's resolution). */
  readonly stepSeconds: number;
  /** Fine steps per bar (the bar's open/high/low/close come from them). */
  readonly stepsPerBar: number;
}

function toBars(logPath: readonly number[], sampling: Sampling): PriceBar[] {
  const bars: PriceBar[] = [];
  const barSeconds = sampling.stepSeconds * sampling.stepsPerBar;
  for (let b = 0; (b + 1) * sampling.stepsPerBar < logPath.length; b++) {
    const slice = logPath.slice(b * sampling.stepsPerBar, (b + 1) * sampling.stepsPerBar + 1).map((l) => sampling.startPrice * Math.exp(l));
    bars.push({
      timestamp: sampling.start + (b + 1) * barSeconds,
      open: slice[0]!,
      high: Math.max(...slice),
      low: Math.min(...slice),
      close: slice[slice.length - 1]!,
    });
  }
  return bars;
}

/** A piecewise path in log-price with Brownian-bridge noise per segment. */
export function shapedPath(segments: readonly Segment[], sampling: Sampling, seed: number): PriceBar[] {
  const random = new SeededRandom(seed);
  const path: number[] = [0];
  let level = 0;
  for (const segment of segments) {
    const steps = Math.max(1, Math.round(segment.seconds / sampling.stepSeconds));
    const target = Math.log(segment.level);
    const sigma = segment.volatility * Math.sqrt(sampling.stepSeconds / YEAR);
    const walk = [0];
    for (let i = 1; i <= steps; i++) walk.push(walk[i - 1]! + sigma * random.normal());
    const end = walk[steps]!;
    for (let i = 1; i <= steps; i++) {
      const f = i / steps;
      path.push(level + (target - level) * f + walk[i]! - f * end);
    }
    level = target;
  }
  return toBars(path, sampling);
}

/** Parameters of the random walk. */
export interface RandomWalkOptions {
  readonly seed: number;
  readonly days: number;
  /** Annualised volatility of log returns (0.8 = 80%). */
  readonly volatility: number;
  /** Annualised drift of log price (0 = none). */
  readonly drift?: number;
  readonly startPrice?: number;
  readonly start?: number;
  /** Bar length in seconds (default 300); each bar is built from 5 fine steps. */
  readonly barSeconds?: number;
}

/** Geometric Brownian motion (a random walk in log-price), seeded. */
export function randomWalk(options: RandomWalkOptions): PriceBar[] {
  const barSeconds = options.barSeconds ?? 300;
  const sampling: Sampling = {
    start: options.start ?? SCENARIO_START,
    startPrice: options.startPrice ?? 3000,
    stepSeconds: barSeconds / 5,
    stepsPerBar: 5,
  };
  const random = new SeededRandom(options.seed);
  const sigma = options.volatility * Math.sqrt(sampling.stepSeconds / YEAR);
  const mu = ((options.drift ?? 0) - options.volatility ** 2 / 2) * (sampling.stepSeconds / YEAR);
  const steps = Math.round((options.days * 86_400) / sampling.stepSeconds);
  const path = [0];
  for (let i = 1; i <= steps; i++) path.push(path[i - 1]! + mu + sigma * random.normal());
  return toBars(path, sampling);
}

/** Ornstein-Uhlenbeck in log-price around the start: a flat, choppy market. */
export function choppyPath(seed: number, days: number, volatility: number, halfLifeSeconds: number, sampling: Sampling): PriceBar[] {
  const random = new SeededRandom(seed);
  const theta = Math.LN2 / halfLifeSeconds;
  const sigma = volatility * Math.sqrt(sampling.stepSeconds / YEAR);
  const steps = Math.round((days * 86_400) / sampling.stepSeconds);
  const path = [0];
  for (let i = 1; i <= steps; i++) {
    const previous = path[i - 1]!;
    path.push(previous - theta * sampling.stepSeconds * previous + sigma * random.normal());
  }
  return toBars(path, sampling);
}

/** 2024-01-01T00:00:00Z: the synthetic series all start here. */
export const SCENARIO_START = 1_704_067_200;

const HOUR = 3600;
const DAY = 86_400;
const FIVE_MINUTES: Sampling = { start: SCENARIO_START, startPrice: 3000, stepSeconds: 60, stepsPerBar: 5 };
const HOURLY: Sampling = { start: SCENARIO_START, startPrice: 3000, stepSeconds: 900, stepsPerBar: 4 };
const calm = (days: number, level: number, volatility = 0.6): Segment => ({ seconds: days * DAY, level, volatility });

/** A shipped scenario: its file name, how it was built, and the builder. */
export interface Scenario {
  readonly file: string;
  readonly title: string;
  readonly construction: string;
  /** Builds the series; with another `seed`, the same shape with other noise (the bench's robustness table). */
  readonly build: (seed?: number) => PriceBar[];
}

/** The scenarios shipped under backend/lab/scenarios/. */
export const SCENARIOS: readonly Scenario[] = [
  {
    file: 'crash-50-intraday.csv',
    title: '50% intraday fall (modelled on March 2020)',
    construction:
      '5-minute OHLC bars from 1-minute steps, seed 2020. 3 days flat at 60% vol; then within one day: -20% over 8 h, ' +
      'a 2 h pause (-22%), -50% at the trough 6 h later (from the pre-event level), +10% rebound over 8 h (to 0.55); ' +
      '3 days drifting at 0.55-0.60 with 120% vol.',
    build: (seed = 2020) =>
      shapedPath(
        [
          calm(3, 1),
          { seconds: 8 * HOUR, level: 0.8, volatility: 0.9 },
          { seconds: 2 * HOUR, level: 0.78, volatility: 1.2 },
          { seconds: 6 * HOUR, level: 0.5, volatility: 1.5 },
          { seconds: 8 * HOUR, level: 0.55, volatility: 1.5 },
          { seconds: 3 * DAY, level: 0.58, volatility: 1.2 },
        ],
        FIVE_MINUTES,
        seed,
      ),
  },
  {
    file: 'crash-40-rebound.csv',
    title: '40% fall and partial rebound within a day (modelled on May 19, 2021)',
    construction:
      '5-minute OHLC bars from 1-minute steps, seed 2021. 3 days flat at 80% vol; then -12% over 6 h, -40% (from the ' +
      'pre-event level) over the next 3 h, rebound to -20% over 5 h, -25% by the end of the day; 3 days at 100% vol ending at 0.78.',
    build: (seed = 2021) =>
      shapedPath(
        [
          calm(3, 1, 0.8),
          { seconds: 6 * HOUR, level: 0.88, volatility: 1.0 },
          { seconds: 3 * HOUR, level: 0.6, volatility: 1.6 },
          { seconds: 5 * HOUR, level: 0.8, volatility: 1.6 },
          { seconds: 10 * HOUR, level: 0.75, volatility: 1.2 },
          { seconds: 3 * DAY, level: 0.78, volatility: 1.0 },
        ],
        FIVE_MINUTES,
        seed,
      ),
  },
  {
    file: 'crash-27-hours.csv',
    title: '27% fall within hours (modelled on August 5, 2024)',
    construction:
      '5-minute OHLC bars from 1-minute steps, seed 2024. 3 days drifting from 1.0 to 0.95 at 60% vol; -27% from the ' +
      'pre-event level (0.95 -> 0.6935) over 5 h; rebound to 0.80 over 12 h; 3 days at 80% vol ending at 0.85.',
    build: (seed = 2024) =>
      shapedPath(
        [
          calm(3, 0.95),
          { seconds: 5 * HOUR, level: 0.95 * 0.73, volatility: 1.2 },
          { seconds: 12 * HOUR, level: 0.8, volatility: 1.0 },
          { seconds: 3 * DAY, level: 0.85, volatility: 0.8 },
        ],
        FIVE_MINUTES,
        seed,
      ),
  },
  {
    file: 'bear-75-year.csv',
    title: 'slow 75% bear market over a year',
    construction:
      'Hourly OHLC bars from 15-minute steps, seed 2022. 365 days; log-price falls linearly to 0.25 of the start with ' +
      '70% vol Brownian-bridge noise (pinned: the last bar closes at exactly 0.25), in four quarters with levels 0.8, 0.55, 0.4, 0.25.',
    build: (seed = 2022) =>
      shapedPath(
        [
          { seconds: 91 * DAY, level: 0.8, volatility: 0.7 },
          { seconds: 91 * DAY, level: 0.55, volatility: 0.7 },
          { seconds: 91 * DAY, level: 0.4, volatility: 0.7 },
          { seconds: 92 * DAY, level: 0.25, volatility: 0.7 },
        ],
        HOURLY,
        seed,
      ),
  },
  {
    file: 'choppy-flat.csv',
    title: 'flat, choppy market (punishes over-trading)',
    construction:
      '5-minute OHLC bars from 1-minute steps, seed 7. 30 days of an Ornstein-Uhlenbeck process in log-price around the ' +
      'start (100% annualised vol, mean-reversion half-life 12 h): swings of several percent both ways, no trend.',
    build: (seed = 7) => choppyPath(seed, 30, 1.0, 12 * HOUR, FIVE_MINUTES),
  },
  {
    file: 'random-walk-80vol.csv',
    title: 'random walk, 80% volatility (the generator, seed 1)',
    construction:
      'The seeded random-walk generator: 30 days of 5-minute OHLC bars, geometric Brownian motion, 80% annualised ' +
      'vol, no drift, seed 1 (`generate.ts --random-walk --volatility 0.8 --days 30 --seed 1`).',
    build: (seed = 1) => randomWalk({ seed, days: 30, volatility: 0.8 }),
  },
];

/** Largest fall from a high to a later low within `windowSeconds`, as a fraction. */
export function largestFallWithin(bars: readonly PriceBar[], windowSeconds: number): number {
  let worst = 0;
  let start = 0;
  for (let i = 0; i < bars.length; i++) {
    while (bars[i]!.timestamp - bars[start]!.timestamp > windowSeconds) start++;
    let peak = 0;
    for (let j = start; j <= i; j++) peak = Math.max(peak, bars[j]!.high);
    worst = Math.max(worst, 1 - bars[i]!.low / peak);
  }
  return worst;
}
