// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {VaultLimits} from "@ballast/interfaces/IBallastVault.sol";
import {RebalanceParams} from "@ballast/interfaces/IStrategyModule.sol";
import {BPS, WAD} from "@ballast/libraries/ConstantsLib.sol";
import {LeverageLimits} from "@ballast-strategies/morpho-leverage/LeverageLimitsLib.sol";
import {MorphoLeverageScenarioBase} from "./MorphoLeverageScenarioBase.sol";

/// @notice A compromised keeper key working with an attacker who moves the pool in the same block: arbitrary
/// rebalance arguments against a pool pushed up to 3% off the oracle, several calls in a row. The module's own
/// slippage bound is loosened to 3% (through the timelock, as a colluding strategist could), so only the vault's
/// `maxLossBps` and rolling loss budget stand between the attacker and the holders. Asserted through
/// `totalAssets` before and after each call and `lossBudgetUsed`.
contract MorphoLeverageKeeperLossFuzzTest is MorphoLeverageScenarioBase {
    using Math for uint256;

    uint16 internal constant LOOSE_SLIPPAGE_BPS = 300;

    function setUp() public override {
        super.setUp();
        LeverageLimits memory l = module.leverageLimits();
        l.maxSlippageBps = LOOSE_SLIPPAGE_BPS;
        l.ripcordSlippageBps = LOOSE_SLIPPAGE_BPS;
        bytes memory loose = abi.encode(l);
        vm.prank(STRATEGIST);
        vault.submitModuleLimits(address(module), loose);
        _skipBlocks(TIMELOCK);
        vault.acceptModuleLimits(address(module), loose);
        assertEq(module.leverageLimits().maxSlippageBps, LOOSE_SLIPPAGE_BPS, "loosened");
        _moveAndWait(START_ANSWER);
    }

    function test_fuzz_maliciousKeeper_losesAtMostTheLossBudget(
        uint256 maxLossBps,
        uint256 budgetBps,
        int256 firstMoveBps,
        uint256 calls,
        uint256 seed
    ) public {
        maxLossBps = bound(maxLossBps, 1, 50);
        budgetBps = bound(budgetBps, maxLossBps, 200);
        VaultLimits memory limits = vault.limits();
        limits.maxLossBps = uint16(maxLossBps);
        limits.lossBudgetBps = uint16(budgetBps);
        vm.prank(GUARDIAN);
        vault.submitLimits(limits); // tightening: at once
        assertEq(vault.limits().maxLossBps, maxLossBps, "tightened");

        // A move that gives the keeper something to do in either direction.
        int256 answer = START_ANSWER * (10_000 + bound(firstMoveBps, -1500, 1500)) / 10_000;
        _moveAndWait(answer);

        uint256 budgetWad = budgetBps * WAD / BPS;
        uint256 lossWadSum; // sum of loss / preNav over the successful calls
        uint256 start = block.timestamp;
        calls = bound(calls, 1, 4);
        for (uint256 i; i < calls; ++i) {
            seed = uint256(keccak256(abi.encode(seed, i)));
            _attackedRebalance(seed, maxLossBps, budgetWad);
            lossWadSum += _lastLossWad;
            // Never more in total than the budget plus what the window refilled meanwhile.
            uint256 refill = (block.timestamp - start).mulDiv(budgetWad, limits.lossWindow);
            assertLe(lossWadSum, budgetWad + refill + calls, "total loss <= budget + refill");
            _skipBlocks(1 hours);
            _setPrice(answer); // the arbitrageur realigns the pool, the feed stays fresh
        }
    }

    uint256 internal _lastLossWad;

    function _attackedRebalance(uint256 seed, uint256 maxLossBps, uint256 budgetWad) internal {
        // Mostly the direction that trades, sometimes the wrong one.
        bool leverUp = (seed >> 16) % 4 == 0 ? (seed >> 18) % 2 == 0 : _leverage() < TARGET;
        // The attacker moves the pool up to 3% right before the keeper's call, mostly against the trade (up before a
        // lever-up buys collateral, down before a delever sells it).
        int256 push = int256(seed % 301);
        if (leverUp == ((seed >> 10) % 4 == 0)) push = -push;
        _movePoolTo(world.oracle.price() * uint256(10_000 + push) / 10_000);

        RebalanceParams memory p = _params(leverUp, _adversarialAmount(seed >> 24, leverUp));
        uint256 navBefore = vault.totalAssets();
        uint256 usedBefore = vault.lossBudgetUsed();
        _lastLossWad = 0;
        vm.prank(KEEPER);
        try vault.rebalance(address(module), p) {
            uint256 navAfter = vault.totalAssets();
            uint256 used = vault.lossBudgetUsed();
            assertLe(used, budgetWad, "budget never overspent");
            if (navAfter < navBefore) {
                uint256 loss = navBefore - navAfter;
                assertLe(loss, navBefore.mulDiv(maxLossBps, BPS), "per-call loss <= maxLossBps");
                _lastLossWad = loss.mulDiv(WAD, navBefore, Math.Rounding.Ceil);
                assertEq(used, usedBefore + _lastLossWad, "loss recorded in the budget");
            }
        } catch {
            assertEq(vault.totalAssets(), navBefore, "refused: NAV untouched");
            assertEq(vault.lossBudgetUsed(), usedBefore, "refused: budget untouched");
        }
    }

    /// @dev Dust, the size a keeper would send (times 0.5-1.0), the module's cap, or anything up to 1e30.
    function _adversarialAmount(uint256 seed, bool leverUp) internal view returns (uint256) {
        uint256 kind = seed % 5;
        seed >>= 3;
        if (kind == 0) return 1 + seed % 1e6;
        if (kind == 1) return (leverUp ? _leverUpAmountTo(TARGET) : _deleverAmountTo(TARGET)) * (50 + seed % 51) / 100;
        if (kind == 2) return (leverUp ? _leverUpAmountTo(TARGET) : _deleverAmountTo(TARGET)) * 995 / 1000;
        if (kind == 3) return 1000e18;
        return seed % 1e30;
    }
}
