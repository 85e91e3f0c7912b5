/**
 * A price file replayed as the live market (`npm start -- --prices file.csv --speed 60`). The file is read
 * by the backtester's loader (`timestamp,price` or OHLC, whose close is used; errors name the line). Its
 * *moves* are replayed from the local world's start price: the series is scaled so its first price is the
 * world's, because the local pool is only deep within about -50%..+100% of where it was seeded. Simulated
 * time maps one to one onto the file's time, so a 1-hour cooldown is one hour of data.
 *
 * @packageDocumentation
 */
import { loadPriceFile, type PriceBar } from '../lab/prices.js';
import type { MarketTick, PriceSource } from './random-walk.js';

/** The pool's deep liquidity around the start price (multiples of it); outside, only a thin position. */
export const DEEP_RANGE = Object.freeze({ low: 0.5, high: 2 });

/** A price file as a {@link PriceSource}: the last close at or before each point in time, scaled. */
export class PriceReplay implements PriceSource {
  /** Multiplier from the file's prices to the chain's. */
  readonly scale: number;
  private index = 0;
  private finishedReported = false;

  /**
   * @param bars - Parsed bars, timestamps strictly increasing (as {@link loadPriceFile} returns them).
   * @param startPrice - The chain's price at the start; the first bar's close is mapped onto it.
   */
  constructor(
    readonly bars: readonly PriceBar[],
    readonly startPrice: number,
  ) {
    if (bars.length === 0) throw new RangeError('a replay needs at least one bar');
    this.scale = startPrice / bars[0]!.close;
  }

  /** Reads `path` (errors: `PriceFileError` with the line) and replays it from `startPrice`. */
  static fromFile(path: string, startPrice: number): PriceReplay {
    return new PriceReplay(loadPriceFile(path), startPrice);
  }

  /** Seconds of data in the file. */
  get durationSeconds(): number {
    return this.bars[this.bars.length - 1]!.timestamp - this.bars[0]!.timestamp;
  }

  /** Lowest and highest scaled close, as multiples of the start price. */
  range(): { low: number; high: number } {
    let low = Infinity;
    let high = -Infinity;
    for (const bar of this.bars) {
      low = Math.min(low, bar.close / this.bars[0]!.close);
      high = Math.max(high, bar.close / this.bars[0]!.close);
    }
    return { low, high };
  }

  /** A sentence when the replay leaves the pool's deep range (prices there move the thin full-range position only). */
  rangeWarning(): string | null {
    const { low, high } = this.range();
    if (low >= DEEP_RANGE.low && high <= DEEP_RANGE.high) return null;
    const pct = (x: number): string => `${x >= 1 ? '+' : ''}${((x - 1) * 100).toFixed(0)}%`;
    return (
      `the file moves ${pct(low)}..${pct(high)} from its first price; the local pool is deep only within ` +
      `${pct(DEEP_RANGE.low)}..${pct(DEEP_RANGE.high)} of the start price, so beyond that a move trades through thin liquidity`
    );
  }

  advance(elapsedSeconds: number): MarketTick {
    const at = this.bars[0]!.timestamp + elapsedSeconds;
    while (this.index + 1 < this.bars.length && this.bars[this.index + 1]!.timestamp <= at) this.index++;
    const price = this.bars[this.index]!.close * this.scale;
    const finished = this.index === this.bars.length - 1;
    if (finished && !this.finishedReported) {
      this.finishedReported = true;
      return { price, finished, event: { kind: 'finished', price } };
    }
    return finished ? { price, finished } : { price };
  }
}
