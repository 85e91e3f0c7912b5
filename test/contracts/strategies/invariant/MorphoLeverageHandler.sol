// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

import {Test} from "forge-std/Test.sol";

import {BallastVault} from "@ballast/BallastVault.sol";
import {ModuleState, RebalanceParams} from "@ballast/interfaces/IStrategyModule.sol";
import {WAD} from "@ballast/libraries/ConstantsLib.sol";
import {MintableERC20} from "@ballast/script/world/MintableERC20.sol";
import {PoolArbitrageur} from "@ballast/script/world/PoolArbitrageur.sol";
import {SettableAggregator} from "@ballast/oracle/SettableAggregator.sol";
import {MorphoLeverageModule} from "@ballast-strategies/morpho-leverage/MorphoLeverageModule.sol";
import {LeverageLimits} from "@ballast-strategies/morpho-leverage/LeverageLimitsLib.sol";

/// @notice Drives the local world's leveraged vault through price moves, keeper rebalances, ripcord pulls, deposits
/// (allocated by the keeper), redeems and time warps. Every action is `...NoRevert`: inputs are bounded, vault calls
/// that may legitimately be refused (cooldown, ripcord level, oracle, loss bounds, exit cost) run under try/catch, a
/// refusal must leave the position untouched, and a success must respect the module's limits (asserted here, so a
/// violation fails the run through `fail_on_revert`). Counters are kept as ghost variables.
contract MorphoLeverageHandler is Test {
    BallastVault public immutable vault;
    MorphoLeverageModule public immutable module;
    MintableERC20 public immutable weth;
    SettableAggregator public immutable feed;
    PoolArbitrageur public immutable arbitrageur;
    address internal immutable KEEPER;
    address[] internal actors;

    int256 internal constant MIN_ANSWER = 1500e8;
    int256 internal constant MAX_ANSWER = 4500e8;

    /* GHOSTS */

    uint256 public ghost_priceMoves;
    uint256 public ghost_warps;
    uint256 public ghost_rebalances;
    uint256 public ghost_rebalancesRefused;
    uint256 public ghost_ripcords;
    uint256 public ghost_ripcordsRefused;
    uint256 public ghost_deposits;
    uint256 public ghost_allocations;
    uint256 public ghost_redeems;
    uint256 public ghost_redeemsRefused;
    /// @dev Full exits of the last holder (no other actor holds shares): the unwind that leaves only the seed's dust.
    uint256 public ghost_lastHolderFullExits;
    /// @dev Assets paid in by deposits and out by redeems.
    uint256 public ghost_assetsIn;
    uint256 public ghost_assetsOut;

    constructor(
        BallastVault vault_,
        MorphoLeverageModule module_,
        MintableERC20 weth_,
        SettableAggregator feed_,
        PoolArbitrageur arbitrageur_,
        address keeper,
        address[] memory actors_
    ) {
        vault = vault_;
        module = module_;
        weth = weth_;
        feed = feed_;
        arbitrageur = arbitrageur_;
        KEEPER = keeper;
        actors = actors_;
    }

    /* MARKET */

    /// @dev Feed and pool move together by up to 10%, kept within $1,500-$4,500.
    function movePriceNoRevert(int256 moveBps) external {
        (, int256 answer,,,) = feed.latestRoundData();
        answer = answer * (10_000 + bound(moveBps, -1000, 1000)) / 10_000;
        if (answer < MIN_ANSWER) answer = MIN_ANSWER;
        if (answer > MAX_ANSWER) answer = MAX_ANSWER;
        _setPrice(answer);
        ++ghost_priceMoves;
    }

    /// @dev Up to two hours pass; half the time the feed is refreshed at its last answer (else it may go stale).
    function warpNoRevert(uint256 seconds_, bool refreshFeed) external {
        vm.warp(block.timestamp + bound(seconds_, 1, 2 hours));
        vm.roll(block.number + 1);
        if (refreshFeed) {
            (, int256 answer,,,) = feed.latestRoundData();
            _setPrice(answer);
        }
        ++ghost_warps;
    }

    /* KEEPER AND RIPCORD */

    /// @dev The keeper steers toward target with the size it would plan (scaled 50%-120%).
    function rebalanceNoRevert(uint256 sizePct) external {
        ModuleState memory s = module.state();
        if (s.debt == 0 || s.collateral <= s.debtInAssets) return;
        LeverageLimits memory l = module.leverageLimits();
        if (s.leverage == l.targetLeverage) return;
        bool leverUp = s.leverage < l.targetLeverage;
        uint256 equity = s.collateral - s.debtInAssets;
        uint256 wanted = leverUp
            ? _zeroFloorSub(equity * l.targetLeverage / WAD, s.collateral)
            : _zeroFloorSub(s.collateral, equity * l.targetLeverage / WAD + 1);
        uint256 amount = wanted * bound(sizePct, 50, 120) / 100;
        if (amount == 0) return;

        RebalanceParams memory p = RebalanceParams({
            jobId: bytes32(
                (uint256(keccak256(abi.encode("invariant job", ghost_rebalances, ghost_rebalancesRefused))) >> 56 << 56)
                    | vault.moduleConfig(address(module)).jobNonce
            ),
            deadline: block.timestamp,
            leverUp: leverUp,
            amount: amount,
            minPreLeverage: 0,
            maxPreLeverage: type(uint256).max
        });
        uint256 navBefore = vault.totalAssets();
        vm.prank(KEEPER);
        try vault.rebalance(address(module), p) returns (uint256 pre, uint256 post) {
            ++ghost_rebalances;
            bool inBand = post >= l.minLeverage && post <= l.maxLeverage;
            if (leverUp) {
                assertLe(post, l.targetLeverage, "lever up past target");
                assertTrue(inBand || post > pre, "lever up neither in band nor closer");
            } else {
                assertGe(post, l.targetLeverage, "delever past target");
                assertTrue(inBand || post < pre, "delever neither in band nor closer");
            }
            assertEq(module.lastRebalance(), block.timestamp, "cooldown restarted");
        } catch {
            ++ghost_rebalancesRefused;
            _assertUntouched(s, navBefore, "refused rebalance");
        }
    }

    function ripcordNoRevert() external {
        ModuleState memory s = module.state();
        LeverageLimits memory l = module.leverageLimits();
        if (s.leverage < l.ripcordLeverage) return;
        uint256 navBefore = vault.totalAssets();
        try vault.ripcord(address(module)) returns (uint256 pre, uint256 post) {
            ++ghost_ripcords;
            assertLt(post, pre, "ripcord lowers leverage");
            assertGe(post, l.targetLeverage, "ripcord past target");
        } catch {
            ++ghost_ripcordsRefused;
            _assertUntouched(s, navBefore, "refused ripcord");
        }
    }

    /* DEPOSITORS */

    /// @dev A depositor enters (when deposits are open) and the keeper allocates what is idle.
    function depositNoRevert(uint256 actorSeed, uint256 assets) external {
        address actor = actors[actorSeed % actors.length];
        if (vault.maxDeposit(actor) == 0) return;
        assets = bound(assets, 1e15, 50e18);
        weth.mint(actor, assets);
        vm.startPrank(actor);
        weth.approve(address(vault), assets);
        vault.deposit(assets, actor);
        vm.stopPrank();
        ghost_assetsIn += assets;
        ++ghost_deposits;

        uint256 idle = vault.idle();
        vm.prank(KEEPER);
        try vault.allocate(address(module), idle) {
            ++ghost_allocations;
        } catch {}
    }

    /// @dev A depositor redeems 1%-100% of their shares. A standard exit may be refused only for costing more than the
    /// declared bound (`ExitLossExceeded`), never for pause, keeper or oracle state.
    function redeemNoRevert(uint256 actorSeed, uint256 fractionBps) external {
        address actor = actors[actorSeed % actors.length];
        uint256 shares = vault.balanceOf(actor) * bound(fractionBps, 100, 10_000) / 10_000;
        if (shares == 0) return;
        bool lastHolderFullExit = shares == vault.balanceOf(actor) && _otherActorsShares(actor) == 0;
        vm.prank(actor);
        try vault.redeem(shares, actor, actor) returns (uint256 assets) {
            ghost_assetsOut += assets;
            ++ghost_redeems;
            if (lastHolderFullExit) ++ghost_lastHolderFullExits;
        } catch (bytes memory reason) {
            assertEq(bytes4(reason), bytes4(keccak256("ExitLossExceeded(uint256,uint256)")), "exit refused");
            ++ghost_redeemsRefused;
        }
    }

    /* HELPERS */

    /// @dev Shares held by the other actors (the seed holder's excluded).
    function _otherActorsShares(address actor) internal view returns (uint256 shares) {
        for (uint256 i; i < actors.length; ++i) {
            if (actors[i] != actor) shares += vault.balanceOf(actors[i]);
        }
    }

    function _setPrice(int256 answer) internal {
        vm.prank(arbitrageur.owner());
        arbitrageur.setPrice(answer);
    }

    function _assertUntouched(ModuleState memory s, uint256 navBefore, string memory what) internal view {
        ModuleState memory afterState = module.state();
        assertEq(afterState.collateral, s.collateral, string.concat(what, ": collateral"));
        assertEq(afterState.debt, s.debt, string.concat(what, ": debt"));
        assertEq(vault.totalAssets(), navBefore, string.concat(what, ": NAV"));
    }

    function _zeroFloorSub(uint256 a, uint256 b) internal pure returns (uint256) {
        return a > b ? a - b : 0;
    }
}
