import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The Prometheus metrics of this process (`/metrics` on the api role). */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  readonly scans = new Counter({ name: 'ballast_scans_total', help: 'Scan ticks completed', registers: [this.registry], labelNames: ['trigger'] as const });
  readonly scanErrors = new Counter({ name: 'ballast_scan_errors_total', help: 'Scan ticks that failed', registers: [this.registry] });
  readonly scanDuration = new Histogram({
    name: 'ballast_scan_duration_seconds',
    help: 'Wall time of one scan tick (read every vault, fan out evaluations)',
    registers: [this.registry],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  });
  readonly plans = new Counter({ name: 'ballast_plans_total', help: 'Policy decisions by kind', registers: [this.registry], labelNames: ['kind'] as const });
  readonly txSent = new Counter({ name: 'ballast_tx_sent_total', help: 'Transactions broadcast (replacements included)', registers: [this.registry], labelNames: ['replacement'] as const });
  readonly txConfirmed = new Counter({ name: 'ballast_tx_confirmed_total', help: 'Jobs confirmed on-chain', registers: [this.registry], labelNames: ['action'] as const });
  readonly txFailed = new Counter({ name: 'ballast_tx_failed_total', help: 'Jobs failed for good, by error name', registers: [this.registry], labelNames: ['error'] as const });
  readonly reactionLatency = new Histogram({
    name: 'ballast_reaction_latency_seconds',
    help: 'From the plan (scan) to the confirmed receipt',
    registers: [this.registry],
    buckets: [0.25, 0.5, 1, 2, 3, 5, 10, 30, 60],
  });
  readonly rpcRequests = new Gauge({ name: 'ballast_rpc_http_requests', help: 'HTTP requests sent to the RPC since start', registers: [this.registry] });
  readonly rpcCalls = new Gauge({ name: 'ballast_rpc_calls', help: 'JSON-RPC calls sent since start', registers: [this.registry] });
  readonly leverage = new Gauge({ name: 'ballast_module_leverage', help: 'Module leverage (x)', registers: [this.registry], labelNames: ['vault', 'module'] as const });
  readonly healthFactor = new Gauge({ name: 'ballast_module_health_factor', help: 'Module health factor (LLTV / LTV)', registers: [this.registry], labelNames: ['vault', 'module'] as const });
  readonly schedulerRecreated = new Counter({ name: 'ballast_scheduler_recreated_total', help: 'Scan schedulers re-created by the reconciler', registers: [this.registry] });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'ballast_process_' });
  }
}
