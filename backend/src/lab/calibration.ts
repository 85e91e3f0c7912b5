/**
 * The model's venue and borrow rate calibrated to the local world (`contracts/script/world/LocalWorld.sol`,
 * `defaultConfig`), for `--exact` and for anyone who wants the model to stand for that world.
 *
 * - **Venue.** The world's Uniswap V3 pool holds three liquidity bands placed around the start price (3000):
 *   ~±5% (500 ticks each side) with 50M USDC below the price, ~±50% (7000 ticks) with 50M USDC, and a full-range
 *   position with 10M USDC. Inside one band set, a V3 pool is a constant-product pool on virtual reserves
 *   (`L / sqrt(p)` of the asset), so the model's {@link SwapVenue} with that virtual depth prices a swap as the
 *   pool does (fee on the input). {@link LiquidityCurve.depthAt} sums the liquidity of the bands that contain
 *   the price; a trade that would cross a band edge is priced with the depth at its start (the bands' edges
 *   are at ~2851/3154 and ~1490/6040; keeper trades move the price by hundredths of a percent).
 * - **Borrow rate.** `LinearKinkIrm` (0% at 0 utilisation, 4% at the 90% kink, 75% at 100%) on a market
 *   whose only borrower is the module, against the lender's 100M USDC: {@link KinkRateModel}.
 *
 * @packageDocumentation
 */
import { WAD, mulDivDown } from '../policy/index.js';
import { SwapVenue } from './market.js';
import { ORACLE_PRICE_SCALE } from './position.js';

/** One Uniswap V3 position, in the asset's price (loan base units per asset base unit, as a float). */
export interface LiquidityRange {
  /** Lower and upper price of the range (loan base units per asset base unit). */
  readonly lower: number;
  readonly upper: number;
  /** Uniswap's liquidity L (sqrt of base units). */
  readonly liquidity: number;
}

/** A band as `LocalWorld.sol` writes it: ticks each side of the start tick and the loan token put below the price. */
export interface WorldBand {
  readonly halfWidthTicks: number;
  /** Loan-token base units. */
  readonly loanAmount: number;
}

/** `TickMath.MAX_TICK`. */
export const MAX_TICK = 887_272;

/** The world's pool and market, as `LocalWorldLib.defaultConfig` sets them. */
export const LOCAL_WORLD = Object.freeze({
  /** ETH/USD answer of the feed's first round (8 decimals): the pool starts there. */
  initialAnswer: 3000,
  poolFeePips: 500,
  tickSpacing: 10,
  bands: Object.freeze([
    { halfWidthTicks: 500, loanAmount: 50_000_000e6 },
    { halfWidthTicks: 7000, loanAmount: 50_000_000e6 },
    { halfWidthTicks: MAX_TICK, loanAmount: 10_000_000e6 },
  ] as WorldBand[]),
  /** USDC the lender supplies to the Morpho market, base units. */
  lenderSupply: 100_000_000n * 10n ** 6n,
  lltv: 86n * 10n ** 16n,
  irm: Object.freeze({ baseRate: 0n, kinkRate: 4n * 10n ** 16n, maxRate: 75n * 10n ** 16n, kink: 9n * 10n ** 17n }),
});

const floorTo = (tick: number, spacing: number): number => Math.floor(tick / spacing) * spacing;
const tickPrice = (tick: number): number => Math.pow(1.0001, tick);

/**
 * The liquidity ranges `LocalWorldLib._addBand` creates, in the asset's price.
 * @param startPrice - The pool's start price, loan base units per asset base unit (3000 USDC/ETH is 3e-9).
 * @param collateralIsToken0 - The pool's token order (the addresses decide; the oracle reports it). It only
 *   changes which side the ticks are rounded to.
 */
export function worldLiquidity(
  startPrice: number,
  collateralIsToken0: boolean,
  bands: readonly WorldBand[] = LOCAL_WORLD.bands,
  spacing: number = LOCAL_WORLD.tickSpacing,
): LiquidityRange[] {
  const maxUsable = Math.floor(MAX_TICK / spacing) * spacing;
  // The pool's own price is token1 per token0.
  const poolPrice = collateralIsToken0 ? startPrice : 1 / startPrice;
  const tick = Math.floor(Math.log(poolPrice) / Math.log(1.0001));
  const sqrtP = Math.sqrt(poolPrice);
  return bands.map((band) => {
    const half = Math.min(band.halfWidthTicks, MAX_TICK);
    const tickLower = Math.max(floorTo(tick - half, spacing), -maxUsable);
    const tickUpper = Math.min(floorTo(tick + half, spacing) + spacing, maxUsable);
    const sqrtLower = Math.sqrt(tickPrice(tickLower));
    const sqrtUpper = Math.sqrt(tickPrice(tickUpper));
    // The loan token lies below the price: it is token1 when the asset is token0, else token0.
    const liquidity = collateralIsToken0
      ? band.loanAmount / (sqrtP - sqrtLower)
      : (band.loanAmount * sqrtP * sqrtUpper) / (sqrtUpper - sqrtP);
    const [lower, upper] = collateralIsToken0
      ? [tickPrice(tickLower), tickPrice(tickUpper)]
      : [1 / tickPrice(tickUpper), 1 / tickPrice(tickLower)];
    return { lower, upper, liquidity };
  });
}

/** The pool's liquidity as a function of price, and the venue it makes at each price. */
export class LiquidityCurve {
  constructor(
    public readonly ranges: readonly LiquidityRange[],
    public readonly feePips: bigint,
  ) {}

  /** Sum of the liquidity active at `price` (oracle unit, 1e36-scaled). */
  liquidityAt(price: bigint): number {
    const p = Number(price) / Number(ORACLE_PRICE_SCALE);
    return this.ranges.filter((r) => r.lower <= p && p < r.upper).reduce((sum, r) => sum + r.liquidity, 0);
  }

  /** Virtual asset reserve at `price`: `L / sqrt(p)`, asset base units. */
  depthAt(price: bigint): bigint {
    const p = Number(price) / Number(ORACLE_PRICE_SCALE);
    return BigInt(Math.floor(this.liquidityAt(price) / Math.sqrt(p)));
  }

  /** The constant-product venue equivalent to the pool at `price`. */
  venueAt(price: bigint): SwapVenue {
    return new SwapVenue(this.depthAt(price), this.feePips, price);
  }
}

/** Morpho's `LinearKinkIrm` on a market with one borrower: rates are yearly WAD, amounts loan base units. */
export interface KinkRateModel {
  readonly baseRate: bigint;
  readonly kinkRate: bigint;
  readonly maxRate: bigint;
  /** Utilisation at the kink, WAD. */
  readonly kink: bigint;
  /** Supply at the start (it grows with the interest the borrower pays). */
  readonly supply: bigint;
}

const YEAR = 365n * 86_400n;

/** `LinearKinkIrm.ratePerYear(utilization)`. */
export function kinkRatePerYear(model: KinkRateModel, utilization: bigint): bigint {
  if (utilization <= model.kink) return model.baseRate + ((model.kinkRate - model.baseRate) * utilization) / model.kink;
  const u = utilization > WAD ? WAD : utilization;
  return model.kinkRate + ((model.maxRate - model.kinkRate) * (u - model.kink)) / (WAD - model.kink);
}

/** Morpho's `wTaylorCompounded`: e^(x n) - 1 to the third order, WAD. */
export function wTaylorCompounded(ratePerSecond: bigint, seconds: bigint): bigint {
  const first = ratePerSecond * seconds;
  const second = mulDivDown(first, first, 2n * WAD);
  const third = mulDivDown(second, first, 3n * WAD);
  return first + second + third;
}

/**
 * Interest Morpho charges on `debt` over `seconds` with the rate of the utilisation `debt / supply` (what the
 * IRM sees at the last accrual), rounded down as `wMulDown`.
 */
export function kinkInterest(model: KinkRateModel, debt: bigint, supply: bigint, seconds: bigint): bigint {
  if (debt === 0n || seconds <= 0n) return 0n;
  const utilization = supply === 0n ? 0n : debt >= supply ? WAD : (debt * WAD) / supply;
  const perSecond = kinkRatePerYear(model, utilization) / YEAR;
  return mulDivDown(debt, wTaylorCompounded(perSecond, seconds), WAD);
}
