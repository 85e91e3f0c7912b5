// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

import {Vm} from "forge-std/Vm.sol";
import {BaseTest} from "../BaseTest.sol";
import {ControlledModule} from "../mocks/ControlledModule.sol";
import {ErrorsLib} from "@ballast/libraries/ErrorsLib.sol";
import {EventsLib} from "@ballast/libraries/EventsLib.sol";
import {VaultLimits} from "@ballast/interfaces/IBallastVault.sol";
import {RebalanceParams} from "@ballast/interfaces/IStrategyModule.sol";
import {WAD} from "@ballast/libraries/ConstantsLib.sol";

contract KeeperTest is BaseTest {
    function setUp() public override {
        super.setUp();
        _deposit(SUPPLIER, 1000e18);
    }

    /* ALLOCATE / DEALLOCATE */

    function test_allocate_movesIdleIntoModule() public {
        _allocate(400e18);
        assertEq(module.totalAssets(), 400e18);
        assertEq(vault.idle(), 600e18 + SEED);
        assertEq(vault.totalAssets(), 1000e18 + SEED, "NAV unchanged");
    }

    function test_allocate_pastCap_reverts() public {
        vm.prank(STRATEGIST);
        vault.submitCap(address(module), 100e18);
        vm.prank(KEEPER);
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.ModuleCapExceeded.selector, address(module), 101e18, 100e18));
        vault.allocate(address(module), 101e18);
    }

    function test_allocate_moreThanIdle_reverts() public {
        vm.prank(KEEPER);
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.InsufficientIdle.selector, 2000e18, 1000e18 + SEED));
        vault.allocate(address(module), 2000e18);
    }

    function test_allocate_whilePaused_reverts() public {
        vm.prank(GUARDIAN);
        vault.pause();
        vm.prank(KEEPER);
        vm.expectRevert(ErrorsLib.VaultPaused.selector);
        vault.allocate(address(module), 1e18);
    }

    function test_deallocate_whilePaused_returnsAssetsToIdle() public {
        _allocate(400e18);
        vm.prank(GUARDIAN);
        vault.pause();
        vm.prank(KEEPER);
        uint256 out = vault.deallocate(address(module), 100e18);
        assertEq(out, 100e18);
        assertEq(module.totalAssets(), 300e18);
    }

    function test_deallocate_moreThanEquity_reverts() public {
        _allocate(10e18);
        vm.prank(KEEPER);
        vm.expectRevert(
            abi.encodeWithSelector(ErrorsLib.InsufficientModuleEquity.selector, address(module), 11e18, 10e18)
        );
        vault.deallocate(address(module), 11e18);
    }

    /* REBALANCE JOB CHECKS */

    function test_rebalance_emitsRebalancedWithJobAndNav() public {
        _allocate(500e18);
        module.setLeverage(1.5e18);
        module.setNextLeverage(2e18);
        bytes32 jobId = _jobId(keccak256("job-1"));
        assertFalse(vault.jobSpent(address(module), jobId));
        RebalanceParams memory params1 = _params(keccak256("job-1"), true);
        vm.expectEmit(address(vault));
        emit EventsLib.Rebalanced(jobId, address(module), 1000e18 + SEED, 1000e18 + SEED, 1.5e18, 2e18, KEEPER);
        vm.prank(KEEPER);
        (uint256 pre, uint256 post) = vault.rebalance(address(module), params1);
        assertEq(pre, 1.5e18);
        assertEq(post, 2e18);
        assertTrue(vault.jobSpent(address(module), jobId));
        assertEq(vault.moduleConfig(address(module)).jobNonce, 1, "nonce advanced");
    }

    /// @dev The NAV around a trade counts every other module's equity; whether there are others comes from the
    /// vault's module count (kept beside the fee fields), which adding and removing a module keep equal to the list.
    function test_rebalance_navCountsOtherModules_afterAddAndRemove() public {
        _allocate(500e18);
        ControlledModule other = new ControlledModule(address(vault), address(asset));
        vm.prank(STRATEGIST);
        vault.submitModule(address(other));
        vm.warp(block.timestamp + vault.timelock());
        vault.acceptModule(address(other));
        vm.prank(STRATEGIST);
        vault.submitCap(address(other), 200e18);
        vm.warp(block.timestamp + vault.timelock());
        vault.acceptCap(address(other));
        vm.prank(KEEPER);
        vault.allocate(address(other), 200e18);
        assertEq(_rebalancePreNav(keccak256("two-modules")), vault.totalAssets(), "NAV with the other module");

        vm.prank(KEEPER);
        vault.deallocate(address(other), 200e18);
        vm.prank(STRATEGIST);
        vault.removeModule(address(other));
        other.gain(50e18); // equity of a removed module is no longer the vault's
        assertEq(vault.modules().length, 1, "one module left");
        assertEq(_rebalancePreNav(keccak256("one-module")), vault.totalAssets(), "NAV without the removed module");
    }

    function _rebalancePreNav(bytes32 jobId) internal returns (uint256 preNav) {
        uint256 expected = vault.totalAssets();
        RebalanceParams memory params2 = _params(jobId, true);
        vm.recordLogs();
        vm.prank(KEEPER);
        vault.rebalance(address(module), params2);
        Vm.Log[] memory logs = vm.getRecordedLogs();
        for (uint256 i; i < logs.length; ++i) {
            if (logs[i].emitter == address(vault) && logs[i].topics[0] == EventsLib.Rebalanced.selector) {
                (preNav,,,) = abi.decode(logs[i].data, (uint256, uint256, uint256, uint256));
            }
        }
        assertEq(preNav, expected, "preNav is the whole NAV");
    }

    function test_rebalance_usedJobId_reverts() public {
        _allocate(500e18);
        RebalanceParams memory p = _params(keccak256("job-1"), true);
        vm.prank(KEEPER);
        vault.rebalance(address(module), p);
        // The same job delivered twice, even by another keeper key, executes once.
        vm.prank(KEEPER_2);
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.JobNonceMismatch.selector, p.jobId, 1));
        vault.rebalance(address(module), p);
    }

    /// @dev Two plans of the same state carry the same nonce: whichever lands first runs, the other is refused.
    function test_rebalance_secondPlanOfSameState_reverts() public {
        _allocate(500e18);
        RebalanceParams memory first = _params(keccak256("plan-a"), true);
        RebalanceParams memory second = _params(keccak256("plan-b"), true);
        assertTrue(first.jobId != second.jobId, "different jobs");
        vm.prank(KEEPER);
        vault.rebalance(address(module), second);
        vm.prank(KEEPER);
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.JobNonceMismatch.selector, first.jobId, 1));
        vault.rebalance(address(module), first);
        assertTrue(vault.jobSpent(address(module), first.jobId), "spent without running");
    }

    /// @dev Removing a module keeps its job nonce: once added back, it refuses the jobs planned before.
    function test_removeModule_keepsJobNonce() public {
        ControlledModule other = new ControlledModule(address(vault), address(asset));
        _addOther(other);
        bytes32 tag = keccak256("before-removal");
        RebalanceParams memory p = _params(tag, true);
        p.jobId = bytes32((uint256(tag) >> 56 << 56) | vault.moduleConfig(address(other)).jobNonce);
        p.deadline = type(uint256).max;
        vm.prank(KEEPER);
        vault.rebalance(address(other), p);
        assertEq(vault.moduleConfig(address(other)).jobNonce, 1);

        vm.prank(STRATEGIST);
        vault.removeModule(address(other));
        assertEq(vault.moduleConfig(address(other)).jobNonce, 1, "kept while removed");
        assertFalse(vault.moduleConfig(address(other)).enabled);
        _addOther(other);
        assertEq(vault.moduleConfig(address(other)).jobNonce, 1, "kept when added back");
        vm.prank(KEEPER);
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.JobNonceMismatch.selector, p.jobId, 1));
        vault.rebalance(address(other), p);
    }

    function _addOther(ControlledModule other) internal {
        vm.prank(STRATEGIST);
        vault.submitModule(address(other));
        vm.warp(block.timestamp + vault.timelock());
        vault.acceptModule(address(other));
    }

    /// @dev A job planned for a later nonce cannot jump the queue.
    function test_rebalance_nonceAhead_reverts() public {
        _allocate(500e18);
        RebalanceParams memory p = _params(keccak256("job"), true);
        p.jobId = bytes32(uint256(p.jobId) + 1);
        vm.prank(KEEPER);
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.JobNonceMismatch.selector, p.jobId, 0));
        vault.rebalance(address(module), p);
        assertFalse(vault.jobSpent(address(module), p.jobId));
    }

    /// @dev A refused job (here: past its deadline) leaves the nonce where it was.
    function test_rebalance_refusedJob_keepsNonce() public {
        _allocate(500e18);
        RebalanceParams memory p = _params(keccak256("job"), true);
        vm.warp(p.deadline + 1);
        vm.prank(KEEPER);
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.DeadlineExpired.selector, p.deadline, block.timestamp));
        vault.rebalance(address(module), p);
        assertEq(vault.moduleConfig(address(module)).jobNonce, 0);
    }

    function test_rebalance_pastDeadline_reverts() public {
        RebalanceParams memory params = _params(keccak256("stale"), false);
        vm.warp(params.deadline + 1);
        vm.prank(KEEPER);
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.DeadlineExpired.selector, params.deadline, block.timestamp));
        vault.rebalance(address(module), params);
    }

    function test_rebalance_preStateMismatch_reverts() public {
        _allocate(500e18);
        module.setLeverage(2.4e18);
        RebalanceParams memory params = _params(keccak256("planned-at-2.0x"), false);
        params.minPreLeverage = 1.9e18;
        params.maxPreLeverage = 2.1e18;
        vm.prank(KEEPER);
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.PreStateMismatch.selector, 2.4e18, 1.9e18, 2.1e18));
        vault.rebalance(address(module), params);
    }

    function test_rebalance_leverUpWhilePaused_reverts_deleverWorks() public {
        _allocate(500e18);
        vm.prank(GUARDIAN);
        vault.pause();
        RebalanceParams memory up = _params(keccak256("up"), true);
        vm.prank(KEEPER);
        vm.expectRevert(ErrorsLib.VaultPaused.selector);
        vault.rebalance(address(module), up);
        assertFalse(vault.jobSpent(address(module), up.jobId), "a reverted job stays unused");
        RebalanceParams memory down = _params(keccak256("down"), false);
        vm.prank(KEEPER);
        vault.rebalance(address(module), down);
        assertTrue(vault.jobSpent(address(module), down.jobId));
    }

    /* LOSS BOUNDS */

    function test_rebalance_lossAboveMaxLossBps_reverts() public {
        _allocate(1000e18);
        module.setRebalanceLossBps(60); // 0.6% of module equity > 0.5% of NAV
        uint256 nav = vault.totalAssets();
        uint256 loss = 6e18;
        RebalanceParams memory params3 = _params(keccak256("lossy"), false);
        vm.prank(KEEPER);
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.LossExceeded.selector, loss, nav * 50 / 10_000));
        vault.rebalance(address(module), params3);
    }

    function test_rebalance_lossBudget_boundsRepeatedLosses() public {
        _allocate(1000e18);
        module.setRebalanceLossBps(45); // under the 0.5% per-call bound; budget is 2% per day
        uint256 executed;
        for (uint256 i; i < 10; ++i) {
            RebalanceParams memory params4 = _params(bytes32(i + 1), false);
            vm.prank(KEEPER);
            try vault.rebalance(address(module), params4) {
                executed++;
            } catch (bytes memory reason) {
                assertEq(bytes4(reason), ErrorsLib.LossBudgetExceeded.selector, "only the budget stops it");
                break;
            }
        }
        assertEq(executed, 4, "4 x 0.45% fits a 2% budget, the 5th does not");
        assertLe(vault.lossBudgetUsed(), 0.02e18);
        // Half a window later, half of the budget has refilled: two more fit, a third does not.
        vm.warp(block.timestamp + 12 hours);
        for (uint256 i; i < 2; ++i) {
            RebalanceParams memory params5 = _params(bytes32(100 + i), false);
            vm.prank(KEEPER);
            vault.rebalance(address(module), params5);
        }
        RebalanceParams memory params6 = _params(bytes32(uint256(200)), false);
        vm.prank(KEEPER);
        vm.expectPartialRevert(ErrorsLib.LossBudgetExceeded.selector);
        vault.rebalance(address(module), params6);
    }

    function test_fuzz_keeperLoss_neverExceedsBudgetPerWindow(uint256 lossBps, uint256 calls) public {
        lossBps = bound(lossBps, 1, 50);
        calls = bound(calls, 1, 40);
        _allocate(1000e18);
        module.setRebalanceLossBps(lossBps);
        uint256 navStart = vault.totalAssets();
        for (uint256 i; i < calls; ++i) {
            RebalanceParams memory params7 = _params(bytes32(i + 1), false);
            vm.prank(KEEPER);
            try vault.rebalance(address(module), params7) {} catch {}
            vm.warp(block.timestamp + 10 minutes);
        }
        uint256 elapsed = calls * 10 minutes;
        // Leaky bucket: at most one budget plus what refilled during the run (2% per day).
        uint256 maxLoss = navStart * (200 + 200 * elapsed / 1 days + 1) / 10_000;
        assertLe(navStart - vault.totalAssets(), maxLoss);
    }

    /* PERMISSIONLESS DELEVER */

    function test_ripcord_forwardsToModule_andModuleDecides() public {
        _allocate(500e18);
        vm.prank(STRANGER);
        vm.expectRevert();
        vault.ripcord(address(module));
        module.setDeleverAllowed(true);
        module.setLeverage(3e18);
        module.setNextLeverage(2.5e18);
        vm.prank(STRANGER);
        (uint256 pre, uint256 post) = vault.ripcord(address(module));
        assertEq(pre, 3e18);
        assertEq(post, 2.5e18);
    }

    function test_ripcord_unknownModule_reverts() public {
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.ModuleNotEnabled.selector, STRANGER));
        vault.ripcord(STRANGER);
    }

    /* SHUTDOWN */

    function test_shutdown_closesDepositsAndLeverUp_keepsExits() public {
        _allocate(500e18);
        vm.prank(OWNER);
        vault.shutdown();
        assertEq(vault.maxDeposit(SUPPLIER), 0);
        asset.mint(ONBEHALF, 1e18);
        vm.startPrank(ONBEHALF);
        asset.approve(address(vault), 1e18);
        vm.expectRevert(ErrorsLib.VaultIsShutdown.selector);
        vault.deposit(1e18, ONBEHALF);
        vm.stopPrank();
        RebalanceParams memory params8 = _params(keccak256("up"), true);
        vm.prank(KEEPER);
        vm.expectRevert(ErrorsLib.VaultIsShutdown.selector);
        vault.rebalance(address(module), params8);

        vm.prank(OWNER);
        vault.unwindForShutdown(address(module), WAD);
        assertEq(module.totalAssets(), 0, "unwound to idle");
        uint256 shares = vault.balanceOf(SUPPLIER);
        vm.prank(SUPPLIER);
        assertApproxEqAbs(vault.redeem(shares, SUPPLIER, SUPPLIER), 1000e18, 2);
    }

    function test_unwindForShutdown_beforeShutdown_reverts() public {
        vm.prank(OWNER);
        vm.expectRevert(ErrorsLib.VaultNotShutdown.selector);
        vault.unwindForShutdown(address(module), WAD);
    }

    function test_deposit_whilePaused_reverts() public {
        vm.prank(GUARDIAN);
        vault.pause();
        asset.mint(ONBEHALF, 1e18);
        vm.startPrank(ONBEHALF);
        asset.approve(address(vault), 1e18);
        vm.expectRevert(ErrorsLib.VaultPaused.selector);
        vault.deposit(1e18, ONBEHALF);
        vm.stopPrank();
    }

    function test_deposit_oracleUnhealthy_reverts() public {
        _allocate(100e18);
        module.setHealthy(false);
        asset.mint(ONBEHALF, 1e18);
        vm.startPrank(ONBEHALF);
        asset.approve(address(vault), 1e18);
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.OracleUnhealthy.selector, address(module)));
        vault.deposit(1e18, ONBEHALF);
        vm.stopPrank();
    }

    function test_deposit_pastCap_revertsWithRoom() public {
        VaultLimits memory tight = _defaultLimits();
        tight.depositCap = 1500e18;
        vm.prank(GUARDIAN);
        vault.submitLimits(tight);
        uint256 room = 1500e18 - 1000e18 - SEED;
        assertEq(vault.maxDeposit(ONBEHALF), room);
        asset.mint(ONBEHALF, 600e18);
        vm.startPrank(ONBEHALF);
        asset.approve(address(vault), 600e18);
        vm.expectRevert(
            abi.encodeWithSignature("ERC4626ExceededMaxDeposit(address,uint256,uint256)", ONBEHALF, 600e18, room)
        );
        vault.deposit(600e18, ONBEHALF);
        vm.stopPrank();
    }
}
