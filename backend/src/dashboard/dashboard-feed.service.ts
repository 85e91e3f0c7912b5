import { Injectable, Logger, type MessageEvent, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { Observable } from 'rxjs';
import { erc20Abi, type Address } from 'viem';
import { VaultQueryService } from '../api/vault-query.service.js';
import { toVaultView, type ModuleView, type VaultView } from '../api/vault-view.js';
import { morphoLeverageModuleAbi } from '../chain/abi/index.js';
import { ChainService } from '../chain/chain.service.js';
import type { VaultSnapshot } from '../chain/snapshot.js';
import type { ServiceConfig } from '../config/config.js';
import { CONFIG } from '../core/tokens.js';
import { QueuesService } from '../queues/queues.service.js';
import { VaultStateStore } from '../vaults/vault-state.store.js';

/** How often the dashboard reads the chain and pushes to open pages. */
export const DASHBOARD_TICK_MS = 1_500;
/** Leverage samples kept per module (40 minutes at one per tick). */
const SERIES_LENGTH = 1_600;
/** History entries kept per vault. */
const HISTORY_LENGTH = 50;
const MAX_UINT = 2n ** 256n - 1n;

/** An ERC-20 as the page formats it. */
export interface TokenMeta {
  readonly address: string;
  readonly symbol: string;
  readonly decimals: number;
}

/** {@link ModuleView} plus the raw WAD values the page formats exactly (no float rounding) and the loan token. */
export interface DashboardModuleView extends ModuleView {
  /** Leverage, WAD, or null when equity is not positive. */
  readonly leverageWad: string | null;
  /** lltv / ltv, WAD, or null without debt. */
  readonly healthFactorWad: string | null;
  readonly lltv: string;
  readonly maxOracleStaleness: number;
  readonly loan: TokenMeta;
}

/** {@link VaultView} with its asset token and the modules above. */
export interface DashboardVaultView extends Omit<VaultView, 'modules'> {
  readonly assetToken: TokenMeta;
  readonly shareDecimals: number;
  readonly modules: DashboardModuleView[];
}

/** One Rebalanced / Delevered event, as `GET /api/vaults/:address/history` returns it. */
export type HistoryEntry = Awaited<ReturnType<VaultQueryService['history']>>[number];

/** Job counts of one BullMQ queue. */
export interface QueueCounts {
  readonly name: string;
  readonly waiting: number;
  readonly active: number;
  readonly delayed: number;
  readonly completed: number;
  readonly failed: number;
}

/** One leverage reading; `t` is the service's wall clock (ms), so the chart is not bent by warped chain time. */
export interface LeverageSample {
  readonly t: number;
  readonly block: string;
  readonly leverage: number | null;
}

/** A history entry the feed saw arrive, placed on the chart's time axis. */
export interface ChartMarker {
  readonly t: number;
  readonly module: string;
  readonly blockNumber: string;
  readonly kind: string;
  readonly preLeverage: string;
  readonly postLeverage: string;
  readonly txHash: string;
}

/** What every tick pushes. */
export interface DashboardUpdate {
  readonly at: number;
  readonly vaults: DashboardVaultView[];
  readonly queues: QueueCounts[];
  /** New history entries per vault, newest first. */
  readonly history: Record<string, HistoryEntry[]>;
  /** New samples per module. */
  readonly samples: Record<string, LeverageSample[]>;
  readonly markers: Record<string, ChartMarker[]>;
  /** Set when this tick could not read the chain or Redis; the other fields then repeat the last good tick. */
  readonly error: string | null;
}

/** What a page receives first: the latest update with the whole retained history and series. */
export interface DashboardInit extends DashboardUpdate {
  readonly tickMs: number;
}

interface Listener {
  readonly send: (event: MessageEvent) => void;
  readonly end: () => void;
  initialised: boolean;
}

/**
 * Reads every watched vault once per tick, whether or not a page is open, so the leverage chart has a past
 * when someone opens the dashboard; keeps the recent history and leverage series in memory and pushes each
 * tick to every open event stream. One chain read per tick however many pages watch.
 *
 * The providers it reads through live in the application's root module; this module reaches them through
 * {@link ModuleRef} (non-strict) instead of constructing second copies with their own connections.
 */
@Injectable()
export class DashboardFeed implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(DashboardFeed.name);
  private deps!: {
    config: ServiceConfig;
    chain: ChainService;
    store: VaultStateStore;
    query: VaultQueryService;
    queues: QueuesService;
  };
  private readonly listeners = new Set<Listener>();
  private readonly tokens = new Map<string, TokenMeta>();
  private readonly loanTokens = new Map<string, string>();
  private readonly history = new Map<string, HistoryEntry[]>();
  private readonly historyCursor = new Map<string, bigint>();
  private readonly series = new Map<string, LeverageSample[]>();
  private readonly markers = new Map<string, ChartMarker[]>();
  private latest: DashboardUpdate | null = null;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private lastError: string | null = null;

  constructor(private readonly moduleRef: ModuleRef) {}

  onApplicationBootstrap(): void {
    const get = <T>(token: unknown): T => this.moduleRef.get(token as never, { strict: false }) as T;
    this.deps = {
      config: get<ServiceConfig>(CONFIG),
      chain: get<ChainService>(ChainService),
      store: get<VaultStateStore>(VaultStateStore),
      query: get<VaultQueryService>(VaultQueryService),
      queues: get<QueuesService>(QueuesService),
    };
    void this.loop();
  }

  onModuleDestroy(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    // Ends every open stream, so the HTTP server can close.
    for (const listener of [...this.listeners]) listener.end();
    this.listeners.clear();
  }

  /** The event stream of one page: `init` first, then one `update` per tick. Ends when the app shuts down. */
  stream(): Observable<MessageEvent> {
    return new Observable<MessageEvent>((subscriber) => {
      const listener: Listener = { send: (event) => subscriber.next(event), end: () => subscriber.complete(), initialised: false };
      this.listeners.add(listener);
      if (this.latest) {
        listener.initialised = true;
        listener.send({ type: 'init', data: this.initPayload() });
      }
      return () => this.listeners.delete(listener);
    });
  }

  /** Job counts of every queue of this deployment, read now (each tick, and `GET /api/queues`). */
  async queueCounts(): Promise<QueueCounts[]> {
    return Promise.all(
      this.deps.queues.all().map(async (queue) => {
        const c = await queue.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed');
        return {
          name: queue.name,
          waiting: c.waiting ?? 0,
          active: c.active ?? 0,
          delayed: c.delayed ?? 0,
          completed: c.completed ?? 0,
          failed: c.failed ?? 0,
        };
      }),
    );
  }

  private async loop(): Promise<void> {
    if (this.stopped) return;
    await this.tick();
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.loop(), DASHBOARD_TICK_MS);
    this.timer.unref();
  }

  private initPayload(): DashboardInit {
    const latest = this.latest!;
    return {
      ...latest,
      tickMs: DASHBOARD_TICK_MS,
      history: Object.fromEntries(this.history),
      samples: Object.fromEntries(this.series),
      markers: Object.fromEntries(this.markers),
    };
  }

  private async tick(): Promise<void> {
    const at = Date.now();
    let update: DashboardUpdate;
    try {
      const { config, chain, store } = this.deps;
      const snapshots = await chain.reader.read(config.vaults);
      const moduleAddresses = snapshots.flatMap((s) => s.modules.map((m) => m.address));
      const decisions = new Map(await Promise.all(moduleAddresses.map(async (m) => [m, await store.decision(m)] as const)));
      const vaults = await Promise.all(snapshots.map((s) => this.view(s, decisions)));
      const history: Record<string, HistoryEntry[]> = {};
      const markers: Record<string, ChartMarker[]> = {};
      for (const s of snapshots) {
        const fresh = await this.newHistory(s, at);
        if (fresh.entries.length) history[s.address] = fresh.entries;
        for (const e of fresh.announced) (markers[e.module] ??= []).push(e);
      }
      const samples: Record<string, LeverageSample[]> = {};
      const record = (module: string, sample: LeverageSample) => {
        (samples[module] ??= []).push(sample);
        push(this.series, module, sample, SERIES_LENGTH);
      };
      // A keeper often acts between two ticks: a new rebalance adds its own pre and post leverage just before this
      // tick's reading, so the chart shows the excursion it corrected, not only the result.
      for (const list of Object.values(markers)) {
        for (const e of [...list].reverse()) {
          record(e.module, { t: at - 2, block: e.blockNumber, leverage: wadToNumber(e.preLeverage) });
          record(e.module, { t: at - 1, block: e.blockNumber, leverage: wadToNumber(e.postLeverage) });
        }
      }
      for (const v of vaults) for (const m of v.modules) record(m.address, { t: at, block: v.blockNumber, leverage: m.leverage });
      for (const [module, list] of Object.entries(markers)) for (const marker of list) push(this.markers, module, marker, HISTORY_LENGTH);
      update = { at, vaults, queues: await this.queueCounts(), history, samples, markers, error: null };
      this.lastError = null;
    } catch (error) {
      const message = (error as { shortMessage?: string }).shortMessage ?? (error as Error).message.split('\n')[0] ?? 'unknown error';
      if (message !== this.lastError) this.logger.warn(`dashboard read failed: ${message}`);
      this.lastError = message;
      update = {
        at,
        vaults: this.latest?.vaults ?? [],
        queues: this.latest?.queues ?? [],
        history: {},
        samples: {},
        markers: {},
        error: message,
      };
    }
    this.latest = update;
    for (const listener of this.listeners) {
      if (listener.initialised) listener.send({ type: 'update', data: update });
      else {
        listener.initialised = true;
        listener.send({ type: 'init', data: this.initPayload() });
      }
    }
  }

  /**
   * Events since the last look. The first look takes the default window of the history endpoint; later ones
   * start at the previous tick's block (inclusive: an event mined between that read and the history call's
   * own head is then seen again and dropped by its key, never missed).
   */
  private async newHistory(s: VaultSnapshot, at: number): Promise<{ entries: HistoryEntry[]; announced: ChartMarker[] }> {
    const cursor = this.historyCursor.get(s.address);
    const first = cursor === undefined;
    if (!first && s.blockNumber <= cursor) return { entries: [], announced: [] };
    const found = await this.deps.query.history(s.address, cursor);
    this.historyCursor.set(s.address, s.blockNumber);
    const key = (e: HistoryEntry) => `${e.txHash}:${e.kind}:${e.module}`;
    const known = new Set((this.history.get(s.address) ?? []).map(key));
    const entries = found.filter((e) => !known.has(key(e)));
    // Only the last tick's blocks are searched again, so the kept entries are all the keys a repeat can have.
    const kept = [...entries, ...(this.history.get(s.address) ?? [])].slice(0, HISTORY_LENGTH);
    this.history.set(s.address, kept);
    const announced = first
      ? []
      : entries.map((e): ChartMarker => ({ t: at - 1, module: e.module, blockNumber: e.blockNumber, kind: e.kind, preLeverage: e.preLeverage, postLeverage: e.postLeverage, txHash: e.txHash }));
    return { entries, announced };
  }

  private async view(s: VaultSnapshot, decisions: ReadonlyMap<string, Awaited<ReturnType<VaultStateStore['decision']>>>): Promise<DashboardVaultView> {
    const base = toVaultView(s, decisions);
    const assetToken = await this.token(s.asset, s.assetDecimals);
    const modules = await Promise.all(
      s.modules.map(async (m, i): Promise<DashboardModuleView> => ({
        ...base.modules[i]!,
        leverageWad: m.state.leverage === MAX_UINT ? null : m.state.leverage.toString(),
        healthFactorWad: m.healthFactor === null ? null : m.healthFactor.toString(),
        lltv: m.lltv.toString(),
        maxOracleStaleness: Number(m.limits.maxOracleStaleness),
        loan: await this.loanToken(m.address),
      })),
    );
    return { ...base, assetToken, shareDecimals: s.shareDecimals, modules };
  }

  private async token(address: Address, knownDecimals?: number): Promise<TokenMeta> {
    const cached = this.tokens.get(address);
    if (cached) return cached;
    const client = this.deps.chain.publicClient;
    try {
      const [symbol, decimals] = await Promise.all([
        client.readContract({ address, abi: erc20Abi, functionName: 'symbol' }),
        knownDecimals ?? client.readContract({ address, abi: erc20Abi, functionName: 'decimals' }),
      ]);
      const meta = { address, symbol, decimals: Number(decimals) };
      this.tokens.set(address, meta);
      return meta;
    } catch {
      // Not cached: the next tick asks again.
      return { address, symbol: 'units', decimals: knownDecimals ?? 18 };
    }
  }

  private async loanToken(module: Address): Promise<TokenMeta> {
    let loan = this.loanTokens.get(module);
    if (!loan) {
      try {
        loan = await this.deps.chain.publicClient.readContract({ address: module, abi: morphoLeverageModuleAbi, functionName: 'loanToken' });
        this.loanTokens.set(module, loan);
      } catch {
        return { address: '0x0000000000000000000000000000000000000000', symbol: 'units', decimals: 18 };
      }
    }
    return this.token(loan as Address);
  }
}

function wadToNumber(wad: string): number | null {
  const value = BigInt(wad);
  return value === MAX_UINT ? null : Number(value) / 1e18;
}

function push<T>(map: Map<string, T[]>, key: string, value: T, limit: number): void {
  const list = map.get(key) ?? [];
  list.push(value);
  if (list.length > limit) list.splice(0, list.length - limit);
  map.set(key, list);
}
