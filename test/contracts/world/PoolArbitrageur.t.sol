// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

import {PoolArbitrageur} from "@ballast/script/world/PoolArbitrageur.sol";
import {WorldFixture} from "./WorldFixture.sol";

contract PoolArbitrageurTest is WorldFixture {
    /// @dev The pool lands on the feed up to one square root's rounding: 1e-12 relative is generous.
    uint256 internal constant TOLERANCE = 1e6;

    function test_setPrice_movesFeedAndPoolTogether() public {
        int256[6] memory answers = [int256(2000e8), 4500e8, 3001.23456789e8, 1000e8, 9000e8, 2999.99e8];
        for (uint256 i; i < answers.length; ++i) {
            _setPrice(answers[i]);
            (, int256 answer,,,) = world.ethUsdFeed.latestRoundData();
            assertEq(answer, answers[i], "feed written");
            assertApproxEqRel(_poolPrice36(), _feedPrice36(answers[i]), TOLERANCE, "pool on the feed");
        }
    }

    function test_fuzz_setPrice_alignsPoolWithFeed(uint256 answer) public {
        answer = bound(answer, 10e8, 1_000_000e8);
        _setPrice(int256(answer));
        assertApproxEqRel(_poolPrice36(), _feedPrice36(int256(answer)), TOLERANCE);
    }

    function test_setPrice_realignsAfterTrades() public {
        _sellWeth(2000e18);
        assertLt(_poolPrice36(), world.oracle.price() * 995 / 1000, "trade moved the pool away");
        vm.prank(OWNER);
        world.arbitrageur.align();
        assertApproxEqRel(_poolPrice36(), world.oracle.price(), TOLERANCE, "back on the feed");
    }

    function test_movePoolTo_leavesFeedUnchanged() public {
        uint80 roundBefore = world.ethUsdFeed.latestRound();
        _movePoolTo(3.15e27);
        assertApproxEqRel(_poolPrice36(), 3.15e27, TOLERANCE, "pool moved");
        assertEq(world.oracle.price(), 3e27, "feed unchanged");
        assertEq(world.ethUsdFeed.latestRound(), roundBefore, "no new round");
    }

    function test_setPrice_emitsPoolAligned() public {
        vm.expectEmit(false, false, false, false, address(world.arbitrageur));
        emit PoolArbitrageur.PoolAligned(0, 0, 0, 0);
        _setPrice(3100e8);
    }

    function test_setPrice_revertsForStranger() public {
        vm.prank(BORROWER);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, BORROWER));
        world.arbitrageur.setPrice(1e8);
    }

    function test_uniswapV3SwapCallback_revertsForStranger() public {
        vm.prank(BORROWER);
        vm.expectRevert(abi.encodeWithSelector(PoolArbitrageur.UnexpectedCallback.selector, BORROWER));
        world.arbitrageur.uniswapV3SwapCallback(1e18, 0, "");
    }
}
