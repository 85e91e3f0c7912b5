// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {IUniswapV3Pool} from "@uniswap/v3-core/contracts/interfaces/IUniswapV3Pool.sol";
import {IUniswapV3SwapCallback} from "@uniswap/v3-core/contracts/interfaces/callback/IUniswapV3SwapCallback.sol";

import {IBallastOracle} from "../../interfaces/IBallastOracle.sol";
import {SettableAggregator} from "../../oracle/SettableAggregator.sol";
import {PoolPriceLib} from "../../oracle/PoolPriceLib.sol";
import {MintableERC20} from "./MintableERC20.sol";

/// @title PoolArbitrageur
/// @notice The local world's market: `setPrice` writes the feed and trades the pool to the same price in one
/// transaction, as arbitrageurs would on a live chain. The market simulator and scenario tests drive prices
/// through it. It has unlimited inventory (it mints the test tokens it pays; it must be a minter of both tokens
/// and an updater of the feed) and keeps what it receives. Local world and tests only.
/// @dev A swap with a huge exact input and `sqrtPriceLimitX96 = target` stops exactly at the target, whatever the
/// liquidity in between, so the pool lands on the feed's price up to the rounding of one square root.
contract PoolArbitrageur is IUniswapV3SwapCallback, Ownable {
    /// @notice Emitted after each alignment; `price36` is the target (Morpho's 1e36 unit).
    event PoolAligned(uint256 price36, uint160 sqrtPriceX96, int256 amount0, int256 amount1);

    /// @notice Thrown when the swap callback does not come from the pool.
    error UnexpectedCallback(address caller);

    /// @dev Exact input large enough to reach any price limit in a pool of test tokens; small enough that the
    /// pool's 0.7 math cannot overflow.
    int256 internal constant UNBOUNDED_INPUT = int256(uint256(type(uint128).max));

    /// @notice The feed the arbitrageur writes (it must be one of its updaters).
    SettableAggregator public immutable feed;
    /// @notice The oracle that converts the feed's answer to a price (same feed, same pool).
    IBallastOracle public immutable oracle;
    /// @notice The pool kept in line with the feed.
    IUniswapV3Pool public immutable pool;

    constructor(SettableAggregator feed_, IBallastOracle oracle_, address initialOwner) Ownable(initialOwner) {
        feed = feed_;
        oracle = oracle_;
        pool = oracle_.pool();
    }

    /// @notice Writes `answer` to the feed (feed decimals) and trades the pool to the same price.
    function setPrice(int256 answer) external onlyOwner {
        feed.setAnswer(answer);
        _alignTo(oracle.price());
    }

    /// @notice Trades the pool to the feed's current price (e.g. after the feed was written directly).
    function align() external onlyOwner {
        _alignTo(oracle.price());
    }

    /// @notice Trades the pool to `price36` (collateral price in Morpho's 1e36 unit) without touching the feed:
    /// for scenarios where the two sources disagree.
    function movePoolTo(uint256 price36) external onlyOwner {
        _alignTo(price36);
    }

    /// @inheritdoc IUniswapV3SwapCallback
    function uniswapV3SwapCallback(int256 amount0Delta, int256 amount1Delta, bytes calldata) external {
        if (msg.sender != address(pool)) revert UnexpectedCallback(msg.sender);
        if (amount0Delta > 0) MintableERC20(pool.token0()).mint(msg.sender, uint256(amount0Delta));
        if (amount1Delta > 0) MintableERC20(pool.token1()).mint(msg.sender, uint256(amount1Delta));
    }

    function _alignTo(uint256 price36) internal {
        uint160 target = PoolPriceLib.toSqrtPriceX96Down(price36, oracle.collateralIsToken0());
        (uint160 current,,,,,,) = pool.slot0();
        int256 amount0;
        int256 amount1;
        // Selling token0 lowers the pool price (token1 per token0); the pool refuses a limit equal to the price.
        if (target != current) {
            (amount0, amount1) = pool.swap(address(this), target < current, UNBOUNDED_INPUT, target, "");
        }
        emit PoolAligned(price36, target, amount0, amount1);
    }
}
