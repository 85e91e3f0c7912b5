// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {IUniswapV3Pool} from "@uniswap/v3-core/contracts/interfaces/IUniswapV3Pool.sol";

import {IAggregatorV3} from "../interfaces/IAggregatorV3.sol";
import {IBallastOracle, PriceHealth} from "../interfaces/IBallastOracle.sol";
import {ChainlinkPriceLib} from "./ChainlinkPriceLib.sol";
import {PoolPriceLib} from "./PoolPriceLib.sol";
import {PriceDeviationLib} from "./PriceDeviationLib.sol";
import {PriceHealthLib} from "./PriceHealthLib.sol";
import {UniswapV3TwapLib} from "./UniswapV3TwapLib.sol";

/// @title MorphoChainlinkOracle
/// @notice Morpho Blue `IOracle` over a Chainlink-style feed, with the checks a Ballast leverage module needs: a
/// staleness-checked read, a deviation check against a Uniswap V3 TWAP, a non-reverting health view and a
/// conservative valuation price. See `IBallastOracle` for each function's contract and `contracts/oracle/README.md`.
/// @dev Immutable: nothing to govern. The feed must quote the collateral token in the loan token's unit.
contract MorphoChainlinkOracle is IBallastOracle {
    using ChainlinkPriceLib for IAggregatorV3;

    /// @notice Thrown when the pool does not trade exactly the collateral/loan pair.
    error PoolTokensMismatch(address pool, address collateralToken, address loanToken);

    /// @inheritdoc IBallastOracle
    IAggregatorV3 public immutable feed;
    /// @inheritdoc IBallastOracle
    IUniswapV3Pool public immutable pool;
    /// @inheritdoc IBallastOracle
    address public immutable collateralToken;
    /// @inheritdoc IBallastOracle
    address public immutable loanToken;
    /// @inheritdoc IBallastOracle
    bool public immutable collateralIsToken0;
    /// @inheritdoc IBallastOracle
    uint32 public immutable twapWindow;
    /// @inheritdoc IBallastOracle
    uint256 public immutable scaleFactor;

    /// @param feed_ Price of one collateral token in loan-token units (e.g. ETH/USD for WETH/USDC).
    /// @param pool_ A Uniswap V3 pool of collateral/loan, with enough observation cardinality for `twapWindow_`.
    /// @param twapWindow_ TWAP window in seconds (> 0).
    constructor(
        IAggregatorV3 feed_,
        IUniswapV3Pool pool_,
        address collateralToken_,
        address loanToken_,
        uint32 twapWindow_
    ) {
        address token0 = pool_.token0();
        address token1 = pool_.token1();
        bool isToken0 = token0 == collateralToken_ && token1 == loanToken_;
        if (!isToken0 && !(token1 == collateralToken_ && token0 == loanToken_)) {
            revert PoolTokensMismatch(address(pool_), collateralToken_, loanToken_);
        }
        if (twapWindow_ == 0) revert UniswapV3TwapLib.ZeroTwapWindow();

        feed = feed_;
        pool = pool_;
        collateralToken = collateralToken_;
        loanToken = loanToken_;
        collateralIsToken0 = isToken0;
        twapWindow = twapWindow_;
        scaleFactor = ChainlinkPriceLib.scaleFactor(
            feed_.decimals(), IERC20Metadata(collateralToken_).decimals(), IERC20Metadata(loanToken_).decimals()
        );
    }

    /* MORPHO */

    /// @inheritdoc IBallastOracle
    function price() external view returns (uint256) {
        (uint256 answer,) = feed.readValid();
        return answer * scaleFactor;
    }

    /* CHECKED READS (revert) */

    /// @inheritdoc IBallastOracle
    function freshPrice(uint256 maxStaleness) public view returns (uint256, uint256) {
        (uint256 answer, uint256 updatedAt) = feed.readFresh(maxStaleness);
        return (answer * scaleFactor, updatedAt);
    }

    /// @inheritdoc IBallastOracle
    function twapPrice() public view returns (uint256) {
        return PoolPriceLib.tickToPrice36Down(UniswapV3TwapLib.meanTick(pool, twapWindow), collateralIsToken0);
    }

    /// @inheritdoc IBallastOracle
    function spotPrice() external view returns (uint256) {
        (uint160 sqrtPriceX96,,,,,,) = pool.slot0();
        return PoolPriceLib.toPrice36Down(sqrtPriceX96, collateralIsToken0);
    }

    /// @inheritdoc IBallastOracle
    function checkedPrice(uint256 maxStaleness, uint256 maxDeviationBps) external view returns (uint256) {
        (uint256 feedPrice,) = freshPrice(maxStaleness);
        PriceDeviationLib.checkDeviation(feedPrice, twapPrice(), maxDeviationBps);
        return feedPrice;
    }

    /* NON-REVERTING VIEWS */

    /// @inheritdoc IBallastOracle
    function health(uint256 maxStaleness, uint256 maxDeviationBps) public view returns (PriceHealth memory) {
        return PriceHealthLib.withTwap(
            feed,
            scaleFactor,
            PriceHealthLib.twapPrice(pool, twapWindow, collateralIsToken0),
            maxStaleness,
            maxDeviationBps
        );
    }

    /// @inheritdoc IBallastOracle
    function valuationPrice(uint256 maxStaleness, uint256 maxDeviationBps) external view returns (uint256, bool) {
        PriceHealth memory h = health(maxStaleness, maxDeviationBps);
        if (h.healthy) return (h.feedPrice, true);
        // A missing source (0) must not win the minimum: use the other one alone.
        if (h.feedPrice == 0) return (h.twapPrice, false);
        if (h.twapPrice == 0) return (h.feedPrice, false);
        return (h.feedPrice < h.twapPrice ? h.feedPrice : h.twapPrice, false);
    }
}
