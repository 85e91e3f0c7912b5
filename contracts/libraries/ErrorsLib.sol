// SPDX-License-Identifier: BUSL-1.1
pragma solidity ^0.8.24;

/// @title ErrorsLib
/// @notice Every custom error of the Ballast vault, in one place. Each carries the numbers that made the
/// call fail, so a keeper, a CLI or a block explorer can tell what went wrong without a trace.
library ErrorsLib {
    /* ROLES */

    /// @notice The caller is not a keeper.
    error NotKeeper(address caller);
    /// @notice The caller is neither the strategist nor the owner.
    error NotStrategist(address caller);
    /// @notice The caller is neither the guardian nor the owner.
    error NotGuardian(address caller);
    /// @notice Only the guardian, the strategist or the owner may do this (tighten a limit, revoke a pending change).
    error NotGuardianOrStrategist(address caller);
    /// @notice A module was called by someone other than its vault.
    error NotVault(address caller);
    /// @notice Renouncing ownership would remove unpause and shutdown for good.
    error RenounceOwnershipDisabled();
    /// @notice The zero address was given where an account is required.
    error ZeroAddress();

    /* STATE */

    /// @notice Deposits and risk-increasing actions are paused by the guardian.
    error VaultPaused();
    /// @notice The vault has been shut down for good: deposits and risk-increasing actions are closed.
    error VaultIsShutdown();
    /// @notice The action needs a shut-down vault.
    error VaultNotShutdown();
    /// @notice Deposits stay closed until the timelock is at least MIN_TIMELOCK.
    error TimelockTooShortForDeposits(uint256 timelock);
    /// @notice The value is already the current one.
    error AlreadySet();

    /* TIMELOCK */

    /// @notice A change is already pending; revoke it first.
    error AlreadyPending();
    /// @notice The value sent on accept is not the one submitted.
    error PendingValueMismatch();
    /// @notice Nothing is pending.
    error NoPendingValue();
    /// @notice The pending change cannot be accepted before `validAt`.
    error TimelockNotElapsed(uint256 validAt);
    /// @notice Timelock outside [MIN_TIMELOCK, MAX_TIMELOCK] (zero only before deposits open).
    error TimelockOutOfBounds(uint256 timelock, uint256 min, uint256 max);
    /// @notice A change that loosens a limit was sent where only tightening is allowed.
    error NotTightening();

    /* MODULES */

    /// @notice The module is already enabled.
    error ModuleAlreadyEnabled(address module);
    /// @notice The module is not enabled in this vault.
    error ModuleNotEnabled(address module);
    /// @notice The module manages another asset.
    error ModuleAssetMismatch(address module, address moduleAsset, address vaultAsset);
    /// @notice The module belongs to another vault.
    error ModuleVaultMismatch(address module, address moduleVault);
    /// @notice The module still holds assets and cannot be removed.
    error ModuleNotEmpty(address module, uint256 equity);
    /// @notice The vault already has MAX_MODULES modules.
    error TooManyModules(uint256 max);
    /// @notice The allocation would take the module's equity past its cap.
    error ModuleCapExceeded(address module, uint256 equityAfter, uint256 cap);
    /// @notice More assets were asked for than the vault holds idle.
    error InsufficientIdle(uint256 requested, uint256 idle);
    /// @notice More was asked for than the module's equity.
    error InsufficientModuleEquity(address module, uint256 requested, uint256 equity);
    /// @notice A module's price is stale or its sources disagree, so NAV cannot be trusted for entries.
    error OracleUnhealthy(address module);
    /// @notice Zero amount.
    error ZeroAmount();

    /* KEEPER JOBS */

    /// @notice The job's nonce (the low 56 bits of `jobId`) is not the module's next one: a job with that nonce already
    /// ran (a duplicate, or another plan of the same state), or the nonce is ahead of the module's.
    error JobNonceMismatch(bytes32 jobId, uint256 expectedNonce);
    /// @notice The job's deadline has passed (a stale job).
    error DeadlineExpired(uint256 deadline, uint256 timestamp);
    /// @notice The module's leverage is not the one the job was planned for.
    error PreStateMismatch(uint256 leverage, uint256 minLeverage, uint256 maxLeverage);
    /// @notice The call lost more NAV than `maxLossBps` allows.
    error LossExceeded(uint256 loss, uint256 maxLoss);
    /// @notice The call would take the rolling loss budget (WAD fraction of NAV) past its limit.
    error LossBudgetExceeded(uint256 usedWad, uint256 budgetWad);

    /* EXITS */

    /// @notice The exit's unwind cost exceeds what the caller (or the standard bound) accepts.
    error ExitLossExceeded(uint256 cost, uint256 maxCost);
    /// @notice The unwind did not raise enough assets for the requested withdrawal.
    error InsufficientLiquidity(uint256 requested, uint256 available);
    /// @notice A max-loss argument above 100%.
    error MaxLossOutOfBounds(uint256 maxLossBps);

    /* LIMITS AND FEES */

    /// @notice Per-call max loss above the hard cap.
    error MaxLossTooHigh(uint256 maxLossBps, uint256 cap);
    /// @notice Loss budget above the hard cap.
    error LossBudgetTooHigh(uint256 lossBudgetBps, uint256 cap);
    /// @notice Loss window outside its bounds.
    error LossWindowOutOfBounds(uint256 lossWindow, uint256 min, uint256 max);
    /// @notice Fee above its hard cap.
    error FeeTooHigh(uint256 fee, uint256 cap);
    /// @notice A non-zero fee needs a fee recipient.
    error FeeRecipientNotSet();
    /// @notice The seed deposit must be positive.
    error SeedDepositTooSmall(uint256 assets);
}
