// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {WAD, BPS} from "@ballast/libraries/ConstantsLib.sol";

/// @dev A position valued at one price. `debtInAssets` rounds up, so equity and leverage err against the holder.
struct Valued {
    uint256 collateral;
    uint256 debt;
    uint256 debtInAssets;
    uint256 leverage;
}

/// @title LeverageMathLib
/// @notice The valuation and sizing arithmetic of `MorphoLeverageModule`: a position's debt in collateral, its equity,
/// leverage and LTV at one price, the worst post-trade state a trade can leave, the delever size that reaches a
/// destination, and the unwind cost bound. Pure; no reads.
/// @dev Units: leverage and LTV WAD; prices in Morpho's oracle unit (loan base units per collateral base unit, times
/// 1e36); amounts in collateral units unless named for the loan token. Internal functions (inlined into the module).
library LeverageMathLib {
    using Math for uint256;

    /// @dev Morpho's `ORACLE_PRICE_SCALE`.
    uint256 internal constant ORACLE_PRICE_SCALE = 1e36;

    /// @notice `collateral` and `debt` (loan units) valued at `price`: debt in collateral rounded up (max when the
    /// price is 0), leverage rounded up (WAD without debt, max without equity).
    function value(uint256 collateral, uint256 debt, uint256 price) internal pure returns (Valued memory v) {
        v.collateral = collateral;
        v.debt = debt;
        finish(v, price);
    }

    /// @notice Fills `debtInAssets` and `leverage` of `v` from its collateral and debt at `price`.
    function finish(Valued memory v, uint256 price) internal pure {
        uint256 debtInAssets;
        if (v.debt == 0) debtInAssets = 0;
        else if (price == 0) debtInAssets = type(uint256).max;
        else debtInAssets = v.debt.mulDiv(ORACLE_PRICE_SCALE, price, Math.Rounding.Ceil);
        v.debtInAssets = debtInAssets;

        uint256 collateral = v.collateral;
        if (debtInAssets == 0) v.leverage = WAD;
        else if (debtInAssets >= collateral) v.leverage = type(uint256).max;
        else v.leverage = collateral.mulDiv(WAD, collateral - debtInAssets, Math.Rounding.Ceil);
    }

    /// @notice Collateral minus debt at the valuation's price, floored at zero: what `totalAssets` reports.
    function equity(Valued memory v) internal pure returns (uint256) {
        return v.collateral > v.debtInAssets ? v.collateral - v.debtInAssets : 0;
    }

    /// @notice debtInAssets / collateral, WAD, rounded up; max when it does not fit (or without collateral but debt).
    function ltv(Valued memory v) internal pure returns (uint256) {
        if (v.collateral == 0) return v.debtInAssets == 0 ? 0 : type(uint256).max;
        if (v.debtInAssets / v.collateral >= type(uint256).max / WAD) return type(uint256).max;
        return v.debtInAssets.mulDiv(WAD, v.collateral, Math.Rounding.Ceil);
    }

    /// @notice The unwind cost bound of `v`: its debt share of equity times `slippageBps`, plus 1 bp for rounding,
    /// capped at BPS (BPS without equity).
    function unwindCostBps(Valued memory v, uint256 slippageBps) internal pure returns (uint256) {
        if (v.debtInAssets == 0) return 0;
        if (v.collateral <= v.debtInAssets) return BPS;
        uint256 positionEquity = v.collateral - v.debtInAssets;
        if (v.debtInAssets / positionEquity >= BPS) return BPS;
        return Math.min(v.debtInAssets.mulDiv(slippageBps, positionEquity, Math.Rounding.Ceil) + 1, BPS);
    }

    /// @notice The most loan token a lever-up buying `amount` collateral may pay: the price plus the slippage bound.
    function maxLoanIn(uint256 amount, uint256 price, uint256 slippageBps) internal pure returns (uint256) {
        return amount.mulDiv(price, ORACLE_PRICE_SCALE).mulDiv(BPS + slippageBps, BPS);
    }

    /// @notice The post-trade position at `price` with the full slippage paid.
    function predict(Valued memory pre, bool leverUp, uint256 amount, uint256 price, uint256 slippageBps)
        internal
        pure
        returns (Valued memory post)
    {
        if (leverUp) {
            post.collateral = pre.collateral + amount;
            post.debt = pre.debt
                + amount.mulDiv(price, ORACLE_PRICE_SCALE, Math.Rounding.Ceil)
                    .mulDiv(BPS + slippageBps, BPS, Math.Rounding.Ceil);
        } else {
            uint256 repaid = Math.min(amount.mulDiv(price, ORACLE_PRICE_SCALE), pre.debt);
            uint256 sold = repaid.mulDiv(ORACLE_PRICE_SCALE, price, Math.Rounding.Ceil)
                .mulDiv(BPS + slippageBps, BPS, Math.Rounding.Ceil);
            post.collateral = pre.collateral > sold ? pre.collateral - sold : 0;
            post.debt = pre.debt - repaid;
        }
        finish(post, price);
    }

    /// @notice Collateral (valued at `price`) to sell to take leverage down to `destination` and not past it even if
    /// the pool pays up to `bestPrice` (>= `price`): the repay is `amount * price` of loan token, and the less
    /// collateral it costs, the lower the leverage after. With C collateral, B debt in collateral at `price`, d the
    /// destination and q = price / bestPrice: amount = (d B - (d - 1) C) / (d - (d - 1) q), which is the zero-cost
    /// C - d (C - B) when q = 1. Rounded down.
    function sizeToReach(Valued memory v, uint256 destination, uint256 price, uint256 bestPrice)
        internal
        pure
        returns (uint256)
    {
        if (v.debtInAssets >= v.collateral) return v.collateral;
        uint256 excess = destination - WAD;
        uint256 wanted = v.debtInAssets.mulDiv(destination, WAD);
        uint256 kept = v.collateral.mulDiv(excess, WAD, Math.Rounding.Ceil);
        if (wanted <= kept) return 0;
        uint256 denominator = destination - excess.mulDiv(price, bestPrice);
        return (wanted - kept).mulDiv(WAD, denominator);
    }
}
