import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Worker, type Job } from 'bullmq';
import type { Address } from 'viem';
import { ChainService } from '../chain/chain.service.js';
import type { ServiceConfig } from '../config/config.js';
import { CONFIG } from '../core/tokens.js';
import { JOB, SCAN_SCHEDULER_ID, type ExecuteJobData } from '../execute/job.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { QueuesService } from '../queues/queues.service.js';
import { WorkerConnections } from '../redis/redis.js';
import { VaultStateStore } from '../vaults/vault-state.store.js';
import { planVault } from './planner.js';

interface TickData {
  readonly trigger: 'schedule' | 'block';
  readonly blockNumber?: string;
}

interface EvaluateData {
  readonly vault: Address;
}

/**
 * The scanner role. A BullMQ Job Scheduler adds a scan tick every `scanIntervalMs`, and every new block adds
 * one more (deduplicated: at most one block-triggered tick waits at a time). A tick reads every watched
 * vault in one multicall at one block, stores the snapshots, and fans out one evaluation job per vault,
 * deduplicated per vault. An evaluation runs the policy and enqueues executor jobs. A reconciler re-creates
 * the scheduler when Redis has lost it (a restart without persistence).
 */
@Injectable()
export class ScanService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ScanService.name);
  private readonly workers: Worker[] = [];
  private readonly connections: WorkerConnections;
  private reconciler: NodeJS.Timeout | null = null;
  private heartbeat: NodeJS.Timeout | null = null;
  private stopHeadListener: (() => void) | null = null;
  private readonly id = `scanner-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;

  constructor(
    @Inject(CONFIG) private readonly config: ServiceConfig,
    private readonly chain: ChainService,
    private readonly queues: QueuesService,
    private readonly store: VaultStateStore,
    private readonly metrics: MetricsService,
  ) {
    this.connections = new WorkerConnections(config.redisUrl);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.reconcile();
    this.reconciler = setInterval(() => void this.reconcile(), this.config.reconcileIntervalMs);
    const options = { prefix: this.config.redisPrefix };
    this.workers.push(
      new Worker<TickData>(this.queues.scan().name, (job) => this.tick(job), {
        ...options,
        connection: this.connections.create('ballast-scan-worker'),
        concurrency: 1,
      }),
      new Worker<EvaluateData>(this.queues.evaluate().name, (job) => this.evaluate(job), {
        ...options,
        connection: this.connections.create('ballast-evaluate-worker'),
        concurrency: 8,
      }),
    );
    for (const worker of this.workers) worker.on('error', (error) => this.logger.warn(`worker: ${error.message}`));
    if (this.config.scanOnNewBlocks) {
      this.chain.watchHeads();
      this.stopHeadListener = this.chain.onHead((block) => {
        void this.queues
          .scan()
          .add(JOB.scanTick, { trigger: 'block', blockNumber: block.number!.toString() } satisfies TickData, {
            deduplication: { id: 'block-tick' },
            removeOnComplete: true,
            removeOnFail: 100,
          })
          .catch((error: Error) => this.logger.warn(`block trigger: ${error.message}`));
      });
    }
    const beat = () => void this.store.heartbeat(this.id, 'scanner').catch(() => undefined);
    beat();
    this.heartbeat = setInterval(beat, 5_000);
    this.logger.log(`scanning ${this.config.vaults.length} vault(s) every ${this.config.scanIntervalMs} ms${this.config.scanOnNewBlocks ? ' and on every new block' : ''}`);
  }

  /** Creates the scan scheduler if it is missing; returns true when it had to. */
  async reconcile(): Promise<boolean> {
    try {
      const queue = this.queues.scan();
      if (await queue.getJobScheduler(SCAN_SCHEDULER_ID)) return false;
      await queue.upsertJobScheduler(
        SCAN_SCHEDULER_ID,
        { every: this.config.scanIntervalMs },
        { name: JOB.scanTick, data: { trigger: 'schedule' } satisfies TickData, opts: { removeOnComplete: true, removeOnFail: 100 } },
      );
      this.metrics.schedulerRecreated.inc();
      this.logger.log(`scan scheduler ${SCAN_SCHEDULER_ID} created (every ${this.config.scanIntervalMs} ms)`);
      return true;
    } catch (error) {
      this.logger.warn(`reconciler: ${(error as Error).message}`);
      return false;
    }
  }

  /** One scan: read every vault at one block, store, fan out evaluations. */
  async tick(job: Job<TickData>): Promise<{ block: string; vaults: number }> {
    const stop = this.metrics.scanDuration.startTimer();
    try {
      const block = job.data.blockNumber ? BigInt(job.data.blockNumber) : (this.chain.latestHead()?.number ?? undefined);
      const snapshots = await this.chain.reader.read(this.config.vaults, block);
      await this.store.saveSnapshots(snapshots);
      for (const s of snapshots) {
        for (const m of s.modules) {
          const labels = { vault: s.address, module: m.address };
          this.metrics.leverage.set(labels, Number(m.state.leverage) / 1e18);
          if (m.healthFactor !== null) this.metrics.healthFactor.set(labels, Number(m.healthFactor) / 1e18);
        }
      }
      await this.queues.evaluate().addBulk(
        snapshots
          .filter((s) => !s.error)
          .map((s) => ({
            name: JOB.evaluateVault,
            data: { vault: s.address } satisfies EvaluateData,
            opts: { deduplication: { id: s.address }, removeOnComplete: true, removeOnFail: 100 },
          })),
      );
      this.metrics.scans.inc({ trigger: job.data.trigger });
      this.metrics.rpcRequests.set(this.chain.clients.rpcStats.httpRequests);
      this.metrics.rpcCalls.set(this.chain.clients.rpcStats.rpcCalls);
      return { block: (snapshots[0]?.blockNumber ?? 0n).toString(), vaults: snapshots.length };
    } catch (error) {
      this.metrics.scanErrors.inc();
      throw error;
    } finally {
      stop();
    }
  }

  /** Runs the policy on one vault's latest snapshot and enqueues what it decides. */
  async evaluate(job: Job<EvaluateData>): Promise<{ jobs: string[] }> {
    const snapshot = await this.store.snapshot(job.data.vault);
    if (!snapshot || snapshot.error) return { jobs: [] };
    const prices = await this.store.prices(snapshot.modules.map((m) => m.address));
    const plans = planVault(snapshot, prices, {
      chainId: this.config.chainId,
      jobDeadlineSeconds: this.config.jobDeadlineSeconds,
      signers: this.config.keeperAddresses,
      parameters: this.config.policy,
    });
    await this.store.saveDecisions(
      plans.map((p) => ({
        vault: p.vault,
        module: p.module,
        blockNumber: snapshot.blockNumber.toString(),
        kind: p.decision.plan.kind,
        reason: p.decision.plan.kind === 'none' ? p.decision.plan.reason : p.decision.plan.kind === 'rebalance' ? p.decision.plan.trigger : 'ripcord',
        effectiveTargetLeverage: p.decision.effectiveTargetLeverage.toString(),
        annualisedVolatility: p.decision.volatility ? p.decision.volatility.annualisedWad.toString() : null,
        jobId: p.job?.jobId ?? null,
        at: Date.now(),
      })),
    );
    const jobs: string[] = [];
    const executed = await this.store.lastExecutions(plans.filter((p) => p.job).map((p) => p.module));
    for (const plan of plans) {
      this.metrics.plans.inc({ kind: plan.decision.plan.kind });
      if (!plan.job) continue;
      // A trade on this module landed at or after the snapshot's block: the plan was made for a state that is gone.
      if ((executed.get(plan.module) ?? -1n) >= snapshot.blockNumber) continue;
      await this.enqueue(plan.job);
      jobs.push(plan.job.jobId);
    }
    return { jobs };
  }

  private async enqueue(data: ExecuteJobData): Promise<void> {
    const queue = this.queues.executor(data.signer);
    // The same plan of the same state has the same id, and BullMQ ignores an id it still holds. A job that failed for
    // good holds its id for `failedJobHoldMs`, so an identical plan is not re-tried on every scan; after that it is
    // released here (BullMQ's own age-based cleanup only runs when another job of the queue fails, which on a quiet
    // queue is never). Only then can the plan run again: after an on-chain revert the executor restarts the intent.
    const held = await queue.getJob(data.jobId);
    if (held?.finishedOn && Date.now() - held.finishedOn >= this.config.failedJobHoldMs && (await held.isFailed())) {
      await queue.remove(data.jobId).catch(() => 0); // another scanner may have released it first
    }
    await queue.add(data.action === 'ripcord' ? JOB.ripcord : JOB.rebalance, data, {
      // The same id as on-chain: a second evaluation of the same state adds nothing.
      jobId: data.jobId,
      // One job per module in flight: a plan from the next block (interest moved the numbers, so its id differs)
      // waits until this one is done, and is then dropped as stale if this one traded.
      deduplication: { id: data.module.toLowerCase() },
      attempts: this.config.executorAttempts,
      backoff: { type: 'exponential', delay: this.config.retryBackoffMs },
      removeOnComplete: { count: 1000 },
      // Failed jobs stay visible (job status API, /queues) for an hour; the hold above is what gates a retry.
      removeOnFail: { age: 3600, count: 1000 },
    });
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.reconciler) clearInterval(this.reconciler);
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.stopHeadListener?.();
    // Worker.close() waits for the job in hand to finish.
    await Promise.all(this.workers.map((w) => w.close()));
    this.connections.closeAll();
  }
}
