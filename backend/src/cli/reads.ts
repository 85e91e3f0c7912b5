/**
 * The reads behind `status` and `limits show`: a module's position, band, oracle and pending changes, the
 * vault's limits and pending governance, and the pending limits' values (the vault stores only their hash;
 * the values are in the `SubmitModuleLimits` event). Reads of one command go out in one batched HTTP request.
 *
 * @packageDocumentation
 */
import { erc20Abi, getAddress, keccak256, parseAbiItem, type Address, type Hex } from 'viem';
import { ballastVaultAbi, morphoLeverageModuleAbi } from '../chain/abi/index.js';
import type { RawState } from '../chain/vault-reader.js';
import type { CliContext } from './context.js';
import { CliInputError } from './errors.js';
import { decodeLimits, normalizeLimits, type LeverageLimits } from './limits-codec.js';
import { parseAddress } from './parse.js';

const WAD = 10n ** 18n;

/** Emitted by the vault (GovernanceLib) on a timelocked module-limits change: the only copy of the values. */
export const submitModuleLimitsEvent = parseAbiItem(
  'event SubmitModuleLimits(address indexed caller, address indexed module, bytes limits, uint256 validAt)',
);
/** Emitted by the vault on a timelocked module submission. */
export const submitModuleEvent = parseAbiItem('event SubmitModule(address indexed caller, address indexed module, uint256 validAt)');

/** A module's position and limits as `status` shows them. */
export interface ModuleStatus {
  readonly address: Address;
  readonly leverage: bigint;
  readonly limits: LeverageLimits;
  readonly inBand: boolean;
  readonly collateral: bigint;
  readonly debt: bigint;
  readonly equity: bigint;
  /** lltv / ltv, WAD; null without debt. */
  readonly healthFactor: bigint | null;
  readonly oracle: {
    /** Loan-token units per whole collateral unit (e.g. USDC per WETH), as a decimal string. */
    readonly price: string;
    readonly quote: string;
    readonly updatedAt: bigint;
    readonly ageSeconds: bigint;
    readonly healthy: boolean;
  };
  readonly lastRebalance: bigint;
  readonly cap: bigint;
  readonly pending: {
    readonly cap: { readonly value: bigint; readonly validAt: bigint } | null;
    readonly limits: { readonly hash: Hex; readonly validAt: bigint } | null;
  };
}

/** The vault-level figures of `status`. */
export interface VaultStatus {
  readonly blockNumber: bigint;
  readonly timestamp: bigint;
  readonly totalAssets: bigint;
  readonly totalSupply: bigint;
  readonly sharePrice: bigint;
  readonly idle: bigint;
  readonly timelock: bigint;
  readonly limits: { readonly maxLossBps: bigint; readonly lossBudgetBps: bigint; readonly lossWindow: bigint; readonly depositCap: bigint };
  readonly lossBudgetUsed: bigint;
  readonly pending: {
    readonly timelock: { readonly value: bigint; readonly validAt: bigint } | null;
    readonly guardian: { readonly value: Address; readonly validAt: bigint } | null;
    readonly limits: { readonly validAt: bigint } | null;
    /** Submitted modules not accepted yet; null when the RPC would not return the logs. */
    readonly modules: readonly { readonly module: Address; readonly validAt: bigint }[] | null;
  };
}

/**
 * The module a command acts on: the argument when given (it must be enabled unless `enabled: false`), else
 * the vault's only module.
 */
export function resolveModule(ctx: CliContext, arg: string | undefined, options: { enabled?: boolean } = {}): Address {
  const modules = ctx.vault.modules;
  if (arg === undefined) {
    if (modules.length === 1) return modules[0]!;
    throw new CliInputError(
      modules.length === 0 ? 'the vault has no module' : `the vault has ${modules.length} modules: name one (${modules.join(', ')})`,
    );
  }
  const module = parseAddress(arg, 'module');
  if (options.enabled !== false && !modules.includes(module)) {
    throw new CliInputError(`module ${module} is not enabled on vault ${ctx.vault.address} (its modules: ${modules.join(', ') || 'none'})`);
  }
  return module;
}

function vaultRead<T>(ctx: CliContext, functionName: string, args: readonly unknown[] = []): Promise<T> {
  return ctx.client.readContract({ address: ctx.vault.address, abi: ballastVaultAbi, functionName: functionName as never, args: args as never }) as Promise<T>;
}

function moduleRead<T>(ctx: CliContext, module: Address, functionName: string): Promise<T> {
  return ctx.client.readContract({ address: module, abi: morphoLeverageModuleAbi, functionName: functionName as never }) as Promise<T>;
}

/** The current limits of `module`. */
export async function readLimits(ctx: CliContext, module: Address): Promise<LeverageLimits> {
  try {
    return normalizeLimits(await moduleRead(ctx, module, 'leverageLimits'));
  } catch {
    // A module of another kind still answers limits() with its own encoding.
    return decodeLimits(await moduleRead<Hex>(ctx, module, 'limits'));
  }
}

/** Hash and validAt of `module`'s pending limits, or null. */
export async function readPendingLimits(ctx: CliContext, module: Address): Promise<{ hash: Hex; validAt: bigint } | null> {
  const pending = await vaultRead<{ hash: Hex; validAt: bigint | number }>(ctx, 'pendingModuleLimits', [module]);
  return BigInt(pending.validAt) === 0n ? null : { hash: pending.hash, validAt: BigInt(pending.validAt) };
}

/**
 * The values of `module`'s pending limits: the newest `SubmitModuleLimits` whose bytes hash to `hash`.
 * Null when no such event is found from `fromBlock` on (default: the deployment's start block, else genesis).
 */
export async function findPendingLimitValues(ctx: CliContext, module: Address, hash: Hex, fromBlock = ctx.logsFromBlock): Promise<{ bytes: Hex; limits: LeverageLimits; txHash: Hex | null } | null> {
  const logs = await ctx.client.getLogs({ address: ctx.vault.address, event: submitModuleLimitsEvent, args: { module }, fromBlock, toBlock: 'latest' });
  for (const log of [...logs].reverse()) {
    const bytes = log.args.limits;
    if (bytes && keccak256(bytes) === hash) return { bytes, limits: decodeLimits(bytes), txHash: log.transactionHash };
  }
  return null;
}

/** Everything `status` shows about one module, read at the latest block. */
export async function readModuleStatus(ctx: CliContext, module: Address, now: bigint): Promise<ModuleStatus> {
  const [state, limits, lltv, loanToken, config, pendingCap, pendingLimits] = await Promise.all([
    moduleRead<RawState>(ctx, module, 'state'),
    readLimits(ctx, module),
    moduleRead<bigint>(ctx, module, 'lltv').catch(() => 0n),
    moduleRead<Address>(ctx, module, 'loanToken').catch(() => null),
    vaultRead<{ cap: bigint }>(ctx, 'moduleConfig', [module]),
    vaultRead<{ value: bigint; validAt: bigint | number }>(ctx, 'pendingCap', [module]),
    readPendingLimits(ctx, module),
  ]);
  const [quote, quoteDecimals] = loanToken
    ? await Promise.all([
        ctx.client.readContract({ address: loanToken, abi: erc20Abi, functionName: 'symbol' }).catch(() => 'loan token'),
        ctx.client.readContract({ address: loanToken, abi: erc20Abi, functionName: 'decimals' }).catch(() => 18),
      ])
    : ['loan token', 18];
  // Morpho-style oracle price: loan base units per collateral base unit, scaled by 1e36.
  const scale = 36 + Number(quoteDecimals) - ctx.vault.assetDecimals;
  const price = scale >= 0 ? formatFixed(state.oraclePrice, scale, 2) : state.oraclePrice.toString();
  return {
    address: getAddress(module),
    leverage: state.leverage,
    limits,
    inBand: state.leverage >= limits.minLeverage && state.leverage <= limits.maxLeverage,
    collateral: state.collateral,
    debt: state.debt,
    equity: state.collateral > state.debtInAssets ? state.collateral - state.debtInAssets : 0n,
    healthFactor: state.ltv === 0n || lltv === 0n ? null : (lltv * WAD) / state.ltv,
    oracle: {
      price,
      quote,
      updatedAt: state.oracleUpdatedAt,
      ageSeconds: now - state.oracleUpdatedAt,
      healthy: state.oracleHealthy,
    },
    lastRebalance: state.lastRebalance,
    cap: config.cap,
    pending: {
      cap: BigInt(pendingCap.validAt) === 0n ? null : { value: pendingCap.value, validAt: BigInt(pendingCap.validAt) },
      limits: pendingLimits,
    },
  };
}

/** The vault-level figures of `status`, read at the latest block. */
export async function readVaultStatus(ctx: CliContext): Promise<VaultStatus> {
  const block = await ctx.client.getBlock({ blockTag: 'latest' });
  const [totalAssets, totalSupply, sharePrice, idle, timelock, limits, lossBudgetUsed, pendingTimelock, pendingGuardian, pendingLimits] =
    await Promise.all([
      vaultRead<bigint>(ctx, 'totalAssets'),
      vaultRead<bigint>(ctx, 'totalSupply'),
      vaultRead<bigint>(ctx, 'convertToAssets', [10n ** BigInt(ctx.vault.decimals)]),
      vaultRead<bigint>(ctx, 'idle'),
      vaultRead<bigint>(ctx, 'timelock'),
      vaultRead<{ maxLossBps: number; lossBudgetBps: number; lossWindow: number; depositCap: bigint }>(ctx, 'limits'),
      vaultRead<bigint>(ctx, 'lossBudgetUsed'),
      vaultRead<{ value: bigint; validAt: bigint | number }>(ctx, 'pendingTimelock'),
      vaultRead<{ value: Address; validAt: bigint | number }>(ctx, 'pendingGuardian'),
      vaultRead<readonly [unknown, bigint]>(ctx, 'pendingLimits'),
    ]);
  let modules: { module: Address; validAt: bigint }[] | null;
  try {
    const logs = await ctx.client.getLogs({ address: ctx.vault.address, event: submitModuleEvent, fromBlock: ctx.logsFromBlock, toBlock: 'latest' });
    const candidates = [...new Set(logs.map((l) => getAddress(l.args.module!)))].filter((m) => !ctx.vault.modules.includes(m));
    const validAts = await Promise.all(candidates.map((m) => vaultRead<bigint>(ctx, 'pendingModule', [m])));
    modules = candidates.map((module, i) => ({ module, validAt: validAts[i]! })).filter((p) => p.validAt !== 0n);
  } catch {
    modules = null;
  }
  return {
    blockNumber: block.number,
    timestamp: block.timestamp,
    totalAssets,
    totalSupply,
    sharePrice,
    idle,
    timelock,
    limits: {
      maxLossBps: BigInt(limits.maxLossBps),
      lossBudgetBps: BigInt(limits.lossBudgetBps),
      lossWindow: BigInt(limits.lossWindow),
      depositCap: limits.depositCap,
    },
    lossBudgetUsed,
    pending: {
      timelock: BigInt(pendingTimelock.validAt) === 0n ? null : { value: pendingTimelock.value, validAt: BigInt(pendingTimelock.validAt) },
      guardian: BigInt(pendingGuardian.validAt) === 0n ? null : { value: getAddress(pendingGuardian.value), validAt: BigInt(pendingGuardian.validAt) },
      limits: pendingLimits[1] === 0n ? null : { validAt: pendingLimits[1] },
      modules,
    },
  };
}

/** `value / 10^scale` with `digits` decimals (rounded down). */
function formatFixed(value: bigint, scale: number, digits: number): string {
  const unit = 10n ** BigInt(scale);
  const whole = value / unit;
  const fraction = ((value % unit) * 10n ** BigInt(digits)) / unit;
  return `${whole}.${fraction.toString().padStart(digits, '0')}`;
}
