// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

import {Market, Position} from "@morpho-org/morpho-blue/src/interfaces/IMorpho.sol";

import {WAD} from "@ballast/libraries/ConstantsLib.sol";
import {MorphoLeverageScenarioBase} from "./MorphoLeverageScenarioBase.sol";

/// @notice The pro-rata unwind never leaves behind a position that Morpho's health check refuses (the dust the seed's
/// share becomes after the last holder's exit), at any price the position is healthy at and for any fraction, and
/// exits, including the last holder's, keep working without a usable oracle price for the module.
contract MorphoLeverageUnwindDustTest is MorphoLeverageScenarioBase {
    /// @dev Morpho Blue's virtual shares and assets (SharesMathLib), written out for the independent recomputation.
    uint256 internal constant VIRTUAL_SHARES = 1e6;
    uint256 internal constant VIRTUAL_ASSETS = 1;
    /// @dev The module's `UNWIND_DUST_SHARES`: a debt share the unwind leaves in place (~10 loan units).
    uint256 internal constant UNWIND_DUST_SHARES = 10 * VIRTUAL_SHARES;

    /// @dev Any price from -40% to +50% of the start (the 2x position stays healthy: LTV <= 0.84 < LLTV 0.86), and any
    /// fraction, half the runs within 1e-6 of the whole position (where the remainder is dust): the unwind goes
    /// through, takes nothing from the remainder's pro-rata collateral, adds no debt to it beyond a dust debt share
    /// left in place (NAV-neutral, see `unwind`), and leaves it either debt-free or healthy by Morpho's own check.
    function test_fuzz_unwind_neverLeavesUnhealthyDust(uint256 answerSeed, uint256 fractionSeed, bool nearWhole)
        public
    {
        _setPrice(int256(bound(answerSeed, 1800e8, 4500e8)));
        uint256 fraction = nearWhole ? WAD - bound(fractionSeed, 0, 1e12) : bound(fractionSeed, 1, WAD);
        Position memory before = world.morpho.position(world.marketId, address(module));

        vm.prank(address(vault));
        module.unwind(fraction);

        Position memory p = world.morpho.position(world.marketId, address(module));
        assertGe(
            p.collateral, before.collateral - uint256(before.collateral) * fraction / WAD, "remainder's collateral"
        );
        uint256 exitShares = (uint256(before.borrowShares) * fraction + WAD - 1) / WAD;
        if (exitShares < UNWIND_DUST_SHARES) exitShares = 0;
        assertLe(p.borrowShares, before.borrowShares - exitShares, "no debt added to the remainder beyond dust");
        assertTrue(_healthyAtMorpho(p), "remainder debt-free or healthy at Morpho");
        assertEq(world.weth.balanceOf(address(module)), 0, "no collateral left loose");
        assertEq(world.usdc.balanceOf(address(module)), 0, "no loan token left loose");
    }

    /// @dev The case behind the last-holder finding, made exact: a fraction leaving ~6e8 wei of collateral (~1.8 loan
    /// units at $3,000) whose pro-rata debt (~0.9 unit, rounded up to 1 by Morpho) fails Morpho's check (capacity
    /// floor(floor(1.8) * 0.86) = 0). The module repays that dust debt too and leaves the collateral in place.
    function test_unwind_unhealthyDustRemainder_closesTheDebt() public {
        Position memory before = world.morpho.position(world.marketId, address(module));
        uint256 fraction = WAD - 1_500_000;
        Position memory proRata;
        proRata.collateral = uint128(before.collateral - uint256(before.collateral) * fraction / WAD);
        proRata.borrowShares = uint128(before.borrowShares - (uint256(before.borrowShares) * fraction + WAD - 1) / WAD);
        assertGt(proRata.borrowShares, 0, "pro rata leaves debt");

        vm.prank(address(vault));
        module.unwind(fraction);
        assertFalse(_healthyAtMorpho(proRata), "pro rata would leave unhealthy dust");

        Position memory p = world.morpho.position(world.marketId, address(module));
        assertEq(p.borrowShares, 0, "dust debt repaid");
        assertEq(p.collateral, proRata.collateral, "remainder keeps its pro-rata collateral");
    }

    /// @dev Through the vault: after a price move (and the ripcord when it is past the ripcord level), Alice exits any
    /// part, Bob exits in full, then Alice, the last holder, exits in full. Arbitrageurs bring the pool back between
    /// exits. Every exit is fair (`_assertFairExit`), and the seed's remainder is left debt-free or healthy.
    function test_fuzz_redeem_lastHolderExitsInFull(uint256 answerSeed, uint256 aliceFirstBps) public {
        int256 answer = int256(bound(answerSeed, 2000e8, 4500e8));
        _moveAndWait(answer);
        if (_leverage() >= RIPCORD) {
            _ripcordStep("ripcord");
            _setPrice(answer);
        }
        _assertFairExit(ALICE, bound(aliceFirstBps, 1, 9999), "Alice exits a part");
        _setPrice(answer);
        _assertFairExit(BOB, 10_000, "Bob exits in full");
        _setPrice(answer);
        _assertFairExit(ALICE, 10_000, "Alice, the last holder, exits in full");

        assertEq(vault.balanceOf(ALICE) + vault.balanceOf(BOB), 0, "everyone is out");
        assertTrue(_healthyAtMorpho(world.morpho.position(world.marketId, address(module))), "seed's remainder");
    }

    /// @dev The last holder's exit needs no fresh feed: three hours without an update, both holders leave in full.
    function test_redeem_lastHolderExitsInFull_withStaleFeed() public {
        _skipBlocks(3 hours);
        assertFalse(module.priceHealthy(), "feed stale");
        _assertFairExit(ALICE, 10_000, "Alice exits in full");
        _assertFairExit(BOB, 10_000, "Bob, the last holder, exits in full");
        assertEq(vault.balanceOf(BOB), 0, "Bob is out");
        assertTrue(_healthyAtMorpho(world.morpho.position(world.marketId, address(module))), "seed's remainder");
    }

    /// @dev A dust fraction's debt share (Morpho would round its repay up to a whole loan unit, worth ~3e8 wei of
    /// collateral, more than the fraction's collateral) is left in place: the unwind pays out the collateral and swaps
    /// nothing.
    function test_unwind_dustFraction_leavesItsDebtShareInPlace() public {
        Position memory before = world.morpho.position(world.marketId, address(module));
        uint256 idleBefore = world.weth.balanceOf(address(vault));
        vm.prank(address(vault));
        uint256 out = module.unwind(1e6);
        Position memory p = world.morpho.position(world.marketId, address(module));
        assertEq(p.borrowShares, before.borrowShares, "debt share left in place");
        assertEq(out, uint256(before.collateral) * 1e6 / WAD, "the fraction's collateral, nothing sold");
        assertEq(world.weth.balanceOf(address(vault)) - idleBefore, out, "paid to the vault");
    }

    /// @dev Just above the dust bound the fraction's debt is repaid as usual.
    function test_unwind_smallFractionAboveDust_repaysItsDebtShare() public {
        Position memory before = world.morpho.position(world.marketId, address(module));
        uint256 fraction = (UNWIND_DUST_SHARES * WAD) / before.borrowShares + 1;
        vm.prank(address(vault));
        module.unwind(fraction);
        Position memory p = world.morpho.position(world.marketId, address(module));
        assertEq(p.borrowShares, before.borrowShares - (before.borrowShares * fraction + WAD - 1) / WAD, "repaid");
    }

    /// @dev A redeem of a few wei with nothing idle goes through the dust unwind above, and costs nobody anything: NAV
    /// neutral, so the holders' price holds exactly.
    function test_redeem_tinyExitWithNothingIdle() public {
        if (vault.idle() != 0) _allocate(vault.idle());
        assertEq(vault.idle(), 0, "all allocated");
        uint256 shares = vault.convertToShares(10);
        uint256 priceBefore = _sharePrice();
        vm.prank(ALICE);
        uint256 assets = vault.redeem(shares, ALICE, ALICE);
        assertLe(assets, 10, "a few wei");
        assertGe(assets, 9, "its NAV value");
        assertGe(_sharePrice(), priceBefore, "holders' price holds");
    }

    /// @dev `Morpho._isHealthy` written out: borrow shares to assets rounded up on the market's totals (accrued by the
    /// unwind in this block), against collateral * price / 1e36 * LLTV rounded down.
    function _healthyAtMorpho(Position memory p) internal view returns (bool) {
        if (p.borrowShares == 0) return true;
        Market memory m = world.morpho.market(world.marketId);
        assertEq(m.lastUpdate, block.timestamp, "market accrued in this block");
        uint256 shareDenominator = m.totalBorrowShares + VIRTUAL_SHARES;
        uint256 borrowed =
            (p.borrowShares * (m.totalBorrowAssets + VIRTUAL_ASSETS) + shareDenominator - 1) / shareDenominator;
        uint256 maxBorrow = uint256(p.collateral) * world.oracle.price() / 1e36 * world.marketParams.lltv / WAD;
        return maxBorrow >= borrowed;
    }
}
