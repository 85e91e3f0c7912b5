/**
 * Leverage arithmetic of a collateral/debt position, and the trade sizes that reach a leverage.
 *
 * For collateral C and debt D (both in vault-asset units at the oracle price), equity is E = C - D and
 * leverage L = C / E. Trading `a` units of collateral at a swap cost s (fraction of the oracle price)
 * changes the position as follows:
 *
 * - lever up (buy `a` collateral with new debt): C' = C + a, D' = D + a / (1 - s), so E' = E - a·s/(1 - s);
 * - delever (sell `a` collateral, repay debt): C' = C - a, D' = D - a·(1 - s), so E' = E - a·s.
 *
 * Ignoring costs (s = 0) equity is unchanged and reaching L' takes |ΔC| = |L' - L|·E. Swap costs always
 * raise the post-trade leverage, so every trade has two predictions: the *lowest* (s = 0, the oracle
 * price) and the *highest* (s = maxSlippage, the worst price the module accepts). Sizing uses the
 * prediction that is unfavourable for each constraint: "never past target" is checked on the highest
 * prediction when levering up and on the lowest when levering down; "back inside the band" the other
 * way round. Every bound is solved exactly in integers, so the rounded predictions obey it too.
 *
 * @packageDocumentation
 */
import { BPS, MAX_UINT256, WAD, maxBigInt, mulDivDown, mulDivUp, wDivDown, wDivUp } from './math.js';

/** A position in vault-asset units. */
export interface Position {
  readonly collateral: bigint;
  readonly debtInAssets: bigint;
}

/** The lowest and highest post-trade leverage a trade can produce within the slippage limit, WAD. */
export interface PostLeverageBounds {
  /** At the oracle price with no swap cost. */
  readonly lowest: bigint;
  /** At the worst swap price the module accepts. */
  readonly highest: bigint;
}

/** Collateral minus debt; may be zero or negative for an underwater position. */
export function equityOf(position: Position): bigint {
  return position.collateral - position.debtInAssets;
}

/** Leverage C / E rounded down, WAD; `MAX_UINT256` when equity is not positive (as the chain reports). */
export function leverageOf(position: Position): bigint {
  const equity = equityOf(position);
  return equity > 0n ? wDivDown(position.collateral, equity) : MAX_UINT256;
}

function leverageUp(collateral: bigint, equity: bigint): bigint {
  return equity > 0n ? wDivUp(collateral, equity) : MAX_UINT256;
}

/**
 * Predicts the post-trade leverage of trading `amount` collateral.
 * @param slippageBps - The worst swap cost the module accepts, in basis points of the oracle price.
 */
export function predictPostLeverage(
  position: Position,
  leverUp: boolean,
  amount: bigint,
  slippageBps: bigint,
): PostLeverageBounds {
  const equity = equityOf(position);
  if (leverUp) {
    const collateral = position.collateral + amount;
    const worstDebt = position.debtInAssets + mulDivUp(amount, BPS, BPS - slippageBps);
    return {
      lowest: leverageOf({ collateral, debtInAssets: position.debtInAssets + amount }),
      highest: leverageUp(collateral, collateral - worstDebt),
    };
  }
  const collateral = position.collateral - amount;
  const worstDebt = position.debtInAssets - mulDivDown(amount, BPS - slippageBps, BPS);
  return {
    lowest: equity > 0n ? wDivDown(collateral, equity) : MAX_UINT256,
    highest: leverageUp(collateral, collateral - worstDebt),
  };
}

/**
 * The largest lever-up trade whose highest post-leverage is at most `ceiling` (WAD).
 *
 * Solves (C + a)·WAD <= ceiling·E'(a) with E'(a) = E + a - ceil(a·BPS/(BPS - s)); the rounding of the
 * debt costs less than one unit, which is taken out of E up front:
 * a <= (ceiling·(E - 1) - C·WAD)·(BPS - s) / ((BPS - s)·WAD + ceiling·s).
 */
export function maxLeverUpWithin(position: Position, ceiling: bigint, slippageBps: bigint): bigint {
  const equity = equityOf(position);
  const numerator = ceiling * (equity - 1n) - position.collateral * WAD;
  if (equity <= 0n || numerator <= 0n) return 0n;
  const keep = BPS - slippageBps;
  return mulDivDown(numerator, keep, keep * WAD + ceiling * slippageBps);
}

/** The smallest lever-up trade whose lowest post-leverage is at least `floor` (WAD): ceil(floor·E / WAD) - C. */
export function minLeverUpToReach(position: Position, floor: bigint): bigint {
  const equity = equityOf(position);
  if (equity <= 0n) return 0n;
  return maxBigInt(0n, mulDivUp(floor, equity, WAD) - position.collateral);
}

/** The largest delever trade whose lowest post-leverage is at least `floor` (WAD): C - ceil(floor·E / WAD). */
export function maxDeleverWithin(position: Position, floor: bigint): bigint {
  const equity = equityOf(position);
  if (equity <= 0n) return 0n;
  return maxBigInt(0n, position.collateral - mulDivUp(floor, equity, WAD));
}

/**
 * The smallest delever trade whose highest post-leverage is at most `ceiling` (WAD), or null when no
 * trade can get there (the swap cost eats the equity faster than the debt falls: ceiling·s >= 1).
 *
 * Solves (C - a)·WAD <= ceiling·E'(a) with E'(a) >= E - 1 - a·s/BPS:
 * a >= (C·WAD - ceiling·(E - 1))·BPS / (WAD·BPS - ceiling·s).
 */
export function minDeleverToReach(position: Position, ceiling: bigint, slippageBps: bigint): bigint | null {
  const equity = equityOf(position);
  const denominator = WAD * BPS - ceiling * slippageBps;
  if (equity <= 0n || denominator <= 0n) return null;
  const numerator = position.collateral * WAD - ceiling * (equity - 1n);
  return numerator <= 0n ? 0n : mulDivUp(numerator, BPS, denominator);
}
