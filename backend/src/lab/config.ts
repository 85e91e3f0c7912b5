/**
 * What a backtest runs with: the market (venue, feed, interest, gas, starting position), the module's
 * on-chain limits and the policy parameters. Presets `ballast` and `fli` hold the two policies; a JSON
 * file (`--params`) overrides any field. Human units in JSON (leverage as 2.0, fractions as 0.05, sizes
 * in whole asset units, times in seconds); bigint on the inside, like the chain.
 *
 * @packageDocumentation
 */
import { readFileSync } from 'node:fs';
import {
  DEFAULT_POLICY_PARAMETERS,
  InvalidModuleLimitsError,
  InvalidPolicyParametersError,
  WAD,
  validateModuleLimits,
  validatePolicyParameters,
} from '../policy/index.js';
import type { ModuleLimits, PolicyParameters, VolatilityParameters } from '../policy/index.js';
import type { KinkRateModel, LiquidityCurve } from './calibration.js';

/** One asset unit (the asset has 18 decimals, like WETH). */
export const ASSET_UNIT = 10n ** 18n;

/** The module's limits the lab enforces: the policy's view plus the ripcord's own bounds and the feed staleness. */
export interface LabLimits extends ModuleLimits {
  readonly ripcordSlippageBps: bigint;
  readonly ripcordCooldown: bigint;
  readonly maxOracleStaleness: bigint;
}

/** The market and the starting position. */
export interface LabMarket {
  /** Vault equity at the start, asset base units. */
  readonly initialEquity: bigint;
  /** Leverage at the start (the position is built for free at the first bar), WAD. */
  readonly initialLeverage: bigint;
  /** Virtual asset reserve of the venue, asset base units. */
  readonly poolDepth: bigint;
  /** Venue fee, 1e6 = 100%. */
  readonly poolFeePips: bigint;
  readonly borrowAprBps: bigint;
  /** Morpho market's liquidation LTV, WAD. */
  readonly lltv: bigint;
  readonly oracleHeartbeatSeconds: bigint;
  readonly oracleDeviationBps: bigint;
  readonly gasPerRebalance: bigint;
  readonly gasPerRipcord: bigint;
  readonly gasPriceWei: bigint;
  /** ETH price in asset units, WAD (1 for a WETH vault). */
  readonly ethPriceInAssets: bigint;
  /** How far back the policy's price history reaches, seconds. */
  readonly priceLookbackSeconds: bigint;
  /**
   * A pool whose depth depends on the price (the local world's bands, see `calibration.ts`); replaces
   * `poolDepth` and `poolFeePips` when set. Not settable from `--params`.
   */
  readonly liquidity?: LiquidityCurve;
  /** A utilisation-based borrow rate (Morpho's `LinearKinkIrm`); replaces `borrowAprBps` when set. */
  readonly rateModel?: KinkRateModel;
}

/** A policy to backtest: a name, the chain's limits and the off-chain parameters. */
export interface LabPolicy {
  readonly name: string;
  readonly limits: LabLimits;
  readonly parameters: PolicyParameters;
}

/** Everything one run needs. */
export interface LabConfig {
  readonly market: LabMarket;
  readonly policy: LabPolicy;
}

/** The configuration or a `--params` file is invalid; every problem is listed. */
export class LabConfigError extends Error {
  constructor(
    public readonly problems: readonly string[],
    source = 'parameters',
  ) {
    super(`invalid ${source}: ${problems.join('; ')}`);
    this.name = 'LabConfigError';
  }
}

/** `n` (a decimal number) scaled by 1e18, exact to 1e-9. */
export function toWad(n: number): bigint {
  return BigInt(Math.round(n * 1e9)) * 10n ** 9n;
}

/** A leverage or fraction in WAD back to a number. */
export function fromWad(n: bigint): number {
  return Number(n) / 1e18;
}

/** Limits as written by people; trade sizes may be given as a fraction of pool depth. */
export interface LimitsSpec {
  minLeverage: number;
  targetLeverage: number;
  maxLeverage: number;
  ripcordLeverage: number;
  maxTradeSizeOfDepth: number;
  ripcordMaxTradeSizeOfDepth: number;
  maxSlippageBps: number;
  ripcordSlippageBps: number;
  cooldown: number;
  ripcordCooldown: number;
  maxOracleStaleness: number;
}

/** The market as written by people. */
export interface MarketSpec {
  initialEquity: number;
  initialLeverage: number;
  poolDepth: number;
  poolFeePips: number;
  borrowAprBps: number;
  lltv: number;
  oracleHeartbeatSeconds: number;
  oracleDeviationBps: number;
  gasPerRebalance: number;
  gasPerRipcord: number;
  gasPriceGwei: number;
  ethPriceInAssets: number;
  priceLookbackSeconds: number;
}

/**
 * The default market: a 1,000 ETH vault at 2x on a Morpho market with LLTV 86%, a 0.05% pool with 50,000 ETH
 * of virtual depth, a 6% borrow rate, an ETH/USD-like feed (1 h heartbeat, 0.5% deviation), gas as measured
 * in `docs/gas.md` (~350k per keeper rebalance, ~290k per ripcord) at 20 gwei.
 */
export const DEFAULT_MARKET: Readonly<MarketSpec> = Object.freeze({
  initialEquity: 1000,
  initialLeverage: 2,
  poolDepth: 50_000,
  poolFeePips: 500,
  borrowAprBps: 600,
  lltv: 0.86,
  oracleHeartbeatSeconds: 3600,
  oracleDeviationBps: 50,
  gasPerRebalance: 350_000,
  gasPerRipcord: 290_000,
  gasPriceGwei: 20,
  ethPriceInAssets: 1,
  priceLookbackSeconds: 3 * 86_400,
});

/**
 * Ballast's limits: the module's documented defaults (band 1.7-2.3x, ripcord 2.7x, 0.5% / 1.5% slippage,
 * 1 h cooldown, 10 min ripcord cooldown), trade sizes cut so that their price impact stays inside the
 * slippage bound on the default venue (0.4% and 1.25% of depth).
 */
export const BALLAST_LIMITS: Readonly<LimitsSpec> = Object.freeze({
  minLeverage: 1.7,
  targetLeverage: 2,
  maxLeverage: 2.3,
  ripcordLeverage: 2.7,
  maxTradeSizeOfDepth: 0.004,
  ripcordMaxTradeSizeOfDepth: 0.0125,
  maxSlippageBps: 50,
  ripcordSlippageBps: 150,
  cooldown: 3600,
  ripcordCooldown: 600,
  maxOracleStaleness: 3600,
});

/**
 * ETH2x-FLI's published methodology on the same chain: band 1.7-2.3x, ripcord 2.7x, 2% slippage (5% for
 * the ripcord), trade sizes 1% and 3% of pool depth (about half the slippage bound in impact). The cooldown
 * between keeper trades (FLI's TWAP cooldown) is the module's, so both policies face the same chain.
 */
export const FLI_LIMITS: Readonly<LimitsSpec> = Object.freeze({
  ...BALLAST_LIMITS,
  maxTradeSizeOfDepth: 0.01,
  ripcordMaxTradeSizeOfDepth: 0.03,
  maxSlippageBps: 200,
  ripcordSlippageBps: 500,
});

/**
 * FLI's parameters: recentering speed 5%, a rebalance every day inside the band whatever the gap and in either
 * direction, no volatility target.
 */
export const FLI_PARAMETERS: PolicyParameters = Object.freeze({
  recenteringSpeed: toWad(0.05),
  recenterIntervalSeconds: 86_400n,
  recenterThreshold: 0n,
  recenterUpInsideBand: true,
  insideBandSpeed: toWad(0.05),
  preLeverageTolerance: 10n ** 16n,
  minTradeSize: 0n,
  maxOracleAgeSeconds: null,
  volatility: null,
});

/** The two policies the lab knows. */
export const POLICY_NAMES = ['ballast', 'fli'] as const;
export type PolicyName = (typeof POLICY_NAMES)[number];

/** Overrides read from a `--params` file. */
export interface Overrides {
  readonly market?: Partial<MarketSpec>;
  readonly limits?: Partial<LimitsSpec>;
  readonly parameters?: Record<string, unknown>;
}

function checkKeys(object: Record<string, unknown>, allowed: readonly string[], where: string, problems: string[]): void {
  for (const key of Object.keys(object)) {
    if (!allowed.includes(key)) problems.push(`${where}.${key} is not a known field (known: ${allowed.join(', ')})`);
  }
}

function checkNumbers(object: Record<string, unknown>, where: string, problems: string[]): void {
  for (const [key, value] of Object.entries(object)) {
    if (typeof value !== 'number' || !Number.isFinite(value)) problems.push(`${where}.${key} must be a number`);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks the shape of an overrides object (unknown keys, types); values are checked when the config is built. */
export function parseOverrides(json: unknown, source = 'parameters'): Overrides {
  const problems: string[] = [];
  if (!isRecord(json)) throw new LabConfigError(['expected a JSON object with "market", "limits" and/or "parameters"'], source);
  checkKeys(json, ['market', 'limits', 'parameters'], '', problems);
  for (const section of ['market', 'limits', 'parameters'] as const) {
    const value = json[section];
    if (value !== undefined && !isRecord(value)) problems.push(`${section} must be an object`);
  }
  if (isRecord(json.market)) {
    checkKeys(json.market, Object.keys(DEFAULT_MARKET), 'market', problems);
    checkNumbers(json.market, 'market', problems);
  }
  if (isRecord(json.limits)) {
    checkKeys(json.limits, Object.keys(BALLAST_LIMITS), 'limits', problems);
    checkNumbers(json.limits, 'limits', problems);
  }
  if (isRecord(json.parameters)) {
    checkKeys(json.parameters, Object.keys(DEFAULT_POLICY_PARAMETERS), 'parameters', problems);
  }
  if (problems.length > 0) throw new LabConfigError(problems.map((p) => p.replace(/^\./, '')), source);
  return json as Overrides;
}

/** Reads a `--params` JSON file. */
export function loadOverrides(path: string): Overrides {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new LabConfigError([`cannot read: ${(error as Error).message}`], path);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new LabConfigError([`not JSON: ${(error as Error).message}`], path);
  }
  return parseOverrides(json, path);
}

const int = (n: number): bigint => BigInt(Math.round(n));
const assets = (n: number): bigint => toWad(n);

function parameterOverrides(base: PolicyParameters, raw: Record<string, unknown>, problems: string[]): PolicyParameters {
  if (Object.keys(raw).length === 0) return base;
  const out: Record<string, unknown> = { ...base };
  const num = (key: string, convert: (n: number) => bigint): void => {
    if (!(key in raw)) return;
    const value = raw[key];
    if (typeof value !== 'number' || !Number.isFinite(value)) problems.push(`parameters.${key} must be a number`);
    else out[key] = convert(value);
  };
  num('recenteringSpeed', toWad);
  num('insideBandSpeed', toWad);
  num('recenterIntervalSeconds', int);
  num('recenterThreshold', toWad);
  num('preLeverageTolerance', toWad);
  num('minTradeSize', assets);
  if ('recenterUpInsideBand' in raw) {
    const value = raw.recenterUpInsideBand;
    if (typeof value === 'boolean') out.recenterUpInsideBand = value;
    else problems.push('parameters.recenterUpInsideBand must be true or false');
  }
  if ('maxOracleAgeSeconds' in raw) {
    const value = raw.maxOracleAgeSeconds;
    if (value === null) out.maxOracleAgeSeconds = null;
    else if (typeof value === 'number' && Number.isFinite(value)) out.maxOracleAgeSeconds = int(value);
    else problems.push('parameters.maxOracleAgeSeconds must be a number or null');
  }
  if ('volatility' in raw) {
    const value = raw.volatility;
    if (value === null) out.volatility = null;
    else if (!isRecord(value)) problems.push('parameters.volatility must be an object or null');
    else {
      const known = ['decay', 'decayIntervalSeconds', 'minReturns', 'sigmas', 'horizonSeconds'];
      checkKeys(value, known, 'parameters.volatility', problems);
      checkNumbers(value, 'parameters.volatility', problems);
      const defaults = (base.volatility ?? DEFAULT_POLICY_PARAMETERS.volatility) as VolatilityParameters;
      const pick = (key: string, fallback: number): number => (typeof value[key] === 'number' ? (value[key] as number) : fallback);
      out.volatility = {
        decay: pick('decay', defaults.decay),
        decayIntervalSeconds: pick('decayIntervalSeconds', defaults.decayIntervalSeconds),
        minReturns: pick('minReturns', defaults.minReturns),
        sigmas: toWad(pick('sigmas', fromWad(defaults.sigmas))),
        horizonSeconds: int(pick('horizonSeconds', Number(defaults.horizonSeconds))),
      } satisfies VolatilityParameters;
    }
  }
  return out as unknown as PolicyParameters;
}

/** `1 / (1 - (lltv - 5%))`, the highest ripcord `LeverageLimitsLib` accepts. */
export function maxRipcordLeverage(lltv: bigint): bigint {
  const buffer = 5n * 10n ** 16n;
  return lltv <= buffer ? WAD : (WAD * WAD) / (WAD - (lltv - buffer));
}

/**
 * Builds the configuration of one run: preset, then overrides; validates it as the policy and the module
 * would (every problem listed in one {@link LabConfigError}).
 */
export function buildConfig(name: PolicyName, overrides: Overrides = {}, source = 'parameters'): LabConfig {
  const problems: string[] = [];
  const m: MarketSpec = { ...DEFAULT_MARKET, ...overrides.market };
  const l: LimitsSpec = { ...(name === 'fli' ? FLI_LIMITS : BALLAST_LIMITS), ...overrides.limits };
  const baseParameters = name === 'fli' ? FLI_PARAMETERS : DEFAULT_POLICY_PARAMETERS;
  const parameters = parameterOverrides(baseParameters, overrides.parameters ?? {}, problems);

  const market: LabMarket = {
    initialEquity: assets(m.initialEquity),
    initialLeverage: toWad(m.initialLeverage),
    poolDepth: assets(m.poolDepth),
    poolFeePips: int(m.poolFeePips),
    borrowAprBps: int(m.borrowAprBps),
    lltv: toWad(m.lltv),
    oracleHeartbeatSeconds: int(m.oracleHeartbeatSeconds),
    oracleDeviationBps: int(m.oracleDeviationBps),
    gasPerRebalance: int(m.gasPerRebalance),
    gasPerRipcord: int(m.gasPerRipcord),
    gasPriceWei: int(m.gasPriceGwei * 1e9),
    ethPriceInAssets: toWad(m.ethPriceInAssets),
    priceLookbackSeconds: int(m.priceLookbackSeconds),
  };
  if (m.initialEquity <= 0) problems.push('market.initialEquity must be positive');
  if (m.initialLeverage < 1) problems.push('market.initialLeverage must be at least 1');
  if (m.poolDepth <= 0) problems.push('market.poolDepth must be positive');
  if (m.poolFeePips < 0 || m.poolFeePips >= 1e6) problems.push('market.poolFeePips must be in [0, 1000000)');
  if (m.borrowAprBps < 0) problems.push('market.borrowAprBps is negative');
  if (!(m.lltv > 0 && m.lltv < 1)) problems.push('market.lltv must be in (0, 1)');
  if (m.oracleHeartbeatSeconds <= 0) problems.push('market.oracleHeartbeatSeconds must be positive');
  if (m.oracleDeviationBps < 0) problems.push('market.oracleDeviationBps is negative');
  for (const key of ['gasPerRebalance', 'gasPerRipcord', 'gasPriceGwei', 'ethPriceInAssets', 'priceLookbackSeconds'] as const) {
    if (m[key] < 0) problems.push(`market.${key} is negative`);
  }

  const limits: LabLimits = {
    minLeverage: toWad(l.minLeverage),
    targetLeverage: toWad(l.targetLeverage),
    maxLeverage: toWad(l.maxLeverage),
    ripcordLeverage: toWad(l.ripcordLeverage),
    maxTradeSize: assets(l.maxTradeSizeOfDepth * m.poolDepth),
    ripcordMaxTradeSize: assets(l.ripcordMaxTradeSizeOfDepth * m.poolDepth),
    maxSlippageBps: int(l.maxSlippageBps),
    ripcordSlippageBps: int(l.ripcordSlippageBps),
    cooldown: int(l.cooldown),
    ripcordCooldown: int(l.ripcordCooldown),
    maxOracleStaleness: int(l.maxOracleStaleness),
  };
  // LeverageLimitsLib.validate's bounds, beyond what the policy checks.
  if (limits.maxSlippageBps > 500n) problems.push('limits.maxSlippageBps is above the module cap of 500');
  if (limits.ripcordSlippageBps > 1000n || limits.ripcordSlippageBps < limits.maxSlippageBps) {
    problems.push('limits.ripcordSlippageBps must be in [maxSlippageBps, 1000]');
  }
  if (limits.ripcordMaxTradeSize <= 0n) problems.push('limits.ripcordMaxTradeSizeOfDepth must be positive');
  if (limits.ripcordLeverage > maxRipcordLeverage(market.lltv)) {
    problems.push(`limits.ripcordLeverage ${l.ripcordLeverage} is too close to liquidation at LLTV ${m.lltv}`);
  }
  if (limits.maxOracleStaleness <= 0n) problems.push('limits.maxOracleStaleness must be positive');
  for (const key of ['cooldown', 'ripcordCooldown'] as const) {
    if (limits[key] > 7n * 86_400n) problems.push(`limits.${key} is above the module cap of 7 days`);
  }
  try {
    validateModuleLimits(limits);
  } catch (error) {
    if (!(error instanceof InvalidModuleLimitsError)) throw error;
    problems.push(...error.problems.map((p) => `limits: ${p}`));
  }
  try {
    validatePolicyParameters(parameters);
  } catch (error) {
    if (!(error instanceof InvalidPolicyParametersError)) throw error;
    problems.push(...error.problems.map((p) => `parameters: ${p}`));
  }
  if (problems.length > 0) throw new LabConfigError(problems, source);
  return { market, policy: { name, limits, parameters } };
}
