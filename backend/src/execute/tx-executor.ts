/**
 * One executor job, start to end: claim the intent -> simulate -> sign -> persist -> send -> wait for the
 * receipt, replacing a transaction that does not get mined with a same-nonce fee bump. A job delivered
 * again resumes from its intent record: it rebroadcasts what was signed instead of signing anew.
 *
 * Failures come out as two kinds: `PermanentJobError` (a deterministic revert, decoded to the custom
 * error's name; the caller fails the job without retrying) and anything else (transient: the queue
 * retries with backoff).
 *
 * @packageDocumentation
 */
import { encodeFunctionData, keccak256, type Chain, type Hex, type PublicClient, type Transport, type TransactionReceipt } from 'viem';
import type { PrivateKeyAccount } from 'viem/accounts';
import { ballastVaultAbi } from '../chain/abi/index.js';
import { withGasHeadroom } from '../chain/gas.js';
import { classifyFailure, meaningOf } from '../chain/revert.js';
import { bumpFees, initialFees, type Fees } from './fee-bump.js';
import type { ExecuteJobData, ExecuteResult } from './job.js';
import { IntentConflictError, type IntentRecord, type IntentStore } from './intent-store.js';

/**
 * Reverts that a smaller trade in the same direction cures: the pool is too thin for the size within the
 * slippage bound, or the pool's price is better than the oracle's so the planned size would carry leverage past
 * the target. Half the size still moves toward target, which the module always accepts.
 */
const SHRINKABLE = new Set(['SlippageExceeded', 'PostLeverageOutOfRange']);

/** A failure that no retry can cure. */
export class PermanentJobError extends Error {
  constructor(
    readonly errorName: string,
    message: string,
  ) {
    super(`${errorName}: ${message}`);
    this.name = 'PermanentJobError';
  }
}

export interface TxExecutorOptions {
  readonly txReplaceAfterMs: number;
  readonly feeBumpPercent: number;
  readonly maxFeePerGasWei: bigint;
  readonly maxFeeBumps: number;
  /**
   * How many times a rebalance whose simulation hits the module's slippage bound, or overshoots the target
   * because the pool trades better than the oracle, is retried at half the size. The policy sizes trades by
   * the limits and the oracle, not by the pool: a smaller step toward target is always allowed on-chain, and
   * the next scan continues (FLI's TWAP-style iteration).
   */
  readonly maxSizeHalvings?: number;
  /** Test hook: runs after the intent is persisted and before the first broadcast (fault injection). */
  readonly afterPersist?: (job: ExecuteJobData) => Promise<void>;
}

export interface ExecutionEvents {
  onSent?(job: ExecuteJobData, hash: Hex, replacement: boolean): void;
  onConfirmed?(job: ExecuteJobData, receipt: TransactionReceipt): void;
}

export class TxExecutor {
  constructor(
    private readonly client: PublicClient<Transport, Chain>,
    private readonly account: PrivateKeyAccount,
    private readonly intents: IntentStore,
    private readonly options: TxExecutorOptions,
    private readonly events: ExecutionEvents = {},
  ) {}

  async execute(job: ExecuteJobData): Promise<ExecuteResult> {
    if (job.signer !== this.account.address) throw new Error(`job for ${job.signer} reached the executor of ${this.account.address}`);
    let intent = await this.intents.claim({
      jobId: job.jobId,
      planHash: job.planHash,
      vault: job.vault,
      module: job.module,
      action: job.action,
      signer: job.signer,
      plannedAt: job.plannedAt,
    });
    if (intent.status === 'confirmed') return this.result(intent, 'confirmed');
    if (intent.status === 'failed') {
      // A later plan of an unchanged position has the same job id. If the earlier transaction reverted on-chain
      // (the pool moved between estimate and block), that plan must be able to run, or the vault stays out of its
      // band until interest moves its debt; the same job delivered again (same plannedAt) stays failed.
      const newerPlan = intent.plannedAt === undefined || job.plannedAt > intent.plannedAt;
      if (intent.attempts.length > 0 && intent.receipt !== null && newerPlan) intent = await this.intents.restartAfterRevert(intent, job.plannedAt);
      else if (intent.attempts.length > 0) throw new PermanentJobError(intent.error?.name ?? 'Failed', intent.error?.message ?? 'failed before');
      else intent = await this.intents.reopen(intent);
    }

    if (intent.attempts.length === 0) {
      if (job.action === 'rebalance' && (await this.jobSpentOnChain(job))) {
        // Another signer (or an earlier life of this job without a record) already did it.
        return { outcome: 'already-executed', txHash: null, blockNumber: null, replacements: 0 };
      }
      intent = await this.signFirst(job, intent);
      if (this.options.afterPersist) await this.options.afterPersist(job);
    }
    return this.sendAndWait(job, intent);
  }

  private calldata(job: ExecuteJobData, amount: string | null = null): Hex {
    if (job.action === 'ripcord') {
      return encodeFunctionData({ abi: ballastVaultAbi, functionName: 'ripcord', args: [job.module] });
    }
    const p = job.params!;
    return encodeFunctionData({
      abi: ballastVaultAbi,
      functionName: 'rebalance',
      args: [
        job.module,
        {
          jobId: job.jobId,
          deadline: BigInt(p.deadline),
          leverUp: p.leverUp,
          amount: BigInt(amount ?? p.amount),
          minPreLeverage: BigInt(p.minPreLeverage),
          maxPreLeverage: BigInt(p.maxPreLeverage),
        },
      ],
    });
  }

  private async jobSpentOnChain(job: ExecuteJobData): Promise<boolean> {
    // Spent: a job with this nonce ran on the module (this one, or another plan of the same state).
    return this.client.readContract({ address: job.vault, abi: ballastVaultAbi, functionName: 'jobSpent', args: [job.module, job.jobId] });
  }

  /** Simulates, signs and persists the first transaction. A revert here fails the job for good. */
  private async signFirst(job: ExecuteJobData, intent: IntentRecord): Promise<IntentRecord> {
    let amount: string | null = null;
    let data = this.calldata(job);
    let gas: bigint;
    for (let halvings = 0; ; halvings++) {
      try {
        // estimateGas executes the call: a revert surfaces here, decoded, before anything is signed.
        gas = await this.client.estimateGas({ account: this.account, to: job.vault, data });
        break;
      } catch (error) {
        const failure = classifyFailure(error);
        if (failure.kind !== 'revert') throw error;
        const current: bigint = BigInt(amount ?? job.params?.amount ?? '0');
        if (SHRINKABLE.has(failure.name) && job.action === 'rebalance' && halvings < (this.options.maxSizeHalvings ?? 6) && current > 1n) {
          amount = (current / 2n).toString();
          data = this.calldata(job, amount);
          continue;
        }
        await this.intents.markFailed(intent, { name: failure.name, message: `${failure.message}: ${meaningOf(failure.name)}` });
        throw new PermanentJobError(failure.name, `${failure.message}: ${meaningOf(failure.name)}`);
      }
    }
    const fees = initialFees(await this.networkFees(), this.options.maxFeePerGasWei);
    if (!fees) throw new Error(`network tip exceeds the fee cap of ${this.options.maxFeePerGasWei} wei`);
    const nonce = await this.client.getTransactionCount({ address: this.account.address, blockTag: 'pending' });
    const signed = await this.sign(job, data, nonce, withGasHeadroom(gas), fees);
    return this.intents.recordSigned(intent, nonce, signed, amount);
  }

  private async sign(job: ExecuteJobData, data: Hex, nonce: number, gas: bigint, fees: Fees) {
    const raw = await this.account.signTransaction({
      chainId: this.client.chain.id,
      type: 'eip1559',
      to: job.vault,
      data,
      nonce,
      gas,
      maxFeePerGas: fees.maxFeePerGas,
      maxPriorityFeePerGas: fees.maxPriorityFeePerGas,
    });
    return {
      hash: keccak256(raw),
      raw,
      maxFeePerGas: fees.maxFeePerGas.toString(),
      maxPriorityFeePerGas: fees.maxPriorityFeePerGas.toString(),
      signedAt: Date.now(),
    };
  }

  private async networkFees(): Promise<Fees> {
    const { maxFeePerGas, maxPriorityFeePerGas } = await this.client.estimateFeesPerGas({ type: 'eip1559' });
    return { maxFeePerGas, maxPriorityFeePerGas };
  }

  /** Broadcasts the latest signed attempt, waits, and replaces it while it is not mined. */
  private async sendAndWait(job: ExecuteJobData, start: IntentRecord): Promise<ExecuteResult> {
    let intent = start;
    for (let round = 0; ; round++) {
      const latest = intent.attempts[intent.attempts.length - 1]!;
      await this.broadcast(latest.raw);
      this.events.onSent?.(job, latest.hash, intent.attempts.length > 1);

      const receipt = await this.waitForAny(intent.attempts.map((a) => a.hash), this.options.txReplaceAfterMs);
      if (receipt) return this.settle(job, intent, receipt);

      // Not mined in time: was the nonce used by something else? Then none of ours can ever land.
      const mined = await this.client.getTransactionCount({ address: this.account.address, blockTag: 'latest' });
      if (mined > intent.nonce!) {
        const late = await this.waitForAny(intent.attempts.map((a) => a.hash), 1);
        if (late) return this.settle(job, intent, late);
        await this.intents.markFailed(intent, { name: 'NonceTaken', message: `nonce ${intent.nonce} was used by another transaction` });
        throw new PermanentJobError('NonceTaken', `nonce ${intent.nonce} was used by another transaction`);
      }
      if (round >= this.options.maxFeeBumps) {
        // Out of replacements for this delivery: let the queue retry later; the record keeps the state.
        throw new Error(`transaction ${latest.hash} not mined after ${round + 1} broadcasts`);
      }
      const bumped = bumpFees(
        { maxFeePerGas: BigInt(latest.maxFeePerGas), maxPriorityFeePerGas: BigInt(latest.maxPriorityFeePerGas) },
        await this.networkFees(),
        this.options.feeBumpPercent,
        this.options.maxFeePerGasWei,
      );
      if (bumped) {
        const tx = await this.client.getTransaction({ hash: latest.hash }).catch(() => null);
        const data = this.calldata(job, intent.amount);
        const gas = tx?.gas ?? withGasHeadroom(await this.client.estimateGas({ account: this.account, to: job.vault, data }));
        intent = await this.intents.recordSigned(intent, intent.nonce!, await this.sign(job, data, intent.nonce!, gas, bumped));
      }
      // At the fee cap: rebroadcast the last one unchanged (a node that dropped it learns it again).
    }
  }

  private async broadcast(raw: Hex): Promise<void> {
    try {
      await this.client.sendRawTransaction({ serializedTransaction: raw });
    } catch (error) {
      const message = (error as Error).message ?? '';
      // The node already has it, or it (or a replacement) was already mined: waiting settles which.
      if (/already known|known transaction|nonce too low|already imported|replacement transaction underpriced/i.test(message)) return;
      throw error;
    }
  }

  private async waitForAny(hashes: readonly Hex[], timeoutMs: number): Promise<TransactionReceipt | null> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      for (const hash of hashes) {
        const receipt = await this.client.getTransactionReceipt({ hash }).catch((error: Error) => {
          if (error.name === 'TransactionReceiptNotFoundError') return null;
          throw error;
        });
        if (receipt) return receipt;
      }
      if (Date.now() >= deadline) return null;
      await new Promise((r) => setTimeout(r, Math.min(250, Math.max(1, deadline - Date.now()))));
    }
  }

  private async settle(job: ExecuteJobData, intent: IntentRecord, receipt: TransactionReceipt): Promise<ExecuteResult> {
    const summary = { hash: receipt.transactionHash, blockNumber: receipt.blockNumber.toString(), gasUsed: receipt.gasUsed.toString() };
    if (receipt.status === 'success') {
      let confirmed: IntentRecord;
      try {
        confirmed = await this.intents.markConfirmed(intent, summary);
      } catch (error) {
        // Another delivery of this job (it was redelivered while we stalled) settled it first.
        const current = error instanceof IntentConflictError ? await this.intents.get(job.jobId) : null;
        if (current?.status !== 'confirmed') throw error;
        confirmed = current;
      }
      this.events.onConfirmed?.(job, receipt);
      return this.result(confirmed, 'confirmed');
    }
    const reason = await this.revertReason(job, intent, receipt);
    await this.intents.markFailed(intent, reason, summary);
    throw new PermanentJobError(reason.name, reason.message);
  }

  /** Re-runs the reverted call on the state before its block to name the error (best effort). */
  private async revertReason(job: ExecuteJobData, intent: IntentRecord, receipt: TransactionReceipt): Promise<{ name: string; message: string }> {
    try {
      await this.client.call({ account: this.account, to: job.vault, data: this.calldata(job, intent.amount), blockNumber: receipt.blockNumber - 1n });
      return { name: 'RevertedOnChain', message: `transaction ${receipt.transactionHash} reverted in block ${receipt.blockNumber}` };
    } catch (error) {
      const failure = classifyFailure(error);
      return failure.kind === 'revert'
        ? { name: failure.name, message: `${failure.message}: ${meaningOf(failure.name)}` }
        : { name: 'RevertedOnChain', message: `transaction ${receipt.transactionHash} reverted in block ${receipt.blockNumber}` };
    }
  }

  private result(intent: IntentRecord, outcome: ExecuteResult['outcome']): ExecuteResult {
    return {
      outcome,
      txHash: intent.receipt?.hash ?? null,
      blockNumber: intent.receipt?.blockNumber ?? null,
      replacements: Math.max(0, intent.attempts.length - 1),
    };
  }
}
