// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

import {IUniswapV3Pool} from "@uniswap/v3-core/contracts/interfaces/IUniswapV3Pool.sol";

import {TickMathLib} from "@ballast/libraries/TickMathLib.sol";
import {WorldFixture} from "./WorldFixture.sol";

/// @dev Exposes the library so reverts happen one call deep.
contract TickMathLibHarness {
    function getSqrtRatioAtTick(int24 tick) external pure returns (uint160) {
        return TickMathLib.getSqrtRatioAtTick(tick);
    }
}

contract TickMathLibTest is WorldFixture {
    TickMathLibHarness internal harness = new TickMathLibHarness();
    uint256 internal poolSalt;

    function test_getSqrtRatioAtTick_isQ96OneAtTickZero() public pure {
        assertEq(TickMathLib.getSqrtRatioAtTick(0), 2 ** 96);
    }

    function test_getSqrtRatioAtTick_matchesBoundsConstants() public pure {
        assertEq(TickMathLib.getSqrtRatioAtTick(TickMathLib.MIN_TICK), TickMathLib.MIN_SQRT_RATIO, "min");
        assertEq(TickMathLib.getSqrtRatioAtTick(TickMathLib.MAX_TICK), TickMathLib.MAX_SQRT_RATIO, "max");
    }

    function test_getSqrtRatioAtTick_matchesExactValues() public pure {
        // sqrt(1.0001^tick) * 2^96, computed independently with 120-digit decimal arithmetic (truncated).
        _assertNearExact(1, 79_232_123_823_359_799_118_286_999_567);
        _assertNearExact(-1, 79_224_201_403_219_477_170_569_942_573);
        _assertNearExact(100, 79_625_275_426_524_748_796_330_556_127);
        _assertNearExact(-100, 78_833_030_112_140_176_575_862_854_578);
        _assertNearExact(50_000, 965_075_977_353_221_155_028_623_082_915);
        _assertNearExact(-50_000, 6_504_256_538_020_985_011_912_221_506);
        _assertNearExact(200_000, 1_744_244_129_640_337_381_386_292_603_617_837);
    }

    /// @dev Each |tick| = 2^i uses exactly one of the library's constants: a wrong constant shows here.
    function test_getSqrtRatioAtTick_matchesExactValuesAtPowersOfTwo() public pure {
        // floor(sqrt(1.0001^tick) * 2^96), computed independently with 150-digit decimal arithmetic.
        _assertClose(-1, 79_224_201_403_219_477_170_569_942_573);
        _assertClose(-2, 79_220_240_490_215_316_061_937_756_560);
        _assertClose(-4, 79_212_319_258_289_487_113_226_433_916);
        _assertClose(-8, 79_196_479_170_490_597_288_862_688_490);
        _assertClose(-16, 79_164_808_496_886_665_658_930_780_291);
        _assertClose(-32, 79_101_505_139_923_049_997_807_806_614);
        _assertClose(-64, 78_975_050_245_229_982_702_767_995_059);
        _assertClose(-128, 78_722_746_600_537_056_721_934_508_529);
        _assertClose(-256, 78_220_554_859_095_770_638_340_573_243);
        _assertClose(-512, 77_225_761_753_129_597_550_065_289_036);
        _assertClose(-1024, 75_273_969_370_139_069_689_486_932_537);
        _assertClose(-2048, 71_517_125_791_179_246_722_882_903_167);
        _assertClose(-4096, 64_556_580_881_331_167_221_767_657_719);
        _assertClose(-8192, 52_601_903_197_458_624_361_810_746_399);
        _assertClose(-16_384, 34_923_947_901_690_145_425_342_545_398);
        _assertClose(-32_768, 15_394_552_875_315_951_095_595_078_917);
        _assertClose(-65_536, 2_991_262_837_734_375_505_310_244_436);
        _assertClose(-131_072, 112_935_262_922_445_818_024_280_873);
        _assertClose(-262_144, 160_982_827_401_375_763_736_068);
        _assertClose(-524_288, 327_099_227_039_063_106);
        _assertClose(1, 79_232_123_823_359_799_118_286_999_567);
        _assertClose(2, 79_236_085_330_515_764_027_303_304_731);
        _assertClose(4, 79_244_008_939_048_815_603_706_035_061);
        _assertClose(8, 79_259_858_533_276_714_757_314_932_305);
        _assertClose(16, 79_291_567_232_598_584_799_939_703_904);
        _assertClose(32, 79_355_022_692_464_371_645_785_046_466);
        _assertClose(64, 79_482_085_999_252_804_386_437_311_141);
        _assertClose(128, 79_736_823_300_114_093_921_829_183_326);
        _assertClose(256, 80_248_749_790_819_932_309_965_073_892);
        _assertClose(512, 81_282_483_887_344_747_381_513_967_011);
        _assertClose(1024, 83_390_072_131_320_151_908_154_831_281);
        _assertClose(2048, 87_770_609_709_833_776_024_991_924_138);
        _assertClose(4096, 97_234_110_755_111_693_312_479_820_773);
        _assertClose(8192, 119_332_217_159_966_728_226_237_229_890);
        _assertClose(16_384, 179_736_315_981_702_064_433_883_588_727);
        _assertClose(32_768, 407_748_233_172_238_350_107_850_275_304);
        _assertClose(65_536, 2_098_478_828_474_011_932_436_660_412_517);
        _assertClose(131_072, 55_581_415_166_113_811_149_459_800_483_533);
        _assertClose(262_144, 38_992_368_544_603_139_932_233_054_999_993_551);
        _assertClose(524_288, 19_190_206_568_837_448_476_620_805_521_939_294_697_349);
    }

    function test_getSqrtRatioAtTick_isIncreasing() public pure {
        for (int24 tick = -1000; tick < 1000; tick += 7) {
            assertLt(TickMathLib.getSqrtRatioAtTick(tick), TickMathLib.getSqrtRatioAtTick(tick + 1));
        }
    }

    function test_getSqrtRatioAtTick_revertsBelowMinTick() public {
        vm.expectRevert(abi.encodeWithSelector(TickMathLib.TickOutOfRange.selector, TickMathLib.MIN_TICK - 1));
        harness.getSqrtRatioAtTick(TickMathLib.MIN_TICK - 1);
    }

    function test_getSqrtRatioAtTick_revertsAboveMaxTick() public {
        vm.expectRevert(abi.encodeWithSelector(TickMathLib.TickOutOfRange.selector, TickMathLib.MAX_TICK + 1));
        harness.getSqrtRatioAtTick(TickMathLib.MAX_TICK + 1);
    }

    /// @dev A pool initialised at our value for `tick` must report `tick` (its own TickMath inverts it), and one
    /// wei lower must report `tick - 1`: our value is exactly the pool's boundary.
    function test_getSqrtRatioAtTick_matchesPoolAtSelectedTicks() public {
        int24[12] memory ticks =
            [int24(-887_271), -500_000, -200_311, -69_082, -1, 1, 2, 196_257, 200_000, 443_636, 700_001, 887_271];
        for (uint256 i; i < ticks.length; ++i) {
            _assertPoolBoundary(ticks[i]);
        }
    }

    function test_fuzz_getSqrtRatioAtTick_matchesPool(int24 tick) public {
        tick = int24(bound(tick, TickMathLib.MIN_TICK + 1, TickMathLib.MAX_TICK - 1));
        _assertPoolBoundary(tick);
    }

    function test_getSqrtRatioAtTick_bracketsPoolPriceAfterSwaps() public {
        uint256[5] memory sells = [uint256(1e18), 250e18, 3000e18, 20_000e18, 0.001e18];
        for (uint256 i; i < sells.length; ++i) {
            _sellWeth(sells[i]);
            (uint160 sqrtPriceX96, int24 tick,,,,,) = world.pool.slot0();
            assertLe(TickMathLib.getSqrtRatioAtTick(tick), sqrtPriceX96, "lower bound");
            assertGt(TickMathLib.getSqrtRatioAtTick(tick + 1), sqrtPriceX96, "upper bound");
        }
    }

    function _assertPoolBoundary(int24 tick) internal {
        uint160 sqrtPriceX96 = TickMathLib.getSqrtRatioAtTick(tick);
        assertEq(_initialisedTick(sqrtPriceX96), tick, "pool tick at our value");
        assertEq(_initialisedTick(sqrtPriceX96 - 1), tick - 1, "pool tick one wei below");
    }

    /// @dev The tick a fresh pool reports when initialised at `sqrtPriceX96` (tokens need not exist for that).
    function _initialisedTick(uint160 sqrtPriceX96) internal returns (int24 tick) {
        ++poolSalt;
        address tokenA = address(uint160(uint256(keccak256(abi.encode("A", poolSalt)))));
        address tokenB = address(uint160(uint256(keccak256(abi.encode("B", poolSalt)))));
        IUniswapV3Pool pool = IUniswapV3Pool(world.uniswapFactory.createPool(tokenA, tokenB, 3000));
        pool.initialize(sqrtPriceX96);
        (, tick,,,,,) = pool.slot0();
    }

    /// @dev Within 1e-18 relative (the Q128.128 reciprocal keeps ~64 bits at the extremes), or 1 wei.
    function _assertClose(int24 tick, uint256 exactFloor) internal pure {
        uint256 tolerance = exactFloor / 1e18 + 1;
        assertApproxEqAbs(TickMathLib.getSqrtRatioAtTick(tick), exactFloor, tolerance, vm.toString(tick));
    }

    function _assertNearExact(int24 tick, uint256 exactFloor) internal pure {
        // Rounded up; for these ticks the Q128.128 error is below the rounding, so the result is floor(exact) + 1.
        assertEq(TickMathLib.getSqrtRatioAtTick(tick), exactFloor + 1);
    }
}
