/**
 * The leveraged position as `MorphoLeverageModule` values and trades it, in bigint with the contract's
 * rounding. Function names follow the Solidity ones (`_finishValue`, `_predict`, `_sizeToReach`,
 * `_leverUp`, `_delever`, `_checkPostLeverage`), so a reader can check them line by line against
 * `strategies/morpho-leverage/MorphoLeverageModule.sol`.
 *
 * Units as on-chain: collateral in asset base units, debt in loan-token base units, prices in Morpho's
 * oracle unit (loan base units per collateral base unit, times 1e36), leverage WAD.
 *
 * @packageDocumentation
 */
import { BPS, MAX_UINT256, WAD, mulDivDown, mulDivUp } from '../policy/index.js';

/** Morpho's oracle price scale. */
export const ORACLE_PRICE_SCALE = 10n ** 36n;

/** A position valued at one price (the module's `Valued`); `debtInAssets` rounds up. */
export interface ValuedPosition {
  readonly collateral: bigint;
  readonly debt: bigint;
  readonly debtInAssets: bigint;
  readonly leverage: bigint;
}

/** `_finishValue`: debt in asset units (rounded up) and leverage C / (C - D) (rounded up). */
export function valuePosition(collateral: bigint, debt: bigint, price: bigint): ValuedPosition {
  let debtInAssets: bigint;
  if (debt === 0n) debtInAssets = 0n;
  else if (price === 0n) debtInAssets = MAX_UINT256;
  else debtInAssets = mulDivUp(debt, ORACLE_PRICE_SCALE, price);

  let leverage: bigint;
  if (debtInAssets === 0n) leverage = WAD;
  else if (debtInAssets >= collateral) leverage = MAX_UINT256;
  else leverage = mulDivUp(collateral, WAD, collateral - debtInAssets);
  return { collateral, debt, debtInAssets, leverage };
}

/** `_predict`: the post-trade position at `price` with the full slippage paid. */
export function predictPosition(
  pre: ValuedPosition,
  leverUp: boolean,
  amount: bigint,
  price: bigint,
  slippageBps: bigint,
): ValuedPosition {
  if (leverUp) {
    const debt =
      pre.debt + mulDivUp(mulDivUp(amount, price, ORACLE_PRICE_SCALE), BPS + slippageBps, BPS);
    return valuePosition(pre.collateral + amount, debt, price);
  }
  const owed = mulDivDown(amount, price, ORACLE_PRICE_SCALE);
  const repaid = owed < pre.debt ? owed : pre.debt;
  const sold = mulDivUp(mulDivUp(repaid, ORACLE_PRICE_SCALE, price), BPS + slippageBps, BPS);
  return valuePosition(pre.collateral > sold ? pre.collateral - sold : 0n, pre.debt - repaid, price);
}

/** `_sizeToReach`: collateral to sell at zero cost to take leverage down to `destination`: C - ceil(destination·E). */
export function sizeToReach(pre: ValuedPosition, destination: bigint): bigint {
  if (pre.debtInAssets >= pre.collateral) return pre.collateral;
  const kept = mulDivUp(pre.collateral - pre.debtInAssets, destination, WAD);
  return pre.collateral > kept ? pre.collateral - kept : 0n;
}

/** `_leverUp`'s bound: the most loan token a lever-up of `amount` collateral may pay. */
export function leverUpMaxIn(amount: bigint, price: bigint, slippageBps: bigint): bigint {
  return mulDivDown(mulDivDown(amount, price, ORACLE_PRICE_SCALE), BPS + slippageBps, BPS);
}

/** What a delever of `amount` collateral (at the oracle price) repays and the most collateral it may sell. */
export interface DeleverTerms {
  /** Loan token repaid (the whole debt when `amount` covers it). */
  readonly repaid: bigint;
  /** Most collateral the swap may take. */
  readonly maxIn: bigint;
}

/** `_delever`'s terms: repay `amount·price` (or the whole debt, with one unit of rounding slack) within the slippage bound. */
export function deleverTerms(debt: bigint, amount: bigint, price: bigint, slippageBps: bigint): DeleverTerms {
  const repaid = mulDivDown(amount, price, ORACLE_PRICE_SCALE);
  if (repaid >= debt) {
    const maxIn = mulDivDown(mulDivUp(debt, ORACLE_PRICE_SCALE, price), BPS + slippageBps, BPS) + 1n;
    return { repaid: debt, maxIn };
  }
  return { repaid, maxIn: mulDivDown(amount, BPS + slippageBps, BPS) };
}

/** Why the module refuses a post-trade leverage (`PostLeverageOutOfRange`), or null when it accepts it. */
export function postLeverageProblem(
  leverUp: boolean,
  pre: bigint,
  post: bigint,
  limits: { readonly minLeverage: bigint; readonly targetLeverage: bigint; readonly maxLeverage: bigint },
): string | null {
  const notPast = leverUp ? post <= limits.targetLeverage : post >= limits.targetLeverage;
  const inBand = post >= limits.minLeverage && post <= limits.maxLeverage;
  const closer = leverUp ? post > pre : post < pre;
  if (!notPast) return 'PostLeverageOutOfRange: past target';
  if (!(inBand || closer)) return 'PostLeverageOutOfRange: outside the band and not closer to target';
  return null;
}

/** Loan-to-value of a position at a price, WAD (debt value over collateral value); MAX_UINT256 without collateral. */
export function loanToValue(collateral: bigint, debt: bigint, price: bigint): bigint {
  if (debt === 0n) return 0n;
  const collateralValue = mulDivDown(collateral, price, ORACLE_PRICE_SCALE);
  if (collateralValue === 0n) return MAX_UINT256;
  return mulDivUp(debt, WAD, collateralValue);
}
