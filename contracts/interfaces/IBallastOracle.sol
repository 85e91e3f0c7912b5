// SPDX-License-Identifier: BUSL-1.1
pragma solidity ^0.8.24;

import {IOracle} from "@morpho-org/morpho-blue/src/interfaces/IOracle.sol";
import {IUniswapV3Pool} from "@uniswap/v3-core/contracts/interfaces/IUniswapV3Pool.sol";

import {IAggregatorV3} from "./IAggregatorV3.sol";

/// @notice Everything a module needs to know about its prices, read without reverting.
/// @dev All prices use Morpho's `IOracle` unit: loan-token base units per collateral-token base unit, times 1e36.
struct PriceHealth {
    /// @dev Feed price (1e36-scaled); 0 when the feed's answer is unusable (<= 0, or the call failed).
    uint256 feedPrice;
    /// @dev The feed's `updatedAt`; 0 when the call failed.
    uint256 feedUpdatedAt;
    /// @dev Time-weighted pool price over `twapWindow()` (1e36-scaled); 0 when the pool cannot provide it.
    uint256 twapPrice;
    /// @dev |feedPrice - twapPrice| / feedPrice in basis points, rounded up; type(uint256).max when either is 0.
    uint256 deviationBps;
    /// @dev True when the feed answer is usable and no older than the staleness bound.
    bool fresh;
    /// @dev True when both prices exist and deviate by at most the deviation bound.
    bool agrees;
    /// @dev fresh && agrees: risk-increasing actions may use `feedPrice`.
    bool healthy;
}

/// @title IBallastOracle
/// @notice One price source for both Morpho Blue (through `price()`) and a Ballast leverage module (through the
/// checked and non-reverting views below), so the market and the module always agree on units.
/// @dev Primary source: a Chainlink-style feed quoting the collateral token in the loan token's unit (e.g. ETH/USD
/// for WETH/USDC: USDC is treated as 1 USD). Second source: the time-weighted average tick of a Uniswap V3 pool of
/// the same pair.
interface IBallastOracle is IOracle {
    /// @notice The primary feed.
    function feed() external view returns (IAggregatorV3);

    /// @notice The Uniswap V3 pool whose TWAP is the second source.
    function pool() external view returns (IUniswapV3Pool);

    /// @notice The token priced (Morpho's collateral token, the vault asset).
    function collateralToken() external view returns (address);

    /// @notice The token prices are quoted in (Morpho's loan token).
    function loanToken() external view returns (address);

    /// @notice Whether `collateralToken` is the pool's token0.
    function collateralIsToken0() external view returns (bool);

    /// @notice The TWAP window in seconds.
    function twapWindow() external view returns (uint32);

    /// @notice 10^(36 + loan decimals - collateral decimals - feed decimals): feed answer -> 1e36-scaled price.
    function scaleFactor() external view returns (uint256);

    /// @notice Morpho's price: the latest feed answer, 1e36-scaled, whatever its age.
    /// @dev Reverts with `InvalidPrice` when the answer is <= 0 (a zero price would let liquidators seize collateral
    /// for nothing). Warning: it does NOT revert on a stale answer, on purpose: Morpho calls `price()` in
    /// `withdrawCollateral` and `liquidate`, and a reverting oracle would lock every leveraged exit of the vault
    /// (exits must work with a stale feed). Staleness is enforced by the module before risk-increasing actions
    /// (`freshPrice`, `checkedPrice`), and a stale feed marks the module unhealthy (`health`).
    function price() external view returns (uint256);

    /// @notice The feed price, 1e36-scaled, and its `updatedAt`.
    /// @dev Reverts with `StalePrice` when older than `maxStaleness` and `InvalidPrice` when the answer is <= 0.
    function freshPrice(uint256 maxStaleness) external view returns (uint256 price, uint256 updatedAt);

    /// @notice The pool's time-weighted price over `twapWindow()`, 1e36-scaled, rounded down.
    /// @dev Reverts when the pool's observations do not reach back `twapWindow()` seconds (the pool's "OLD").
    function twapPrice() external view returns (uint256);

    /// @notice The pool's current (spot) price from slot0, 1e36-scaled, rounded down. Manipulable within a block:
    /// for display and tests only.
    function spotPrice() external view returns (uint256);

    /// @notice The feed price, after checking that it is fresh and within `maxDeviationBps` of the TWAP.
    /// @dev Reverts with `StalePrice`, `InvalidPrice` or `PriceDeviationTooHigh`. For risk-increasing actions.
    function checkedPrice(uint256 maxStaleness, uint256 maxDeviationBps) external view returns (uint256);

    /// @notice Both sources and whether they can be trusted. Never reverts.
    function health(uint256 maxStaleness, uint256 maxDeviationBps) external view returns (PriceHealth memory);

    /// @notice The price to value a position with. Never reverts.
    /// @dev Healthy: the feed price. Unhealthy: the LOWER of the usable sources (a stale feed still counts), which
    /// values collateral low and debt high, so the reported equity is never above what either source supports.
    /// Returns 0 when neither source is usable (callers treat the position as worthless until a price returns).
    /// @return price The valuation price, 1e36-scaled.
    /// @return healthy `health(maxStaleness, maxDeviationBps).healthy`.
    function valuationPrice(uint256 maxStaleness, uint256 maxDeviationBps)
        external
        view
        returns (uint256 price, bool healthy);
}
