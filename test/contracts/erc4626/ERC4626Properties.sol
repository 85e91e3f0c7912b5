// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

import {Vm} from "forge-std/Vm.sol";
import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {IERC4626} from "@openzeppelin/contracts/interfaces/IERC4626.sol";
import {ERC4626} from "@openzeppelin/contracts/token/ERC20/extensions/ERC4626.sol";
import {VaultLimits} from "@ballast/interfaces/IBallastVault.sol";
import {ErrorsLib} from "@ballast/libraries/ErrorsLib.sol";
import {BaseTest} from "../BaseTest.sol";

/// @notice ERC-4626 MUST rules as fuzz properties. A concrete suite puts the vault in some state
/// (`_setUpVaultState`); every property must hold from that state. Exits start from ALICE's position
/// (what the state gave her plus a fuzzed deposit), so in a vault with allocated funds they unwind.
abstract contract ERC4626PropertiesTest is BaseTest {
    address internal ALICE = SUPPLIER;
    address internal BOB = ONBEHALF;
    address internal CAROL = makeAddr("Carol");

    uint256 internal constant MAX_FUZZ_ASSETS = 1e24;

    /// @dev Deposit-closing states for the max* <-> revert properties.
    uint8 internal constant OPEN = 0;
    uint8 internal constant PAUSED = 1;
    uint8 internal constant SHUTDOWN = 2;
    uint8 internal constant CAP_REACHED = 3;
    uint8 internal constant CAP_NEAR = 4;
    uint8 internal constant UNHEALTHY = 5;

    function setUp() public virtual override {
        super.setUp();
        _setUpVaultState();
    }

    function _setUpVaultState() internal virtual;

    /// @dev Largest fuzzed deposit into ALICE's position (small enough that her exits can outgrow idle).
    function _maxAliceDeposit() internal view virtual returns (uint256) {
        return MAX_FUZZ_ASSETS;
    }

    /* HELPERS */

    function _mintShares(address who, uint256 shares) internal returns (uint256 assets) {
        uint256 needed = vault.previewMint(shares);
        asset.mint(who, needed);
        vm.startPrank(who);
        asset.approve(address(vault), needed);
        assets = vault.mint(shares, who);
        vm.stopPrank();
    }

    /// @dev A fuzzed deposit for ALICE; returns her whole share balance.
    function _fundAlice(uint256 assets) internal returns (uint256 balance) {
        _deposit(ALICE, bound(assets, 1e3, _min(_maxAliceDeposit(), vault.maxDeposit(ALICE))));
        return vault.balanceOf(ALICE);
    }

    function _setDepositCap(uint256 cap) internal {
        VaultLimits memory lim = vault.limits();
        lim.depositCap = uint128(cap);
        vm.prank(GUARDIAN); // tightening only: applies at once
        vault.submitLimits(lim);
    }

    function _applyMode(uint8 mode) internal {
        if (mode == PAUSED) {
            vm.prank(GUARDIAN);
            vault.pause();
        } else if (mode == SHUTDOWN) {
            vm.prank(OWNER);
            vault.shutdown();
        } else if (mode == CAP_REACHED) {
            _setDepositCap(vault.totalAssets());
        } else if (mode == CAP_NEAR) {
            _setDepositCap(vault.totalAssets() + 1e18);
        } else if (mode == UNHEALTHY) {
            module.setHealthy(false);
        }
    }

    function _min(uint256 a, uint256 b) internal pure returns (uint256) {
        return a < b ? a : b;
    }

    /* VIEWS: never revert, round down, caller-independent */

    function test_fuzz_assetAndTotalAssets_consistent(address caller) public {
        vm.startPrank(caller);
        assertEq(vault.asset(), address(asset), "asset");
        assertEq(vault.totalAssets(), asset.balanceOf(address(vault)) + module.totalAssets(), "NAV");
        vm.stopPrank();
    }

    function test_fuzz_convertToShares_roundsDown(uint256 assets, address caller) public {
        assets = bound(assets, 0, MAX_TEST_ASSETS);
        uint256 shares = vault.convertToShares(assets);
        assertLe(vault.convertToAssets(shares), assets, "convert round trip gains");
        vm.prank(caller);
        assertEq(vault.convertToShares(assets), shares, "depends on caller");
        assertEq(vault.previewDeposit(assets), shares, "no entry fee: preview == convert");
    }

    function test_fuzz_convertToAssets_roundsDown(uint256 shares) public view {
        shares = bound(shares, 0, MAX_TEST_ASSETS * 1e6);
        uint256 assets = vault.convertToAssets(shares);
        assertLe(vault.convertToShares(assets), shares, "convert round trip gains");
        assertLe(vault.previewRedeem(shares), assets, "previewRedeem above NAV value");
    }

    /// @dev max* never revert, in any state; maxRedeem is the balance (exits never blocked).
    function test_fuzz_maxViews_neverRevert(address who, uint8 mode) public {
        _applyMode(uint8(bound(mode, OPEN, UNHEALTHY)));
        vault.maxDeposit(who);
        vault.maxMint(who);
        assertEq(vault.maxRedeem(who), vault.balanceOf(who), "maxRedeem");
        assertLe(vault.maxWithdraw(who), vault.convertToAssets(vault.balanceOf(who)), "maxWithdraw above value");
        assertEq(vault.maxRedeem(BOB), vault.balanceOf(BOB), "maxRedeem holder");
    }

    /* MAX: zero exactly when the action reverts; exactly max succeeds */

    function test_fuzz_maxDeposit_zeroOrBelowIffDepositReverts(uint8 mode, uint256 assets) public {
        mode = uint8(bound(mode, OPEN, UNHEALTHY));
        _applyMode(mode);
        assets = bound(assets, 1, 1e21);
        uint256 max = vault.maxDeposit(ALICE);
        if (mode == PAUSED || mode == SHUTDOWN || mode == CAP_REACHED) assertEq(max, 0, "closed but max > 0");
        if (mode == UNHEALTHY && module.totalAssets() != 0) assertEq(max, 0, "unpriceable NAV but max > 0");
        asset.mint(ALICE, assets);
        vm.startPrank(ALICE);
        asset.approve(address(vault), assets);
        bool ok;
        try vault.deposit(assets, ALICE) returns (uint256) {
            ok = true;
        } catch {}
        vm.stopPrank();
        assertEq(ok, assets <= max, "deposit succeeds iff assets <= maxDeposit");
    }

    function test_fuzz_maxMint_zeroOrBelowIffMintReverts(uint8 mode, uint256 shares) public {
        mode = uint8(bound(mode, OPEN, UNHEALTHY));
        _applyMode(mode);
        shares = bound(shares, 1, 1e27);
        uint256 max = vault.maxMint(ALICE);
        if (mode == PAUSED || mode == SHUTDOWN || mode == CAP_REACHED) assertEq(max, 0, "closed but max > 0");
        asset.mint(ALICE, vault.convertToAssets(shares) + 1);
        vm.startPrank(ALICE);
        asset.approve(address(vault), type(uint256).max);
        bool ok;
        try vault.mint(shares, ALICE) returns (uint256) {
            ok = true;
        } catch {}
        vm.stopPrank();
        assertEq(ok, shares <= max, "mint succeeds iff shares <= maxMint");
    }

    function test_deposit_exactlyMax_succeeds() public {
        uint256 max = vault.maxDeposit(ALICE);
        assertGt(max, 0, "open vault");
        uint256 shares = _deposit(ALICE, max);
        assertTrue(vault.balanceOf(ALICE) >= shares && shares > 0, "shares minted");
        assertEq(vault.maxDeposit(ALICE), 0, "cap now full");
        asset.mint(ALICE, 1);
        vm.startPrank(ALICE);
        asset.approve(address(vault), 1);
        vm.expectRevert(abi.encodeWithSelector(ERC4626.ERC4626ExceededMaxDeposit.selector, ALICE, 1, 0));
        vault.deposit(1, ALICE);
        vm.stopPrank();
    }

    function test_mint_exactlyMax_succeeds() public {
        uint256 max = vault.maxMint(ALICE);
        assertGt(max, 0, "open vault");
        uint256 before = vault.balanceOf(ALICE);
        _mintShares(ALICE, max);
        assertEq(vault.balanceOf(ALICE) - before, max, "minted max");
        assertEq(vault.maxMint(ALICE), 0, "no room for another share");
    }

    function test_fuzz_withdraw_exactlyMax_succeeds(uint256 depositAssets) public {
        uint256 redeemable = vault.previewRedeem(_fundAlice(depositAssets));
        uint256 max = vault.maxWithdraw(ALICE);
        assertGe(max, redeemable - redeemable / 1000 - 2, "maxWithdraw far below what a redeem pays");
        vm.prank(ALICE);
        vault.withdraw(max, RECEIVER, ALICE);
        assertEq(asset.balanceOf(RECEIVER), max, "exact assets");
    }

    function test_fuzz_redeem_exactlyMax_succeeds(uint256 depositAssets) public {
        uint256 max = _fundAlice(depositAssets);
        assertEq(vault.maxRedeem(ALICE), max, "maxRedeem == balance");
        uint256 preview = vault.previewRedeem(max);
        vm.prank(ALICE);
        uint256 assets = vault.redeem(max, RECEIVER, ALICE);
        assertEq(vault.balanceOf(ALICE), 0, "all burned");
        assertGe(assets, preview, "at least preview");
    }

    function test_exits_openWhenDepositsClosed() public {
        uint256 shares = _fundAlice(1e18);
        _applyMode(PAUSED);
        vm.prank(OWNER);
        vault.shutdown();
        assertEq(vault.maxDeposit(ALICE) + vault.maxMint(ALICE), 0, "deposits closed");
        assertEq(vault.maxRedeem(ALICE), shares, "redeem open");
        assertGt(vault.maxWithdraw(ALICE), 0, "withdraw open");
        vm.prank(ALICE);
        vault.redeem(shares, ALICE, ALICE);
        assertEq(vault.balanceOf(ALICE), 0, "exited");
    }

    /* PREVIEWS vs ACTIONS in the same transaction */

    function test_fuzz_previewDeposit_equalsDepositShares(uint256 assets) public {
        assets = bound(assets, 0, _min(MAX_FUZZ_ASSETS, vault.maxDeposit(CAROL)));
        uint256 preview = vault.previewDeposit(assets);
        uint256 shares = _deposit(CAROL, assets);
        assertEq(shares, preview, "deposit != previewDeposit");
        assertEq(vault.balanceOf(CAROL), shares, "shares credited");
    }

    function test_fuzz_previewMint_equalsMintAssets(uint256 shares) public {
        shares = bound(shares, 0, _min(MAX_FUZZ_ASSETS * 1e6, vault.maxMint(CAROL)));
        uint256 preview = vault.previewMint(shares);
        uint256 assets = _mintShares(CAROL, shares);
        assertEq(assets, preview, "mint != previewMint");
        assertEq(asset.balanceOf(CAROL), 0, "pulled exactly the returned assets");
        assertEq(vault.balanceOf(CAROL), shares, "shares credited");
    }

    function test_fuzz_previewWithdraw_geSharesBurned(uint256 depositAssets, uint256 assets) public {
        uint256 balance = _fundAlice(depositAssets);
        assets = bound(assets, 1, vault.maxWithdraw(ALICE));
        uint256 preview = vault.previewWithdraw(assets);
        vm.prank(ALICE);
        uint256 shares = vault.withdraw(assets, RECEIVER, ALICE);
        assertLe(shares, preview, "burned more than previewWithdraw");
        assertEq(balance - vault.balanceOf(ALICE), shares, "burned == returned");
        assertEq(asset.balanceOf(RECEIVER), assets, "exact assets delivered");
    }

    function test_fuzz_previewRedeem_leAssetsReceived(uint256 depositAssets, uint256 shares) public {
        uint256 balance = _fundAlice(depositAssets);
        shares = bound(shares, 1, balance);
        uint256 preview = vault.previewRedeem(shares);
        vm.prank(ALICE);
        uint256 assets = vault.redeem(shares, RECEIVER, ALICE);
        assertGe(assets, preview, "received less than previewRedeem");
        assertEq(asset.balanceOf(RECEIVER), assets, "delivered == returned");
        assertEq(balance - vault.balanceOf(ALICE), shares, "burned exactly shares");
    }

    /* ROUND TRIPS never pay the caller more than they put in */

    function test_fuzz_depositRedeem_roundTrip_noGain(uint256 assets) public {
        assets = bound(assets, 1, _min(MAX_FUZZ_ASSETS, vault.maxDeposit(CAROL)));
        uint256 shares = _deposit(CAROL, assets);
        assertLe(vault.maxWithdraw(CAROL), assets, "maxWithdraw above deposit");
        vm.prank(CAROL);
        assertLe(vault.redeem(shares, CAROL, CAROL), assets, "redeem above deposit");
    }

    function test_fuzz_depositWithdraw_roundTrip_noGain(uint256 assets) public {
        assets = bound(assets, 1, _min(MAX_FUZZ_ASSETS, vault.maxDeposit(CAROL)));
        uint256 shares = _deposit(CAROL, assets);
        // Withdrawing everything deposited needs at least every share minted (or reverts).
        vm.prank(CAROL);
        try vault.withdraw(assets, CAROL, CAROL) returns (uint256 burned) {
            assertGe(burned, shares, "withdrew deposit for fewer shares");
        } catch {}
        assertLe(asset.balanceOf(CAROL), assets, "got more than deposited");
    }

    function test_fuzz_mintRedeem_roundTrip_noGain(uint256 shares) public {
        shares = bound(shares, 1, _min(MAX_FUZZ_ASSETS * 1e6, vault.maxMint(CAROL)));
        uint256 paid = _mintShares(CAROL, shares);
        vm.prank(CAROL);
        assertLe(vault.redeem(shares, CAROL, CAROL), paid, "redeem above mint cost");
    }

    function test_fuzz_mintWithdraw_roundTrip_noGain(uint256 shares) public {
        shares = bound(shares, 1, _min(MAX_FUZZ_ASSETS * 1e6, vault.maxMint(CAROL)));
        uint256 paid = _mintShares(CAROL, shares);
        uint256 max = vault.maxWithdraw(CAROL);
        assertLe(max, paid, "maxWithdraw above mint cost");
        vm.prank(CAROL);
        uint256 burned = vault.withdraw(max, CAROL, CAROL);
        assertLe(burned, shares, "burned more than held");
    }

    function test_fuzz_redeemDeposit_roundTrip_noGain(uint256 depositAssets, uint256 shares) public {
        uint256 balance = _fundAlice(depositAssets);
        shares = bound(shares, 1, balance);
        vm.prank(ALICE);
        uint256 assets = vault.redeem(shares, ALICE, ALICE);
        vm.startPrank(ALICE);
        asset.approve(address(vault), assets);
        uint256 back = vault.deposit(assets, ALICE);
        vm.stopPrank();
        assertLe(back, shares, "redeem then deposit gained shares");
    }

    function test_fuzz_withdrawMint_roundTrip_noGain(uint256 depositAssets, uint256 assets) public {
        _fundAlice(depositAssets);
        assets = bound(assets, 1, vault.maxWithdraw(ALICE));
        vm.prank(ALICE);
        uint256 burned = vault.withdraw(assets, ALICE, ALICE);
        uint256 cost = vault.previewMint(burned);
        assertGe(cost, assets, "withdraw then mint costs less than withdrawn");
    }

    /* ALLOWANCES */

    function test_fuzz_redeem_byOperator_spendsAllowanceExactly(uint256 depositAssets, uint256 shares, uint256 extra)
        public
    {
        uint256 balance = _fundAlice(depositAssets);
        shares = bound(shares, 1, balance);
        extra = bound(extra, 0, 1e30);
        vm.prank(ALICE);
        vault.approve(BOB, shares + extra);
        uint256 bobAssets = asset.balanceOf(BOB);
        vm.prank(BOB);
        uint256 assets = vault.redeem(shares, RECEIVER, ALICE);
        assertEq(vault.allowance(ALICE, BOB), extra, "allowance spent != shares");
        assertEq(asset.balanceOf(RECEIVER), assets, "receiver paid");
        assertEq(asset.balanceOf(BOB), bobAssets, "operator paid nothing");
        assertEq(vault.balanceOf(ALICE), balance - shares, "owner's shares burned");
    }

    function test_fuzz_withdraw_byOperator_spendsAllowanceExactly(uint256 depositAssets, uint256 assets, uint256 extra)
        public
    {
        uint256 balance = _fundAlice(depositAssets);
        assets = bound(assets, 1, vault.maxWithdraw(ALICE));
        extra = bound(extra, 0, 1e30);
        uint256 allowance = balance + extra;
        vm.prank(ALICE);
        vault.approve(BOB, allowance);
        vm.prank(BOB);
        uint256 shares = vault.withdraw(assets, RECEIVER, ALICE);
        assertEq(vault.allowance(ALICE, BOB), allowance - shares, "allowance spent != shares");
        assertEq(asset.balanceOf(RECEIVER), assets, "receiver paid");
        assertEq(vault.balanceOf(ALICE), balance - shares, "owner's shares burned");
    }

    function test_fuzz_redeem_byOperatorWithoutAllowance_reverts(
        uint256 depositAssets,
        uint256 shares,
        uint256 allowance
    ) public {
        uint256 balance = _fundAlice(depositAssets);
        shares = bound(shares, 1, balance);
        allowance = bound(allowance, 0, shares - 1);
        vm.prank(ALICE);
        vault.approve(BOB, allowance);
        vm.prank(BOB);
        vm.expectRevert(); // allowance is checked against the exact share amount
        vault.redeem(shares, BOB, ALICE);
        assertEq(vault.balanceOf(ALICE), balance, "nothing burned");
    }

    function test_fuzz_withdraw_byOperatorWithoutAllowance_reverts(uint256 depositAssets, uint256 assets) public {
        _fundAlice(depositAssets);
        assets = bound(assets, 1, vault.maxWithdraw(ALICE));
        uint256 shares = vault.previewWithdraw(assets);
        vm.prank(BOB);
        vm.expectPartialRevert(IERC20Errors.ERC20InsufficientAllowance.selector);
        vault.withdraw(assets, BOB, ALICE);
        assertGt(shares, 0, "needed shares");
    }

    function test_fuzz_redeem_byOwner_needsNoAllowance(uint256 depositAssets, uint256 shares) public {
        uint256 balance = _fundAlice(depositAssets);
        shares = bound(shares, 1, balance);
        assertEq(vault.allowance(ALICE, ALICE), 0, "no self-allowance");
        vm.prank(ALICE);
        vault.redeem(shares, RECEIVER, ALICE);
        assertEq(vault.balanceOf(ALICE), balance - shares, "burned");
    }

    /* EVENTS */

    function test_fuzz_deposit_emitsDeposit(uint256 assets) public {
        assets = bound(assets, 1, _min(MAX_FUZZ_ASSETS, vault.maxDeposit(CAROL)));
        asset.mint(CAROL, assets);
        vm.startPrank(CAROL);
        asset.approve(address(vault), assets);
        vm.expectEmit(true, true, false, true, address(vault));
        emit IERC4626.Deposit(CAROL, RECEIVER, assets, vault.previewDeposit(assets));
        vault.deposit(assets, RECEIVER);
        vm.stopPrank();
    }

    function test_fuzz_mint_emitsDeposit(uint256 shares) public {
        shares = bound(shares, 1, _min(MAX_FUZZ_ASSETS * 1e6, vault.maxMint(CAROL)));
        uint256 assets = vault.previewMint(shares);
        asset.mint(CAROL, assets);
        vm.startPrank(CAROL);
        asset.approve(address(vault), assets);
        vm.expectEmit(true, true, false, true, address(vault));
        emit IERC4626.Deposit(CAROL, RECEIVER, assets, shares);
        vault.mint(shares, RECEIVER);
        vm.stopPrank();
    }

    function test_fuzz_redeem_emitsWithdraw(uint256 depositAssets, uint256 shares) public {
        shares = bound(shares, 1, _fundAlice(depositAssets));
        vm.prank(ALICE);
        vault.approve(BOB, shares);
        vm.recordLogs();
        vm.prank(BOB);
        uint256 assets = vault.redeem(shares, RECEIVER, ALICE);
        _assertWithdrawEvent(BOB, RECEIVER, ALICE, assets, shares);
    }

    function test_fuzz_withdraw_emitsWithdraw(uint256 depositAssets, uint256 assets) public {
        _fundAlice(depositAssets);
        assets = bound(assets, 1, vault.maxWithdraw(ALICE));
        vm.recordLogs();
        vm.prank(ALICE);
        uint256 shares = vault.withdraw(assets, RECEIVER, ALICE);
        _assertWithdrawEvent(ALICE, RECEIVER, ALICE, assets, shares);
    }

    function _assertWithdrawEvent(address sender, address receiver, address owner_, uint256 assets, uint256 shares)
        internal
    {
        Vm.Log[] memory logs = vm.getRecordedLogs();
        uint256 found;
        for (uint256 i; i < logs.length; ++i) {
            if (logs[i].emitter != address(vault) || logs[i].topics[0] != IERC4626.Withdraw.selector) continue;
            ++found;
            assertEq(logs[i].topics[1], bytes32(uint256(uint160(sender))), "sender");
            assertEq(logs[i].topics[2], bytes32(uint256(uint160(receiver))), "receiver");
            assertEq(logs[i].topics[3], bytes32(uint256(uint160(owner_))), "owner");
            assertEq(logs[i].data, abi.encode(assets, shares), "assets, shares");
        }
        assertEq(found, 1, "one Withdraw event");
    }
}
