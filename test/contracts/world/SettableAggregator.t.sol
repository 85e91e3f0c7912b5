// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

import {Test} from "forge-std/Test.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

import {SettableAggregator} from "@ballast/oracle/SettableAggregator.sol";

contract SettableAggregatorTest is Test {
    address internal immutable OWNER = makeAddr("Owner");
    address internal immutable UPDATER = makeAddr("Updater");
    address internal immutable STRANGER = makeAddr("Stranger");

    SettableAggregator internal feed;

    function setUp() public {
        vm.warp(1_700_000_000);
        feed = new SettableAggregator(OWNER, 8, "ETH / USD", 3000e8);
        vm.prank(OWNER);
        feed.setUpdater(UPDATER, true);
    }

    function test_constructor_writesFirstRound() public view {
        (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound) =
            feed.latestRoundData();
        assertEq(roundId, 1, "round");
        assertEq(answer, 3000e8, "answer");
        assertEq(startedAt, 1_700_000_000, "startedAt");
        assertEq(updatedAt, 1_700_000_000, "updatedAt");
        assertEq(answeredInRound, 1, "answeredInRound");
        assertEq(feed.decimals(), 8, "decimals");
        assertEq(feed.description(), "ETH / USD", "description");
        assertEq(feed.version(), 4, "version");
    }

    function test_setAnswer_opensRoundUpdatedNow() public {
        vm.warp(1_700_000_100);
        vm.expectEmit(address(feed));
        emit SettableAggregator.AnswerUpdated(3100e8, 2, 1_700_000_100);
        vm.prank(UPDATER);
        uint80 roundId = feed.setAnswer(3100e8);

        assertEq(roundId, 2, "round id");
        (uint80 latest, int256 answer,, uint256 updatedAt,) = feed.latestRoundData();
        assertEq(latest, 2, "latest round");
        assertEq(answer, 3100e8, "answer");
        assertEq(updatedAt, 1_700_000_100, "updatedAt");
        assertEq(feed.latestAnswer(), 3100e8, "latestAnswer");
    }

    function test_setAnswer_revertsForStranger() public {
        vm.prank(STRANGER);
        vm.expectRevert(abi.encodeWithSelector(SettableAggregator.NotUpdater.selector, STRANGER));
        feed.setAnswer(1);
    }

    function test_setAnswer_storesNonPositiveAnswers() public {
        vm.prank(OWNER);
        feed.setAnswer(-42);
        assertEq(feed.latestAnswer(), -42);
    }

    function test_setAnswerWithTimestamp_setsUpdatedAt() public {
        vm.prank(UPDATER);
        feed.setAnswerWithTimestamp(2900e8, 1_699_990_000);
        (, int256 answer,, uint256 updatedAt,) = feed.latestRoundData();
        assertEq(answer, 2900e8, "answer");
        assertEq(updatedAt, 1_699_990_000, "explicit updatedAt");
    }

    function test_setAnswerWithTimestamp_revertsInFuture() public {
        vm.prank(UPDATER);
        vm.expectRevert(
            abi.encodeWithSelector(SettableAggregator.UpdatedAtInFuture.selector, 1_700_000_001, 1_700_000_000)
        );
        feed.setAnswerWithTimestamp(1, 1_700_000_001);
    }

    function test_getRoundData_keepsHistory() public {
        vm.warp(1_700_000_060);
        vm.prank(UPDATER);
        feed.setAnswer(3050e8);
        (uint80 roundId, int256 answer,, uint256 updatedAt,) = feed.getRoundData(1);
        assertEq(roundId, 1, "round");
        assertEq(answer, 3000e8, "first answer kept");
        assertEq(updatedAt, 1_700_000_000, "first updatedAt kept");
    }

    function test_getRoundData_revertsForUnknownRound() public {
        vm.expectRevert(abi.encodeWithSelector(SettableAggregator.NoDataPresent.selector, uint80(2)));
        feed.getRoundData(2);
        vm.expectRevert(abi.encodeWithSelector(SettableAggregator.NoDataPresent.selector, uint80(0)));
        feed.getRoundData(0);
    }

    function test_setUpdater_revertsForStranger() public {
        vm.prank(STRANGER);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, STRANGER));
        feed.setUpdater(STRANGER, true);
    }

    function test_setUpdater_revokes() public {
        vm.prank(OWNER);
        feed.setUpdater(UPDATER, false);
        vm.prank(UPDATER);
        vm.expectRevert(abi.encodeWithSelector(SettableAggregator.NotUpdater.selector, UPDATER));
        feed.setAnswer(1);
    }
}
