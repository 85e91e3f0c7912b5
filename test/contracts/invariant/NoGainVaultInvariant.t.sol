// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

import {VaultInvariantFixture} from "./VaultInvariantFixture.sol";

/// @notice The same actors with no external gain (no module gain, no donation): share value can only fall
/// (losses, fees, unwind costs) or rise by rounding dust, so no depositor may come out ahead.
contract NoGainVaultInvariantTest is VaultInvariantFixture {
    function _selectors() internal pure override returns (bytes4[] memory) {
        return _selectorsWithoutGains();
    }

    /// @notice Per depositor: assets out + the value of the shares still held <= assets in, up to a wei of
    /// rounding per entry or exit in the whole run (rounding dust can land on any holder).
    function invariant_noRoundTripProfitWithoutGains() public view {
        assertEq(handler.ghost_externalGains(), 0, "a gain slipped into the no-gain run");
        uint256 tolerance = 2 * handler.ghost_userOps() + 2;
        for (uint256 i; i < depositors.length; ++i) {
            address depositor = depositors[i];
            uint256 out = handler.ghost_assetsOut(depositor) + vault.convertToAssets(vault.balanceOf(depositor));
            assertLe(out, handler.ghost_assetsIn(depositor) + tolerance, "depositor round-tripped for a profit");
        }
    }

    /// @notice Nobody's exit lowers the share price of those who stay (also without gains to mask it).
    function invariant_exitsNeverLowerSharePriceWithoutGains() public view {
        assertEq(handler.ghost_maxExitPriceDrop(), 0, "an exit lowered the share price");
    }

    function invariant_callSummary() public view {
        _logCallSummary();
    }
}
