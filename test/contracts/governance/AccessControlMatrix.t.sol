// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

import {console} from "forge-std/console.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {BaseTest} from "../BaseTest.sol";
import {ControlledModule} from "../mocks/ControlledModule.sol";
import {ErrorsLib} from "@ballast/libraries/ErrorsLib.sol";
import {WAD} from "@ballast/libraries/ConstantsLib.sol";
import {VaultLimits} from "@ballast/interfaces/IBallastVault.sol";
import {RebalanceParams} from "@ballast/interfaces/IStrategyModule.sol";

/// @notice Every privileged entry point of the vault, called as every role, from a state where the only
/// possible reason to fail is authorization. One row per (function, condition); one expected outcome per
/// role (`OK` = must succeed, else the custom error it must revert with, carrying the caller when it has an
/// argument). The matrix is printed so it can be pasted into a note.
contract AccessControlMatrixTest is BaseTest {
    struct Row {
        string name;
        bytes data;
        bytes4[5] expect; // OWNER, STRATEGIST, KEEPER, GUARDIAN, STRANGER
    }

    bytes4 internal constant OK = bytes4(0);
    bytes4 internal constant NK = bytes4(keccak256("NotKeeper(address)"));
    bytes4 internal constant NS = bytes4(keccak256("NotStrategist(address)"));
    bytes4 internal constant RENOUNCE = bytes4(keccak256("RenounceOwnershipDisabled()"));
    bytes4 internal constant NG = bytes4(keccak256("NotGuardian(address)"));
    bytes4 internal constant NGS = bytes4(keccak256("NotGuardianOrStrategist(address)"));
    bytes4 internal constant NT = bytes4(keccak256("NotTightening()"));
    bytes4 internal constant OUA = bytes4(keccak256("OwnableUnauthorizedAccount(address)"));

    uint256 internal constant ROWS = 40;
    uint256 internal constant ROW_ACCEPT_OWNERSHIP = 30;

    address internal NEW_ACCOUNT = makeAddr("NewAccount");

    ControlledModule internal module2; // enabled, empty
    ControlledModule internal module3; // never submitted
    address[5] internal roles;

    function setUp() public override {
        super.setUp();
        roles = [OWNER, STRATEGIST, KEEPER, GUARDIAN, STRANGER];
        module2 = new ControlledModule(address(vault), address(asset));
        module3 = new ControlledModule(address(vault), address(asset));
        vm.prank(STRATEGIST);
        vault.submitModule(address(module2));
        vm.warp(block.timestamp + TIMELOCK);
        vault.acceptModule(address(module2));
        _deposit(SUPPLIER, 1000e18);
        _allocate(400e18);
        module.setNextLeverage(2e18);
    }

    /* LIMITS USED BY THE ROWS */

    function _tighterLimits() internal pure returns (VaultLimits memory) {
        return VaultLimits({maxLossBps: 25, lossBudgetBps: 100, lossWindow: 2 days, depositCap: 1e30});
    }

    function _looserLimits() internal pure returns (VaultLimits memory) {
        return VaultLimits({maxLossBps: 100, lossBudgetBps: 300, lossWindow: 12 hours, depositCap: type(uint128).max});
    }

    /* EXPECTATION PATTERNS */

    function _e(bytes4 o, bytes4 s, bytes4 k, bytes4 g, bytes4 x) internal pure returns (bytes4[5] memory r) {
        r = [o, s, k, g, x];
    }

    function _keeperOnly() internal pure returns (bytes4[5] memory) {
        return _e(NK, NK, OK, NK, NK);
    }

    function _guardianOrOwner() internal pure returns (bytes4[5] memory) {
        return _e(OK, NG, NG, OK, NG);
    }

    function _revokerOrTightener() internal pure returns (bytes4[5] memory) {
        return _e(OK, OK, NGS, OK, NGS);
    }

    function _loosener() internal pure returns (bytes4[5] memory) {
        return _e(OK, OK, NGS, NT, NGS);
    }

    function _strategistOrOwner() internal pure returns (bytes4[5] memory) {
        return _e(OK, OK, NS, NS, NS);
    }

    function _ownerOnly() internal pure returns (bytes4[5] memory) {
        return _e(OK, OUA, OUA, OUA, OUA);
    }

    function _anyone() internal pure returns (bytes4[5] memory) {
        return _e(OK, OK, OK, OK, OK);
    }

    /* STATE PREPARATION HELPERS */

    function _pendingCapRaise() internal {
        vm.startPrank(STRATEGIST);
        vault.submitCap(address(module), 1000e18); // a decrease: immediate
        vault.submitCap(address(module), 2000e18); // a raise: pending
        vm.stopPrank();
    }

    function _pendingTimelockDecrease() internal {
        vm.startPrank(OWNER);
        vault.submitTimelock(2 days); // an increase: immediate
        vault.submitTimelock(1 days); // a decrease: pending
        vm.stopPrank();
    }

    function _warpPastTimelock() internal {
        vm.warp(block.timestamp + vault.timelock());
    }

    /// @dev Builds row `i` and prepares the state it needs. Called between snapshots.
    function _prepare(uint256 i) internal returns (Row memory r) {
        address m = address(module);
        RebalanceParams memory p = _params(keccak256("job-1"), true);
        // KEEPER
        if (i == 0) return Row("allocate", abi.encodeCall(vault.allocate, (m, 100e18)), _keeperOnly());
        if (i == 1) return Row("deallocate", abi.encodeCall(vault.deallocate, (m, 100e18)), _keeperOnly());
        if (i == 2) return Row("rebalance(leverUp)", abi.encodeCall(vault.rebalance, (m, p)), _keeperOnly());
        if (i == 3) {
            vm.prank(OWNER);
            vault.shutdown();
            return
                Row("unwindForShutdown", abi.encodeCall(vault.unwindForShutdown, (m, WAD / 2)), _e(OK, NK, OK, NK, NK));
        }
        // GUARDIAN
        if (i == 4) return Row("pause", abi.encodeCall(vault.pause, ()), _guardianOrOwner());
        if (i == 5) {
            module.setDeleverAllowed(true);
            return Row("emergencyDelever", abi.encodeCall(vault.emergencyDelever, (m)), _guardianOrOwner());
        }
        if (i == 6) {
            return
                Row(
                    "submitLimits(tighten)",
                    abi.encodeCall(vault.submitLimits, (_tighterLimits())),
                    _revokerOrTightener()
                );
        }
        if (i == 7) {
            bytes memory data = abi.encodeCall(vault.submitModuleLimits, (m, abi.encode(uint256(50))));
            return Row("submitModuleLimits(tighten)", data, _revokerOrTightener());
        }
        if (i == 8) {
            vm.prank(STRATEGIST);
            vault.submitModule(address(module3));
            return Row(
                "revokePendingModule",
                abi.encodeCall(vault.revokePendingModule, (address(module3))),
                _revokerOrTightener()
            );
        }
        if (i == 9) {
            _pendingCapRaise();
            return Row("revokePendingCap", abi.encodeCall(vault.revokePendingCap, (m)), _revokerOrTightener());
        }
        if (i == 10) {
            vm.prank(STRATEGIST);
            vault.submitLimits(_looserLimits());
            return Row("revokePendingLimits", abi.encodeCall(vault.revokePendingLimits, ()), _revokerOrTightener());
        }
        if (i == 11) {
            vm.prank(STRATEGIST);
            vault.submitModuleLimits(m, abi.encode(uint256(200)));
            return Row(
                "revokePendingModuleLimits", abi.encodeCall(vault.revokePendingModuleLimits, (m)), _revokerOrTightener()
            );
        }
        if (i == 12) {
            _pendingTimelockDecrease();
            return Row("revokePendingTimelock", abi.encodeCall(vault.revokePendingTimelock, ()), _revokerOrTightener());
        }
        if (i == 13) {
            vm.prank(OWNER);
            vault.submitGuardian(NEW_ACCOUNT);
            return Row("revokePendingGuardian", abi.encodeCall(vault.revokePendingGuardian, ()), _revokerOrTightener());
        }
        // STRATEGIST
        if (i == 14) {
            return Row("submitModule", abi.encodeCall(vault.submitModule, (address(module3))), _strategistOrOwner());
        }
        if (i == 15) {
            return
                Row("removeModule(empty)", abi.encodeCall(vault.removeModule, (address(module2))), _strategistOrOwner());
        }
        if (i == 16) {
            vm.prank(STRATEGIST);
            vault.submitCap(m, 1000e18);
            return Row("submitCap(raise)", abi.encodeCall(vault.submitCap, (m, 2000e18)), _loosener());
        }
        if (i == 17) {
            return Row("submitCap(lower)", abi.encodeCall(vault.submitCap, (m, 500e18)), _revokerOrTightener());
        }
        if (i == 18) {
            return Row("submitLimits(loosen)", abi.encodeCall(vault.submitLimits, (_looserLimits())), _loosener());
        }
        if (i == 19) {
            bytes memory data = abi.encodeCall(vault.submitModuleLimits, (m, abi.encode(uint256(200))));
            return Row("submitModuleLimits(loosen)", data, _loosener());
        }
        // OWNER
        if (i == 20) return Row("submitTimelock(raise)", abi.encodeCall(vault.submitTimelock, (2 days)), _ownerOnly());
        if (i == 21) return Row("submitGuardian", abi.encodeCall(vault.submitGuardian, (NEW_ACCOUNT)), _ownerOnly());
        if (i == 22) return Row("setStrategist", abi.encodeCall(vault.setStrategist, (NEW_ACCOUNT)), _ownerOnly());
        if (i == 23) return Row("setKeeper", abi.encodeCall(vault.setKeeper, (NEW_ACCOUNT, true)), _ownerOnly());
        if (i == 24) return Row("setFees", abi.encodeCall(vault.setFees, (0.01e18, 0.1e18)), _ownerOnly());
        if (i == 25) return Row("setFeeRecipient", abi.encodeCall(vault.setFeeRecipient, (NEW_ACCOUNT)), _ownerOnly());
        if (i == 26) {
            vm.prank(GUARDIAN);
            vault.pause();
            return Row("unpause", abi.encodeCall(vault.unpause, ()), _ownerOnly());
        }
        if (i == 27) return Row("shutdown", abi.encodeCall(vault.shutdown, ()), _ownerOnly());
        if (i == 28) {
            return Row("transferOwnership", abi.encodeCall(vault.transferOwnership, (NEW_ACCOUNT)), _ownerOnly());
        }
        if (i == 29) {
            return
                Row("renounceOwnership", abi.encodeCall(vault.renounceOwnership, ()), _e(RENOUNCE, OUA, OUA, OUA, OUA));
        }
        if (i == ROW_ACCEPT_OWNERSHIP) {
            vm.prank(OWNER);
            vault.transferOwnership(STRANGER);
            return Row(
                "acceptOwnership(pending=STRANGER)",
                abi.encodeCall(vault.acceptOwnership, ()),
                _e(OUA, OUA, OUA, OUA, OK)
            );
        }
        // PERMISSIONLESS (after the timelock)
        if (i == 31) {
            vm.prank(STRATEGIST);
            vault.submitModule(address(module3));
            _warpPastTimelock();
            return Row("acceptModule", abi.encodeCall(vault.acceptModule, (address(module3))), _anyone());
        }
        if (i == 32) {
            _pendingCapRaise();
            _warpPastTimelock();
            return Row("acceptCap", abi.encodeCall(vault.acceptCap, (m)), _anyone());
        }
        if (i == 33) {
            vm.prank(STRATEGIST);
            vault.submitLimits(_looserLimits());
            _warpPastTimelock();
            return Row("acceptLimits", abi.encodeCall(vault.acceptLimits, ()), _anyone());
        }
        if (i == 34) {
            vm.prank(STRATEGIST);
            vault.submitModuleLimits(m, abi.encode(uint256(200)));
            _warpPastTimelock();
            return Row(
                "acceptModuleLimits", abi.encodeCall(vault.acceptModuleLimits, (m, abi.encode(uint256(200)))), _anyone()
            );
        }
        if (i == 35) {
            _pendingTimelockDecrease();
            _warpPastTimelock();
            return Row("acceptTimelock", abi.encodeCall(vault.acceptTimelock, ()), _anyone());
        }
        if (i == 36) {
            vm.prank(OWNER);
            vault.submitGuardian(NEW_ACCOUNT);
            _warpPastTimelock();
            return Row("acceptGuardian", abi.encodeCall(vault.acceptGuardian, ()), _anyone());
        }
        if (i == 37) {
            module.setDeleverAllowed(true);
            return Row("ripcord", abi.encodeCall(vault.ripcord, (m)), _anyone());
        }
        if (i == 38) {
            module.setDeleverAllowed(true);
            return Row("deadMansSwitch", abi.encodeCall(vault.deadMansSwitch, (m)), _anyone());
        }
        if (i == 39) {
            vm.prank(OWNER);
            vault.setFees(0.02e18, 0.1e18);
            vm.warp(block.timestamp + 30 days);
            return Row("accrueFees", abi.encodeCall(vault.accrueFees, ()), _anyone());
        }
        revert("no such row");
    }

    /* THE CHECK */

    function _hasCallerArg(bytes4 sel) internal pure returns (bool) {
        return sel == NK || sel == NS || sel == NG || sel == NGS || sel == OUA;
    }

    /// @dev Sum of the assets held by the vault and its modules: no privileged call may change it (with
    /// the zero-loss mock module), and no outside account's asset balance may change.
    function _insideAssets() internal view returns (uint256) {
        return asset.balanceOf(address(vault)) + asset.balanceOf(address(module)) + asset.balanceOf(address(module2))
            + asset.balanceOf(address(module3));
    }

    /// @dev Calls `r` as `who` and asserts the outcome; also that no asset left the vault and its modules
    /// and that no caller's shares moved.
    function _check(Row memory r, address who, bytes4 expected) internal {
        uint256 inside = _insideAssets();
        uint256 whoAssets = asset.balanceOf(who);
        uint256 whoShares = vault.balanceOf(who);
        vm.prank(who);
        (bool ok, bytes memory ret) = address(vault).call(r.data);
        string memory tag = string.concat(r.name, " as ", vm.getLabel(who));
        if (expected == OK) {
            assertTrue(ok, string.concat(tag, ": expected success, reverted with ", _name(bytes4(ret))));
        } else {
            assertFalse(ok, string.concat(tag, ": expected ", _name(expected), ", succeeded"));
            bytes memory want =
                _hasCallerArg(expected) ? abi.encodeWithSelector(expected, who) : abi.encodeWithSelector(expected);
            assertEq(ret, want, string.concat(tag, ": wrong revert, got ", _name(bytes4(ret))));
        }
        assertEq(_insideAssets(), inside, string.concat(tag, ": assets left the vault and its modules"));
        assertEq(asset.balanceOf(who), whoAssets, string.concat(tag, ": caller's assets moved"));
        assertEq(vault.balanceOf(who), whoShares, string.concat(tag, ": caller's shares moved"));
    }

    /* THE MATRIX */

    function test_matrix_everyPrivilegedFunctionAsEveryRole() public {
        assertEq(NK, ErrorsLib.NotKeeper.selector);
        assertEq(NS, ErrorsLib.NotStrategist.selector);
        assertEq(NG, ErrorsLib.NotGuardian.selector);
        assertEq(NGS, ErrorsLib.NotGuardianOrStrategist.selector);
        assertEq(NT, ErrorsLib.NotTightening.selector);
        assertEq(OUA, Ownable.OwnableUnauthorizedAccount.selector);
        console.log(
            string.concat(
                _pad("function", 34),
                _pad("OWNER", 16),
                _pad("STRATEGIST", 16),
                _pad("KEEPER", 16),
                _pad("GUARDIAN", 16),
                "STRANGER"
            )
        );
        for (uint256 i; i < ROWS; ++i) {
            uint256 base = vm.snapshotState();
            Row memory r = _prepare(i);
            uint256 prepared = vm.snapshotState();
            string memory line = _pad(r.name, 34);
            for (uint256 j; j < 5; ++j) {
                vm.revertToState(prepared);
                _check(r, roles[j], r.expect[j]);
                line = string.concat(line, j < 4 ? _pad(_name(r.expect[j]), 16) : _name(r.expect[j]));
            }
            console.log(line);
            vm.revertToState(base);
        }
    }

    /// @dev Any account without a role has exactly the STRANGER column's powers (the permissionless ones).
    /// forge-config: default.fuzz.runs = 32
    function test_matrix_anyAccountWithoutRoleOnlyPermissionless(address caller) public {
        vm.assume(caller != OWNER && caller != STRATEGIST && caller != KEEPER && caller != KEEPER_2);
        vm.assume(caller != GUARDIAN && caller != STRANGER && caller != NEW_ACCOUNT && caller != FEE_RECIPIENT);
        for (uint256 i; i < ROWS; ++i) {
            uint256 base = vm.snapshotState();
            Row memory r = _prepare(i);
            _check(r, caller, i == ROW_ACCEPT_OWNERSHIP ? OUA : r.expect[4]);
            vm.revertToState(base);
        }
    }

    /* WHAT EACH ROLE CAN NEVER DO (DESIGN, actors table) */

    function test_submitLimits_guardianCannotLoosenAnyField(uint8 field, uint256 amount) public {
        VaultLimits memory current = _tighterLimits();
        vm.prank(GUARDIAN);
        vault.submitLimits(current); // tightening: immediate
        VaultLimits memory next = _tighterLimits(); // a copy: memory structs alias
        field = uint8(bound(field, 0, 3));
        if (field == 0) next.maxLossBps = uint16(bound(amount, current.maxLossBps + 1, 200));
        if (field == 1) next.lossBudgetBps = uint16(bound(amount, current.lossBudgetBps + 1, 1000));
        if (field == 2) next.lossWindow = uint32(bound(amount, 1 hours, current.lossWindow - 1));
        if (field == 3) next.depositCap = uint128(bound(amount, uint256(current.depositCap) + 1, type(uint128).max));
        vm.prank(GUARDIAN);
        vm.expectRevert(ErrorsLib.NotTightening.selector);
        vault.submitLimits(next);
        assertEq(abi.encode(vault.limits()), abi.encode(current), "limits moved");
        (, uint256 validAt) = vault.pendingLimits();
        assertEq(validAt, 0, "nothing pending");
    }

    function test_submitModuleLimits_guardianCannotLoosen(uint256 value) public {
        value = bound(value, module.limit() + 1, type(uint256).max);
        vm.prank(GUARDIAN);
        vm.expectRevert(ErrorsLib.NotTightening.selector);
        vault.submitModuleLimits(address(module), abi.encode(value));
        assertEq(module.limit(), 100);
        assertEq(vault.pendingModuleLimits(address(module)).validAt, 0);
    }

    function test_unpause_guardianCannotUnpause() public {
        vm.startPrank(GUARDIAN);
        vault.pause();
        vm.expectRevert(abi.encodeWithSelector(OUA, GUARDIAN));
        vault.unpause();
        vm.stopPrank();
        assertTrue(vault.paused());
        assertEq(vault.maxDeposit(SUPPLIER), 0);
    }

    /// @dev Every call the guardian can make succeeds without any asset leaving the vault and its modules
    /// (checked in `_check`), and the guardian succeeds at exactly the expected set of rows.
    function test_guardian_cannotMoveFunds() public {
        uint256 successes;
        for (uint256 i; i < ROWS; ++i) {
            uint256 base = vm.snapshotState();
            Row memory r = _prepare(i);
            _check(r, GUARDIAN, r.expect[3]);
            if (r.expect[3] == OK) ++successes;
            vm.revertToState(base);
        }
        // pause, emergencyDelever, 3 tightenings (limits, module limits, cap), 6 revokes, 6 accepts, ripcord,
        // deadMansSwitch, accrueFees.
        assertEq(successes, 20, "guardian powers");
        // And none of the calls that move assets between the vault and its modules is open to it.
        vm.startPrank(GUARDIAN);
        vm.expectRevert(abi.encodeWithSelector(NK, GUARDIAN));
        vault.deallocate(address(module), 1e18);
        vm.expectRevert(abi.encodeWithSelector(NK, GUARDIAN));
        vault.allocate(address(module), 1e18);
        vm.expectRevert(abi.encodeWithSelector(OUA, GUARDIAN));
        vault.setFeeRecipient(GUARDIAN);
        vm.stopPrank();
    }

    function test_allocate_keeperCannotLeverUpWhilePaused() public {
        vm.prank(GUARDIAN);
        vault.pause();
        vm.startPrank(KEEPER);
        vm.expectRevert(ErrorsLib.VaultPaused.selector);
        vault.allocate(address(module), 1e18);
        RebalanceParams memory params1 = _params(keccak256("up"), true);
        vm.expectRevert(ErrorsLib.VaultPaused.selector);
        vault.rebalance(address(module), params1);
        assertEq(module.leverage(), WAD, "leverage unchanged");
        // Risk-reducing actions continue.
        RebalanceParams memory params2 = _params(keccak256("down"), false);
        vault.rebalance(address(module), params2);
        vault.deallocate(address(module), 1e18);
        vm.stopPrank();
        assertEq(module.totalAssets(), 399e18);
    }

    function test_allocate_keeperCannotLeverUpAfterShutdown() public {
        vm.prank(OWNER);
        vault.shutdown();
        vm.startPrank(KEEPER);
        vm.expectRevert(ErrorsLib.VaultIsShutdown.selector);
        vault.allocate(address(module), 1e18);
        RebalanceParams memory params3 = _params(keccak256("up"), true);
        vm.expectRevert(ErrorsLib.VaultIsShutdown.selector);
        vault.rebalance(address(module), params3);
        vm.stopPrank();
    }

    function test_rebalance_keeperCannotReplayJob(bytes32 tag, uint256 later) public {
        RebalanceParams memory p = _params(tag, true);
        p.deadline = type(uint256).max;
        vm.prank(KEEPER);
        vault.rebalance(address(module), p);
        assertTrue(vault.jobSpent(address(module), p.jobId));
        vm.warp(block.timestamp + bound(later, 0, 365 days));
        // Neither the same key nor another keeper key, with any direction, can run it again.
        vm.prank(KEEPER);
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.JobNonceMismatch.selector, p.jobId, 1));
        vault.rebalance(address(module), p);
        p.leverUp = false;
        vm.prank(KEEPER_2);
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.JobNonceMismatch.selector, p.jobId, 1));
        vault.rebalance(address(module), p);
    }

    /// @dev Module addition, cap raise, limits loosening, module-limits loosening: nothing applies on submit,
    /// nothing can be accepted one second early, and re-submitting cannot reset the clock.
    function test_submit_strategistCannotSkipTimelockOnLoosening(uint256 early) public {
        early = bound(early, 0, TIMELOCK - 1);
        vm.startPrank(STRATEGIST);
        vault.submitCap(address(module), 1000e18);
        vault.submitModule(address(module3));
        vault.submitCap(address(module), 2000e18);
        vault.submitLimits(_looserLimits());
        vault.submitModuleLimits(address(module), abi.encode(uint256(200)));
        vm.stopPrank();

        assertFalse(vault.moduleConfig(address(module3)).enabled);
        assertEq(vault.moduleConfig(address(module)).cap, 1000e18);
        assertEq(vault.limits().maxLossBps, _defaultLimits().maxLossBps);
        assertEq(module.limit(), 100);

        uint256 validAt = block.timestamp + TIMELOCK;
        vm.warp(block.timestamp + early);
        vm.startPrank(STRATEGIST);
        bytes memory notElapsed = abi.encodeWithSelector(ErrorsLib.TimelockNotElapsed.selector, validAt);
        vm.expectRevert(notElapsed);
        vault.acceptModule(address(module3));
        vm.expectRevert(notElapsed);
        vault.acceptCap(address(module));
        vm.expectRevert(notElapsed);
        vault.acceptLimits();
        vm.expectRevert(notElapsed);
        vault.acceptModuleLimits(address(module), abi.encode(uint256(200)));
        vm.expectRevert(ErrorsLib.AlreadyPending.selector);
        vault.submitLimits(_looserLimits());
        vm.stopPrank();
    }

    function test_shutdown_onlyOwner(address caller) public {
        vm.assume(caller != OWNER);
        vm.prank(caller);
        vm.expectRevert(abi.encodeWithSelector(OUA, caller));
        vault.shutdown();
        assertFalse(vault.isShutdown());
        vm.prank(OWNER);
        vault.shutdown();
        assertTrue(vault.isShutdown());
    }

    /* PRINTING */

    function _name(bytes4 sel) internal pure returns (string memory) {
        if (sel == OK) return "ok";
        if (sel == NK) return "NotKeeper";
        if (sel == NS) return "NotStrategist";
        if (sel == NG) return "NotGuardian";
        if (sel == NGS) return "NotGuardOrStrat";
        if (sel == NT) return "NotTightening";
        if (sel == OUA) return "OwnableUnauth";
        if (sel == RENOUNCE) return "RenounceDisabled";
        return vm.toString(abi.encodePacked(sel));
    }

    function _pad(string memory s, uint256 width) internal pure returns (string memory out) {
        out = s;
        for (uint256 n = bytes(s).length; n < width; ++n) {
            out = string.concat(out, " ");
        }
    }
}
