// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

import {BaseTest} from "../BaseTest.sol";
import {ErrorsLib} from "@ballast/libraries/ErrorsLib.sol";
import {ConstantsLib} from "@ballast/libraries/ConstantsLib.sol";

contract FeesTest is BaseTest {
    function setUp() public override {
        super.setUp();
        _deposit(SUPPLIER, 1000e18);
        _allocate(800e18);
    }

    function test_setFees_aboveCap_reverts() public {
        vm.startPrank(OWNER);
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.FeeTooHigh.selector, 0.06e18, ConstantsLib.MAX_MANAGEMENT_FEE));
        vault.setFees(0.06e18, 0);
        vm.expectRevert(
            abi.encodeWithSelector(ErrorsLib.FeeTooHigh.selector, 0.31e18, ConstantsLib.MAX_PERFORMANCE_FEE)
        );
        vault.setFees(0, 0.31e18);
        vm.stopPrank();
    }

    function test_performanceFee_flatNav_neverTouchesPrincipal() public {
        vm.prank(OWNER);
        vault.setFees(0, 0.3e18);
        // A year of activity at flat NAV: accruals, deposits and exits of others.
        for (uint256 i; i < 12; ++i) {
            vm.warp(block.timestamp + 30 days);
            vault.accrueFees();
            uint256 shares = _deposit(ONBEHALF, 10e18);
            vm.prank(ONBEHALF);
            vault.redeem(shares, ONBEHALF, ONBEHALF);
        }
        assertEq(vault.balanceOf(FEE_RECIPIENT), 0, "no fee on a flat NAV");
        uint256 supplierShares = vault.balanceOf(SUPPLIER);
        vm.prank(SUPPLIER);
        uint256 out = vault.redeem(supplierShares, SUPPLIER, SUPPLIER, 0);
        assertApproxEqAbs(out, 1000e18, 4, "principal intact");
    }

    function test_performanceFee_lossThenRecoveryToHighWaterMark_chargesNothing() public {
        vm.prank(OWNER);
        vault.setFees(0, 0.2e18);
        module.lose(100e18);
        vm.warp(block.timestamp + 1 days);
        vault.accrueFees();
        module.gain(100e18);
        vm.warp(block.timestamp + 1 days);
        vault.accrueFees();
        assertEq(vault.balanceOf(FEE_RECIPIENT), 0, "recovery below the high-water mark is not a gain");
    }

    function test_performanceFee_onGain_isShareOfGainOnly() public {
        vm.prank(OWNER);
        vault.setFees(0, 0.2e18);
        module.gain(100e18);
        vm.warp(block.timestamp + 1);
        vault.accrueFees();
        uint256 feeAssets = vault.convertToAssets(vault.balanceOf(FEE_RECIPIENT));
        assertApproxEqRel(feeAssets, 20e18, 1e12, "20% of the 100 gain");
        // The depositor keeps principal plus 80% of the gain.
        assertApproxEqRel(vault.convertToAssets(vault.balanceOf(SUPPLIER)), 1080e18, 1e12);
        // A second accrual without new gains charges nothing more.
        uint256 feeShares = vault.balanceOf(FEE_RECIPIENT);
        vm.warp(block.timestamp + 1 days);
        vault.accrueFees();
        assertEq(vault.balanceOf(FEE_RECIPIENT), feeShares);
    }

    function test_managementFee_accruesPerSecond() public {
        vm.prank(OWNER);
        vault.setFees(0.02e18, 0);
        vm.warp(block.timestamp + 365 days);
        // Previews already include the pending fee shares.
        uint256 pendingValue = vault.convertToAssets(vault.balanceOf(SUPPLIER));
        vault.accrueFees();
        uint256 feeAssets = vault.convertToAssets(vault.balanceOf(FEE_RECIPIENT));
        assertApproxEqRel(feeAssets, (1000e18 + SEED) * 2 / 100, 1e12, "2% of NAV after a year");
        assertApproxEqAbs(vault.convertToAssets(vault.balanceOf(SUPPLIER)), pendingValue, 2, "preview matched accrual");
    }

    function test_gainsWithoutPerformanceFee_areNotChargedLater() public {
        module.gain(100e18);
        vm.warp(block.timestamp + 1 days);
        vault.accrueFees();
        vm.prank(OWNER);
        vault.setFees(0, 0.2e18);
        vm.warp(block.timestamp + 1 days);
        vault.accrueFees();
        assertEq(vault.balanceOf(FEE_RECIPIENT), 0, "high-water mark moved up when the fee was switched on");
    }

    function test_setFees_withoutRecipient_reverts() public {
        vm.startPrank(OWNER);
        vault.setFeeRecipient(address(0));
        vm.expectRevert(ErrorsLib.FeeRecipientNotSet.selector);
        vault.setFees(0.01e18, 0);
        vm.stopPrank();
    }
}
