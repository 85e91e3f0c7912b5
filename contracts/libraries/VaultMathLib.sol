// SPDX-License-Identifier: BUSL-1.1
pragma solidity ^0.8.24;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {VaultLimits} from "../interfaces/IBallastVault.sol";
import {ConstantsLib, WAD, BPS} from "./ConstantsLib.sol";

/// @title VaultMathLib
/// @notice Share conversions, fee accrual and loss-budget arithmetic of the Ballast vault. Rounding
/// direction is in every name; conversions use OpenZeppelin's virtual offset (`10**offset` virtual
/// shares, one virtual asset) so the vault and its previews agree to the wei.
library VaultMathLib {
    using Math for uint256;

    /* CONVERSIONS */

    function toShares(uint256 assets, uint256 nav, uint256 supply, uint8 offset, Math.Rounding rounding)
        internal
        pure
        returns (uint256)
    {
        return assets.mulDiv(supply + 10 ** offset, nav + 1, rounding);
    }

    function toAssets(uint256 shares, uint256 nav, uint256 supply, uint8 offset, Math.Rounding rounding)
        internal
        pure
        returns (uint256)
    {
        return shares.mulDiv(nav + 1, supply + 10 ** offset, rounding);
    }

    function toSharesDown(uint256 assets, uint256 nav, uint256 supply, uint8 offset) internal pure returns (uint256) {
        return toShares(assets, nav, supply, offset, Math.Rounding.Floor);
    }

    function toSharesUp(uint256 assets, uint256 nav, uint256 supply, uint8 offset) internal pure returns (uint256) {
        return toShares(assets, nav, supply, offset, Math.Rounding.Ceil);
    }

    function toAssetsDown(uint256 shares, uint256 nav, uint256 supply, uint8 offset) internal pure returns (uint256) {
        return toAssets(shares, nav, supply, offset, Math.Rounding.Floor);
    }

    function toAssetsUp(uint256 shares, uint256 nav, uint256 supply, uint8 offset) internal pure returns (uint256) {
        return toAssets(shares, nav, supply, offset, Math.Rounding.Ceil);
    }

    /// @dev `toSharesDown` that returns type(uint256).max instead of overflowing (for `maxMint` with an
    /// unlimited cap).
    function toSharesDownSaturating(uint256 assets, uint256 nav, uint256 supply, uint8 offset)
        internal
        pure
        returns (uint256)
    {
        uint256 virtualSupply = supply + 10 ** offset;
        (uint256 high,) = _mul512(assets, virtualSupply);
        // mulDiv overflows iff the 512-bit product's high word is >= the divisor.
        if (high >= nav + 1) return type(uint256).max;
        return assets.mulDiv(virtualSupply, nav + 1);
    }

    /// @dev Assets per share, WAD-scaled, virtual offset included.
    function sharePrice(uint256 nav, uint256 supply, uint8 offset) internal pure returns (uint256) {
        return (nav + 1).mulDiv(WAD, supply + 10 ** offset);
    }

    function zeroFloorSub(uint256 a, uint256 b) internal pure returns (uint256) {
        return a > b ? a - b : 0;
    }

    /* FEES */

    struct FeeInputs {
        uint256 nav;
        uint256 supply;
        uint256 elapsed;
        uint256 managementFee;
        uint256 performanceFee;
        uint256 highWaterMark;
        uint8 decimalsOffset;
    }

    /// @notice Fee shares to mint for `elapsed` seconds at NAV `nav`, and the new high-water mark.
    /// @dev Management fee: nav * rate * elapsed / year. Performance fee: a share of the gain in share
    /// price above the high-water mark, measured after the management fee. Both are minted as shares
    /// worth exactly the fee (rounded down, in the depositors' favour); NAV itself does not move.
    function feeShares(FeeInputs memory f)
        internal
        pure
        returns (uint256 managementShares, uint256 performanceShares, uint256 newHighWaterMark)
    {
        newHighWaterMark = f.highWaterMark;
        uint256 managementAssets =
            Math.min(f.nav.mulDiv(f.managementFee * f.elapsed, WAD * ConstantsLib.SECONDS_PER_YEAR), f.nav);
        uint256 virtualSupply = f.supply + 10 ** f.decimalsOffset;
        uint256 price = (f.nav - managementAssets + 1).mulDiv(WAD, virtualSupply);
        uint256 performanceAssets;
        if (price > f.highWaterMark && f.performanceFee != 0) {
            uint256 gain = (price - f.highWaterMark).mulDiv(virtualSupply, WAD);
            performanceAssets = gain.mulDiv(f.performanceFee, WAD);
        }
        uint256 feeAssets = managementAssets + performanceAssets;
        uint256 totalShares;
        if (feeAssets != 0 && feeAssets < f.nav) {
            totalShares = feeAssets.mulDiv(virtualSupply, f.nav - feeAssets + 1);
            managementShares = totalShares.mulDiv(managementAssets, feeAssets);
            performanceShares = totalShares - managementShares;
        }
        if (price > f.highWaterMark) {
            newHighWaterMark = Math.max(f.highWaterMark, (f.nav + 1).mulDiv(WAD, virtualSupply + totalShares));
        }
    }

    /* LOSS BUDGET */

    /// @notice The loss budget still in use after a linear refill of `budgetBps` per `window` seconds.
    function decayedLoss(uint256 used, uint256 updatedAt, uint256 budgetBps, uint256 window)
        internal
        view
        returns (uint256)
    {
        if (used == 0) return 0;
        uint256 refill = (block.timestamp - updatedAt).mulDiv(budgetBps * WAD, window * BPS);
        return zeroFloorSub(used, refill);
    }

    /// @notice Whether `next` loosens any field of `current`.
    function loosens(VaultLimits memory current, VaultLimits memory next) internal pure returns (bool) {
        return next.maxLossBps > current.maxLossBps || next.lossBudgetBps > current.lossBudgetBps
            || next.lossWindow < current.lossWindow || next.depositCap > current.depositCap;
    }

    function _mul512(uint256 a, uint256 b) private pure returns (uint256 high, uint256 low) {
        assembly ("memory-safe") {
            let mm := mulmod(a, b, not(0))
            low := mul(a, b)
            high := sub(sub(mm, low), lt(mm, low))
        }
    }
}
