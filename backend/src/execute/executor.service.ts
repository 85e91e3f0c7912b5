import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { ChainService } from '../chain/chain.service.js';
import type { ServiceConfig } from '../config/config.js';
import { CONFIG, REDIS } from '../core/tokens.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { QueuesService } from '../queues/queues.service.js';
import { RedisKeys, WorkerConnections } from '../redis/redis.js';
import { VaultStateStore } from '../vaults/vault-state.store.js';
import { IntentStore } from './intent-store.js';
import { JOB, executorQueueName, type ExecuteJobData, type ExecuteResult } from './job.js';
import { PermanentJobError, TxExecutor, type TxExecutorOptions } from './tx-executor.js';

/** Optional fault-injection hook for tests (never set in production wiring). */
export const EXECUTOR_TEST_HOOKS = Symbol('ExecutorTestHooks');
export interface ExecutorTestHooks {
  afterPersist?: TxExecutorOptions['afterPersist'];
}

/**
 * The executor role: one BullMQ worker per keeper key, on that key's own queue, whose global concurrency
 * is 1, so one transaction per nonce sequence is in flight across every executor process. Jobs that fail
 * for good (a decoded revert, or retries exhausted) are copied to the dead-letter queue with their reason.
 */
@Injectable()
export class ExecutorService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ExecutorService.name);
  private readonly workers: Worker[] = [];
  private readonly connections: WorkerConnections;
  private heartbeat: NodeJS.Timeout | null = null;
  private readonly id = `executor-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;

  constructor(
    @Inject(CONFIG) private readonly config: ServiceConfig,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly chain: ChainService,
    private readonly queues: QueuesService,
    private readonly store: VaultStateStore,
    private readonly metrics: MetricsService,
    @Inject(EXECUTOR_TEST_HOOKS) private readonly hooks: ExecutorTestHooks,
  ) {
    this.connections = new WorkerConnections(config.redisUrl);
  }

  async onApplicationBootstrap(): Promise<void> {
    const intents = new IntentStore(this.redis, new RedisKeys(this.config.redisPrefix));
    for (const [address, account] of this.chain.clients.keepers) {
      const executor = new TxExecutor(
        this.chain.publicClient,
        account,
        intents,
        {
          txReplaceAfterMs: this.config.txReplaceAfterMs,
          feeBumpPercent: this.config.feeBumpPercent,
          maxFeePerGasWei: this.config.maxFeePerGasWei,
          maxFeeBumps: this.config.maxFeeBumps,
          ...(this.hooks.afterPersist ? { afterPersist: this.hooks.afterPersist } : {}),
        },
        {
          onSent: (_job, _hash, replacement) => this.metrics.txSent.inc({ replacement: String(replacement) }),
          onConfirmed: (job) => {
            this.metrics.txConfirmed.inc({ action: job.action });
            this.metrics.reactionLatency.observe((Date.now() - job.plannedAt) / 1000);
          },
        },
      );
      const queue = this.queues.executor(address);
      await queue.setGlobalConcurrency(1);
      const worker = new Worker<ExecuteJobData, ExecuteResult>(
        executorQueueName(address),
        async (job: Job<ExecuteJobData>) => {
          try {
            const result = await executor.execute(job.data);
            // Before the job completes (and its module's deduplication key is released): later plans made from
            // snapshots older than this block are stale and will be dropped by the evaluator.
            if (result.blockNumber) await this.store.recordExecution(job.data.module, BigInt(result.blockNumber));
            this.logger.log(`${job.data.action} ${job.data.jobId.slice(0, 10)} on ${job.data.vault}: ${result.outcome} ${result.txHash ?? ''}`);
            return result;
          } catch (error) {
            if (error instanceof PermanentJobError) throw new UnrecoverableError(error.message);
            throw error;
          }
        },
        {
          prefix: this.config.redisPrefix,
          connection: this.connections.create(`ballast-executor-${address}`),
          concurrency: 1,
          lockDuration: this.config.executorLockMs,
          stalledInterval: this.config.stalledIntervalMs,
          maxStalledCount: 3,
        },
      );
      worker.on('error', (error) => this.logger.warn(`executor ${address}: ${error.message}`));
      worker.on('failed', (job, error) => void this.onFailed(job, error));
      this.workers.push(worker);
    }
    const beat = () => void this.store.heartbeat(this.id, 'executor').catch(() => undefined);
    beat();
    this.heartbeat = setInterval(beat, 5_000);
    this.logger.log(`executing for ${this.workers.length} keeper key(s): ${[...this.chain.clients.keepers.keys()].join(', ')}`);
  }

  private async onFailed(job: Job<ExecuteJobData> | undefined, error: Error): Promise<void> {
    if (!job) return;
    const final = error.name === 'UnrecoverableError' || job.attemptsMade >= (job.opts.attempts ?? 1);
    if (!final) {
      this.logger.warn(`${job.data.action} ${job.data.jobId.slice(0, 10)} attempt ${job.attemptsMade} failed, will retry: ${error.message}`);
      return;
    }
    const name = error.message.split(':')[0] ?? 'Error';
    this.metrics.txFailed.inc({ error: name });
    this.logger.error(`${job.data.action} ${job.data.jobId.slice(0, 10)} failed for good: ${error.message}`);
    try {
      await this.queues.deadLetter().add(
        JOB.deadLetter,
        { queue: job.queueName, jobId: job.id, data: job.data, error: error.message, attemptsMade: job.attemptsMade, failedAt: Date.now() },
        { jobId: `dl-${job.id}-${job.attemptsMade}`, removeOnComplete: false },
      );
    } catch (dlqError) {
      this.logger.error(`dead-letter copy of ${job.id} failed: ${(dlqError as Error).message}`);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.heartbeat) clearInterval(this.heartbeat);
    // close() lets the transaction in hand reach its receipt (or its intent record) first.
    await Promise.all(this.workers.map((w) => w.close()));
    this.connections.closeAll();
  }
}
