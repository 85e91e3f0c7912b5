import { describe, expect, it } from '@jest/globals';
import { LOCAL_WORLD, LiquidityCurve, kinkInterest, kinkRatePerYear, worldLiquidity } from '../../../backend/src/lab/calibration.js';

const WAD = 10n ** 18n;
const P3000 = 3000n * 10n ** 24n;

describe('the world calibration', () => {
  it('prices the LinearKinkIrm curve like the contract: linear to the kink, steeper after', () => {
    const irm = { ...LOCAL_WORLD.irm, supply: LOCAL_WORLD.lenderSupply };
    expect(kinkRatePerYear(irm, 0n)).toBe(0n);
    expect(kinkRatePerYear(irm, (9n * WAD) / 10n)).toBe((4n * WAD) / 100n);
    expect(kinkRatePerYear(irm, (95n * WAD) / 100n)).toBe((4n * WAD) / 100n + (71n * WAD) / 100n / 2n);
    expect(kinkRatePerYear(irm, 2n * WAD)).toBe((75n * WAD) / 100n);
    // 1M USDC borrowed of 100M: 1% utilisation, 0.04 * 0.01 / 0.9 = 0.0444% a year; a year of it on 1M is ~444 USDC.
    const yearly = kinkInterest(irm, 10n ** 12n, LOCAL_WORLD.lenderSupply, 365n * 86_400n);
    expect(Number(yearly) / 1e6).toBeCloseTo(444.5, 0);
  });

  it('puts three bands around 3000 whose depth is far larger inside ±5% than outside', () => {
    for (const collateralIsToken0 of [true, false]) {
      const ranges = worldLiquidity(3000e-12, collateralIsToken0);
      expect(ranges).toHaveLength(3);
      expect(ranges[0]!.lower * 1e12).toBeCloseTo(3000 * 1.0001 ** -500, -1);
      expect(ranges[0]!.upper * 1e12).toBeCloseTo(3000 * 1.0001 ** 500, -1);
      const curve = new LiquidityCurve(ranges, 500n);
      // ~675k + ~56k + ~3.3k WETH of virtual depth at the start, ~60k between 5% and 50% away.
      expect(Number(curve.depthAt(P3000)) / 1e18).toBeGreaterThan(700_000);
      const outside = Number(curve.depthAt(2700n * 10n ** 24n)) / 1e18;
      expect(outside).toBeGreaterThan(55_000);
      expect(outside).toBeLessThan(70_000);
    }
  });
});
