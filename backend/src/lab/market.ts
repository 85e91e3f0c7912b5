/**
 * The world around the position: the swap venue, the price feed, borrow interest and keeper gas.
 *
 * - **Venue.** A constant-product pool on virtual reserves (`depth` asset units and `depth × price` loan
 *   units), re-centred on the market price every bar (arbitrageurs do that between keeper trades), with a
 *   Uniswap-style fee on the input. Buying `a` of the asset costs `price·a·x/(x - a)/(1 - fee)`, so the
 *   impact of a trade worth a fraction f of the depth is about f (a concentrated position of the same
 *   virtual depth behaves the same while the price stays in range).
 * - **Feed.** Chainlink-like: the answer moves to the market price when it is `deviationBps` away from the
 *   last answer or `heartbeat` seconds old, checked at each bar. The policy and the module see the answer,
 *   never the market.
 * - **Interest** accrues linearly per bar at an APR on the debt (Morpho compounds; the gap over a bar is
 *   negligible).
 * - **Gas** is gas units × gas price, in ETH, converted to asset units with `ethPriceInAssets` (1 when the
 *   asset is WETH).
 *
 * @packageDocumentation
 */
import { BPS, MAX_UINT256, WAD, mulDivDown, mulDivUp } from '../policy/index.js';
import { ORACLE_PRICE_SCALE } from './position.js';

/** Uniswap fee unit: 1e6 = 100% (500 is the 0.05% tier, 3000 the 0.3% tier). */
export const FEE_PIPS = 1_000_000n;

/** Seconds in the 365-day year used for interest. */
export const YEAR_SECONDS = 365n * 86_400n;

/** The constant-product venue at one market price. */
export class SwapVenue {
  /**
   * @param depth - Virtual asset reserve, asset base units.
   * @param feePips - Fee on the input, 1e6 = 100%.
   * @param price - Market price, oracle unit (loan base units per asset base unit × 1e36).
   */
  constructor(
    public readonly depth: bigint,
    public readonly feePips: bigint,
    public readonly price: bigint,
  ) {}

  private get loanReserve(): bigint {
    return mulDivDown(this.depth, this.price, ORACLE_PRICE_SCALE);
  }

  /** Loan token paid to receive exactly `amountOut` asset; MAX_UINT256 when the pool cannot deliver it. */
  loanInForAssetOut(amountOut: bigint): bigint {
    if (amountOut >= this.depth) return MAX_UINT256;
    return mulDivUp(this.loanReserve * amountOut, FEE_PIPS, (this.depth - amountOut) * (FEE_PIPS - this.feePips));
  }

  /** Asset paid to receive exactly `amountOut` loan token; MAX_UINT256 when the pool cannot deliver it. */
  assetInForLoanOut(amountOut: bigint): bigint {
    const reserve = this.loanReserve;
    if (amountOut >= reserve) return MAX_UINT256;
    return mulDivUp(this.depth * amountOut, FEE_PIPS, (reserve - amountOut) * (FEE_PIPS - this.feePips));
  }
}

/** One answer of the feed. */
export interface FeedAnswer {
  readonly price: bigint;
  readonly updatedAt: bigint;
}

/** A Chainlink-like push feed: updates on deviation or heartbeat. */
export class PushFeed {
  private readonly answers: FeedAnswer[] = [];

  constructor(
    public readonly heartbeatSeconds: bigint,
    public readonly deviationBps: bigint,
    first: FeedAnswer,
  ) {
    this.answers.push(first);
  }

  /** The latest answer. */
  get latest(): FeedAnswer {
    return this.answers[this.answers.length - 1]!;
  }

  /** Sees the market at `now`; returns true when the feed published a new answer. */
  observe(now: bigint, marketPrice: bigint): boolean {
    const { price, updatedAt } = this.latest;
    const moved = (marketPrice > price ? marketPrice - price : price - marketPrice) * BPS >= this.deviationBps * price;
    if (!moved && now - updatedAt < this.heartbeatSeconds) return false;
    this.answers.push({ price: marketPrice, updatedAt: now });
    return true;
  }

  /** Answers published at or after `since`, oldest first (what a service reading the feed's rounds would get). */
  answersSince(since: bigint): FeedAnswer[] {
    let start = this.answers.length;
    while (start > 0 && this.answers[start - 1]!.updatedAt >= since) start--;
    return this.answers.slice(start);
  }
}

/** Interest on `debt` over `seconds` at `aprBps`, rounded up (debt never accrues less than the chain would). */
export function accruedInterest(debt: bigint, aprBps: bigint, seconds: bigint): bigint {
  if (debt === 0n || aprBps === 0n || seconds <= 0n) return 0n;
  return mulDivUp(debt * aprBps, seconds, BPS * YEAR_SECONDS);
}

/** Gas cost in asset base units (18 decimals): gas × price in wei × ETH price in assets (WAD). */
export function gasCostInAssets(gasUnits: bigint, gasPriceWei: bigint, ethPriceInAssetsWad: bigint): bigint {
  return mulDivUp(gasUnits * gasPriceWei, ethPriceInAssetsWad, WAD);
}
