/**
 * The keeper's decision for one module: nothing, a rebalance, or the ripcord.
 *
 * The methodology follows Index Coop's ETH2x-FLI (FlexibleLeverageStrategyExtension), adapted to
 * limits that the chain enforces:
 *
 * 1. **Ripcord.** At or above `ripcordLeverage`, plan the ripcord, whatever the cooldown or the oracle.
 * 2. **Cooldown.** Before `lastRebalance + cooldown`, nothing (the chain would refuse anyway).
 * 3. **Band.** Outside [minLeverage, maxLeverage], rebalance now. Inside it, rebalance only when a
 *    recentering is due (`recenterIntervalSeconds` after the last one, FLI's daily rebalance) and
 *    leverage is more than `recenterThreshold` away from target; with `recenterUpInsideBand` false (the
 *    default) only when it is *above* the target: inside the band a recentering only reduces risk, and
 *    lever-ups start below the band, so a volatility target that moves with its estimate never makes a
 *    lever-up/delever round trip inside the band.
 * 4. **Destination.** FLI's rule: new = clamp(current·(1 - speed) + target·speed, min, max), never past
 *    the target; `speed` is `recenteringSpeed` when leaving the band and `insideBandSpeed` for a recentering
 *    inside it. Levering up steers to the volatility-aware target (at most the on-chain one);
 *    levering down steers to the on-chain target, because the chain refuses a rebalance that passes
 *    its own target - a lower volatility-aware target only stops lever-ups early.
 * 5. **Size.** The collateral to trade, |ΔC| ≈ |L' - L|·E, solved exactly with the swap cost at the
 *    module's `maxSlippageBps` (see `leverage.ts`): the trade never passes the target at any price
 *    the module accepts, and when leaving the band it is at least what brings leverage back inside
 *    at every such price. Then capped at `maxTradeSize`: a large drift is closed in chunks over
 *    several calls (FLI's TWAP `iterateRebalance`), each moving toward target.
 * 6. **Oracle and pause.** A stale or disputed oracle, or a vault that blocks risk-increasing
 *    actions, leaves only risk-reducing plans: delever and ripcord run, lever-up does not.
 *
 * @packageDocumentation
 */
import {
  equityOf,
  maxDeleverWithin,
  maxLeverUpWithin,
  minDeleverToReach,
  minLeverUpToReach,
  predictPostLeverage,
} from './leverage.js';
import type { Position } from './leverage.js';
import { clampBigInt, maxBigInt, minBigInt, wMulUp } from './math.js';
import { DEFAULT_POLICY_PARAMETERS, validateModuleLimits, validatePolicyParameters } from './parameters.js';
import type { NoActionPlan, NoActionReason, Plan, PolicyInput, PolicyParameters, RebalanceTrigger } from './types.js';
import { estimateVolatility, volatilityAwareTarget } from './volatility.js';
import type { VolatilityEstimate } from './volatility.js';

/** The plan together with what it was based on, for logs, the API and the dashboard. */
export interface PolicyDecision {
  readonly plan: Plan;
  /** The target lever-ups steer to: the on-chain target, lowered by volatility, WAD. */
  readonly effectiveTargetLeverage: bigint;
  /** The volatility estimate, or null when disabled or when there were too few prices. */
  readonly volatility: VolatilityEstimate | null;
  /** Whether the oracle was trusted (healthy on-chain and fresh enough). */
  readonly oracleTrusted: boolean;
}

interface Intent {
  readonly kind: 'intent';
  readonly trigger: RebalanceTrigger;
  readonly leverUp: boolean;
  /** The leverage the trade moves toward and must never pass. */
  readonly goal: bigint;
}

function none(reason: NoActionReason, detail: string): NoActionPlan {
  return { kind: 'none', reason, detail };
}

/** Decides what the keeper should do for one module, and reports the inputs of that decision. */
export function evaluatePolicy(input: PolicyInput): PolicyDecision {
  const { state, limits, now } = input;
  const parameters = input.parameters ?? DEFAULT_POLICY_PARAMETERS;
  validateModuleLimits(limits);
  validatePolicyParameters(parameters);

  const volatility = parameters.volatility ? estimateVolatility(input.prices, parameters.volatility) : null;
  const effectiveTargetLeverage =
    volatility && parameters.volatility
      ? volatilityAwareTarget(limits, volatility.annualisedWad, parameters.volatility).targetLeverage
      : limits.targetLeverage;
  const oracleTrusted =
    state.oracleHealthy &&
    (parameters.maxOracleAgeSeconds === null || now - state.oracleUpdatedAt <= parameters.maxOracleAgeSeconds);
  const decide = (plan: Plan): PolicyDecision => ({ plan, effectiveTargetLeverage, volatility, oracleTrusted });

  const leverage = state.leverage;
  if (leverage >= limits.ripcordLeverage) return decide({ kind: 'ripcord' });

  const position: Position = { collateral: state.collateral, debtInAssets: state.debtInAssets };
  if (position.collateral === 0n || equityOf(position) <= 0n) {
    return decide(none('no-position', 'the module holds no collateral or no equity'));
  }
  const cooldownEnds = state.lastRebalance + limits.cooldown;
  if (now < cooldownEnds) return decide(none('cooldown', `cooldown ends at ${cooldownEnds}`));

  const intent = chooseIntent(input, parameters, effectiveTargetLeverage);
  if (intent.kind === 'none') return decide(intent);
  if (intent.leverUp && !oracleTrusted) {
    return decide(none('oracle-unhealthy', 'leverage is below target but the oracle is stale or disputed'));
  }
  if (intent.leverUp && input.riskIncreasingBlocked) {
    return decide(none('risk-increasing-blocked', 'the vault blocks risk-increasing actions'));
  }
  return decide(sizeRebalance(input, parameters, position, intent));
}

/** The plan alone; see {@link evaluatePolicy}. */
export function planRebalance(input: PolicyInput): Plan {
  return evaluatePolicy(input).plan;
}

function chooseIntent(
  input: PolicyInput,
  parameters: PolicyParameters,
  effectiveTarget: bigint,
): Intent | NoActionPlan {
  const { state, limits, now } = input;
  const leverage = state.leverage;
  if (leverage < limits.minLeverage) {
    return { kind: 'intent', trigger: 'below-band', leverUp: true, goal: effectiveTarget };
  }
  if (leverage > limits.maxLeverage) {
    return { kind: 'intent', trigger: 'above-band', leverUp: false, goal: limits.targetLeverage };
  }

  const recenterDue = state.lastRebalance + parameters.recenterIntervalSeconds;
  if (now < recenterDue) return none('inside-band', `inside the band; recentering due at ${recenterDue}`);
  if (leverage + parameters.recenterThreshold < effectiveTarget) {
    if (!recentersUpInsideBand(parameters)) {
      return none('inside-band', 'inside the band below target; lever-ups start below the band');
    }
    return { kind: 'intent', trigger: 'recenter', leverUp: true, goal: effectiveTarget };
  }
  if (leverage > limits.targetLeverage + parameters.recenterThreshold) {
    return { kind: 'intent', trigger: 'recenter', leverUp: false, goal: limits.targetLeverage };
  }
  return none('at-target', 'inside the band and close enough to target');
}

/** `parameters.recenterUpInsideBand`, or the default when a parameter object predates it. */
function recentersUpInsideBand(parameters: PolicyParameters): boolean {
  return parameters.recenterUpInsideBand ?? DEFAULT_POLICY_PARAMETERS.recenterUpInsideBand ?? false;
}

function sizeRebalance(input: PolicyInput, parameters: PolicyParameters, position: Position, intent: Intent): Plan {
  const { state, limits } = input;
  const leverage = state.leverage;
  const slippage = limits.maxSlippageBps;
  const { leverUp, goal } = intent;

  const speed = intent.trigger === 'recenter' ? (parameters.insideBandSpeed ?? parameters.recenteringSpeed) : parameters.recenteringSpeed;
  const step = wMulUp(speed, leverUp ? goal - leverage : leverage - goal);
  const recentered = clampBigInt(leverUp ? leverage + step : leverage - step, limits.minLeverage, limits.maxLeverage);
  const destination = leverUp ? minBigInt(recentered, goal) : maxBigInt(recentered, goal);

  let neverPastGoal: bigint;
  let toDestination: bigint;
  let backIntoBand: bigint;
  if (leverUp) {
    neverPastGoal = maxLeverUpWithin(position, goal, slippage);
    toDestination = maxLeverUpWithin(position, destination, slippage);
    backIntoBand = intent.trigger === 'below-band' ? minLeverUpToReach(position, limits.minLeverage) : 0n;
  } else {
    neverPastGoal = maxDeleverWithin(position, goal);
    toDestination = maxDeleverWithin(position, destination);
    backIntoBand =
      intent.trigger === 'above-band'
        ? (minDeleverToReach(position, limits.maxLeverage, slippage) ?? neverPastGoal)
        : 0n;
  }
  const uncapped = minBigInt(maxBigInt(toDestination, backIntoBand), neverPastGoal);
  const amount = minBigInt(uncapped, limits.maxTradeSize);
  if (amount === 0n || amount < parameters.minTradeSize) {
    return none('trade-too-small', `the allowed trade (${amount}) is below the minimum (${parameters.minTradeSize})`);
  }

  const post = predictPostLeverage(position, leverUp, amount, slippage);
  const tolerance = parameters.preLeverageTolerance;
  return {
    kind: 'rebalance',
    trigger: intent.trigger,
    leverUp,
    amount,
    targetLeverage: goal,
    expectedPostLeverage: post.highest,
    bestCasePostLeverage: post.lowest,
    chunked: amount < uncapped,
    // A plan made for one side of the goal is void on the other side.
    minPreLeverage: leverUp ? maxBigInt(0n, leverage - tolerance) : maxBigInt(leverage - tolerance, goal + 1n),
    maxPreLeverage: leverUp ? minBigInt(leverage + tolerance, goal - 1n) : leverage + tolerance,
  };
}
