// SPDX-License-Identifier: BUSL-1.1
pragma solidity ^0.8.24;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {VaultLimits, ModuleConfig} from "../interfaces/IBallastVault.sol";
import {IStrategyModule} from "../interfaces/IStrategyModule.sol";
import {VaultStorage} from "./VaultStorageLib.sol";
import {PendingLib, PendingUint192, PendingAddress, PendingHash} from "./PendingLib.sol";
import {ErrorsLib} from "./ErrorsLib.sol";
import {EventsLib} from "./EventsLib.sol";
import {ConstantsLib} from "./ConstantsLib.sol";
import {VaultMathLib} from "./VaultMathLib.sol";

/// @title GovernanceLib
/// @notice The vault's timelocked changes (`submit / accept / revokePending`) and role management.
/// Linked (external) because these cold paths would otherwise push the vault past the contract size
/// limit. Runs in the vault's context: `msg.sender` is the vault's caller and events come from the vault.
/// @dev Loosening waits for the timelock; tightening applies at once; anyone accepts a change whose time
/// has come; the guardian (and the proposers) can revoke it before. Owner-only entry points are gated by
/// the vault itself (`onlyOwner`); the others check roles here, given the vault's `owner`.
library GovernanceLib {
    using PendingLib for PendingUint192;
    using PendingLib for PendingAddress;

    /* MODULES */

    function submitModule(VaultStorage storage $, address owner, address vaultAsset, address module) external {
        _checkStrategist($, owner);
        if ($.moduleConfig[module].enabled) revert ErrorsLib.ModuleAlreadyEnabled(module);
        if ($.pendingModule[module] != 0) revert ErrorsLib.AlreadyPending();
        _checkModuleRoom($);
        address moduleAsset = IStrategyModule(module).asset();
        if (moduleAsset != vaultAsset) revert ErrorsLib.ModuleAssetMismatch(module, moduleAsset, vaultAsset);
        address moduleVault = IStrategyModule(module).vault();
        if (moduleVault != address(this)) revert ErrorsLib.ModuleVaultMismatch(module, moduleVault);

        if ($.timelock == 0) {
            _addModule($, module);
        } else {
            uint256 validAt = block.timestamp + $.timelock;
            $.pendingModule[module] = validAt;
            emit EventsLib.SubmitModule(msg.sender, module, validAt);
        }
    }

    function acceptModule(VaultStorage storage $, address module) external {
        _checkElapsed($.pendingModule[module]);
        delete $.pendingModule[module];
        _checkModuleRoom($);
        _addModule($, module);
    }

    function revokePendingModule(VaultStorage storage $, address owner, address module) external {
        _checkGuardianOrProposer($, owner);
        if ($.pendingModule[module] == 0) revert ErrorsLib.NoPendingValue();
        delete $.pendingModule[module];
        emit EventsLib.RevokePendingModule(msg.sender, module);
    }

    function removeModule(VaultStorage storage $, address owner, address module) external {
        _checkStrategist($, owner);
        _checkEnabled($, module);
        uint256 equity = IStrategyModule(module).totalAssets();
        if (equity != 0) revert ErrorsLib.ModuleNotEmpty(module, equity);
        uint256 index = $.moduleConfig[module].index - 1;
        address last = $.modules[$.modules.length - 1];
        $.modules[index] = last;
        $.moduleConfig[last].index = uint8(index + 1);
        $.modules.pop();
        $.moduleCount = uint8($.modules.length);
        // The job nonce stays: a module added back later must not accept jobs planned before it was removed.
        $.moduleConfig[module] =
            ModuleConfig({cap: 0, index: 0, enabled: false, jobNonce: $.moduleConfig[module].jobNonce});
        delete $.pendingCap[module];
        delete $.pendingModuleLimits[module];
        emit EventsLib.RemoveModule(msg.sender, module);
    }

    /* CAPS */

    function submitCap(VaultStorage storage $, address owner, address module, uint256 newCap) external {
        bool canRaise = _checkGuardianOrProposer($, owner);
        _checkEnabled($, module);
        uint256 cap = $.moduleConfig[module].cap;
        if (newCap == cap) revert ErrorsLib.AlreadySet();
        // A cap is a limit: the guardian may lower it, never raise it.
        if (newCap > cap && !canRaise) revert ErrorsLib.NotTightening();
        if (newCap < cap || $.timelock == 0) {
            _setCap($, module, newCap);
        } else {
            PendingUint192 storage pending = $.pendingCap[module];
            if (pending.validAt != 0) revert ErrorsLib.AlreadyPending();
            pending.update(uint192(Math.min(newCap, type(uint184).max)), $.timelock);
            emit EventsLib.SubmitCap(msg.sender, module, newCap, pending.validAt);
        }
    }

    function acceptCap(VaultStorage storage $, address module) external {
        _checkEnabled($, module);
        _checkElapsed($.pendingCap[module].validAt);
        _setCap($, module, $.pendingCap[module].value);
    }

    function revokePendingCap(VaultStorage storage $, address owner, address module) external {
        _checkGuardianOrProposer($, owner);
        if ($.pendingCap[module].validAt == 0) revert ErrorsLib.NoPendingValue();
        delete $.pendingCap[module];
        emit EventsLib.RevokePendingCap(msg.sender, module);
    }

    /* VAULT LIMITS */

    function submitLimits(VaultStorage storage $, address owner, VaultLimits calldata newLimits) external {
        bool canLoosen = _checkGuardianOrProposer($, owner);
        validateLimits(newLimits);
        bool loosens = VaultMathLib.loosens($.limits, newLimits);
        // The guardian may only tighten; tightening never waits.
        if (loosens && !canLoosen) revert ErrorsLib.NotTightening();
        if (!loosens || $.timelock == 0) {
            _setLimits($, newLimits);
        } else {
            if ($.pendingLimitsValidAt != 0) revert ErrorsLib.AlreadyPending();
            $.pendingLimits = newLimits;
            $.pendingLimitsValidAt = uint64(block.timestamp + $.timelock);
            emit EventsLib.SubmitLimits(msg.sender, newLimits, $.pendingLimitsValidAt);
        }
    }

    function acceptLimits(VaultStorage storage $) external {
        _checkElapsed($.pendingLimitsValidAt);
        _setLimits($, $.pendingLimits);
    }

    function revokePendingLimits(VaultStorage storage $, address owner) external {
        _checkGuardianOrProposer($, owner);
        if ($.pendingLimitsValidAt == 0) revert ErrorsLib.NoPendingValue();
        delete $.pendingLimits;
        delete $.pendingLimitsValidAt;
        emit EventsLib.RevokePendingLimits(msg.sender);
    }

    /// @notice Reverts when `newLimits` is outside the hard bounds of ConstantsLib.
    function validateLimits(VaultLimits memory newLimits) public pure {
        if (newLimits.maxLossBps > ConstantsLib.MAX_LOSS_BPS) {
            revert ErrorsLib.MaxLossTooHigh(newLimits.maxLossBps, ConstantsLib.MAX_LOSS_BPS);
        }
        if (newLimits.lossBudgetBps > ConstantsLib.MAX_LOSS_BUDGET_BPS) {
            revert ErrorsLib.LossBudgetTooHigh(newLimits.lossBudgetBps, ConstantsLib.MAX_LOSS_BUDGET_BPS);
        }
        if (newLimits.lossWindow < ConstantsLib.MIN_LOSS_WINDOW || newLimits.lossWindow > ConstantsLib.MAX_LOSS_WINDOW)
        {
            revert ErrorsLib.LossWindowOutOfBounds(
                newLimits.lossWindow, ConstantsLib.MIN_LOSS_WINDOW, ConstantsLib.MAX_LOSS_WINDOW
            );
        }
    }

    /* MODULE LIMITS */

    function submitModuleLimits(VaultStorage storage $, address owner, address module, bytes calldata newLimits)
        external
    {
        _checkEnabled($, module);
        bool canLoosen = _checkGuardianOrProposer($, owner);
        bool loosens = IStrategyModule(module).checkLimits(newLimits);
        if (loosens && !canLoosen) revert ErrorsLib.NotTightening();
        if (!loosens || $.timelock == 0) {
            IStrategyModule(module).setLimits(newLimits);
            // A pending blob was checked against the old limits: accepting it later could undo this one.
            delete $.pendingModuleLimits[module];
            emit EventsLib.SetModuleLimits(msg.sender, module, newLimits);
        } else {
            PendingHash storage pending = $.pendingModuleLimits[module];
            if (pending.validAt != 0) revert ErrorsLib.AlreadyPending();
            // Only the hash is stored; the limits themselves are in the event, and the acceptor re-sends them.
            pending.hash = keccak256(newLimits);
            pending.validAt = uint64(block.timestamp + $.timelock);
            emit EventsLib.SubmitModuleLimits(msg.sender, module, newLimits, pending.validAt);
        }
    }

    function acceptModuleLimits(VaultStorage storage $, address module, bytes calldata newLimits) external {
        _checkEnabled($, module);
        _checkElapsed($.pendingModuleLimits[module].validAt);
        if (keccak256(newLimits) != $.pendingModuleLimits[module].hash) revert ErrorsLib.PendingValueMismatch();
        delete $.pendingModuleLimits[module];
        IStrategyModule(module).setLimits(newLimits);
        emit EventsLib.SetModuleLimits(msg.sender, module, newLimits);
    }

    function revokePendingModuleLimits(VaultStorage storage $, address owner, address module) external {
        _checkGuardianOrProposer($, owner);
        if ($.pendingModuleLimits[module].validAt == 0) revert ErrorsLib.NoPendingValue();
        delete $.pendingModuleLimits[module];
        emit EventsLib.RevokePendingModuleLimits(msg.sender, module);
    }

    /* TIMELOCK */

    /// @dev Owner-gated by the vault.
    function submitTimelock(VaultStorage storage $, uint256 newTimelock) external {
        uint256 current = $.timelock;
        if (newTimelock == current) revert ErrorsLib.AlreadySet();
        // Deposits open only once the timelock reaches MIN_TIMELOCK, and it can never go below it after.
        bool depositsOpened = current >= ConstantsLib.MIN_TIMELOCK;
        uint256 min = depositsOpened ? ConstantsLib.MIN_TIMELOCK : 0;
        if (newTimelock < min || newTimelock > ConstantsLib.MAX_TIMELOCK) {
            revert ErrorsLib.TimelockOutOfBounds(newTimelock, min, ConstantsLib.MAX_TIMELOCK);
        }
        if (newTimelock > current || !depositsOpened) {
            _setTimelock($, newTimelock);
        } else {
            if ($.pendingTimelock.validAt != 0) revert ErrorsLib.AlreadyPending();
            $.pendingTimelock.update(uint192(newTimelock), current);
            emit EventsLib.SubmitTimelock(msg.sender, newTimelock, $.pendingTimelock.validAt);
        }
    }

    function acceptTimelock(VaultStorage storage $) external {
        _checkElapsed($.pendingTimelock.validAt);
        _setTimelock($, $.pendingTimelock.value);
    }

    function revokePendingTimelock(VaultStorage storage $, address owner) external {
        _checkGuardianOrProposer($, owner);
        if ($.pendingTimelock.validAt == 0) revert ErrorsLib.NoPendingValue();
        delete $.pendingTimelock;
        emit EventsLib.RevokePendingTimelock(msg.sender);
    }

    /* ROLES */

    /// @dev Owner-gated by the vault. Immediate while no guardian is set, timelocked otherwise, so a
    /// compromised owner cannot silently remove the guardian that watches it.
    function submitGuardian(VaultStorage storage $, address newGuardian) external {
        if (newGuardian == $.guardian) revert ErrorsLib.AlreadySet();
        if ($.pendingGuardian.validAt != 0) revert ErrorsLib.AlreadyPending();
        if ($.guardian == address(0) || $.timelock == 0) {
            _setGuardian($, newGuardian);
        } else {
            $.pendingGuardian.update(newGuardian, $.timelock);
            emit EventsLib.SubmitGuardian(msg.sender, newGuardian, $.pendingGuardian.validAt);
        }
    }

    function acceptGuardian(VaultStorage storage $) external {
        _checkElapsed($.pendingGuardian.validAt);
        address newGuardian = $.pendingGuardian.value;
        delete $.pendingGuardian;
        _setGuardian($, newGuardian);
    }

    function revokePendingGuardian(VaultStorage storage $, address owner) external {
        _checkGuardianOrProposer($, owner);
        if ($.pendingGuardian.validAt == 0) revert ErrorsLib.NoPendingValue();
        delete $.pendingGuardian;
        emit EventsLib.RevokePendingGuardian(msg.sender);
    }

    /// @dev Owner-gated by the vault.
    function setStrategist(VaultStorage storage $, address newStrategist) external {
        if (newStrategist == $.strategist) revert ErrorsLib.AlreadySet();
        $.strategist = newStrategist;
        emit EventsLib.SetStrategist(msg.sender, newStrategist);
    }

    /// @dev Owner-gated by the vault.
    function setKeeper(VaultStorage storage $, address keeper, bool allowed) external {
        if (keeper == address(0)) revert ErrorsLib.ZeroAddress();
        if ($.isKeeper[keeper] == allowed) revert ErrorsLib.AlreadySet();
        $.isKeeper[keeper] = allowed;
        emit EventsLib.SetKeeper(msg.sender, keeper, allowed);
    }

    /* INTERNAL */

    function _checkStrategist(VaultStorage storage $, address owner) private view {
        if (msg.sender != $.strategist && msg.sender != owner) revert ErrorsLib.NotStrategist(msg.sender);
    }

    /// @dev Tightening a limit and revoking a pending change are the guardian's powers; the strategist and the
    /// owner have them too. Returns whether the caller is the strategist or the owner, who alone may also loosen.
    function _checkGuardianOrProposer(VaultStorage storage $, address owner) private view returns (bool isProposer) {
        isProposer = msg.sender == $.strategist || msg.sender == owner;
        if (!isProposer && msg.sender != $.guardian) revert ErrorsLib.NotGuardianOrStrategist(msg.sender);
    }

    function _checkEnabled(VaultStorage storage $, address module) private view {
        if (!$.moduleConfig[module].enabled) revert ErrorsLib.ModuleNotEnabled(module);
    }

    function _checkElapsed(uint256 validAt) private view {
        if (validAt == 0) revert ErrorsLib.NoPendingValue();
        if (block.timestamp < validAt) revert ErrorsLib.TimelockNotElapsed(validAt);
    }

    function _checkModuleRoom(VaultStorage storage $) private view {
        if ($.modules.length >= ConstantsLib.MAX_MODULES) revert ErrorsLib.TooManyModules(ConstantsLib.MAX_MODULES);
    }

    function _addModule(VaultStorage storage $, address module) private {
        $.modules.push(module);
        $.moduleCount = uint8($.modules.length);
        $.moduleConfig[module] = ModuleConfig({
            cap: 0, index: uint8($.modules.length), enabled: true, jobNonce: $.moduleConfig[module].jobNonce
        });
        emit EventsLib.AddModule(msg.sender, module);
    }

    function _setCap(VaultStorage storage $, address module, uint256 newCap) private {
        // A pending raise must not outlive a later change (it could undo a decrease).
        delete $.pendingCap[module];
        $.moduleConfig[module].cap = uint184(Math.min(newCap, type(uint184).max));
        emit EventsLib.SetCap(msg.sender, module, newCap);
    }

    function _setLimits(VaultStorage storage $, VaultLimits memory newLimits) private {
        // Keep the budget already spent, measured against the new window from now on.
        $.lossUsed =
            uint128(VaultMathLib.decayedLoss($.lossUsed, $.lossUpdatedAt, $.limits.lossBudgetBps, $.limits.lossWindow));
        $.lossUpdatedAt = uint40(block.timestamp);
        $.limits = newLimits;
        // A pending change was checked against the old limits: accepting it later could undo this one.
        delete $.pendingLimits;
        delete $.pendingLimitsValidAt;
        emit EventsLib.SetLimits(msg.sender, newLimits);
    }

    function _setTimelock(VaultStorage storage $, uint256 newTimelock) private {
        // A pending decrease must not outlive a later change (it could undo an increase).
        delete $.pendingTimelock;
        $.timelock = uint64(newTimelock);
        emit EventsLib.SetTimelock(msg.sender, newTimelock);
    }

    function _setGuardian(VaultStorage storage $, address newGuardian) private {
        $.guardian = newGuardian;
        emit EventsLib.SetGuardian(msg.sender, newGuardian);
    }
}
