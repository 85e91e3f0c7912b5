// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

import {Test} from "forge-std/Test.sol";

import {IAggregatorV3} from "@ballast/interfaces/IAggregatorV3.sol";
import {ChainlinkPriceLib} from "@ballast/oracle/ChainlinkPriceLib.sol";
import {SettableAggregator} from "@ballast/oracle/SettableAggregator.sol";

/// @dev Exposes the library so reverts happen one call deep.
contract ChainlinkPriceLibHarness {
    function readFresh(IAggregatorV3 feed, uint256 maxStaleness) external view returns (uint256, uint256) {
        return ChainlinkPriceLib.readFresh(feed, maxStaleness);
    }

    function tryRead(IAggregatorV3 feed) external view returns (bool, uint256, uint256) {
        return ChainlinkPriceLib.tryRead(feed);
    }

    function scaleFactor(uint8 feedDecimals, uint8 baseDecimals, uint8 quoteDecimals) external pure returns (uint256) {
        return ChainlinkPriceLib.scaleFactor(feedDecimals, baseDecimals, quoteDecimals);
    }
}

contract ChainlinkPriceLibTest is Test {
    ChainlinkPriceLibHarness internal harness = new ChainlinkPriceLibHarness();
    SettableAggregator internal feed;

    function setUp() public {
        vm.warp(1_700_000_000);
        feed = new SettableAggregator(address(this), 8, "ETH / USD", 3000e8);
    }

    function test_readFresh_returnsAnswerAndUpdatedAt() public {
        vm.warp(1_700_000_000 + 3600);
        (uint256 answer, uint256 updatedAt) = harness.readFresh(feed, 3600);
        assertEq(answer, 3000e8, "answer");
        assertEq(updatedAt, 1_700_000_000, "updatedAt");
    }

    function test_readFresh_revertsWhenStale() public {
        vm.warp(1_700_000_000 + 3601);
        vm.expectRevert(
            abi.encodeWithSelector(ChainlinkPriceLib.StalePrice.selector, 1_700_000_000, 3600, 1_700_003_601)
        );
        harness.readFresh(feed, 3600);
    }

    function test_readFresh_revertsOnZeroAnswer() public {
        feed.setAnswer(0);
        vm.expectRevert(abi.encodeWithSelector(ChainlinkPriceLib.InvalidPrice.selector, int256(0)));
        harness.readFresh(feed, 3600);
    }

    function test_readFresh_acceptsFutureUpdatedAt() public {
        vm.mockCall(
            address(feed),
            abi.encodeCall(IAggregatorV3.latestRoundData, ()),
            abi.encode(uint80(7), int256(1e8), uint256(0), block.timestamp + 10, uint80(7))
        );
        (uint256 answer,) = harness.readFresh(feed, 0);
        assertEq(answer, 1e8);
    }

    function test_tryRead_isInvalidOnNegativeAnswer() public {
        feed.setAnswer(-3);
        (bool valid, uint256 answer, uint256 updatedAt) = harness.tryRead(feed);
        assertFalse(valid, "invalid");
        assertEq(answer, 0, "no answer");
        assertEq(updatedAt, 1_700_000_000, "updatedAt still reported");
    }

    function test_tryRead_isInvalidWhenFeedReverts() public {
        vm.mockCallRevert(address(feed), abi.encodeCall(IAggregatorV3.latestRoundData, ()), bytes("down"));
        (bool valid,,) = harness.tryRead(feed);
        assertFalse(valid);
    }

    function test_scaleFactor_convertsToMorphoUnit() public view {
        assertEq(harness.scaleFactor(8, 18, 6), 1e16, "ETH/USD, WETH in USDC");
        assertEq(harness.scaleFactor(8, 8, 18), 1e38, "BTC/ETH, WBTC in WETH");
        assertEq(harness.scaleFactor(18, 18, 18), 1e18, "18-decimal feed");
    }

    function test_scaleFactor_revertsWhenNegativeExponent() public {
        vm.expectRevert(abi.encodeWithSelector(ChainlinkPriceLib.UnsupportedDecimals.selector, 18, 30, 6));
        harness.scaleFactor(18, 30, 6);
    }
}
