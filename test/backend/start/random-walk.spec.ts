/**
 * The market simulator's random walk: reproducible from its seed, shocks at the promised rate and size,
 * rebounds that give back the promised part of a fall, and prices kept inside the pool's deep range.
 */
import { describe, expect, test } from '@jest/globals';
import { DEFAULT_RANDOM_WALK, RandomWalkMarket, randomWalkProblems, type RandomWalkOptions } from '../../../backend/src/simulator/random-walk.js';

const options = (overrides: Partial<RandomWalkOptions> = {}): RandomWalkOptions => ({ ...DEFAULT_RANDOM_WALK, seed: 7, startPrice: 3000, ...overrides });

/** Runs a market for `steps` blocks of `dt` simulated seconds; returns the prices and the events. */
function run(market: RandomWalkMarket, steps: number, dt = 60) {
  const prices: number[] = [];
  const events = [];
  for (let i = 1; i <= steps; i++) {
    const tick = market.advance(i * dt);
    prices.push(tick.price);
    if (tick.event) events.push({ at: i * dt, ...tick.event });
  }
  return { prices, events };
}

describe('RandomWalkMarket', () => {
  test('test_advance_sameSeedSamePath', () => {
    const a = run(new RandomWalkMarket(options()), 2_000);
    const b = run(new RandomWalkMarket(options()), 2_000);
    expect(b.prices).toEqual(a.prices);
    expect(b.events).toEqual(a.events);
    const c = run(new RandomWalkMarket(options({ seed: 8 })), 2_000);
    expect(c.prices).not.toEqual(a.prices);
  });

  test('test_advance_sameSeedSamePathWhateverTheStepSizesBetweenShocks', () => {
    // Shock times are fixed by the seed's draws in simulated time, not by how often the chain asks.
    const coarse = run(new RandomWalkMarket(options({ volatility: 0 })), 500, 120).events.filter((e) => e.kind === 'shock');
    const fine = run(new RandomWalkMarket(options({ volatility: 0 })), 1_000, 60).events.filter((e) => e.kind === 'shock');
    expect(coarse.length).toBeGreaterThan(3);
    coarse.forEach((shock, i) => {
      const twin = fine[i]!;
      expect(Math.abs(twin.at - shock.at)).toBeLessThan(120);
      if (shock.kind === 'shock' && twin.kind === 'shock') expect(twin.size).toBeCloseTo(shock.size, 9);
    });
  });

  test('test_advance_shocksComeAtTheMeanIntervalWithTheirSizes', () => {
    const market = new RandomWalkMarket(options({ seed: 11 }));
    const days = 60;
    const { events } = run(market, (days * 86_400) / 60);
    const shocks = events.filter((e) => e.kind === 'shock');
    const expected = (days * 86_400) / DEFAULT_RANDOM_WALK.shocks.meanIntervalSeconds; // 1440
    expect(shocks.length).toBeGreaterThan(expected * 0.9);
    expect(shocks.length).toBeLessThan(expected * 1.1);
    const floorPrice = 3000 * DEFAULT_RANDOM_WALK.floor;
    for (const shock of shocks) {
      if (shock.kind !== 'shock') continue;
      // A shock that would cross the floor stops on it (rare: under 1% of shocks with the defaults).
      if (Math.abs(shock.to - floorPrice) < 1e-6) continue;
      expect(shock.size).toBeGreaterThanOrEqual(DEFAULT_RANDOM_WALK.shocks.minSize - 1e-9);
      expect(shock.size).toBeLessThanOrEqual(DEFAULT_RANDOM_WALK.shocks.maxSize + 1e-9);
      expect(shock.to).toBeCloseTo(shock.from * (1 - shock.size), 6);
    }
    // Never back to back: at least a third of the mean apart (up to one block).
    const gaps = shocks.slice(1).map((s, i) => s.at - shocks[i]!.at);
    expect(Math.min(...gaps)).toBeGreaterThan(DEFAULT_RANDOM_WALK.shocks.meanIntervalSeconds / 3 - 60);
    expect(market.shockCount).toBe(shocks.length);
  });

  test('test_advance_firstShockWhenAsked', () => {
    const { events } = run(new RandomWalkMarket(options({ shocks: { ...DEFAULT_RANDOM_WALK.shocks, firstAfterSeconds: 600, minSize: 0.18, maxSize: 0.18 } })), 20);
    const first = events.find((e) => e.kind === 'shock');
    expect(first?.at).toBe(600);
    expect(first?.kind === 'shock' && first.size).toBeCloseTo(0.18, 9);
  });

  test('test_advance_noShocksWhenSwitchedOff', () => {
    const market = new RandomWalkMarket(options({ shocks: { ...DEFAULT_RANDOM_WALK.shocks, meanIntervalSeconds: 0 } }));
    expect(run(market, 10_000).events).toHaveLength(0);
  });

  test('test_advance_reboundGivesBackItsFractionOfTheFall', () => {
    // No diffusion and no mean reversion to speak of: the path is the shock and its rebound alone.
    const market = new RandomWalkMarket(
      options({ volatility: 0, meanReversionHalfLifeSeconds: 1e12, shocks: { ...DEFAULT_RANDOM_WALK.shocks, firstAfterSeconds: 60, meanIntervalSeconds: 1e9 } }),
    );
    const { prices, events } = run(market, 200);
    const shock = events[0]!;
    expect(shock.kind).toBe('shock');
    if (shock.kind !== 'shock') return;
    expect(events[1]?.kind).toBe('rebounded');
    const recovered = Math.log(prices[prices.length - 1]! / shock.to) / Math.log(shock.from / shock.to);
    expect(recovered).toBeCloseTo(shock.reboundFraction, 7);
  });

  test('test_advance_volatilityMatchesTheAnnualisedFigure', () => {
    const market = new RandomWalkMarket(options({ volatility: 0.9, meanReversionHalfLifeSeconds: 1e12, shocks: { ...DEFAULT_RANDOM_WALK.shocks, meanIntervalSeconds: 0 } }));
    const { prices } = run(market, 50_000);
    const returns = prices.slice(1).map((p, i) => Math.log(p / prices[i]!));
    const variance = returns.reduce((s, r) => s + r * r, 0) / returns.length;
    const annualised = Math.sqrt((variance * 365 * 86_400) / 60);
    expect(annualised).toBeGreaterThan(0.85);
    expect(annualised).toBeLessThan(0.95);
  });

  test('test_advance_staysBetweenFloorAndCeiling', () => {
    const market = new RandomWalkMarket(options({ volatility: 5, shocks: { ...DEFAULT_RANDOM_WALK.shocks, meanIntervalSeconds: 3_600, minSize: 0.5, maxSize: 0.6 } }));
    const { prices } = run(market, 20_000);
    expect(Math.min(...prices)).toBeGreaterThanOrEqual(3000 * DEFAULT_RANDOM_WALK.floor * (1 - 1e-12));
    expect(Math.max(...prices)).toBeLessThanOrEqual(3000 * DEFAULT_RANDOM_WALK.ceiling * (1 + 1e-12));
  });

  test('test_advance_timeMayNotGoBackwards', () => {
    const market = new RandomWalkMarket(options());
    market.advance(120);
    expect(() => market.advance(60)).toThrow(/backwards/);
  });

  test('test_constructor_listsEveryProblem', () => {
    const bad = options({ startPrice: 0, volatility: -1, shocks: { ...DEFAULT_RANDOM_WALK.shocks, minSize: 0.3, maxSize: 0.1 } });
    expect(randomWalkProblems(bad)).toHaveLength(3);
    expect(() => new RandomWalkMarket(bad)).toThrow(/start price.*volatility.*shock sizes/);
  });
});
