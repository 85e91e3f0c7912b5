/**
 * Reads every watched vault and its modules in one multicall pinned to one block. Static facts (names,
 * decimals, a module's LLTV) are read once and cached; each scan then reads only what moves. A vault whose
 * module list changed since the last scan gets a second multicall at the same block (rare: a timelocked
 * governance change).
 *
 * @packageDocumentation
 */
import { erc20Abi, getAddress, multicall3Abi, type Address, type PublicClient, type Chain, type Transport } from 'viem';
import { ballastVaultAbi, morphoLeverageModuleAbi } from './abi/index.js';
import type { ModuleSnapshot, VaultSnapshot } from './snapshot.js';

const WAD = 10n ** 18n;

interface StaticVault {
  name: string;
  symbol: string;
  asset: Address;
  assetDecimals: number;
  shareDecimals: number;
  modules: Address[];
}

/** A contract call as viem's `multicall` takes it. */
interface Call {
  address: Address;
  abi: readonly unknown[];
  functionName: string;
  args?: readonly unknown[];
}

type CallResult = { status: 'success'; result: unknown } | { status: 'failure'; error: Error };

export interface VaultReaderOptions {
  /** Calldata bytes per multicall chunk; chunks of one read travel in one HTTP batch. */
  readonly chunkBytes?: number;
}

export class VaultReader {
  private readonly statics = new Map<Address, StaticVault>();
  private readonly lltvs = new Map<Address, bigint>();
  private readonly chunkBytes: number;

  constructor(
    private readonly client: PublicClient<Transport, Chain>,
    private readonly multicall3: Address,
    options: VaultReaderOptions = {},
  ) {
    this.chunkBytes = options.chunkBytes ?? 16_384;
  }

  /** Reads `vaults` at `blockNumber` (the latest block when omitted, pinned by number before reading). */
  async read(vaults: readonly Address[], blockNumber?: bigint): Promise<VaultSnapshot[]> {
    const block = blockNumber ?? (await this.client.getBlockNumber({ cacheTime: 0 }));
    const unknown = vaults.filter((v) => !this.statics.has(v));
    if (unknown.length > 0) await this.discover(unknown, block);

    let snapshots = await this.readDynamic(vaults, block);
    const changed = snapshots.filter((s) => s.modulesChanged).map((s) => s.address);
    if (changed.length > 0) {
      await this.discover(changed, block);
      const again = await this.readDynamic(changed, block);
      snapshots = snapshots.map((s) => again.find((a) => a.address === s.address) ?? s);
    }
    return snapshots.map((s) => s.snapshot);
  }

  /** Forgets cached facts, e.g. after a redeploy on a reset chain. */
  reset(): void {
    this.statics.clear();
    this.lltvs.clear();
  }

  private async multicall(calls: Call[], blockNumber: bigint): Promise<CallResult[]> {
    if (calls.length === 0) return [];
    return (await this.client.multicall({
      contracts: calls as never,
      allowFailure: true,
      blockNumber,
      multicallAddress: this.multicall3,
      batchSize: this.chunkBytes,
    })) as CallResult[];
  }

  private async discover(vaults: readonly Address[], blockNumber: bigint): Promise<void> {
    const perVault = (v: Address): Call[] => [
      { address: v, abi: ballastVaultAbi, functionName: 'name' },
      { address: v, abi: ballastVaultAbi, functionName: 'symbol' },
      { address: v, abi: ballastVaultAbi, functionName: 'asset' },
      { address: v, abi: ballastVaultAbi, functionName: 'decimals' },
      { address: v, abi: ballastVaultAbi, functionName: 'modules' },
    ];
    const results = await this.multicall(vaults.flatMap(perVault), blockNumber);
    const assets: Address[] = [];
    vaults.forEach((vault, i) => {
      const r = results.slice(i * 5, i * 5 + 5);
      if (r.some((x) => x.status === 'failure')) return; // not a vault (yet): reported by readDynamic
      const value = (k: number) => (r[k] as { result: unknown }).result;
      this.statics.set(vault, {
        name: value(0) as string,
        symbol: value(1) as string,
        asset: getAddress(value(2) as string),
        assetDecimals: 18,
        shareDecimals: Number(value(3)),
        modules: (value(4) as Address[]).map((m) => getAddress(m)),
      });
      assets.push(getAddress(value(2) as string));
    });
    const known = vaults.filter((v) => this.statics.has(v));
    const modules = [...new Set(known.flatMap((v) => this.statics.get(v)!.modules))].filter((m) => !this.lltvs.has(m));
    const second = await this.multicall(
      [
        ...known.map((v) => ({ address: this.statics.get(v)!.asset, abi: erc20Abi, functionName: 'decimals' })),
        ...modules.map((m) => ({ address: m, abi: morphoLeverageModuleAbi, functionName: 'lltv' })),
      ],
      blockNumber,
    );
    known.forEach((v, i) => {
      const r = second[i];
      if (r?.status === 'success') this.statics.get(v)!.assetDecimals = Number(r.result);
    });
    modules.forEach((m, i) => {
      const r = second[known.length + i];
      if (r?.status === 'success') this.lltvs.set(m, r.result as bigint);
    });
  }

  private async readDynamic(
    vaults: readonly Address[],
    blockNumber: bigint,
  ): Promise<{ address: Address; snapshot: VaultSnapshot; modulesChanged: boolean }[]> {
    const calls: Call[] = [{ address: this.multicall3, abi: multicall3Abi, functionName: 'getCurrentBlockTimestamp' }];
    const layout: { vault: Address; start: number; modules: Address[] }[] = [];
    for (const vault of vaults) {
      const known = this.statics.get(vault);
      const modules = known?.modules ?? [];
      layout.push({ vault, start: calls.length, modules });
      calls.push(
        { address: vault, abi: ballastVaultAbi, functionName: 'totalAssets' },
        { address: vault, abi: ballastVaultAbi, functionName: 'totalSupply' },
        {
          address: vault,
          abi: ballastVaultAbi,
          functionName: 'convertToAssets',
          args: [10n ** BigInt(known?.shareDecimals ?? 18)],
        },
        { address: vault, abi: ballastVaultAbi, functionName: 'idle' },
        { address: vault, abi: ballastVaultAbi, functionName: 'paused' },
        { address: vault, abi: ballastVaultAbi, functionName: 'isShutdown' },
        { address: vault, abi: ballastVaultAbi, functionName: 'lossBudgetUsed' },
        { address: vault, abi: ballastVaultAbi, functionName: 'modules' },
      );
      for (const module of modules) {
        calls.push(
          { address: module, abi: morphoLeverageModuleAbi, functionName: 'state' },
          { address: module, abi: morphoLeverageModuleAbi, functionName: 'leverageLimits' },
          { address: vault, abi: ballastVaultAbi, functionName: 'moduleConfig', args: [module] },
        );
      }
    }
    const results = await this.multicall(calls, blockNumber);
    const timestampResult = results[0];
    const timestamp = timestampResult?.status === 'success' ? (timestampResult.result as bigint) : 0n;

    return layout.map(({ vault, start, modules }) => {
      const known = this.statics.get(vault);
      const r = results.slice(start, start + 8 + modules.length * PER_MODULE);
      const failure = r.find((x): x is { status: 'failure'; error: Error } => x.status === 'failure');
      const base = {
        address: vault,
        blockNumber,
        timestamp,
        name: known?.name ?? '',
        symbol: known?.symbol ?? '',
        asset: known?.asset ?? ('0x0000000000000000000000000000000000000000' as Address),
        assetDecimals: known?.assetDecimals ?? 18,
        shareDecimals: known?.shareDecimals ?? 18,
      };
      if (!known || failure) {
        const reason = !known ? 'not a Ballast vault (its views did not answer)' : shortError(failure!.error);
        const snapshot: VaultSnapshot = {
          ...base,
          totalAssets: 0n,
          totalSupply: 0n,
          sharePrice: 0n,
          idle: 0n,
          paused: false,
          shutdown: false,
          lossBudgetUsed: 0n,
          modules: [],
          error: reason,
        };
        return { address: vault, snapshot, modulesChanged: false };
      }
      const value = (k: number) => (r[k] as { result: unknown }).result;
      const listed = (value(7) as Address[]).map((m) => getAddress(m));
      const modulesChanged = listed.length !== modules.length || listed.some((m, i) => m !== modules[i]);
      const moduleSnapshots: ModuleSnapshot[] = modules.map((address, i) =>
        toModuleSnapshot(
          address,
          value(8 + i * PER_MODULE) as RawState,
          value(9 + i * PER_MODULE) as RawLimits,
          (value(10 + i * PER_MODULE) as { jobNonce: bigint }).jobNonce,
          this.lltvs.get(address) ?? 0n,
        ),
      );
      const snapshot: VaultSnapshot = {
        ...base,
        totalAssets: value(0) as bigint,
        totalSupply: value(1) as bigint,
        sharePrice: value(2) as bigint,
        idle: value(3) as bigint,
        paused: value(4) as boolean,
        shutdown: value(5) as boolean,
        lossBudgetUsed: value(6) as bigint,
        modules: moduleSnapshots,
      };
      return { address: vault, snapshot, modulesChanged };
    });
  }
}

/** `IStrategyModule.state()` as viem decodes it. */
export interface RawState {
  collateral: bigint;
  debt: bigint;
  debtInAssets: bigint;
  leverage: bigint;
  ltv: bigint;
  oraclePrice: bigint;
  oracleUpdatedAt: bigint;
  oracleHealthy: boolean;
  lastRebalance: bigint;
}

interface RawLimits {
  minLeverage: bigint;
  targetLeverage: bigint;
  maxLeverage: bigint;
  ripcordLeverage: bigint;
  maxTradeSize: bigint;
  ripcordMaxTradeSize: bigint;
  maxSlippageBps: number;
  ripcordSlippageBps: number;
  maxOracleDeviationBps: number;
  cooldown: number;
  ripcordCooldown: number;
  maxOracleStaleness: number;
  deadManDelay: number;
}

/** Reads per module: its `state()`, its `leverageLimits()` and the vault's `moduleConfig(module)`. */
const PER_MODULE = 3;

function toModuleSnapshot(address: Address, s: RawState, l: RawLimits, jobNonce: bigint, lltv: bigint): ModuleSnapshot {
  return {
    address,
    jobNonce,
    state: {
      collateral: s.collateral,
      debt: s.debt,
      debtInAssets: s.debtInAssets,
      leverage: s.leverage,
      ltv: s.ltv,
      oraclePrice: s.oraclePrice,
      oracleUpdatedAt: s.oracleUpdatedAt,
      oracleHealthy: s.oracleHealthy,
      lastRebalance: s.lastRebalance,
    },
    limits: {
      minLeverage: l.minLeverage,
      targetLeverage: l.targetLeverage,
      maxLeverage: l.maxLeverage,
      ripcordLeverage: l.ripcordLeverage,
      maxTradeSize: l.maxTradeSize,
      ripcordMaxTradeSize: l.ripcordMaxTradeSize,
      maxSlippageBps: BigInt(l.maxSlippageBps),
      ripcordSlippageBps: BigInt(l.ripcordSlippageBps),
      maxOracleDeviationBps: BigInt(l.maxOracleDeviationBps),
      cooldown: BigInt(l.cooldown),
      ripcordCooldown: BigInt(l.ripcordCooldown),
      maxOracleStaleness: BigInt(l.maxOracleStaleness),
      deadManDelay: BigInt(l.deadManDelay),
    },
    lltv,
    healthFactor: s.ltv === 0n ? null : (lltv * WAD) / s.ltv,
    equity: s.collateral > s.debtInAssets ? s.collateral - s.debtInAssets : 0n,
  };
}

function shortError(error: Error): string {
  const message = (error as { shortMessage?: string }).shortMessage ?? error.message;
  return message.split('\n')[0] ?? 'call failed';
}
