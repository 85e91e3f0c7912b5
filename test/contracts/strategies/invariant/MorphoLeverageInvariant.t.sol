// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

import {console} from "forge-std/console.sol";
import {IIrm} from "@morpho-org/morpho-blue/src/interfaces/IIrm.sol";
import {Market, Position} from "@morpho-org/morpho-blue/src/interfaces/IMorpho.sol";

import {PriceHealth} from "@ballast/interfaces/IBallastOracle.sol";
import {LeverageLimits} from "@ballast-strategies/morpho-leverage/LeverageLimitsLib.sol";
import {MorphoLeverageScenarioBase} from "../MorphoLeverageScenarioBase.sol";
import {MorphoLeverageHandler} from "./MorphoLeverageHandler.sol";

/// @notice Handler-based invariants of the leverage module on the real local world (starting at 2x with two
/// depositors): its reported equity is what Morpho's books, the oracle and its token balances say, recomputed here
/// with Morpho's interest and share maths written out independently; and the vault's NAV is idle plus that equity.
contract MorphoLeverageInvariantTest is MorphoLeverageScenarioBase {
    uint256 internal constant WAD_ = 1e18;
    /// @dev Morpho Blue's virtual shares and assets (SharesMathLib).
    uint256 internal constant VIRTUAL_SHARES = 1e6;
    uint256 internal constant VIRTUAL_ASSETS = 1;

    MorphoLeverageHandler internal handler;

    function setUp() public override {
        super.setUp();
        address[] memory actors = new address[](2);
        actors[0] = ALICE;
        actors[1] = BOB;
        handler =
            new MorphoLeverageHandler(vault, module, world.weth, world.ethUsdFeed, world.arbitrageur, KEEPER, actors);
        vm.prank(world.weth.owner());
        world.weth.setMinter(address(handler), true);
        targetContract(address(handler));
    }

    /// @notice `module.totalAssets()` = collateral - debt (accrued to now, shares rounded up) at the oracle's valuation
    /// price, plus nothing held loose: recomputed from `IMorpho.position` / `market`, the IRM, the oracle and balances.
    function invariant_moduleEquityMatchesMorphoAndBalances() public view {
        assertEq(world.weth.balanceOf(address(module)), 0, "no collateral held loose");
        assertEq(world.usdc.balanceOf(address(module)), 0, "no loan token held loose");
        assertEq(module.totalAssets(), _expectedEquity(), "module equity != Morpho + oracle + balances");
    }

    /// @notice NAV is idle plus the module's equity (the vault's only module).
    function invariant_navIsIdlePlusModuleEquity() public view {
        assertEq(vault.totalAssets(), world.weth.balanceOf(address(vault)) + module.totalAssets(), "NAV");
    }

    /// @notice The module's state view agrees with the same recomputation (collateral and debt).
    function invariant_stateMatchesMorpho() public view {
        Position memory p = world.morpho.position(world.marketId, address(module));
        assertEq(module.state().collateral, p.collateral, "collateral");
        assertEq(module.state().debt, _expectedDebt(p), "debt with accrued interest");
    }

    function afterInvariant() external view {
        console.log("price moves", handler.ghost_priceMoves(), "warps", handler.ghost_warps());
        console.log("rebalances", handler.ghost_rebalances(), "refused", handler.ghost_rebalancesRefused());
        console.log("ripcords", handler.ghost_ripcords(), "refused", handler.ghost_ripcordsRefused());
        console.log("deposits", handler.ghost_deposits(), "allocations", handler.ghost_allocations());
        console.log("redeems", handler.ghost_redeems(), "refused", handler.ghost_redeemsRefused());
        console.log("last-holder full exits", handler.ghost_lastHolderFullExits());
    }

    /* INDEPENDENT RECOMPUTATION */

    function _expectedEquity() internal view returns (uint256) {
        Position memory p = world.morpho.position(world.marketId, address(module));
        uint256 debt = _expectedDebt(p);
        if (debt == 0) return p.collateral;
        uint256 price = _valuationPrice();
        if (price == 0) return 0;
        uint256 debtInAssets = _mulDivUp(debt, 1e36, price);
        return p.collateral > debtInAssets ? p.collateral - debtInAssets : 0;
    }

    /// @dev Borrow shares to assets, rounded up, on the market's totals with interest accrued to now: Morpho's
    /// three-term Taylor expansion of e^(rate * elapsed) - 1 on the IRM's current rate.
    function _expectedDebt(Position memory p) internal view returns (uint256) {
        if (p.borrowShares == 0) return 0;
        Market memory m = world.morpho.market(world.marketId);
        uint256 totalBorrowAssets = m.totalBorrowAssets;
        uint256 elapsed = block.timestamp - m.lastUpdate;
        if (elapsed != 0 && totalBorrowAssets != 0) {
            uint256 rate = IIrm(world.marketParams.irm).borrowRateView(world.marketParams, m);
            uint256 first = rate * elapsed;
            uint256 second = first * first / (2 * WAD_);
            uint256 third = second * first / (3 * WAD_);
            totalBorrowAssets += totalBorrowAssets * (first + second + third) / WAD_;
        }
        return _mulDivUp(p.borrowShares, totalBorrowAssets + VIRTUAL_ASSETS, m.totalBorrowShares + VIRTUAL_SHARES);
    }

    /// @dev The oracle contract's own health read (not the module's in-place copy): the feed when healthy, else the
    /// lower usable source.
    function _valuationPrice() internal view returns (uint256 price) {
        LeverageLimits memory l = module.leverageLimits();
        PriceHealth memory h = world.oracle.health(l.maxOracleStaleness, l.maxOracleDeviationBps);
        if (h.healthy || h.twapPrice == 0) price = h.feedPrice;
        else if (h.feedPrice == 0) price = h.twapPrice;
        else price = h.feedPrice < h.twapPrice ? h.feedPrice : h.twapPrice;
        (uint256 oraclePrice,) = world.oracle.valuationPrice(l.maxOracleStaleness, l.maxOracleDeviationBps);
        assertEq(price, oraclePrice, "oracle's valuationPrice");
    }

    function _mulDivUp(uint256 x, uint256 y, uint256 d) internal pure returns (uint256) {
        return (x * y + (d - 1)) / d;
    }
}
