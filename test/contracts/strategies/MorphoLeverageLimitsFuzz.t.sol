// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {ModuleState, RebalanceParams} from "@ballast/interfaces/IStrategyModule.sol";
import {BPS} from "@ballast/libraries/ConstantsLib.sol";
import {LeverageLimits} from "@ballast-strategies/morpho-leverage/LeverageLimitsLib.sol";
import {MorphoLeverageScenarioBase} from "./MorphoLeverageScenarioBase.sol";

/// @notice Fuzz on the real local world: random price paths (1-3 moves of -40%..+40%, each followed by 0-40 minutes,
/// so the TWAP may lag and the cooldown may still run) and random keeper arguments (direction, amount, pre-leverage
/// bounds, deadline), with a random `maxTradeSize`. Whatever happens, a rebalance that goes through leaves the module's
/// limits satisfied; one that reverts leaves the position and NAV untouched; and the vault-level bounds (deadline,
/// pre-state, cooldown) are never skipped.
contract MorphoLeverageLimitsFuzzTest is MorphoLeverageScenarioBase {
    using Math for uint256;

    struct Keeper {
        bool leverUp;
        uint256 amount;
        uint256 minPre;
        uint256 maxPre;
        uint256 deadline;
    }

    /// @dev Applies up to three moves from $3,000 (floored at $300); returns the final answer.
    function _randomPath(uint256 steps, int256[3] memory movesBps, uint256[3] memory waits)
        internal
        returns (int256 answer)
    {
        answer = START_ANSWER;
        steps = bound(steps, 1, 3);
        for (uint256 i; i < steps; ++i) {
            int256 move = bound(movesBps[i], -4000, 4000);
            answer = answer * (10_000 + move) / 10_000;
            if (answer < 300e8) answer = 300e8;
            _setPrice(answer);
            _skipBlocks(bound(waits[i], 0, 40 minutes));
            _setPrice(answer); // fresh feed; the TWAP catches up only with time
        }
    }

    function _answer() internal view returns (int256 answer) {
        (, answer,,,) = world.ethUsdFeed.latestRoundData();
    }

    function test_fuzz_rebalance_limitsHoldAfterSuccess(
        uint256 steps,
        int256[3] memory movesBps,
        uint256[3] memory waits,
        uint128 maxTradeSize,
        Keeper memory k
    ) public {
        _setTradeSizes(uint128(bound(maxTradeSize, 1e18, 1000e18)), 1000e18);
        _randomPath(steps, movesBps, waits);
        LeverageLimits memory l = module.leverageLimits();
        RebalanceParams memory p = _keeperParams(k, l);

        ModuleState memory before = module.state();
        uint256 navBefore = vault.totalAssets();
        uint256 lastRebalance = module.lastRebalance();
        vm.prank(KEEPER);
        try vault.rebalance(address(module), p) returns (uint256 pre, uint256 post) {
            // Vault-level bounds held.
            assertLe(block.timestamp, p.deadline, "deadline");
            assertGe(pre, p.minPreLeverage, "pre-state floor");
            assertLe(pre, p.maxPreLeverage, "pre-state cap");
            assertGe(block.timestamp, lastRebalance + l.cooldown, "cooldown");
            assertEq(module.lastRebalance(), block.timestamp, "cooldown restarts");
            assertLt(pre, l.ripcordLeverage, "keeper refused past the ripcord");
            _assertLimitsHeld(p, l, before, pre, post);
            // The vault's per-call loss bound held too.
            uint256 navAfter = vault.totalAssets();
            if (navAfter < navBefore) {
                assertLe(navBefore - navAfter, navBefore.mulDiv(vault.limits().maxLossBps, BPS), "maxLossBps");
            }
        } catch {
            ModuleState memory afterState = module.state();
            assertEq(afterState.collateral, before.collateral, "revert: collateral untouched");
            assertEq(afterState.debt, before.debt, "revert: debt untouched");
            assertEq(vault.totalAssets(), navBefore, "revert: NAV untouched");
            assertEq(module.lastRebalance(), lastRebalance, "revert: cooldown untouched");
        }
        // Whatever the outcome, these must have been refused.
        if (block.timestamp > p.deadline || block.timestamp < lastRebalance + l.cooldown) {
            assertEq(module.lastRebalance(), lastRebalance, "expired job or cooldown: refused");
        }
    }

    /// @dev Mostly what a keeper would send, sometimes anything: wrong direction, oversized, stale bounds, expired;
    /// three times in four after the cooldown (moving time forward with a fresh feed).
    function _keeperParams(Keeper memory k, LeverageLimits memory l) internal returns (RebalanceParams memory p) {
        // The choices below from a hash: the fuzzer's favourite values (0, 1, max) would otherwise pick one branch.
        uint256 dice = uint256(keccak256(abi.encode(k)));
        if (dice % 4 != 0 && block.timestamp < module.lastRebalance() + l.cooldown) {
            _skipBlocks(module.lastRebalance() + l.cooldown - block.timestamp);
            _setPrice(_answer());
        }
        if ((dice >> 8) % 4 != 0) k.leverUp = _leverage() < l.targetLeverage;
        ModuleState memory s = module.state();
        // An insolvent position (a -64% path) has no equity to size a trade on.
        uint256 wanted;
        if (s.collateral > s.debtInAssets) wanted = k.leverUp ? _leverUpAmountTo(TARGET) : _deleverAmountTo(TARGET);
        k.amount = (dice >> 16) % 2 == 0 ? wanted * bound(k.amount, 1, 130) / 100 : bound(k.amount, 0, 3000e18);
        p = _params(k.leverUp, k.amount);
        if ((dice >> 24) % 4 == 0) {
            p.minPreLeverage = bound(k.minPre, 0, 4e18);
            p.maxPreLeverage = (dice >> 32) % 3 == 0 ? type(uint256).max : bound(k.maxPre, 1e18, 5e18);
        }
        p.deadline = (dice >> 40) % 8 == 0 ? block.timestamp - 1 : block.timestamp + bound(k.deadline, 0, 1 hours);
    }

    /// @dev After a successful rebalance: inside the band or strictly closer to target, never past it, within size.
    function _assertLimitsHeld(
        RebalanceParams memory p,
        LeverageLimits memory l,
        ModuleState memory before,
        uint256 pre,
        uint256 post
    ) internal view {
        ModuleState memory afterState = module.state();
        assertEq(pre, before.leverage, "pre as read");
        assertEq(post, afterState.leverage, "post as read");
        bool inBand = post >= l.minLeverage && post <= l.maxLeverage;
        if (p.leverUp) {
            assertLt(pre, l.targetLeverage, "lever up from below target");
            assertLe(post, l.targetLeverage, "never past target");
            assertTrue(inBand || post > pre, "in band or closer");
            assertLe(afterState.collateral - before.collateral, l.maxTradeSize, "bought <= maxTradeSize");
            assertEq(afterState.collateral - before.collateral, Math.min(p.amount, l.maxTradeSize), "size");
        } else {
            assertGt(pre, l.targetLeverage, "delever from above target");
            assertGe(post, l.targetLeverage, "never past target");
            assertTrue(inBand || post < pre, "in band or closer");
            assertLe(
                before.collateral - afterState.collateral,
                uint256(l.maxTradeSize).mulDiv(BPS + l.maxSlippageBps, BPS, Math.Rounding.Ceil),
                "sold <= maxTradeSize + slippage"
            );
        }
    }
}
