/**
 * From a vault's snapshot to executor jobs: runs the policy on each module and turns a plan into an
 * `ExecuteJobData` with a deterministic id. The id is a hash of the chain, the vault, the module, the plan
 * and the position it was made from, so the same state evaluated twice (two scans, two scanner processes)
 * yields the same job, which BullMQ and the vault's on-chain replay guard both refuse to run twice; once a
 * trade lands, the position changes and so does the next id.
 *
 * @packageDocumentation
 */
import { encodeAbiParameters, keccak256, pad, toHex, type Address, type Hex } from 'viem';
import { evaluatePolicy, planHash, type PolicyDecision, type PolicyParameters, type PricePoint } from '../policy/index.js';
import type { ModuleSnapshot, VaultSnapshot } from '../chain/snapshot.js';
import type { ExecuteJobData } from '../execute/job.js';

export interface ModulePlan {
  readonly vault: Address;
  readonly module: Address;
  readonly decision: PolicyDecision;
  readonly planHash: Hex;
  /** The job to enqueue, or null when the plan is to do nothing. */
  readonly job: ExecuteJobData | null;
}

export interface PlannerOptions {
  readonly chainId: number;
  /** Seconds from the snapshot's block time to the on-chain deadline. */
  readonly jobDeadlineSeconds: number;
  readonly signers: readonly Address[];
  readonly parameters?: PolicyParameters;
  readonly now?: () => number;
}

/** The signer that serves a vault: stable across processes, spread evenly over the keys. */
export function signerFor(vault: Address, signers: readonly Address[]): Address {
  if (signers.length === 0) throw new Error('no keeper signer configured');
  const index = BigInt(keccak256(vault)) % BigInt(signers.length);
  return signers[Number(index)]!;
}

/** Bits of a job id that carry the module's job nonce (the vault's replay guard). */
const NONCE_BITS = 56n;
const NONCE_MASK = (1n << NONCE_BITS) - 1n;

/** `id` with its low 56 bits replaced by the module job nonce `nonce`. */
export function jobIdWithNonce(id: Hex, nonce: bigint): Hex {
  return pad(toHex((BigInt(id) & ~NONCE_MASK) | (nonce & NONCE_MASK)), { size: 32 });
}

/** The module job nonce a job id carries: its low 56 bits. */
export function jobNonceOf(jobId: Hex): bigint {
  return BigInt(jobId) & NONCE_MASK;
}

/**
 * The id shared by the BullMQ job and the on-chain `RebalanceParams.jobId`: a hash of the plan and the state it was
 * made for, with the module's next job nonce in the low 56 bits. The vault runs one job per nonce, in order, so the
 * same job can never run twice, nor after another job planned from the same state.
 */
export function jobIdFor(chainId: number, vault: Address, module: ModuleSnapshot, hash: Hex): Hex {
  const id = keccak256(
    encodeAbiParameters(
      [
        { type: 'string' },
        { type: 'uint256' },
        { type: 'address' },
        { type: 'address' },
        { type: 'bytes32' },
        { type: 'uint256' },
        { type: 'uint256' },
        { type: 'uint256' },
      ],
      ['ballast.job.v2', BigInt(chainId), vault, module.address, hash, module.state.collateral, module.state.debt, module.state.lastRebalance],
    ),
  );
  return jobIdWithNonce(id, module.jobNonce);
}

/** Evaluates every module of one vault. */
export function planVault(
  snapshot: VaultSnapshot,
  pricesByModule: ReadonlyMap<Address, readonly PricePoint[]>,
  options: PlannerOptions,
): ModulePlan[] {
  if (snapshot.error) return [];
  const signer = options.signers.length > 0 ? signerFor(snapshot.address, options.signers) : null;
  return snapshot.modules.map((module) => {
    const decision = evaluatePolicy({
      state: module.state,
      limits: module.limits,
      now: snapshot.timestamp,
      prices: pricesByModule.get(module.address) ?? [],
      riskIncreasingBlocked: snapshot.paused || snapshot.shutdown,
      ...(options.parameters ? { parameters: options.parameters } : {}),
    });
    const hash = planHash(decision.plan, snapshot.address, module.address);
    const plan = decision.plan;
    if (plan.kind === 'none' || signer === null) return { vault: snapshot.address, module: module.address, decision, planHash: hash, job: null };
    const jobId = jobIdFor(options.chainId, snapshot.address, module, hash);
    const job: ExecuteJobData = {
      jobId,
      planHash: hash,
      vault: snapshot.address,
      module: module.address,
      action: plan.kind,
      signer,
      params:
        plan.kind === 'rebalance'
          ? {
              deadline: (snapshot.timestamp + BigInt(options.jobDeadlineSeconds)).toString(),
              leverUp: plan.leverUp,
              amount: plan.amount.toString(),
              minPreLeverage: plan.minPreLeverage.toString(),
              maxPreLeverage: plan.maxPreLeverage.toString(),
            }
          : null,
      plannedAtBlock: snapshot.blockNumber.toString(),
      plannedAt: (options.now ?? Date.now)(),
    };
    return { vault: snapshot.address, module: module.address, decision, planHash: hash, job };
  });
}
