import { describe, expect, it } from '@jest/globals';
import {
  deleverTerms,
  leverUpMaxIn,
  loanToValue,
  postLeverageProblem,
  predictPosition,
  sizeToReach,
  valuePosition,
} from '../../../backend/src/lab/position.js';
import { MAX_UINT256, WAD } from '../../../backend/src/policy/index.js';

/**
 * Numbers printed by the real MorphoLeverageModule on the local world (forge, MorphoLeverageFixture: WETH
 * collateral, USDC loan token, price 3000 then 2700, maxSlippageBps 50): `state()` and `previewRebalance(params)`,
 * whose post-state is `_predict(pre, leverUp, amount, price, maxSlippageBps)`. Each row: collateral, debt,
 * debtInAssets, leverage. The lab must reproduce them to the unit.
 */
const P3000 = 3000n * 10n ** 24n;
const P2700 = 2700n * 10n ** 24n;
const CHAIN = {
  oneX: [100n * WAD, 0n, 0n, WAD],
  leverUp50: [150n * WAD, 150_750_000_000n, 50_250_000_000_000_000_000n, 1_503_759_398_496_240_602n],
  leverUp33: [133_333_333_333_333_333_333n, 100_500_000_000n, 33_500_000_000_000_000_000n, 1_335_559_265_442_404_007n],
  after2x: [199_500_000_000_000_000_000n, 298_690_037_518n, 99_563_345_839_333_333_334n, 1_996_264_550_534_850_095n],
  at2700: [199_500_000_000_000_000_000n, 298_690_046_570n, 110_625_943_174_074_074_075n, 2_244_749_560_501_696_252n],
  delever10: [189_450_000_000_000_000_000n, 271_690_046_570n, 100_625_943_174_074_074_075n, 2_132_868_130_210_231_727n],
  delever7: [192_340_925_927_166_666_666n, 279_456_713_240n, 103_502_486_385_185_185_186n, 2_165_064_210_028_971_340n],
} as const;

const row = (v: { collateral: bigint; debt: bigint; debtInAssets: bigint; leverage: bigint }): bigint[] => [
  v.collateral,
  v.debt,
  v.debtInAssets,
  v.leverage,
];

describe('position model vs MorphoLeverageModule', () => {
  it('values a position like state() (debt in assets and leverage rounded up)', () => {
    expect(row(valuePosition(100n * WAD, 0n, P3000))).toEqual(CHAIN.oneX);
    expect(row(valuePosition(CHAIN.after2x[0], CHAIN.after2x[1], P3000))).toEqual(CHAIN.after2x);
    expect(row(valuePosition(CHAIN.at2700[0], CHAIN.at2700[1], P2700))).toEqual(CHAIN.at2700);
  });

  it('predicts a lever-up like previewRebalance', () => {
    const pre = valuePosition(100n * WAD, 0n, P3000);
    expect(row(predictPosition(pre, true, 50n * WAD, P3000, 50n))).toEqual(CHAIN.leverUp50);
    expect(row(predictPosition(pre, true, 33_333_333_333_333_333_333n, P3000, 50n))).toEqual(CHAIN.leverUp33);
  });

  it('predicts a delever like previewRebalance, interest-accrued debt included', () => {
    const pre = valuePosition(CHAIN.at2700[0], CHAIN.at2700[1], P2700);
    expect(row(predictPosition(pre, false, 10n * WAD, P2700, 50n))).toEqual(CHAIN.delever10);
    expect(row(predictPosition(pre, false, 7_123_456_789_000_000_000n, P2700, 50n))).toEqual(CHAIN.delever7);
  });

  it('bounds swaps like _leverUp and _delever', () => {
    // Lever-up of 50 WETH at 3000 pays at most 150,000 USDC + 0.5%.
    expect(leverUpMaxIn(50n * WAD, P3000, 50n)).toBe(150_750_000_000n);
    // Delever of 10 WETH at 2700 repays 27,000 USDC and sells at most 10.05 WETH.
    expect(deleverTerms(CHAIN.at2700[1], 10n * WAD, P2700, 50n)).toEqual({ repaid: 27_000_000_000n, maxIn: 10_050_000_000_000_000_000n });
    // Covering the whole debt repays it all, with one unit of slack on the collateral bound.
    const all = deleverTerms(300_000_000_000n, 200n * WAD, P3000, 50n);
    expect(all).toEqual({ repaid: 300_000_000_000n, maxIn: 100_500_000_000_000_000_001n });
  });

  it('sizes an emergency delever like _sizeToReach and checks the post-condition like _checkPostLeverage', () => {
    const pre = valuePosition(200n * WAD, 375_000_000_000n, P2700 - 200n * 10n ** 24n); // 2500: debt 150, equity 50, 4x
    expect(pre.leverage).toBe(4n * WAD);
    expect(sizeToReach(pre, 2n * WAD)).toBe(100n * WAD);
    expect(sizeToReach(valuePosition(10n, 10n * 10n ** 12n, 10n ** 36n), 2n * WAD)).toBe(10n);
    const limits = { minLeverage: 17n * 10n ** 17n, targetLeverage: 2n * WAD, maxLeverage: 23n * 10n ** 17n };
    expect(postLeverageProblem(false, 4n * WAD, 25n * 10n ** 17n, limits)).toBeNull(); // outside the band but closer
    expect(postLeverageProblem(false, 4n * WAD, 19n * 10n ** 17n, limits)).toContain('past target');
    expect(postLeverageProblem(true, 15n * 10n ** 17n, 14n * 10n ** 17n, limits)).toContain('not closer');
  });

  it('reports no equity and loan-to-value like the chain', () => {
    expect(valuePosition(10n, 10n ** 12n, 10n ** 36n).leverage).toBe(MAX_UINT256);
    // 300,000 USDC against 200 WETH at 2500: 60%.
    expect(loanToValue(200n * WAD, 300_000_000_000n, 2500n * 10n ** 24n)).toBe((6n * WAD) / 10n);
  });
});
