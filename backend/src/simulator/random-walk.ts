/**
 * The live market's default price process: a seeded random walk in log-price with a weak pull back to the
 * start price, plus occasional sharp falls ("shocks") that partly rebound. Pure and deterministic: the same
 * options and the same sequence of elapsed times give the same prices on every machine.
 *
 * Time is the chain's simulated time in seconds (see `MarketSimulator`: each block advances it by
 * `speed x block time`), so the volatility the strategy service measures from the oracle is the one set here.
 *
 * @packageDocumentation
 */
import { SeededRandom } from '../lab/scenarios.js';

const YEAR_SECONDS = 365 * 86_400;

/** What a price source reports for one point in time. */
export interface MarketTick {
  /** Quote per asset (USD per ETH), > 0. */
  readonly price: number;
  /** Something a person watching may want to know (a shock, the end of a price file). */
  readonly event?: MarketEvent;
  /** True once the source has nothing more to say (a replayed file ran out); the price then stays put. */
  readonly finished?: boolean;
}

/** A noteworthy market move. */
export type MarketEvent =
  | { readonly kind: 'shock'; readonly size: number; readonly from: number; readonly to: number; readonly reboundFraction: number; readonly reboundSeconds: number }
  | { readonly kind: 'rebounded'; readonly price: number }
  | { readonly kind: 'finished'; readonly price: number };

/** A source of prices over simulated time: the random walk, or a replayed price file. */
export interface PriceSource {
  /** The price `elapsedSeconds` after the start; calls come with non-decreasing `elapsedSeconds`. */
  advance(elapsedSeconds: number): MarketTick;
}

/** Shock process parameters (simulated seconds and fractions). */
export interface ShockOptions {
  /** Mean time between shocks; 0 switches shocks off (but for one at `firstAfterSeconds`, when set). */
  readonly meanIntervalSeconds: number;
  /** When the first shock comes; default: drawn like every other gap. */
  readonly firstAfterSeconds?: number;
  /** Fall of one shock, drawn uniformly from [minSize, maxSize] (0.08 = -8%). */
  readonly minSize: number;
  readonly maxSize: number;
  /** Part of the fall (in log-price) recovered afterwards, drawn uniformly from this range (above 1: overshoot). */
  readonly minReboundFraction: number;
  readonly maxReboundFraction: number;
  /** How long the rebound takes, drawn uniformly from this range. */
  readonly minReboundSeconds: number;
  readonly maxReboundSeconds: number;
}

/** Parameters of {@link RandomWalkMarket}. */
export interface RandomWalkOptions {
  readonly seed: number;
  readonly startPrice: number;
  /** Annualised volatility of the diffusion (0.9 = 90%), over simulated time. */
  readonly volatility: number;
  /** Half-life of the pull of log-price back to the start price; keeps the walk inside the pool's deep range. */
  readonly meanReversionHalfLifeSeconds: number;
  /** Hard floor and ceiling, as multiples of the start price. */
  readonly floor: number;
  readonly ceiling: number;
  readonly shocks: ShockOptions;
}

/**
 * Defaults for `npm start`, in simulated seconds. `npm start` runs at 60 simulated seconds per wall second (a
 * 1-second block is a chain minute, the module's 1-hour cooldown a wall minute, a chain day 24 wall minutes)
 * and brings a shock every ~30 wall seconds on average (one simulated hour): a fall of 8-20% at once that gives
 * back 70-130% of itself over the next 1-2.5 simulated hours; 100% on average, so shocks do not ratchet the
 * price down (with partial rebounds only, it would sit on the floor after a few hours).
 *
 * Why these numbers: the local world's module holds 1.7x-2.3x around 2.0x with a 2.7x ripcord. A fall above
 * ~12.5% from 2.0x leaves the band (a keeper delever), above ~20% passes the ripcord, and an overshooting
 * rebound drops leverage under 1.7x (a lever-up): in a model of the policy (FLI rule, cooldown, ripcord), a
 * rebalance about every 1.5 wall minutes, often a delever and a lever-up a minute apart. Rebounds are slow on
 * purpose: the keeper's plans carry a pre-state tolerance of 0.05x (about 2.5% of price at 2x; it was 0.01x when these numbers were chosen), so a price that
 * runs more than that per block between plan and execution makes plans stale (PreStateMismatch) or overshoot
 * (PostLeverageOutOfRange); at 0.1-0.3% a block they land. Between shocks, 90% volatility moves leverage by
 * about 0.2% per wall second. The pull back to the start price has a 6-hour half-life: shocks arrive faster
 * than rebounds finish, and with a weaker pull a run of them would take the price to the floor for a while.
 * Floor and ceiling stay inside the pool's deep liquidity (about -50%..+100% of the start price). Realised volatility on this clock is far above 90% (the shocks dominate it), so the
 * service's volatility-aware target sits low: that is the policy reacting to this market, not a bug.
 */
export const DEFAULT_RANDOM_WALK: Omit<RandomWalkOptions, 'seed' | 'startPrice'> = Object.freeze({
  volatility: 0.9,
  meanReversionHalfLifeSeconds: 6 * 3600,
  floor: 0.6,
  ceiling: 1.6,
  shocks: Object.freeze({
    meanIntervalSeconds: 60 * 60,
    minSize: 0.08,
    maxSize: 0.2,
    minReboundFraction: 0.7,
    maxReboundFraction: 1.3,
    minReboundSeconds: 60 * 60,
    maxReboundSeconds: 150 * 60,
  }),
});

/** Problems with random-walk options, as sentences; empty when they are usable. */
export function randomWalkProblems(options: RandomWalkOptions): string[] {
  const problems: string[] = [];
  const s = options.shocks;
  if (!(options.startPrice > 0)) problems.push(`start price must be positive, got ${options.startPrice}`);
  if (!(options.volatility >= 0 && options.volatility <= 10)) problems.push(`volatility must be in [0, 10], got ${options.volatility}`);
  if (!(options.meanReversionHalfLifeSeconds > 0)) problems.push('mean-reversion half-life must be positive');
  if (!(options.floor > 0 && options.floor < 1 && options.ceiling > 1)) problems.push('floor must be in (0, 1) and ceiling above 1');
  if (!(s.meanIntervalSeconds >= 0)) problems.push(`mean shock interval must be >= 0, got ${s.meanIntervalSeconds}`);
  if (s.firstAfterSeconds !== undefined && !(s.firstAfterSeconds >= 0)) problems.push('first shock time must be >= 0');
  if (!(s.minSize > 0 && s.minSize <= s.maxSize && s.maxSize < 0.9)) {
    problems.push(`shock sizes must satisfy 0 < min <= max < 0.9, got ${s.minSize}..${s.maxSize}`);
  }
  if (!(s.minReboundFraction >= 0 && s.minReboundFraction <= s.maxReboundFraction && s.maxReboundFraction <= 2)) {
    problems.push('rebound fractions must satisfy 0 <= min <= max <= 2');
  }
  if (!(s.minReboundSeconds > 0 && s.minReboundSeconds <= s.maxReboundSeconds)) problems.push('rebound durations must satisfy 0 < min <= max');
  return problems;
}

interface Rebound {
  /** Log-price still to recover. */
  remaining: number;
  /** Simulated time when it is complete. */
  endsAt: number;
}

/** The default market: see the module's description. */
export class RandomWalkMarket implements PriceSource {
  /** Diffusion draws (one normal per step). */
  private readonly random: SeededRandom;
  /** Shock draws, a separate stream: when and how big shocks are depends on the seed, not on the block cadence. */
  private readonly shockRandom: SeededRandom;
  private readonly anchor: number;
  private logPrice: number;
  private elapsed = 0;
  private nextShockAt: number;
  private rebound: Rebound | null = null;
  /** Shocks so far (for tests and status lines). */
  shockCount = 0;

  constructor(readonly options: RandomWalkOptions) {
    const problems = randomWalkProblems(options);
    if (problems.length > 0) throw new RangeError(`invalid random walk: ${problems.join('; ')}`);
    this.random = new SeededRandom(options.seed);
    this.shockRandom = new SeededRandom((options.seed ^ 0x9e3779b9) >>> 0);
    this.anchor = Math.log(options.startPrice);
    this.logPrice = this.anchor;
    const s = options.shocks;
    // With shocks off, `firstAfterSeconds` still gives exactly one (a scripted event).
    this.nextShockAt = s.firstAfterSeconds ?? this.shockGap();
  }

  get price(): number {
    return Math.exp(this.logPrice);
  }

  /**
   * Time to the next shock: a third of the mean plus an exponential, so shocks never come back to back while
   * the mean gap is exactly `meanIntervalSeconds`.
   */
  private shockGap(): number {
    const s = this.options.shocks;
    if (s.meanIntervalSeconds === 0) return Infinity;
    const floor = s.meanIntervalSeconds / 3;
    const u = this.shockRandom.next();
    return floor - Math.log(1 - u) * (s.meanIntervalSeconds - floor);
  }

  private uniform(min: number, max: number): number {
    return min + (max - min) * this.shockRandom.next();
  }

  advance(elapsedSeconds: number): MarketTick {
    if (!(elapsedSeconds >= this.elapsed)) throw new RangeError(`time went backwards: ${elapsedSeconds} < ${this.elapsed}`);
    const dt = elapsedSeconds - this.elapsed;
    this.elapsed = elapsedSeconds;
    let event: MarketEvent | undefined;
    if (dt > 0) {
      // Ornstein-Uhlenbeck in log-price, exact for the step: decay toward the anchor plus scaled noise.
      const k = Math.LN2 / this.options.meanReversionHalfLifeSeconds;
      const decay = Math.exp(-k * dt);
      const sigma = this.options.volatility * Math.sqrt((1 - decay * decay) / (2 * k) / YEAR_SECONDS);
      this.logPrice = this.anchor + (this.logPrice - this.anchor) * decay + sigma * this.random.normal();
      if (this.rebound !== null) {
        const left = this.rebound.endsAt - (elapsedSeconds - dt);
        const part = dt >= left ? this.rebound.remaining : (this.rebound.remaining * dt) / left;
        this.logPrice += part;
        this.rebound.remaining -= part;
        if (dt >= left) {
          this.rebound = null;
          event = { kind: 'rebounded', price: this.price };
        }
      }
    }
    const low = this.anchor + Math.log(this.options.floor);
    const high = this.anchor + Math.log(this.options.ceiling);
    this.logPrice = Math.min(high, Math.max(low, this.logPrice));
    if (elapsedSeconds >= this.nextShockAt) {
      const s = this.options.shocks;
      const size = this.uniform(s.minSize, s.maxSize);
      const from = this.price;
      // The floor bounds a shock too: the pool is thin below it, and the feed must stay on the pool's price.
      const fall = Math.min(-Math.log(1 - size), this.logPrice - low);
      this.logPrice -= fall;
      const reboundFraction = this.uniform(s.minReboundFraction, s.maxReboundFraction);
      const reboundSeconds = this.uniform(s.minReboundSeconds, s.maxReboundSeconds);
      // A shock during a rebound adds to it: what was still to recover is not lost.
      this.rebound = {
        remaining: fall * reboundFraction + (this.rebound?.remaining ?? 0),
        endsAt: Math.max(elapsedSeconds + reboundSeconds, this.rebound?.endsAt ?? 0),
      };
      // From the scheduled time, not the block that carried it: the schedule does not depend on the cadence.
      this.nextShockAt += this.shockGap();
      if (this.nextShockAt <= elapsedSeconds) this.nextShockAt = elapsedSeconds + this.shockGap();
      this.shockCount++;
      event = { kind: 'shock', size: 1 - this.price / from, from, to: this.price, reboundFraction, reboundSeconds };
    }
    return event === undefined ? { price: this.price } : { price: this.price, event };
  }
}
