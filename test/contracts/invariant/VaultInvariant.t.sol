// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

import {VaultLimits} from "@ballast/interfaces/IBallastVault.sol";
import {ConstantsLib, WAD, BPS} from "@ballast/libraries/ConstantsLib.sol";
import {VaultInvariantFixture} from "./VaultInvariantFixture.sol";

/// @notice Handler-based invariants of the Ballast vault with two modules, every actor active and external
/// gains on. `NoGainVaultInvariantTest` runs the same actors without gains, where no depositor may come
/// out ahead.
contract VaultInvariantTest is VaultInvariantFixture {
    /* ACCOUNTING */

    /// @notice Every share is held by a tracked holder: depositors, the seed holder and the fee recipient.
    function invariant_supplyEqualsSumOfBalances() public view {
        uint256 sum = vault.balanceOf(ConstantsLib.SEED_SHARES_HOLDER) + vault.balanceOf(FEE_RECIPIENT);
        for (uint256 i; i < depositors.length; ++i) {
            sum += vault.balanceOf(depositors[i]);
        }
        assertEq(sum, vault.totalSupply(), "sum of balances != totalSupply");
    }

    /// @notice NAV is idle plus every module's equity, and no asset leaves the tracked accounts.
    function invariant_navEqualsIdlePlusModules() public view {
        uint256 idleAssets = asset.balanceOf(address(vault));
        assertEq(vault.idle(), idleAssets, "idle != asset balance");
        assertEq(
            vault.totalAssets(), idleAssets + module.totalAssets() + module2.totalAssets(), "NAV != idle + modules"
        );
        address[] memory enabled = vault.modules();
        assertEq(enabled.length, 2, "module list changed");

        uint256 held = idleAssets + module.totalAssets() + module2.totalAssets()
            + asset.balanceOf(handler.EXTERNAL_RECEIVER()) + asset.balanceOf(address(this));
        for (uint256 i; i < depositors.length; ++i) {
            held += asset.balanceOf(depositors[i]);
        }
        assertEq(held, asset.totalSupply(), "assets left the tracked accounts");
    }

    /// @notice Fee shares only reach the fee recipient, only as the accrual owed, and nothing else mints.
    function invariant_feeSharesOnlyFromAccrual() public view {
        assertEq(handler.ghost_unaccountedFeeMints(), 0, "fee shares minted outside accrual");
        assertEq(handler.ghost_unaccountedSupplyChanges(), 0, "supply moved without a matching mint or burn");
        assertEq(vault.balanceOf(FEE_RECIPIENT), handler.ghost_feeSharesMinted(), "fee recipient balance");
        assertLe(vault.managementFee(), ConstantsLib.MAX_MANAGEMENT_FEE, "management fee above cap");
        assertLe(vault.performanceFee(), ConstantsLib.MAX_PERFORMANCE_FEE, "performance fee above cap");
    }

    /* DEPOSITORS */

    /// @notice Paused or shut down: no deposit has gone through, and the max views say so.
    function invariant_noDepositWhilePaused() public view {
        assertEq(handler.ghost_depositsWhilePaused(), 0, "deposit succeeded while paused");
        if (vault.paused() || vault.isShutdown()) {
            for (uint256 i; i < depositors.length; ++i) {
                assertEq(vault.maxDeposit(depositors[i]), 0, "maxDeposit open while paused");
                assertEq(vault.maxMint(depositors[i]), 0, "maxMint open while paused");
            }
        }
    }

    /// @notice Without external gains nobody gets out more than they put in (beyond rounding); with gains,
    /// depositors as a whole get out at most what they put in plus the gains.
    function invariant_noRoundTripProfit() public view virtual {
        assertLe(
            handler.ghost_totalAssetsOut(),
            handler.ghost_totalAssetsIn() + handler.ghost_externalGains() + SEED,
            "depositors took out more than in + gains"
        );
    }

    /// @notice Previews never promise more than execution gives: deposit >= previewDeposit shares, mint <=
    /// previewMint assets, redeem >= previewRedeem assets, withdraw <= previewWithdraw shares (when the real
    /// unwind cost is within the declared one), in every block.
    function invariant_previewsMatchExecution() public view {
        assertEq(handler.ghost_previewMismatches(), 0, "an entry or exit did worse than its preview");
    }

    /// @notice A withdrawal of at most `maxWithdraw` never fails for lack of shares, and a standard exit is
    /// never refused while every module's real unwind cost is within its declared bound (ERC-4626: max* and
    /// the standard overloads must not promise what execution refuses).
    function invariant_exitBoundsHonoured() public view {
        assertEq(handler.ghost_maxWithdrawRefusals(), 0, "a withdrawal within maxWithdraw was refused");
        assertEq(handler.ghost_standardExitDustRefusals(), 0, "a standard exit within declared costs was refused");
    }

    /// @notice Nobody's exit lowers the share price of those who stay.
    function invariant_exitsNeverLowerSharePrice() public view {
        assertEq(handler.ghost_maxExitPriceDrop(), 0, "an exit lowered the share price");
    }

    /// @notice Every depositor can always leave with their whole balance through the max-loss overload at
    /// 100% - as things are, and with the vault paused and every oracle unhealthy on top.
    function invariant_exitsAlwaysPossible() public {
        assertEq(handler.ghost_exitsBlockedByUnwindRounding(), 0, "an exit was blocked: unwind proceeds fell short");
        for (uint256 i; i < depositors.length; ++i) {
            _assertFullExit(depositors[i], false);
            _assertFullExit(depositors[i], true);
        }
    }

    /// @notice max*, preview* and convert* never revert, for any depositor and amount shape.
    function invariant_viewsNeverRevert() public view {
        for (uint256 i; i < depositors.length; ++i) {
            address depositor = depositors[i];
            vault.maxDeposit(depositor);
            vault.maxMint(depositor);
            uint256 maxAssets = vault.maxWithdraw(depositor);
            uint256 shares = vault.maxRedeem(depositor);
            assertEq(shares, vault.balanceOf(depositor), "maxRedeem != balance");
            assertLe(vault.previewWithdraw(maxAssets), shares, "maxWithdraw does not fit the balance");
            vault.previewRedeem(shares);
            vault.convertToAssets(shares);
            vault.convertToShares(maxAssets);
            vault.previewDeposit(maxAssets);
            vault.previewMint(shares);
        }
    }

    /* KEEPER */

    /// @notice The loss budget in use never passes the budget, except right after the guardian tightened
    /// it below what was already spent (no lossy keeper call since); and keeper losses over any stretch of
    /// time stay within the leaky bucket: sum over [t1, t2] <= budget * (1 + (t2 - t1) / window).
    function invariant_lossBudgetNeverExceeded() public view {
        VaultLimits memory current = vault.limits();
        uint256 used = vault.lossBudgetUsed();
        uint256 budget = uint256(current.lossBudgetBps) * WAD / BPS;
        assertLe(used, handler.initialBudgetWad(), "loss budget used above the loosest budget");
        if (used > budget) {
            assertGt(handler.ghost_lastTightenSeq(), handler.ghost_lastKeeperLossSeq(), "keeper overspent the budget");
        }
        assertLe(handler.ghost_maxBucketExcess(), 0, "keeper losses beyond the leaky-bucket bound");
        assertLe(current.maxLossBps, ConstantsLib.MAX_LOSS_BPS, "maxLossBps above cap");
    }

    /* SUMMARY */

    function invariant_callSummary() public view {
        _logCallSummary();
    }

    /* HELPERS */

    function _assertFullExit(address depositor, bool stressed) internal {
        uint256 snapshot = vm.snapshotState();
        if (stressed) {
            if (!vault.paused()) {
                vm.prank(GUARDIAN);
                vault.pause();
            }
            module.setHealthy(false);
            module2.setHealthy(false);
        }
        uint256 shares = vault.maxRedeem(depositor);
        uint256 before = asset.balanceOf(depositor);
        vm.prank(depositor);
        try vault.redeem(shares, depositor, depositor, BPS) returns (uint256 assets) {
            assertEq(vault.balanceOf(depositor), 0, "full exit left shares");
            assertEq(asset.balanceOf(depositor) - before, assets, "full exit paid wrong amount");
        } catch (bytes memory reason) {
            emit log_named_address("depositor", depositor);
            emit log_named_uint("shares", shares);
            emit log_named_bytes("reason", reason);
            fail();
        }
        vm.revertToState(snapshot);
    }
}
