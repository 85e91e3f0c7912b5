/**
 * Sending one transaction the careful way: simulate first (a refusal is decoded to its custom error and
 * nothing is sent), then sign, send and wait for the receipt. A transaction that still reverts on-chain is
 * replayed at its block to name the error.
 *
 * @packageDocumentation
 */
import type { Abi, Address, Hash, TransactionReceipt } from 'viem';
import { withGasHeadroom } from '../chain/gas.js';
import type { CliContext } from './context.js';
import { chainFailure, CliChainError } from './errors.js';

/** One contract call to send. */
export interface WriteCall {
  readonly address: Address;
  readonly abi: Abi | readonly unknown[];
  readonly functionName: string;
  readonly args?: readonly unknown[];
}

/** A mined, successful transaction and what the simulation said it would return. */
export interface SentTransaction {
  readonly hash: Hash;
  readonly receipt: TransactionReceipt;
  readonly result: unknown;
}

/** Simulates `call` as the signer; throws a {@link CliChainError} naming the custom error when it would revert. */
export async function simulate(ctx: CliContext, action: string, call: WriteCall): Promise<{ request: unknown; result: unknown }> {
  try {
    const { request, result } = await ctx.client.simulateContract({
      ...(call as { address: Address; abi: Abi; functionName: string; args?: readonly unknown[] }),
      account: ctx.signer(),
    } as never);
    return { request, result };
  } catch (error) {
    throw chainFailure(action, error);
  }
}

/** Simulates, sends and waits for `call`. `onSent` sees the hash as soon as it is known (progress output). */
export async function send(ctx: CliContext, action: string, call: WriteCall, onSent?: (hash: Hash) => void): Promise<SentTransaction> {
  const { request, result } = await simulate(ctx, action, call);
  let hash: Hash;
  let gas: bigint;
  try {
    gas = withGasHeadroom(await ctx.client.estimateContractGas({ ...(request as object), account: ctx.signer() } as never));
    hash = await ctx.wallet().writeContract({ ...(request as object), gas } as never);
  } catch (error) {
    throw chainFailure(action, error);
  }
  onSent?.(hash);
  let receipt: TransactionReceipt;
  try {
    receipt = await ctx.client.waitForTransactionReceipt({ hash, timeout: 120_000 });
  } catch (error) {
    throw chainFailure(`${action} (waiting for ${hash})`, error, hash);
  }
  if (receipt.status !== 'success') {
    // State moved between simulation and inclusion: replay the call at the block that refused it.
    try {
      await ctx.client.simulateContract({ ...(call as object), account: ctx.signer(), blockNumber: receipt.blockNumber } as never);
    } catch (error) {
      throw chainFailure(action, error, hash);
    }
    const outOfGas = receipt.gasUsed >= gas ? ` (out of gas: it used all ${gas} of its gas limit)` : '';
    throw new CliChainError(`${action}: transaction ${hash} reverted in block ${receipt.blockNumber}${outOfGas}`, null, hash);
  }
  return { hash, receipt, result };
}

