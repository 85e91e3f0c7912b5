// SPDX-License-Identifier: BUSL-1.1
pragma solidity ^0.8.24;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

/// @title PriceDeviationLib
/// @notice How far the second source (the pool's TWAP) is from the primary feed, relative to the feed.
library PriceDeviationLib {
    /// @notice Thrown when the two sources disagree by more than the caller's bound.
    /// @param feedPrice The primary price.
    /// @param twapPrice The second source's price, in the same unit.
    /// @param deviationBps |feedPrice - twapPrice| / feedPrice in basis points, rounded up.
    /// @param maxBps The bound.
    error PriceDeviationTooHigh(uint256 feedPrice, uint256 twapPrice, uint256 deviationBps, uint256 maxBps);

    /// @dev 100% in basis points.
    uint256 internal constant BPS = 10_000;

    /// @notice |feedPrice - twapPrice| / feedPrice in basis points, rounded up (a borderline disagreement counts
    /// against the caller). type(uint256).max when either price is 0 (a missing price never agrees).
    function deviationBpsUp(uint256 feedPrice, uint256 twapPrice) internal pure returns (uint256) {
        if (feedPrice == 0 || twapPrice == 0) return type(uint256).max;
        uint256 diff = feedPrice > twapPrice ? feedPrice - twapPrice : twapPrice - feedPrice;
        // Saturate instead of letting mulDiv overflow: this feeds non-reverting health views.
        if (diff / feedPrice >= type(uint256).max / BPS) return type(uint256).max;
        return Math.mulDiv(diff, BPS, feedPrice, Math.Rounding.Ceil);
    }

    /// @notice Whether the two prices deviate by at most `maxDeviationBps`.
    function agrees(uint256 feedPrice, uint256 twapPrice, uint256 maxDeviationBps) internal pure returns (bool) {
        return deviationBpsUp(feedPrice, twapPrice) <= maxDeviationBps;
    }

    /// @notice Reverts with `PriceDeviationTooHigh` unless the prices deviate by at most `maxDeviationBps`.
    function checkDeviation(uint256 feedPrice, uint256 twapPrice, uint256 maxDeviationBps) internal pure {
        uint256 deviationBps = deviationBpsUp(feedPrice, twapPrice);
        if (deviationBps > maxDeviationBps) {
            revert PriceDeviationTooHigh(feedPrice, twapPrice, deviationBps, maxDeviationBps);
        }
    }
}
