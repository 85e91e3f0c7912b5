// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

import {console} from "forge-std/console.sol";
import {Position} from "@morpho-org/morpho-blue/src/interfaces/IMorpho.sol";

import {BallastVault} from "@ballast/BallastVault.sol";
import {VaultLimits} from "@ballast/interfaces/IBallastVault.sol";
import {RebalanceParams, ModuleState} from "@ballast/interfaces/IStrategyModule.sol";
import {WAD} from "@ballast/libraries/ConstantsLib.sol";
import {MorphoLeverageModule} from "@ballast-strategies/morpho-leverage/MorphoLeverageModule.sol";
import {LeverageLimits} from "@ballast-strategies/morpho-leverage/LeverageLimitsLib.sol";
import {LocalWorldLib, WorldConfig} from "@ballast/script/world/LocalWorld.sol";
import {WorldFixture} from "../world/WorldFixture.sol";

/// @notice The local world (real Morpho Blue, real Uniswap V3 pool, settable feed) with its BallastVault wired to a
/// `MorphoLeverageModule`, both deployed by `LocalWorldLib.deployVault` (the deploy script's path): timelock 0, wired,
/// then given a 1-day timelock (which opens deposits).
abstract contract MorphoLeverageFixture is WorldFixture {
    address internal immutable ALICE = makeAddr("Alice");
    address internal immutable BOB = makeAddr("Bob");
    address internal immutable STRANGER = makeAddr("Stranger");

    uint256 internal constant SEED = 1e9;
    uint256 internal constant TIMELOCK = 1 days;
    int256 internal constant START_ANSWER = 3000e8;

    BallastVault internal vault;
    MorphoLeverageModule internal module;
    uint256 internal jobNonce;

    function setUp() public virtual override {
        super.setUp();
        vault = world.vault;
        module = world.module;
        // The oracle's TWAP needs one window of pool history before the price is healthy.
        _skipBlocks(world.oracle.twapWindow() + 1);
    }

    /// @dev The world's vault settings, spelled out where the tests rely on them.
    function _worldConfig() internal virtual override returns (WorldConfig memory c) {
        c = super._worldConfig();
        c.initialAnswer = START_ANSWER;
        c.vault.seedAssets = SEED;
        c.vault.timelock = TIMELOCK;
        c.vault.limits = _vaultLimits();
        c.vault.moduleLimits = _defaultLimits();
    }

    /// @dev The README's defaults (`LocalWorldLib.defaultModuleLimits`): what the module is deployed with.
    function _defaultLimits() internal pure returns (LeverageLimits memory) {
        return LocalWorldLib.defaultModuleLimits();
    }

    function _vaultLimits() internal pure returns (VaultLimits memory) {
        return VaultLimits({maxLossBps: 50, lossBudgetBps: 200, lossWindow: 1 days, depositCap: type(uint128).max});
    }

    /* ACTIONS */

    function _deposit(address who, uint256 assets) internal returns (uint256 shares) {
        world.weth.mint(who, assets);
        vm.startPrank(who);
        world.weth.approve(address(vault), assets);
        shares = vault.deposit(assets, who);
        vm.stopPrank();
    }

    function _allocate(uint256 assets) internal {
        vm.prank(KEEPER);
        vault.allocate(address(module), assets);
    }

    function _params(bool leverUp, uint256 amount) internal returns (RebalanceParams memory) {
        return RebalanceParams({
            jobId: bytes32(
                (uint256(keccak256(abi.encode("job", ++jobNonce))) >> 56 << 56)
                    | vault.moduleConfig(address(module)).jobNonce
            ),
            deadline: block.timestamp + 1 hours,
            leverUp: leverUp,
            amount: amount,
            minPreLeverage: 0,
            maxPreLeverage: type(uint256).max
        });
    }

    function _rebalance(bool leverUp, uint256 amount) internal returns (uint256 pre, uint256 post) {
        RebalanceParams memory p = _params(leverUp, amount);
        vm.prank(KEEPER);
        return vault.rebalance(address(module), p);
    }

    /// @dev What a keeper would send to lever up to just under `target` (0.5% margin for the swap cost).
    function _leverUpAmountTo(uint256 target) internal view returns (uint256) {
        ModuleState memory s = module.state();
        uint256 equity = s.collateral - s.debtInAssets;
        uint256 wanted = equity * target / WAD;
        return wanted > s.collateral ? (wanted - s.collateral) * 995 / 1000 : 0;
    }

    /// @dev What a keeper would send to delever to `target` (at zero cost: the swap cost keeps it above).
    function _deleverAmountTo(uint256 target) internal view returns (uint256) {
        ModuleState memory s = module.state();
        uint256 kept = (s.collateral - s.debtInAssets) * target / WAD + 1;
        return s.collateral > kept ? s.collateral - kept : 0;
    }

    /* READS */

    function _leverage() internal view returns (uint256) {
        return module.state().leverage;
    }

    /// @dev Morpho's health factor (WAD): collateral value * LLTV / debt; max without debt.
    function _healthFactor() internal view returns (uint256) {
        Position memory p = world.morpho.position(world.marketId, address(module));
        if (p.borrowShares == 0) return type(uint256).max;
        uint256 debt = module.state().debt;
        uint256 collateralValue = uint256(p.collateral) * world.oracle.price() / 1e36;
        return collateralValue * world.marketParams.lltv / debt;
    }

    /// @dev Assets per 1e18 shares (scaled by the decimals offset): the share price holders see.
    function _sharePrice() internal view returns (uint256) {
        return vault.convertToAssets(1e24);
    }

    function _log(string memory step) internal view {
        ModuleState memory s = module.state();
        (, int256 answer,,,) = world.ethUsdFeed.latestRoundData();
        uint256 hf = _healthFactor();
        console.log(
            string.concat(
                _pad(step, 34),
                " price $",
                vm.toString(uint256(answer) / 1e8),
                "  lev ",
                _fmt(s.leverage, 1e18, 3),
                "  HF ",
                hf == type(uint256).max ? "inf" : _fmt(hf, 1e18, 3),
                "  NAV ",
                _fmt(vault.totalAssets(), 1e18, 4),
                " WETH"
            )
        );
    }

    function _fmt(uint256 value, uint256 unit, uint256 decimals) internal pure returns (string memory) {
        if (value == type(uint256).max) return "max";
        uint256 scale = 10 ** decimals;
        uint256 frac = value % unit * scale / unit;
        string memory f = vm.toString(frac);
        while (bytes(f).length < decimals) f = string.concat("0", f);
        return string.concat(vm.toString(value / unit), ".", f);
    }

    function _pad(string memory s, uint256 width) internal pure returns (string memory) {
        while (bytes(s).length < width) s = string.concat(s, " ");
        return s;
    }
}
