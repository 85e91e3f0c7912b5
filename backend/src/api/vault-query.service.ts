import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { parseEventLogs, type Address, type Hex } from 'viem';
import { ballastVaultAbi } from '../chain/abi/index.js';
import { ChainService } from '../chain/chain.service.js';
import { toJsonSafe } from '../chain/snapshot.js';
import type { ServiceConfig } from '../config/config.js';
import { CONFIG, REDIS } from '../core/tokens.js';
import { IntentStore } from '../execute/intent-store.js';
import { QueuesService } from '../queues/queues.service.js';
import { RedisKeys } from '../redis/redis.js';
import { planVault } from '../scan/planner.js';
import { VaultStateStore } from '../vaults/vault-state.store.js';
import { toVaultView, type VaultView } from './vault-view.js';

/** How far back the history endpoint looks by default, in blocks. */
const HISTORY_BLOCKS = 50_000n;

/** Read-side of the API: live vault state, history from events, plan previews, job status, health. */
@Injectable()
export class VaultQueryService {
  private readonly intents: IntentStore;

  constructor(
    @Inject(CONFIG) private readonly config: ServiceConfig,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly chain: ChainService,
    private readonly store: VaultStateStore,
    private readonly queues: QueuesService,
  ) {
    this.intents = new IntentStore(redis, new RedisKeys(config.redisPrefix));
  }

  private requireWatched(vault: Address): void {
    if (!this.config.vaults.includes(vault)) {
      throw new NotFoundException(`vault ${vault} is not watched by this service (watched: ${this.config.vaults.join(', ') || 'none'})`);
    }
  }

  /** Every watched vault, read live in one multicall. */
  async list(): Promise<VaultView[]> {
    const snapshots = await this.chain.reader.read(this.config.vaults);
    const decisions = await this.decisions(snapshots.flatMap((s) => s.modules.map((m) => m.address)));
    return snapshots.map((s) => toVaultView(s, decisions));
  }

  async get(vault: Address): Promise<VaultView> {
    this.requireWatched(vault);
    const [snapshot] = await this.chain.reader.read([vault]);
    const decisions = await this.decisions(snapshot!.modules.map((m) => m.address));
    return toVaultView(snapshot!, decisions);
  }

  private async decisions(modules: Address[]) {
    const entries = await Promise.all(modules.map(async (m) => [m, await this.store.decision(m)] as const));
    return new Map(entries);
  }

  /** Keeper rebalances and delevers (ripcord, dead-man's switch, guardian) from the vault's events. */
  async history(vault: Address, fromBlock?: bigint) {
    this.requireWatched(vault);
    const client = this.chain.publicClient;
    const head = await client.getBlockNumber();
    const from = fromBlock ?? (head > HISTORY_BLOCKS ? head - HISTORY_BLOCKS : 0n);
    const logs = await client.getLogs({ address: vault, fromBlock: from, toBlock: head });
    const events = parseEventLogs({ abi: ballastVaultAbi, logs, eventName: ['Rebalanced', 'Delevered'] });
    const blocks = new Map<bigint, bigint>();
    for (const e of events) if (!blocks.has(e.blockNumber)) blocks.set(e.blockNumber, (await client.getBlock({ blockNumber: e.blockNumber })).timestamp);
    const reasons = ['ripcord', 'dead-mans-switch', 'guardian'];
    return events
      .map((e) => ({
        kind: e.eventName === 'Rebalanced' ? 'rebalance' : reasons[Number((e.args as { reason: number }).reason)] ?? 'delever',
        jobId: e.eventName === 'Rebalanced' ? (e.args as { jobId: Hex }).jobId : null,
        module: e.args.module,
        preNav: e.args.preNav.toString(),
        postNav: e.args.postNav.toString(),
        preLeverage: e.args.preLeverage.toString(),
        postLeverage: e.args.postLeverage.toString(),
        caller: e.eventName === 'Rebalanced' ? (e.args as { keeper: Address }).keeper : (e.args as { caller: Address }).caller,
        txHash: e.transactionHash,
        blockNumber: e.blockNumber.toString(),
        timestamp: Number(blocks.get(e.blockNumber)),
      }))
      .reverse();
  }

  /** What the policy would do now (no job is enqueued). */
  async plan(vault: Address) {
    this.requireWatched(vault);
    const [snapshot] = await this.chain.reader.read([vault]);
    const prices = await this.store.prices(snapshot!.modules.map((m) => m.address));
    const plans = planVault(snapshot!, prices, {
      chainId: this.config.chainId,
      jobDeadlineSeconds: this.config.jobDeadlineSeconds,
      signers: this.config.keeperAddresses,
      parameters: this.config.policy,
    });
    return toJsonSafe({
      vault,
      blockNumber: snapshot!.blockNumber,
      modules: plans.map((p) => ({
        module: p.module,
        plan: p.decision.plan,
        effectiveTargetLeverage: p.decision.effectiveTargetLeverage,
        volatility: p.decision.volatility,
        oracleTrusted: p.decision.oracleTrusted,
        planHash: p.planHash,
        jobId: p.job?.jobId ?? null,
      })),
    });
  }

  /** A job's queue state and its intent record (what was signed, sent, mined). */
  async job(jobId: Hex) {
    const intent = await this.intents.get(jobId);
    for (const queue of this.queues.all()) {
      const job = await queue.getJob(jobId);
      if (job) {
        return {
          jobId,
          queue: queue.name,
          state: await job.getState(),
          attemptsMade: job.attemptsMade,
          failedReason: job.failedReason ?? null,
          result: job.returnvalue ?? null,
          data: job.data as unknown,
          intent: intent ? { ...intent, attempts: intent.attempts.map(({ raw: _raw, ...rest }) => rest) } : null,
        };
      }
    }
    if (intent) {
      return { jobId, queue: null, state: intent.status, attemptsMade: null, failedReason: intent.error?.message ?? null, result: null, data: null, intent: { ...intent, attempts: intent.attempts.map(({ raw: _raw, ...rest }) => rest) } };
    }
    throw new NotFoundException(`no job ${jobId} in any queue or intent record`);
  }

  /** Redis, RPC, head lag and the workers' heartbeats. */
  async health() {
    const checks: Record<string, { ok: boolean; detail: string }> = {};
    const started = Date.now();
    try {
      await this.redis.ping();
      checks.redis = { ok: true, detail: `ping ${Date.now() - started} ms` };
    } catch (error) {
      checks.redis = { ok: false, detail: (error as Error).message };
    }
    try {
      const block = await this.chain.publicClient.getBlock({ blockTag: 'latest' });
      const lag = Math.round(Date.now() / 1000) - Number(block.timestamp);
      checks.rpc = { ok: true, detail: `block ${block.number}` };
      // A local chain's clock can run ahead (warped time): only a head far in the past is a problem.
      checks.headLag = { ok: lag < 120, detail: `${lag} s behind wall-clock time` };
    } catch (error) {
      checks.rpc = { ok: false, detail: (error as Error).message.split('\n')[0] ?? 'unreachable' };
    }
    try {
      const workers = (await this.store.workers()).filter((w) => Date.now() - w.at < 20_000);
      const roles = [...this.config.roles].filter((r) => r !== 'api');
      const missing = roles.filter((r) => !workers.some((w) => w.role === r));
      checks.workers = { ok: missing.length === 0, detail: missing.length ? `no live ${missing.join(', ')}` : `${workers.length} live` };
    } catch (error) {
      checks.workers = { ok: false, detail: (error as Error).message };
    }
    return { ok: Object.values(checks).every((c) => c.ok), checks };
  }
}
