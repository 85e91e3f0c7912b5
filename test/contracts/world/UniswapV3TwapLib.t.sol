// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

import {Test} from "forge-std/Test.sol";
import {IUniswapV3Pool} from "@uniswap/v3-core/contracts/interfaces/IUniswapV3Pool.sol";
import {IUniswapV3PoolDerivedState} from "@uniswap/v3-core/contracts/interfaces/pool/IUniswapV3PoolDerivedState.sol";

import {PoolPriceLib} from "@ballast/oracle/PoolPriceLib.sol";
import {UniswapV3TwapLib} from "@ballast/oracle/UniswapV3TwapLib.sol";
import {WorldFixture} from "./WorldFixture.sol";

/// @dev Exposes the library so reverts happen one call deep.
contract UniswapV3TwapLibHarness {
    function meanTick(IUniswapV3Pool pool, uint32 window) external view returns (int24) {
        return UniswapV3TwapLib.meanTick(pool, window);
    }

    function tryMeanTick(IUniswapV3Pool pool, uint32 window) external view returns (bool, int24) {
        return UniswapV3TwapLib.tryMeanTick(pool, window);
    }
}

/// @dev A pool that answers `observe` with chosen tick cumulatives.
contract ObservationsStub {
    int56 internal immutable _then;
    int56 internal immutable _now;

    constructor(int56 then_, int56 now_) {
        _then = then_;
        _now = now_;
    }

    function observe(uint32[] calldata) external view returns (int56[] memory ticks, uint160[] memory liquidity) {
        ticks = new int56[](2);
        (ticks[0], ticks[1]) = (_then, _now);
        liquidity = new uint160[](2);
    }
}

contract UniswapV3TwapLibTest is Test {
    UniswapV3TwapLibHarness internal harness = new UniswapV3TwapLibHarness();

    function test_meanTick_dividesCumulativeByWindow() public {
        assertEq(harness.meanTick(_stub(1000, 1000 + 600 * 2500), 600), 2500);
    }

    function test_meanTick_roundsNegativeTowardNegativeInfinity() public {
        // -1001 / 2 = -500.5 -> -501 (truncation would give -500).
        assertEq(harness.meanTick(_stub(0, -1001), 2), -501);
        assertEq(harness.meanTick(_stub(0, -1000), 2), -500, "exact division unchanged");
    }

    function test_meanTick_roundsPositiveDown() public {
        assertEq(harness.meanTick(_stub(0, 1001), 2), 500);
    }

    function test_meanTick_revertsOnZeroWindow() public {
        IUniswapV3Pool pool = _stub(0, 0);
        vm.expectRevert(UniswapV3TwapLib.ZeroTwapWindow.selector);
        harness.meanTick(pool, 0);
    }

    function test_tryMeanTick_isFalseWhenPoolReverts() public {
        address broken = makeAddr("BrokenPool");
        vm.mockCallRevert(broken, abi.encodeWithSelector(IUniswapV3PoolDerivedState.observe.selector), bytes("OLD"));
        (bool ok, int24 tick) = harness.tryMeanTick(IUniswapV3Pool(broken), 600);
        assertFalse(ok, "not ok");
        assertEq(tick, 0, "no tick");
    }

    function test_tryMeanTick_isFalseOnZeroWindow() public {
        (bool ok,) = harness.tryMeanTick(_stub(0, 0), 0);
        assertFalse(ok);
    }

    function _stub(int56 then_, int56 now_) internal returns (IUniswapV3Pool) {
        return IUniswapV3Pool(address(new ObservationsStub(then_, now_)));
    }
}

/// @notice The oracle's TWAP against the real pool of the local world.
contract UniswapV3TwapWorldTest is WorldFixture {
    function test_twapPrice_revertsBeforeWindowOfHistory() public {
        _skipBlocks(world.oracle.twapWindow() - 1);
        vm.expectRevert(bytes("OLD"));
        world.oracle.twapPrice();
    }

    function test_twapPrice_equalsPoolTickPriceWhenStable() public {
        _skipBlocks(world.oracle.twapWindow());
        (, int24 tick,,,,,) = world.pool.slot0();
        uint256 twap = world.oracle.twapPrice();
        assertEq(twap, PoolPriceLib.tickToPrice36Down(tick, world.oracle.collateralIsToken0()), "tick price");
        assertApproxEqRel(twap, world.oracle.price(), 0.0001e18, "within one tick of the feed");
    }

    function test_twapPrice_tracksPoolAfterSwapsAndTime() public {
        uint32 window = world.oracle.twapWindow();
        _skipBlocks(window);
        uint256 before = world.oracle.twapPrice();

        // +10%, held for half the window: the TWAP is the geometric mean of the two prices (+4.88%).
        _setPrice(3300e8);
        _skipBlocks(window / 2);
        uint256 halfway = world.oracle.twapPrice();
        assertApproxEqRel(halfway, before * 104_881 / 100_000, 0.0002e18, "geometric mean halfway");

        // A second swap, then the window passes: only the latest price is left.
        _sellWeth(500e18);
        uint256 spot = _poolPrice36();
        assertLt(spot, 3.3e27, "sell moved the pool down");
        _skipBlocks(window);
        assertApproxEqRel(world.oracle.twapPrice(), spot, 0.0001e18, "twap caught up with the pool");
    }

    function test_twapPrice_resistsOneBlockSpike() public {
        uint32 window = world.oracle.twapWindow();
        _skipBlocks(window);
        // +50% for 12 seconds, then back: the TWAP moves by about 50% * 12 / 600 = 1%.
        _movePoolTo(world.oracle.price() * 3 / 2);
        _skipBlocks(12);
        _movePoolTo(world.oracle.price());
        uint256 twap = world.oracle.twapPrice();
        assertGt(twap, world.oracle.price() * 10_070 / 10_000, "moved a little");
        assertLt(twap, world.oracle.price() * 10_090 / 10_000, "but only ~0.8%");
    }
}
