// SPDX-License-Identifier: BUSL-1.1
pragma solidity ^0.8.24;

/// @dev 1e18, the unit of leverage, fractions and per-year fee rates.
uint256 constant WAD = 1e18;

/// @dev 100% in basis points.
uint256 constant BPS = 10_000;

/// @title ConstantsLib
/// @notice Hard bounds that no role can move.
library ConstantsLib {
    /// @dev Shortest non-zero timelock. Zero is allowed only before deposits open.
    uint256 internal constant MIN_TIMELOCK = 1 days;
    /// @dev Longest timelock.
    uint256 internal constant MAX_TIMELOCK = 2 weeks;
    /// @dev Modules per vault (NAV sums over them on every deposit and exit).
    uint256 internal constant MAX_MODULES = 8;
    /// @dev Management fee cap: 5% a year (WAD per year).
    uint256 internal constant MAX_MANAGEMENT_FEE = 0.05e18;
    /// @dev Performance fee cap: 30% of gains above the high-water mark (WAD).
    uint256 internal constant MAX_PERFORMANCE_FEE = 0.3e18;
    /// @dev Cap on the NAV a single keeper call may lose: 2%.
    uint256 internal constant MAX_LOSS_BPS = 200;
    /// @dev Cap on the rolling loss budget: 10% of NAV per window.
    uint256 internal constant MAX_LOSS_BUDGET_BPS = 1000;
    /// @dev Bounds on the loss-budget window.
    uint256 internal constant MIN_LOSS_WINDOW = 1 hours;
    uint256 internal constant MAX_LOSS_WINDOW = 30 days;
    /// @dev Shares carry 6 more decimals than the asset (inflation-attack defence, with the seed deposit).
    uint8 internal constant DECIMALS_OFFSET = 6;
    /// @dev Where the seed deposit's shares live forever.
    address internal constant SEED_SHARES_HOLDER = address(0xdead);
    /// @dev Seconds per year used for management-fee accrual.
    uint256 internal constant SECONDS_PER_YEAR = 365 days;
}
