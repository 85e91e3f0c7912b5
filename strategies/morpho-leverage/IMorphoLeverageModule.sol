// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

import {Id} from "@morpho-org/morpho-blue/src/interfaces/IMorpho.sol";
import {LeverageLimits} from "./LeverageLimitsLib.sol";

/// @title IMorphoLeverageModule
/// @notice The custom errors and events of `MorphoLeverageModule` beyond `IStrategyModule`'s: what a keeper, a
/// strategist or an indexer decodes. Reference them as `IMorphoLeverageModule.<Name>`.
interface IMorphoLeverageModule {
    /* ERRORS */

    /// @notice A callback came from someone other than Morpho or the pool.
    error UnexpectedCallback(address caller);
    /// @notice The market does not exist on Morpho, or its tokens/oracle do not match the vault and the pool.
    error MarketMismatch(Id marketId);
    /// @notice A swap asked for more than the oracle price and the slippage bound allow.
    /// @param amountIn What the pool asked for (loan token when levering up, collateral when delevering).
    /// @param maxIn The bound.
    error SlippageExceeded(uint256 amountIn, uint256 maxIn);
    /// @notice A keeper rebalance came before the cooldown ended.
    error CooldownActive(uint256 lastRebalance, uint256 cooldown, uint256 timestamp);
    /// @notice A ripcord or dead-man's delever came before the ripcord cooldown ended.
    error RipcordCooldownActive(uint256 lastEmergencyDelever, uint256 ripcordCooldown, uint256 timestamp);
    /// @notice Leverage is at or above the ripcord level: the keeper is refused, the ripcord must be used.
    error LeverageAboveRipcord(uint256 leverage, uint256 ripcordLeverage);
    /// @notice A lever-up was asked at or above target, or a delever at or below it.
    error WrongDirection(bool leverUp, uint256 leverage, uint256 targetLeverage);
    /// @notice The trade would end outside the band without getting strictly closer to target, or past target.
    error PostLeverageOutOfRange(
        uint256 preLeverage, uint256 postLeverage, uint256 minLeverage, uint256 targetLeverage, uint256 maxLeverage
    );
    /// @notice Neither price source is usable, so no risk-reducing trade can be bounded.
    error NoUsablePrice();
    /// @notice The ripcord was pulled below the ripcord leverage.
    error RipcordNotTriggered(uint256 leverage, uint256 ripcordLeverage);
    /// @notice The dead-man's switch was used before `deadManDelay` without a keeper rebalance.
    error DeadMansSwitchNotArmed(uint256 lastRebalance, uint256 deadManDelay, uint256 timestamp);
    /// @notice The dead-man's switch was used while leverage is not above the band.
    error LeverageNotAboveBand(uint256 leverage, uint256 maxLeverage);
    /// @notice An emergency delever found nothing to do (leverage already at its destination).
    error NothingToDelever(uint256 leverage, uint256 destination);
    /// @notice A delever did not lower leverage (slippage ate more than it repaid).
    error DeleverDidNotReduce(uint256 preLeverage, uint256 postLeverage);
    /// @notice `unwind` got a fraction outside (0, 1].
    error InvalidFraction(uint256 fraction);
    /// @notice A delever's collateral amount is worth no whole loan-token unit at the price, so there is nothing to
    /// repay (Morpho would refuse the zero repay with "inconsistent input").
    /// @param amount The collateral amount asked (after the trade-size cap).
    /// @param price The price it was valued at (Morpho's oracle unit).
    error DeleverTooSmall(uint256 amount, uint256 price);
    /// @notice A lever-up whose debt, if the swap costs as much as the slippage bound allows, would exceed what Morpho
    /// lends against the new collateral (Morpho would refuse the borrow with "insufficient collateral").
    /// @param worstDebt Debt after the trade at the slippage bound (loan-token units, rounded up).
    /// @param maxBorrow Collateral after the trade, at the price, times the market's LLTV (rounded down like Morpho).
    error LeverUpExceedsLltv(uint256 worstDebt, uint256 maxBorrow);

    /* EVENTS */

    /// @notice Emitted when the limits change (at deployment too).
    event LimitsSet(LeverageLimits limits);
    /// @notice Emitted after each trade: `collateral` bought (lever up) or sold (delever), `loan` borrowed or repaid.
    event Traded(bool leverUp, uint256 collateral, uint256 loan);
}
