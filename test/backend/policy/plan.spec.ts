import { describe, expect, it } from '@jest/globals';
import {
  BPS,
  DEFAULT_POLICY_PARAMETERS,
  InvalidModuleLimitsError,
  InvalidPolicyParametersError,
  WAD,
  evaluatePolicy,
  leverageOf,
  mulDivDown,
  mulDivUp,
  planRebalance,
} from '../../../backend/src/policy/index.js';
import type { ModuleStateSnapshot, Plan, PolicyInput, PolicyParameters, RebalancePlan } from '../../../backend/src/policy/index.js';
import { FLI_LIMITS, NOW, STATIC_PARAMETERS, inputAt, stateAt, tokens, x } from './fixtures.js';

function expectRebalance(plan: Plan): RebalancePlan {
  expect(plan.kind).toBe('rebalance');
  if (plan.kind !== 'rebalance') throw new Error('unreachable');
  return plan;
}

/**
 * Post-trade leverage as an exact fraction, computed here independently of the policy's own
 * predictions: lever up pays a/(1-s) of debt per `a` collateral; delever repays a(1-s).
 */
function exactPostLeverage(state: ModuleStateSnapshot, leverUp: boolean, amount: bigint, slippageBps: bigint) {
  const { collateral: c, debtInAssets: d } = state;
  const keep = BPS - slippageBps;
  return leverUp
    ? { numerator: (c + amount) * keep, denominator: (c + amount - d) * keep - amount * BPS }
    : { numerator: (c - amount) * BPS, denominator: (c - amount - d) * BPS + amount * keep };
}

/** -1, 0 or 1 as the exact post-trade leverage is below, at or above `leverage` (WAD). */
function comparePost(state: ModuleStateSnapshot, plan: RebalancePlan, slippageBps: bigint, leverage: bigint): number {
  const { numerator, denominator } = exactPostLeverage(state, plan.leverUp, plan.amount, slippageBps);
  const lhs = numerator * WAD;
  const rhs = leverage * denominator;
  return lhs < rhs ? -1 : lhs > rhs ? 1 : 0;
}

describe('planRebalance - FLI methodology (target 2.0, band 1.7-2.3, ripcord 2.7)', () => {
  it.each([
    { leverage: '2', expected: 'none', reason: 'inside-band' },
    { leverage: '1.75', expected: 'none', reason: 'inside-band' },
    { leverage: '2.29', expected: 'none', reason: 'inside-band' },
    { leverage: '2.35', expected: 'rebalance', leverUp: false },
    { leverage: '2.6', expected: 'rebalance', leverUp: false },
    { leverage: '1.65', expected: 'rebalance', leverUp: true },
    { leverage: '1.2', expected: 'rebalance', leverUp: true },
    { leverage: '2.7', expected: 'ripcord' },
    { leverage: '2.8', expected: 'ripcord' },
  ])('leverage $leverage -> $expected', ({ leverage, expected, reason, leverUp }) => {
    const plan = planRebalance(inputAt(leverage));
    expect(plan.kind).toBe(expected);
    if (plan.kind === 'none') expect(plan.reason).toBe(reason);
    if (plan.kind === 'rebalance') expect(plan.leverUp).toBe(leverUp);
  });

  it('delevers 2.35 toward 2.0: back inside the band, not past the target', () => {
    const input = inputAt('2.35');
    const plan = expectRebalance(planRebalance(input));
    expect(plan.trigger).toBe('above-band');
    expect(plan.targetLeverage).toBe(x('2'));
    expect(plan.expectedPostLeverage).toBeLessThanOrEqual(x('2.3'));
    expect(plan.bestCasePostLeverage).toBeGreaterThanOrEqual(x('2'));
    // Speed 0.5: halfway, 2.175, at the oracle price (|dC| = 0.175 * 1000 equity).
    expect(plan.bestCasePostLeverage).toBe(x('2.175'));
    expect(plan.amount).toBe(tokens('175'));
    expect(comparePost(input.state, plan, 0n, x('2'))).toBeGreaterThanOrEqual(0);
  });

  it('levers 1.65 up toward 2.0 and lands inside the band at every accepted price', () => {
    const input = inputAt('1.65');
    const plan = expectRebalance(planRebalance(input));
    expect(plan.trigger).toBe('below-band');
    expect(plan.bestCasePostLeverage).toBeGreaterThanOrEqual(x('1.7'));
    expect(plan.expectedPostLeverage).toBeLessThanOrEqual(x('2'));
    expect(comparePost(input.state, plan, FLI_LIMITS.maxSlippageBps, x('2'))).toBeLessThanOrEqual(0);
    expect(comparePost(input.state, plan, 0n, x('1.7'))).toBeGreaterThanOrEqual(0);
  });

  it('recentering speed 1 goes (almost) all the way to target; 0.05 stops near the band edge', () => {
    const full = expectRebalance(
      planRebalance(inputAt('2.5', { parameters: { ...STATIC_PARAMETERS, recenteringSpeed: WAD } })),
    );
    expect(full.bestCasePostLeverage).toBe(x('2'));
    const slow = expectRebalance(
      planRebalance(inputAt('2.5', { parameters: { ...STATIC_PARAMETERS, recenteringSpeed: x('0.05') } })),
    );
    expect(slow.amount).toBeLessThan(full.amount);
    expect(slow.expectedPostLeverage).toBeLessThanOrEqual(x('2.3'));
    expect(slow.bestCasePostLeverage).toBeGreaterThan(x('2.2'));
  });
});

describe('planRebalance - trade size and chunking', () => {
  it('caps a large lever-up at maxTradeSize and marks it chunked', () => {
    const limits = { ...FLI_LIMITS, maxTradeSize: tokens('100') };
    const plan = expectRebalance(planRebalance(inputAt('1.2', { limits })));
    expect(plan.amount).toBe(tokens('100'));
    expect(plan.chunked).toBe(true);
    expect(plan.bestCasePostLeverage).toBeGreaterThan(x('1.2'));
    expect(plan.expectedPostLeverage).toBeLessThan(x('1.7'));
  });

  it('closes a large drift in chunks, each toward target and none past it', () => {
    const limits = { ...FLI_LIMITS, maxTradeSize: tokens('120') };
    let state = stateAt('1.2');
    let now = NOW;
    const leverages: bigint[] = [state.leverage];
    for (let call = 0; call < 20; call++) {
      const plan = planRebalance({ state, limits, now, prices: [], parameters: STATIC_PARAMETERS });
      if (plan.kind !== 'rebalance') break;
      expect(plan.leverUp).toBe(true);
      expect(plan.amount).toBeLessThanOrEqual(limits.maxTradeSize);
      expect(plan.minPreLeverage).toBeLessThanOrEqual(state.leverage);
      expect(plan.maxPreLeverage).toBeGreaterThanOrEqual(state.leverage);
      // Execute at the worst accepted price.
      const collateral = state.collateral + plan.amount;
      const debtInAssets = state.debtInAssets + mulDivUp(plan.amount, BPS, BPS - limits.maxSlippageBps);
      state = {
        ...state,
        collateral,
        debtInAssets,
        debt: debtInAssets,
        leverage: leverageOf({ collateral, debtInAssets }),
        lastRebalance: now,
      };
      // The prediction rounds up, the chain's leverage view rounds down.
      expect(plan.expectedPostLeverage - state.leverage).toBeGreaterThanOrEqual(0n);
      expect(plan.expectedPostLeverage - state.leverage).toBeLessThanOrEqual(1n);
      leverages.push(state.leverage);
      now += limits.cooldown;
    }
    expect(leverages.length).toBeGreaterThan(3);
    for (let i = 1; i < leverages.length; i++) expect(leverages[i]).toBeGreaterThan(leverages[i - 1]!);
    const final = leverages[leverages.length - 1]!;
    expect(final).toBeGreaterThanOrEqual(x('1.7'));
    expect(final).toBeLessThanOrEqual(x('2'));
  });

  it('never passes the target and leaves the band only in chunks, over a sweep of states', () => {
    let checked = 0;
    for (const slippageBps of [0n, 30n, 100n, 300n]) {
      for (const speed of [x('1'), x('0.5'), x('0.05')]) {
        for (const maxTradeSize of [tokens('1000000'), tokens('37')]) {
          for (let hundredths = 105; hundredths <= 265; hundredths += 4) {
            const leverage = (BigInt(hundredths) * WAD) / 100n;
            const state = stateAt((hundredths / 100).toString(), tokens('1234.5678'), { lastRebalance: 0n });
            const limits = { ...FLI_LIMITS, maxSlippageBps: slippageBps, maxTradeSize };
            const parameters = { ...STATIC_PARAMETERS, recenteringSpeed: speed };
            const plan = planRebalance({ state, limits, now: NOW, prices: [], parameters });
            if (plan.kind !== 'rebalance') continue;
            checked++;
            if (plan.leverUp) {
              expect(comparePost(state, plan, slippageBps, plan.targetLeverage)).toBeLessThanOrEqual(0);
              expect(comparePost(state, plan, 0n, leverage)).toBeGreaterThan(0);
            } else {
              expect(comparePost(state, plan, 0n, plan.targetLeverage)).toBeGreaterThanOrEqual(0);
              expect(comparePost(state, plan, slippageBps, leverage)).toBeLessThan(0);
            }
            if (!plan.chunked) {
              expect(comparePost(state, plan, 0n, limits.minLeverage)).toBeGreaterThanOrEqual(0);
              expect(comparePost(state, plan, slippageBps, limits.maxLeverage)).toBeLessThanOrEqual(0);
            }
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(500);
  });

  it('returns trade-too-small when the allowed trade is below minTradeSize', () => {
    const plan = planRebalance(inputAt('1.69', { parameters: { ...STATIC_PARAMETERS, minTradeSize: tokens('1000') } }));
    expect(plan).toMatchObject({ kind: 'none', reason: 'trade-too-small' });
  });

  it('returns no-position for an empty module', () => {
    const state = { ...stateAt('1'), collateral: 0n, debtInAssets: 0n, debt: 0n, leverage: WAD };
    expect(planRebalance(inputAt('1', { state }))).toMatchObject({ kind: 'none', reason: 'no-position' });
  });

  it('bounds the pre-leverage around the current one and on the right side of the target', () => {
    const up = expectRebalance(planRebalance(inputAt('1.6')));
    expect(up.minPreLeverage).toBe(x('1.55'));
    expect(up.maxPreLeverage).toBe(x('1.65'));
    const tight = { ...STATIC_PARAMETERS, preLeverageTolerance: x('0.5') };
    const down = expectRebalance(planRebalance(inputAt('2.4', { parameters: tight })));
    expect(down.minPreLeverage).toBe(x('2') + 1n);
    expect(down.maxPreLeverage).toBe(x('2.9'));
  });
});

describe('planRebalance - cooldown, recentering, oracle and pause', () => {
  const inCooldown = (leverage: string, extra: Partial<PolicyInput> = {}) =>
    inputAt(leverage, { state: stateAt(leverage, tokens('1000'), { lastRebalance: NOW - 10n }), ...extra });

  it.each([
    { leverage: '2.5', expected: { kind: 'none', reason: 'cooldown' } },
    { leverage: '1.5', expected: { kind: 'none', reason: 'cooldown' } },
    { leverage: '2.75', expected: { kind: 'ripcord' } },
  ])('inside the cooldown, leverage $leverage -> $expected.kind', ({ leverage, expected }) => {
    expect(planRebalance(inCooldown(leverage))).toMatchObject(expected);
  });

  it('acts again once the cooldown has passed', () => {
    const plan = planRebalance({ ...inCooldown('2.5'), now: NOW - 10n + FLI_LIMITS.cooldown });
    expect(plan.kind).toBe('rebalance');
  });

  it.each([
    // Below target inside the band: the default recenters only downward (lever-ups start below the band).
    { leverage: '1.85', expected: { kind: 'none', reason: 'inside-band' } },
    { leverage: '2.2', expected: { kind: 'rebalance', trigger: 'recenter', leverUp: false } },
    { leverage: '1.97', expected: { kind: 'none', reason: 'inside-band' } },
    { leverage: '2.02', expected: { kind: 'none', reason: 'at-target' } },
    { leverage: '2.03', expected: { kind: 'rebalance', trigger: 'recenter', leverUp: false } },
  ])('inside the band with a recentering due, leverage $leverage', ({ leverage, expected }) => {
    const state = stateAt(leverage, tokens('1000'), { lastRebalance: NOW - 86_400n });
    expect(planRebalance(inputAt(leverage, { state }))).toMatchObject(expected);
  });

  it.each([
    { name: 'unhealthy on-chain', overrides: { oracleHealthy: false } },
    { name: 'older than maxOracleAge', overrides: { oracleUpdatedAt: NOW - 3_601n } },
  ])('an oracle $name blocks lever-up but allows delever and the ripcord', ({ overrides }) => {
    const at = (leverage: string) => inputAt(leverage, { state: stateAt(leverage, tokens('1000'), overrides) });
    expect(planRebalance(at('1.5'))).toMatchObject({ kind: 'none', reason: 'oracle-unhealthy' });
    expect(planRebalance(at('2.5'))).toMatchObject({ kind: 'rebalance', leverUp: false });
    expect(planRebalance(at('2.9'))).toEqual({ kind: 'ripcord' });
    expect(evaluatePolicy(at('1.5')).oracleTrusted).toBe(false);
  });

  it('a vault that blocks risk-increasing actions gets only delevers', () => {
    expect(planRebalance(inputAt('1.5', { riskIncreasingBlocked: true }))).toMatchObject({
      kind: 'none',
      reason: 'risk-increasing-blocked',
    });
    expect(planRebalance(inputAt('2.5', { riskIncreasingBlocked: true }))).toMatchObject({
      kind: 'rebalance',
      leverUp: false,
    });
  });
});

/** The problems `planRebalance` lists for `parameters`; fails the test when it does not throw the parameters error. */
function parameterProblems(parameters: PolicyParameters): readonly string[] {
  try {
    planRebalance(inputAt('2', { parameters }));
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidPolicyParametersError);
    return (error as InvalidPolicyParametersError).problems;
  }
  throw new Error('expected InvalidPolicyParametersError');
}

describe('planRebalance - direction of recenterings inside the band (recenterUpInsideBand)', () => {
  const due = (leverage: string) => stateAt(leverage, tokens('1000'), { lastRebalance: NOW - 86_400n });
  const withoutFlag = (() => {
    const { recenterUpInsideBand: _omit, ...rest } = STATIC_PARAMETERS;
    return rest;
  })();

  it.each([
    // flag: false (the default), true (FLI's daily rebalance), absent (a parameter object from before the flag).
    { leverage: '1.85', flag: false, expected: { kind: 'none', reason: 'inside-band' } },
    { leverage: '1.85', flag: undefined, expected: { kind: 'none', reason: 'inside-band' } },
    { leverage: '1.85', flag: true, expected: { kind: 'rebalance', trigger: 'recenter', leverUp: true } },
    { leverage: '1.71', flag: false, expected: { kind: 'none', reason: 'inside-band' } },
    { leverage: '2.2', flag: false, expected: { kind: 'rebalance', trigger: 'recenter', leverUp: false } },
    { leverage: '2.2', flag: undefined, expected: { kind: 'rebalance', trigger: 'recenter', leverUp: false } },
    { leverage: '2.2', flag: true, expected: { kind: 'rebalance', trigger: 'recenter', leverUp: false } },
    { leverage: '1.99', flag: true, expected: { kind: 'none', reason: 'at-target' } },
    { leverage: '2.02', flag: false, expected: { kind: 'none', reason: 'at-target' } },
    // Outside the band the flag changes nothing.
    { leverage: '1.65', flag: false, expected: { kind: 'rebalance', trigger: 'below-band', leverUp: true } },
    { leverage: '1.65', flag: true, expected: { kind: 'rebalance', trigger: 'below-band', leverUp: true } },
    { leverage: '2.4', flag: false, expected: { kind: 'rebalance', trigger: 'above-band', leverUp: false } },
  ])('leverage $leverage, recenterUpInsideBand $flag -> $expected.kind', ({ leverage, flag, expected }) => {
    const parameters = flag === undefined ? withoutFlag : { ...STATIC_PARAMETERS, recenterUpInsideBand: flag };
    expect(planRebalance(inputAt(leverage, { state: due(leverage), parameters }))).toMatchObject(expected);
  });

  it('the default is false, and an in-band delever closes a tenth of the gap to the on-chain target', () => {
    expect(DEFAULT_POLICY_PARAMETERS.recenterUpInsideBand).toBe(false);
    const plan = expectRebalance(planRebalance(inputAt('2.2', { state: due('2.2') })));
    // insideBandSpeed 0.1 from 2.2 toward 2.0: 2.18 at the oracle price, |dC| = 0.02 * 1000 equity.
    expect(plan.bestCasePostLeverage).toBe(x('2.18'));
    expect(plan.amount).toBe(tokens('20'));
  });

  it('a position drifting below target inside the band is left alone until it leaves the band, then levered up', () => {
    // The price rises a step at a time; equity grows, leverage falls. Nothing happens inside the band.
    const kinds: string[] = [];
    for (const leverage of ['1.99', '1.95', '1.9', '1.8', '1.75', '1.7', '1.69']) {
      kinds.push(planRebalance(inputAt(leverage, { state: due(leverage) })).kind);
    }
    expect(kinds).toEqual(['none', 'none', 'none', 'none', 'none', 'none', 'rebalance']);
  });

  it('rejects a flag that is not a boolean, listed with every other problem', () => {
    const parameters = { ...STATIC_PARAMETERS, recenterUpInsideBand: 'yes' as unknown as boolean, recenterThreshold: -1n };
    expect(parameterProblems(parameters)).toEqual([
      'recenterThreshold is negative',
      'recenterUpInsideBand must be a boolean when set',
    ]);
  });
});

describe('planRebalance - insideBandSpeed (recenterings inside the band) and recenteringSpeed (leaving it)', () => {
  const due = (leverage: string) => stateAt(leverage, tokens('1000'), { lastRebalance: NOW - 86_400n });
  const plan = (leverage: string, parameters: PolicyParameters) =>
    expectRebalance(planRebalance(inputAt(leverage, { state: due(leverage), parameters })));

  it.each([
    // [leverage, insideBandSpeed, recenteringSpeed, oracle-price post-leverage]; 1000 equity, so |dC| = |dL| * 1000.
    { leverage: '2.2', inside: '0.1', outside: '0.5', post: '2.18' },
    { leverage: '2.2', inside: '0.25', outside: '0.5', post: '2.15' },
    { leverage: '2.2', inside: '1', outside: '0.05', post: '2' },
    // Above the band recenteringSpeed applies, whatever insideBandSpeed says.
    { leverage: '2.4', inside: '0.1', outside: '0.5', post: '2.2' },
    { leverage: '2.4', inside: '1', outside: '0.75', post: '2.1' },
  ])('leverage $leverage, inside $inside, outside $outside -> $post', ({ leverage, inside, outside, post }) => {
    const parameters = { ...STATIC_PARAMETERS, insideBandSpeed: x(inside), recenteringSpeed: x(outside) };
    const p = plan(leverage, parameters);
    expect(p.bestCasePostLeverage).toBe(x(post));
    expect(p.amount).toBe(mulDivDown(x(leverage) - x(post), tokens('1000'), WAD));
  });

  it('below the band, a lever-up moves at recenteringSpeed (0.5 from 1.6 toward 2.0 lands on 1.8)', () => {
    const p = plan('1.6', { ...STATIC_PARAMETERS, insideBandSpeed: x('0.1') });
    expect(p.leverUp).toBe(true);
    expect(p.trigger).toBe('below-band');
    // The highest prediction (worst slippage) must not exceed 1.8; the oracle-price one sits just below it.
    expect(p.expectedPostLeverage).toBeLessThanOrEqual(x('1.8'));
    expect(p.expectedPostLeverage).toBeGreaterThan(x('1.79'));
  });

  it('a parameter object without insideBandSpeed recenters inside the band at recenteringSpeed', () => {
    const { insideBandSpeed: _omit, ...older } = STATIC_PARAMETERS;
    expect(plan('2.2', older).bestCasePostLeverage).toBe(x('2.1'));
  });

  it.each([0n, -1n, WAD + 1n])('refuses insideBandSpeed %s, listed with every other problem', (speed) => {
    const parameters = { ...STATIC_PARAMETERS, insideBandSpeed: speed, minTradeSize: -1n };
    expect(parameterProblems(parameters)).toEqual([
      'insideBandSpeed must be in (0, 1] (WAD) when set',
      'minTradeSize is negative',
    ]);
  });
});

describe('planRebalance - validation', () => {
  it('lists every inconsistent limit in one error', () => {
    const limits = { ...FLI_LIMITS, targetLeverage: x('2.5'), ripcordLeverage: x('2.2'), maxSlippageBps: 10_000n };
    try {
      planRebalance(inputAt('2', { limits }));
      throw new Error('expected InvalidModuleLimitsError');
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidModuleLimitsError);
      expect((error as InvalidModuleLimitsError).problems).toHaveLength(3);
    }
  });

  it('rejects a recentering speed outside (0, 1]', () => {
    const parameters = { ...STATIC_PARAMETERS, recenteringSpeed: 0n };
    expect(() => planRebalance(inputAt('2', { parameters }))).toThrow(InvalidPolicyParametersError);
  });

  it('predicts the post-leverage that the trade really produces at zero slippage', () => {
    const input = inputAt('1.5', { limits: { ...FLI_LIMITS, maxSlippageBps: 0n } });
    const plan = expectRebalance(planRebalance(input));
    // Same exact value; the two predictions differ only by their rounding direction.
    expect(plan.expectedPostLeverage - plan.bestCasePostLeverage).toBeGreaterThanOrEqual(0n);
    expect(plan.expectedPostLeverage - plan.bestCasePostLeverage).toBeLessThanOrEqual(1n);
    const equity = input.state.collateral - input.state.debtInAssets;
    expect(plan.bestCasePostLeverage).toBe(mulDivDown(input.state.collateral + plan.amount, WAD, equity));
  });
});
