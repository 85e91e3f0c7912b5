// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

import {IIrm} from "@morpho-org/morpho-blue/src/interfaces/IIrm.sol";
import {Market, MarketParams} from "@morpho-org/morpho-blue/src/interfaces/IMorpho.sol";

/// @title LinearKinkIrm
/// @notice A stateless two-slope ("kink") interest-rate model for Morpho Blue: the borrow rate rises linearly
/// with utilization from `baseRate` at 0% to `kinkRate` at `kink`, then steeply to `maxRate` at 100%, so lenders
/// are paid to restore liquidity when the market runs dry.
/// @dev Rates are set per year (WAD: 0.05e18 = 5% APR) and served per second, as Morpho expects; Morpho compounds
/// them (`wTaylorCompounded`). Utilization = totalBorrowAssets / totalSupplyAssets, capped at 100%.
/// Stateless, so `borrowRate` and `borrowRateView` agree.
contract LinearKinkIrm is IIrm {
    /// @notice Thrown when the curve is not increasing, the kink is not strictly inside (0, 100%), or a rate is
    /// above `MAX_RATE_PER_YEAR`.
    error InvalidCurve(uint256 baseRate, uint256 kinkRate, uint256 maxRate, uint256 kink);

    uint256 internal constant WAD = 1e18;
    uint256 internal constant SECONDS_PER_YEAR = 365 days;
    /// @notice Highest rate accepted at 100% utilization: 1000% a year.
    uint256 public constant MAX_RATE_PER_YEAR = 10e18;

    /// @notice Yearly borrow rate at 0% utilization (WAD).
    uint256 public immutable baseRate;
    /// @notice Yearly borrow rate at `kink` (WAD).
    uint256 public immutable kinkRate;
    /// @notice Yearly borrow rate at 100% utilization (WAD).
    uint256 public immutable maxRate;
    /// @notice Utilization at which the slope changes (WAD).
    uint256 public immutable kink;

    constructor(uint256 baseRate_, uint256 kinkRate_, uint256 maxRate_, uint256 kink_) {
        bool increasing = baseRate_ <= kinkRate_ && kinkRate_ <= maxRate_ && maxRate_ <= MAX_RATE_PER_YEAR;
        if (!increasing || kink_ == 0 || kink_ >= WAD) revert InvalidCurve(baseRate_, kinkRate_, maxRate_, kink_);
        baseRate = baseRate_;
        kinkRate = kinkRate_;
        maxRate = maxRate_;
        kink = kink_;
    }

    /// @inheritdoc IIrm
    function borrowRate(MarketParams memory, Market memory market) external view returns (uint256) {
        return _ratePerSecond(market);
    }

    /// @inheritdoc IIrm
    function borrowRateView(MarketParams memory, Market memory market) external view returns (uint256) {
        return _ratePerSecond(market);
    }

    /// @notice Utilization of `market` (WAD, at most 1e18).
    function utilization(Market memory market) public pure returns (uint256) {
        if (market.totalSupplyAssets == 0) return 0;
        if (market.totalBorrowAssets >= market.totalSupplyAssets) return WAD;
        return uint256(market.totalBorrowAssets) * WAD / market.totalSupplyAssets;
    }

    /// @notice Yearly borrow rate at utilization `u` (WAD), rounded down.
    function ratePerYear(uint256 u) public view returns (uint256) {
        if (u <= kink) return baseRate + (kinkRate - baseRate) * u / kink;
        if (u > WAD) u = WAD;
        return kinkRate + (maxRate - kinkRate) * (u - kink) / (WAD - kink);
    }

    function _ratePerSecond(Market memory market) internal view returns (uint256) {
        return ratePerYear(utilization(market)) / SECONDS_PER_YEAR;
    }
}
