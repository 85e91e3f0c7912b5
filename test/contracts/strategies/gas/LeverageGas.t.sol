// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

import {Vm} from "forge-std/Vm.sol";
import {Position} from "@morpho-org/morpho-blue/src/interfaces/IMorpho.sol";

import {RebalanceParams} from "@ballast/interfaces/IStrategyModule.sol";
import {TickMathLib} from "@ballast/libraries/TickMathLib.sol";
import {WAD} from "@ballast/libraries/ConstantsLib.sol";
import {LeverageLimits} from "@ballast-strategies/morpho-leverage/LeverageLimitsLib.sol";
import {MorphoLeverageFixture} from "../MorphoLeverageFixture.sol";
import {BareLeverage} from "./BareLeverage.sol";

/// @notice Gas of the leverage module's paths through the vault (every check on) beside `BareLeverage` doing the same
/// trade with only the unavoidable Morpho and pool calls. Each pair starts from the same state (`vm.snapshotState`,
/// measure ours, revert, measure the baseline), so pool, market and warm/cold slots are identical.
/// @dev Needs `isolate = true` (every call its own transaction, figures equal receipt gas): run with
/// `FOUNDRY_PROFILE=gas forge test --match-path 'test/contracts/strategies/gas/*'`. Skipped under other profiles,
/// where a whole test is one transaction and the figures mean nothing. Written to snapshots/LeverageGas.json; the
/// `ratio_x1000` entries are ours / bare * 1000. Issue target: <= 1.3x (`target_ratio_x1000`); the assertions are
/// regression ceilings just above today's ratios.
contract LeverageGasTest is MorphoLeverageFixture {
    string internal constant GROUP = "LeverageGas";
    bytes32 internal constant TRADED = keccak256("Traded(bool,uint256,uint256)");
    uint256 internal constant EQUITY = 100e18;
    /// @dev The issue's target, in ratio_x1000 (recorded as `target_ratio_x1000`; not reached yet, see the README).
    uint256 internal constant TARGET_X1000 = 1300;

    address internal immutable BARE_RECEIVER = makeAddr("BareReceiver");
    BareLeverage internal bare;

    function setUp() public override {
        if (!_isGasProfile()) return;
        super.setUp();
        // The vault's module and the bare contract hold the same 1x position in the same market.
        _deposit(ALICE, EQUITY);
        _allocate(EQUITY);
        bare = new BareLeverage(world.morpho, world.marketParams, world.pool);
        vm.label(address(bare), "Bare");
        world.weth.mint(address(bare), EQUITY);
        bare.supply(EQUITY);

        // A live market and pool, not fresh ones: another borrower exists (the market's borrow totals are not zero)
        // and both tokens have paid pool fees (fee growth is not zero), as on mainnet.
        address borrower = makeAddr("OtherBorrower");
        world.weth.mint(borrower, 10e18);
        vm.startPrank(borrower);
        world.weth.approve(address(world.morpho), 10e18);
        world.morpho.supplyCollateral(world.marketParams, 10e18, borrower, "");
        world.morpho.borrow(world.marketParams, 10_000e6, 0, borrower, borrower);
        vm.stopPrank();
        _sellWeth(1e18);
        _buyWeth(3000e6);
        _skipBlocks(1 minutes);
    }

    /* LEVER UP / DELEVER */

    function test_gas_leverUp_1xTo2x() public {
        if (!_isGasProfile()) vm.skip(true);
        uint256 amount = _leverUpAmountTo(2e18);
        RebalanceParams memory p = _params(true, amount);
        uint256 snap = vm.snapshotState();

        vm.prank(KEEPER);
        vault.rebalance(address(module), p);
        uint256 ours = vm.snapshotGasLastCall(GROUP, "lever_up_1x_2x");
        assertGt(_leverage(), 1.98e18, "levered to ~2x");

        vm.revertToState(snap);
        bare.leverUp(amount);
        uint256 base = vm.snapshotGasLastCall(GROUP, "bare_lever_up_1x_2x");
        assertEq(world.morpho.position(world.marketId, address(bare)).collateral, EQUITY + amount, "same trade");

        _ratio("lever_up_1x_2x_ratio_x1000", ours, base, 1530);
    }

    function test_gas_delever_2xTo1_8x() public {
        if (!_isGasProfile()) vm.skip(true);
        _leverBothTo2x();
        // The keeper delevers toward target only: the guardian lowers the target to 1.8x (tightening, at once).
        LeverageLimits memory l = _defaultLimits();
        l.targetLeverage = 1.8e18;
        vm.prank(GUARDIAN);
        vault.submitModuleLimits(address(module), abi.encode(l));
        RebalanceParams memory p = _params(false, _deleverAmountTo(1.8e18));
        uint256 snap = vm.snapshotState();

        vm.recordLogs();
        vm.prank(KEEPER);
        vault.rebalance(address(module), p);
        uint256 ours = vm.snapshotGasLastCall(GROUP, "delever_2x_1_8x");
        uint256 repaid = _tradedLoan();
        assertApproxEqRel(_leverage(), 1.8e18, 0.01e18, "delevered to ~1.8x");

        vm.revertToState(snap);
        bare.delever(repaid);
        uint256 base = vm.snapshotGasLastCall(GROUP, "bare_delever_2x_1_8x");

        _ratio("delever_2x_1_8x_ratio_x1000", ours, base, 1620);
    }

    /* RIPCORD / EXIT (the baseline makes the same Morpho and pool calls) */

    function test_gas_ripcord() public {
        if (!_isGasProfile()) vm.skip(true);
        _leverBothTo2x();
        // -25%: both positions at ~3x, past the 2.7x ripcord; feed and TWAP agree again after an hour.
        _setPrice(2250e8);
        _skipBlocks(1 hours);
        _setPrice(2250e8);
        _skipBlocks(1 minutes);
        assertGt(_leverage(), 2.7e18, "past the ripcord");
        uint256 snap = vm.snapshotState();

        vm.recordLogs();
        vm.prank(STRANGER);
        vault.ripcord(address(module));
        uint256 ours = vm.snapshotGasLastCall(GROUP, "ripcord");
        uint256 repaid = _tradedLoan();

        vm.revertToState(snap);
        bare.delever(repaid);
        uint256 base = vm.snapshotGasLastCall(GROUP, "bare_ripcord_delever");

        _ratio("ripcord_ratio_x1000", ours, base, 1346);
    }

    /// @dev Ours: `vault.redeem` of half the shares (ERC-4626 accounting, share burn, the pro-rata unwind, the loss
    /// bound, the transfer to the receiver). Bare: the same pro-rata unwind with the proceeds sent to a receiver.
    function test_gas_redeemWithUnwind() public {
        if (!_isGasProfile()) vm.skip(true);
        _leverBothTo2x();
        uint256 shares = vault.balanceOf(ALICE) / 2;
        // The fraction the vault unwinds (ExitLib.exitFraction for one module, no gross-up for a redeem).
        uint256 shortfall = vault.convertToAssets(shares) - vault.idle() + 2;
        uint256 fraction = (shortfall * WAD + module.totalAssets() - 1) / module.totalAssets();
        Position memory bp = world.morpho.position(world.marketId, address(bare));
        uint256 bareShares = (uint256(bp.borrowShares) * fraction + WAD - 1) / WAD;
        uint256 bareCollateral = uint256(bp.collateral) * fraction / WAD;
        uint256 snap = vm.snapshotState();

        vm.prank(ALICE);
        vault.redeem(shares, ALICE, ALICE);
        uint256 ours = vm.snapshotGasLastCall(GROUP, "redeem_with_unwind");

        vm.revertToState(snap);
        bare.unwind(bareShares, bareCollateral, BARE_RECEIVER);
        uint256 base = vm.snapshotGasLastCall(GROUP, "bare_unwind");

        _ratio("redeem_with_unwind_ratio_x1000", ours, base, 1515);
    }

    /* HELPERS */

    function _isGasProfile() internal view returns (bool) {
        return keccak256(bytes(vm.envOr("FOUNDRY_PROFILE", string("default")))) == keccak256("gas");
    }

    /// @dev Records ours / bare * 1000 and fails above `ceilingX1000`: a regression bound a little above today's
    /// figure, to be lowered as the overhead comes down toward the issue's `TARGET_X1000`.
    function _ratio(string memory name, uint256 ours, uint256 base, uint256 ceilingX1000) internal {
        uint256 ratio = ours * 1000 / base;
        vm.snapshotValue(GROUP, name, ratio);
        vm.snapshotValue(GROUP, "target_ratio_x1000", TARGET_X1000);
        assertLe(ratio, ceilingX1000, string.concat(name, ": no regression past the recorded ceiling"));
    }

    /// @dev Keeper levers the module to ~2x, the bare contract makes the same trade; then an hour passes (cooldown)
    /// and the feed is refreshed.
    function _leverBothTo2x() internal {
        uint256 amount = _leverUpAmountTo(2e18);
        _rebalance(true, amount);
        bare.leverUp(amount);
        _skipBlocks(1 hours);
        _setPrice(START_ANSWER);
        _skipBlocks(1 minutes);
    }

    /// @dev The loan amount of the module's last `Traded` event among the recorded logs.
    function _tradedLoan() internal returns (uint256 loan) {
        Vm.Log[] memory logs = vm.getRecordedLogs();
        for (uint256 i; i < logs.length; ++i) {
            if (logs[i].emitter == address(module) && logs[i].topics[0] == TRADED) {
                (,, loan) = abi.decode(logs[i].data, (bool, uint256, uint256));
            }
        }
        assertGt(loan, 0, "module traded");
    }

    /// @dev Buys WETH with `usdcIn` USDC (minted by the fixture's swap callback).
    function _buyWeth(uint256 usdcIn) internal {
        bool zeroForOne = !world.oracle.collateralIsToken0();
        world.pool
            .swap(
                address(this),
                zeroForOne,
                int256(usdcIn),
                zeroForOne ? TickMathLib.MIN_SQRT_RATIO + 1 : TickMathLib.MAX_SQRT_RATIO - 1,
                ""
            );
    }
}
