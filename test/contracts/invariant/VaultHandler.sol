// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {BallastVault} from "@ballast/BallastVault.sol";
import {VaultLimits} from "@ballast/interfaces/IBallastVault.sol";
import {RebalanceParams} from "@ballast/interfaces/IStrategyModule.sol";
import {ErrorsLib} from "@ballast/libraries/ErrorsLib.sol";
import {ConstantsLib, WAD, BPS} from "@ballast/libraries/ConstantsLib.sol";
import {TestToken} from "../mocks/TestToken.sol";
import {ControlledModule} from "../mocks/ControlledModule.sol";
import {VaultHandlerBase, Roles} from "./VaultHandlerBase.sol";

/// @notice Drives one Ballast vault with two controllable modules through the actions of its actors:
/// depositors, keepers, the guardian, the owner, and the market (gains, losses, time, unwind costs, oracle
/// health). Each action asserts its own outcome; invariants read the ghosts.
contract VaultHandler is VaultHandlerBase {
    using Math for uint256;

    constructor(
        BallastVault vault_,
        TestToken asset_,
        ControlledModule[] memory modules_,
        address[] memory actors_,
        Roles memory roles
    ) VaultHandlerBase(vault_, asset_, modules_, actors_, roles) {}

    /* DEPOSITORS: ENTRIES */

    function depositNoRevert(uint256 callerSeed, uint256 receiverSeed, uint256 rawAssets)
        external
        instrumented("deposit")
    {
        address caller = _actor(callerSeed);
        address receiver = _actor(receiverSeed);
        uint256 assets = _boundMagnitude(rawAssets, 1, 24, MAX_ENTRY);
        bytes memory expected = _entryError(caller, assets);
        uint256 preview = vault.previewDeposit(assets);

        asset.mint(caller, assets);
        vm.startPrank(caller);
        asset.approve(address(vault), assets);
        try vault.deposit(assets, receiver) returns (uint256 shares) {
            vm.stopPrank();
            if (expected.length != 0) revert UnexpectedSuccess("deposit", expected);
            _checkAtLeast("deposit: shares vs previewDeposit", shares, preview, _shareDust());
            assertEq(asset.allowance(caller, address(vault)), 0, "deposit: pulled != assets");
            _recordEntry(receiver, assets, shares);
        } catch (bytes memory reason) {
            vm.stopPrank();
            _assertRevertedWith("deposit", reason, expected);
        }
        _clearAssetAllowance(caller);
    }

    function mintNoRevert(uint256 callerSeed, uint256 receiverSeed, uint256 rawShares) external instrumented("mint") {
        address caller = _actor(callerSeed);
        address receiver = _actor(receiverSeed);
        uint256 shares = _boundMagnitude(rawShares, 1, 30, MAX_ENTRY * 10 ** ConstantsLib.DECIMALS_OFFSET);
        uint256 assets = vault.previewMint(shares);
        if (assets > 10 * MAX_ENTRY) return;
        bytes memory expected = _entryError(caller, assets);
        // Fund and approve more than previewMint, so an under-quote shows as a mismatch rather than a revert.
        uint256 budget = 2 * assets + 1;

        asset.mint(caller, budget);
        vm.startPrank(caller);
        asset.approve(address(vault), budget);
        try vault.mint(shares, receiver) returns (uint256 paid) {
            vm.stopPrank();
            if (expected.length != 0) revert UnexpectedSuccess("mint", expected);
            _checkAtLeast("mint: previewMint vs assets pulled", assets, paid, _assetDust());
            assertEq(asset.allowance(caller, address(vault)), budget - paid, "mint: pulled != paid");
            _recordEntry(receiver, paid, shares);
        } catch (bytes memory reason) {
            vm.stopPrank();
            _assertRevertedWith("mint", reason, expected);
        }
        _clearAssetAllowance(caller);
    }

    /// @dev A refused entry leaves its approval behind; a successful one must have pulled exactly the amount.
    function _clearAssetAllowance(address caller) internal {
        if (asset.allowance(caller, address(vault)) == 0) return;
        vm.prank(caller);
        asset.approve(address(vault), 0);
    }

    /* DEPOSITORS: EXITS */

    function withdrawNoRevert(uint256 callerSeed, uint256 ownerSeed, uint256 receiverSeed, uint256 rawAssets)
        external
        instrumented("withdraw")
    {
        _withdraw("withdraw", callerSeed, ownerSeed, receiverSeed, rawAssets, type(uint256).max);
    }

    function withdrawWithMaxLossNoRevert(
        uint256 callerSeed,
        uint256 ownerSeed,
        uint256 receiverSeed,
        uint256 rawAssets,
        uint256 maxLossBps
    ) external instrumented("withdrawMaxLoss") {
        _withdraw("withdrawMaxLoss", callerSeed, ownerSeed, receiverSeed, rawAssets, _bound(maxLossBps, 0, BPS));
    }

    function redeemNoRevert(uint256 callerSeed, uint256 ownerSeed, uint256 receiverSeed, uint256 rawShares)
        external
        instrumented("redeem")
    {
        _redeem("redeem", callerSeed, ownerSeed, receiverSeed, rawShares, type(uint256).max);
    }

    function redeemWithMaxLossNoRevert(
        uint256 callerSeed,
        uint256 ownerSeed,
        uint256 receiverSeed,
        uint256 rawShares,
        uint256 maxLossBps
    ) external instrumented("redeemMaxLoss") {
        _redeem("redeemMaxLoss", callerSeed, ownerSeed, receiverSeed, rawShares, _bound(maxLossBps, 0, BPS));
    }

    /* KEEPER */

    function allocateNoRevert(uint256 keeperSeed, uint256 moduleSeed, uint256 rawAssets)
        external
        instrumented("allocate")
    {
        uint256 idleAssets = vault.idle();
        if (idleAssets == 0) return;
        ControlledModule m = _module(moduleSeed);
        uint256 assets = _bound(rawAssets, 1, idleAssets);
        bytes memory expected = _riskIncreasingError();
        uint256 preNav = vault.totalAssets();

        vm.prank(_keeper(keeperSeed));
        try vault.allocate(address(m), assets) {
            if (expected.length != 0) revert UnexpectedSuccess("allocate", expected);
            _recordKeeperCall(preNav, vault.totalAssets());
        } catch (bytes memory reason) {
            _assertRevertedWith("allocate", reason, expected);
        }
    }

    function deallocateNoRevert(uint256 keeperSeed, uint256 moduleSeed, uint256 rawAssets)
        external
        instrumented("deallocate")
    {
        ControlledModule m = _module(moduleSeed);
        uint256 equity = m.totalAssets();
        if (equity == 0) return;
        uint256 assets = _bound(rawAssets, 1, equity);
        uint256 preNav = vault.totalAssets();
        uint256 loss = _unwindLoss(m, assets.mulDiv(WAD, equity, Math.Rounding.Ceil));
        bytes memory expected = _keeperLossError(preNav, loss);

        vm.prank(_keeper(keeperSeed));
        try vault.deallocate(address(m), assets) {
            if (expected.length != 0) revert UnexpectedSuccess("deallocate", expected);
            _recordKeeperCall(preNav, vault.totalAssets());
        } catch (bytes memory reason) {
            _assertRevertedWith("deallocate", reason, expected);
        }
    }

    /// @dev A fresh job planned for the module's current leverage; half of them lose NAV (up to 0.8% of the
    /// module's equity, around the default 0.5% per-call limit), which the vault must refuse past its limits.
    function rebalanceNoRevert(
        uint256 keeperSeed,
        uint256 moduleSeed,
        bool leverUp,
        uint256 lossBps,
        uint256 nextLeverage,
        uint256 deadlineOffset
    ) external instrumented("rebalance") {
        ControlledModule m = _module(moduleSeed);
        m.setRebalanceLossBps(lossBps % 2 == 0 ? 0 : _bound(lossBps / 2, 1, 80));
        m.setNextLeverage(_bound(nextLeverage, WAD, 4 * WAD));
        uint256 leverage = m.leverage();
        RebalanceParams memory params = RebalanceParams({
            jobId: _nextJobId(m),
            deadline: block.timestamp + _bound(deadlineOffset, 0, 1 hours),
            leverUp: leverUp,
            amount: 1e18,
            minPreLeverage: leverage,
            maxPreLeverage: leverage
        });
        _rebalance(_keeper(keeperSeed), m, params);
        m.setRebalanceLossBps(0);
    }

    function _rebalance(address keeper, ControlledModule m, RebalanceParams memory params) internal {
        uint256 preNav = vault.totalAssets();
        bytes memory expected = params.leverUp ? _riskIncreasingError() : bytes("");
        if (expected.length == 0) {
            expected = _keeperLossError(preNav, m.totalAssets().mulDiv(m.rebalanceLossBps(), BPS));
        }

        uint256 nonce = vault.moduleConfig(address(m)).jobNonce;
        vm.prank(keeper);
        try vault.rebalance(address(m), params) returns (uint256 pre, uint256 post) {
            if (expected.length != 0) revert UnexpectedSuccess("rebalance", expected);
            assertEq(pre, params.minPreLeverage, "rebalance: preLeverage");
            assertEq(post, m.nextLeverage(), "rebalance: postLeverage");
            assertTrue(vault.jobSpent(address(m), params.jobId), "rebalance: job not marked");
            assertEq(vault.moduleConfig(address(m)).jobNonce, nonce + 1, "rebalance: nonce not advanced by one");
            _executedJobs.push(params.jobId);
            _executedJobModules.push(m);
            ++ghost_jobsExecuted;
            _recordKeeperCall(preNav, vault.totalAssets());
        } catch (bytes memory reason) {
            _assertRevertedWith("rebalance", reason, expected);
            assertEq(vault.moduleConfig(address(m)).jobNonce, nonce, "rebalance: refused job consumed a nonce");
        }
    }

    /// @dev A replayed job, an expired one, or one planned for another pre-state: the vault must refuse each.
    function refuseBadJobNoRevert(uint256 kind, uint256 keeperSeed, uint256 moduleSeed, uint256 index)
        external
        instrumented("badJob")
    {
        ControlledModule m = _module(moduleSeed);
        kind %= 3;
        if (kind == 0 && _executedJobs.length != 0) m = _executedJobModules[index % _executedJobs.length];
        RebalanceParams memory params = RebalanceParams({
            jobId: _nextJobId(m),
            deadline: block.timestamp + 1 hours,
            leverUp: false,
            amount: 1e18,
            minPreLeverage: 0,
            maxPreLeverage: type(uint256).max
        });
        bytes memory expected;
        uint256 nonce = vault.moduleConfig(address(m)).jobNonce;
        if (kind == 0 && _executedJobs.length != 0) {
            params.jobId = _executedJobs[index % _executedJobs.length];
            expected = abi.encodeWithSelector(ErrorsLib.JobNonceMismatch.selector, params.jobId, nonce);
        } else if (kind == 1) {
            params.deadline = block.timestamp - _bound(index, 1, Math.min(block.timestamp, 1 days));
            expected = abi.encodeWithSelector(ErrorsLib.DeadlineExpired.selector, params.deadline, block.timestamp);
        } else {
            uint256 leverage = m.leverage();
            params.minPreLeverage = leverage + 1;
            expected = abi.encodeWithSelector(
                ErrorsLib.PreStateMismatch.selector, leverage, params.minPreLeverage, params.maxPreLeverage
            );
        }

        vm.prank(_keeper(keeperSeed));
        try vault.rebalance(address(m), params) {
            revert UnexpectedSuccess("badJob", expected);
        } catch (bytes memory reason) {
            _assertRevertedWith("badJob", reason, expected);
        }
        assertEq(vault.moduleConfig(address(m)).jobNonce, nonce, "badJob: nonce changed");
    }

    /// @dev After shutdown, the owner (unbounded) or a keeper (loss-bounded) unwinds a fraction of a module.
    function unwindForShutdownNoRevert(uint256 callerSeed, uint256 moduleSeed, uint256 fraction)
        external
        instrumented("unwindForShutdown")
    {
        ControlledModule m = _module(moduleSeed);
        fraction = _bound(fraction, 1, WAD);
        bool byOwner = callerSeed % 2 == 0;
        uint256 preNav = vault.totalAssets();
        bytes memory expected;
        if (!vault.isShutdown()) expected = abi.encodeWithSelector(ErrorsLib.VaultNotShutdown.selector);
        else if (!byOwner) expected = _keeperLossError(preNav, _unwindLoss(m, fraction));

        vm.prank(byOwner ? OWNER : _keeper(callerSeed / 2));
        try vault.unwindForShutdown(address(m), fraction) {
            if (expected.length != 0) revert UnexpectedSuccess("unwindForShutdown", expected);
            if (!byOwner) _recordKeeperCall(preNav, vault.totalAssets());
        } catch (bytes memory reason) {
            _assertRevertedWith("unwindForShutdown", reason, expected);
        }
    }

    /* GUARDIAN */

    function pauseNoRevert() external instrumented("pause") {
        bytes memory expected = vault.paused() ? abi.encodeWithSelector(ErrorsLib.AlreadySet.selector) : bytes("");
        vm.prank(GUARDIAN);
        try vault.pause() {
            if (expected.length != 0) revert UnexpectedSuccess("pause", expected);
            assertTrue(vault.paused(), "pause: not paused");
            assertEq(vault.maxDeposit(_actors[0]), 0, "pause: maxDeposit open");
        } catch (bytes memory reason) {
            _assertRevertedWith("pause", reason, expected);
        }
    }

    /// @dev A guardian delever runs while paused, but a compromised guardian key must not bleed NAV: the vault
    /// holds it to the keeper's loss bounds (per call and rolling budget). Losses up to 0.8% of the module.
    function emergencyDeleverNoRevert(uint256 moduleSeed, uint256 lossBps) external instrumented("emergencyDelever") {
        ControlledModule m = _module(moduleSeed);
        m.setDeleverAllowed(true);
        m.setRebalanceLossBps(lossBps % 2 == 0 ? 0 : _bound(lossBps / 2, 1, 80));
        m.setNextLeverage(WAD);
        uint256 preNav = vault.totalAssets();
        bytes memory expected = _keeperLossError(preNav, m.totalAssets().mulDiv(m.rebalanceLossBps(), BPS));

        vm.prank(GUARDIAN);
        try vault.emergencyDelever(address(m)) returns (uint256, uint256 post) {
            if (expected.length != 0) revert UnexpectedSuccess("emergencyDelever", expected);
            assertEq(post, WAD, "emergencyDelever: postLeverage");
            ghost_deleverLosses += preNav - vault.totalAssets();
            _recordKeeperCall(preNav, vault.totalAssets());
        } catch (bytes memory reason) {
            _assertRevertedWith("emergencyDelever", reason, expected);
        }
        m.setDeleverAllowed(false);
        m.setRebalanceLossBps(0);
    }

    /// @dev The guardian tightens vault limits, which applies at once.
    function tightenLimitsNoRevert(uint256 maxLossBps, uint256 budgetBps, uint256 window, uint256 cap)
        external
        instrumented("tightenLimits")
    {
        VaultLimits memory current = vault.limits();
        uint256 capFloor = Math.min(vault.totalAssets(), current.depositCap);
        VaultLimits memory next = VaultLimits({
            maxLossBps: uint16(_bound(maxLossBps, Math.min(current.maxLossBps, 10), current.maxLossBps)),
            lossBudgetBps: uint16(_bound(budgetBps, Math.min(current.lossBudgetBps, 50), current.lossBudgetBps)),
            lossWindow: uint32(_bound(window, current.lossWindow, Math.max(current.lossWindow, 3 days))),
            depositCap: cap % 4 == 0 ? uint128(_bound(cap, capFloor, current.depositCap)) : current.depositCap
        });

        vm.prank(GUARDIAN);
        try vault.submitLimits(next) {
            VaultLimits memory applied = vault.limits();
            assertEq(applied.maxLossBps, next.maxLossBps, "tighten: maxLossBps");
            assertEq(applied.lossBudgetBps, next.lossBudgetBps, "tighten: lossBudgetBps");
            assertEq(applied.lossWindow, next.lossWindow, "tighten: lossWindow");
            assertEq(applied.depositCap, next.depositCap, "tighten: depositCap");
            ghost_lastTightenSeq = ghost_seq;
        } catch (bytes memory reason) {
            revert UnexpectedRevert("tightenLimits", reason);
        }
    }

    /// @dev A guardian key trying to loosen any limit is refused and changes nothing.
    function guardianLoosenNoRevert(uint256 which) external instrumented("guardianLoosen") {
        VaultLimits memory current = vault.limits();
        VaultLimits memory next = current;
        which %= 4;
        if (which == 0 && current.maxLossBps < ConstantsLib.MAX_LOSS_BPS) {
            next.maxLossBps += 1;
        } else if (which == 1 && current.lossBudgetBps < ConstantsLib.MAX_LOSS_BUDGET_BPS) {
            next.lossBudgetBps += 1;
        } else if (which == 2 && current.lossWindow > ConstantsLib.MIN_LOSS_WINDOW) {
            next.lossWindow -= 1;
        } else if (current.depositCap < type(uint128).max) {
            next.depositCap += 1;
        } else {
            next.lossBudgetBps = current.lossBudgetBps < ConstantsLib.MAX_LOSS_BUDGET_BPS
                ? current.lossBudgetBps + 1
                : current.lossBudgetBps;
        }
        if (keccak256(abi.encode(next)) == keccak256(abi.encode(current))) return;
        bytes memory expected = abi.encodeWithSelector(ErrorsLib.NotTightening.selector);

        vm.prank(GUARDIAN);
        try vault.submitLimits(next) {
            revert UnexpectedSuccess("guardianLoosen", expected);
        } catch (bytes memory reason) {
            _assertRevertedWith("guardianLoosen", reason, expected);
        }
        assertEq(keccak256(abi.encode(vault.limits())), keccak256(abi.encode(current)), "guardianLoosen: changed");
    }

    /* OWNER */

    /// @dev Only the owner lifts a pause: the guardian's attempt is refused first.
    function unpauseNoRevert() external instrumented("unpause") {
        bytes memory notOwner = abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, GUARDIAN);
        vm.prank(GUARDIAN);
        try vault.unpause() {
            revert UnexpectedSuccess("guardianUnpause", notOwner);
        } catch (bytes memory reason) {
            _assertRevertedWith("guardianUnpause", reason, notOwner);
        }

        bytes memory expected = vault.paused() ? bytes("") : abi.encodeWithSelector(ErrorsLib.AlreadySet.selector);
        vm.prank(OWNER);
        try vault.unpause() {
            if (expected.length != 0) revert UnexpectedSuccess("unpause", expected);
        } catch (bytes memory reason) {
            _assertRevertedWith("unpause", reason, expected);
        }
    }

    /// @dev Fees inside the caps apply; one call in eight asks for more than a cap and must be refused.
    function setFeesNoRevert(uint256 managementFee, uint256 performanceFee, uint256 seed)
        external
        instrumented("setFees")
    {
        managementFee = _bound(managementFee, 0, ConstantsLib.MAX_MANAGEMENT_FEE);
        performanceFee = _bound(performanceFee, 0, ConstantsLib.MAX_PERFORMANCE_FEE);
        bytes memory expected;
        if (seed % 8 == 0) {
            managementFee = ConstantsLib.MAX_MANAGEMENT_FEE + 1 + seed % 1e18;
            expected =
                abi.encodeWithSelector(ErrorsLib.FeeTooHigh.selector, managementFee, ConstantsLib.MAX_MANAGEMENT_FEE);
        } else if (seed % 8 == 1) {
            performanceFee = ConstantsLib.MAX_PERFORMANCE_FEE + 1 + seed % 1e18;
            expected =
                abi.encodeWithSelector(ErrorsLib.FeeTooHigh.selector, performanceFee, ConstantsLib.MAX_PERFORMANCE_FEE);
        }

        vm.prank(OWNER);
        try vault.setFees(managementFee, performanceFee) {
            if (expected.length != 0) revert UnexpectedSuccess("setFees", expected);
            assertEq(vault.managementFee(), managementFee, "setFees: management");
            assertEq(vault.performanceFee(), performanceFee, "setFees: performance");
        } catch (bytes memory reason) {
            _assertRevertedWith("setFees", reason, expected);
        }
    }

    /// @dev Rare (one call in sixteen goes through): shutdown is one-way and ends most of the run's variety.
    function shutdownNoRevert(uint256 seed) external instrumented("shutdown") {
        if (seed % 16 != 0) return;
        bytes memory expected = vault.isShutdown() ? abi.encodeWithSelector(ErrorsLib.AlreadySet.selector) : bytes("");
        vm.prank(OWNER);
        try vault.shutdown() {
            if (expected.length != 0) revert UnexpectedSuccess("shutdown", expected);
            assertEq(vault.maxDeposit(_actors[0]), 0, "shutdown: maxDeposit open");
        } catch (bytes memory reason) {
            _assertRevertedWith("shutdown", reason, expected);
        }
    }

    /* MARKET, TIME AND ORACLE */

    /// @dev A module gain, or (one time in four) a donation straight to the vault. Up to 2% of NAV.
    function gainNoRevert(uint256 moduleSeed, uint256 assets, uint256 kind) external instrumented("gain") {
        assets = _bound(assets, 0, vault.totalAssets() / 50 + 1e6);
        if (kind % 4 == 0) asset.mint(address(vault), assets);
        else _module(moduleSeed).gain(assets);
        ghost_externalGains += assets;
    }

    /// @dev A market loss of up to 10% of one module's equity.
    function loseNoRevert(uint256 moduleSeed, uint256 assets) external instrumented("lose") {
        ControlledModule m = _module(moduleSeed);
        assets = _bound(assets, 0, m.totalAssets() / 10);
        m.lose(assets);
        ghost_externalLosses += assets;
    }

    function warpNoRevert(uint256 seconds_) external instrumented("warp") {
        vm.warp(block.timestamp + _bound(seconds_, 1, 2 days));
    }

    /// @dev Declared unwind cost up to 3%; the real cost is at most the declared one, except one time in
    /// five when it exceeds it (then standard exits that need an unwind must be refused).
    function setUnwindCostNoRevert(uint256 moduleSeed, uint256 declaredBps, uint256 actualBps)
        external
        instrumented("setUnwindCost")
    {
        declaredBps = _bound(declaredBps, 0, 300);
        actualBps =
            actualBps % 5 == 0 ? _bound(actualBps, declaredBps, declaredBps + 300) : _bound(actualBps, 0, declaredBps);
        _module(moduleSeed).setUnwindCost(actualBps, declaredBps);
    }

    function setHealthyNoRevert(uint256 moduleSeed, bool healthy) external instrumented("setHealthy") {
        _module(moduleSeed).setHealthy(healthy);
    }

    function accrueFeesNoRevert() external instrumented("accrueFees") {
        vault.accrueFees();
    }

    /* INTERNAL: EXITS */

    function _redeem(
        string memory action,
        uint256 callerSeed,
        uint256 ownerSeed,
        uint256 receiverSeed,
        uint256 rawShares,
        uint256 maxLossBps
    ) internal {
        address owner_ = _actor(ownerSeed);
        uint256 balance = vault.balanceOf(owner_);
        if (balance == 0) return;
        uint256 shares = rawShares % 3 == 0 ? balance : _bound(rawShares, 1, balance);
        ExitCall memory exit = _prepareExit(callerSeed, owner_, receiverSeed, maxLossBps);
        _approveSpender(exit, shares);
        exit.preview = vault.previewRedeem(shares);
        uint256 grossAssets = vault.convertToAssets(shares);
        bytes memory data = exit.standard
            ? abi.encodeWithSignature("redeem(uint256,address,address)", shares, exit.receiver, owner_)
            : abi.encodeWithSignature(
                "redeem(uint256,address,address,uint256)", shares, exit.receiver, owner_, maxLossBps
            );

        vm.prank(exit.caller);
        (bool ok, bytes memory returned) = address(vault).call(data);
        if (ok) {
            uint256 assets = abi.decode(returned, (uint256));
            assertEq(asset.balanceOf(exit.receiver) - exit.receiverBalance, assets, "redeem: receiver not paid");
            if (!exit.costAbove) _checkAtLeast("redeem: assets vs previewRedeem", assets, exit.preview, _assetDust());
            if (exit.caller != owner_) assertEq(vault.allowance(owner_, exit.caller), 0, "redeem: allowance left");
            _recordExit(owner_, assets, shares, exit.priceBefore);
        } else {
            _checkExitRefusal(action, returned, exit, grossAssets, false, maxLossBps);
            _approveSpender(exit, 0);
        }
    }

    function _withdraw(
        string memory action,
        uint256 callerSeed,
        uint256 ownerSeed,
        uint256 receiverSeed,
        uint256 rawAssets,
        uint256 maxLossBps
    ) internal {
        address owner_ = _actor(ownerSeed);
        uint256 maxAssets = vault.maxWithdraw(owner_);
        if (maxAssets == 0) return;
        uint256 assets = rawAssets % 3 == 0 ? maxAssets : _bound(rawAssets, 1, maxAssets);
        ExitCall memory exit = _prepareExit(callerSeed, owner_, receiverSeed, maxLossBps);
        _approveSpender(exit, exit.ownerBalance);
        exit.preview = vault.previewWithdraw(assets);
        bytes memory data = exit.standard
            ? abi.encodeWithSignature("withdraw(uint256,address,address)", assets, exit.receiver, owner_)
            : abi.encodeWithSignature(
                "withdraw(uint256,address,address,uint256)", assets, exit.receiver, owner_, maxLossBps
            );

        vm.prank(exit.caller);
        (bool ok, bytes memory returned) = address(vault).call(data);
        if (ok) {
            uint256 shares = abi.decode(returned, (uint256));
            assertEq(asset.balanceOf(exit.receiver) - exit.receiverBalance, assets, "withdraw: receiver not paid");
            assertEq(exit.ownerBalance - vault.balanceOf(owner_), shares, "withdraw: burned != returned");
            if (!exit.costAbove) {
                // Up to three unwind rounds, each a wei of cost per module over the declared bound.
                _checkAtLeast("withdraw: previewWithdraw vs shares burned", exit.preview, shares, 3 * _shareDust());
            }
            if (exit.caller != owner_) {
                assertEq(vault.allowance(owner_, exit.caller), exit.ownerBalance - shares, "withdraw: allowance");
            }
            _recordExit(owner_, assets, shares, exit.priceBefore);
        } else {
            _checkExitRefusal(action, returned, exit, assets, true, maxLossBps);
        }
        _approveSpender(exit, 0);
    }
}
