// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

import {Test} from "forge-std/Test.sol";

import {PriceDeviationLib} from "@ballast/oracle/PriceDeviationLib.sol";

/// @dev Exposes the library so reverts happen one call deep.
contract PriceDeviationLibHarness {
    function checkDeviation(uint256 feedPrice, uint256 twapPrice, uint256 maxBps) external pure {
        PriceDeviationLib.checkDeviation(feedPrice, twapPrice, maxBps);
    }
}

contract PriceDeviationLibTest is Test {
    PriceDeviationLibHarness internal harness = new PriceDeviationLibHarness();

    function test_deviationBpsUp_isRelativeToFeed() public pure {
        assertEq(PriceDeviationLib.deviationBpsUp(100e18, 95e18), 500, "5% below");
        assertEq(PriceDeviationLib.deviationBpsUp(100e18, 105e18), 500, "5% above");
        assertEq(PriceDeviationLib.deviationBpsUp(100e18, 100e18), 0, "equal");
    }

    function test_deviationBpsUp_roundsUp() public pure {
        assertEq(PriceDeviationLib.deviationBpsUp(10_000, 9999), 1, "exact 1 bp");
        assertEq(PriceDeviationLib.deviationBpsUp(100_000, 99_999), 1, "0.1 bp rounds up to 1");
    }

    function test_deviationBpsUp_isMaxWhenAPriceIsMissing() public pure {
        assertEq(PriceDeviationLib.deviationBpsUp(0, 1e18), type(uint256).max, "no feed");
        assertEq(PriceDeviationLib.deviationBpsUp(1e18, 0), type(uint256).max, "no twap");
    }

    function test_fuzz_deviationBpsUp_neverReverts(uint256 feedPrice, uint256 twapPrice) public pure {
        uint256 deviation = PriceDeviationLib.deviationBpsUp(feedPrice, twapPrice);
        if (feedPrice == twapPrice && feedPrice != 0) assertEq(deviation, 0);
        else assertGt(deviation, 0);
    }

    function test_checkDeviation_passesAtBound() public view {
        harness.checkDeviation(100e18, 98e18, 200);
    }

    function test_checkDeviation_revertsAboveBound() public {
        // 2.009% rounds up to 201 bps.
        vm.expectRevert(
            abi.encodeWithSelector(PriceDeviationLib.PriceDeviationTooHigh.selector, 100e18, 97.991e18, 201, 200)
        );
        harness.checkDeviation(100e18, 97.991e18, 200);
    }

    function test_checkDeviation_revertsWithoutTwap() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                PriceDeviationLib.PriceDeviationTooHigh.selector, 100e18, 0, type(uint256).max, 10_000
            )
        );
        harness.checkDeviation(100e18, 0, 10_000);
    }
}
