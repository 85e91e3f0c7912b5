// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

import {MarketParams} from "@morpho-org/morpho-blue/src/interfaces/IMorpho.sol";
import {IUniswapV3Pool} from "@uniswap/v3-core/contracts/interfaces/IUniswapV3Pool.sol";

import {IAggregatorV3} from "@ballast/interfaces/IAggregatorV3.sol";
import {PriceHealth} from "@ballast/interfaces/IBallastOracle.sol";
import {ChainlinkPriceLib} from "@ballast/oracle/ChainlinkPriceLib.sol";
import {MorphoChainlinkOracle} from "@ballast/oracle/MorphoChainlinkOracle.sol";
import {PriceDeviationLib} from "@ballast/oracle/PriceDeviationLib.sol";
import {WorldFixture} from "./WorldFixture.sol";

contract MorphoChainlinkOracleTest is WorldFixture {
    uint256 internal constant MAX_STALENESS = 1 hours;
    uint256 internal constant MAX_DEVIATION_BPS = 200;

    /* price() AND MORPHO */

    function test_price_scalesFeedToMorphoUnit() public view {
        // 1 WETH (1e18 units) is worth 3000 USDC (3000e6 units): 3000e6 * 1e36 / 1e18.
        assertEq(world.oracle.scaleFactor(), 1e16, "scale factor");
        assertEq(world.oracle.price(), 3e27, "price");
    }

    function test_price_borrowsExactlyMaxLtvOnMorpho() public {
        uint256 collateral = 1.5e18;
        _supplyCollateral(BORROWER, collateral);
        MarketParams memory params = world.marketParams;
        // Morpho: maxBorrow = collateral * price / 1e36 * lltv, rounded down. 1.5 WETH * 3000 * 0.86 = 3870 USDC.
        uint256 maxBorrow = 3870e6;
        assertEq(collateral * world.oracle.price() / 1e36 * params.lltv / 1e18, maxBorrow, "expected max borrow");

        vm.startPrank(BORROWER);
        vm.expectRevert(bytes("insufficient collateral"));
        world.morpho.borrow(params, maxBorrow + 1, 0, BORROWER, BORROWER);
        world.morpho.borrow(params, maxBorrow, 0, BORROWER, BORROWER);
        vm.stopPrank();
        assertEq(world.usdc.balanceOf(BORROWER), maxBorrow, "borrowed at max LTV");
    }

    function test_price_followsFeedIntoLiquidation() public {
        _supplyCollateral(BORROWER, 1e18);
        vm.prank(BORROWER);
        world.morpho.borrow(world.marketParams, 2500e6, 0, BORROWER, BORROWER);

        // At $2,900 the position (2500 / (2900 * 0.86) = 100.2% of the limit) becomes liquidatable.
        _setPrice(2900e8);
        address liquidator = makeAddr("Liquidator");
        vm.prank(OWNER);
        world.usdc.mint(liquidator, 1000e6);
        vm.startPrank(liquidator);
        world.usdc.approve(address(world.morpho), type(uint256).max);
        (uint256 seized,) = world.morpho.liquidate(world.marketParams, BORROWER, 0.1e18, 0, "");
        vm.stopPrank();
        assertEq(seized, 0.1e18, "liquidated at the new price");
    }

    function test_price_doesNotRevertWhenStale() public {
        _supplyCollateral(BORROWER, 1e18);
        vm.prank(BORROWER);
        world.morpho.borrow(world.marketParams, 1000e6, 0, BORROWER, BORROWER);

        vm.warp(block.timestamp + 30 days);
        assertEq(world.oracle.price(), 3e27, "last answer");
        // Exits work on a dead feed: Morpho prices the remaining debt in withdrawCollateral.
        vm.prank(BORROWER);
        world.morpho.withdrawCollateral(world.marketParams, 0.5e18, BORROWER, BORROWER);
        assertEq(world.weth.balanceOf(BORROWER), 0.5e18, "collateral withdrawn");
    }

    function test_price_revertsOnZeroAnswer() public {
        vm.prank(OWNER);
        world.ethUsdFeed.setAnswer(0);
        vm.expectRevert(abi.encodeWithSelector(ChainlinkPriceLib.InvalidPrice.selector, int256(0)));
        world.oracle.price();
    }

    function test_price_revertsOnNegativeAnswer() public {
        vm.prank(OWNER);
        world.ethUsdFeed.setAnswer(-1);
        vm.expectRevert(abi.encodeWithSelector(ChainlinkPriceLib.InvalidPrice.selector, int256(-1)));
        world.oracle.price();
    }

    /* freshPrice */

    function test_freshPrice_returnsPriceAtBoundary() public {
        vm.warp(block.timestamp + MAX_STALENESS);
        (uint256 price, uint256 updatedAt) = world.oracle.freshPrice(MAX_STALENESS);
        assertEq(price, 3e27, "price");
        assertEq(updatedAt, START_TIMESTAMP, "updatedAt");
    }

    function test_freshPrice_revertsWhenStale() public {
        vm.warp(block.timestamp + MAX_STALENESS + 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                ChainlinkPriceLib.StalePrice.selector,
                START_TIMESTAMP,
                MAX_STALENESS,
                START_TIMESTAMP + MAX_STALENESS + 1
            )
        );
        world.oracle.freshPrice(MAX_STALENESS);
    }

    function test_freshPrice_revertsWhenUpdatedAtIsOld() public {
        uint256 updatedAt = block.timestamp - 2 hours;
        vm.prank(OWNER);
        world.ethUsdFeed.setAnswerWithTimestamp(3100e8, updatedAt);
        vm.expectRevert(
            abi.encodeWithSelector(ChainlinkPriceLib.StalePrice.selector, updatedAt, MAX_STALENESS, block.timestamp)
        );
        world.oracle.freshPrice(MAX_STALENESS);
    }

    function test_freshPrice_revertsOnInvalidAnswerBeforeStaleness() public {
        vm.prank(OWNER);
        world.ethUsdFeed.setAnswerWithTimestamp(-5, block.timestamp - 2 hours);
        vm.expectRevert(abi.encodeWithSelector(ChainlinkPriceLib.InvalidPrice.selector, int256(-5)));
        world.oracle.freshPrice(MAX_STALENESS);
    }

    /* checkedPrice */

    function test_checkedPrice_returnsFeedPriceWhenSourcesAgree() public {
        _skipBlocks(world.oracle.twapWindow());
        assertEq(world.oracle.checkedPrice(MAX_STALENESS, MAX_DEVIATION_BPS), 3e27);
    }

    function test_checkedPrice_revertsWhenPoolPushed5Percent() public {
        _movePoolTo(world.oracle.price() * 95 / 100);
        _skipBlocks(world.oracle.twapWindow());

        uint256 twap = world.oracle.twapPrice();
        uint256 deviation = PriceDeviationLib.deviationBpsUp(3e27, twap);
        assertApproxEqAbs(deviation, 500, 1, "about 5%");
        vm.expectRevert(
            abi.encodeWithSelector(
                PriceDeviationLib.PriceDeviationTooHigh.selector, 3e27, twap, deviation, MAX_DEVIATION_BPS
            )
        );
        world.oracle.checkedPrice(MAX_STALENESS, MAX_DEVIATION_BPS);
    }

    function test_checkedPrice_revertsWhenStale() public {
        _skipBlocks(MAX_STALENESS + 1);
        vm.expectPartialRevert(ChainlinkPriceLib.StalePrice.selector);
        world.oracle.checkedPrice(MAX_STALENESS, MAX_DEVIATION_BPS);
    }

    /* health */

    function test_health_isHealthyWhenFreshAndAgreeing() public {
        _skipBlocks(world.oracle.twapWindow());
        PriceHealth memory h = world.oracle.health(MAX_STALENESS, MAX_DEVIATION_BPS);
        assertEq(h.feedPrice, 3e27, "feed price");
        assertEq(h.feedUpdatedAt, START_TIMESTAMP, "updatedAt");
        assertApproxEqRel(h.twapPrice, 3e27, 0.0001e18, "twap within a tick");
        assertLe(h.deviationBps, 1, "deviation");
        assertTrue(h.fresh && h.agrees && h.healthy, "healthy");
    }

    function test_health_isUnhealthyWithoutTwapHistory() public view {
        // The pool was initialised this very second: no TWAP yet, and no revert either.
        PriceHealth memory h = world.oracle.health(MAX_STALENESS, MAX_DEVIATION_BPS);
        assertEq(h.twapPrice, 0, "no twap");
        assertEq(h.deviationBps, type(uint256).max, "no agreement without a second source");
        assertTrue(h.fresh, "feed fresh");
        assertFalse(h.healthy, "unhealthy");
    }

    function test_health_isUnhealthyWhenStale() public {
        _skipBlocks(MAX_STALENESS + 1);
        PriceHealth memory h = world.oracle.health(MAX_STALENESS, MAX_DEVIATION_BPS);
        assertFalse(h.fresh, "stale");
        assertTrue(h.agrees, "sources still agree");
        assertFalse(h.healthy, "unhealthy");
    }

    function test_health_isUnhealthyWhenSourcesDisagree() public {
        _movePoolTo(world.oracle.price() * 105 / 100);
        _skipBlocks(world.oracle.twapWindow());
        PriceHealth memory h = world.oracle.health(MAX_STALENESS, MAX_DEVIATION_BPS);
        assertTrue(h.fresh, "fresh");
        assertApproxEqAbs(h.deviationBps, 500, 1, "5%");
        assertFalse(h.agrees, "disagree");
        assertFalse(h.healthy, "unhealthy");
    }

    function test_health_doesNotRevertOnInvalidAnswer() public {
        _skipBlocks(world.oracle.twapWindow());
        vm.prank(OWNER);
        world.ethUsdFeed.setAnswer(-1);
        PriceHealth memory h = world.oracle.health(MAX_STALENESS, MAX_DEVIATION_BPS);
        assertEq(h.feedPrice, 0, "no feed price");
        assertGt(h.twapPrice, 0, "twap still there");
        assertFalse(h.fresh || h.healthy, "unhealthy");
    }

    function test_health_doesNotRevertWhenFeedReverts() public {
        _skipBlocks(world.oracle.twapWindow());
        vm.mockCallRevert(
            address(world.ethUsdFeed), abi.encodeCall(IAggregatorV3.latestRoundData, ()), bytes("feed down")
        );
        PriceHealth memory h = world.oracle.health(MAX_STALENESS, MAX_DEVIATION_BPS);
        assertEq(h.feedPrice, 0, "no feed price");
        assertEq(h.feedUpdatedAt, 0, "no updatedAt");
        assertFalse(h.healthy, "unhealthy");
        (uint256 price, bool healthy) = world.oracle.valuationPrice(MAX_STALENESS, MAX_DEVIATION_BPS);
        assertEq(price, h.twapPrice, "values with the twap");
        assertFalse(healthy, "unhealthy");
    }

    /* valuationPrice */

    function test_valuationPrice_isFeedPriceWhenHealthy() public {
        _movePoolTo(world.oracle.price() * 101 / 100);
        _skipBlocks(world.oracle.twapWindow());
        (uint256 price, bool healthy) = world.oracle.valuationPrice(MAX_STALENESS, MAX_DEVIATION_BPS);
        assertTrue(healthy, "healthy");
        assertEq(price, 3e27, "feed price, although the twap is 1% higher");
    }

    function test_valuationPrice_isLowerSourceWhenTwapBelow() public {
        _movePoolTo(world.oracle.price() * 95 / 100);
        _skipBlocks(world.oracle.twapWindow());
        (uint256 price, bool healthy) = world.oracle.valuationPrice(MAX_STALENESS, MAX_DEVIATION_BPS);
        assertFalse(healthy, "unhealthy");
        assertEq(price, world.oracle.twapPrice(), "twap");
        assertLt(price, 3e27, "below the feed");
    }

    function test_valuationPrice_isLowerSourceWhenFeedBelow() public {
        _movePoolTo(world.oracle.price() * 105 / 100);
        _skipBlocks(world.oracle.twapWindow());
        (uint256 price, bool healthy) = world.oracle.valuationPrice(MAX_STALENESS, MAX_DEVIATION_BPS);
        assertFalse(healthy, "unhealthy");
        assertEq(price, 3e27, "feed");
    }

    function test_valuationPrice_usesStaleFeedWhenLower() public {
        _movePoolTo(world.oracle.price() * 101 / 100);
        _skipBlocks(MAX_STALENESS + 1);
        (uint256 price, bool healthy) = world.oracle.valuationPrice(MAX_STALENESS, MAX_DEVIATION_BPS);
        assertFalse(healthy, "stale");
        assertEq(price, 3e27, "stale feed, the lower source");
    }

    function test_valuationPrice_isZeroWithoutAnySource() public {
        vm.prank(OWNER);
        world.ethUsdFeed.setAnswer(0);
        (uint256 price, bool healthy) = world.oracle.valuationPrice(MAX_STALENESS, MAX_DEVIATION_BPS);
        assertEq(price, 0, "no price");
        assertFalse(healthy, "unhealthy");
    }

    /* constructor */

    function test_constructor_revertsOnPoolOfOtherPair() public {
        address other = makeAddr("OtherToken");
        IUniswapV3Pool otherPool = IUniswapV3Pool(world.uniswapFactory.createPool(address(world.weth), other, 3000));
        vm.expectRevert(
            abi.encodeWithSelector(
                MorphoChainlinkOracle.PoolTokensMismatch.selector,
                address(otherPool),
                address(world.weth),
                address(world.usdc)
            )
        );
        new MorphoChainlinkOracle(world.ethUsdFeed, otherPool, address(world.weth), address(world.usdc), 600);
    }

    function test_constructor_revertsOnZeroWindow() public {
        vm.expectRevert();
        new MorphoChainlinkOracle(world.ethUsdFeed, world.pool, address(world.weth), address(world.usdc), 0);
    }

    function test_constructor_pricesInverseOrderPair() public {
        // Priced the other way round: USDC collateral quoted in WETH. 1 USDC unit = 1e18 / (3000 * 1e6) WETH units.
        MorphoChainlinkOracle inverse =
            new MorphoChainlinkOracle(world.ethUsdFeed, world.pool, address(world.usdc), address(world.weth), 600);
        assertEq(inverse.collateralIsToken0(), !world.oracle.collateralIsToken0(), "flipped order");
        _skipBlocks(600);
        // Its TWAP is the reciprocal of the WETH oracle's TWAP (the feed is ETH/USD, so only the TWAP is meaningful).
        uint256 product = inverse.twapPrice() * world.oracle.twapPrice() / 1e36;
        assertApproxEqRel(product, 1e36, 1e9, "reciprocal prices");
    }

    /* HELPERS */

    function _supplyCollateral(address onBehalf, uint256 amount) internal {
        vm.prank(OWNER);
        world.weth.mint(onBehalf, amount);
        vm.startPrank(onBehalf);
        world.weth.approve(address(world.morpho), amount);
        world.morpho.supplyCollateral(world.marketParams, amount, onBehalf, "");
        vm.stopPrank();
    }
}
