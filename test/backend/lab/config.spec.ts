import { describe, expect, it } from '@jest/globals';
import {
  DEFAULT_MARKET,
  FLI_PARAMETERS,
  LabConfigError,
  buildConfig,
  maxRipcordLeverage,
  parseOverrides,
} from '../../../backend/src/lab/config.js';
import { DEFAULT_POLICY_PARAMETERS, WAD } from '../../../backend/src/policy/index.js';

function problemsOf(run: () => unknown): readonly string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof LabConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a LabConfigError');
}

describe('lab configuration', () => {
  it('ballast runs the service defaults; fli runs FLI methodology on the same policy code', () => {
    const ballast = buildConfig('ballast');
    expect(ballast.policy.parameters).toBe(DEFAULT_POLICY_PARAMETERS);
    const fli = buildConfig('fli');
    expect(fli.policy.parameters).toBe(FLI_PARAMETERS);
    expect(fli.policy.parameters.recenteringSpeed).toBe(WAD / 20n);
    expect(fli.policy.parameters.insideBandSpeed).toBe(WAD / 20n);
    expect(fli.policy.parameters.volatility).toBeNull();
    expect(fli.policy.limits).toMatchObject({ maxSlippageBps: 200n, ripcordSlippageBps: 500n, ripcordLeverage: 27n * 10n ** 17n });
    // Trade sizes are fractions of the venue depth: 1% of 50,000.
    expect(fli.policy.limits.maxTradeSize).toBe(500n * WAD);
    expect(ballast.policy.limits.maxTradeSize).toBe(200n * WAD);
  });

  it('applies overrides in human units', () => {
    const config = buildConfig('ballast', {
      market: { poolDepth: 1000 },
      limits: { targetLeverage: 1.8 },
      parameters: { recenteringSpeed: 0.25, insideBandSpeed: 0.2, volatility: null, maxOracleAgeSeconds: null },
    });
    expect(config.policy.parameters.insideBandSpeed).toBe(WAD / 5n);
    expect(config.policy.limits.targetLeverage).toBe(18n * 10n ** 17n);
    expect(config.policy.limits.maxTradeSize).toBe(4n * WAD);
    expect(config.policy.parameters.recenteringSpeed).toBe(WAD / 4n);
    expect(config.policy.parameters.volatility).toBeNull();
    expect(config.market.poolDepth).toBe(1000n * WAD);
  });

  it.each([
    // [policy, override, expected recenterUpInsideBand]: FLI's daily rebalance recenters both ways; ballast's only delevers.
    { policy: 'fli', override: undefined, expected: true },
    { policy: 'ballast', override: undefined, expected: false },
    { policy: 'ballast', override: true, expected: true },
    { policy: 'fli', override: false, expected: false },
  ] as const)('$policy with recenterUpInsideBand override $override -> $expected', ({ policy, override, expected }) => {
    const parameters = override === undefined ? {} : { recenterUpInsideBand: override };
    expect(buildConfig(policy, parseOverrides({ parameters })).policy.parameters.recenterUpInsideBand).toBe(expected);
  });

  it('refuses an insideBandSpeed outside (0, 1] or not a number, with the other problems', () => {
    expect(problemsOf(() => buildConfig('ballast', { parameters: { insideBandSpeed: 1.5, recenteringSpeed: 0 } }))).toEqual([
      'parameters: recenteringSpeed must be in (0, 1] (WAD)',
      'parameters: insideBandSpeed must be in (0, 1] (WAD) when set',
    ]);
    expect(problemsOf(() => buildConfig('ballast', { parameters: { insideBandSpeed: 'fast' } }))).toEqual([
      'parameters.insideBandSpeed must be a number',
    ]);
  });

  it('refuses a recenterUpInsideBand that is not true or false, with the other problems', () => {
    expect(
      problemsOf(() => buildConfig('ballast', { parameters: { recenterUpInsideBand: 1, recenterThreshold: 'x' } })),
    ).toEqual(['parameters.recenterThreshold must be a number', 'parameters.recenterUpInsideBand must be true or false']);
  });

  it('lists every problem of a params file at once', () => {
    expect(
      problemsOf(() =>
        buildConfig('ballast', { limits: { maxLeverage: 3, maxSlippageBps: 600 }, parameters: { recenteringSpeed: 0 } }),
      ),
    ).toEqual([
      'limits.maxSlippageBps is above the module cap of 500',
      'limits.ripcordSlippageBps must be in [maxSlippageBps, 1000]',
      'limits: maxLeverage is not below ripcordLeverage',
      'parameters: recenteringSpeed must be in (0, 1] (WAD)',
    ]);
    expect(problemsOf(() => parseOverrides({ limit: {}, market: { depth: 1, lltv: '0.8' } }))).toEqual([
      'limit is not a known field (known: market, limits, parameters)',
      `market.depth is not a known field (known: ${Object.keys(DEFAULT_MARKET).join(', ')})`,
      'market.lltv must be a number',
    ]);
    expect(problemsOf(() => parseOverrides([]))).toEqual([
      'expected a JSON object with "market", "limits" and/or "parameters"',
    ]);
  });

  it('refuses a ripcord closer to liquidation than LeverageLimitsLib allows', () => {
    // 1 / (1 - (0.86 - 0.05)) = 5.263x
    expect(Number(maxRipcordLeverage(86n * 10n ** 16n)) / 1e18).toBeCloseTo(5.2631578, 6);
    expect(problemsOf(() => buildConfig('ballast', { market: { lltv: 0.5 } }))).toEqual([
      'limits.ripcordLeverage 2.7 is too close to liquidation at LLTV 0.5',
    ]);
  });
});
