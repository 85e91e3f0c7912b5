// SPDX-License-Identifier: BUSL-1.1
pragma solidity ^0.8.24;

import {IUniswapV3Pool} from "@uniswap/v3-core/contracts/interfaces/IUniswapV3Pool.sol";

import {IAggregatorV3} from "../interfaces/IAggregatorV3.sol";
import {PriceHealth} from "../interfaces/IBallastOracle.sol";
import {ChainlinkPriceLib} from "./ChainlinkPriceLib.sol";
import {PoolPriceLib} from "./PoolPriceLib.sol";
import {PriceDeviationLib} from "./PriceDeviationLib.sol";
import {UniswapV3TwapLib} from "./UniswapV3TwapLib.sol";

/// @title PriceHealthLib
/// @notice The one definition of `PriceHealth` (feed vs pool TWAP, staleness, deviation), shared by
/// `MorphoChainlinkOracle.health` and the leverage module, which computes it in place to save the oracle hop and to
/// reuse a TWAP already read in the same block. Never reverts (for a feed address with code).
library PriceHealthLib {
    /// @notice The pool's TWAP over `window` as a 1e36-scaled price of the collateral, rounded down; 0 when the pool
    /// cannot provide it (not enough history).
    /// @dev Constant within a block: swaps write the block's observation with the tick from before the block's first
    /// swap, so a caller may cache it for the rest of the block.
    function twapPrice(IUniswapV3Pool pool, uint32 window, bool collateralIsToken0) internal view returns (uint256) {
        (bool ok, int24 tick) = UniswapV3TwapLib.tryMeanTickRecent(pool, window);
        return ok ? PoolPriceLib.tickToPrice36Down(tick, collateralIsToken0) : 0;
    }

    /// @notice `PriceHealth` from the feed's latest answer and a TWAP price (0 = unavailable).
    function withTwap(
        IAggregatorV3 feed,
        uint256 scaleFactor,
        uint256 twap,
        uint256 maxStaleness,
        uint256 maxDeviationBps
    ) internal view returns (PriceHealth memory h) {
        (bool valid, uint256 answer, uint256 updatedAt) = ChainlinkPriceLib.tryRead(feed);
        h.feedUpdatedAt = updatedAt;
        // Saturating conversion: an absurd answer that would overflow counts as unusable instead of reverting.
        if (valid && answer <= type(uint256).max / scaleFactor) h.feedPrice = answer * scaleFactor;
        h.twapPrice = twap;
        h.deviationBps = PriceDeviationLib.deviationBpsUp(h.feedPrice, twap);
        h.fresh = h.feedPrice != 0 && ChainlinkPriceLib.isFresh(updatedAt, maxStaleness);
        h.agrees = h.deviationBps <= maxDeviationBps;
        h.healthy = h.fresh && h.agrees;
    }
}
