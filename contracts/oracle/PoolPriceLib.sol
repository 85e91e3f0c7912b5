// SPDX-License-Identifier: BUSL-1.1
pragma solidity ^0.8.24;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {TickMathLib} from "../libraries/TickMathLib.sol";

/// @title PoolPriceLib
/// @notice Conversions between Uniswap V3 prices (sqrtPriceX96, ticks: token1 base units per token0 base unit) and
/// Morpho's oracle unit (quote base units per base base unit, times 1e36), for either token order.
/// @dev `baseIsToken0` says whether the priced token (Morpho's collateral) is the pool's token0. Pool order follows
/// the token addresses, not the deployment order.
library PoolPriceLib {
    /// @notice Thrown when a price cannot be represented in a pool (outside [MIN_SQRT_RATIO, MAX_SQRT_RATIO)).
    error PriceOutOfPoolRange(uint256 price36, bool baseIsToken0);

    /// @dev Morpho's `ORACLE_PRICE_SCALE`.
    uint256 internal constant PRICE_SCALE = 1e36;
    uint256 internal constant Q96 = 1 << 96;
    uint256 internal constant Q128 = 1 << 128;
    uint256 internal constant Q192 = 1 << 192;
    /// @dev A price36 whose ratio is 2^64 (base token0): above it, ratio * 2^192 no longer fits in 256 bits.
    uint256 private constant Q192_LIMIT_PRICE36 = (1 << 64) * PRICE_SCALE;
    /// @dev A price36 whose ratio is 2^128 (base token0): the pools' upper bound.
    uint256 private constant MAX_RATIO_PRICE36 = (1 << 128) * PRICE_SCALE;

    /// @notice The sqrtPriceX96 at which the pool quotes `price36`, rounded down.
    /// @dev Reverts with `PriceOutOfPoolRange` when the result is outside the pool's range.
    function toSqrtPriceX96Down(uint256 price36, bool baseIsToken0) internal pure returns (uint160) {
        // The pool's ratio (token1 per token0) is price36 / 1e36 when the base is token0, 1e36 / price36 otherwise.
        // It lies in [2^-128, 2^128]; beyond that the price cannot be quoted (and Q128 below would overflow).
        if (price36 == 0 || (baseIsToken0 && price36 >= MAX_RATIO_PRICE36)) {
            revert PriceOutOfPoolRange(price36, baseIsToken0);
        }
        uint256 sqrtPriceX96;
        // Q192 keeps 64 more bits for small ratios but overflows for ratios of 2^64 and more: use Q128 there.
        if (baseIsToken0 ? price36 < Q192_LIMIT_PRICE36 : price36 > PRICE_SCALE >> 64) {
            uint256 ratioX192 =
                baseIsToken0 ? Math.mulDiv(price36, Q192, PRICE_SCALE) : Math.mulDiv(PRICE_SCALE, Q192, price36);
            sqrtPriceX96 = Math.sqrt(ratioX192);
        } else {
            uint256 ratioX128 =
                baseIsToken0 ? Math.mulDiv(price36, Q128, PRICE_SCALE) : Math.mulDiv(PRICE_SCALE, Q128, price36);
            sqrtPriceX96 = Math.sqrt(ratioX128) << 32;
        }
        if (sqrtPriceX96 < TickMathLib.MIN_SQRT_RATIO || sqrtPriceX96 >= TickMathLib.MAX_SQRT_RATIO) {
            revert PriceOutOfPoolRange(price36, baseIsToken0);
        }
        return uint160(sqrtPriceX96);
    }

    /// @notice The 1e36-scaled price of the base token at `sqrtPriceX96`, rounded down. Never reverts for a
    /// sqrtPriceX96 inside the pool's range.
    function toPrice36Down(uint160 sqrtPriceX96, bool baseIsToken0) internal pure returns (uint256) {
        // Squaring a sqrtPriceX96 above 2^128 would overflow: drop 64 bits first (Q128) in that case.
        if (sqrtPriceX96 <= type(uint128).max) {
            uint256 ratioX192 = uint256(sqrtPriceX96) * sqrtPriceX96;
            return baseIsToken0 ? Math.mulDiv(ratioX192, PRICE_SCALE, Q192) : Math.mulDiv(Q192, PRICE_SCALE, ratioX192);
        }
        uint256 ratioX128 = Math.mulDiv(sqrtPriceX96, sqrtPriceX96, 1 << 64);
        return baseIsToken0 ? Math.mulDiv(ratioX128, PRICE_SCALE, Q128) : Math.mulDiv(Q128, PRICE_SCALE, ratioX128);
    }

    /// @notice The 1e36-scaled price of the base token at `tick`, rounded down.
    function tickToPrice36Down(int24 tick, bool baseIsToken0) internal pure returns (uint256) {
        return toPrice36Down(TickMathLib.getSqrtRatioAtTick(tick), baseIsToken0);
    }
}
