// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

import {BaseTest} from "../BaseTest.sol";
import {ControlledModule} from "../mocks/ControlledModule.sol";
import {TestToken} from "../mocks/TestToken.sol";
import {BallastVault} from "@ballast/BallastVault.sol";
import {ErrorsLib} from "@ballast/libraries/ErrorsLib.sol";
import {EventsLib} from "@ballast/libraries/EventsLib.sol";
import {ConstantsLib} from "@ballast/libraries/ConstantsLib.sol";
import {VaultLimits} from "@ballast/interfaces/IBallastVault.sol";

/// @notice The timelocked changes (submit -> wait -> anyone accepts; the guardian revokes), the immediate
/// tightenings, and the timelock's own bounds. The six timelocked changes share one generic harness.
contract TimelockTest is BaseTest {
    enum Change {
        Module,
        Cap,
        Limits,
        ModuleLimits,
        Timelock,
        Guardian
    }

    uint256 internal constant LOW_CAP = 1000e18;
    uint256 internal constant HIGH_CAP = 2000e18;
    uint256 internal constant LOOSE_MODULE_LIMIT = 200;

    address internal NEW_GUARDIAN = makeAddr("NewGuardian");
    ControlledModule internal newModule;

    function setUp() public override {
        super.setUp();
        newModule = new ControlledModule(address(vault), address(asset));
        vm.prank(STRATEGIST);
        vault.submitCap(address(module), LOW_CAP); // a decrease: immediate, so a raise can be tested
    }

    function _looseLimits() internal pure returns (VaultLimits memory) {
        return VaultLimits({maxLossBps: 100, lossBudgetBps: 300, lossWindow: 12 hours, depositCap: type(uint128).max});
    }

    /* GENERIC HARNESS */

    /// @dev Sets the timelock to a fuzzed value; a timelock decrease needs a current value above the minimum.
    function _setTimelock(Change c, uint256 seed) internal returns (uint256 tl) {
        uint256 min = c == Change.Timelock ? ConstantsLib.MIN_TIMELOCK + 1 : ConstantsLib.MIN_TIMELOCK;
        tl = bound(seed, min, ConstantsLib.MAX_TIMELOCK);
        if (tl != vault.timelock()) {
            vm.prank(OWNER);
            vault.submitTimelock(tl); // an increase: immediate
        }
        assertEq(vault.timelock(), tl);
    }

    /// @dev Submits the change as its proposer and checks the submit event.
    function _submit(Change c) internal returns (uint256 validAt) {
        validAt = block.timestamp + vault.timelock();
        vm.expectEmit(address(vault));
        if (c == Change.Module) emit EventsLib.SubmitModule(STRATEGIST, address(newModule), validAt);
        if (c == Change.Cap) emit EventsLib.SubmitCap(STRATEGIST, address(module), HIGH_CAP, validAt);
        if (c == Change.Limits) emit EventsLib.SubmitLimits(STRATEGIST, _looseLimits(), validAt);
        if (c == Change.ModuleLimits) {
            emit EventsLib.SubmitModuleLimits(STRATEGIST, address(module), abi.encode(LOOSE_MODULE_LIMIT), validAt);
        }
        if (c == Change.Timelock) emit EventsLib.SubmitTimelock(OWNER, ConstantsLib.MIN_TIMELOCK, validAt);
        if (c == Change.Guardian) emit EventsLib.SubmitGuardian(OWNER, NEW_GUARDIAN, validAt);
        _callSubmit(c);
        assertEq(_validAt(c), validAt, "validAt");
        assertFalse(_applied(c), "applied on submit");
    }

    function _callSubmit(Change c) internal {
        vm.startPrank(c == Change.Timelock || c == Change.Guardian ? OWNER : STRATEGIST);
        if (c == Change.Module) vault.submitModule(address(newModule));
        if (c == Change.Cap) vault.submitCap(address(module), HIGH_CAP);
        if (c == Change.Limits) vault.submitLimits(_looseLimits());
        if (c == Change.ModuleLimits) vault.submitModuleLimits(address(module), abi.encode(LOOSE_MODULE_LIMIT));
        if (c == Change.Timelock) vault.submitTimelock(ConstantsLib.MIN_TIMELOCK);
        if (c == Change.Guardian) vault.submitGuardian(NEW_GUARDIAN);
        vm.stopPrank();
    }

    function _accept(Change c) internal {
        if (c == Change.Module) vault.acceptModule(address(newModule));
        if (c == Change.Cap) vault.acceptCap(address(module));
        if (c == Change.Limits) vault.acceptLimits();
        if (c == Change.ModuleLimits) vault.acceptModuleLimits(address(module), abi.encode(LOOSE_MODULE_LIMIT));
        if (c == Change.Timelock) vault.acceptTimelock();
        if (c == Change.Guardian) vault.acceptGuardian();
    }

    function _revoke(Change c) internal {
        if (c == Change.Module) vault.revokePendingModule(address(newModule));
        if (c == Change.Cap) vault.revokePendingCap(address(module));
        if (c == Change.Limits) vault.revokePendingLimits();
        if (c == Change.ModuleLimits) vault.revokePendingModuleLimits(address(module));
        if (c == Change.Timelock) vault.revokePendingTimelock();
        if (c == Change.Guardian) vault.revokePendingGuardian();
    }

    function _expectApplied(Change c, address caller) internal {
        vm.expectEmit(address(vault));
        if (c == Change.Module) emit EventsLib.AddModule(caller, address(newModule));
        if (c == Change.Cap) emit EventsLib.SetCap(caller, address(module), HIGH_CAP);
        if (c == Change.Limits) emit EventsLib.SetLimits(caller, _looseLimits());
        if (c == Change.ModuleLimits) {
            emit EventsLib.SetModuleLimits(caller, address(module), abi.encode(LOOSE_MODULE_LIMIT));
        }
        if (c == Change.Timelock) emit EventsLib.SetTimelock(caller, ConstantsLib.MIN_TIMELOCK);
        if (c == Change.Guardian) emit EventsLib.SetGuardian(caller, NEW_GUARDIAN);
    }

    function _expectRevoked(Change c, address caller) internal {
        vm.expectEmit(address(vault));
        if (c == Change.Module) emit EventsLib.RevokePendingModule(caller, address(newModule));
        if (c == Change.Cap) emit EventsLib.RevokePendingCap(caller, address(module));
        if (c == Change.Limits) emit EventsLib.RevokePendingLimits(caller);
        if (c == Change.ModuleLimits) emit EventsLib.RevokePendingModuleLimits(caller, address(module));
        if (c == Change.Timelock) emit EventsLib.RevokePendingTimelock(caller);
        if (c == Change.Guardian) emit EventsLib.RevokePendingGuardian(caller);
    }

    function _validAt(Change c) internal view returns (uint256 validAt) {
        if (c == Change.Module) return vault.pendingModule(address(newModule));
        if (c == Change.Cap) return vault.pendingCap(address(module)).validAt;
        if (c == Change.Limits) (, validAt) = vault.pendingLimits();
        if (c == Change.ModuleLimits) return vault.pendingModuleLimits(address(module)).validAt;
        if (c == Change.Timelock) return vault.pendingTimelock().validAt;
        if (c == Change.Guardian) return vault.pendingGuardian().validAt;
    }

    function _applied(Change c) internal view returns (bool) {
        if (c == Change.Module) return vault.moduleConfig(address(newModule)).enabled;
        if (c == Change.Cap) return vault.moduleConfig(address(module)).cap == HIGH_CAP;
        if (c == Change.Limits) return keccak256(abi.encode(vault.limits())) == keccak256(abi.encode(_looseLimits()));
        if (c == Change.ModuleLimits) return module.limit() == LOOSE_MODULE_LIMIT;
        if (c == Change.Timelock) return vault.timelock() == ConstantsLib.MIN_TIMELOCK;
        return vault.guardian() == NEW_GUARDIAN;
    }

    /// @dev Accepting before validAt reverts with TimelockNotElapsed(validAt), for any caller.
    function _checkAcceptEarly(Change c, uint256 tlSeed, uint256 elapsed) internal {
        uint256 tl = _setTimelock(c, tlSeed);
        uint256 validAt = _submit(c);
        vm.warp(block.timestamp + bound(elapsed, 0, tl - 1));
        vm.prank(STRANGER);
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.TimelockNotElapsed.selector, validAt));
        _accept(c);
        assertFalse(_applied(c), "applied early");
        assertEq(_validAt(c), validAt, "still pending");
    }

    /// @dev Once validAt has passed, a stranger accepts: the event is emitted and the value applied.
    function _checkAcceptLate(Change c, uint256 tlSeed, uint256 elapsed) internal {
        uint256 tl = _setTimelock(c, tlSeed);
        _submit(c);
        vm.warp(block.timestamp + bound(elapsed, tl, tl + 365 days));
        _expectApplied(c, STRANGER);
        vm.prank(STRANGER);
        _accept(c);
        assertTrue(_applied(c), "not applied");
        assertEq(_validAt(c), 0, "pending not cleared");
        // Nothing left to accept a second time.
        vm.expectRevert(ErrorsLib.NoPendingValue.selector);
        _accept(c);
    }

    /// @dev The guardian revokes before accept: the value never applies, even after the timelock.
    function _checkRevoke(Change c, uint256 elapsed) internal {
        _submit(c);
        vm.warp(block.timestamp + bound(elapsed, 0, vault.timelock() - 1));
        _expectRevoked(c, GUARDIAN);
        vm.prank(GUARDIAN);
        _revoke(c);
        assertEq(_validAt(c), 0, "still pending");
        vm.warp(block.timestamp + ConstantsLib.MAX_TIMELOCK);
        vm.prank(STRANGER);
        vm.expectRevert(ErrorsLib.NoPendingValue.selector);
        _accept(c);
        assertFalse(_applied(c), "applied after revoke");
    }

    /// @dev A second submit while one is pending reverts, so the clock cannot be reset or the value swapped.
    function _checkDoubleSubmit(Change c) internal {
        if (c == Change.Timelock) _setTimelock(c, 2 days);
        uint256 validAt = _submit(c);
        vm.warp(block.timestamp + 1 hours);
        vm.expectRevert(ErrorsLib.AlreadyPending.selector);
        _callSubmit(c);
        assertEq(_validAt(c), validAt, "validAt moved");
    }

    /* MODULE ADDITION */

    function test_acceptModule_revertsBeforeTimelock(uint256 tl, uint256 elapsed) public {
        _checkAcceptEarly(Change.Module, tl, elapsed);
    }

    function test_acceptModule_anyoneAfterTimelock(uint256 tl, uint256 elapsed) public {
        _checkAcceptLate(Change.Module, tl, elapsed);
        assertEq(vault.modules().length, 2);
        assertEq(vault.moduleConfig(address(newModule)).cap, 0, "a new module starts with a zero cap");
    }

    function test_acceptModule_revertsAfterGuardianRevoke(uint256 elapsed) public {
        _checkRevoke(Change.Module, elapsed);
    }

    function test_submitModule_revertsWhenAlreadyPending() public {
        _checkDoubleSubmit(Change.Module);
    }

    /* CAP RAISE */

    function test_acceptCap_revertsBeforeTimelock(uint256 tl, uint256 elapsed) public {
        _checkAcceptEarly(Change.Cap, tl, elapsed);
        assertEq(vault.moduleConfig(address(module)).cap, LOW_CAP);
    }

    function test_acceptCap_anyoneAfterTimelock(uint256 tl, uint256 elapsed) public {
        _checkAcceptLate(Change.Cap, tl, elapsed);
    }

    function test_acceptCap_revertsAfterGuardianRevoke(uint256 elapsed) public {
        _checkRevoke(Change.Cap, elapsed);
    }

    function test_submitCap_revertsWhenAlreadyPending() public {
        _checkDoubleSubmit(Change.Cap);
    }

    function test_submitCap_decreaseAppliesImmediately(uint256 newCap) public {
        newCap = bound(newCap, 0, LOW_CAP - 1);
        vm.expectEmit(address(vault));
        emit EventsLib.SetCap(STRATEGIST, address(module), newCap);
        vm.prank(STRATEGIST);
        vault.submitCap(address(module), newCap);
        assertEq(vault.moduleConfig(address(module)).cap, newCap);
        assertEq(vault.pendingCap(address(module)).validAt, 0);
    }

    function test_acceptCap_revertsAfterModuleRemoved() public {
        _submit(Change.Cap);
        vm.prank(STRATEGIST);
        vault.removeModule(address(module));
        vm.warp(block.timestamp + TIMELOCK);
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.ModuleNotEnabled.selector, address(module)));
        vault.acceptCap(address(module));
        assertEq(vault.pendingCap(address(module)).validAt, 0, "removal drops the pending cap");
    }

    /* VAULT LIMITS LOOSENING */

    function test_acceptLimits_revertsBeforeTimelock(uint256 tl, uint256 elapsed) public {
        _checkAcceptEarly(Change.Limits, tl, elapsed);
        assertEq(abi.encode(vault.limits()), abi.encode(_defaultLimits()));
    }

    function test_acceptLimits_anyoneAfterTimelock(uint256 tl, uint256 elapsed) public {
        _checkAcceptLate(Change.Limits, tl, elapsed);
    }

    function test_acceptLimits_revertsAfterGuardianRevoke(uint256 elapsed) public {
        _checkRevoke(Change.Limits, elapsed);
    }

    function test_submitLimits_revertsWhenAlreadyPending() public {
        _checkDoubleSubmit(Change.Limits);
    }

    function test_submitLimits_tighteningAppliesImmediately(uint256 a, uint256 b, uint256 c, uint256 d) public {
        VaultLimits memory current = _defaultLimits();
        VaultLimits memory next = VaultLimits({
            maxLossBps: uint16(bound(a, 0, current.maxLossBps)),
            lossBudgetBps: uint16(bound(b, 0, current.lossBudgetBps)),
            lossWindow: uint32(bound(c, current.lossWindow, ConstantsLib.MAX_LOSS_WINDOW)),
            depositCap: uint128(bound(d, 0, current.depositCap))
        });
        vm.expectEmit(address(vault));
        emit EventsLib.SetLimits(GUARDIAN, next);
        vm.prank(GUARDIAN);
        vault.submitLimits(next);
        assertEq(abi.encode(vault.limits()), abi.encode(next));
        (, uint256 validAt) = vault.pendingLimits();
        assertEq(validAt, 0);
    }

    /// @dev The pending struct is a snapshot of every field. A loosening that proposed only a higher
    /// maxLossBps carries the old depositCap; if the guardian then closes deposits (depositCap 0, at once),
    /// anyone accepting the stale struct reopens them: a loosening of depositCap nobody ever submitted.
    function test_BUG_acceptLimits_undoesGuardianTighteningOfUnproposedField() public {
        VaultLimits memory proposal = _defaultLimits();
        proposal.maxLossBps = 100; // the only field the strategist loosens
        vm.prank(STRATEGIST);
        vault.submitLimits(proposal);
        VaultLimits memory emergency = _defaultLimits();
        emergency.depositCap = 0;
        vm.prank(GUARDIAN);
        vault.submitLimits(emergency); // tightening: immediate
        assertEq(vault.maxDeposit(SUPPLIER), 0);
        vm.warp(block.timestamp + TIMELOCK);
        vm.prank(STRANGER);
        try vault.acceptLimits() {} catch {}
        assertEq(vault.limits().depositCap, 0, "guardian's depositCap 0 reopened without a timelock");
    }

    /* MODULE LIMITS LOOSENING */

    function test_acceptModuleLimits_revertsBeforeTimelock(uint256 tl, uint256 elapsed) public {
        _checkAcceptEarly(Change.ModuleLimits, tl, elapsed);
        assertEq(module.limit(), 100);
    }

    function test_acceptModuleLimits_anyoneAfterTimelock(uint256 tl, uint256 elapsed) public {
        _checkAcceptLate(Change.ModuleLimits, tl, elapsed);
    }

    function test_acceptModuleLimits_revertsAfterGuardianRevoke(uint256 elapsed) public {
        _checkRevoke(Change.ModuleLimits, elapsed);
    }

    function test_submitModuleLimits_revertsWhenAlreadyPending() public {
        _checkDoubleSubmit(Change.ModuleLimits);
    }

    function test_acceptModuleLimits_revertsOnDifferentBlob(uint256 other) public {
        vm.assume(other != LOOSE_MODULE_LIMIT);
        uint256 validAt = _submit(Change.ModuleLimits);
        vm.warp(validAt);
        vm.prank(STRANGER);
        vm.expectRevert(ErrorsLib.PendingValueMismatch.selector);
        vault.acceptModuleLimits(address(module), abi.encode(other));
        assertEq(module.limit(), 100);
        assertEq(vault.pendingModuleLimits(address(module)).validAt, validAt, "still pending");
    }

    function test_submitModuleLimits_tighteningAppliesImmediately(uint256 value) public {
        value = bound(value, 1, module.limit());
        bytes memory blob = abi.encode(value);
        vm.expectEmit(address(vault));
        emit EventsLib.SetModuleLimits(GUARDIAN, address(module), blob);
        vm.prank(GUARDIAN);
        vault.submitModuleLimits(address(module), blob);
        assertEq(module.limit(), value);
        assertEq(vault.pendingModuleLimits(address(module)).validAt, 0);
    }

    /* TIMELOCK DECREASE AND INCREASE */

    function test_acceptTimelock_revertsBeforeTimelock(uint256 tl, uint256 elapsed) public {
        _checkAcceptEarly(Change.Timelock, tl, elapsed);
    }

    function test_acceptTimelock_anyoneAfterTimelock(uint256 tl, uint256 elapsed) public {
        _checkAcceptLate(Change.Timelock, tl, elapsed);
    }

    function test_acceptTimelock_revertsAfterGuardianRevoke(uint256 elapsed) public {
        _setTimelock(Change.Timelock, 3 days);
        _checkRevoke(Change.Timelock, elapsed);
    }

    function test_submitTimelock_revertsWhenAlreadyPending() public {
        _checkDoubleSubmit(Change.Timelock);
    }

    function test_submitTimelock_increaseAppliesImmediately(uint256 tl) public {
        tl = bound(tl, TIMELOCK + 1, ConstantsLib.MAX_TIMELOCK);
        vm.expectEmit(address(vault));
        emit EventsLib.SetTimelock(OWNER, tl);
        vm.prank(OWNER);
        vault.submitTimelock(tl);
        assertEq(vault.timelock(), tl);
        assertEq(vault.pendingTimelock().validAt, 0);
    }

    /// @dev After an increase, a decrease submitted under the old (shorter) timelock must not become
    /// acceptable before the timelock now in force has passed. MetaMorpho clears the pending timelock when
    /// the timelock is set; here the stale decrease survives and lowers a 2-week timelock after 2 days.
    function test_BUG_submitTimelock_increaseLeavesStalePendingDecrease() public {
        vm.startPrank(OWNER);
        vault.submitTimelock(2 days); // increase: immediate
        vault.submitTimelock(1 days); // decrease: pending until now + 2 days
        vault.submitTimelock(2 weeks); // increase: immediate, depositors now see a 2-week timelock
        vm.stopPrank();
        assertEq(vault.timelock(), 2 weeks);
        vm.warp(block.timestamp + 2 days);
        vm.prank(STRANGER);
        try vault.acceptTimelock() {} catch {}
        assertEq(vault.timelock(), 2 weeks, "2-week timelock lowered to 1 day after only 2 days");
    }

    /* GUARDIAN REPLACEMENT */

    function test_acceptGuardian_revertsBeforeTimelock(uint256 tl, uint256 elapsed) public {
        _checkAcceptEarly(Change.Guardian, tl, elapsed);
        assertEq(vault.guardian(), GUARDIAN);
    }

    function test_acceptGuardian_anyoneAfterTimelock(uint256 tl, uint256 elapsed) public {
        _checkAcceptLate(Change.Guardian, tl, elapsed);
    }

    function test_acceptGuardian_revertsAfterGuardianRevoke(uint256 elapsed) public {
        _checkRevoke(Change.Guardian, elapsed);
    }

    function test_submitGuardian_revertsWhenAlreadyPending() public {
        _checkDoubleSubmit(Change.Guardian);
    }

    /* NOTHING PENDING */

    function test_accept_revertsWithNothingPending(uint8 kind) public {
        Change c = Change(bound(kind, 0, 5));
        vm.prank(STRANGER);
        vm.expectRevert(ErrorsLib.NoPendingValue.selector);
        _accept(c);
    }

    function test_revoke_revertsWithNothingPending(uint8 kind) public {
        Change c = Change(bound(kind, 0, 5));
        vm.prank(GUARDIAN);
        vm.expectRevert(ErrorsLib.NoPendingValue.selector);
        _revoke(c);
    }

    /* TIMELOCK BOUNDS */

    function _outOfBounds(uint256 tl) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(
            ErrorsLib.TimelockOutOfBounds.selector, tl, ConstantsLib.MIN_TIMELOCK, ConstantsLib.MAX_TIMELOCK
        );
    }

    function test_submitTimelock_revertsBelowMinAfterDepositsOpened(uint256 tl) public {
        tl = bound(tl, 0, ConstantsLib.MIN_TIMELOCK - 1);
        vm.prank(OWNER);
        vm.expectRevert(_outOfBounds(tl));
        vault.submitTimelock(tl);
        assertEq(vault.timelock(), TIMELOCK);
    }

    function test_submitTimelock_revertsAboveMax(uint256 tl) public {
        tl = bound(tl, ConstantsLib.MAX_TIMELOCK + 1, type(uint256).max);
        vm.prank(OWNER);
        vm.expectRevert(_outOfBounds(tl));
        vault.submitTimelock(tl);
    }

    function test_constructor_revertsTimelockAboveMax(uint256 tl) public {
        tl = bound(tl, ConstantsLib.MAX_TIMELOCK + 1, type(uint256).max);
        vm.expectRevert(
            abi.encodeWithSelector(ErrorsLib.TimelockOutOfBounds.selector, tl, 0, ConstantsLib.MAX_TIMELOCK)
        );
        new BallastVault(asset, "n", "s", OWNER, tl, _defaultLimits(), SEED);
    }

    /// @dev A fresh vault (timelock below MIN_TIMELOCK): deposits are closed and say why; max* return 0.
    function test_deposit_revertsWhileTimelockBelowMin(uint256 tl) public {
        tl = bound(tl, 0, ConstantsLib.MIN_TIMELOCK - 1);
        BallastVault fresh = _deployVault(asset);
        if (tl != 0) {
            vm.prank(OWNER);
            fresh.submitTimelock(tl);
        }
        assertEq(fresh.maxDeposit(SUPPLIER), 0);
        assertEq(fresh.maxMint(SUPPLIER), 0);
        asset.mint(SUPPLIER, 1e18);
        vm.startPrank(SUPPLIER);
        asset.approve(address(fresh), 1e18);
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.TimelockTooShortForDeposits.selector, tl));
        fresh.deposit(1e18, SUPPLIER);
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.TimelockTooShortForDeposits.selector, tl));
        fresh.mint(1e24, SUPPLIER);
        vm.stopPrank();
    }

    /// @dev Before deposits open the timelock moves freely (zero included) and changes are immediate;
    /// once it reaches MIN_TIMELOCK deposits open and zero is out of bounds for good.
    function test_submitTimelock_zeroOnlyBeforeDepositsOpen(uint256 tl) public {
        tl = bound(tl, 1, ConstantsLib.MIN_TIMELOCK - 1);
        BallastVault fresh = _deployVault(asset);
        vm.startPrank(OWNER);
        vm.expectRevert(ErrorsLib.AlreadySet.selector);
        fresh.submitTimelock(0);
        fresh.submitTimelock(tl);
        assertEq(fresh.timelock(), tl);
        fresh.submitTimelock(0); // a decrease, but deposits never opened: immediate
        assertEq(fresh.timelock(), 0);
        assertEq(fresh.pendingTimelock().validAt, 0);
        fresh.submitTimelock(ConstantsLib.MIN_TIMELOCK);
        assertGt(fresh.maxDeposit(SUPPLIER), 0, "deposits open");
        vm.expectRevert(_outOfBounds(0));
        fresh.submitTimelock(0);
        vm.stopPrank();
    }

    /* MODULE CHECKS */

    function test_removeModule_revertsWithEquity(uint256 assets) public {
        assets = bound(assets, 1, LOW_CAP);
        _deposit(SUPPLIER, assets);
        _allocate(assets);
        vm.prank(STRATEGIST);
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.ModuleNotEmpty.selector, address(module), assets));
        vault.removeModule(address(module));
        assertTrue(vault.moduleConfig(address(module)).enabled);
    }

    function test_submitModule_revertsOnWrongAsset() public {
        TestToken other = new TestToken("Other", "OTH", 18);
        ControlledModule wrong = new ControlledModule(address(vault), address(other));
        vm.prank(STRATEGIST);
        vm.expectRevert(
            abi.encodeWithSelector(
                ErrorsLib.ModuleAssetMismatch.selector, address(wrong), address(other), address(asset)
            )
        );
        vault.submitModule(address(wrong));
    }

    function test_submitModule_revertsOnWrongVault(address otherVault) public {
        vm.assume(otherVault != address(vault));
        ControlledModule wrong = new ControlledModule(otherVault, address(asset));
        vm.prank(STRATEGIST);
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.ModuleVaultMismatch.selector, address(wrong), otherVault));
        vault.submitModule(address(wrong));
    }

    function test_submitModule_revertsWhenAlreadyEnabled() public {
        vm.prank(STRATEGIST);
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.ModuleAlreadyEnabled.selector, address(module)));
        vault.submitModule(address(module));
    }

    function _addModules(uint256 count) internal {
        for (uint256 i; i < count; ++i) {
            ControlledModule added = new ControlledModule(address(vault), address(asset));
            vm.prank(STRATEGIST);
            vault.submitModule(address(added));
            vm.warp(block.timestamp + vault.timelock());
            vault.acceptModule(address(added));
        }
    }

    function test_submitModule_revertsAtMaxModules() public {
        _addModules(ConstantsLib.MAX_MODULES - 1);
        assertEq(vault.modules().length, ConstantsLib.MAX_MODULES);
        vm.prank(STRATEGIST);
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.TooManyModules.selector, ConstantsLib.MAX_MODULES));
        vault.submitModule(address(newModule));
    }

    function test_acceptModule_revertsWhenFullAtAcceptTime() public {
        _addModules(ConstantsLib.MAX_MODULES - 2);
        ControlledModule second = new ControlledModule(address(vault), address(asset));
        vm.startPrank(STRATEGIST);
        vault.submitModule(address(newModule));
        vault.submitModule(address(second));
        vm.stopPrank();
        vm.warp(block.timestamp + vault.timelock());
        vault.acceptModule(address(newModule));
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.TooManyModules.selector, ConstantsLib.MAX_MODULES));
        vault.acceptModule(address(second));
        assertEq(vault.modules().length, ConstantsLib.MAX_MODULES);
        assertFalse(vault.moduleConfig(address(second)).enabled);
    }
}
