/**
 * Boots the strategy service for a validated configuration: checks the chain, creates the Nest app with
 * the configured roles, and for the api role serves the REST API, the OpenAPI page (`/docs`) and the
 * BullMQ dashboard (`/queues`). Used by `main.ts`, by `npm start` and by the end-to-end tests.
 *
 * @packageDocumentation
 */
import 'reflect-metadata';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { INestApplication, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { AppModule } from './app.module.js';
import { ChainService } from './chain/chain.service.js';
import type { ServiceConfig } from './config/config.js';
import type { ExecutorTestHooks } from './execute/executor.service.js';
import { QueuesService } from './queues/queues.service.js';

export interface RunningService {
  readonly app: INestApplication;
  /** The HTTP address of the api role, or null without it. */
  readonly url: string | null;
  close(): Promise<void>;
}

export async function startService(
  config: ServiceConfig,
  options: { logger?: LogLevel[] | false; hooks?: ExecutorTestHooks } = {},
): Promise<RunningService> {
  const app = await NestFactory.create(AppModule.forRoot(config, options.hooks), {
    logger: options.logger ?? ['log', 'warn', 'error'],
    abortOnError: false,
  });
  app.enableShutdownHooks();
  await app.get(ChainService).verifyChain();
  let url: string | null = null;
  if (config.roles.has('api')) {
    const document = SwaggerModule.createDocument(
      app,
      new DocumentBuilder()
        .setTitle('Ballast strategy service')
        .setDescription('Live state of Ballast leverage vaults, rebalance history, plan previews, jobs, health.')
        .setVersion('0.1.0')
        .build(),
    );
    SwaggerModule.setup('docs', app, document);
    const board = new ExpressAdapter();
    board.setBasePath('/queues');
    createBullBoard({ queues: app.get(QueuesService).all().map((q) => new BullMQAdapter(q)), serverAdapter: board });
    app.use('/queues', board.getRouter());
    await app.listen(config.port, config.host);
    const address = app.getHttpServer().address() as { port: number };
    url = `http://${config.host}:${address.port}`;
  } else {
    await app.init();
  }
  return { app, url, close: () => app.close() };
}
