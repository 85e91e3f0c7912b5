import { describe, expect, it } from '@jest/globals';
import {
  DEFAULT_POLICY_PARAMETERS,
  InvalidPriceSampleError,
  SECONDS_PER_YEAR,
  WAD,
  estimateVolatility,
  evaluatePolicy,
  planRebalance,
  volatilityAwareTarget,
} from '../../../backend/src/policy/index.js';
import type { PricePoint, VolatilityParameters } from '../../../backend/src/policy/index.js';
import { FLI_LIMITS, NOW, STATIC_PARAMETERS, inputAt, x } from './fixtures.js';

const VOLATILITY = DEFAULT_POLICY_PARAMETERS.volatility as VolatilityParameters;
const HOUR = 3_600n;
const P0 = 2_000n * 10n ** 36n;

/** Prices that follow the given log returns, one sample every `step` seconds. */
function seriesOf(logReturns: readonly number[], step: bigint | readonly bigint[] = HOUR): PricePoint[] {
  const points: PricePoint[] = [{ timestamp: NOW, price: P0 }];
  let logPrice = 0;
  logReturns.forEach((r, i) => {
    logPrice += r;
    const dt = typeof step === 'bigint' ? step : step[i]!;
    const previous = points[points.length - 1]!;
    // 1e18 precision for the exponent keeps the reconstructed returns exact to ~1e-15.
    const factor = BigInt(Math.round(Math.exp(logPrice) * 1e18));
    points.push({ timestamp: previous.timestamp + dt, price: (P0 * factor) / WAD });
  });
  return points;
}

const annualise = (perSecondStdDev: number) => perSecondStdDev * Math.sqrt(Number(SECONDS_PER_YEAR));

describe('estimateVolatility', () => {
  it('is zero for a constant price', () => {
    const estimate = estimateVolatility(seriesOf(new Array(20).fill(0)), VOLATILITY);
    expect(estimate?.annualised).toBe(0);
    expect(estimate?.annualisedWad).toBe(0n);
    expect(estimate?.returns).toBe(20);
  });

  it('gives |r|·sqrt(year / dt) for returns alternating ±r at a fixed interval, whatever the decay', () => {
    const r = Math.log(1.01);
    const returns = Array.from({ length: 30 }, (_, i) => (i % 2 === 0 ? r : -r));
    const expected = annualise(r / Math.sqrt(3_600));
    for (const decay of [0.5, 0.94, 0.999]) {
      const estimate = estimateVolatility(seriesOf(returns), { ...VOLATILITY, decay });
      expect(estimate?.annualised).toBeCloseTo(expected, 9);
    }
    expect(expected).toBeCloseTo(0.9313, 3);
  });

  it('handles irregular timestamps: returns scaled by sqrt(dt) give one per-second variance', () => {
    const sigmaPerSecond = 0.0002;
    const gaps = [60n, 3_600n, 17n, 7_200n, 600n, 86_400n, 1n, 900n, 3_600n, 45n, 12_000n, 300n];
    const returns = gaps.map((dt, i) => (i % 3 === 0 ? -1 : 1) * sigmaPerSecond * Math.sqrt(Number(dt)));
    const estimate = estimateVolatility(seriesOf(returns, gaps), VOLATILITY);
    expect(estimate?.annualised).toBeCloseTo(annualise(sigmaPerSecond), 6);
  });

  it('weighs recent returns more: a calm spell after a storm lowers the estimate, more so with faster decay', () => {
    const storm = Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? 0.05 : -0.05));
    const calm = Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? 0.001 : -0.001));
    const stormOnly = estimateVolatility(seriesOf(storm), VOLATILITY)!.annualised;
    const slow = estimateVolatility(seriesOf([...storm, ...calm]), { ...VOLATILITY, decay: 0.97 })!.annualised;
    const fast = estimateVolatility(seriesOf([...storm, ...calm]), { ...VOLATILITY, decay: 0.8 })!.annualised;
    expect(slow).toBeLessThan(stormOnly);
    expect(fast).toBeLessThan(slow);
    expect(fast).toBeGreaterThan(annualise(0.001 / 60));
  });

  it('decays by elapsed time, not by sample count', () => {
    // One storm return, then calm: two one-hour calm samples decay the storm as much as one two-hour sample.
    const hourly = seriesOf([0.05, 0.001, 0.001], [HOUR, HOUR, HOUR]);
    const gapped = seriesOf([0.05, 0.001 * Math.SQRT2], [HOUR, 2n * HOUR]);
    const parameters = { ...VOLATILITY, minReturns: 1 };
    const a = estimateVolatility(hourly, parameters)!.annualised;
    const b = estimateVolatility(gapped, parameters)!.annualised;
    expect(b).toBeCloseTo(a, 9);
  });

  it('ignores the order of the input and collapses duplicate timestamps', () => {
    const series = seriesOf([0.01, -0.02, 0.015, 0.003, -0.01, 0.02, -0.005, 0.004, 0.01, -0.01, 0.02]);
    const shuffled = [...series].reverse();
    const withDuplicate = [...series, { timestamp: series[3]!.timestamp, price: series[3]!.price }];
    const expected = estimateVolatility(series, VOLATILITY)!;
    expect(estimateVolatility(shuffled, VOLATILITY)).toEqual(expected);
    expect(estimateVolatility(withDuplicate, VOLATILITY)?.returns).toBe(expected.returns);
  });

  it('returns null with fewer returns than minReturns', () => {
    expect(estimateVolatility(seriesOf([0.01, 0.02]), VOLATILITY)).toBeNull();
    expect(estimateVolatility([], VOLATILITY)).toBeNull();
  });

  it('throws InvalidPriceSampleError on a non-positive price, naming its index', () => {
    const series = seriesOf([0.01, 0.02]);
    series[1] = { timestamp: series[1]!.timestamp, price: 0n };
    expect(() => estimateVolatility(series, VOLATILITY)).toThrow(InvalidPriceSampleError);
    try {
      estimateVolatility(series, VOLATILITY);
    } catch (error) {
      expect((error as InvalidPriceSampleError).index).toBe(1);
    }
  });
});

describe('volatilityAwareTarget (FLI limits, 3 sigma over one day)', () => {
  const target = (vol: string) => volatilityAwareTarget(FLI_LIMITS, x(vol), VOLATILITY);

  it.each([
    { vol: '0', expected: '2' },
    { vol: '0.8', expected: '2' },
    { vol: '5', expected: '1.7' },
  ])('annualised volatility $vol -> target $expected', ({ vol, expected }) => {
    expect(target(vol).targetLeverage).toBe(x(expected));
  });

  it('lowers the target between the bounds as volatility rises, matching R / (1 + (R - 1)·k·σ·√h)', () => {
    const result = target('1.5');
    const move = 3 * 1.5 * Math.sqrt(1 / 365);
    const expected = 2.7 / (1 + 1.7 * move);
    expect(Number(result.targetLeverage) / 1e18).toBeCloseTo(expected, 8);
    expect(result.targetLeverage).toBeLessThan(x('2'));
    expect(result.targetLeverage).toBeGreaterThan(x('1.7'));
  });

  it('keeps a k-sigma one-day fall below the ripcord from the safe leverage', () => {
    for (const vol of ['0.3', '1', '1.5', '2.5']) {
      const { safeLeverage } = target(vol);
      const leverage = Number(safeLeverage) / 1e18;
      const fall = 1 - Math.exp(-3 * Number(vol) * Math.sqrt(1 / 365));
      const after = (leverage * (1 - fall)) / (1 - leverage * fall);
      expect(after).toBeLessThanOrEqual(2.7);
    }
  });

  it('is non-increasing in volatility', () => {
    let previous = WAD * 100n;
    for (let vol = 0; vol <= 400; vol += 10) {
      const { targetLeverage } = volatilityAwareTarget(FLI_LIMITS, (BigInt(vol) * WAD) / 100n, VOLATILITY);
      expect(targetLeverage).toBeLessThanOrEqual(previous);
      previous = targetLeverage;
    }
    expect(previous).toBe(FLI_LIMITS.minLeverage);
  });
});

describe('the policy with a volatility-aware target', () => {
  const wild = seriesOf(Array.from({ length: 24 }, (_, i) => (i % 2 === 0 ? 0.04 : -0.04)));
  const parameters = { ...STATIC_PARAMETERS, volatility: VOLATILITY };

  it('lowers the lever-up goal when realised volatility is high', () => {
    const decision = evaluatePolicy(inputAt('1.5', { prices: wild, parameters }));
    expect(decision.volatility?.annualised).toBeGreaterThan(1.5);
    expect(decision.effectiveTargetLeverage).toBeLessThan(x('2'));
    expect(decision.plan).toMatchObject({
      kind: 'rebalance',
      leverUp: true,
      targetLeverage: decision.effectiveTargetLeverage,
    });
    if (decision.plan.kind === 'rebalance') {
      expect(decision.plan.expectedPostLeverage).toBeLessThanOrEqual(decision.effectiveTargetLeverage);
    }
  });

  it('still delevers toward the on-chain target, which the chain checks', () => {
    const plan = planRebalance(inputAt('2.4', { prices: wild, parameters }));
    expect(plan).toMatchObject({ kind: 'rebalance', leverUp: false, targetLeverage: x('2') });
  });

  it.each([
    // Inside the band below target with a recentering due: only FLI's rule (flag true) follows the target up,
    // so a falling volatility estimate would start a lever-up that the next rise of the estimate stops.
    { series: 'calm', flag: false, expected: { kind: 'none', reason: 'inside-band' } },
    { series: 'wild', flag: false, expected: { kind: 'none', reason: 'at-target' } },
    { series: 'calm', flag: true, expected: { kind: 'rebalance', trigger: 'recenter', leverUp: true, targetLeverage: x('2') } },
    { series: 'wild', flag: true, expected: { kind: 'none', reason: 'at-target' } },
  ])('leverage 1.8 in the band, $series prices, recenterUpInsideBand $flag -> $expected.kind', ({ series, flag, expected }) => {
    const calm = seriesOf(new Array(24).fill(0.001));
    const prices = series === 'calm' ? calm : wild;
    const state = { ...inputAt('1.8').state, lastRebalance: NOW - 86_400n };
    const decision = evaluatePolicy(inputAt('1.8', { state, prices, parameters: { ...parameters, recenterUpInsideBand: flag } }));
    // Calm prices leave the on-chain 2.0; the wild ones lower the target to the 1.7 floor, below 1.8.
    expect(decision.effectiveTargetLeverage).toBe(series === 'calm' ? x('2') : x('1.7'));
    expect(decision.plan).toMatchObject(expected);
  });

  it('falls back to the on-chain target without enough prices', () => {
    const decision = evaluatePolicy(inputAt('1.5', { prices: wild.slice(0, 3), parameters }));
    expect(decision.volatility).toBeNull();
    expect(decision.effectiveTargetLeverage).toBe(x('2'));
  });
});
