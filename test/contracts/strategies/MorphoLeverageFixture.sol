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
import {WorldFixture} from "../world/WorldFixture.sol";

/// @notice The local world (real Morpho Blue, real Uniswap V3 pool, settable feed) plus a BallastVault wired to a
/// `MorphoLeverageModule`: deployed with timelock 0, wired, then given a 1-day timelock (which opens deposits).
/// @dev A `deployVault(World)` helper in the world library would replace `_deployVault` here (told to the lead).
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
        vault = _deployVault();
        module =
            new MorphoLeverageModule(address(vault), world.morpho, world.marketParams, world.pool, _defaultLimits());
        vm.startPrank(STRATEGIST);
        vault.submitModule(address(module));
        vault.submitCap(address(module), type(uint184).max);
        vm.stopPrank();
        vm.prank(OWNER);
        vault.submitTimelock(TIMELOCK);
        vm.label(address(vault), "Vault");
        vm.label(address(module), "Module");
        // The oracle's TWAP needs one window of pool history before the price is healthy.
        _skipBlocks(world.oracle.twapWindow() + 1);
    }

    /// @dev The README's defaults, with a trade size fitting the tests' vault (a few hundred WETH).
    function _defaultLimits() internal pure returns (LeverageLimits memory) {
        return LeverageLimits({
            minLeverage: 1.7e18,
            targetLeverage: 2e18,
            maxLeverage: 2.3e18,
            ripcordLeverage: 2.7e18,
            maxTradeSize: 1000e18,
            ripcordMaxTradeSize: 1000e18,
            maxSlippageBps: 50,
            ripcordSlippageBps: 150,
            maxOracleDeviationBps: 300,
            cooldown: 1 hours,
            ripcordCooldown: 10 minutes,
            maxOracleStaleness: 1 hours,
            deadManDelay: 1 days
        });
    }

    function _vaultLimits() internal pure returns (VaultLimits memory) {
        return VaultLimits({maxLossBps: 50, lossBudgetBps: 200, lossWindow: 1 days, depositCap: type(uint128).max});
    }

    /// @dev As in BaseTest: the constructor pulls the seed from its deployer, so approve the CREATE2 address first.
    function _deployVault() internal returns (BallastVault deployed) {
        world.weth.mint(address(this), SEED);
        bytes32 salt = keccak256("ballast.morpho-leverage");
        bytes memory args = abi.encode(world.weth, "Ballast WETH", "bWETH", OWNER, 0, _vaultLimits(), SEED);
        bytes32 initCodeHash = keccak256(abi.encodePacked(type(BallastVault).creationCode, args));
        world.weth.approve(vm.computeCreate2Address(salt, initCodeHash, address(this)), SEED);
        deployed = new BallastVault{salt: salt}(world.weth, "Ballast WETH", "bWETH", OWNER, 0, _vaultLimits(), SEED);
        vm.startPrank(OWNER);
        deployed.setStrategist(STRATEGIST);
        deployed.submitGuardian(GUARDIAN);
        deployed.setKeeper(KEEPER, true);
        vm.stopPrank();
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
            jobId: keccak256(abi.encode("job", ++jobNonce)),
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
