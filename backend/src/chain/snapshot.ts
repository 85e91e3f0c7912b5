/**
 * What one scan reads about a vault and its modules, at one block. Plain data with bigints; `toWire` /
 * `fromWire` carry it through Redis and job payloads (JSON has no bigint).
 *
 * @packageDocumentation
 */
import type { Address } from 'viem';
import type { ModuleLimits, ModuleStateSnapshot } from '../policy/index.js';

/** A leverage module as the chain reports it. */
export interface ModuleSnapshot {
  readonly address: Address;
  /** The nonce the module's next keeper job must carry (`vault.moduleConfig(module).jobNonce`). */
  readonly jobNonce: bigint;
  /** `IStrategyModule.state()`, with `ltv`. */
  readonly state: ModuleStateSnapshot & { readonly ltv: bigint };
  /** `leverageLimits()`, in the policy's shape (every field a bigint). */
  readonly limits: ModuleLimits & {
    readonly ripcordSlippageBps: bigint;
    readonly maxOracleDeviationBps: bigint;
    readonly ripcordCooldown: bigint;
    readonly maxOracleStaleness: bigint;
    readonly deadManDelay: bigint;
  };
  /** The market's liquidation LTV (WAD). */
  readonly lltv: bigint;
  /** lltv / ltv (WAD); `null` with no debt. Below 1e18 the position can be liquidated. */
  readonly healthFactor: bigint | null;
  /** Equity in vault-asset units: collateral minus debt at the oracle price (0 when underwater). */
  readonly equity: bigint;
}

/** A vault at one block. `error` is set, and the numbers are zero, when its reads failed. */
export interface VaultSnapshot {
  readonly address: Address;
  readonly blockNumber: bigint;
  /** The block's timestamp (Multicall3's `getCurrentBlockTimestamp`, in the same call). */
  readonly timestamp: bigint;
  readonly name: string;
  readonly symbol: string;
  readonly asset: Address;
  readonly assetDecimals: number;
  readonly shareDecimals: number;
  readonly totalAssets: bigint;
  readonly totalSupply: bigint;
  /** Assets one whole share (10^shareDecimals) redeems for, without exit costs. */
  readonly sharePrice: bigint;
  readonly idle: bigint;
  readonly paused: boolean;
  readonly shutdown: boolean;
  readonly lossBudgetUsed: bigint;
  readonly modules: readonly ModuleSnapshot[];
  readonly error?: string;
}

type Wire<T> = T extends bigint
  ? string
  : T extends readonly (infer U)[]
    ? Wire<U>[]
    : T extends object
      ? { [K in keyof T]: Wire<T[K]> }
      : T;

/** The JSON-safe form: every bigint as a decimal string tagged `n:`. */
export type WireSnapshot = Wire<VaultSnapshot>;

/** Encodes bigints as `"n:<decimal>"` so that `fromWire` restores exactly the same value. */
export function toWire<T>(value: T): Wire<T> {
  return JSON.parse(JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? `n:${v}` : v))) as Wire<T>;
}

/** Inverse of `toWire`. */
export function fromWire<T>(value: Wire<T>): T {
  return JSON.parse(JSON.stringify(value), (_k, v: unknown) =>
    typeof v === 'string' && /^n:-?\d+$/.test(v) ? BigInt(v.slice(2)) : v,
  ) as T;
}

/** Bigints as decimal strings, for the REST API and the dashboard (readable, no tag). */
export function toJsonSafe<T>(value: T): unknown {
  return JSON.parse(JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)));
}
