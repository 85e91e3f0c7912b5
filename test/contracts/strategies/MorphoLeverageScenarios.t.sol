// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

import {console} from "forge-std/console.sol";
import {Position} from "@morpho-org/morpho-blue/src/interfaces/IMorpho.sol";

import {ModuleState, RebalanceParams} from "@ballast/interfaces/IStrategyModule.sol";
import {ChainlinkPriceLib} from "@ballast/oracle/ChainlinkPriceLib.sol";
import {WAD} from "@ballast/libraries/ConstantsLib.sol";
import {MorphoLeverageModule} from "@ballast-strategies/morpho-leverage/MorphoLeverageModule.sol";
import {IMorphoLeverageModule} from "@ballast-strategies/morpho-leverage/IMorphoLeverageModule.sol";
import {LeverageLimits} from "@ballast-strategies/morpho-leverage/LeverageLimitsLib.sol";
import {ErrorsLib} from "@ballast/libraries/ErrorsLib.sol";
import {MorphoLeverageScenarioBase} from "./MorphoLeverageScenarioBase.sol";

/// @notice Price paths on the real local world: the arbitrageur moves feed and pool together, a keeper acts, and
/// leverage, health factor and NAV are checked (and printed) after every step; a depositor exits once in every path
/// (`_assertFairExit`). More paths: MorphoLeveragePricePaths.t.sol.
contract MorphoLeverageScenariosTest is MorphoLeverageScenarioBase {
    function test_scenario_drop15_oneDeleverBackIntoBand() public {
        _setPrice(2550e8);
        _log("-15%");
        assertGt(_leverage(), MAX, "pushed above the band");
        _skipBlocks(1 hours);
        _setPrice(2550e8);
        (uint256 pre, uint256 post) = _rebalance(false, _deleverAmountTo(TARGET));
        _log("keeper delever");
        assertGt(pre, MAX, "was out");
        assertGe(post, TARGET, "not past target");
        _assertInBand("after one delever");
        assertGt(_healthFactor(), 1e18, "healthy");
        _assertFairExit(ALICE, 5000, "-15% delevered");
    }

    function test_scenario_drop15_exitBeforeTheKeeper() public {
        _setPrice(2550e8);
        _log("-15% (oracle disputed: TWAP lags)");
        // A full exit here: the whole of Alice's shares, out of band and with the TWAP lagging.
        _assertFairExit(ALICE, 10_000, "-15% not delevered");
    }

    function test_scenario_drop35_keeperRefused_ripcordWorks_noLiquidation() public {
        LeverageLimits memory l = _defaultLimits();
        l.ripcordMaxTradeSize = 40e18;
        vm.prank(GUARDIAN);
        vault.submitModuleLimits(address(module), abi.encode(l));

        _setPrice(1950e8);
        _log("-35% in one step");
        assertGt(_leverage(), RIPCORD, "past the ripcord");
        _skipBlocks(1 hours);

        RebalanceParams memory p = _params(false, _deleverAmountTo(TARGET));
        vm.prank(KEEPER);
        vm.expectPartialRevert(IMorphoLeverageModule.LeverageAboveRipcord.selector);
        vault.rebalance(address(module), p);

        uint256 collateralBefore = module.state().collateral;
        vm.prank(STRANGER);
        (uint256 pre, uint256 post) = vault.ripcord(address(module));
        console.log("gas: ripcord (vault.ripcord)", vm.lastCallGas().gasTotalUsed);
        _log("ripcord 1");
        assertLt(post, pre, "ripcord lowers leverage");
        assertLe(collateralBefore - module.state().collateral, 40e18 * 10_150 / 10_000, "bounded size");

        // Each pull is bounded: keep pulling, one per ripcord cooldown, until leverage is below the ripcord.
        uint256 pulls = 1;
        while (_leverage() >= RIPCORD && pulls < 8) {
            vm.prank(STRANGER);
            vm.expectPartialRevert(IMorphoLeverageModule.RipcordCooldownActive.selector);
            vault.ripcord(address(module));
            _skipBlocks(10 minutes);
            uint256 lev = _leverage();
            vm.prank(STRANGER);
            vault.ripcord(address(module));
            ++pulls;
            _log(string.concat("ripcord ", vm.toString(pulls), " (after its cooldown)"));
            assertLt(_leverage(), lev, "each pull lowers leverage");
            assertGt(_healthFactor(), 1e18, "never liquidatable");
        }
        assertGe(pulls, 2, "bounded: took several pulls");
        assertLt(_leverage(), RIPCORD, "below the ripcord");
        vm.prank(STRANGER);
        vm.expectPartialRevert(IMorphoLeverageModule.RipcordNotTriggered.selector);
        vault.ripcord(address(module));

        _setPrice(1950e8);
        _skipBlocks(1 hours);
        _setPrice(1950e8);
        _rebalance(false, _deleverAmountTo(TARGET));
        _log("keeper delever");
        _assertInBand("after ripcord and keeper");
        Position memory pos = world.morpho.position(world.marketId, address(module));
        assertGt(pos.collateral, 0, "position alive");
        assertGt(_healthFactor(), 1e18, "never liquidatable");
        _assertFairExit(ALICE, 5000, "-35% recovered");
    }

    function test_scenario_rise20_leverUpInChunks() public {
        LeverageLimits memory l = _defaultLimits();
        l.maxTradeSize = 12e18;
        vm.prank(GUARDIAN);
        vault.submitModuleLimits(address(module), abi.encode(l));

        _moveAndWait(3600e8);
        _log("+20%");
        uint256 lev = _leverage();
        assertLt(lev, TARGET - 0.2e18, "well under target");
        uint256 chunks;
        while (_leverUpAmountTo(TARGET) > 0.5e18 && chunks < 10) {
            uint256 collateralBefore = module.state().collateral;
            (uint256 pre, uint256 post) = _rebalance(true, _leverUpAmountTo(TARGET));
            ++chunks;
            _log(string.concat("keeper lever up, chunk ", vm.toString(chunks)));
            assertLe(module.state().collateral - collateralBefore, 12e18, "chunk <= maxTradeSize");
            assertGt(post, pre, "closer to target");
            assertLe(post, TARGET, "never past target");
            if (chunks == 1) _assertFairExit(BOB, 3000, "+20% mid-chunks");
            _skipBlocks(1 hours);
            _setPrice(3600e8);
        }
        assertGe(chunks, 3, "needed several chunks");
        assertApproxEqRel(_leverage(), TARGET, 0.01e18, "back at target");
    }

    function test_scenario_staleFeed2h_leverUpRevertsDeleverWorks() public {
        _moveAndWait(2700e8);
        _log("-10%");
        (,,, uint256 updatedAt,) = world.ethUsdFeed.latestRoundData();
        _skipBlocks(2 hours);
        _log("feed stale for 2 hours");
        assertFalse(module.priceHealthy(), "unhealthy");

        RebalanceParams memory p = _params(true, 1e18);
        vm.prank(KEEPER);
        vm.expectRevert(
            abi.encodeWithSelector(ChainlinkPriceLib.StalePrice.selector, updatedAt, 1 hours, block.timestamp)
        );
        vault.rebalance(address(module), p);

        (uint256 pre, uint256 post) = _rebalance(false, _deleverAmountTo(TARGET));
        _log("keeper delever on a stale feed");
        assertLt(post, pre, "delever works");
        assertGe(post, TARGET, "not past target");
        _assertFairExit(ALICE, 5000, "stale feed");
    }

    function test_scenario_poolPushed5pctBeforeLeverUp_reverts_nothingLost() public {
        _moveAndWait(3600e8); // +20%: the keeper wants to lever up
        ModuleState memory before = module.state();
        uint256 navBefore = vault.totalAssets();
        RebalanceParams memory p = _params(true, _leverUpAmountTo(TARGET));

        // The attacker buys WETH on the pool: 5% above the oracle, the module's swap would overpay.
        _movePoolTo(world.oracle.price() * 105 / 100);
        vm.prank(KEEPER);
        vm.expectPartialRevert(IMorphoLeverageModule.SlippageExceeded.selector);
        vault.rebalance(address(module), p);

        ModuleState memory afterState = module.state();
        assertEq(afterState.collateral, before.collateral, "collateral untouched");
        assertEq(afterState.debt, before.debt, "debt untouched");
        assertEq(vault.totalAssets(), navBefore, "NAV untouched");

        // An exit against the pushed pool sells collateral above the oracle: the exiter pays nothing, holders gain.
        _assertFairExit(BOB, 5000, "pool pushed +5%");
    }

    function test_scenario_poolPushed5pctBeforeDelever_reverts_nothingLost() public {
        _moveAndWait(2550e8);
        ModuleState memory before = module.state();
        uint256 navBefore = vault.totalAssets();
        RebalanceParams memory p = _params(false, _deleverAmountTo(TARGET));

        // The attacker sells WETH on the pool: 5% below the oracle, the module's swap would undersell.
        _movePoolTo(world.oracle.price() * 95 / 100);
        vm.prank(KEEPER);
        vm.expectPartialRevert(IMorphoLeverageModule.SlippageExceeded.selector);
        vault.rebalance(address(module), p);

        assertEq(module.state().collateral, before.collateral, "collateral untouched");
        assertEq(module.state().debt, before.debt, "debt untouched");
        assertEq(vault.totalAssets(), navBefore, "NAV untouched");

        // A standard exit against the pushed pool would cost more than the declared bound: refused, nothing lost.
        uint256 shares = vault.balanceOf(BOB) / 2;
        vm.prank(BOB);
        vm.expectPartialRevert(ErrorsLib.ExitLossExceeded.selector);
        vault.redeem(shares, BOB, BOB);
        assertEq(vault.totalAssets(), navBefore, "NAV untouched by the refused exit");
        // Once arbitrage has put the pool back, the same exit is fair.
        _setPrice(2550e8);
        _assertFairExit(BOB, 5000, "pool pushed -5%, then arbitraged");
    }

    /// @dev One path, one table: the figures the issue's note asks for.
    function test_scenario_pricePath_table() public {
        _moveAndWait(2580e8); // -14%
        _log("-14%");
        if (_leverage() > MAX) {
            _rebalance(false, _deleverAmountTo(TARGET));
            _log("keeper delever");
        }
        _assertInBand("-14%");
        _moveAndWait(2120e8); // a further -18%
        _log("-18% more");
        assertGt(_leverage(), MAX, "out of the band again");
        _rebalance(false, _deleverAmountTo(TARGET));
        _log("keeper delever");
        _assertInBand("-18%");
        _moveAndWait(1500e8); // flash crash
        _log("flash crash to $1500");
        if (_leverage() >= RIPCORD) {
            vm.prank(STRANGER);
            vault.ripcord(address(module));
            _log("ripcord");
        }
        assertGt(_healthFactor(), 1e18, "no liquidation");
        _moveAndWait(1500e8);
        if (_leverage() > MAX) {
            _rebalance(false, _deleverAmountTo(TARGET));
            _log("keeper delever");
        }
        _moveAndWait(3000e8); // full recovery
        _log("recovery to $3000");
        while (_leverage() < MIN) {
            _rebalance(true, _leverUpAmountTo(TARGET));
            _log("keeper lever up");
            _moveAndWait(3000e8);
        }
        _assertInBand("recovered");
        _assertFairExit(ALICE, 5000, "end of path");
    }
}
