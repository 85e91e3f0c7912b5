// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

import {VaultLimits} from "@ballast/interfaces/IBallastVault.sol";
import {ERC4626PropertiesTest} from "./ERC4626Properties.sol";

/// @notice The properties on a fresh vault: only the seed deposit, everything idle, no fees.
contract ERC4626PropertiesEmptyVaultTest is ERC4626PropertiesTest {
    function _setUpVaultState() internal override {}

    function test_setUp_onlySeedAndIdle() public view {
        assertEq(vault.totalAssets(), SEED, "NAV is the seed");
        assertEq(vault.idle(), SEED, "all idle");
        assertEq(vault.totalSupply(), SEED * 1e6, "seed shares");
    }
}

/// @notice The properties on a vault with most assets in a module: declared and actual unwind costs
/// (actual below declared), a net gain, management and performance fees on, and time passed so fee
/// shares are pending when each property runs.
contract ERC4626PropertiesLoadedVaultTest is ERC4626PropertiesTest {
    uint256 internal constant DEPOSIT_CAP = 1e25;

    function _setUpVaultState() internal override {
        vm.prank(OWNER);
        vault.setFees(0.02e18, 0.2e18);
        VaultLimits memory lim = vault.limits();
        lim.depositCap = uint128(DEPOSIT_CAP);
        vm.prank(GUARDIAN);
        vault.submitLimits(lim);

        _deposit(ALICE, 1000e18);
        _deposit(BOB, 3000e18);
        _allocate(3600e18); // 90% of NAV in the module
        module.setUnwindCost(30, 50); // real 0.3%, declared bound 0.5%
        module.gain(60e18);
        module.lose(20e18);
        vm.warp(block.timestamp + 30 days);
    }

    function _maxAliceDeposit() internal pure override returns (uint256) {
        return 500e18;
    }

    /// @dev Redeeming ALICE's whole position always needs an unwind, whose cost she pays alone.
    function test_redeem_allOfAlice_unwindsAndChargesHerOnly() public {
        uint256 shares = vault.balanceOf(ALICE);
        uint256 gross = vault.convertToAssets(shares);
        assertGt(gross, vault.idle(), "exit larger than idle");
        uint256 preview = vault.previewRedeem(shares);
        assertLt(preview, gross, "preview nets the declared worst case");
        uint256 bobBefore = vault.convertToAssets(vault.balanceOf(BOB));
        vm.prank(ALICE);
        uint256 assets = vault.redeem(shares, ALICE, ALICE);
        assertLt(assets, gross, "paid her unwind cost");
        assertGt(assets, preview, "actual cost below the declared bound");
        assertGe(vault.convertToAssets(vault.balanceOf(BOB)), bobBefore, "BOB untouched");
    }

    function test_setUp_allocatedWithPendingFees() public view {
        assertGt(module.totalAssets(), 9 * vault.idle(), "most assets allocated");
        assertGt(module.declaredUnwindCostBps(), module.actualUnwindCostBps(), "declared above actual");
        assertGt(module.actualUnwindCostBps(), 0, "unwind costs something");
        // Pending fee shares dilute conversions: the price seen includes them.
        uint256 naive = 1e24 * (vault.totalAssets() + 1) / (vault.totalSupply() + 1e6);
        assertLt(vault.convertToAssets(1e24), naive, "fee shares pending");
    }
}
