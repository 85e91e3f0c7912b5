// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

import {Test} from "forge-std/Test.sol";

import {TickMathLib} from "@ballast/libraries/TickMathLib.sol";
import {PoolPriceLib} from "@ballast/oracle/PoolPriceLib.sol";

/// @dev Exposes the library so reverts happen one call deep.
contract PoolPriceLibHarness {
    function toSqrtPriceX96Down(uint256 price36, bool baseIsToken0) external pure returns (uint160) {
        return PoolPriceLib.toSqrtPriceX96Down(price36, baseIsToken0);
    }
}

contract PoolPriceLibTest is Test {
    PoolPriceLibHarness internal harness = new PoolPriceLibHarness();

    function test_toSqrtPriceX96Down_isQ96OneAtParity() public pure {
        assertEq(PoolPriceLib.toSqrtPriceX96Down(1e36, true), 2 ** 96, "token0 base");
        assertEq(PoolPriceLib.toSqrtPriceX96Down(1e36, false), 2 ** 96, "token1 base");
    }

    function test_toSqrtPriceX96Down_wethUsdcBothOrders() public pure {
        // WETH token0: 3000e6 USDC units per 1e18 WETH units -> sqrt(3e-9) * 2^96.
        assertApproxEqRel(PoolPriceLib.toSqrtPriceX96Down(3e27, true), 4_339_505_179_874_779_489_431_521, 1e9);
        // WETH token1: 1e18 / 3000e6 WETH units per USDC unit -> sqrt(3.333e8) * 2^96.
        assertApproxEqRel(
            PoolPriceLib.toSqrtPriceX96Down(3e27, false), 1_446_501_726_624_926_496_477_173_928_747_177, 1e9
        );
    }

    function test_fuzz_toPrice36Down_invertsToSqrtPriceX96(uint256 price36, bool baseIsToken0) public pure {
        // Raw prices from 1e-18 to 1e30, across both the Q192 and the Q128 regimes.
        price36 = bound(price36, 1e18, 1e66);
        uint160 sqrtPriceX96 = PoolPriceLib.toSqrtPriceX96Down(price36, baseIsToken0);
        assertApproxEqRel(PoolPriceLib.toPrice36Down(sqrtPriceX96, baseIsToken0), price36, 1e6);
    }

    function test_toPrice36Down_coversTheWholeTickRange() public pure {
        // Never reverts, including above 2^128 where the squaring is split.
        // 1.0001^887272 (just under 2^128) * 1e36 at the top, its inverse (below one unit: 0) at the bottom.
        uint256 top = 340_256_786_836_388_094_050_805_785_052_946_541_066 * 1e36;
        assertApproxEqRel(PoolPriceLib.toPrice36Down(TickMathLib.MAX_SQRT_RATIO - 1, true), top, 1e9, "max, token0");
        assertApproxEqRel(PoolPriceLib.toPrice36Down(TickMathLib.MIN_SQRT_RATIO, false), top, 1e9, "min, token1");
        assertEq(PoolPriceLib.toPrice36Down(TickMathLib.MAX_SQRT_RATIO - 1, false), 0, "max, token1");
        assertEq(PoolPriceLib.toPrice36Down(TickMathLib.MIN_SQRT_RATIO, true), 0, "min, token0");
    }

    function test_tickToPrice36Down_isReciprocalAcrossOrders() public pure {
        uint256 asToken0 = PoolPriceLib.tickToPrice36Down(-196_257, true);
        uint256 asToken1 = PoolPriceLib.tickToPrice36Down(-196_257, false);
        assertApproxEqRel(asToken0 * asToken1 / 1e36, 1e36, 1e9);
    }

    function test_toSqrtPriceX96Down_revertsOnZero() public {
        vm.expectRevert(abi.encodeWithSelector(PoolPriceLib.PriceOutOfPoolRange.selector, 0, true));
        harness.toSqrtPriceX96Down(0, true);
    }

    function test_toSqrtPriceX96Down_revertsOutOfPoolRange() public {
        // Above 2^128 * 1e36 the pool cannot quote it.
        vm.expectRevert(abi.encodeWithSelector(PoolPriceLib.PriceOutOfPoolRange.selector, 1e75, true));
        harness.toSqrtPriceX96Down(1e75, true);
    }
}
