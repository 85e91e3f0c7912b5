import { describe, expect, it } from '@jest/globals';
import {
  MAX_UINT256,
  WAD,
  equityOf,
  leverageOf,
  maxDeleverWithin,
  maxLeverUpWithin,
  minDeleverToReach,
  minLeverUpToReach,
  predictPostLeverage,
} from '../../../backend/src/policy/index.js';
import type { Position } from '../../../backend/src/policy/index.js';
import { tokens, x } from './fixtures.js';

/** 2x: 2000 collateral, 1000 debt, 1000 equity. */
const TWO_X: Position = { collateral: tokens('2000'), debtInAssets: tokens('1000') };

describe('leverage arithmetic', () => {
  it('computes equity and leverage, and reports MAX_UINT256 without equity like the chain', () => {
    expect(equityOf(TWO_X)).toBe(tokens('1000'));
    expect(leverageOf(TWO_X)).toBe(x('2'));
    expect(leverageOf({ collateral: 10n, debtInAssets: 10n })).toBe(MAX_UINT256);
    expect(leverageOf({ collateral: 10n, debtInAssets: 11n })).toBe(MAX_UINT256);
  });

  it("a costless trade of |L' - L|·E reaches L' exactly", () => {
    expect(predictPostLeverage(TWO_X, true, tokens('500'), 0n).lowest).toBe(x('2.5'));
    expect(predictPostLeverage(TWO_X, false, tokens('500'), 0n).lowest).toBe(x('1.5'));
  });

  it('swap cost raises the post-leverage in both directions', () => {
    const up = predictPostLeverage(TWO_X, true, tokens('500'), 100n);
    // 500 collateral costs 500/0.99 of debt: equity 1000 - 5.0505 -> 2500 / 994.9495.
    expect(Number(up.highest) / 1e18).toBeCloseTo(2500 / (1000 - 500 / 0.99 + 500), 12);
    expect(up.highest).toBeGreaterThan(up.lowest);
    const down = predictPostLeverage(TWO_X, false, tokens('500'), 100n);
    // Selling 500 repays 495: equity 995 -> 1500 / 995.
    expect(Number(down.highest) / 1e18).toBeCloseTo(1500 / 995, 12);
    expect(down.highest).toBeGreaterThan(down.lowest);
  });

  it('maxLeverUpWithin is the largest trade that stays at or below the ceiling at the worst price', () => {
    for (const slippage of [0n, 50n, 300n]) {
      const amount = maxLeverUpWithin(TWO_X, x('2.5'), slippage);
      expect(predictPostLeverage(TWO_X, true, amount, slippage).highest).toBeLessThanOrEqual(x('2.5'));
      // Tight: a millionth more of the trade would pass the ceiling.
      expect(predictPostLeverage(TWO_X, true, amount + amount / 1_000_000n, slippage).highest).toBeGreaterThan(
        x('2.5'),
      );
    }
    expect(maxLeverUpWithin(TWO_X, x('1.9'), 50n)).toBe(0n);
  });

  it('minLeverUpToReach and maxDeleverWithin are exact at the oracle price', () => {
    expect(minLeverUpToReach(TWO_X, x('2.3'))).toBe(tokens('300'));
    expect(minLeverUpToReach(TWO_X, x('1.5'))).toBe(0n);
    expect(maxDeleverWithin(TWO_X, x('1.4'))).toBe(tokens('600'));
    expect(maxDeleverWithin(TWO_X, x('2.5'))).toBe(0n);
  });

  it('minDeleverToReach gets below the ceiling at the worst price, and is null when no trade can', () => {
    const amount = minDeleverToReach(TWO_X, x('1.8'), 100n);
    expect(amount).not.toBeNull();
    expect(predictPostLeverage(TWO_X, false, amount!, 100n).highest).toBeLessThanOrEqual(x('1.8'));
    expect(predictPostLeverage(TWO_X, false, amount! - amount! / 1_000_000n, 100n).highest).toBeGreaterThan(x('1.8'));
    expect(minDeleverToReach(TWO_X, x('2.1'), 100n)).toBe(0n);
    // Ceiling 200x at 50% slippage: each unit sold loses more equity than it repays debt.
    expect(minDeleverToReach(TWO_X, 200n * WAD, 5_000n)).toBeNull();
  });
});
