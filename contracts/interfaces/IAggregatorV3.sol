// SPDX-License-Identifier: BUSL-1.1
pragma solidity ^0.8.24;

/// @title IAggregatorV3
/// @notice The read interface of a Chainlink price feed (`AggregatorV3Interface`), declared here because
/// the Chainlink npm package cannot be installed from the npm registry alone. ABI-identical to Chainlink's, so a
/// mainnet deployment points at the live aggregators unchanged.
interface IAggregatorV3 {
    /// @notice Number of decimals of `answer` (8 for the USD feeds).
    function decimals() external view returns (uint8);

    /// @notice Human-readable pair, e.g. "ETH / USD".
    function description() external view returns (string memory);

    /// @notice Version of the aggregator implementation.
    function version() external view returns (uint256);

    /// @notice The data of round `roundId`.
    /// @dev Chainlink reverts for a round it has no data for.
    /// @return roundId The round id.
    /// @return answer The price, with `decimals()` decimals. Not guaranteed positive: consumers must check.
    /// @return startedAt When the round started.
    /// @return updatedAt When `answer` was last written. Consumers compare it with their staleness bound.
    /// @return answeredInRound Deprecated by Chainlink; equal to `roundId` on current aggregators.
    function getRoundData(uint80 roundId)
        external
        view
        returns (uint80, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound);

    /// @notice The data of the latest round; same fields as `getRoundData`.
    function latestRoundData()
        external
        view
        returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound);
}
