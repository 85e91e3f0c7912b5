// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

import {Test} from "forge-std/Test.sol";
import {console} from "forge-std/console.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {ERC4626} from "@openzeppelin/contracts/token/ERC20/extensions/ERC4626.sol";
import {BallastVault} from "@ballast/BallastVault.sol";
import {VaultLimits} from "@ballast/interfaces/IBallastVault.sol";
import {ErrorsLib} from "@ballast/libraries/ErrorsLib.sol";
import {VaultMathLib} from "@ballast/libraries/VaultMathLib.sol";
import {ConstantsLib, WAD, BPS} from "@ballast/libraries/ConstantsLib.sol";
import {TestToken} from "../mocks/TestToken.sol";
import {ControlledModule} from "../mocks/ControlledModule.sol";

/// @notice The vault's privileged accounts, as the invariant test wires them.
struct Roles {
    address owner;
    address keeper;
    address keeper2;
    address guardian;
    address feeRecipient;
}

/// @notice State, ghost variables and predictions shared by the vault handler's actions.
/// @dev Every action is a `...NoRevert` function: it bounds its inputs so that the call is legal, predicts
/// whether the vault must refuse it (and with which error), makes the call with try/catch and asserts the
/// outcome matches. A handler revert is therefore always a finding (the profile runs `fail_on_revert`).
/// Facts that invariants check later are kept as ghost variables.
abstract contract VaultHandlerBase is Test {
    using Math for uint256;

    error UnexpectedRevert(string action, bytes reason);
    error UnexpectedSuccess(string action, bytes expected);

    /// @dev Shares whose value probes the share price (1e24 shares ~ 1e18 assets at the seed price).
    uint256 internal constant PRICE_PROBE = 1e24;
    /// @dev Largest single entry, in assets (a million 18-decimal units).
    uint256 internal constant MAX_ENTRY = 1e24;

    BallastVault public immutable vault;
    TestToken public immutable asset;
    address internal immutable OWNER;
    address internal immutable KEEPER;
    address internal immutable KEEPER_2;
    address internal immutable GUARDIAN;
    address internal immutable FEE_RECIPIENT;
    /// @dev Receives assets on some exits; never holds shares.
    address public immutable EXTERNAL_RECEIVER;

    ControlledModule[] internal _modules;
    address[] internal _actors;

    /// @dev The loss budget (WAD) and window the run starts with. Limits are only ever tightened, so these
    /// are the loosest values in force at any time: the leaky-bucket bound is checked against them.
    uint256 public immutable initialBudgetWad;
    uint256 public immutable initialWindow;

    /* GHOSTS */

    /// @dev Assets paid for shares credited to an actor, and assets paid out for an actor's burned shares.
    mapping(address => uint256) public ghost_assetsIn;
    mapping(address => uint256) public ghost_assetsOut;
    uint256 public ghost_totalAssetsIn;
    uint256 public ghost_totalAssetsOut;
    /// @dev Successful entries and exits (each may leave a wei of rounding in the vault).
    uint256 public ghost_userOps;
    /// @dev Assets minted into the system from outside (module gains, donations) and burned by `lose`.
    uint256 public ghost_externalGains;
    uint256 public ghost_externalLosses;
    /// @dev NAV lost by guardian delevers (also spends the loss budget, like a keeper call).
    uint256 public ghost_deleverLosses;
    uint256 public ghost_depositsWhilePaused;
    uint256 public ghost_exitsWhilePaused;
    uint256 public ghost_exitsWhileUnhealthy;
    /// @dev Fee shares seen arriving at the fee recipient, and arrivals that were not an accrual.
    uint256 public ghost_feeSharesMinted;
    uint256 public ghost_unaccountedFeeMints;
    /// @dev Supply changes not explained by the action's own mint/burn plus the accrued fee shares.
    uint256 public ghost_unaccountedSupplyChanges;
    /// @dev Largest drop of `convertToAssets(PRICE_PROBE)` across one exit.
    uint256 public ghost_maxExitPriceDrop;
    /// @dev Losses of loss-bounded calls (keeper calls, guardian delevers): count, WAD-fraction sum, and the
    /// worst excess over the leaky-bucket bound (must stay <= 0).
    uint256 public ghost_keeperLossCount;
    uint256 public ghost_keeperLossSumWad;
    int256 public ghost_maxBucketExcess = type(int256).min;
    /// @dev Action sequence numbers of the last successful lossy keeper call and the last budget tightening.
    uint256 public ghost_seq;
    uint256 public ghost_lastKeeperLossSeq;
    uint256 public ghost_lastTightenSeq;
    /// @dev Exits refused with InsufficientLiquidity a wei or two short after a pro-rata unwind (a vault defect,
    /// fixed for redeem by paying what idle holds).
    uint256 public ghost_exitsBlockedByUnwindRounding;
    /// @dev Entries and exits that did worse than their preview by a few wei (counted, not reverted, so the
    /// campaign goes on; `invariant_previewsMatchExecution` asserts it stays zero). Larger gaps revert.
    uint256 public ghost_previewMismatches;
    /// @dev Standard exits refused `ExitLossExceeded` by a wei per module although every real unwind cost was
    /// within the declared one (per-module rounding; a defect, counted).
    uint256 public ghost_standardExitDustRefusals;
    /// @dev Withdrawals of at most `maxWithdraw` refused `ERC4626ExceededMaxWithdraw` with real costs within the
    /// declared ones (a defect, counted).
    uint256 public ghost_maxWithdrawRefusals;
    /// @dev Reverts the handler predicted and saw (refusals the vault must make).
    uint256 public ghost_expectedReverts;
    uint256 public ghost_jobsExecuted;

    // Leaky-bucket running state (all scaled by the window): min over i of (W * P_{i-1} - B * t_i).
    int256 internal _bucketMin = type(int256).max;
    uint256 internal _bucketPrefixWad;

    /// @dev Share delta (minted - burned, fee shares excluded) of the action in progress.
    int256 internal _opShareDelta;
    uint256 internal _jobNonce;
    /// @dev Every executed job, with the module it ran on (replayed by `refuseBadJobNoRevert`).
    bytes32[] internal _executedJobs;
    ControlledModule[] internal _executedJobModules;

    string[] internal _callNames;
    mapping(string => uint256) public calls;

    constructor(
        BallastVault vault_,
        TestToken asset_,
        ControlledModule[] memory modules_,
        address[] memory actors_,
        Roles memory roles
    ) {
        vault = vault_;
        asset = asset_;
        _modules = modules_;
        _actors = actors_;
        OWNER = roles.owner;
        KEEPER = roles.keeper;
        KEEPER_2 = roles.keeper2;
        GUARDIAN = roles.guardian;
        FEE_RECIPIENT = roles.feeRecipient;
        EXTERNAL_RECEIVER = makeAddr("ExternalReceiver");
        VaultLimits memory startLimits = vault_.limits();
        initialBudgetWad = uint256(startLimits.lossBudgetBps) * WAD / BPS;
        initialWindow = startLimits.lossWindow;
    }

    /* MODIFIERS */

    /// @dev Counts the call and checks, around the action, that the fee recipient's balance only grows by
    /// exactly the accrual owed, and that total supply moves by that plus the action's own mint/burn.
    modifier instrumented(string memory name) {
        _count(name);
        ++ghost_seq;
        _opShareDelta = 0;
        uint256 expectedFeeShares = _pendingFeeShares();
        uint256 feeBalanceBefore = vault.balanceOf(FEE_RECIPIENT);
        uint256 supplyBefore = vault.totalSupply();
        _;
        uint256 feeBalanceAfter = vault.balanceOf(FEE_RECIPIENT);
        if (feeBalanceAfter < feeBalanceBefore) {
            ++ghost_unaccountedFeeMints;
        } else {
            uint256 minted = feeBalanceAfter - feeBalanceBefore;
            if (minted != 0 && minted != expectedFeeShares) ++ghost_unaccountedFeeMints;
            ghost_feeSharesMinted += minted;
            if (int256(vault.totalSupply()) - int256(supplyBefore) != int256(minted) + _opShareDelta) {
                ++ghost_unaccountedSupplyChanges;
            }
        }
    }

    /* VIEWS FOR INVARIANTS */

    /// @notice True when some module with equity would burn more on an unwind than it declares.
    function unwindCostAboveDeclared() public view returns (bool) {
        for (uint256 i; i < _modules.length; ++i) {
            ControlledModule m = _modules[i];
            if (m.totalAssets() != 0 && m.actualUnwindCostBps() > m.declaredUnwindCostBps()) return true;
        }
        return false;
    }

    function callSummary() external view {
        console.log("-- call summary --");
        for (uint256 i; i < _callNames.length; ++i) {
            console.log(_callNames[i], calls[_callNames[i]]);
        }
        console.log("expected reverts asserted", ghost_expectedReverts);
        console.log("rebalance jobs executed", ghost_jobsExecuted);
        console.log("lossy keeper calls", ghost_keeperLossCount);
        console.log("keeper loss sum (WAD)", ghost_keeperLossSumWad);
        console.log("exits while paused", ghost_exitsWhilePaused);
        console.log("exits while oracle unhealthy", ghost_exitsWhileUnhealthy);
        console.log("fee shares minted", ghost_feeSharesMinted);
        console.log("exits blocked by unwind rounding (defect)", ghost_exitsBlockedByUnwindRounding);
        console.log("entries/exits worse than their preview (defect)", ghost_previewMismatches);
        console.log("standard exits refused by cost dust (defect)", ghost_standardExitDustRefusals);
        console.log("withdrawals within maxWithdraw refused (defect)", ghost_maxWithdrawRefusals);
    }

    /* HELPERS */

    function _count(string memory name) internal {
        if (calls[name] == 0) _callNames.push(name);
        ++calls[name];
    }

    function _actor(uint256 seed) internal view returns (address) {
        return _actors[seed % _actors.length];
    }

    /// @dev A job id for `m`'s next job: a fresh tag with the module's job nonce in its low 56 bits.
    function _nextJobId(ControlledModule m) internal returns (bytes32) {
        uint256 tag = uint256(keccak256(abi.encode("job", ++_jobNonce)));
        return bytes32((tag >> 56 << 56) | vault.moduleConfig(address(m)).jobNonce);
    }

    function _module(uint256 seed) internal view returns (ControlledModule) {
        return _modules[seed % _modules.length];
    }

    function _keeper(uint256 seed) internal view returns (address) {
        return seed % 2 == 0 ? KEEPER : KEEPER_2;
    }

    /// @dev The owner acts on its own account two times in three; otherwise an actor with an allowance.
    function _spender(uint256 seed, address owner_) internal view returns (address) {
        return seed % 3 == 0 ? _actor(seed / 3) : owner_;
    }

    function _receiver(uint256 seed) internal view returns (address) {
        return seed % 4 == 0 ? EXTERNAL_RECEIVER : _actor(seed / 4);
    }

    /// @dev Spreads a fuzzed amount over magnitudes 1 .. 10**maxExponent, so small and large sizes both occur.
    function _boundMagnitude(uint256 raw, uint256 min, uint256 maxExponent, uint256 max)
        internal
        pure
        returns (uint256)
    {
        uint256 ceiling = Math.min(10 ** (raw % (maxExponent + 1)), max);
        if (ceiling < min) ceiling = min;
        return _bound(raw / (maxExponent + 1), min, ceiling);
    }

    /// @dev Fee shares the next accruing call at this timestamp mints (0 when none is due).
    function _pendingFeeShares() internal view returns (uint256) {
        uint256 lastAccrual = vault.lastAccrual();
        uint256 managementFee = vault.managementFee();
        uint256 performanceFee = vault.performanceFee();
        if (lastAccrual == block.timestamp || (managementFee == 0 && performanceFee == 0)) return 0;
        (uint256 managementShares, uint256 performanceShares,) = VaultMathLib.feeShares(
            VaultMathLib.FeeInputs({
                nav: vault.totalAssets(),
                supply: vault.totalSupply(),
                elapsed: block.timestamp - lastAccrual,
                managementFee: managementFee,
                performanceFee: performanceFee,
                highWaterMark: vault.highWaterMark(),
                decimalsOffset: ConstantsLib.DECIMALS_OFFSET
            })
        );
        return managementShares + performanceShares;
    }

    /// @dev The error a deposit or mint of `assets` by `caller` must revert with, or empty when it must pass.
    function _entryError(address caller, uint256 assets) internal view returns (bytes memory) {
        if (vault.paused()) return abi.encodeWithSelector(ErrorsLib.VaultPaused.selector);
        if (vault.isShutdown()) return abi.encodeWithSelector(ErrorsLib.VaultIsShutdown.selector);
        for (uint256 i; i < _modules.length; ++i) {
            ControlledModule m = _modules[i];
            if (!m.priceHealthy() && m.totalAssets() != 0) {
                return abi.encodeWithSelector(ErrorsLib.OracleUnhealthy.selector, address(m));
            }
        }
        uint256 room = VaultMathLib.zeroFloorSub(vault.limits().depositCap, vault.totalAssets());
        if (assets > room) {
            return abi.encodeWithSelector(ERC4626.ERC4626ExceededMaxDeposit.selector, caller, assets, room);
        }
        return "";
    }

    /// @dev The error a keeper call that destroys `loss` of `preNav` must revert with, or empty.
    function _keeperLossError(uint256 preNav, uint256 loss) internal view returns (bytes memory) {
        if (loss == 0) return "";
        VaultLimits memory current = vault.limits();
        uint256 maxLoss = preNav.mulDiv(current.maxLossBps, BPS);
        if (loss > maxLoss) return abi.encodeWithSelector(ErrorsLib.LossExceeded.selector, loss, maxLoss);
        uint256 used = vault.lossBudgetUsed() + loss.mulDiv(WAD, preNav, Math.Rounding.Ceil);
        uint256 budget = uint256(current.lossBudgetBps) * WAD / BPS;
        if (used > budget) return abi.encodeWithSelector(ErrorsLib.LossBudgetExceeded.selector, used, budget);
        return "";
    }

    /// @dev The NAV an unwind of `fraction` of `m` destroys (the mock burns its actual cost, rounded up).
    function _unwindLoss(ControlledModule m, uint256 fraction) internal view returns (uint256) {
        uint256 amount = m.totalAssets().mulDiv(Math.min(fraction, WAD), WAD);
        return amount.mulDiv(m.actualUnwindCostBps(), BPS, Math.Rounding.Ceil);
    }

    /// @dev Records a successful loss-bounded call's NAV change (keeper calls and guardian delevers): the
    /// leaky-bucket check.
    function _recordKeeperCall(uint256 preNav, uint256 postNav) internal {
        if (postNav >= preNav) return;
        uint256 lossWad = (preNav - postNav).mulDiv(WAD, preNav, Math.Rounding.Ceil);
        ++ghost_keeperLossCount;
        ghost_keeperLossSumWad += lossWad;
        ghost_lastKeeperLossSeq = ghost_seq;

        // For all i <= j: sum_{k=i..j} f_k <= B * (1 + (t_j - t_i) / W), i.e. with prefix sums P,
        // W * P_j - B * t_j <= W * B + min_i (W * P_{i-1} - B * t_i). Kept in O(1) per call.
        int256 window = int256(initialWindow);
        int256 budget = int256(initialBudgetWad);
        int256 scaledTime = budget * int256(block.timestamp);
        int256 candidate = window * int256(_bucketPrefixWad) - scaledTime;
        if (candidate < _bucketMin) _bucketMin = candidate;
        _bucketPrefixWad += lossWad;
        int256 excess = (window * int256(_bucketPrefixWad) - scaledTime) - (window * budget + _bucketMin);
        if (excess > ghost_maxBucketExcess) ghost_maxBucketExcess = excess;
    }

    function _recordEntry(address receiver, uint256 assets, uint256 shares) internal {
        if (vault.paused()) ++ghost_depositsWhilePaused;
        ghost_assetsIn[receiver] += assets;
        ghost_totalAssetsIn += assets;
        ++ghost_userOps;
        _opShareDelta += int256(shares);
    }

    function _recordExit(address owner_, uint256 assets, uint256 shares, uint256 priceBefore) internal {
        if (vault.paused()) ++ghost_exitsWhilePaused;
        if (!_allPricesHealthy()) ++ghost_exitsWhileUnhealthy;
        ghost_assetsOut[owner_] += assets;
        ghost_totalAssetsOut += assets;
        ++ghost_userOps;
        _opShareDelta -= int256(shares);
        uint256 priceAfter = vault.convertToAssets(PRICE_PROBE);
        if (priceAfter < priceBefore && priceBefore - priceAfter > ghost_maxExitPriceDrop) {
            ghost_maxExitPriceDrop = priceBefore - priceAfter;
        }
    }

    /// @dev ERC-4626 previews may be conservative, never generous: `value` must be at least `floor`. A gap of up
    /// to `dust` (a wei per module of unwind rounding, in the value's unit) is counted for
    /// `invariant_previewsMatchExecution`; more fails here.
    function _checkAtLeast(string memory what, uint256 value, uint256 floor, uint256 dust) internal {
        if (value >= floor) return;
        assertLe(floor - value, dust, what);
        ++ghost_previewMismatches;
    }

    /// @dev A wei per module, in assets.
    function _assetDust() internal view returns (uint256) {
        return _modules.length;
    }

    /// @dev A wei per module, in shares at the current price (rounded up).
    function _shareDust() internal view returns (uint256) {
        return vault.convertToShares(_modules.length) + 1;
    }

    function _allPricesHealthy() internal view returns (bool) {
        for (uint256 i; i < _modules.length; ++i) {
            if (!_modules[i].priceHealthy()) return false;
        }
        return true;
    }

    /// @dev Asserts that a call reverted with exactly `expected` (non-empty), or fails with the actual reason.
    function _assertRevertedWith(string memory action, bytes memory reason, bytes memory expected) internal {
        if (expected.length == 0) revert UnexpectedRevert(action, reason);
        assertEq(reason, expected, string.concat(action, ": wrong revert"));
        ++ghost_expectedReverts;
    }

    /// @dev One exit in the making (a struct keeps the stack shallow).
    struct ExitCall {
        address owner;
        address caller;
        address receiver;
        uint256 ownerBalance;
        uint256 receiverBalance;
        uint256 priceBefore;
        uint256 preview;
        bool standard;
        bool costAbove;
    }

    function _prepareExit(uint256 callerSeed, address owner_, uint256 receiverSeed, uint256 maxLossBps)
        internal
        view
        returns (ExitCall memory exit)
    {
        exit.owner = owner_;
        exit.caller = _spender(callerSeed, owner_);
        exit.receiver = _receiver(receiverSeed);
        exit.ownerBalance = vault.balanceOf(owner_);
        exit.receiverBalance = asset.balanceOf(exit.receiver);
        exit.priceBefore = vault.convertToAssets(PRICE_PROBE);
        exit.standard = maxLossBps == type(uint256).max;
        exit.costAbove = unwindCostAboveDeclared();
    }

    function _approveSpender(ExitCall memory exit, uint256 shares) internal {
        if (exit.caller == exit.owner) return;
        vm.prank(exit.owner);
        vault.approve(exit.caller, shares);
    }

    /// @dev An exit may only be refused for its own unwind cost: past the modules' declared bound (standard
    /// overload) or past the caller's bound (max-loss overload). Anything else blocks an exit.
    function _checkExitRefusal(
        string memory action,
        bytes memory reason,
        ExitCall memory exit,
        uint256 amount,
        bool isWithdraw,
        uint256 maxLossBps
    ) internal {
        bytes4 selector = _selector(reason);
        if (selector == ErrorsLib.ExitLossExceeded.selector) {
            (uint256 cost, uint256 maxCost) = _twoArgs(reason);
            assertGt(cost, maxCost, string.concat(action, ": refused within its bound"));
            if (exit.standard) {
                // The standard bound is the modules' declared cost: only a costlier real unwind may pass it...
                if (exit.costAbove) {
                    ++ghost_expectedReverts;
                    return;
                }
                // ...but per-module cost rounding can pass it by a wei per module (a defect, counted).
                if (cost - maxCost > _modules.length) revert UnexpectedRevert(action, reason);
                ++ghost_standardExitDustRefusals;
                return;
            }
            uint256 base = isWithdraw ? amount + cost : amount;
            assertEq(maxCost, base.mulDiv(maxLossBps, BPS), string.concat(action, ": wrong caller bound"));
            ++ghost_expectedReverts;
            return;
        }
        // Known defect (see VaultInvariantRegressions): with two modules holding equity, each module floors
        // its share of the pro-rata unwind, so the proceeds can fall a wei or two short of the need. Count it
        // for `invariant_exitsAlwaysPossible` and keep fuzzing the other properties.
        if (selector == ErrorsLib.InsufficientLiquidity.selector) {
            (uint256 requested, uint256 available) = _twoArgs(reason);
            if (requested > available && requested - available <= _modules.length) {
                ++ghost_exitsBlockedByUnwindRounding;
                return;
            }
        }
        // Within maxWithdraw and with real costs inside the declared ones, a withdrawal must fit the balance;
        // unwind dust (a wei of cost per module) can push it over (a defect, counted).
        if (selector == ERC4626.ERC4626ExceededMaxWithdraw.selector && isWithdraw && !exit.costAbove) {
            ++ghost_maxWithdrawRefusals;
            return;
        }
        // A real cost above the declared one can leave a withdrawal short of shares or of liquidity.
        if (
            exit.costAbove && isWithdraw
                && (selector == ERC4626.ERC4626ExceededMaxWithdraw.selector
                    || selector == ErrorsLib.InsufficientLiquidity.selector)
        ) {
            ++ghost_expectedReverts;
            return;
        }
        revert UnexpectedRevert(action, reason);
    }

    function _riskIncreasingError() internal view returns (bytes memory) {
        if (vault.paused()) return abi.encodeWithSelector(ErrorsLib.VaultPaused.selector);
        if (vault.isShutdown()) return abi.encodeWithSelector(ErrorsLib.VaultIsShutdown.selector);
        return "";
    }

    function _selector(bytes memory reason) internal pure returns (bytes4 selector) {
        if (reason.length < 4) return bytes4(0);
        assembly ("memory-safe") {
            selector := mload(add(reason, 32))
        }
    }

    /// @dev Decodes the two uint256 arguments of a custom error.
    function _twoArgs(bytes memory reason) internal pure returns (uint256 a, uint256 b) {
        require(reason.length >= 68, "short revert data");
        assembly ("memory-safe") {
            a := mload(add(reason, 36))
            b := mload(add(reason, 68))
        }
    }
}
