/**
 * Gas limits for transactions Ballast signs (the keeper's executor and the CLI).
 *
 * @packageDocumentation
 */

/**
 * The gas limit for a transaction estimated at `estimate`: 20% over it. An exact estimate is a bet that
 * nothing moves before inclusion, but a module's gas depends on state that changes every block: which pool
 * observations its TWAP read needs (the newest two, or the pool's binary search over the ring: ~25k more),
 * and interest accrual. A limit too tight reverts out of gas and still pays for it.
 */
export function withGasHeadroom(estimate: bigint): bigint {
  return (estimate * 12n) / 10n;
}
