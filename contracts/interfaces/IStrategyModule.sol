// SPDX-License-Identifier: BUSL-1.1
pragma solidity ^0.8.24;

/// @notice A keeper's rebalance request, forwarded by the vault. Produced off-chain by the strategy
/// service; every field is a bound the chain checks, so a stale or duplicated job reverts.
struct RebalanceParams {
    /// @dev The job's id (from the service's queue). Its low 56 bits are the module's job nonce
    /// (`IBallastVault.moduleConfig(module).jobNonce`): the vault runs one job per nonce, in order, so a job can never
    /// run twice, nor after another job planned from the same state; the other bits identify the plan.
    bytes32 jobId;
    /// @dev The call reverts after this timestamp.
    uint256 deadline;
    /// @dev True to raise leverage, false to lower it.
    bool leverUp;
    /// @dev Size of the trade in vault-asset units (collateral bought or sold). The module may cap it
    /// at its own `maxTradeSize`; it never trades more.
    uint256 amount;
    /// @dev Acceptable leverage before the call (WAD, 1e18 = 1x). Outside this range the call reverts:
    /// the keeper's plan was made for a state that no longer holds.
    uint256 minPreLeverage;
    uint256 maxPreLeverage;
}

/// @notice What a module reports about its position. Leverage-free modules report collateral ==
/// equity, debt == 0 and leverage == 1e18.
struct ModuleState {
    /// @dev Collateral held, in vault-asset units.
    uint256 collateral;
    /// @dev Debt owed, in the borrowed token's units.
    uint256 debt;
    /// @dev Debt valued in vault-asset units at the oracle price.
    uint256 debtInAssets;
    /// @dev collateral / (collateral - debtInAssets), WAD. type(uint256).max when equity is zero or negative.
    uint256 leverage;
    /// @dev debtInAssets / collateral, WAD.
    uint256 ltv;
    /// @dev Oracle price used (borrowed-token per vault-asset unit, 1e36-scaled like Morpho's IOracle).
    uint256 oraclePrice;
    /// @dev When the primary feed last updated.
    uint256 oracleUpdatedAt;
    /// @dev True when the feed is fresh and agrees with the second source.
    bool oracleHealthy;
    /// @dev Timestamp of the last successful keeper rebalance.
    uint256 lastRebalance;
}

/// @notice Why a module is asked to reduce risk outside a keeper rebalance.
enum DeleverReason {
    /// @dev Permissionless: leverage is at or above the module's ripcord leverage.
    Ripcord,
    /// @dev Permissionless: no keeper action for the module's dead-man delay and leverage is outside the band.
    DeadMansSwitch,
    /// @dev Guardian: a bounded emergency delever.
    Guardian
}

/// @title IStrategyModule
/// @notice A strategy module holds part of a Ballast vault's assets in a position. It has exactly one
/// caller, its vault: every mutating function reverts for anyone else. Permissionless actions (ripcord,
/// dead-man's switch) are entered through the vault, which applies its own checks first.
/// @dev Modules are added to a vault through the vault's timelock; their code is trusted to report
/// honestly, and the vault re-checks every keeper action on the NAV before and after (the module's own
/// equity figures from `rebalance`/`delever`, idle and every other module's `totalAssets`).
interface IStrategyModule {
    /// @notice The vault this module serves; the only address allowed to call its mutating functions.
    function vault() external view returns (address);

    /// @notice The vault's underlying asset.
    function asset() external view returns (address);

    /// @notice The module's equity in vault-asset units at the oracle price (collateral minus debt).
    /// @dev MUST NOT revert. When the oracle is unhealthy the module prices conservatively (the value a
    /// depositor would be least advantaged by), so nobody enters or exits at an inflated NAV.
    function totalAssets() external view returns (uint256);

    /// @notice True when the price behind `totalAssets` is fresh and agrees with the second source. The
    /// vault refuses deposits into a NAV that a module cannot price reliably. MUST NOT revert.
    function priceHealthy() external view returns (bool);

    /// @notice The position as the off-chain service and the dashboard read it. MUST NOT revert.
    function state() external view returns (ModuleState memory);

    /// @notice Upper bound on the cost of a pro-rata unwind, in basis points of the equity unwound.
    /// @dev The vault uses it so that `previewRedeem`/`previewWithdraw` never over-promise, and refuses a
    /// standard exit whose realised cost exceeds it (the max-loss overloads accept more).
    function unwindCostBps() external view returns (uint256);

    /// @notice `totalAssets()` and `unwindCostBps()` from one valuation, as an exit needs both (the vault reads them
    /// together for the exit's NAV instead of valuing the position twice).
    /// @dev MUST NOT revert; MUST return what the two views return in the same state.
    function totalAssetsAndUnwindCost() external view returns (uint256 equity, uint256 costBps);

    /// @notice Whether a keeper rebalance with these parameters would raise risk (lever up).
    function isRiskIncreasing(RebalanceParams calldata params) external view returns (bool);

    /// @notice Dry run of `rebalance`: the state the keeper would leave behind. Reverts with the same
    /// error `rebalance` would (for example, leverage outside the allowed range).
    function previewRebalance(RebalanceParams calldata params) external view returns (ModuleState memory);

    /// @notice Deploys `assets` that the vault has just transferred to the module.
    function allocate(uint256 assets) external;

    /// @notice Unwinds `fraction` (WAD) of the whole position pro rata - the same fraction of collateral
    /// and of debt - and sends the proceeds, in vault asset, to the vault.
    /// @dev MUST work without the oracle (stale feed, paused keeper): exits depend on it.
    /// @return assetsOut The assets sent to the vault.
    function unwind(uint256 fraction) external returns (uint256 assetsOut);

    /// @notice Moves leverage toward target within the module's limits.
    /// @dev The equities are what `totalAssets` returns just before and just after the trade, measured by the
    /// module inside the call (same price, same rounding): the vault bounds the keeper's loss on them instead of
    /// reading `totalAssets` around the call.
    /// @return preLeverage Leverage before the call (WAD).
    /// @return postLeverage Leverage after the call (WAD).
    /// @return preEquity `totalAssets()` before the trade.
    /// @return postEquity `totalAssets()` after the trade.
    function rebalance(RebalanceParams calldata params)
        external
        returns (uint256 preLeverage, uint256 postLeverage, uint256 preEquity, uint256 postEquity);

    /// @notice Lowers leverage by a bounded amount for `reason`; reverts when the reason does not hold.
    /// @dev Returns the same four figures as `rebalance`.
    function delever(DeleverReason reason)
        external
        returns (uint256 preLeverage, uint256 postLeverage, uint256 preEquity, uint256 postEquity);

    /// @notice Validates a new limits blob (module-specific ABI encoding) and says whether it loosens any
    /// limit. Reverts with the module's own error when the limits are inconsistent.
    /// @dev The vault applies tightening at once and puts loosening behind its timelock.
    function checkLimits(bytes calldata newLimits) external view returns (bool loosens);

    /// @notice Applies limits already validated through `checkLimits` (re-validated here).
    function setLimits(bytes calldata newLimits) external;

    /// @notice The current limits, in the same encoding `setLimits` takes.
    function limits() external view returns (bytes memory);
}
