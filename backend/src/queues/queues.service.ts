import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { Queue, type QueueOptions } from 'bullmq';
import type { Address } from 'viem';
import type { ServiceConfig } from '../config/config.js';
import { CONFIG } from '../core/tokens.js';
import { QUEUE, executorQueueName } from '../execute/job.js';
import { createRedis } from '../redis/redis.js';

/** The producer side of every queue, shared by the roles of one process. */
@Injectable()
export class QueuesService implements OnApplicationShutdown {
  private readonly logger = new Logger(QueuesService.name);
  private readonly connection;
  private readonly queues = new Map<string, Queue>();

  constructor(@Inject(CONFIG) private readonly config: ServiceConfig) {
    this.connection = createRedis(config.redisUrl, 'ballast-queues');
    this.connection.on('error', (error: Error) => this.logger.warn(`redis: ${error.message}`));
  }

  /** Options every queue and worker of this deployment shares. */
  get options(): QueueOptions {
    return { connection: this.connection, prefix: this.config.redisPrefix };
  }

  get(name: string): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue(name, this.options);
      queue.on('error', (error: Error) => this.logger.warn(`queue ${name}: ${error.message}`));
      this.queues.set(name, queue);
    }
    return queue;
  }

  scan(): Queue {
    return this.get(QUEUE.scan);
  }

  evaluate(): Queue {
    return this.get(QUEUE.evaluate);
  }

  deadLetter(): Queue {
    return this.get(QUEUE.deadLetter);
  }

  executor(signer: Address): Queue {
    return this.get(executorQueueName(signer));
  }

  /** Every queue this deployment uses (for the dashboard and job lookups). */
  all(): Queue[] {
    this.scan();
    this.evaluate();
    this.deadLetter();
    for (const signer of this.config.keeperAddresses) this.executor(signer);
    return [...this.queues.values()];
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    this.connection.disconnect();
  }
}
