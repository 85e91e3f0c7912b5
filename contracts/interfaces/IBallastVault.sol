// SPDX-License-Identifier: BUSL-1.1
pragma solidity ^0.8.24;

import {IERC4626} from "@openzeppelin/contracts/interfaces/IERC4626.sol";
import {RebalanceParams} from "./IStrategyModule.sol";
import {PendingUint192, PendingAddress, PendingHash} from "../libraries/PendingLib.sol";

/// @notice Vault-level risk limits, validated together and changed as one.
/// @dev Tighter = smaller `maxLossBps`, smaller `lossBudgetBps`, longer `lossWindow`, smaller `depositCap`.
struct VaultLimits {
    /// @dev Most NAV a single keeper call may lose, in bps of NAV before the call.
    uint16 maxLossBps;
    /// @dev Most NAV keeper calls may lose together per `lossWindow`, in bps of NAV. The budget refills
    /// linearly over the window (a leaky bucket), so no burst of calls can spend more than one budget.
    uint16 lossBudgetBps;
    /// @dev The refill period of the loss budget, in seconds.
    uint32 lossWindow;
    /// @dev Deposits stop when NAV would pass this many assets.
    uint128 depositCap;
}

/// @notice Configuration of one enabled module.
struct ModuleConfig {
    /// @dev Most equity (vault-asset units) the keeper may allocate into the module.
    uint184 cap;
    /// @dev Position in `modules` plus one; zero when not enabled (at most `MAX_MODULES`).
    uint8 index;
    bool enabled;
    /// @dev The nonce the module's next keeper job must carry in the low 56 bits of its `jobId`; each executed
    /// `rebalance` increments it. Kept when the module is removed, so a re-added module never accepts an old job.
    uint56 jobNonce;
}

/// @title IBallastVault
/// @notice An ERC-4626 vault that pools one asset and lends it to leverage strategy modules.
/// @dev Roles:
/// - owner (governance: a timelock or multisig in production): grants roles, sets fees, unpauses,
///   shuts down, lowers the timelock through the timelock.
/// - strategist: submits modules, caps and limits; loosening waits for the timelock.
/// - keeper (any number of keys): allocates idle assets, deallocates, rebalances modules. Every keeper
///   call is bounded by `maxLossBps` and the rolling loss budget, measured on NAV before and after.
/// - guardian: pauses, revokes pending changes, tightens limits at once, triggers a bounded delever.
///   The guardian can never move funds or loosen a limit.
/// - anyone: accepts a change whose timelock has passed; triggers a module's ripcord or dead-man's switch.
/// Exits (withdraw/redeem) are never blocked by pause, keeper failure or a stale oracle. An exit that needs
/// more than idle assets unwinds every module pro rata, and the exiting owner pays that unwind's cost.
interface IBallastVault is IERC4626 {
    /* VIEWS */

    /// @notice The enabled modules, in the order NAV sums them.
    function modules() external view returns (address[] memory);
    /// @notice The configuration of `module` (zeroed when not enabled).
    function moduleConfig(address module) external view returns (ModuleConfig memory);
    /// @notice Idle assets held by the vault itself.
    function idle() external view returns (uint256);
    /// @notice The current vault-level limits.
    function limits() external view returns (VaultLimits memory);
    /// @notice The part of the loss budget in use now (WAD fraction of NAV), after the linear refill.
    function lossBudgetUsed() external view returns (uint256);
    /// @notice Whether the keeper job `jobId` can no longer run on `module`: a job with its nonce (the low 56 bits)
    /// has already been executed there, this one or another planned from the same state.
    function jobSpent(address module, bytes32 jobId) external view returns (bool);
    /// @notice Governance: grants roles, sets fees, unpauses, shuts down.
    function owner() external view returns (address);
    /// @notice Proposes modules, caps and limits.
    function strategist() external view returns (address);
    /// @notice Pauses, revokes pending changes, tightens limits, triggers a bounded delever.
    function guardian() external view returns (address);
    /// @notice Whether `account` may allocate, deallocate and rebalance.
    function isKeeper(address account) external view returns (bool);
    /// @notice Seconds a risk-increasing change waits between submit and accept.
    function timelock() external view returns (uint256);
    /// @notice Whether deposits and risk-increasing keeper actions are paused.
    function paused() external view returns (bool);
    /// @notice Whether the vault has been shut down (one way).
    function isShutdown() external view returns (bool);
    /// @notice Management fee, WAD per year of NAV.
    function managementFee() external view returns (uint256);
    /// @notice Performance fee, WAD fraction of gains above the high-water mark.
    function performanceFee() external view returns (uint256);
    /// @notice Receives fee shares.
    function feeRecipient() external view returns (address);
    /// @notice Assets per share (WAD-scaled, virtual offset included) above which performance fees accrue.
    function highWaterMark() external view returns (uint256);
    /// @notice When fees were last accrued (only moves while a fee is charged).
    function lastAccrual() external view returns (uint256);
    /// @notice When a submitted module can be accepted (0: none pending).
    function pendingModule(address module) external view returns (uint256 validAt);
    /// @notice The cap waiting for the timelock for `module`, and when it can be accepted.
    function pendingCap(address module) external view returns (PendingUint192 memory);
    /// @notice Hash of the pending module limits (the blob is in `SubmitModuleLimits`) and when they apply.
    function pendingModuleLimits(address module) external view returns (PendingHash memory);
    /// @notice The vault limits waiting for the timelock, and when they can be accepted.
    function pendingLimits() external view returns (VaultLimits memory value, uint256 validAt);
    /// @notice The timelock decrease waiting for the current timelock.
    function pendingTimelock() external view returns (PendingUint192 memory);
    /// @notice The guardian replacement waiting for the timelock.
    function pendingGuardian() external view returns (PendingAddress memory);

    /* EXITS WITH A LOSS BOUND */

    /// @notice `withdraw` that accepts an unwind cost of up to `maxLossBps` of the value charged to `owner`.
    /// @dev Use it when the module's standard unwind bound is too tight for the market (thin pool). The
    /// exact `assets` is always delivered; the cost is paid in extra shares. Reverts with
    /// `ExitLossExceeded` when the cost is higher.
    function withdraw(uint256 assets, address receiver, address owner, uint256 maxLossBps)
        external
        returns (uint256 shares);

    /// @notice `redeem` that accepts an unwind cost of up to `maxLossBps` of the shares' NAV value.
    function redeem(uint256 shares, address receiver, address owner, uint256 maxLossBps)
        external
        returns (uint256 assets);

    /* KEEPER */

    /// @notice Moves `assets` of idle into `module`. Keeper only; not while paused or shut down.
    /// @dev Reverts with `ModuleCapExceeded` past the module's cap, and with `LossExceeded` /
    /// `LossBudgetExceeded` when NAV drops by more than the limits allow.
    function allocate(address module, uint256 assets) external;

    /// @notice Brings about `assets` of `module`'s equity back to idle (a pro-rata unwind). Keeper only;
    /// allowed while paused. Loss-bounded like `allocate`.
    function deallocate(address module, uint256 assets) external returns (uint256 assetsOut);

    /// @notice Forwards a rebalance to `module` after checking the job: unused `jobId`, `deadline` not
    /// passed, module leverage within the expected pre-state. Keeper only; lever-up is refused while
    /// paused or shut down. Emits `Rebalanced`.
    function rebalance(address module, RebalanceParams calldata params)
        external
        returns (uint256 preLeverage, uint256 postLeverage);

    /* PERMISSIONLESS */

    /// @notice Lowers `module`'s leverage by a bounded step when it is at or above its ripcord leverage.
    function ripcord(address module) external returns (uint256 preLeverage, uint256 postLeverage);

    /// @notice Lowers `module`'s leverage toward target when no keeper has acted for the module's
    /// dead-man delay and leverage is outside the band.
    function deadMansSwitch(address module) external returns (uint256 preLeverage, uint256 postLeverage);

    /// @notice Mints any accrued fee shares now.
    function accrueFees() external;

    /* GUARDIAN */

    /// @notice Stops deposits and risk-increasing keeper actions. Exits and delevers continue.
    function pause() external;

    /// @notice A bounded delever of `module` (the module's ripcord step), for emergencies.
    function emergencyDelever(address module) external returns (uint256 preLeverage, uint256 postLeverage);

    /* TIMELOCKED CHANGES */

    /// @notice Proposes a module. Strategist or owner. Enabled by `acceptModule` after the timelock.
    function submitModule(address module) external;
    /// @notice Anyone: enables a submitted module once its timelock has passed.
    function acceptModule(address module) external;
    /// @notice Guardian, strategist or owner: drops a pending module.
    function revokePendingModule(address module) external;
    /// @notice Removes a module whose equity is zero. Strategist or owner.
    function removeModule(address module) external;

    /// @notice Sets a module cap. A decrease applies at once (strategist, guardian or owner); an increase
    /// waits for the timelock (strategist or owner).
    function submitCap(address module, uint256 newCap) external;
    /// @notice Anyone: applies a pending cap raise once its timelock has passed.
    function acceptCap(address module) external;
    /// @notice Guardian, strategist or owner: drops a pending cap raise.
    function revokePendingCap(address module) external;

    /// @notice Sets the vault limits. Tightening applies at once (strategist, guardian or owner);
    /// loosening waits for the timelock (strategist or owner).
    function submitLimits(VaultLimits calldata newLimits) external;
    /// @notice Anyone: applies pending vault limits once their timelock has passed.
    function acceptLimits() external;
    /// @notice Guardian, strategist or owner: drops pending vault limits.
    function revokePendingLimits() external;

    /// @notice Sets a module's own risk limits (module-specific encoding, validated by the module).
    /// Tightening applies at once (strategist, guardian or owner); loosening waits for the timelock.
    function submitModuleLimits(address module, bytes calldata newLimits) external;
    /// @notice Applies pending module limits after the timelock; `newLimits` must be the submitted blob
    /// (only its hash is stored; the blob is in the `SubmitModuleLimits` event).
    function acceptModuleLimits(address module, bytes calldata newLimits) external;
    /// @notice Guardian, strategist or owner: drops pending module limits.
    function revokePendingModuleLimits(address module) external;

    /// @notice Owner: an increase applies at once, a decrease waits for the current timelock.
    /// @dev Zero is allowed only while deposits have not opened; deposits open once the timelock is at
    /// least MIN_TIMELOCK.
    function submitTimelock(uint256 newTimelock) external;
    /// @notice Anyone: applies a pending timelock decrease once the current timelock has passed.
    function acceptTimelock() external;
    /// @notice Guardian, strategist or owner: drops a pending timelock decrease.
    function revokePendingTimelock() external;

    /// @notice Owner: replaces the guardian; immediate while no guardian is set, timelocked otherwise.
    function submitGuardian(address newGuardian) external;
    /// @notice Anyone: installs the pending guardian once its timelock has passed.
    function acceptGuardian() external;
    /// @notice Guardian, strategist or owner: drops a pending guardian replacement.
    function revokePendingGuardian() external;

    /* OWNER */

    /// @notice Owner: sets the strategist (zero removes it).
    function setStrategist(address newStrategist) external;
    /// @notice Owner: adds or removes a keeper key.
    function setKeeper(address keeper, bool allowed) external;
    /// @notice Sets both fees (accrues at the old rates first). Capped by MAX_MANAGEMENT_FEE and MAX_PERFORMANCE_FEE.
    function setFees(uint256 newManagementFee, uint256 newPerformanceFee) external;
    /// @notice Owner: sets the fee recipient (accrues to the old one first).
    function setFeeRecipient(address newFeeRecipient) external;
    /// @notice Lifts a pause.
    function unpause() external;
    /// @notice Closes the vault for good: deposits and risk-increasing actions stop, exits stay open.
    function shutdown() external;
    /// @notice After shutdown, unwinds `fraction` (WAD) of `module` into idle. Owner (unbounded) or keeper
    /// (loss-bounded).
    function unwindForShutdown(address module, uint256 fraction) external returns (uint256 assetsOut);
}
