import { Controller, Get, Header, Sse, type MessageEvent } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { readFileSync } from 'node:fs';
import type { Observable } from 'rxjs';
import { DashboardFeed, type QueueCounts } from './dashboard-feed.service.js';

/** The page and its two assets, read once: plain files next to this one (copied to dist/ by the build). */
const asset = (name: string) => readFileSync(new URL(`./assets/${name}`, import.meta.url), 'utf8');
const PAGE = asset('index.html');
const SCRIPT = asset('dashboard.js');
const STYLE = asset('dashboard.css');
const ICON = asset('icon.svg');

/** Everything the page loads comes from this origin: no CDN, works offline. */
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'";

/** The live dashboard: `GET /` (the page), `GET /api/stream` (server-sent events), `GET /api/queues`. */
@ApiTags('dashboard')
@Controller()
export class DashboardController {
  constructor(private readonly feed: DashboardFeed) {}

  @Get()
  @ApiExcludeEndpoint()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Content-Security-Policy', CSP)
  @Header('Cache-Control', 'no-cache')
  page(): string {
    return PAGE;
  }

  @Get('dashboard/dashboard.js')
  @ApiExcludeEndpoint()
  @Header('Content-Type', 'text/javascript; charset=utf-8')
  @Header('Cache-Control', 'no-cache')
  script(): string {
    return SCRIPT;
  }

  @Get('dashboard/dashboard.css')
  @ApiExcludeEndpoint()
  @Header('Content-Type', 'text/css; charset=utf-8')
  @Header('Cache-Control', 'no-cache')
  style(): string {
    return STYLE;
  }

  @Get('dashboard/icon.svg')
  @ApiExcludeEndpoint()
  @Header('Content-Type', 'image/svg+xml')
  icon(): string {
    return ICON;
  }

  @Sse('api/stream')
  @ApiOperation({
    summary:
      'Server-sent events for the dashboard: `init` (vault views, recent history, leverage series, queue counts) then one `update` per tick (~1.5 s) with the views and what is new',
  })
  @ApiProduces('text/event-stream')
  stream(): Observable<MessageEvent> {
    return this.feed.stream();
  }

  @Get('api/queues')
  @ApiOperation({ summary: 'Job counts of every queue of this deployment: waiting, active, delayed, completed, failed' })
  queues(): Promise<QueueCounts[]> {
    return this.feed.queueCounts();
  }
}
