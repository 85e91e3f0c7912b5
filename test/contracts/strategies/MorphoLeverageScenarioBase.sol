// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

import {console} from "forge-std/console.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {ModuleState} from "@ballast/interfaces/IStrategyModule.sol";
import {BPS} from "@ballast/libraries/ConstantsLib.sol";
import {LeverageLimits} from "@ballast-strategies/morpho-leverage/LeverageLimitsLib.sol";
import {MorphoLeverageFixture} from "./MorphoLeverageFixture.sol";

/// @notice What every price-path test starts from (Alice and Bob 100 WETH each, allocated and levered to 2x at $3,000)
/// and the checks they share: the fair-exit check run once in every scenario, and keeper / ripcord steps that assert
/// the module's limits and bound the NAV each trade costs by its traded size times the slippage bound.
abstract contract MorphoLeverageScenarioBase is MorphoLeverageFixture {
    using Math for uint256;

    uint256 internal constant MIN = 1.7e18;
    uint256 internal constant TARGET = 2e18;
    uint256 internal constant MAX = 2.3e18;
    uint256 internal constant RIPCORD = 2.7e18;
    /// @dev How far the remaining holders' share price (`_sharePrice`, ~1e18 assets) may fall through someone else's
    /// exit: the rounding of one exit (each module rounds its unwound amount down, the vault rounds the exiter down).
    uint256 internal constant EXIT_ROUNDING = 2;

    /// @dev NAV lost to the trades of the current scenario (keeper and ripcord steps), and the sum of their bounds.
    uint256 internal tradingCost;
    uint256 internal tradingCostBound;

    function setUp() public virtual override {
        super.setUp();
        _deposit(ALICE, 100e18);
        _deposit(BOB, 100e18);
        _allocate(200e18);
        _log("allocated (1x)");
        _rebalance(true, _leverUpAmountTo(TARGET));
        _log("keeper lever up");
        assertApproxEqRel(_leverage(), TARGET, 0.01e18, "starts at 2x");
    }

    /* PRICE */

    /// @dev Feed and pool to `answer`, then time for the cooldown and the TWAP window, with a fresh feed.
    function _moveAndWait(int256 answer) internal {
        _setPrice(answer);
        _skipBlocks(1 hours);
        _setPrice(answer);
    }

    /// @dev The guardian tightens the module's trade sizes (applies at once).
    function _setTradeSizes(uint128 maxTradeSize, uint128 ripcordMaxTradeSize) internal {
        LeverageLimits memory l = module.leverageLimits();
        l.maxTradeSize = maxTradeSize;
        l.ripcordMaxTradeSize = ripcordMaxTradeSize;
        vm.prank(GUARDIAN);
        vault.submitModuleLimits(address(module), abi.encode(l));
        assertEq(module.leverageLimits().maxTradeSize, maxTradeSize, "tightening applies at once");
    }

    /* CHECKS */

    function _assertInBand(string memory step) internal view {
        uint256 lev = _leverage();
        assertGe(lev, MIN, string.concat(step, ": above the floor"));
        assertLe(lev, MAX, string.concat(step, ": below the cap"));
    }

    function _assertHealthy(string memory step) internal view {
        assertGt(_healthFactor(), 1e18, string.concat(step, ": not liquidatable"));
    }

    /// @dev `who` redeems `fractionBps` of their shares. They must receive their pro-rata share of NAV
    /// (`convertToAssets`) minus at most their own unwind cost, bounded by the module's declared `unwindCostBps` on the
    /// part idle does not cover (itself checked against the keeper slippage bound times debt / equity); the remaining
    /// holders' share price must not fall by more than `EXIT_ROUNDING` wei.
    function _assertFairExit(address who, uint256 fractionBps, string memory step) internal returns (uint256 paid) {
        uint256 shares = vault.balanceOf(who) * fractionBps / BPS;
        uint256 gross = vault.convertToAssets(shares);
        uint256 unwound = gross > vault.idle() ? gross - vault.idle() : 0;
        uint256 costBps = module.unwindCostBps();
        _assertUnwindCostBpsMatchesSlippage(costBps, step);
        _assertCombinedViewMatches(costBps, step);
        // The vault unwinds up to 2 wei more than the shortfall and each module may round its cost up by one.
        uint256 maxCost = (unwound + 2).mulDiv(costBps, BPS, Math.Rounding.Ceil) + 2;
        uint256 holderPriceBefore = _sharePrice();
        uint256 balanceBefore = world.weth.balanceOf(who);
        uint256 navBefore = vault.totalAssets();

        vm.prank(who);
        paid = vault.redeem(shares, who, who);

        assertEq(world.weth.balanceOf(who) - balanceBefore, paid, string.concat(step, ": paid to the exiter"));
        assertLe(paid, gross, string.concat(step, ": no more than the pro-rata share"));
        assertGe(paid + maxCost, gross, string.concat(step, ": minus at most the exiter's own unwind cost"));
        assertGe(vault.totalAssets() + gross, navBefore, string.concat(step, ": NAV fell by the exiter's share only"));
        uint256 holderPriceAfter = _sharePrice();
        assertGe(holderPriceAfter + EXIT_ROUNDING, holderPriceBefore, string.concat(step, ": holders' price holds"));
        _logExit(step, fractionBps, gross, paid, maxCost, holderPriceBefore, holderPriceAfter);
        _log(string.concat(step, ": after exit"));
    }

    function _logExit(
        string memory step,
        uint256 fractionBps,
        uint256 gross,
        uint256 paid,
        uint256 maxCost,
        uint256 priceBefore,
        uint256 priceAfter
    ) internal pure {
        string memory priceMove = priceAfter >= priceBefore
            ? string.concat("+", vm.toString(priceAfter - priceBefore))
            : string.concat("-", vm.toString(priceBefore - priceAfter));
        console.log(
            string.concat(
                _pad(string.concat(step, ": exit ", vm.toString(fractionBps / 100), "%"), 34),
                " gross ",
                _fmt(gross, 1e18, 4),
                "  paid ",
                _fmt(paid, 1e18, 4),
                string.concat("  cost ", _fmt((gross - paid) * 1e18 / gross, 1e14, 2), " bps (bound "),
                string.concat(_fmt(maxCost * 1e18 / gross, 1e14, 2), ")  holders' price ", priceMove, " wei")
            )
        );
    }

    /// @dev `totalAssetsAndUnwindCost` (what the vault reads for an exit) returns what the two separate views return.
    function _assertCombinedViewMatches(uint256 costBps, string memory step) internal view {
        (uint256 quotedEquity, uint256 quotedCostBps) = module.totalAssetsAndUnwindCost();
        assertEq(quotedEquity, module.totalAssets(), string.concat(step, ": combined view's equity = totalAssets"));
        assertEq(quotedCostBps, costBps, string.concat(step, ": combined view's cost = unwindCostBps"));
    }

    /// @dev The module's declared unwind cost is the keeper slippage bound on the debt share of the equity, + 1 bp.
    function _assertUnwindCostBpsMatchesSlippage(uint256 costBps, string memory step) internal view {
        ModuleState memory s = module.state();
        if (s.debtInAssets == 0) {
            assertEq(costBps, 0, string.concat(step, ": no debt, no cost"));
            return;
        }
        uint256 equity = s.collateral - s.debtInAssets;
        uint256 expected = s.debtInAssets.mulDiv(module.leverageLimits().maxSlippageBps, equity, Math.Rounding.Ceil) + 1;
        assertEq(costBps, Math.min(expected, BPS), string.concat(step, ": unwindCostBps = slippage * debt / equity"));
    }

    /* KEEPER AND RIPCORD STEPS */

    /// @dev One keeper rebalance toward target, checked: pre/post as returned and as read, never past target, inside the
    /// band or strictly closer, trade within `maxTradeSize`, NAV cost within the traded size times `maxSlippageBps`.
    function _keeperStep(bool leverUp, string memory step) internal returns (uint256 pre, uint256 post) {
        LeverageLimits memory l = module.leverageLimits();
        uint256 amount = leverUp ? _leverUpAmountTo(TARGET) : _deleverAmountTo(TARGET);
        ModuleState memory before = module.state();
        uint256 navBefore = vault.totalAssets();
        (pre, post) = _rebalance(leverUp, amount);
        ModuleState memory afterState = module.state();

        assertEq(pre, before.leverage, string.concat(step, ": pre as read"));
        assertEq(post, afterState.leverage, string.concat(step, ": post as read"));
        if (leverUp) {
            assertLe(post, TARGET, string.concat(step, ": never past target"));
            assertLe(afterState.collateral - before.collateral, l.maxTradeSize, string.concat(step, ": <= max trade"));
        } else {
            assertGe(post, TARGET, string.concat(step, ": never past target"));
            // Sold collateral is worth at most `maxTradeSize` at the oracle plus the slippage paid on it.
            assertLe(
                before.collateral - afterState.collateral,
                uint256(l.maxTradeSize).mulDiv(BPS + l.maxSlippageBps, BPS, Math.Rounding.Ceil),
                string.concat(step, ": <= max trade")
            );
        }
        assertTrue((post >= MIN && post <= MAX) || (leverUp ? post > pre : post < pre), string.concat(step, ": limits"));
        _assertTradeCost(navBefore, before.collateral, afterState.collateral, l.maxSlippageBps, step);
        _assertHealthy(step);
        _log(step);
    }

    /// @dev One permissionless ripcord pull by a stranger, checked like a keeper step with the ripcord's bounds.
    function _ripcordStep(string memory step) internal returns (uint256 pre, uint256 post) {
        LeverageLimits memory l = module.leverageLimits();
        ModuleState memory before = module.state();
        uint256 navBefore = vault.totalAssets();
        vm.prank(STRANGER);
        (pre, post) = vault.ripcord(address(module));
        ModuleState memory afterState = module.state();

        assertGe(pre, RIPCORD, string.concat(step, ": only past the ripcord"));
        assertLt(post, pre, string.concat(step, ": lowers leverage"));
        assertGe(post, TARGET, string.concat(step, ": never past target"));
        assertLe(
            before.collateral - afterState.collateral,
            uint256(l.ripcordMaxTradeSize).mulDiv(BPS + l.ripcordSlippageBps, BPS, Math.Rounding.Ceil),
            string.concat(step, ": <= ripcord max trade")
        );
        _assertTradeCost(navBefore, before.collateral, afterState.collateral, l.ripcordSlippageBps, step);
        _assertHealthy(step);
        _log(step);
    }

    /// @dev A trade at the oracle price is NAV-neutral: what it lost is swap cost, at most its size times the bound
    /// (plus a few wei of the debt's round-up).
    function _assertTradeCost(
        uint256 navBefore,
        uint256 collateralBefore,
        uint256 collateralAfter,
        uint256 slippageBps,
        string memory step
    ) internal {
        uint256 navAfter = vault.totalAssets();
        uint256 traded = collateralAfter > collateralBefore
            ? collateralAfter - collateralBefore
            : collateralBefore - collateralAfter;
        uint256 bound = traded.mulDiv(slippageBps, BPS, Math.Rounding.Ceil) + 3;
        uint256 cost = navBefore > navAfter ? navBefore - navAfter : 0;
        assertLe(cost, bound, string.concat(step, ": NAV cost <= size * slippage"));
        tradingCost += cost;
        tradingCostBound += bound;
    }
}
