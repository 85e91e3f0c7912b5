/**
 * Fee maths of transaction replacement. A node accepts a replacement (same nonce) only when both the fee
 * cap and the tip rise by at least its minimum bump (geth and anvil: 10%), so each bump raises both by
 * `percent`, rounded up, and never below what the network currently asks. Above `cap`, no more bumps:
 * the executor keeps rebroadcasting the last transaction instead of chasing the fee.
 *
 * @packageDocumentation
 */

/** EIP-1559 fees of one signed transaction, in wei. */
export interface Fees {
  readonly maxFeePerGas: bigint;
  readonly maxPriorityFeePerGas: bigint;
}

/** Raises `x` by `percent`, rounding up so the node's minimum bump is always met. */
export function raiseByPercent(x: bigint, percent: number): bigint {
  if (!Number.isInteger(percent) || percent < 0) throw new RangeError(`percent must be a non-negative integer, got ${percent}`);
  return (x * BigInt(100 + percent) + 99n) / 100n;
}

/**
 * Fees of the first transaction: the network's estimate, the cap applied to the fee cap and the tip.
 * Returns `null` when even the tip alone exceeds the cap (nothing sensible can be sent).
 */
export function initialFees(network: Fees, cap: bigint): Fees | null {
  const maxPriorityFeePerGas = network.maxPriorityFeePerGas;
  if (maxPriorityFeePerGas > cap) return null;
  const maxFeePerGas = minBig(maxBig(network.maxFeePerGas, maxPriorityFeePerGas), cap);
  return { maxFeePerGas, maxPriorityFeePerGas };
}

/**
 * Fees of the replacement of a transaction sent with `previous`, or `null` when the bump would pass
 * `cap` (the caller then rebroadcasts `previous` unchanged).
 */
export function bumpFees(previous: Fees, network: Fees, percent: number, cap: bigint): Fees | null {
  if (percent < 10) throw new RangeError(`a replacement needs a bump of at least 10%, got ${percent}%`);
  const maxPriorityFeePerGas = maxBig(raiseByPercent(previous.maxPriorityFeePerGas, percent), network.maxPriorityFeePerGas);
  const maxFeePerGas = maxBig(raiseByPercent(previous.maxFeePerGas, percent), network.maxFeePerGas, maxPriorityFeePerGas);
  if (maxFeePerGas > cap) return null;
  return { maxFeePerGas, maxPriorityFeePerGas };
}

function maxBig(...xs: bigint[]): bigint {
  return xs.reduce((a, b) => (b > a ? b : a));
}

function minBig(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}
