// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

import {Market} from "@morpho-org/morpho-blue/src/interfaces/IMorpho.sol";

import {LinearKinkIrm} from "@ballast/irm/LinearKinkIrm.sol";
import {WorldFixture} from "./WorldFixture.sol";

contract LinearKinkIrmTest is WorldFixture {
    function test_ratePerYear_followsTheCurve() public view {
        // World curve: 0% at 0, 4% at the 90% kink, 75% at 100%.
        assertEq(world.irm.ratePerYear(0), 0, "empty");
        assertEq(world.irm.ratePerYear(0.45e18), 0.02e18, "half the kink");
        assertEq(world.irm.ratePerYear(0.9e18), 0.04e18, "kink");
        assertEq(world.irm.ratePerYear(0.95e18), 0.395e18, "past the kink");
        assertEq(world.irm.ratePerYear(1e18), 0.75e18, "full");
    }

    function test_utilization_isCappedAtOne() public view {
        Market memory market;
        assertEq(world.irm.utilization(market), 0, "empty market");
        market.totalSupplyAssets = 100;
        market.totalBorrowAssets = 80;
        assertEq(world.irm.utilization(market), 0.8e18, "80%");
        market.totalBorrowAssets = 120;
        assertEq(world.irm.utilization(market), 1e18, "capped");
    }

    function test_borrowRate_equalsBorrowRateView() public view {
        Market memory market;
        market.totalSupplyAssets = 1000e6;
        market.totalBorrowAssets = 930e6;
        uint256 rate = world.irm.borrowRate(world.marketParams, market);
        assertEq(rate, world.irm.borrowRateView(world.marketParams, market), "same rate");
        assertEq(rate, world.irm.ratePerYear(0.93e18) / 365 days, "per second");
    }

    function test_constructor_revertsOnDecreasingCurve() public {
        vm.expectRevert(abi.encodeWithSelector(LinearKinkIrm.InvalidCurve.selector, 0.05e18, 0.04e18, 1e18, 0.9e18));
        new LinearKinkIrm(0.05e18, 0.04e18, 1e18, 0.9e18);
    }

    function test_constructor_revertsOnKinkAtOne() public {
        vm.expectRevert(abi.encodeWithSelector(LinearKinkIrm.InvalidCurve.selector, 0, 0.04e18, 1e18, 1e18));
        new LinearKinkIrm(0, 0.04e18, 1e18, 1e18);
    }

    function test_borrowRate_accruesOnMorpho() public {
        // Borrow 4.5M of the 100M supplied (4.5% utilization: 0.2% a year), for a year.
        address borrower = BORROWER;
        vm.prank(OWNER);
        world.weth.mint(borrower, 10_000e18);
        vm.startPrank(borrower);
        world.weth.approve(address(world.morpho), type(uint256).max);
        world.morpho.supplyCollateral(world.marketParams, 10_000e18, borrower, "");
        world.morpho.borrow(world.marketParams, 4_500_000e6, 0, borrower, borrower);
        vm.stopPrank();

        vm.warp(block.timestamp + 365 days);
        world.morpho.accrueInterest(world.marketParams);
        uint128 totalBorrowAssets = world.morpho.market(world.marketId).totalBorrowAssets;
        // e^0.002 - 1 = 0.2002%: 9,009 USDC of interest.
        assertApproxEqRel(totalBorrowAssets, 4_509_009e6, 0.00001e18, "one year at 0.2%");
    }
}
