import { Module } from '@nestjs/common';
import { DashboardController } from './dashboard.controller.js';
import { DashboardFeed } from './dashboard-feed.service.js';

/**
 * The live dashboard of the api role: the page at `/`, its event stream at `/api/stream` and queue counts at
 * `/api/queues`. It reads through the root module's ChainService, VaultStateStore, VaultQueryService and
 * QueuesService (see {@link DashboardFeed}), so import it only where those are provided (the api role).
 */
@Module({ controllers: [DashboardController], providers: [DashboardFeed] })
export class DashboardModule {}
