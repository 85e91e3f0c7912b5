import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { Address } from 'viem';
import { fromWire, toWire, type VaultSnapshot, type WireSnapshot } from '../chain/snapshot.js';
import type { ServiceConfig } from '../config/config.js';
import { CONFIG, REDIS } from '../core/tokens.js';
import type { PricePoint } from '../policy/index.js';
import { RedisKeys } from '../redis/redis.js';

/** What the last evaluation of a module decided, as the API and dashboard show it. */
export interface StoredDecision {
  readonly vault: Address;
  readonly module: Address;
  readonly blockNumber: string;
  readonly kind: 'none' | 'rebalance' | 'ripcord';
  readonly reason: string;
  readonly effectiveTargetLeverage: string;
  readonly annualisedVolatility: string | null;
  readonly jobId: string | null;
  readonly at: number;
}

/** How many oracle prices per module feed the volatility estimate. */
const PRICE_HISTORY = 500;

/**
 * The latest view of every vault, shared by all processes through Redis: snapshots written by the
 * scanner, decisions by the evaluators, and each module's recent oracle prices (for the volatility
 * estimate, so every scanner replica sees the same history).
 */
@Injectable()
export class VaultStateStore {
  readonly keys: RedisKeys;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(CONFIG) config: ServiceConfig,
  ) {
    this.keys = new RedisKeys(config.redisPrefix);
  }

  /** Writes every snapshot and records each module's oracle price, in one pipeline. */
  async saveSnapshots(snapshots: readonly VaultSnapshot[]): Promise<void> {
    const pipeline = this.redis.pipeline();
    for (const snapshot of snapshots) {
      pipeline.set(this.keys.snapshot(snapshot.address), JSON.stringify(toWire(snapshot)));
      for (const module of snapshot.modules) {
        const key = this.keys.prices(module.address);
        const t = module.state.oracleUpdatedAt;
        // One point per feed update: the member is the update time, so re-reads of one answer collapse.
        pipeline.zadd(key, t.toString(), `${t}:${module.state.oraclePrice}`);
        pipeline.zremrangebyrank(key, '0', String(-PRICE_HISTORY - 1));
      }
    }
    await pipeline.exec();
  }

  async snapshot(vault: Address): Promise<VaultSnapshot | null> {
    const raw = await this.redis.get(this.keys.snapshot(vault));
    return raw === null ? null : fromWire<VaultSnapshot>(JSON.parse(raw) as WireSnapshot);
  }

  async snapshots(vaults: readonly Address[]): Promise<(VaultSnapshot | null)[]> {
    if (vaults.length === 0) return [];
    const raws = await this.redis.mget(vaults.map((v) => this.keys.snapshot(v)));
    return raws.map((raw) => (raw === null ? null : fromWire<VaultSnapshot>(JSON.parse(raw) as WireSnapshot)));
  }

  async prices(modules: readonly Address[]): Promise<Map<Address, PricePoint[]>> {
    const pipeline = this.redis.pipeline();
    for (const m of modules) pipeline.zrange(this.keys.prices(m), '0', '-1');
    const results = (await pipeline.exec()) ?? [];
    const map = new Map<Address, PricePoint[]>();
    modules.forEach((m, i) => {
      const members = (results[i]?.[1] as string[] | undefined) ?? [];
      map.set(
        m,
        members.map((member) => {
          const [t, p] = member.split(':');
          return { timestamp: BigInt(t!), price: BigInt(p!) };
        }),
      );
    });
    return map;
  }

  async saveDecisions(decisions: readonly StoredDecision[]): Promise<void> {
    if (decisions.length === 0) return;
    const pipeline = this.redis.pipeline();
    for (const d of decisions) pipeline.set(this.keys.decision(d.module), JSON.stringify(d));
    await pipeline.exec();
  }

  async decision(module: Address): Promise<StoredDecision | null> {
    const raw = await this.redis.get(this.keys.decision(module));
    return raw === null ? null : (JSON.parse(raw) as StoredDecision);
  }

  /** Records the block of a confirmed executor transaction on `module`. */
  async recordExecution(module: Address, blockNumber: bigint): Promise<void> {
    await this.redis.set(this.keys.lastExecution(module), blockNumber.toString(), 'EX', 7 * 24 * 3600);
  }

  /** Blocks of the last confirmed executor transaction per module (absent: never). */
  async lastExecutions(modules: readonly Address[]): Promise<Map<Address, bigint>> {
    if (modules.length === 0) return new Map();
    const raws = await this.redis.mget(modules.map((m) => this.keys.lastExecution(m)));
    const map = new Map<Address, bigint>();
    modules.forEach((m, i) => {
      const raw = raws[i];
      if (raw) map.set(m, BigInt(raw));
    });
    return map;
  }

  /** Records that a worker of `role` is alive (read by `/health`). */
  async heartbeat(id: string, role: string): Promise<void> {
    await this.redis.hset(this.keys.workers(), id, JSON.stringify({ role, pid: process.pid, at: Date.now() }));
  }

  async workers(): Promise<{ id: string; role: string; pid: number; at: number }[]> {
    const all = await this.redis.hgetall(this.keys.workers());
    return Object.entries(all).map(([id, raw]) => ({ id, ...(JSON.parse(raw) as { role: string; pid: number; at: number }) }));
  }
}
