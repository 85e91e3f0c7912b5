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
