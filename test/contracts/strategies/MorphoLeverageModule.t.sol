// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

import {console} from "forge-std/console.sol";
import {Position} from "@morpho-org/morpho-blue/src/interfaces/IMorpho.sol";

import {ModuleState, DeleverReason, RebalanceParams} from "@ballast/interfaces/IStrategyModule.sol";
import {ErrorsLib} from "@ballast/libraries/ErrorsLib.sol";
import {WAD} from "@ballast/libraries/ConstantsLib.sol";
import {MorphoLeverageModule} from "@ballast-strategies/morpho-leverage/MorphoLeverageModule.sol";
import {IMorphoLeverageModule} from "@ballast-strategies/morpho-leverage/IMorphoLeverageModule.sol";
import {LeverageLimits, LeverageLimitsLib} from "@ballast-strategies/morpho-leverage/LeverageLimitsLib.sol";
import {MorphoLeverageFixture} from "./MorphoLeverageFixture.sol";

/// @notice The module's entry points one by one on the real local world.
contract MorphoLeverageModuleTest is MorphoLeverageFixture {
    function setUp() public override {
        super.setUp();
        _deposit(ALICE, 100e18);
    }

    /* ALLOCATE / TOTAL ASSETS */

    function test_allocate_suppliesCollateralAt1x() public {
        _allocate(100e18);
        Position memory p = world.morpho.position(world.marketId, address(module));
        assertEq(p.collateral, 100e18, "collateral on Morpho");
        assertEq(p.borrowShares, 0, "no debt");
        assertEq(module.totalAssets(), 100e18, "equity = collateral");
        assertEq(module.state().leverage, WAD, "1x");
        assertTrue(module.priceHealthy(), "healthy");
    }

    function test_allocate_revertsForStranger() public {
        vm.prank(STRANGER);
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.NotVault.selector, STRANGER));
        module.allocate(1);
    }

    /* LEVER UP */

    function test_rebalance_leverUp_1xTo2xInOneTransaction() public {
        _allocate(100e18);
        uint256 navBefore = vault.totalAssets();
        uint256 amount = _leverUpAmountTo(2e18);
        (uint256 pre, uint256 post) = _rebalance(true, amount);
        uint256 gas = vm.lastCallGas().gasTotalUsed;
        console.log("gas: lever up 1x -> 2x (vault.rebalance)", gas);

        ModuleState memory s = module.state();
        assertEq(pre, WAD, "pre 1x");
        assertEq(post, s.leverage, "reported post = state");
        assertGt(post, 1.98e18, "close to 2x");
        assertLe(post, 2e18, "never past target");
        assertEq(s.collateral, 100e18 + amount, "bought exactly the amount");
        assertGt(s.debt, 0, "borrowed");
        uint256 navAfter = vault.totalAssets();
        // Cost: the 0.05% pool fee on the trade plus a little price impact.
        assertLt(navBefore - navAfter, navBefore * 10 / 10_000, "costs under 10 bps of NAV");
        assertEq(world.weth.balanceOf(address(module)), 0, "no collateral left in the module");
        assertEq(world.usdc.balanceOf(address(module)), 0, "no loan token left in the module");
    }

    function test_totalAssets_matchesMorphoAtOraclePrice() public {
        _allocate(100e18);
        _rebalance(true, _leverUpAmountTo(2e18));
        Position memory p = world.morpho.position(world.marketId, address(module));
        uint256 debt = uint256(p.borrowShares) * (world.morpho.market(world.marketId).totalBorrowAssets + 1)
            / (world.morpho.market(world.marketId).totalBorrowShares + 1e6);
        uint256 debtInAssets = (debt * 1e36 + world.oracle.price() - 1) / world.oracle.price();
        assertApproxEqAbs(module.totalAssets(), p.collateral - debtInAssets, 2, "equity = collateral - debt");
    }

    /* UNWIND */

    function test_unwind_proRata_halfPosition() public {
        _allocate(100e18);
        _rebalance(true, _leverUpAmountTo(2e18));
        ModuleState memory before = module.state();
        uint256 equityBefore = module.totalAssets();
        uint256 idleBefore = world.weth.balanceOf(address(vault));

        vm.prank(address(vault));
        uint256 out = module.unwind(0.5e18);
        console.log("gas: unwind half (module.unwind)", vm.lastCallGas().gasTotalUsed);

        ModuleState memory afterState = module.state();
        assertEq(world.weth.balanceOf(address(vault)) - idleBefore, out, "proceeds sent to the vault");
        assertApproxEqRel(afterState.collateral, before.collateral / 2, 1e12, "half the collateral");
        assertApproxEqRel(afterState.debt, before.debt / 2, 1e12, "half the debt");
        assertApproxEqRel(afterState.leverage, before.leverage, 1e15, "leverage unchanged");
        // Proceeds: half the equity minus the swap cost on half the debt (<= 0.5% of that by default bound).
        assertLe(out, equityBefore / 2, "no more than the fraction's equity");
        assertGe(out, equityBefore / 2 * (10_000 - module.unwindCostBps()) / 10_000, "within the declared cost");
    }

    function test_unwind_whole_closesPosition() public {
        _allocate(100e18);
        _rebalance(true, _leverUpAmountTo(2e18));
        vm.prank(address(vault));
        module.unwind(WAD);
        Position memory p = world.morpho.position(world.marketId, address(module));
        assertEq(p.collateral, 0, "no collateral");
        assertEq(p.borrowShares, 0, "no debt");
        assertEq(module.totalAssets(), 0, "no equity");
        assertGt(world.weth.balanceOf(address(vault)), 99e18, "proceeds in the vault");
    }

    function test_unwind_worksWithStaleFeed() public {
        _allocate(100e18);
        _rebalance(true, _leverUpAmountTo(2e18));
        _skipBlocks(3 hours);
        assertFalse(world.oracle.health(1 hours, 300).fresh, "feed stale");
        vm.prank(address(vault));
        uint256 out = module.unwind(0.25e18);
        assertGt(out, 24e18 * 99 / 100 / 4, "paid out");
    }

    function test_unwind_revertsOnBadFraction() public {
        vm.startPrank(address(vault));
        vm.expectRevert(abi.encodeWithSelector(IMorphoLeverageModule.InvalidFraction.selector, 0));
        module.unwind(0);
        vm.expectRevert(abi.encodeWithSelector(IMorphoLeverageModule.InvalidFraction.selector, WAD + 1));
        module.unwind(WAD + 1);
        vm.stopPrank();
    }

    function test_redeem_leveragedPosition_paysShareMinusOwnCost() public {
        _deposit(BOB, 100e18);
        _allocate(200e18);
        _rebalance(true, _leverUpAmountTo(2e18));
        uint256 priceBefore = _sharePrice();
        uint256 shares = vault.balanceOf(ALICE);
        uint256 gross = vault.convertToAssets(shares);
        uint256 preview = vault.previewRedeem(shares);

        vm.prank(ALICE);
        uint256 paid = vault.redeem(shares, ALICE, ALICE);
        console.log("gas: redeem with unwind (vault.redeem)", vm.lastCallGas().gasTotalUsed);

        assertEq(world.weth.balanceOf(ALICE), paid, "paid to Alice");
        assertGe(paid, preview, "at least the preview");
        assertLt(paid, gross, "Alice pays her own unwind cost");
        assertGe(_sharePrice(), priceBefore, "Bob's share price does not drop");
    }

    /* CALLBACKS */

    function test_callbacks_rejectStrangers() public {
        vm.startPrank(STRANGER);
        vm.expectRevert(abi.encodeWithSelector(IMorphoLeverageModule.UnexpectedCallback.selector, STRANGER));
        module.onMorphoSupplyCollateral(1, abi.encode(uint256(1)));
        vm.expectRevert(abi.encodeWithSelector(IMorphoLeverageModule.UnexpectedCallback.selector, STRANGER));
        module.onMorphoRepay(1, abi.encode(uint256(1)));
        vm.expectRevert(abi.encodeWithSelector(IMorphoLeverageModule.UnexpectedCallback.selector, STRANGER));
        module.uniswapV3SwapCallback(1, -1, abi.encode(uint256(1)));
        vm.stopPrank();
    }

    /* REBALANCE LIMITS */

    function _leveredTo2x() internal {
        _allocate(100e18);
        _rebalance(true, _leverUpAmountTo(2e18));
    }

    function test_rebalance_revertsDuringCooldown() public {
        _leveredTo2x();
        _setPrice(2700e8);
        RebalanceParams memory p = _params(false, 10e18);
        vm.prank(KEEPER);
        vm.expectRevert(
            abi.encodeWithSelector(
                IMorphoLeverageModule.CooldownActive.selector, block.timestamp, 1 hours, block.timestamp
            )
        );
        vault.rebalance(address(module), p);
    }

    function test_rebalance_leverUp_revertsWhenItWouldPassTarget() public {
        _allocate(100e18);
        RebalanceParams memory p = _params(true, 101e18);
        vm.prank(KEEPER);
        vm.expectPartialRevert(IMorphoLeverageModule.PostLeverageOutOfRange.selector);
        vault.rebalance(address(module), p);
        assertEq(module.state().leverage, WAD, "nothing happened");
    }

    function test_rebalance_revertsInTheWrongDirection() public {
        _allocate(100e18);
        RebalanceParams memory p = _params(false, 1e18);
        vm.prank(KEEPER);
        vm.expectRevert(abi.encodeWithSelector(IMorphoLeverageModule.WrongDirection.selector, false, WAD, 2e18));
        vault.rebalance(address(module), p);
    }

    function test_rebalance_amountCappedAtMaxTradeSize() public {
        _allocate(100e18);
        LeverageLimits memory l = _defaultLimits();
        l.maxTradeSize = 10e18;
        vm.prank(GUARDIAN);
        vault.submitModuleLimits(address(module), abi.encode(l));
        _rebalance(true, 90e18);
        assertEq(module.state().collateral, 110e18, "bought maxTradeSize, not the asked amount");
    }

    function test_rebalance_delever_towardTargetNeverPast() public {
        _leveredTo2x();
        _setPrice(2700e8); // -10%: about 2.25x
        _skipBlocks(1 hours);
        _setPrice(2700e8);
        uint256 amount = _deleverAmountTo(2e18);
        (uint256 pre, uint256 post) = _rebalance(false, amount);
        console.log("gas: delever 2.25x -> 2x (vault.rebalance)", vm.lastCallGas().gasTotalUsed);
        assertGt(pre, 2.2e18, "pre above target");
        assertGe(post, 2e18, "never past target");
        assertLt(post, 2.01e18, "reached target");
    }

    /// @dev A collateral amount worth less than one loan unit: refused by the module with the numbers, not by Morpho's
    /// "inconsistent input" on a zero repay.
    function test_rebalance_delever_revertsOnDustAmount() public {
        _leveredTo2x();
        _setPrice(2700e8);
        _skipBlocks(1 hours);
        _setPrice(2700e8);
        RebalanceParams memory p = _params(false, 1e8);
        vm.prank(KEEPER);
        vm.expectRevert(abi.encodeWithSelector(IMorphoLeverageModule.DeleverTooSmall.selector, 1e8, 2700e8 * 1e16));
        vault.rebalance(address(module), p);
    }

    /// @dev A lever-up so large that its debt at the slippage bound would pass the LLTV: refused before any call to
    /// Morpho with the worst debt and Morpho's lending limit, not by Morpho's "insufficient collateral".
    function test_rebalance_leverUp_revertsWhenWorstDebtPassesLltv() public {
        _allocate(100e18);
        uint256 amount = 600e18;
        uint256 price = world.oracle.price();
        uint256 worstDebt = amount * price / 1e36 * (10_000 + _defaultLimits().maxSlippageBps) / 10_000 + 1;
        uint256 maxBorrow = (100e18 + amount) * price / 1e36 * world.marketParams.lltv / WAD;
        assertGt(worstDebt, maxBorrow, "sized past the LLTV");
        RebalanceParams memory p = _params(true, amount);
        vm.expectRevert(abi.encodeWithSelector(IMorphoLeverageModule.LeverUpExceedsLltv.selector, worstDebt, maxBorrow));
        module.previewRebalance(p);
        vm.prank(KEEPER);
        vm.expectRevert(abi.encodeWithSelector(IMorphoLeverageModule.LeverUpExceedsLltv.selector, worstDebt, maxBorrow));
        vault.rebalance(address(module), p);
        assertEq(module.state().leverage, WAD, "nothing happened");
    }

    function test_previewRebalance_isTheWorstCaseOfRebalance() public {
        _allocate(100e18);
        // The preview trades at the full slippage bound: aim under target so the worst case still fits.
        uint256 amount = _leverUpAmountTo(1.9e18);
        RebalanceParams memory p = _params(true, amount);
        ModuleState memory predicted = module.previewRebalance(p);

        // Aimed past the target, the worst case passes it: the preview refuses, like the rebalance would.
        RebalanceParams memory tooFar = _params(true, _leverUpAmountTo(2.2e18));
        vm.expectPartialRevert(IMorphoLeverageModule.PostLeverageOutOfRange.selector);
        module.previewRebalance(tooFar);

        vm.prank(KEEPER);
        (, uint256 post) = vault.rebalance(address(module), p);
        assertEq(predicted.collateral, module.state().collateral, "same collateral");
        assertGe(predicted.leverage, post, "prediction is the worst case");
        assertApproxEqRel(predicted.leverage, post, 0.01e18, "and close to it");
    }

    function test_isRiskIncreasing_isLeverUp() public {
        assertTrue(module.isRiskIncreasing(_params(true, 1)), "lever up");
        assertFalse(module.isRiskIncreasing(_params(false, 1)), "delever");
    }

    /* LIMITS */

    function test_checkLimits_tellsLooseningFromTightening() public view {
        LeverageLimits memory l = _defaultLimits();
        l.targetLeverage = 1.9e18;
        l.minLeverage = 1.5e18;
        assertFalse(module.checkLimits(abi.encode(l)), "lower target and floor tighten");
        l = _defaultLimits();
        l.maxTradeSize = 2000e18;
        assertTrue(module.checkLimits(abi.encode(l)), "bigger trades loosen");
        l = _defaultLimits();
        l.cooldown = 30 minutes;
        assertTrue(module.checkLimits(abi.encode(l)), "shorter cooldown loosens");
        l = _defaultLimits();
        l.deadManDelay = 2 days;
        assertTrue(module.checkLimits(abi.encode(l)), "later dead-man loosens");
    }

    function test_checkLimits_revertsOnInconsistentLimits() public {
        LeverageLimits memory l = _defaultLimits();
        l.maxLeverage = 2.7e18;
        vm.expectRevert(
            abi.encodeWithSelector(LeverageLimitsLib.LeverageOrderInvalid.selector, 1.7e18, 2e18, 2.7e18, 2.7e18)
        );
        module.checkLimits(abi.encode(l));

        l = _defaultLimits();
        l.maxLeverage = 5e18;
        l.ripcordLeverage = 6e18; // LLTV 86% - 5% buffer -> at most 1 / 0.19 = 5.26x
        vm.expectRevert(
            abi.encodeWithSelector(
                LeverageLimitsLib.RipcordTooCloseToLiquidation.selector,
                6e18,
                LeverageLimitsLib.maxRipcordLeverage(0.86e18),
                0.86e18
            )
        );
        module.checkLimits(abi.encode(l));

        l = _defaultLimits();
        l.ripcordSlippageBps = 40;
        vm.expectRevert(abi.encodeWithSelector(LeverageLimitsLib.SlippageOutOfBounds.selector, 50, 40));
        module.checkLimits(abi.encode(l));

        l = _defaultLimits();
        l.maxTradeSize = 0;
        vm.expectRevert(abi.encodeWithSelector(LeverageLimitsLib.TradeSizeZero.selector, 0, 1000e18));
        module.checkLimits(abi.encode(l));

        l = _defaultLimits();
        l.maxOracleStaleness = 0;
        vm.expectRevert(abi.encodeWithSelector(LeverageLimitsLib.OracleBoundsOutOfRange.selector, 0, 300));
        module.checkLimits(abi.encode(l));

        l = _defaultLimits();
        l.deadManDelay = 30 minutes;
        vm.expectRevert(
            abi.encodeWithSelector(LeverageLimitsLib.DeadManDelayOutOfBounds.selector, 30 minutes, 1 hours, 30 days)
        );
        module.checkLimits(abi.encode(l));
    }

    function test_setLimits_tighteningAppliesAtOnce_looseningWaitsForTimelock() public {
        LeverageLimits memory l = _defaultLimits();
        l.targetLeverage = 1.8e18;
        vm.prank(GUARDIAN);
        vault.submitModuleLimits(address(module), abi.encode(l));
        assertEq(module.leverageLimits().targetLeverage, 1.8e18, "tightened at once");

        l.targetLeverage = 2.2e18;
        vm.prank(STRATEGIST);
        vault.submitModuleLimits(address(module), abi.encode(l));
        assertEq(module.leverageLimits().targetLeverage, 1.8e18, "loosening pending");
        vm.warp(block.timestamp + TIMELOCK);
        vault.acceptModuleLimits(address(module), abi.encode(l));
        assertEq(module.leverageLimits().targetLeverage, 2.2e18, "applied after the timelock");
        assertEq(keccak256(module.limits()), keccak256(abi.encode(l)), "limits() round-trips");
    }

    function test_setLimits_revertsForStranger() public {
        vm.prank(STRANGER);
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.NotVault.selector, STRANGER));
        module.setLimits(abi.encode(_defaultLimits()));
    }

    /* EMERGENCY */

    function test_ripcord_revertsBelowRipcordLeverage() public {
        _leveredTo2x();
        uint256 lev = _leverage();
        vm.prank(STRANGER);
        vm.expectRevert(abi.encodeWithSelector(IMorphoLeverageModule.RipcordNotTriggered.selector, lev, 2.7e18));
        vault.ripcord(address(module));
    }

    function test_deadMansSwitch_armsAfterDelayWhenAboveBand() public {
        _leveredTo2x();
        uint256 leveredAt = block.timestamp;
        _setPrice(2550e8); // -15%: about 2.43x, above the band
        vm.prank(STRANGER);
        vm.expectRevert(
            abi.encodeWithSelector(
                IMorphoLeverageModule.DeadMansSwitchNotArmed.selector, leveredAt, 1 days, block.timestamp
            )
        );
        vault.deadMansSwitch(address(module));

        _skipBlocks(1 days);
        vm.prank(STRANGER);
        (uint256 pre, uint256 post) = vault.deadMansSwitch(address(module));
        assertGt(pre, 2.3e18, "was above the band");
        assertLt(post, pre, "delevered");
        assertGe(post, 2e18, "not past target");

        vm.prank(STRANGER);
        vm.expectRevert(
            abi.encodeWithSelector(IMorphoLeverageModule.LeverageNotAboveBand.selector, _leverage(), 2.3e18)
        );
        vault.deadMansSwitch(address(module));
    }

    function test_emergencyDelever_guardianBoundedStep() public {
        _leveredTo2x();
        LeverageLimits memory l = _defaultLimits();
        l.maxTradeSize = 10e18;
        vm.prank(GUARDIAN);
        vault.submitModuleLimits(address(module), abi.encode(l));
        uint256 collateralBefore = module.state().collateral;

        vm.prank(GUARDIAN);
        (uint256 pre, uint256 post) = vault.emergencyDelever(address(module));
        assertLt(post, pre, "delevered");
        assertGe(post, 1.7e18, "not below the floor");
        assertLe(collateralBefore - module.state().collateral, 10e18 * 10_050 / 10_000, "bounded by maxTradeSize");

        vm.prank(STRANGER);
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.NotGuardian.selector, STRANGER));
        vault.emergencyDelever(address(module));
    }
}
