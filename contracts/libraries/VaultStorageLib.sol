// SPDX-License-Identifier: BUSL-1.1
pragma solidity ^0.8.24;

import {VaultLimits, ModuleConfig} from "../interfaces/IBallastVault.sol";
import {PendingUint192, PendingAddress, PendingHash} from "./PendingLib.sol";

/// @notice All of the vault's own state (ERC-20 balances and the owner live in OpenZeppelin's storage).
/// One struct so that the linked `GovernanceLib` reads and writes the same slots as the vault.
struct VaultStorage {
    // Packed in one slot (256 bits): everything a deposit or an exit reads besides the modules.
    uint40 lastAccrual;
    uint64 managementFee;
    uint64 performanceFee;
    bool paused;
    bool isShutdown;
    uint64 timelock;
    // `modules.length` (at most MAX_MODULES), kept beside the fee fields that every keeper trade reads anyway, so
    // that a trade learns there is no other module to value without reading the array's slot.
    uint8 moduleCount;
    address feeRecipient;
    address strategist;
    address guardian;
    VaultLimits limits;
    // Loss budget in use (WAD fraction of NAV) as of `lossUpdatedAt`; it refills linearly over `lossWindow`.
    uint128 lossUsed;
    uint40 lossUpdatedAt;
    uint256 highWaterMark;
    address[] modules;
    mapping(address => ModuleConfig) moduleConfig;
    mapping(address => bool) isKeeper;
    mapping(address => uint256) pendingModule;
    mapping(address => PendingUint192) pendingCap;
    mapping(address => PendingHash) pendingModuleLimits;
    PendingUint192 pendingTimelock;
    PendingAddress pendingGuardian;
    VaultLimits pendingLimits;
    uint64 pendingLimitsValidAt;
}
