import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { JobsController, OperationsController, VaultsController } from './api/api.controller.js';
import { VaultQueryService } from './api/vault-query.service.js';
import { ChainService } from './chain/chain.service.js';
import type { ServiceConfig } from './config/config.js';
import { CONFIG, REDIS } from './core/tokens.js';
import { DashboardModule } from './dashboard/dashboard.module.js';
import { EXECUTOR_TEST_HOOKS, ExecutorService, type ExecutorTestHooks } from './execute/executor.service.js';
import { MetricsService } from './metrics/metrics.service.js';
import { QueuesService } from './queues/queues.service.js';
import { createRedis } from './redis/redis.js';
import { ScanService } from './scan/scan.service.js';
import { VaultStateStore } from './vaults/vault-state.store.js';

/** Marker so shutdown can close the shared Redis connection last. */
class RedisLifecycle {
  constructor(private readonly redis: Redis) {}
  onApplicationShutdown(): void {
    this.redis.disconnect();
  }
}

/**
 * The strategy service. One build, roles chosen by configuration: the scanner and executor services are
 * registered only for their roles, the HTTP controllers only for `api`.
 */
@Module({})
export class AppModule {
  static forRoot(config: ServiceConfig, hooks: ExecutorTestHooks = {}): DynamicModule {
    const redisProvider: Provider = {
      provide: REDIS,
      useFactory: () => {
        const redis = createRedis(config.redisUrl, 'ballast-service');
        redis.on('error', () => undefined); // reconnects on its own; /health reports the outage
        return redis;
      },
    };
    const providers: Provider[] = [
      { provide: CONFIG, useValue: config },
      { provide: EXECUTOR_TEST_HOOKS, useValue: hooks },
      redisProvider,
      { provide: RedisLifecycle, useFactory: (redis: Redis) => new RedisLifecycle(redis), inject: [REDIS] },
      ChainService,
      QueuesService,
      VaultStateStore,
      MetricsService,
    ];
    if (config.roles.has('scanner')) providers.push(ScanService);
    if (config.roles.has('executor')) providers.push(ExecutorService);
    if (config.roles.has('api')) providers.push(VaultQueryService);
    return {
      module: AppModule,
      imports: config.roles.has('api') ? [DashboardModule] : [],
      providers,
      controllers: config.roles.has('api') ? [VaultsController, JobsController, OperationsController] : [],
    };
  }
}
