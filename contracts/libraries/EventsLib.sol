// SPDX-License-Identifier: BUSL-1.1
pragma solidity ^0.8.24;

import {DeleverReason} from "../interfaces/IStrategyModule.sol";
import {VaultLimits} from "../interfaces/IBallastVault.sol";

/// @title EventsLib
/// @notice Every event of the Ballast vault besides the ERC-20/ERC-4626 ones.
library EventsLib {
    /// @notice A keeper rebalance landed.
    event Rebalanced(
        bytes32 indexed jobId,
        address indexed module,
        uint256 preNav,
        uint256 postNav,
        uint256 preLeverage,
        uint256 postLeverage,
        address indexed keeper
    );
    /// @notice Idle assets moved into a module.
    event Allocated(address indexed module, uint256 assets, uint256 preNav, uint256 postNav, address indexed keeper);
    /// @notice Assets came back from a module to idle.
    event Deallocated(
        address indexed module,
        uint256 fraction,
        uint256 assetsOut,
        uint256 preNav,
        uint256 postNav,
        address indexed caller
    );
    /// @notice A ripcord, dead-man's-switch or guardian delever landed.
    event Delevered(
        address indexed module,
        DeleverReason reason,
        uint256 preNav,
        uint256 postNav,
        uint256 preLeverage,
        uint256 postLeverage,
        address indexed caller
    );
    /// @notice An exit of `assets` needed a pro-rata unwind of the modules; `cost` is the NAV that unwind
    /// destroyed, paid by the exiting owner alone.
    event ExitUnwound(address indexed owner, uint256 assets, uint256 cost);

    event SubmitModule(address indexed caller, address indexed module, uint256 validAt);
    event AddModule(address indexed caller, address indexed module);
    event RevokePendingModule(address indexed caller, address indexed module);
    event RemoveModule(address indexed caller, address indexed module);

    event SubmitCap(address indexed caller, address indexed module, uint256 cap, uint256 validAt);
    event SetCap(address indexed caller, address indexed module, uint256 cap);
    event RevokePendingCap(address indexed caller, address indexed module);

    event SubmitLimits(address indexed caller, VaultLimits limits, uint256 validAt);
    event SetLimits(address indexed caller, VaultLimits limits);
    event RevokePendingLimits(address indexed caller);

    event SubmitModuleLimits(address indexed caller, address indexed module, bytes limits, uint256 validAt);
    event SetModuleLimits(address indexed caller, address indexed module, bytes limits);
    event RevokePendingModuleLimits(address indexed caller, address indexed module);

    event SubmitTimelock(address indexed caller, uint256 timelock, uint256 validAt);
    event SetTimelock(address indexed caller, uint256 timelock);
    event RevokePendingTimelock(address indexed caller);

    event SubmitGuardian(address indexed caller, address indexed guardian, uint256 validAt);
    event SetGuardian(address indexed caller, address indexed guardian);
    event RevokePendingGuardian(address indexed caller);

    event SetStrategist(address indexed caller, address indexed strategist);
    event SetKeeper(address indexed caller, address indexed keeper, bool isKeeper);
    event SetFees(address indexed caller, uint256 managementFee, uint256 performanceFee);
    event SetFeeRecipient(address indexed caller, address indexed feeRecipient);
    event AccrueFees(
        uint256 totalAssets, uint256 managementFeeShares, uint256 performanceFeeShares, uint256 highWaterMark
    );

    event SetPaused(address indexed caller, bool paused);
    event Shutdown(address indexed caller);
}
