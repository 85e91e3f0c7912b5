// SPDX-License-Identifier: BUSL-1.1
pragma solidity ^0.8.24;

import {IAggregatorV3} from "../interfaces/IAggregatorV3.sol";

/// @title ChainlinkPriceLib
/// @notice Reads a Chainlink-style feed: a usable answer is > 0; a fresh one is also at most `maxStaleness` old.
/// @dev `answeredInRound` is not checked: Chainlink deprecated it and current aggregators set it to `roundId`.
library ChainlinkPriceLib {
    /// @notice Thrown when the feed's last update is older than the caller's bound.
    /// @param updatedAt The feed's `updatedAt`.
    /// @param maxStaleness The largest age accepted, in seconds.
    /// @param timestamp The current block timestamp.
    error StalePrice(uint256 updatedAt, uint256 maxStaleness, uint256 timestamp);
    /// @notice Thrown when the feed's answer is zero or negative.
    error InvalidPrice(int256 answer);
    /// @notice Thrown when a feed cannot be converted to a 1e36-scaled price (36 + quote - base - feed < 0).
    error UnsupportedDecimals(uint8 feedDecimals, uint8 baseDecimals, uint8 quoteDecimals);

    /// @notice The latest answer and its `updatedAt`, whatever its age.
    /// @dev Reverts with `InvalidPrice` when the answer is <= 0.
    function readValid(IAggregatorV3 feed) internal view returns (uint256 answer, uint256 updatedAt) {
        int256 rawAnswer;
        (, rawAnswer,, updatedAt,) = feed.latestRoundData();
        if (rawAnswer <= 0) revert InvalidPrice(rawAnswer);
        answer = uint256(rawAnswer);
    }

    /// @notice The latest answer and its `updatedAt`, checked usable and at most `maxStaleness` seconds old.
    /// @dev Reverts with `InvalidPrice` or `StalePrice`.
    function readFresh(IAggregatorV3 feed, uint256 maxStaleness)
        internal
        view
        returns (uint256 answer, uint256 updatedAt)
    {
        (answer, updatedAt) = readValid(feed);
        if (!isFresh(updatedAt, maxStaleness)) revert StalePrice(updatedAt, maxStaleness, block.timestamp);
    }

    /// @notice The latest answer without reverting: `valid` is false when the call fails or the answer is <= 0.
    /// @dev Only failures inside the feed are caught; a feed address without code still reverts (the caller's
    /// feed is an immutable checked at deployment).
    function tryRead(IAggregatorV3 feed) internal view returns (bool valid, uint256 answer, uint256 updatedAt) {
        try feed.latestRoundData() returns (uint80, int256 rawAnswer, uint256, uint256 rawUpdatedAt, uint80) {
            if (rawAnswer > 0) return (true, uint256(rawAnswer), rawUpdatedAt);
            return (false, 0, rawUpdatedAt);
        } catch {
            return (false, 0, 0);
        }
    }

    /// @notice Whether an update at `updatedAt` is at most `maxStaleness` seconds old. A timestamp in the future
    /// counts as age 0.
    function isFresh(uint256 updatedAt, uint256 maxStaleness) internal view returns (bool) {
        return block.timestamp <= updatedAt || block.timestamp - updatedAt <= maxStaleness;
    }

    /// @notice The factor turning an answer into Morpho's unit (quote base units per base base unit, times 1e36):
    /// 10^(36 + quoteDecimals - baseDecimals - feedDecimals).
    /// @dev E.g. ETH/USD (8 decimals) for WETH (18) in USDC (6): 10^16, so 3000e8 -> 3e27 (= 3000e6 * 1e36 / 1e18).
    function scaleFactor(uint8 feedDecimals, uint8 baseDecimals, uint8 quoteDecimals) internal pure returns (uint256) {
        uint256 up = 36 + uint256(quoteDecimals);
        uint256 down = uint256(baseDecimals) + uint256(feedDecimals);
        if (down > up || up - down > 77) revert UnsupportedDecimals(feedDecimals, baseDecimals, quoteDecimals);
        return 10 ** (up - down);
    }
}
