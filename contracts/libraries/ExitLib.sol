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

    /// @notice Unwinds the same fraction of every module with equity so that their equity falls by at
    /// least `shortfall` (grossed up by the modules' declared cost bound when `grossUp`, so that the
    /// proceeds cover it).
    /// @dev Each module's equity is read once, for the fraction and for the "has equity" test.
    /// @return worstCost The modules' declared worst-case cost for this unwind.
    function unwindForShortfall(address[] storage modules, uint256 shortfall, bool grossUp)
        external
        returns (uint256 worstCost)
    {
        (uint256[] memory equities, uint256 equity, uint256 weightedCost, uint256 count) = _equitiesAndCost(modules);
        uint256 fraction;
        (fraction, worstCost) = _fraction(equity, weightedCost, count, shortfall, grossUp);
        uint256 length = equities.length;
        for (uint256 i; i < length; ++i) {
            if (equities[i] != 0) IStrategyModule(modules[i]).unwind(fraction);
        }
    }

    /// @notice The WAD fraction of every module to unwind for `shortfall`, and the modules' worst-case
    /// cost for it (rounded up, so previews never over-promise).
    function exitFraction(address[] storage modules, uint256 shortfall, bool grossUp)
        public
        view
        returns (uint256 fraction, uint256 worstCost)
    {
        (, uint256 equity, uint256 weightedCost, uint256 count) = _equitiesAndCost(modules);
        return _fraction(equity, weightedCost, count, shortfall, grossUp);
    }

    /// @dev Each module's equity (0 for a module without equity), their sum, the sum of equity * unwindCostBps /
    /// BPS (each rounded up), and how many modules hold equity.
    function _equitiesAndCost(address[] storage modules)
        private
        view
        returns (uint256[] memory equities, uint256 equity, uint256 weightedCost, uint256 count)
    {
        uint256 length = modules.length;
        equities = new uint256[](length);
        for (uint256 i; i < length; ++i) {
            IStrategyModule module = IStrategyModule(modules[i]);
            uint256 moduleEquity = module.totalAssets();
            if (moduleEquity == 0) continue;
            equities[i] = moduleEquity;
            equity += moduleEquity;
            weightedCost += moduleEquity.mulDiv(Math.min(module.unwindCostBps(), BPS), BPS, Math.Rounding.Ceil);
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
