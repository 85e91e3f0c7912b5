/**
 * The policy's inputs and outputs. Inputs mirror what the chain reports (`ModuleState` and the
 * module's limits in `contracts/interfaces/IStrategyModule.sol`); amounts are vault-asset units,
 * leverage is WAD (1e18 = 1x), times are unix seconds, all as bigint like the ABI decodes them.
 *
 * @packageDocumentation
 */

/** A module's position as `IStrategyModule.state()` returns it. */
export interface ModuleStateSnapshot {
  /** Collateral held, in vault-asset units. */
  readonly collateral: bigint;
  /** Debt owed, in the borrowed token's units. */
  readonly debt: bigint;
  /** Debt valued in vault-asset units at the oracle price. */
  readonly debtInAssets: bigint;
  /** collateral / (collateral - debtInAssets), WAD; `MAX_UINT256` when equity is not positive. */
  readonly leverage: bigint;
  /** Oracle price used by the module (1e36-scaled, borrowed token per vault-asset unit). */
  readonly oraclePrice: bigint;
  /** When the primary feed last updated. */
  readonly oracleUpdatedAt: bigint;
  /** True when the feed is fresh and agrees with the second source. */
  readonly oracleHealthy: boolean;
  /** Timestamp of the last successful keeper rebalance (0 if none). */
  readonly lastRebalance: bigint;
}

/** The module's risk limits, as the chain enforces them. */
export interface ModuleLimits {
  /** Lower edge of the leverage band, WAD. */
  readonly minLeverage: bigint;
  /** Leverage the module steers toward, WAD; a keeper rebalance may never move past it. */
  readonly targetLeverage: bigint;
  /** Upper edge of the leverage band, WAD. */
  readonly maxLeverage: bigint;
  /** At or above this leverage anyone may call the ripcord, WAD. */
  readonly ripcordLeverage: bigint;
  /** Largest keeper trade per call, in vault-asset units. */
  readonly maxTradeSize: bigint;
  /** Largest ripcord trade per call, in vault-asset units (the module applies it itself). */
  readonly ripcordMaxTradeSize: bigint;
  /** Seconds that must pass after a keeper rebalance before the next one. */
  readonly cooldown: bigint;
  /** Worst swap price the module accepts, in basis points below the oracle. */
  readonly maxSlippageBps: bigint;
}

/** One oracle observation. */
export interface PricePoint {
  /** Unix seconds. */
  readonly timestamp: bigint;
  /** The oracle price, in any fixed scale as long as the series uses one scale. */
  readonly price: bigint;
}

/** Parameters of the volatility-aware target (see `volatility.ts`). */
export interface VolatilityParameters {
  /** EWMA decay per `decayIntervalSeconds` of elapsed time, in (0, 1). RiskMetrics uses 0.94 per day. */
  readonly decay: number;
  /** The time over which `decay` applies once; irregular samples decay by `decay ** (dt / this)`. */
  readonly decayIntervalSeconds: number;
  /** Fewer log returns than this and no estimate is made (the on-chain target is used as is). */
  readonly minReturns: number;
  /** How many standard deviations of adverse move the target must survive, WAD. */
  readonly sigmas: bigint;
  /** Over how long, in seconds: the time the keeper allows itself to react. */
  readonly horizonSeconds: bigint;
}

/** Off-chain tuning of the policy; never loosens an on-chain limit. */
export interface PolicyParameters {
  /**
   * FLI's recentering speed, WAD in (0, 1]: one rebalance moves leverage to
   * `current * (1 - speed) + target * speed`, clamped into the band.
   */
  readonly recenteringSpeed: bigint;
  /** Seconds after the last rebalance when an inside-band recentering becomes due (FLI: one day). */
  readonly recenterIntervalSeconds: bigint;
  /** Inside the band, a gap to target at or below this (WAD) is left alone. */
  readonly recenterThreshold: bigint;
  /**
   * Whether a recentering inside the band may lever up toward the (volatility-aware) target, as FLI's
   * daily rebalance does. When false, recenterings inside the band only delever (toward the on-chain
   * target) and lever-ups start only below the band; see `parameters.ts` for why that is the default.
   * Optional so that parameter objects written before it existed keep working: absent means the default.
   */
  readonly recenterUpInsideBand?: boolean;
  /**
   * The recentering speed of a rebalance made inside the band (a daily recentering), WAD in (0, 1]; outside
   * the band `recenteringSpeed` applies. Inside the band nothing forces a trade: a slow drift correction (FLI
   * uses 5% a day) trades little in flat markets, while a position that left the band is brought back fast.
   * Optional so that parameter objects written before it existed keep working: absent means `recenteringSpeed`.
   */
  readonly insideBandSpeed?: bigint;
  /** Half-width of the pre-leverage range the plan accepts at execution, WAD. */
  readonly preLeverageTolerance: bigint;
  /** Trades smaller than this (vault-asset units) are not worth their gas. */
  readonly minTradeSize: bigint;
  /** Treat the oracle as unhealthy when its last update is older than this (seconds); null to rely on the chain. */
  readonly maxOracleAgeSeconds: bigint | null;
  /** The volatility-aware target; null to steer to the on-chain target. */
  readonly volatility: VolatilityParameters | null;
}

/** Everything the policy looks at for one module. */
export interface PolicyInput {
  readonly state: ModuleStateSnapshot;
  readonly limits: ModuleLimits;
  /** Current time, unix seconds (the chain head's timestamp). */
  readonly now: bigint;
  /** Recent oracle prices, any order; used for the volatility estimate. */
  readonly prices: readonly PricePoint[];
  /** Whether the vault currently blocks risk-increasing actions (paused or shut down). */
  readonly riskIncreasingBlocked?: boolean;
  /** Defaults to `DEFAULT_POLICY_PARAMETERS`. */
  readonly parameters?: PolicyParameters;
}

/** Why the policy chose to do nothing. */
export type NoActionReason =
  /**
   * Leverage is inside the band and no recentering is due, or it is below target and recenterings
   * inside the band do not lever up (`recenterUpInsideBand` false).
   */
  | 'inside-band'
  /** A recentering is due but leverage is already close enough to target. */
  | 'at-target'
  /** The on-chain cooldown since the last rebalance has not passed. */
  | 'cooldown'
  /** Leverage should go up but the oracle is stale or disputed: only risk-reducing plans run. */
  | 'oracle-unhealthy'
  /** Leverage should go up but the vault blocks risk-increasing actions. */
  | 'risk-increasing-blocked'
  /** The module holds no position (no collateral or no equity while below the ripcord). */
  | 'no-position'
  /** The trade that the limits allow is below the minimum worth sending. */
  | 'trade-too-small';

/** The policy decided that nothing should happen now. */
export interface NoActionPlan {
  readonly kind: 'none';
  readonly reason: NoActionReason;
  /** A sentence for logs and the API. */
  readonly detail: string;
}

/** What made a rebalance necessary. */
export type RebalanceTrigger = 'below-band' | 'above-band' | 'recenter';

/** A keeper rebalance, ready to become `RebalanceParams` (plus `jobId` and `deadline`). */
export interface RebalancePlan {
  readonly kind: 'rebalance';
  readonly trigger: RebalanceTrigger;
  /** True to buy collateral with new debt, false to sell collateral to repay debt. */
  readonly leverUp: boolean;
  /** Collateral bought or sold, vault-asset units; never above `maxTradeSize`. */
  readonly amount: bigint;
  /** The leverage this plan moves toward and never passes, WAD. */
  readonly targetLeverage: bigint;
  /** Post-trade leverage at the worst swap price the module accepts (the higher bound), WAD. */
  readonly expectedPostLeverage: bigint;
  /** Post-trade leverage at the oracle price with no swap cost (the lower bound), WAD. */
  readonly bestCasePostLeverage: bigint;
  /** True when `maxTradeSize` cut the trade short: more calls will follow (TWAP-style). */
  readonly chunked: boolean;
  /** Acceptable on-chain leverage at execution, WAD (inclusive). */
  readonly minPreLeverage: bigint;
  readonly maxPreLeverage: bigint;
}

/** Leverage is at or above the ripcord: call the permissionless ripcord (the module bounds its size). */
export interface RipcordPlan {
  readonly kind: 'ripcord';
}

/** The policy's decision for one module. */
export type Plan = NoActionPlan | RebalancePlan | RipcordPlan;
