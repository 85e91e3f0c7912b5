import { parseUnits } from 'viem';
import { DEFAULT_POLICY_PARAMETERS, WAD, leverageOf } from '../../../backend/src/policy/index.js';
import type {
  ModuleLimits,
  ModuleStateSnapshot,
  PolicyInput,
  PolicyParameters,
} from '../../../backend/src/policy/index.js';

/** Decimal leverage ("2.35") as WAD. */
export function x(leverage: string): bigint {
  return parseUnits(leverage, 18);
}

/** Whole tokens of an 18-decimal asset. */
export function tokens(amount: string): bigint {
  return parseUnits(amount, 18);
}

export const NOW = 1_700_000_000n;

/** Index Coop ETH2x-FLI's methodology numbers: target 2.0, band 1.7-2.3, ripcord 2.7. */
export const FLI_LIMITS: ModuleLimits = {
  minLeverage: x('1.7'),
  targetLeverage: x('2'),
  maxLeverage: x('2.3'),
  ripcordLeverage: x('2.7'),
  maxTradeSize: tokens('1000000'),
  ripcordMaxTradeSize: tokens('1000000'),
  cooldown: 600n,
  maxSlippageBps: 50n,
};

/** Defaults without the volatility target, so that tests of the band see the on-chain target. */
export const STATIC_PARAMETERS: PolicyParameters = { ...DEFAULT_POLICY_PARAMETERS, volatility: null };

/** A healthy module at `leverage` with `equity` tokens of equity, last rebalanced an hour ago. */
export function stateAt(
  leverage: string,
  equity = tokens('1000'),
  overrides: Partial<ModuleStateSnapshot> = {},
): ModuleStateSnapshot {
  const collateral = (x(leverage) * equity) / WAD;
  const debtInAssets = collateral - equity;
  return {
    collateral,
    debt: debtInAssets,
    debtInAssets,
    leverage: leverageOf({ collateral, debtInAssets }),
    oraclePrice: 10n ** 36n,
    oracleUpdatedAt: NOW - 60n,
    oracleHealthy: true,
    lastRebalance: NOW - 3_600n,
    ...overrides,
  };
}

/** A policy input for `stateAt(leverage)` under the FLI limits. */
export function inputAt(leverage: string, overrides: Partial<PolicyInput> = {}): PolicyInput {
  return {
    state: stateAt(leverage),
    limits: FLI_LIMITS,
    now: NOW,
    prices: [],
    parameters: STATIC_PARAMETERS,
    ...overrides,
  };
}
