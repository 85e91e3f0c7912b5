/**
 * Fixed-point arithmetic over bigint, named after its Solidity counterparts (Morpho's `MathLib`) so
 * that off-chain predictions round exactly where the contracts do. Rounding is in the name: `Down`
 * rounds toward zero, `Up` away from it. Operands are expected to be non-negative, as in Solidity.
 *
 * @packageDocumentation
 */
import { MathDomainError } from './errors.js';

/** 1.0 in 18-decimal fixed point (leverage, fractions). */
export const WAD = 10n ** 18n;

/** 100% in basis points. */
export const BPS = 10_000n;

/** The largest uint256; the chain reports this leverage when equity is zero or negative. */
export const MAX_UINT256 = 2n ** 256n - 1n;

/** `x * y / denominator`, rounded down. Throws {@link MathDomainError} on a zero denominator. */
export function mulDivDown(x: bigint, y: bigint, denominator: bigint): bigint {
  if (denominator === 0n) throw new MathDomainError('mulDivDown', [x, y, denominator]);
  return (x * y) / denominator;
}

/** `x * y / denominator`, rounded up. Throws {@link MathDomainError} on a zero denominator. */
export function mulDivUp(x: bigint, y: bigint, denominator: bigint): bigint {
  if (denominator === 0n) throw new MathDomainError('mulDivUp', [x, y, denominator]);
  return (x * y + (denominator - 1n)) / denominator;
}

/** `x * y / WAD`, rounded down. */
export function wMulDown(x: bigint, y: bigint): bigint {
  return mulDivDown(x, y, WAD);
}

/** `x * y / WAD`, rounded up. */
export function wMulUp(x: bigint, y: bigint): bigint {
  return mulDivUp(x, y, WAD);
}

/** `x * WAD / y`, rounded down. */
export function wDivDown(x: bigint, y: bigint): bigint {
  return mulDivDown(x, WAD, y);
}

/** `x * WAD / y`, rounded up. */
export function wDivUp(x: bigint, y: bigint): bigint {
  return mulDivUp(x, WAD, y);
}

/** The smaller of two bigints. */
export function minBigInt(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}

/** The larger of two bigints. */
export function maxBigInt(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}

/** `value` limited to `[lower, upper]`; `lower` wins when the bounds cross. */
export function clampBigInt(value: bigint, lower: bigint, upper: bigint): bigint {
  return maxBigInt(lower, minBigInt(value, upper));
}

/** `|a - b|`. */
export function absDiff(a: bigint, b: bigint): bigint {
  return a > b ? a - b : b - a;
}

/** Integer square root, rounded down (Newton's method). Throws {@link MathDomainError} below zero. */
export function sqrtDown(value: bigint): bigint {
  if (value < 0n) throw new MathDomainError('sqrtDown', [value]);
  if (value < 2n) return value;
  let x = value;
  let y = (x + 1n) / 2n;
  while (y < x) {
    x = y;
    y = (x + value / x) / 2n;
  }
  return x;
}
