// SPDX-License-Identifier: BUSL-1.1
pragma solidity ^0.8.24;

import {IUniswapV3Pool} from "@uniswap/v3-core/contracts/interfaces/IUniswapV3Pool.sol";

/// @title UniswapV3TwapLib
/// @notice The time-weighted arithmetic mean tick of a Uniswap V3 pool (a geometric mean of its price).
/// @dev The pool must keep enough observations to reach back `window` seconds
/// (`increaseObservationCardinalityNext`); it writes at most one per block. Manipulating the mean by k ticks over a
/// window of W seconds costs holding the spot price k*W/s ticks away for s seconds.
library UniswapV3TwapLib {
    /// @notice Thrown for a zero window (the mean over no time is the manipulable spot tick).
    error ZeroTwapWindow();

    /// @notice The mean tick over the last `window` seconds, rounded toward negative infinity.
    /// @dev Reverts when the pool's oldest observation is younger than `window` (the pool's "OLD").
    function meanTick(IUniswapV3Pool pool, uint32 window) internal view returns (int24) {
        if (window == 0) revert ZeroTwapWindow();
        (int56[] memory tickCumulatives,) = pool.observe(_secondsAgos(window));
        return _meanTick(tickCumulatives, window);
    }

    /// @notice `meanTick` without reverting: `ok` is false when the pool cannot provide it.
    function tryMeanTick(IUniswapV3Pool pool, uint32 window) internal view returns (bool ok, int24 tick) {
        if (window == 0) return (false, 0);
        try pool.observe(_secondsAgos(window)) returns (int56[] memory tickCumulatives, uint160[] memory) {
            if (tickCumulatives.length != 2) return (false, 0);
            return (true, _meanTick(tickCumulatives, window));
        } catch {
            return (false, 0);
        }
    }

    /// @notice `tryMeanTick` read from the pool's two newest observations when the window starts at or after the
    /// older one (the usual case for a short window: the pool writes at most one observation per block with a swap),
    /// with the arithmetic of the pool's own `observe`, so the result is the same; otherwise `tryMeanTick`.
    /// @dev Saves the pool's binary search over its whole observation ring (one cold slot per step, ~10 steps for
    /// 1,000 observations). Reads `slot0` and one or two observations; falls back on anything unusual (ring not
    /// written that far, a pool that does not answer, timestamps that would wrap).
    function tryMeanTickRecent(IUniswapV3Pool pool, uint32 window) internal view returns (bool ok, int24 tick) {
        if (window == 0) return (false, 0);
        (bool found, int56 cumulativeNow, int56 cumulativeThen) = _recentCumulatives(pool, window);
        if (!found) return tryMeanTick(pool, window);
        int56[] memory tickCumulatives = new int56[](2);
        (tickCumulatives[0], tickCumulatives[1]) = (cumulativeThen, cumulativeNow);
        return (true, _meanTick(tickCumulatives, window));
    }

    /// @dev The pool's tick cumulatives at `now - window` and now, as `observe` computes them (Uniswap's
    /// `Oracle.observeSingle`, unchecked like the pool's 0.7 arithmetic), when the two newest observations suffice.
    function _recentCumulatives(IUniswapV3Pool pool, uint32 window)
        private
        view
        returns (bool found, int56 cumulativeNow, int56 cumulativeThen)
    {
        if (block.timestamp > type(uint32).max || block.timestamp < window) return (false, 0, 0);
        uint32 time = uint32(block.timestamp);
        uint32 target = time - window;
        int24 spotTick;
        uint16 index;
        uint16 cardinality;
        try pool.slot0() returns (uint160, int24 tick_, uint16 index_, uint16 cardinality_, uint16, uint8, bool) {
            (spotTick, index, cardinality) = (tick_, index_, cardinality_);
        } catch {
            return (false, 0, 0);
        }
        if (cardinality == 0) return (false, 0, 0);
        (bool ok, uint32 newestTime, int56 newest) = _observation(pool, index);
        if (!ok || newestTime > time) return (false, 0, 0);
        unchecked {
            cumulativeNow = newestTime == time ? newest : newest + int56(spotTick) * int56(uint56(time - newestTime));
            if (newestTime <= target) {
                // The window starts after the newest observation: extrapolate it with the current tick.
                cumulativeThen =
                    newestTime == target ? newest : newest + int56(spotTick) * int56(uint56(target - newestTime));
                return (true, cumulativeNow, cumulativeThen);
            }
            if (cardinality < 2) return (false, 0, 0);
            uint32 previousTime;
            int56 previous;
            (ok, previousTime, previous) = _observation(pool, index == 0 ? cardinality - 1 : index - 1);
            if (!ok || previousTime > target) return (false, 0, 0);
            // The window starts between the two newest observations: interpolate as the pool does.
            cumulativeThen = previousTime == target
                ? previous
                : previous + ((newest - previous) / int56(uint56(newestTime - previousTime)))
                    * int56(uint56(target - previousTime));
        }
        found = true;
    }

    function _observation(IUniswapV3Pool pool, uint256 index)
        private
        view
        returns (bool ok, uint32 timestamp, int56 tickCumulative)
    {
        try pool.observations(index) returns (uint32 timestamp_, int56 tickCumulative_, uint160, bool initialized) {
            return (initialized, timestamp_, tickCumulative_);
        } catch {
            return (false, 0, 0);
        }
    }

    function _secondsAgos(uint32 window) private pure returns (uint32[] memory secondsAgos) {
        secondsAgos = new uint32[](2);
        secondsAgos[0] = window;
        // secondsAgos[1] = 0: now.
    }

    function _meanTick(int56[] memory tickCumulatives, uint32 window) private pure returns (int24 tick) {
        int56 delta = tickCumulatives[1] - tickCumulatives[0];
        int56 span = int56(uint56(window));
        // Solidity division truncates toward zero; floor instead, so the mean tick's price never rounds up.
        tick = int24(delta / span);
        if (delta < 0 && delta % span != 0) tick--;
    }
}
