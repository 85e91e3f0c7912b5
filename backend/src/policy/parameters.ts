/**
 * Default policy parameters and the validation of parameters and limits. Validation collects every
 * problem before throwing, so one error lists all of them.
 *
 * @packageDocumentation
 */
import { InvalidModuleLimitsError, InvalidPolicyParametersError } from './errors.js';
import { BPS, WAD } from './math.js';
import type { ModuleLimits, PolicyParameters } from './types.js';

/**
 * Defaults, chosen as follows:
 * - recentering speed 0.5 when leaving the band: a rebalance halves the gap to target, so it lands well
 *   inside the band and a small move right after does not trigger the next one (FLI's 5% with a clamp to
 *   the band edge is the cheapest choice; 1.0 goes straight to target);
 * - recentering due once a day inside the band (FLI's rebalance interval), when more than 0.02x above
 *   target, at speed 0.1 (`insideBandSpeed`): a slow drift correction in FLI's manner (5% a day), twice as
 *   fast. Inside the band nothing forces a trade, and every in-band delever in a mean-reverting market
 *   sells a dip that comes back: at 0.5 (the previous default) ballast lost 16 of 20 seeded choppy markets
 *   to fli, at 0.1 it wins 17 of 20, keeping its lead in the seeded crashes and bear markets
 *   (docs/backtest.md, robustness table);
 * - recenterings inside the band only delever (`recenterUpInsideBand` false; FLI's true): a lever-up
 *   inside the band adds risk the band does not require, and in a flat or mean-reverting market it
 *   buys after every rise what the next delever sells after the fall. In the lab's 30-day choppy
 *   market (100% vol) FLI's rule at speed 0.5 traded 853 ETH in 25 recenterings, all inside the band,
 *   and lost 22 ETH to fli even with free trades (only 1 ETH of the gap was swap cost and gas);
 *   without in-band lever-ups it makes 6 trades of 24-34 ETH. It also means the volatility-aware
 *   target, which only steers lever-ups, cannot start an in-band round trip when its estimate moves.
 *   A position left below target inside the band levers up once it falls below `minLeverage`
 *   (docs/backtest.md has the runs and a sweep);
 * - pre-leverage tolerance 0.05x: interest accrual and the price moves of a block or two between plan and
 *   execution pass (with 0.01x, a market moving ~0.5% a block made every plan stale before it landed, seen
 *   under npm start's simulator), a materially different state reverts on-chain; the chain's own band,
 *   target and slippage checks apply whatever the pre-state;
 * - oracle older than 1 hour is distrusted even if the chain still calls it healthy;
 * - volatility: λ = 0.94 per hour (half-life ≈ 11 h), at least 10 returns, a 3-sigma fall over one day
 *   must stay below the ripcord.
 */
export const DEFAULT_POLICY_PARAMETERS: PolicyParameters = Object.freeze({
  recenteringSpeed: WAD / 2n,
  recenterIntervalSeconds: 86_400n,
  recenterThreshold: 2n * 10n ** 16n,
  recenterUpInsideBand: false,
  insideBandSpeed: WAD / 10n,
  preLeverageTolerance: 5n * 10n ** 16n,
  minTradeSize: 0n,
  maxOracleAgeSeconds: 3_600n,
  volatility: Object.freeze({
    decay: 0.94,
    decayIntervalSeconds: 3_600,
    minReturns: 10,
    sigmas: 3n * WAD,
    horizonSeconds: 86_400n,
  }),
});

/** Throws {@link InvalidModuleLimitsError} listing every rule the limits break. */
export function validateModuleLimits(limits: ModuleLimits): void {
  const problems: string[] = [];
  if (limits.minLeverage < WAD) problems.push(`minLeverage ${limits.minLeverage} is below 1x`);
  if (limits.minLeverage > limits.targetLeverage) problems.push('minLeverage is above targetLeverage');
  if (limits.targetLeverage > limits.maxLeverage) problems.push('targetLeverage is above maxLeverage');
  if (limits.maxLeverage >= limits.ripcordLeverage) problems.push('maxLeverage is not below ripcordLeverage');
  if (limits.maxTradeSize <= 0n) problems.push('maxTradeSize must be positive');
  if (limits.ripcordMaxTradeSize < 0n) problems.push('ripcordMaxTradeSize is negative');
  if (limits.cooldown < 0n) problems.push('cooldown is negative');
  if (limits.maxSlippageBps < 0n || limits.maxSlippageBps >= BPS) {
    problems.push(`maxSlippageBps ${limits.maxSlippageBps} is outside [0, ${BPS})`);
  }
  if (problems.length > 0) throw new InvalidModuleLimitsError(problems);
}

/** Throws {@link InvalidPolicyParametersError} listing every parameter out of range. */
export function validatePolicyParameters(parameters: PolicyParameters): void {
  const problems: string[] = [];
  if (parameters.recenteringSpeed <= 0n || parameters.recenteringSpeed > WAD) {
    problems.push('recenteringSpeed must be in (0, 1] (WAD)');
  }
  if (
    parameters.insideBandSpeed !== undefined &&
    (typeof parameters.insideBandSpeed !== 'bigint' || parameters.insideBandSpeed <= 0n || parameters.insideBandSpeed > WAD)
  ) {
    problems.push('insideBandSpeed must be in (0, 1] (WAD) when set');
  }
  if (parameters.recenterIntervalSeconds < 0n) problems.push('recenterIntervalSeconds is negative');
  if (parameters.recenterThreshold < 0n) problems.push('recenterThreshold is negative');
  if (parameters.recenterUpInsideBand !== undefined && typeof parameters.recenterUpInsideBand !== 'boolean') {
    problems.push('recenterUpInsideBand must be a boolean when set');
  }
  if (parameters.preLeverageTolerance < 0n) problems.push('preLeverageTolerance is negative');
  if (parameters.minTradeSize < 0n) problems.push('minTradeSize is negative');
  if (parameters.maxOracleAgeSeconds !== null && parameters.maxOracleAgeSeconds <= 0n) {
    problems.push('maxOracleAgeSeconds must be positive or null');
  }
  const volatility = parameters.volatility;
  if (volatility !== null) {
    if (!(volatility.decay > 0 && volatility.decay < 1)) problems.push('volatility.decay must be in (0, 1)');
    if (!(Number.isFinite(volatility.decayIntervalSeconds) && volatility.decayIntervalSeconds > 0)) {
      problems.push('volatility.decayIntervalSeconds must be a positive number');
    }
    if (!(Number.isInteger(volatility.minReturns) && volatility.minReturns >= 1)) {
      problems.push('volatility.minReturns must be a positive integer');
    }
    if (volatility.sigmas <= 0n) problems.push('volatility.sigmas must be positive');
    if (volatility.horizonSeconds <= 0n) problems.push('volatility.horizonSeconds must be positive');
  }
  if (problems.length > 0) throw new InvalidPolicyParametersError(problems);
}
