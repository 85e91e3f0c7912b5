// SPDX-License-Identifier: BUSL-1.1
pragma solidity ^0.8.24;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {IStrategyModule} from "../interfaces/IStrategyModule.sol";
import {WAD, BPS} from "./ConstantsLib.sol";

/// @title ExitLib
/// @notice The pro-rata unwind behind exits that idle assets do not cover. Linked (external) so the
/// vault stays under the contract size limit; exits paid from idle never call it.
/// @dev Runs in the vault's context (delegatecall): `modules` is the vault's storage array and the
/// modules see the vault as caller.
library ExitLib {
    using Math for uint256;

    /// @notice A module's equity and its declared unwind cost bound, read together
    /// (`IStrategyModule.totalAssetsAndUnwindCost`): one valuation instead of two.
    struct Quote {
        uint256 equity;
        uint256 costBps;
    }

    /// @notice Unwinds the same fraction of every module with equity so that their equity falls by at
    /// least `shortfall` (grossed up by the modules' declared cost bound when `grossUp`, so that the
    /// proceeds cover it).
    /// @dev `quotes` are the modules' equities and cost bounds as the vault read them for this exit's NAV (same
    /// transaction, nothing moved since), in `modules` order; empty to have them read here. Each equity is used for
    /// the fraction and for the "has equity" test.
    /// @return worstCost The modules' declared worst-case cost for this unwind.
    function unwindForShortfall(address[] storage modules, Quote[] memory quotes, uint256 shortfall, bool grossUp)
        external
        returns (uint256 worstCost)
    {
        if (quotes.length == 0) quotes = _quote(modules);
        (uint256 equity, uint256 weightedCost, uint256 count) = _cost(quotes);
        uint256 fraction;
        (fraction, worstCost) = _fraction(equity, weightedCost, count, shortfall, grossUp);
        uint256 length = quotes.length;
        for (uint256 i; i < length; ++i) {
            if (quotes[i].equity != 0) IStrategyModule(modules[i]).unwind(fraction);
        }
    }

    /// @notice The WAD fraction of every module to unwind for `shortfall`, and the modules' worst-case
    /// cost for it (rounded up, so previews never over-promise).
    function exitFraction(address[] storage modules, uint256 shortfall, bool grossUp)
        public
        view
        returns (uint256 fraction, uint256 worstCost)
    {
        (uint256 equity, uint256 weightedCost, uint256 count) = _cost(_quote(modules));
        return _fraction(equity, weightedCost, count, shortfall, grossUp);
    }

    /// @dev Every module's `totalAssetsAndUnwindCost`, in `modules` order (the vault's exit path reads them the same
    /// way while summing its NAV).
    function _quote(address[] storage modules) private view returns (Quote[] memory quotes) {
        uint256 length = modules.length;
        quotes = new Quote[](length);
        for (uint256 i; i < length; ++i) {
            (quotes[i].equity, quotes[i].costBps) = IStrategyModule(modules[i]).totalAssetsAndUnwindCost();
        }
    }

    /// @dev The sum of the equities, the sum of equity * costBps / BPS (each rounded up; only modules with equity
    /// count), and how many modules hold equity.
    function _cost(Quote[] memory quotes) private pure returns (uint256 equity, uint256 weightedCost, uint256 count) {
        uint256 length = quotes.length;
        for (uint256 i; i < length; ++i) {
            uint256 moduleEquity = quotes[i].equity;
            if (moduleEquity == 0) continue;
            equity += moduleEquity;
            weightedCost += moduleEquity.mulDiv(Math.min(quotes[i].costBps, BPS), BPS, Math.Rounding.Ceil);
            ++count;
        }
    }

    function _fraction(uint256 equity, uint256 weightedCost, uint256 count, uint256 shortfall, bool grossUp)
        private
        pure
        returns (uint256 fraction, uint256 worstCost)
    {
        if (equity == 0) return (0, 0);
        // Each module rounds the amount it unwinds down and its cost up, by up to a wei each: unwind that
        // much more, and allow that much more cost, so previews stay promises.
        uint256 needed = shortfall + 2 * count;
        if (grossUp) {
            // Proceeds are at least equity unwound * (1 - cost bound): unwind enough to cover the shortfall.
            if (weightedCost >= equity) return (WAD, weightedCost + count);
            needed = needed.mulDiv(equity, equity - weightedCost, Math.Rounding.Ceil);
        }
        fraction = Math.min(needed.mulDiv(WAD, equity, Math.Rounding.Ceil), WAD);
        worstCost = weightedCost.mulDiv(fraction, WAD, Math.Rounding.Ceil) + count;
    }
}
