import { describe, expect, it } from '@jest/globals';
import { PushFeed, SwapVenue, accruedInterest, gasCostInAssets } from '../../../backend/src/lab/market.js';
import { toOraclePrice } from '../../../backend/src/lab/engine.js';
import { leverageHistogram, maxDrawdown } from '../../../backend/src/lab/report.js';
import { MAX_UINT256, WAD } from '../../../backend/src/policy/index.js';

const ETH = WAD;
const P3000 = toOraclePrice(3000);

describe('venue, feed, interest and gas', () => {
  it('prices are in the oracle unit for 18-decimal asset and 6-decimal loan token', () => {
    // 3000 USDC (3000e6) per 1e18 wei, times 1e36.
    expect(P3000).toBe(3000n * 10n ** 24n);
  });

  it('a constant-product venue charges fee plus size/(depth - size)', () => {
    const venue = new SwapVenue(1000n * ETH, 3000n, P3000);
    // Buying 10 of 1000: 3000 x 10 x 1000/990 / 0.997 USDC.
    expect(Number(venue.loanInForAssetOut(10n * ETH)) / 1e6).toBeCloseTo((30_000 * 1000) / 990 / 0.997, 4);
    // Selling for 30,000 USDC out of 3,000,000: 10 x 3,000,000/2,970,000 / 0.997 ETH.
    expect(Number(venue.assetInForLoanOut(30_000n * 10n ** 6n)) / 1e18).toBeCloseTo((10 * 3_000_000) / 2_970_000 / 0.997, 9);
    expect(venue.loanInForAssetOut(1000n * ETH)).toBe(MAX_UINT256);
  });

  it('the feed moves on deviation or heartbeat only', () => {
    const feed = new PushFeed(3600n, 50n, { price: P3000, updatedAt: 0n });
    expect(feed.observe(600n, toOraclePrice(3014))).toBe(false); // 0.47% < 0.5%
    expect(feed.latest.price).toBe(P3000);
    expect(feed.observe(1200n, toOraclePrice(3015))).toBe(true); // 0.5%
    expect(feed.observe(4700n, toOraclePrice(3015))).toBe(false); // 3500 s old
    expect(feed.observe(4800n, toOraclePrice(3015))).toBe(true); // heartbeat
    expect(feed.answersSince(1000n).map((a) => a.updatedAt)).toEqual([1200n, 4800n]);
  });

  it('interest and gas are in the units the chain uses', () => {
    // 10% on 1,000,000 USDC for a year, rounded up.
    expect(accruedInterest(10n ** 12n, 1000n, 365n * 86_400n)).toBe(10n ** 11n);
    expect(accruedInterest(10n ** 12n, 1000n, 1n)).toBe(3171n);
    // 350k gas at 20 gwei = 0.007 ETH.
    expect(gasCostInAssets(350_000n, 20_000_000_000n, WAD)).toBe(7n * 10n ** 15n);
  });

  it('drawdown and the leverage histogram', () => {
    expect(maxDrawdown([100, 120, 60, 130, 65])).toBeCloseTo(0.5, 12);
    const steps = [1.6, 2.0, 2.05, 2.31, 3].map((leverage) => ({ leverage }) as never);
    const histogram = leverageHistogram(steps);
    expect(histogram.map((b) => b.label)).toEqual(['<1.5', '1.5-1.7', '1.7-1.9', '1.9-2.1', '2.1-2.3', '2.3-2.5', '2.5-2.7', '>=2.7']);
    expect(histogram.map((b) => b.fraction)).toEqual([0, 0.2, 0, 0.4, 0, 0.2, 0, 0.2]);
  });
});
