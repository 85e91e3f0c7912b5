// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

import {BaseTest} from "../BaseTest.sol";
import {ErrorsLib} from "@ballast/libraries/ErrorsLib.sol";
import {IERC4626} from "@openzeppelin/contracts/interfaces/IERC4626.sol";
import {ERC4626} from "@openzeppelin/contracts/token/ERC20/extensions/ERC4626.sol";
import {WAD} from "@ballast/libraries/ConstantsLib.sol";

contract ExitTest is BaseTest {
    function test_redeem_fromIdle_paysNavValue() public {
        uint256 shares = _deposit(SUPPLIER, 10e18);
        vm.prank(SUPPLIER);
        uint256 assets = vault.redeem(shares, SUPPLIER, SUPPLIER);
        assertApproxEqAbs(assets, 10e18, 1, "round trip");
        assertLe(assets, 10e18, "never more than deposited");
        assertEq(vault.balanceOf(SUPPLIER), 0);
    }

    function test_redeem_withUnwind_exitingOwnerPaysCost() public {
        uint256 shares = _deposit(SUPPLIER, 100e18);
        _deposit(ONBEHALF, 100e18);
        _allocate(150e18);
        module.setUnwindCost(100, 100); // 1% real cost, 1% declared
        uint256 priceBefore = vault.convertToAssets(1e24);

        vm.prank(SUPPLIER);
        uint256 assets = vault.redeem(shares, SUPPLIER, SUPPLIER);

        // Idle was 50 (+ seed); the other ~50 came from the module at 1% cost.
        assertApproxEqRel(assets, 100e18 - 0.5e18, 0.001e18, "paid NAV minus own unwind cost");
        assertGe(vault.convertToAssets(1e24), priceBefore, "others' share price does not drop");
    }

    function test_redeem_costAboveDeclaredBound_reverts_thenMaxLossOverloadWorks() public {
        uint256 shares = _deposit(SUPPLIER, 100e18);
        _allocate(100e18);
        module.setUnwindCost(300, 100); // real 3% > declared 1%

        vm.prank(SUPPLIER);
        vm.expectPartialRevert(ErrorsLib.ExitLossExceeded.selector);
        vault.redeem(shares, SUPPLIER, SUPPLIER);

        vm.prank(SUPPLIER);
        uint256 assets = vault.redeem(shares, SUPPLIER, SUPPLIER, 500);
        assertApproxEqRel(assets, 97e18, 0.001e18);
    }

    function test_withdraw_withUnwind_deliversExactAssets() public {
        _deposit(SUPPLIER, 100e18);
        _deposit(ONBEHALF, 100e18);
        _allocate(200e18);
        module.setUnwindCost(50, 100);
        uint256 preview = vault.previewWithdraw(50e18);
        uint256 priceBefore = vault.convertToAssets(1e24);

        vm.prank(SUPPLIER);
        uint256 shares = vault.withdraw(50e18, RECEIVER, SUPPLIER);

        assertEq(asset.balanceOf(RECEIVER), 50e18, "exact assets");
        assertLe(shares, preview, "preview never under-promises shares");
        assertGe(vault.convertToAssets(1e24), priceBefore, "others unaffected");
    }

    function test_exit_whilePausedAndOracleUnhealthy_works() public {
        uint256 shares = _deposit(SUPPLIER, 100e18);
        _allocate(60e18);
        vm.prank(GUARDIAN);
        vault.pause();
        module.setHealthy(false);
        assertEq(vault.maxDeposit(SUPPLIER), 0);
        assertEq(vault.maxRedeem(SUPPLIER), shares);
        vm.prank(SUPPLIER);
        uint256 assets = vault.redeem(shares, SUPPLIER, SUPPLIER);
        assertApproxEqAbs(assets, 100e18, 2);
    }
}
