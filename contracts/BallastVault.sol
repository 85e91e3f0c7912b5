// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ERC4626} from "@openzeppelin/contracts/token/ERC20/extensions/ERC4626.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {IERC4626} from "@openzeppelin/contracts/interfaces/IERC4626.sol";
import {IBallastVault, VaultLimits, ModuleConfig} from "./interfaces/IBallastVault.sol";
import {IStrategyModule, RebalanceParams, DeleverReason} from "./interfaces/IStrategyModule.sol";
import {ErrorsLib} from "./libraries/ErrorsLib.sol";
import {EventsLib} from "./libraries/EventsLib.sol";
import {ConstantsLib, WAD, BPS} from "./libraries/ConstantsLib.sol";
import {PendingUint192, PendingAddress, PendingHash} from "./libraries/PendingLib.sol";
import {VaultMathLib} from "./libraries/VaultMathLib.sol";
import {ExitLib} from "./libraries/ExitLib.sol";
import {GovernanceLib} from "./libraries/GovernanceLib.sol";
import {VaultStorage} from "./libraries/VaultStorageLib.sol";

/// @title BallastVault
/// @notice ERC-4626 vault that pools one asset and allocates it to leverage strategy modules.
/// @dev NAV (`totalAssets`) = idle + the sum of every module's equity at its oracle price. See
/// `IBallastVault` for roles and guarantees; every external function is documented there.
contract BallastVault is ERC4626, Ownable2Step, IBallastVault {
    using Math for uint256;
    using SafeERC20 for IERC20;

    /* STORAGE */

    VaultStorage internal $;

    /* CONSTRUCTOR */

    /// @param asset_ The vault asset.
    /// @param owner_ Governance (a timelock or multisig in production).
    /// @param initialTimelock Timelock for changes; zero is allowed for wiring, but deposits only open once
    /// the owner raises it to at least MIN_TIMELOCK.
    /// @param initialLimits Vault limits, validated like any later change.
    /// @param seedAssets Pulled from the deployer and locked forever as the first shares (inflation defence).
    constructor(
        IERC20 asset_,
        string memory name_,
        string memory symbol_,
        address owner_,
        uint256 initialTimelock,
        VaultLimits memory initialLimits,
        uint256 seedAssets
    ) ERC4626(asset_) ERC20(name_, symbol_) Ownable(owner_) {
        if (initialTimelock > ConstantsLib.MAX_TIMELOCK) {
            revert ErrorsLib.TimelockOutOfBounds(initialTimelock, 0, ConstantsLib.MAX_TIMELOCK);
        }
        if (seedAssets == 0) revert ErrorsLib.SeedDepositTooSmall(seedAssets);
        GovernanceLib.validateLimits(initialLimits);

        $.timelock = uint64(initialTimelock);
        $.limits = initialLimits;
        $.lastAccrual = uint40(block.timestamp);
        // Nonzero from the start (lossUsed stays 0): the first loss-budget write rewrites the slot (2.9k) instead of
        // filling an empty one (20k). `lossBudgetUsed` ignores the timestamp while nothing is used.
        $.lossUpdatedAt = uint40(block.timestamp);

        uint256 seedShares = seedAssets * 10 ** ConstantsLib.DECIMALS_OFFSET;
        asset_.safeTransferFrom(msg.sender, address(this), seedAssets);
        _mint(ConstantsLib.SEED_SHARES_HOLDER, seedShares);
        $.highWaterMark = VaultMathLib.sharePrice(seedAssets, seedShares, ConstantsLib.DECIMALS_OFFSET);
        emit Deposit(msg.sender, ConstantsLib.SEED_SHARES_HOLDER, seedAssets, seedShares);
    }

    /* MODIFIERS */

    modifier onlyKeeper() {
        if (!$.isKeeper[msg.sender]) revert ErrorsLib.NotKeeper(msg.sender);
        _;
    }

    modifier onlyGuardian() {
        if (msg.sender != $.guardian && msg.sender != owner()) revert ErrorsLib.NotGuardian(msg.sender);
        _;
    }

    modifier onlyEnabled(address module) {
        if (!$.moduleConfig[module].enabled) revert ErrorsLib.ModuleNotEnabled(module);
        _;
    }

    /* VIEWS */

    /// @inheritdoc IBallastVault
    function modules() external view returns (address[] memory) {
        return $.modules;
    }

    /// @inheritdoc IBallastVault
    function moduleConfig(address module) external view returns (ModuleConfig memory) {
        return $.moduleConfig[module];
    }

    /// @inheritdoc IBallastVault
    function idle() public view returns (uint256) {
        return IERC20(asset()).balanceOf(address(this));
    }

    /// @inheritdoc IBallastVault
    function limits() external view returns (VaultLimits memory) {
        return $.limits;
    }

    /// @inheritdoc IBallastVault
    function lossBudgetUsed() public view returns (uint256) {
        return VaultMathLib.decayedLoss($.lossUsed, $.lossUpdatedAt, $.limits.lossBudgetBps, $.limits.lossWindow);
    }

    /// @inheritdoc IBallastVault
    function timelock() external view returns (uint256) {
        return $.timelock;
    }

    /// @inheritdoc IBallastVault
    function lastAccrual() external view returns (uint256) {
        return $.lastAccrual;
    }

    /// @inheritdoc IBallastVault
    function managementFee() external view returns (uint256) {
        return $.managementFee;
    }

    /// @inheritdoc IBallastVault
    function performanceFee() external view returns (uint256) {
        return $.performanceFee;
    }

    /// @inheritdoc IBallastVault
    function paused() external view returns (bool) {
        return $.paused;
    }

    /// @inheritdoc IBallastVault
    function isShutdown() external view returns (bool) {
        return $.isShutdown;
    }

    /// @inheritdoc IBallastVault
    function strategist() external view returns (address) {
        return $.strategist;
    }

    /// @inheritdoc IBallastVault
    function guardian() external view returns (address) {
        return $.guardian;
    }

    /// @inheritdoc IBallastVault
    function isKeeper(address account) external view returns (bool) {
        return $.isKeeper[account];
    }

    /// @inheritdoc IBallastVault
    function jobSpent(address module, bytes32 jobId) external view returns (bool) {
        return uint56(uint256(jobId)) < $.moduleConfig[module].jobNonce;
    }

    /// @inheritdoc IBallastVault
    function feeRecipient() external view returns (address) {
        return $.feeRecipient;
    }

    /// @inheritdoc IBallastVault
    function highWaterMark() external view returns (uint256) {
        return $.highWaterMark;
    }

    /// @inheritdoc IBallastVault
    function pendingModule(address module) external view returns (uint256 validAt) {
        return $.pendingModule[module];
    }

    /// @inheritdoc IBallastVault
    function pendingCap(address module) external view returns (PendingUint192 memory) {
        return $.pendingCap[module];
    }

    /// @inheritdoc IBallastVault
    function pendingModuleLimits(address module) external view returns (PendingHash memory) {
        return $.pendingModuleLimits[module];
    }

    /// @inheritdoc IBallastVault
    function pendingLimits() external view returns (VaultLimits memory value, uint256 validAt) {
        return ($.pendingLimits, $.pendingLimitsValidAt);
    }

    /// @inheritdoc IBallastVault
    function pendingTimelock() external view returns (PendingUint192 memory) {
        return $.pendingTimelock;
    }

    /// @inheritdoc IBallastVault
    function pendingGuardian() external view returns (PendingAddress memory) {
        return $.pendingGuardian;
    }

    /// @inheritdoc IBallastVault
    function owner() public view override(Ownable, IBallastVault) returns (address) {
        return super.owner();
    }

    /// @inheritdoc ERC4626
    /// @dev Idle plus every module's equity at its (conservative when unhealthy) oracle price.
    function totalAssets() public view override(ERC4626, IERC4626) returns (uint256 nav) {
        nav = idle();
        uint256 length = $.modules.length;
        for (uint256 i; i < length; ++i) {
            nav += IStrategyModule($.modules[i]).totalAssets();
        }
    }

    /// @inheritdoc ERC4626
    /// @dev Zero while paused, shut down, before the timelock is set, while a module's oracle is unhealthy,
    /// or at the deposit cap. Never reverts.
    function maxDeposit(address) public view override(ERC4626, IERC4626) returns (uint256) {
        if (_depositsClosed() || _unhealthyModule() != address(0)) return 0;
        return VaultMathLib.zeroFloorSub($.limits.depositCap, totalAssets());
    }

    /// @inheritdoc ERC4626
    function maxMint(address receiver) public view override(ERC4626, IERC4626) returns (uint256) {
        uint256 assets = maxDeposit(receiver);
        if (assets == 0) return 0;
        (uint256 nav, uint256 supply) = _totalsWithAccruedFees();
        // The cap may be "unlimited" (type(uint128).max): saturate rather than overflow.
        return VaultMathLib.toSharesDownSaturating(assets, nav, supply, ConstantsLib.DECIMALS_OFFSET);
    }

    /// @inheritdoc ERC4626
    /// @dev The largest `assets` whose `previewWithdraw` fits the owner's shares. Never reverts; open
    /// while paused and with a stale oracle.
    function maxWithdraw(address owner_) public view override(ERC4626, IERC4626) returns (uint256 assets) {
        uint256 shares = balanceOf(owner_);
        (uint256 nav, uint256 supply) = _totalsWithAccruedFees();
        assets = _previewRedeem(shares, nav, supply);
        // The unwind gross-up is not an exact inverse of the redeem formula: step down until it fits.
        for (uint256 i; i < 4 && assets != 0; ++i) {
            uint256 needed = _previewWithdraw(assets, nav, supply);
            if (needed <= shares) return assets;
            assets = VaultMathLib.zeroFloorSub(assets.mulDiv(shares, needed), 1);
        }
        if (assets != 0 && _previewWithdraw(assets, nav, supply) > shares) return 0;
    }

    /// @inheritdoc ERC4626
    /// @dev The owner's whole balance: exits are never blocked.
    function maxRedeem(address owner_) public view override(ERC4626, IERC4626) returns (uint256) {
        return balanceOf(owner_);
    }

    /// @inheritdoc ERC4626
    /// @dev Net of the worst-case cost of the pro-rata unwind this redeem would need (the modules' bounds).
    function previewRedeem(uint256 shares) public view override(ERC4626, IERC4626) returns (uint256) {
        (uint256 nav, uint256 supply) = _totalsWithAccruedFees();
        return _previewRedeem(shares, nav, supply);
    }

    /// @inheritdoc ERC4626
    /// @dev Includes the worst-case cost of the pro-rata unwind this withdrawal would need.
    function previewWithdraw(uint256 assets) public view override(ERC4626, IERC4626) returns (uint256) {
        (uint256 nav, uint256 supply) = _totalsWithAccruedFees();
        return _previewWithdraw(assets, nav, supply);
    }

    /* ERC-4626 ENTRIES */

    /// @inheritdoc ERC4626
    function deposit(uint256 assets, address receiver) public override(ERC4626, IERC4626) returns (uint256 shares) {
        (uint256 nav, uint256 supply) = _accrueFees();
        _checkDepositOpen(assets, nav);
        shares = VaultMathLib.toSharesDown(assets, nav, supply, ConstantsLib.DECIMALS_OFFSET);
        _deposit(_msgSender(), receiver, assets, shares);
    }

    /// @inheritdoc ERC4626
    function mint(uint256 shares, address receiver) public override(ERC4626, IERC4626) returns (uint256 assets) {
        (uint256 nav, uint256 supply) = _accrueFees();
        assets = VaultMathLib.toAssetsUp(shares, nav, supply, ConstantsLib.DECIMALS_OFFSET);
        _checkDepositOpen(assets, nav);
        _deposit(_msgSender(), receiver, assets, shares);
    }

    /* ERC-4626 EXITS */

    /// @inheritdoc ERC4626
    function withdraw(uint256 assets, address receiver, address owner_)
        public
        override(ERC4626, IERC4626)
        returns (uint256)
    {
        return _withdrawExact(assets, receiver, owner_, type(uint256).max);
    }

    /// @inheritdoc IBallastVault
    function withdraw(uint256 assets, address receiver, address owner_, uint256 maxLossBps) external returns (uint256) {
        if (maxLossBps > BPS) revert ErrorsLib.MaxLossOutOfBounds(maxLossBps);
        return _withdrawExact(assets, receiver, owner_, maxLossBps);
    }

    /// @inheritdoc ERC4626
    function redeem(uint256 shares, address receiver, address owner_)
        public
        override(ERC4626, IERC4626)
        returns (uint256)
    {
        return _redeemExact(shares, receiver, owner_, type(uint256).max);
    }

    /// @inheritdoc IBallastVault
    function redeem(uint256 shares, address receiver, address owner_, uint256 maxLossBps) external returns (uint256) {
        if (maxLossBps > BPS) revert ErrorsLib.MaxLossOutOfBounds(maxLossBps);
        return _redeemExact(shares, receiver, owner_, maxLossBps);
    }

    /* KEEPER */

    /// @inheritdoc IBallastVault
    function allocate(address module, uint256 assets) external onlyKeeper onlyEnabled(module) {
        _checkRiskIncreasingAllowed();
        if (assets == 0) revert ErrorsLib.ZeroAmount();
        (uint256 preNav,) = _accrueFees();
        uint256 idleAssets = idle();
        if (assets > idleAssets) revert ErrorsLib.InsufficientIdle(assets, idleAssets);
        uint256 equityAfter = IStrategyModule(module).totalAssets() + assets;
        uint256 cap = $.moduleConfig[module].cap;
        if (equityAfter > cap) revert ErrorsLib.ModuleCapExceeded(module, equityAfter, cap);

        IERC20(asset()).safeTransfer(module, assets);
        IStrategyModule(module).allocate(assets);

        uint256 postNav = totalAssets();
        _checkKeeperLoss(preNav, postNav);
        emit EventsLib.Allocated(module, assets, preNav, postNav, msg.sender);
    }

    /// @inheritdoc IBallastVault
    function deallocate(address module, uint256 assets)
        external
        onlyKeeper
        onlyEnabled(module)
        returns (uint256 assetsOut)
    {
        if (assets == 0) revert ErrorsLib.ZeroAmount();
        uint256 equity = IStrategyModule(module).totalAssets();
        if (assets > equity) revert ErrorsLib.InsufficientModuleEquity(module, assets, equity);
        assetsOut = _unwindModule(module, assets.mulDiv(WAD, equity, Math.Rounding.Ceil), true);
    }

    /// @inheritdoc IBallastVault
    function rebalance(address module, RebalanceParams calldata params)
        external
        onlyKeeper
        onlyEnabled(module)
        returns (uint256 preLeverage, uint256 postLeverage)
    {
        // Replay guard: one job per nonce and module, in order. The config slot was read by `onlyEnabled`, so this
        // costs one warm write, where a set of executed ids costs a fresh slot per job.
        ModuleConfig storage config = $.moduleConfig[module];
        uint56 nonce = config.jobNonce;
        if (uint56(uint256(params.jobId)) != nonce) revert ErrorsLib.JobNonceMismatch(params.jobId, nonce);
        if (block.timestamp > params.deadline) revert ErrorsLib.DeadlineExpired(params.deadline, block.timestamp);
        if (IStrategyModule(module).isRiskIncreasing(params)) _checkRiskIncreasingAllowed();
        config.jobNonce = nonce + 1;

        uint256 preEquity;
        uint256 postEquity;
        (preLeverage, postLeverage, preEquity, postEquity) = IStrategyModule(module).rebalance(params);
        // The pre-state bound is checked on the leverage the module found before trading, in this transaction and at
        // the price it traded on (what `state().leverage` reads, without a second valuation); a mismatch reverts the
        // trade with everything else.
        if (preLeverage < params.minPreLeverage || preLeverage > params.maxPreLeverage) {
            revert ErrorsLib.PreStateMismatch(preLeverage, params.minPreLeverage, params.maxPreLeverage);
        }
        (uint256 preNav, uint256 postNav) = _navAround(module, preEquity, postEquity);
        _checkKeeperLoss(preNav, postNav);

        emit EventsLib.Rebalanced(params.jobId, module, preNav, postNav, preLeverage, postLeverage, msg.sender);
    }

    /* PERMISSIONLESS */

    /// @inheritdoc IBallastVault
    function ripcord(address module) external onlyEnabled(module) returns (uint256, uint256) {
        return _delever(module, DeleverReason.Ripcord, false);
    }

    /// @inheritdoc IBallastVault
    function deadMansSwitch(address module) external onlyEnabled(module) returns (uint256, uint256) {
        return _delever(module, DeleverReason.DeadMansSwitch, false);
    }

    /// @inheritdoc IBallastVault
    function accrueFees() external {
        _accrueFees();
    }

    /* GUARDIAN */

    /// @inheritdoc IBallastVault
    function pause() external onlyGuardian {
        if ($.paused) revert ErrorsLib.AlreadySet();
        $.paused = true;
        emit EventsLib.SetPaused(msg.sender, true);
    }

    /// @inheritdoc IBallastVault
    function emergencyDelever(address module) external onlyGuardian onlyEnabled(module) returns (uint256, uint256) {
        // A compromised guardian key must not bleed NAV: the keeper's loss bounds apply.
        return _delever(module, DeleverReason.Guardian, true);
    }

    /// @notice Disabled: without an owner nobody could unpause or shut the vault down.
    function renounceOwnership() public view override onlyOwner {
        revert ErrorsLib.RenounceOwnershipDisabled();
    }

    /* TIMELOCKED CHANGES (logic in GovernanceLib) */

    /// @inheritdoc IBallastVault
    function submitModule(address module) external {
        GovernanceLib.submitModule($, owner(), asset(), module);
    }

    /// @inheritdoc IBallastVault
    function acceptModule(address module) external {
        GovernanceLib.acceptModule($, module);
    }

    /// @inheritdoc IBallastVault
    function revokePendingModule(address module) external {
        GovernanceLib.revokePendingModule($, owner(), module);
    }

    /// @inheritdoc IBallastVault
    function removeModule(address module) external {
        GovernanceLib.removeModule($, owner(), module);
    }

    /// @inheritdoc IBallastVault
    function submitCap(address module, uint256 newCap) external {
        GovernanceLib.submitCap($, owner(), module, newCap);
    }

    /// @inheritdoc IBallastVault
    function acceptCap(address module) external {
        GovernanceLib.acceptCap($, module);
    }

    /// @inheritdoc IBallastVault
    function revokePendingCap(address module) external {
        GovernanceLib.revokePendingCap($, owner(), module);
    }

    /// @inheritdoc IBallastVault
    function submitLimits(VaultLimits calldata newLimits) external {
        GovernanceLib.submitLimits($, owner(), newLimits);
    }

    /// @inheritdoc IBallastVault
    function acceptLimits() external {
        GovernanceLib.acceptLimits($);
    }

    /// @inheritdoc IBallastVault
    function revokePendingLimits() external {
        GovernanceLib.revokePendingLimits($, owner());
    }

    /// @inheritdoc IBallastVault
    function submitModuleLimits(address module, bytes calldata newLimits) external {
        GovernanceLib.submitModuleLimits($, owner(), module, newLimits);
    }

    /// @inheritdoc IBallastVault
    function acceptModuleLimits(address module, bytes calldata newLimits) external {
        GovernanceLib.acceptModuleLimits($, module, newLimits);
    }

    /// @inheritdoc IBallastVault
    function revokePendingModuleLimits(address module) external {
        GovernanceLib.revokePendingModuleLimits($, owner(), module);
    }

    /// @inheritdoc IBallastVault
    function submitTimelock(uint256 newTimelock) external onlyOwner {
        GovernanceLib.submitTimelock($, newTimelock);
    }

    /// @inheritdoc IBallastVault
    function acceptTimelock() external {
        GovernanceLib.acceptTimelock($);
    }

    /// @inheritdoc IBallastVault
    function revokePendingTimelock() external {
        GovernanceLib.revokePendingTimelock($, owner());
    }

    /// @inheritdoc IBallastVault
    function submitGuardian(address newGuardian) external onlyOwner {
        GovernanceLib.submitGuardian($, newGuardian);
    }

    /// @inheritdoc IBallastVault
    function acceptGuardian() external {
        GovernanceLib.acceptGuardian($);
    }

    /// @inheritdoc IBallastVault
    function revokePendingGuardian() external {
        GovernanceLib.revokePendingGuardian($, owner());
    }

    /* OWNER */

    /// @inheritdoc IBallastVault
    function setStrategist(address newStrategist) external onlyOwner {
        GovernanceLib.setStrategist($, newStrategist);
    }

    /// @inheritdoc IBallastVault
    function setKeeper(address keeper, bool allowed) external onlyOwner {
        GovernanceLib.setKeeper($, keeper, allowed);
    }

    /// @inheritdoc IBallastVault
    function setFees(uint256 newManagementFee, uint256 newPerformanceFee) external onlyOwner {
        if (newManagementFee > ConstantsLib.MAX_MANAGEMENT_FEE) {
            revert ErrorsLib.FeeTooHigh(newManagementFee, ConstantsLib.MAX_MANAGEMENT_FEE);
        }
        if (newPerformanceFee > ConstantsLib.MAX_PERFORMANCE_FEE) {
            revert ErrorsLib.FeeTooHigh(newPerformanceFee, ConstantsLib.MAX_PERFORMANCE_FEE);
        }
        if ((newManagementFee != 0 || newPerformanceFee != 0) && $.feeRecipient == address(0)) {
            revert ErrorsLib.FeeRecipientNotSet();
        }
        // Accrue at the old rates so the change is not retroactive.
        (uint256 nav, uint256 supply) = _accrueFees();
        // Gains made while no performance fee was charged are never charged later.
        if ($.performanceFee == 0) {
            uint256 price = VaultMathLib.sharePrice(nav, supply, ConstantsLib.DECIMALS_OFFSET);
            if (price > $.highWaterMark) $.highWaterMark = price;
        }
        $.managementFee = uint64(newManagementFee);
        $.performanceFee = uint64(newPerformanceFee);
        $.lastAccrual = uint40(block.timestamp);
        emit EventsLib.SetFees(msg.sender, newManagementFee, newPerformanceFee);
    }

    /// @inheritdoc IBallastVault
    function setFeeRecipient(address newFeeRecipient) external onlyOwner {
        if (newFeeRecipient == $.feeRecipient) revert ErrorsLib.AlreadySet();
        if (newFeeRecipient == address(0) && ($.managementFee != 0 || $.performanceFee != 0)) {
            revert ErrorsLib.FeeRecipientNotSet();
        }
        // Fees earned so far go to the recipient that earned them.
        _accrueFees();
        $.feeRecipient = newFeeRecipient;
        emit EventsLib.SetFeeRecipient(msg.sender, newFeeRecipient);
    }

    /// @inheritdoc IBallastVault
    function unpause() external onlyOwner {
        if (!$.paused) revert ErrorsLib.AlreadySet();
        $.paused = false;
        emit EventsLib.SetPaused(msg.sender, false);
    }

    /// @inheritdoc IBallastVault
    function shutdown() external onlyOwner {
        if ($.isShutdown) revert ErrorsLib.AlreadySet();
        $.isShutdown = true;
        emit EventsLib.Shutdown(msg.sender);
    }

    /// @inheritdoc IBallastVault
    function unwindForShutdown(address module, uint256 fraction)
        external
        onlyEnabled(module)
        returns (uint256 assetsOut)
    {
        if (!$.isShutdown) revert ErrorsLib.VaultNotShutdown();
        bool byOwner = msg.sender == owner();
        if (!byOwner && !$.isKeeper[msg.sender]) revert ErrorsLib.NotKeeper(msg.sender);
        if (fraction == 0 || fraction > WAD) revert ErrorsLib.ZeroAmount();
        assetsOut = _unwindModule(module, fraction, !byOwner);
    }

    /* INTERNAL: ENTRIES */

    /// @dev Reverts with the reason a deposit of `assets` into NAV `nav` is refused; `maxDeposit` mirrors it.
    function _checkDepositOpen(uint256 assets, uint256 nav) internal view {
        _checkRiskIncreasingAllowed();
        if ($.timelock < ConstantsLib.MIN_TIMELOCK) revert ErrorsLib.TimelockTooShortForDeposits($.timelock);
        address unhealthy = _unhealthyModule();
        if (unhealthy != address(0)) revert ErrorsLib.OracleUnhealthy(unhealthy);
        uint256 room = VaultMathLib.zeroFloorSub($.limits.depositCap, nav);
        if (assets > room) revert ERC4626ExceededMaxDeposit(_msgSender(), assets, room);
    }

    function _depositsClosed() internal view returns (bool) {
        return $.paused || $.isShutdown || $.timelock < ConstantsLib.MIN_TIMELOCK;
    }

    /// @dev The first module whose price is unhealthy while it holds equity (zero when there is none). A
    /// module without equity cannot misprice anyone's entry.
    function _unhealthyModule() internal view returns (address) {
        uint256 length = $.modules.length;
        for (uint256 i; i < length; ++i) {
            IStrategyModule module = IStrategyModule($.modules[i]);
            if (!module.priceHealthy() && module.totalAssets() != 0) return address(module);
        }
        return address(0);
    }

    /* INTERNAL: EXITS */

    /// @dev Delivers exactly `assets`; the owner pays the unwind cost in extra shares.
    /// `maxLossBps == type(uint256).max` means the standard bound: the modules' declared unwind costs.
    function _withdrawExact(uint256 assets, address receiver, address owner_, uint256 maxLossBps)
        internal
        returns (uint256 shares)
    {
        (uint256 navBefore, uint256 supply, ExitLib.Quote[] memory quotes) = _accrueFeesForExit();
        uint256 cost = assets > idle() ? _raiseForWithdraw(assets, owner_, navBefore, maxLossBps, quotes) : 0;
        // Priced at NAV before the unwind: the owner is charged what leaves plus what the unwind destroyed.
        shares = VaultMathLib.toSharesUp(assets + cost, navBefore, supply, ConstantsLib.DECIMALS_OFFSET);
        uint256 balance = balanceOf(owner_);
        if (shares > balance) {
            uint256 maxAssets = VaultMathLib.toAssetsDown(balance, navBefore, supply, ConstantsLib.DECIMALS_OFFSET);
            revert ERC4626ExceededMaxWithdraw(owner_, assets, maxAssets);
        }
        _withdraw(_msgSender(), receiver, owner_, assets, shares);
    }

    /// @dev Unwinds modules until idle covers `assets`; returns the NAV destroyed (checked against the bound).
    /// `quotes` are the modules' equities and cost bounds read for `navBefore` (the first round uses them).
    function _raiseForWithdraw(
        uint256 assets,
        address owner_,
        uint256 navBefore,
        uint256 maxLossBps,
        ExitLib.Quote[] memory quotes
    ) internal returns (uint256 cost) {
        bool standard = maxLossBps == type(uint256).max;
        uint256 maxCost;
        // With a caller-chosen bound, a costlier-than-declared unwind may need another round.
        for (uint256 round; round < (standard ? 1 : 3); ++round) {
            uint256 available = idle();
            if (available >= assets) break;
            uint256 shortfall = assets - available;
            // After a first round that cost more than declared, gross up by the caller's own bound, at most 2x.
            if (round != 0) {
                uint256 grossed = maxLossBps < BPS ? shortfall.mulDiv(BPS, BPS - maxLossBps, Math.Rounding.Ceil) : 0;
                shortfall = grossed != 0 && grossed < 2 * shortfall ? grossed : 2 * shortfall;
            }
            // Later rounds read the modules' equities afresh (empty array).
            if (round != 0) quotes = new ExitLib.Quote[](0);
            maxCost += ExitLib.unwindForShortfall($.modules, quotes, shortfall, true);
        }
        cost = VaultMathLib.zeroFloorSub(navBefore, totalAssets());
        if (!standard) maxCost = (assets + cost).mulDiv(maxLossBps, BPS);
        if (cost > maxCost) revert ErrorsLib.ExitLossExceeded(cost, maxCost);
        uint256 raised = idle();
        if (raised < assets) revert ErrorsLib.InsufficientLiquidity(assets, raised);
        emit EventsLib.ExitUnwound(owner_, assets, cost);
    }

    /// @dev Burns exactly `shares`; the owner receives their NAV value minus the unwind cost.
    function _redeemExact(uint256 shares, address receiver, address owner_, uint256 maxLossBps)
        internal
        returns (uint256 assets)
    {
        uint256 balance = balanceOf(owner_);
        if (shares > balance) revert ERC4626ExceededMaxRedeem(owner_, shares, balance);
        (uint256 navBefore, uint256 supply, ExitLib.Quote[] memory quotes) = _accrueFeesForExit();
        uint256 grossAssets = VaultMathLib.toAssetsDown(shares, navBefore, supply, ConstantsLib.DECIMALS_OFFSET);
        assets = grossAssets - _raiseForRedeem(grossAssets, owner_, navBefore, maxLossBps, quotes);
        // Each module rounds its unwound amount down, so a full exit can come up a few wei short of idle:
        // pay what is there (the owner bears that dust, nobody else does).
        assets = Math.min(assets, idle());
        _withdraw(_msgSender(), receiver, owner_, assets, shares);
    }

    /// @dev Unwinds modules for the part of `grossAssets` idle does not cover; returns the NAV destroyed.
    function _raiseForRedeem(
        uint256 grossAssets,
        address owner_,
        uint256 navBefore,
        uint256 maxLossBps,
        ExitLib.Quote[] memory quotes
    ) internal returns (uint256 cost) {
        uint256 idleBefore = idle();
        if (grossAssets <= idleBefore) return 0;
        uint256 maxCost = ExitLib.unwindForShortfall($.modules, quotes, grossAssets - idleBefore, false);
        cost = VaultMathLib.zeroFloorSub(navBefore, totalAssets());
        if (maxLossBps != type(uint256).max) maxCost = grossAssets.mulDiv(maxLossBps, BPS);
        if (cost > maxCost) revert ErrorsLib.ExitLossExceeded(cost, maxCost);
        emit EventsLib.ExitUnwound(owner_, grossAssets, cost);
    }

    function _previewRedeem(uint256 shares, uint256 nav, uint256 supply) internal view returns (uint256) {
        uint256 grossAssets = VaultMathLib.toAssetsDown(shares, nav, supply, ConstantsLib.DECIMALS_OFFSET);
        uint256 idleAssets = idle();
        if (grossAssets <= idleAssets) return grossAssets;
        (, uint256 worstCost) = ExitLib.exitFraction($.modules, grossAssets - idleAssets, false);
        return VaultMathLib.zeroFloorSub(grossAssets, worstCost);
    }

    function _previewWithdraw(uint256 assets, uint256 nav, uint256 supply) internal view returns (uint256) {
        uint256 idleAssets = idle();
        uint256 worstCost;
        if (assets > idleAssets) (, worstCost) = ExitLib.exitFraction($.modules, assets - idleAssets, true);
        return VaultMathLib.toSharesUp(assets + worstCost, nav, supply, ConstantsLib.DECIMALS_OFFSET);
    }

    /* INTERNAL: KEEPER AND RISK */

    function _checkRiskIncreasingAllowed() internal view {
        if ($.paused) revert ErrorsLib.VaultPaused();
        if ($.isShutdown) revert ErrorsLib.VaultIsShutdown();
    }

    /// @dev Unwinds `fraction` of one module into idle; loss-bounded unless `bounded` is false (owner in shutdown).
    function _unwindModule(address module, uint256 fraction, bool bounded) internal returns (uint256 assetsOut) {
        (uint256 preNav,) = _accrueFees();
        assetsOut = IStrategyModule(module).unwind(Math.min(fraction, WAD));
        uint256 postNav = totalAssets();
        if (bounded) _checkKeeperLoss(preNav, postNav);
        emit EventsLib.Deallocated(module, fraction, assetsOut, preNav, postNav, msg.sender);
    }

    /// @dev Lowers `module`'s leverage for `reason`; loss-bounded like a keeper call when `bounded` (guardian).
    /// The permissionless reasons are bounded by the module (size, slippage, cooldown).
    function _delever(address module, DeleverReason reason, bool bounded)
        internal
        returns (uint256 preLeverage, uint256 postLeverage)
    {
        uint256 preEquity;
        uint256 postEquity;
        (preLeverage, postLeverage, preEquity, postEquity) = IStrategyModule(module).delever(reason);
        (uint256 preNav, uint256 postNav) = _navAround(module, preEquity, postEquity);
        if (bounded) _checkKeeperLoss(preNav, postNav);
        emit EventsLib.Delevered(module, reason, preNav, postNav, preLeverage, postLeverage, msg.sender);
    }

    /// @dev NAV before and after a `rebalance`/`delever` of `module`, from the equities the module measured around its
    /// trade (its `totalAssets` at those two moments), idle and the other modules' `totalAssets`; accrues fees on
    /// the NAV before. Idle is read once, after the call: a trade moves no assets between module and vault (only
    /// `allocate` and `unwind` do), and the other modules are untouched by it. Fees accrue here, after the trade,
    /// on the NAV from before it: the same shares as accruing first, since the trade changes neither supply nor time.
    function _navAround(address module, uint256 preEquity, uint256 postEquity)
        internal
        returns (uint256 preNav, uint256 postNav)
    {
        uint256 rest = idle();
        // `module` is enabled, so with one module it is the only one (`moduleCount` shares the fee fields' slot,
        // which `_accrueFeesAt` reads anyway; the array's own slot is only read with several modules).
        if ($.moduleCount > 1) {
            uint256 length = $.modules.length;
            for (uint256 i; i < length; ++i) {
                address other = $.modules[i];
                if (other != module) rest += IStrategyModule(other).totalAssets();
            }
        }
        preNav = rest + preEquity;
        postNav = rest + postEquity;
        _accrueFeesAt(preNav);
    }

    /// @dev Enforces the per-call loss bound and spends the rolling loss budget.
    function _checkKeeperLoss(uint256 preNav, uint256 postNav) internal {
        if (postNav >= preNav) return;
        uint256 loss = preNav - postNav;
        VaultLimits memory currentLimits = $.limits;
        uint256 maxLoss = preNav.mulDiv(currentLimits.maxLossBps, BPS);
        if (loss > maxLoss) revert ErrorsLib.LossExceeded(loss, maxLoss);

        uint256 used = lossBudgetUsed() + loss.mulDiv(WAD, preNav, Math.Rounding.Ceil);
        uint256 budget = uint256(currentLimits.lossBudgetBps) * WAD / BPS;
        if (used > budget) revert ErrorsLib.LossBudgetExceeded(used, budget);
        $.lossUsed = uint128(used);
        $.lossUpdatedAt = uint40(block.timestamp);
    }

    /* INTERNAL: FEES */

    /// @dev NAV and total supply including fee shares not minted yet.
    function _totalsWithAccruedFees() internal view returns (uint256 nav, uint256 supply) {
        nav = totalAssets();
        (uint256 managementShares, uint256 performanceShares,) = _accruedFeeShares(nav);
        supply = totalSupply() + managementShares + performanceShares;
    }

    /// @dev Mints accrued fee shares and returns the post-accrual NAV and total supply.
    function _accrueFees() internal returns (uint256 nav, uint256 supply) {
        nav = totalAssets();
        supply = totalSupply();
        supply += _accrueFeesAt(nav);
    }

    /// @dev `_accrueFees` for an exit: also returns each module's equity, as read for the NAV, with its unwind cost
    /// bound from the same valuation (`totalAssetsAndUnwindCost`, for `ExitLib`).
    function _accrueFeesForExit() internal returns (uint256 nav, uint256 supply, ExitLib.Quote[] memory quotes) {
        uint256 length = $.modules.length;
        quotes = new ExitLib.Quote[](length);
        nav = idle();
        for (uint256 i; i < length; ++i) {
            ExitLib.Quote memory q = quotes[i];
            (q.equity, q.costBps) = IStrategyModule($.modules[i]).totalAssetsAndUnwindCost();
            nav += q.equity;
        }
        supply = totalSupply();
        supply += _accrueFeesAt(nav);
    }

    /// @dev Mints the fee shares accrued at NAV `nav` (read by the caller) and returns how many.
    function _accrueFeesAt(uint256 nav) internal returns (uint256 feeShares) {
        // Without fees there is nothing to accrue; `setFees` restarts the clock when fees are switched on.
        if ($.lastAccrual == block.timestamp || ($.managementFee == 0 && $.performanceFee == 0)) return 0;
        (uint256 managementShares, uint256 performanceShares, uint256 newHighWaterMark) = _accruedFeeShares(nav);
        $.lastAccrual = uint40(block.timestamp);
        feeShares = managementShares + performanceShares;
        if (feeShares != 0) _mint($.feeRecipient, feeShares);
        if (newHighWaterMark != $.highWaterMark) $.highWaterMark = newHighWaterMark;
        if (feeShares != 0) emit EventsLib.AccrueFees(nav, managementShares, performanceShares, newHighWaterMark);
    }

    function _accruedFeeShares(uint256 nav)
        internal
        view
        returns (uint256 managementShares, uint256 performanceShares, uint256 newHighWaterMark)
    {
        newHighWaterMark = $.highWaterMark;
        uint256 managementRate = $.managementFee;
        uint256 performanceRate = $.performanceFee;
        // Same rule as `_accrueFees`: nothing accrues twice in one block, so previews match the action.
        if ((managementRate == 0 && performanceRate == 0) || $.lastAccrual == block.timestamp) {
            return (0, 0, newHighWaterMark);
        }
        return VaultMathLib.feeShares(
            VaultMathLib.FeeInputs({
                nav: nav,
                supply: totalSupply(),
                elapsed: block.timestamp - $.lastAccrual,
                managementFee: managementRate,
                performanceFee: performanceRate,
                highWaterMark: newHighWaterMark,
                decimalsOffset: ConstantsLib.DECIMALS_OFFSET
            })
        );
    }

    /* ERC-4626 OVERRIDES */

    /// @inheritdoc ERC4626
    function _decimalsOffset() internal pure override returns (uint8) {
        return ConstantsLib.DECIMALS_OFFSET;
    }

    /// @dev Conversions use the totals including fee shares not minted yet, like every preview.
    function _convertToShares(uint256 assets, Math.Rounding rounding) internal view override returns (uint256) {
        (uint256 nav, uint256 supply) = _totalsWithAccruedFees();
        return VaultMathLib.toShares(assets, nav, supply, ConstantsLib.DECIMALS_OFFSET, rounding);
    }

    function _convertToAssets(uint256 shares, Math.Rounding rounding) internal view override returns (uint256) {
        (uint256 nav, uint256 supply) = _totalsWithAccruedFees();
        return VaultMathLib.toAssets(shares, nav, supply, ConstantsLib.DECIMALS_OFFSET, rounding);
    }

    /// @inheritdoc ERC20
    function decimals() public view override(ERC4626, IERC20Metadata) returns (uint8) {
        return super.decimals();
    }
}
