// SPDX-License-Identifier: BUSL-1.1
pragma solidity ^0.8.24;

/// @title TickMathLib
/// @notice sqrt(1.0001^tick) in Q64.96, bit-for-bit equal to what Uniswap V3 pools use, for 0.8 code (the
/// pools' own library is pre-0.8 and cannot be imported).
/// @dev The ratio is built in Q128.128 from the binary expansion of |tick|: for each set bit i it is multiplied by
/// c_i = round(2^128 / 1.0001^(2^i / 2)) (constants computed with 150-digit decimal arithmetic, rounded to nearest),
/// which yields 1.0001^(-|tick|/2). Positive ticks take the reciprocal, and the result is rounded up from Q128.128 to
/// Q64.96. Equality with the pools is checked in `test/contracts/world/TickMathLib.t.sol` by initialising real
/// pools at the returned values and reading back `slot0.tick`.
library TickMathLib {
    /// @notice Thrown when a tick is outside [MIN_TICK, MAX_TICK].
    error TickOutOfRange(int24 tick);

    /// @dev The smallest tick a pool accepts: log_1.0001(2^-128).
    int24 internal constant MIN_TICK = -887_272;
    /// @dev The largest tick a pool accepts: log_1.0001(2^128).
    int24 internal constant MAX_TICK = 887_272;
    /// @dev getSqrtRatioAtTick(MIN_TICK).
    uint160 internal constant MIN_SQRT_RATIO = 4_295_128_739;
    /// @dev getSqrtRatioAtTick(MAX_TICK).
    uint160 internal constant MAX_SQRT_RATIO = 1_461_446_703_485_210_103_287_273_052_203_988_822_378_723_970_342;

    /// @notice sqrt(1.0001^tick) * 2^96, rounded up.
    /// @dev Reverts with `TickOutOfRange` outside [MIN_TICK, MAX_TICK].
    function getSqrtRatioAtTick(int24 tick) internal pure returns (uint160 sqrtPriceX96) {
        if (tick < MIN_TICK || tick > MAX_TICK) revert TickOutOfRange(tick);
        uint256 absTick = tick < 0 ? uint256(-int256(tick)) : uint256(int256(tick));

        // Unchecked: every product is of two numbers below 2^128 (the ratio only shrinks), so nothing overflows.
        unchecked {
            uint256 ratio = absTick & 0x1 != 0 ? 0xfffcb933bd6fad37aa2d162d1a594001 : 1 << 128;
            if (absTick & 0x2 != 0) ratio = (ratio * 0xfff97272373d413259a46990580e213a) >> 128;
            if (absTick & 0x4 != 0) ratio = (ratio * 0xfff2e50f5f656932ef12357cf3c7fdcc) >> 128;
            if (absTick & 0x8 != 0) ratio = (ratio * 0xffe5caca7e10e4e61c3624eaa0941cd0) >> 128;
            if (absTick & 0x10 != 0) ratio = (ratio * 0xffcb9843d60f6159c9db58835c926644) >> 128;
            if (absTick & 0x20 != 0) ratio = (ratio * 0xff973b41fa98c081472e6896dfb254c0) >> 128;
            if (absTick & 0x40 != 0) ratio = (ratio * 0xff2ea16466c96a3843ec78b326b52861) >> 128;
            if (absTick & 0x80 != 0) ratio = (ratio * 0xfe5dee046a99a2a811c461f1969c3053) >> 128;
            if (absTick & 0x100 != 0) ratio = (ratio * 0xfcbe86c7900a88aedcffc83b479aa3a4) >> 128;
            if (absTick & 0x200 != 0) ratio = (ratio * 0xf987a7253ac413176f2b074cf7815e54) >> 128;
            if (absTick & 0x400 != 0) ratio = (ratio * 0xf3392b0822b70005940c7a398e4b70f3) >> 128;
            if (absTick & 0x800 != 0) ratio = (ratio * 0xe7159475a2c29b7443b29c7fa6e889d9) >> 128;
            if (absTick & 0x1000 != 0) ratio = (ratio * 0xd097f3bdfd2022b8845ad8f792aa5825) >> 128;
            if (absTick & 0x2000 != 0) ratio = (ratio * 0xa9f746462d870fdf8a65dc1f90e061e5) >> 128;
            if (absTick & 0x4000 != 0) ratio = (ratio * 0x70d869a156d2a1b890bb3df62baf32f7) >> 128;
            if (absTick & 0x8000 != 0) ratio = (ratio * 0x31be135f97d08fd981231505542fcfa6) >> 128;
            if (absTick & 0x10000 != 0) ratio = (ratio * 0x9aa508b5b7a84e1c677de54f3e99bc9) >> 128;
            if (absTick & 0x20000 != 0) ratio = (ratio * 0x5d6af8dedb81196699c329225ee604) >> 128;
            if (absTick & 0x40000 != 0) ratio = (ratio * 0x2216e584f5fa1ea926041bedfe98) >> 128;
            if (absTick & 0x80000 != 0) ratio = (ratio * 0x48a170391f7dc42444e8fa2) >> 128;

            // The pools compute the reciprocal as (2^256 - 1) / ratio; doing the same keeps the results identical.
            if (tick > 0) ratio = type(uint256).max / ratio;

            // Q128.128 -> Q64.96, rounded up so that getTickAtSqrtRatio(getSqrtRatioAtTick(t)) == t.
            sqrtPriceX96 = uint160((ratio >> 32) + (ratio % (1 << 32) == 0 ? 0 : 1));
        }
    }
}
