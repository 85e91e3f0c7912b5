// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

import {BaseTest} from "../BaseTest.sol";
import {PlainVault} from "../mocks/PlainVault.sol";
import {BallastVault} from "@ballast/BallastVault.sol";
import {WAD} from "@ballast/libraries/ConstantsLib.sol";
import {RebalanceParams} from "@ballast/interfaces/IStrategyModule.sol";

/// @notice Gas of the vault's hot paths beside a plain OpenZeppelin ERC4626 doing the same thing, in the
/// same run. Runs under the `gas` profile (isolate = true), so every figure is the transaction's gas.
/// Written to snapshots/VaultGas.json; the `ratio_x1000` entries are ours / plain * 1000.
contract VaultGasTest is BaseTest {
    string internal constant GROUP = "VaultGas";
    // Exits pay a receiver holding no asset yet in both vaults, so neither pays for the other's cold slot.
    address internal PLAIN_RECEIVER = makeAddr("PlainReceiver");
    address internal OUR_RECEIVER = makeAddr("OurReceiver");
    PlainVault internal plain;

    function setUp() public override {
        super.setUp();
        plain = new PlainVault(asset);
        // Same starting point: an existing holder in both vaults; ours has most assets in a module,
        // so every NAV read crosses into it (the realistic case).
        _deposit(SUPPLIER, 1000e18);
        _allocate(800e18);
        _plainDeposit(SUPPLIER, 1000e18);
        vm.warp(block.timestamp + 1 hours);
        asset.mint(ONBEHALF, 100e18);
        vm.startPrank(ONBEHALF);
        asset.approve(address(vault), type(uint256).max);
        asset.approve(address(plain), type(uint256).max);
        vm.stopPrank();
    }

    /// @dev Records ours / plain * 1000 as `<name>_ratio_x1000`.
    function _snapshotRatio(string memory name, uint256 ours, uint256 base) internal {
        vm.snapshotValue(GROUP, string.concat(name, "_ratio_x1000"), ours * 1000 / base);
    }

    function _plainDeposit(address who, uint256 assets) internal {
        asset.mint(who, assets);
        vm.startPrank(who);
        asset.approve(address(plain), assets);
        plain.deposit(assets, who);
        vm.stopPrank();
    }

    function test_gas_deposit() public {
        vm.prank(ONBEHALF);
        plain.deposit(10e18, ONBEHALF);
        uint256 base = vm.snapshotGasLastCall(GROUP, "plain_deposit");
        vm.prank(ONBEHALF);
        vault.deposit(10e18, ONBEHALF);
        uint256 ours = vm.snapshotGasLastCall(GROUP, "deposit");
        _snapshotRatio("deposit", ours, base);
        // With a module, every deposit also reads the module's equity and price health (two calls the
        // plain vault does not make); the vault's own overhead is bounded in the no-module test.
        assertLe(ours * 100, base * 135, "deposit with a module within 1.35x of a plain ERC4626");
    }

    /// @dev The vault's own overhead, without a module's NAV read.
    function test_gas_depositAndRedeem_noModule() public {
        BallastVault bare = _deployVault(asset);
        vm.prank(OWNER);
        bare.submitTimelock(TIMELOCK);
        asset.mint(SUPPLIER, 1000e18);
        vm.startPrank(SUPPLIER);
        asset.approve(address(bare), type(uint256).max);
        bare.deposit(1000e18, SUPPLIER);
        vm.stopPrank();
        vm.prank(ONBEHALF);
        asset.approve(address(bare), type(uint256).max);

        vm.prank(ONBEHALF);
        plain.deposit(10e18, ONBEHALF);
        uint256 baseDeposit = vm.snapshotGasLastCall(GROUP, "plain_deposit");
        vm.prank(ONBEHALF);
        bare.deposit(10e18, ONBEHALF);
        uint256 oursDeposit = vm.snapshotGasLastCall(GROUP, "deposit_no_module");
        _snapshotRatio("deposit_no_module", oursDeposit, baseDeposit);
        assertLe(oursDeposit * 100, baseDeposit * 125, "deposit within 1.25x of a plain ERC4626");

        vm.prank(SUPPLIER);
        plain.redeem(100e24, PLAIN_RECEIVER, SUPPLIER);
        uint256 baseRedeem = vm.snapshotGasLastCall(GROUP, "plain_redeem");
        vm.prank(SUPPLIER);
        bare.redeem(100e24, OUR_RECEIVER, SUPPLIER);
        uint256 oursRedeem = vm.snapshotGasLastCall(GROUP, "redeem_no_module");
        _snapshotRatio("redeem_no_module", oursRedeem, baseRedeem);
        assertLe(oursRedeem * 100, baseRedeem * 125, "redeem within 1.25x of a plain ERC4626");
    }

    function test_gas_mint() public {
        vm.prank(ONBEHALF);
        plain.mint(10e24, ONBEHALF);
        uint256 base = vm.snapshotGasLastCall(GROUP, "plain_mint");
        vm.prank(ONBEHALF);
        vault.mint(10e24, ONBEHALF);
        uint256 ours = vm.snapshotGasLastCall(GROUP, "mint");
        _snapshotRatio("mint", ours, base);
    }

    function test_gas_redeemFromIdle() public {
        vm.prank(SUPPLIER);
        plain.redeem(100e24, PLAIN_RECEIVER, SUPPLIER);
        uint256 base = vm.snapshotGasLastCall(GROUP, "plain_redeem");
        vm.prank(SUPPLIER);
        vault.redeem(100e24, OUR_RECEIVER, SUPPLIER);
        uint256 ours = vm.snapshotGasLastCall(GROUP, "redeem_from_idle");
        _snapshotRatio("redeem_from_idle", ours, base);
        assertLe(ours * 100, base * 125, "redeem from idle within 1.25x of a plain ERC4626");
    }

    function test_gas_withdrawFromIdle() public {
        vm.prank(SUPPLIER);
        plain.withdraw(100e18, PLAIN_RECEIVER, SUPPLIER);
        uint256 base = vm.snapshotGasLastCall(GROUP, "plain_withdraw");
        vm.prank(SUPPLIER);
        vault.withdraw(100e18, OUR_RECEIVER, SUPPLIER);
        uint256 ours = vm.snapshotGasLastCall(GROUP, "withdraw_from_idle");
        _snapshotRatio("withdraw_from_idle", ours, base);
    }

    function test_gas_redeemWithUnwind() public {
        module.setUnwindCost(10, 30);
        vm.prank(SUPPLIER);
        plain.redeem(500e24, PLAIN_RECEIVER, SUPPLIER);
        uint256 base = vm.snapshotGasLastCall(GROUP, "plain_redeem_large");
        vm.prank(SUPPLIER);
        vault.redeem(500e24, OUR_RECEIVER, SUPPLIER);
        uint256 ours = vm.snapshotGasLastCall(GROUP, "redeem_with_unwind");
        _snapshotRatio("redeem_with_unwind", ours, base);
    }

    function test_gas_allocate() public {
        vm.prank(KEEPER);
        vault.allocate(address(module), 100e18);
        vm.snapshotGasLastCall(GROUP, "allocate");
    }

    function test_gas_rebalance() public {
        module.setNextLeverage(2e18);
        RebalanceParams memory params1 = _params(keccak256("gas"), true);
        vm.prank(KEEPER);
        vault.rebalance(address(module), params1);
        vm.snapshotGasLastCall(GROUP, "rebalance_controlled_module");
    }
}
