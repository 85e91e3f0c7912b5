// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

import {IUniswapV3Pool} from "@uniswap/v3-core/contracts/interfaces/IUniswapV3Pool.sol";

import {UniswapV3TwapLib} from "@ballast/oracle/UniswapV3TwapLib.sol";
import {TickMathLib} from "@ballast/libraries/TickMathLib.sol";
import {WorldFixture} from "../../world/WorldFixture.sol";

/// @dev Exposes both TWAP reads (internal library functions) as external calls.
contract TwapReader {
    function recent(IUniswapV3Pool pool, uint32 window) external view returns (bool, int24) {
        return UniswapV3TwapLib.tryMeanTickRecent(pool, window);
    }

    function viaObserve(IUniswapV3Pool pool, uint32 window) external view returns (bool, int24) {
        return UniswapV3TwapLib.tryMeanTick(pool, window);
    }
}

/// @notice `tryMeanTickRecent` (the two newest observations, the gas-saving path the module prices with) returns what
/// the pool's own `observe` gives (`tryMeanTick`) on the real world pool, through random swaps and time gaps,
/// including right after a swap in the same block and for windows that need the binary-search fallback.
contract TwapRecentPathTest is WorldFixture {
    TwapReader internal reader;

    function setUp() public override {
        super.setUp();
        reader = new TwapReader();
    }

    function test_fuzz_tryMeanTickRecent_matchesObserve(uint256 seed) public {
        for (uint256 step; step < 12; ++step) {
            uint256 r = uint256(keccak256(abi.encode(seed, step)));
            _skipBlocks(1 + r % 900);
            if ((r >> 16) % 3 != 0) _swap((r >> 32) % 2 == 0, 1e15 + (r >> 64) % 30e18);
            _assertSame(uint32(600));
            _assertSame(uint32(1 + (r >> 128) % 3600));
            // A second swap in the same block: the TWAP must not move, and both reads must still agree.
            if ((r >> 20) % 4 == 0) {
                (, int24 before_) = reader.recent(world.pool, 600);
                _swap((r >> 36) % 2 != 0, 1e15 + (r >> 96) % 30e18);
                (, int24 after_) = reader.recent(world.pool, 600);
                assertEq(after_, before_, "constant within a block");
                _assertSame(uint32(600));
            }
        }
    }

    function test_tryMeanTickRecent_falseLikeObserveBeyondHistory() public view {
        (bool ok,) = reader.viaObserve(world.pool, 365 days);
        (bool okRecent,) = reader.recent(world.pool, 365 days);
        assertFalse(ok, "observe has no year of history");
        assertFalse(okRecent, "neither has the fast path");
    }

    function _assertSame(uint32 window) internal view {
        (bool ok, int24 tick) = reader.viaObserve(world.pool, window);
        (bool okRecent, int24 tickRecent) = reader.recent(world.pool, window);
        assertEq(okRecent, ok, "same availability");
        assertEq(tickRecent, tick, "same mean tick as observe");
    }

    /// @dev Sells (`sellWeth`) or buys WETH: `amount` WETH in, or `amount`'s worth of USDC in at ~3000.
    function _swap(bool sellWeth, uint256 amount) internal {
        bool wethIsToken0 = world.oracle.collateralIsToken0();
        bool zeroForOne = sellWeth == wethIsToken0;
        int256 amountIn = int256(sellWeth ? amount : amount * 3000 / 1e12);
        if (amountIn == 0) return;
        world.pool
            .swap(
                address(this),
                zeroForOne,
                amountIn,
                zeroForOne ? TickMathLib.MIN_SQRT_RATIO + 1 : TickMathLib.MAX_SQRT_RATIO - 1,
                ""
            );
    }
}
