import { describe, expect, it } from '@jest/globals';
import { buildConfig } from '../../../backend/src/lab/config.js';
import { liquidationIncentive, runBacktest } from '../../../backend/src/lab/engine.js';
import type { PriceBar } from '../../../backend/src/lab/prices.js';
import { summarise } from '../../../backend/src/lab/report.js';
import { WAD } from '../../../backend/src/policy/index.js';

const T0 = 1_704_067_200;
const HOUR = 3600;
const flat = (timestamp: number, price: number, low = price): PriceBar => ({ timestamp, open: price, high: price, low, close: price });

/** A frictionless world: no fee, a venue deep enough that impact is below 1e-9, no interest, no gas. */
const frictionless = buildConfig('ballast', {
  market: { initialEquity: 100, poolFeePips: 0, poolDepth: 1e12, borrowAprBps: 0, gasPriceGwei: 0 },
});

describe('a short backtest, checked by hand', () => {
  // 100 ETH at 2x at 3000: 200 ETH collateral, 300,000 USDC debt.
  const bars = [flat(T0, 3000), flat(T0 + HOUR, 2700), flat(T0 + 2 * HOUR, 2400), flat(T0 + 3 * HOUR, 3000)];
  const run = runBacktest(bars, frictionless);
  const report = summarise(run, 'hand');

  it('moves with the price inside the band without trading', () => {
    // At 2700 the debt is 111.11 ETH: equity 88.89, leverage 200 / 88.89 = 2.25, inside 1.7-2.3.
    expect(run.steps[1]!.nav).toBeCloseTo(200 - 300_000 / 2700, 9);
    expect(run.steps[1]!.leverage).toBeCloseTo(2.25, 9);
    // The ideal path rebalanced at 2x from one bar to the next is the same after one bar.
    expect(run.steps[1]!.idealNav).toBeCloseTo(run.steps[1]!.nav, 9);
  });

  it('delevers back inside the band at every price the module accepts when leverage leaves it', () => {
    // At 2400: debt 125 ETH, equity 75, leverage 2.667 > 2.3. Ballast's step (speed 0.5) toward 2.0 lands at
    // 2.333, clamped to the band edge 2.3; the sale must keep leverage <= 2.3 even at the full 0.5% slippage:
    // a >= (C - 2.3 E) / (1 - 2.3 * 0.005) = 27.5 / 0.9885.
    const amount = 27.5 / 0.9885;
    expect(run.trades).toHaveLength(1);
    const trade = run.trades[0]!;
    expect(trade).toMatchObject({ timestamp: T0 + 2 * HOUR, kind: 'rebalance', trigger: 'above-band', leverUp: false, shrunk: false });
    expect(trade.amount).toBeCloseTo(amount, 9);
    expect(trade.preLeverage).toBeCloseTo(200 / 75, 9);
    expect(trade.postLeverage).toBeCloseTo((200 - amount) / 75, 9);
    expect(trade.swapCost).toBeCloseTo(0, 6);
    expect(trade.gasCost).toBe(0);
    expect(run.steps[2]!.nav).toBeCloseTo(75, 6);
  });

  it('then gains less on the way back up than it lost, as a delevered position does', () => {
    const amount = 27.5 / 0.9885;
    const nav = 200 - amount - (300_000 - 2400 * amount) / 3000;
    expect(run.steps[3]!.nav).toBeCloseTo(nav, 6);
    expect(report.finalNav).toBeCloseTo(nav, 6);
    // Ideal 2x rebalanced every bar: 3000 -> 2700 -> 2400 -> 3000 in dollars is x0.8 x(1-2/9) x1.5.
    expect(report.idealFinalNav).toBeCloseTo((300_000 * 0.8 * (1 - 2 / 9) * 1.5) / 3000, 6);
    expect(report.liquidated).toBe(false);
    expect(report.rebalances).toMatchObject({ count: 1, keeper: 1, ripcord: 0, refused: 0 });
    expect(report.minHealthFactor).toBeCloseTo((0.86 * 200 * 2400) / 300_000, 9);
  });
});

describe('liquidation and costs', () => {
  it('liquidates at the bar low with Morpho incentive and freezes the position', () => {
    // Low 1000: LTV 300,000 / (200 x 1000) = 1.5 >= 0.86. Seizing 300 ETH x LIF takes all 200 ETH.
    const bars = [flat(T0, 3000), flat(T0 + HOUR, 2900, 1000), flat(T0 + 2 * HOUR, 3000)];
    const run = runBacktest(bars, frictionless);
    expect(run.liquidation).toEqual({ timestamp: T0 + HOUR, price: 1000 });
    expect(run.steps[1]!.healthFactor).toBeCloseTo(0.86 / 1.5, 9);
    expect(run.steps[2]!.nav).toBe(0);
    expect(run.trades).toHaveLength(0);
    // 1 / (0.3 x 0.86 + 0.7) = 1.0438
    expect(Number(liquidationIncentive(86n * 10n ** 16n)) / 1e18).toBeCloseTo(1 / 0.958, 9);
    expect(liquidationIncentive(0n)).toBe((115n * WAD) / 100n);
  });

  it('charges interest per bar and gas per trade', () => {
    const config = buildConfig('ballast', {
      market: { initialEquity: 100, poolFeePips: 500, poolDepth: 50_000, borrowAprBps: 1000, gasPriceGwei: 100 },
    });
    const bars = [flat(T0, 3000), flat(T0 + 86_400, 3000), flat(T0 + 2 * 86_400, 2400)];
    const run = runBacktest(bars, config);
    // One day at 10% on 300,000 USDC = 82.19 USDC = 0.0274 ETH out of NAV.
    expect(run.steps[1]!.nav).toBeCloseTo(100 - (300_000 * 0.1) / 365 / 3000, 6);
    const trade = run.trades[0]!;
    // 350,000 gas at 100 gwei.
    expect(trade.gasCost).toBeCloseTo(0.035, 12);
    // Fee 0.05% plus an impact of about size/depth on the collateral sold.
    expect(trade.swapCost / trade.amount).toBeGreaterThan(0.0005);
    expect(trade.swapCost / trade.amount).toBeLessThan(0.0005 + (1.01 * trade.amount) / 50_000);
  });
});
