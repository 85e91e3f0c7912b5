/**
 * The API's view of a vault: the chain snapshot turned into what a depositor, strategist or guardian reads
 * (decimal strings for amounts, leverage as a number of x, the band, the oracle's age, the last decision).
 *
 * @packageDocumentation
 */
import { formatUnits } from 'viem';
import type { VaultSnapshot } from '../chain/snapshot.js';
import type { StoredDecision } from '../vaults/vault-state.store.js';

const MAX_UINT = 2n ** 256n - 1n;

function x(wad: bigint): number | null {
  return wad === MAX_UINT ? null : Number(formatUnits(wad, 18));
}

export interface ModuleView {
  address: string;
  leverage: number | null;
  band: { min: number; target: number; max: number; ripcord: number };
  inBand: boolean;
  healthFactor: number | null;
  collateral: string;
  debt: string;
  equity: string;
  oracle: { price: string; updatedAt: number; ageSeconds: number; healthy: boolean };
  lastRebalance: number;
  cooldownSeconds: number;
  maxTradeSize: string;
  decision: StoredDecision | null;
}

export interface VaultView {
  address: string;
  name: string;
  symbol: string;
  asset: string;
  blockNumber: string;
  timestamp: number;
  totalAssets: string;
  totalSupply: string;
  sharePrice: string;
  sharePriceFormatted: number;
  idle: string;
  paused: boolean;
  shutdown: boolean;
  lossBudgetUsed: string;
  status: 'active' | 'paused' | 'shutdown' | 'oracle-stale' | 'unreadable';
  modules: ModuleView[];
  error?: string;
}

export function toVaultView(s: VaultSnapshot, decisions: ReadonlyMap<string, StoredDecision | null>): VaultView {
  const modules = s.modules.map((m): ModuleView => {
    const leverage = x(m.state.leverage);
    return {
      address: m.address,
      leverage,
      band: {
        min: x(m.limits.minLeverage)!,
        target: x(m.limits.targetLeverage)!,
        max: x(m.limits.maxLeverage)!,
        ripcord: x(m.limits.ripcordLeverage)!,
      },
      inBand: m.state.leverage >= m.limits.minLeverage && m.state.leverage <= m.limits.maxLeverage,
      healthFactor: m.healthFactor === null ? null : Number(formatUnits(m.healthFactor, 18)),
      collateral: m.state.collateral.toString(),
      debt: m.state.debt.toString(),
      equity: m.equity.toString(),
      oracle: {
        price: m.state.oraclePrice.toString(),
        updatedAt: Number(m.state.oracleUpdatedAt),
        ageSeconds: Number(s.timestamp - m.state.oracleUpdatedAt),
        healthy: m.state.oracleHealthy,
      },
      lastRebalance: Number(m.state.lastRebalance),
      cooldownSeconds: Number(m.limits.cooldown),
      maxTradeSize: m.limits.maxTradeSize.toString(),
      decision: decisions.get(m.address) ?? null,
    };
  });
  const status: VaultView['status'] = s.error
    ? 'unreadable'
    : s.shutdown
      ? 'shutdown'
      : s.paused
        ? 'paused'
        : modules.some((m) => !m.oracle.healthy)
          ? 'oracle-stale'
          : 'active';
  return {
    address: s.address,
    name: s.name,
    symbol: s.symbol,
    asset: s.asset,
    blockNumber: s.blockNumber.toString(),
    timestamp: Number(s.timestamp),
    totalAssets: s.totalAssets.toString(),
    totalSupply: s.totalSupply.toString(),
    sharePrice: s.sharePrice.toString(),
    sharePriceFormatted: Number(formatUnits(s.sharePrice, s.assetDecimals)),
    idle: s.idle.toString(),
    paused: s.paused,
    shutdown: s.shutdown,
    lossBudgetUsed: s.lossBudgetUsed.toString(),
    status,
    modules,
    ...(s.error ? { error: s.error } : {}),
  };
}
