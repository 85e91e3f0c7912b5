/**
 * A canonical hash of a plan, used by the executor for idempotency: the same decision for the same
 * module hashes the same, whichever replica or retry computed it.
 *
 * @packageDocumentation
 */
import { encodeAbiParameters, keccak256 } from 'viem';
import type { Address, Hex } from 'viem';
import type { Plan } from './types.js';

/** Domain tag of the encoding; bump it whenever the encoding changes. */
export const PLAN_HASH_DOMAIN = 'ballast.plan.v1';

const PLAN_KIND_CODES = { none: 0, rebalance: 1, ripcord: 2 } as const;

const PLAN_ENCODING = [
  { name: 'domain', type: 'string' },
  { name: 'vault', type: 'address' },
  { name: 'module', type: 'address' },
  { name: 'kind', type: 'uint8' },
  { name: 'leverUp', type: 'bool' },
  { name: 'amount', type: 'uint256' },
  { name: 'targetLeverage', type: 'uint256' },
  { name: 'expectedPostLeverage', type: 'uint256' },
  { name: 'minPreLeverage', type: 'uint256' },
  { name: 'maxPreLeverage', type: 'uint256' },
  { name: 'reason', type: 'string' },
] as const;

/**
 * keccak256 of the ABI encoding of (domain, vault, module, kind, leverUp, amount, targetLeverage,
 * expectedPostLeverage, minPreLeverage, maxPreLeverage, reason). Fields a kind lacks encode as zero
 * or empty; descriptive fields (`detail`, `trigger`, `bestCasePostLeverage`, `chunked`) are left out
 * because they do not change what is sent on-chain. Addresses are compared by value, not by case.
 *
 * The hash identifies a decision, not an occasion: the same plan reached again later hashes the same,
 * so an on-chain `jobId` derived from it must also mix in something that changes between occasions.
 * Throws viem's `InvalidAddressError` on a malformed address.
 */
export function planHash(plan: Plan, vault: Address, module: Address): Hex {
  const rebalance = plan.kind === 'rebalance' ? plan : null;
  return keccak256(
    encodeAbiParameters(PLAN_ENCODING, [
      PLAN_HASH_DOMAIN,
      vault,
      module,
      PLAN_KIND_CODES[plan.kind],
      rebalance?.leverUp ?? false,
      rebalance?.amount ?? 0n,
      rebalance?.targetLeverage ?? 0n,
      rebalance?.expectedPostLeverage ?? 0n,
      rebalance?.minPreLeverage ?? 0n,
      rebalance?.maxPreLeverage ?? 0n,
      plan.kind === 'none' ? plan.reason : '',
    ]),
  );
}
