/**
 * Queue names and the payload of an executor job. One executor queue per signer key: BullMQ's global
 * concurrency 1 on it means one transaction in flight per nonce sequence, however many executor processes
 * run.
 *
 * @packageDocumentation
 */
import type { Address, Hex } from 'viem';

export const QUEUE = {
  /** Scheduled and block-triggered scan ticks. */
  scan: 'scan',
  /** One evaluation per vault, deduplicated per vault. */
  evaluate: 'evaluate',
  /** Jobs that failed for good, copied here with their reason. */
  deadLetter: 'dead-letter',
} as const;

export const JOB = {
  scanTick: 'scan-tick',
  evaluateVault: 'evaluate-vault',
  rebalance: 'rebalance',
  ripcord: 'ripcord',
  deadLetter: 'dead-letter',
} as const;

/** The id of the Job Scheduler that drives periodic scans (re-created by the reconciler). */
export const SCAN_SCHEDULER_ID = 'scan-every-interval';

/** The executor queue of one signer. */
export function executorQueueName(signer: Address): string {
  return `execute-${signer.toLowerCase()}`;
}

/** What the executor sends. Numbers travel as decimal strings. */
export interface ExecuteJobData {
  /** The on-chain jobId (the vault's replay guard) and the BullMQ job id: one id for both. */
  readonly jobId: Hex;
  readonly planHash: Hex;
  readonly vault: Address;
  readonly module: Address;
  readonly action: 'rebalance' | 'ripcord';
  readonly signer: Address;
  /** `RebalanceParams` for a rebalance (without jobId, which is `jobId`). */
  readonly params: {
    readonly deadline: string;
    readonly leverUp: boolean;
    readonly amount: string;
    readonly minPreLeverage: string;
    readonly maxPreLeverage: string;
  } | null;
  /** Block of the snapshot the plan was made from. */
  readonly plannedAtBlock: string;
  /** When the plan was made (unix ms), for reaction-latency metrics. */
  readonly plannedAt: number;
}

/** What a finished executor job returns (kept by BullMQ for the job-status API). */
export interface ExecuteResult {
  readonly outcome: 'confirmed' | 'already-executed';
  readonly txHash: Hex | null;
  readonly blockNumber: string | null;
  readonly replacements: number;
}
