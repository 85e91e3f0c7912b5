// SPDX-License-Identifier: BUSL-1.1
pragma solidity ^0.8.24;

import {WAD} from "@ballast/libraries/ConstantsLib.sol";

/// @notice Every risk limit of a `MorphoLeverageModule`, in one struct, validated together on every change. Leverage
/// is WAD (1e18 = 1x, collateral / equity); sizes are in vault-asset units; times in seconds. ABI-encoded
/// (`abi.encode(limits)`) for `checkLimits` / `setLimits` / `limits`. See the module's README for defaults.
struct LeverageLimits {
    /// @dev Lower edge of the band the keeper keeps leverage in.
    uint64 minLeverage;
    /// @dev Where keeper rebalances steer; never passed by one.
    uint64 targetLeverage;
    /// @dev Upper edge of the band.
    uint64 maxLeverage;
    /// @dev At or above it the keeper is refused and anyone may pull the ripcord.
    uint64 ripcordLeverage;
    /// @dev Largest collateral trade (at the oracle price) of one keeper rebalance, dead-man's switch or guardian step.
    uint128 maxTradeSize;
    /// @dev Largest collateral trade of one ripcord.
    uint128 ripcordMaxTradeSize;
    /// @dev Worst swap price accepted by keeper, dead-man and guardian trades, vs the oracle (bps).
    uint16 maxSlippageBps;
    /// @dev Worst swap price accepted by the ripcord (bps); at least `maxSlippageBps`.
    uint16 ripcordSlippageBps;
    /// @dev Largest feed vs pool-TWAP disagreement for a healthy price (bps).
    uint16 maxOracleDeviationBps;
    /// @dev Least time between two keeper rebalances.
    uint32 cooldown;
    /// @dev Least time between two permissionless delevers (ripcord, dead-man's switch).
    uint32 ripcordCooldown;
    /// @dev Oldest feed answer a healthy price may use.
    uint32 maxOracleStaleness;
    /// @dev Time without a keeper rebalance after which anyone may delever an out-of-band position.
    uint32 deadManDelay;
}

/// @dev `LeverageLimits` as stored, with the two timestamps in the 80 bits the third slot leaves free: every
/// trade reads all three slots and writes one timestamp, so they cost no extra cold read. `lastEmergencyDelever`
/// starts at 1 (long past) so that the slot is never zero.
struct StoredLimits {
    uint64 minLeverage;
    uint64 targetLeverage;
    uint64 maxLeverage;
    uint64 ripcordLeverage;
    uint128 maxTradeSize;
    uint128 ripcordMaxTradeSize;
    uint16 maxSlippageBps;
    uint16 ripcordSlippageBps;
    uint16 maxOracleDeviationBps;
    uint32 cooldown;
    uint32 ripcordCooldown;
    uint32 maxOracleStaleness;
    uint32 deadManDelay;
    uint40 lastRebalance;
    uint40 lastEmergencyDelever;
}

/// @title LeverageLimitsLib
/// @notice Validation of `LeverageLimits` against hard bounds no role can move, and the "does it loosen" test the
/// vault's timelock relies on. A limit loosens when the change permits more risk or more cost than before.
library LeverageLimitsLib {
    /// @notice The leverage fields are not `1x <= min <= target <= max < ripcord`.
    error LeverageOrderInvalid(
        uint256 minLeverage, uint256 targetLeverage, uint256 maxLeverage, uint256 ripcordLeverage
    );
    /// @notice The ripcord leverage is too close to the market's liquidation leverage.
    /// @param maxRipcordLeverage 1 / (1 - (LLTV - LIQUIDATION_LTV_BUFFER)).
    error RipcordTooCloseToLiquidation(uint256 ripcordLeverage, uint256 maxRipcordLeverage, uint256 lltv);
    /// @notice A slippage bound is above its hard cap, or the ripcord's is below the keeper's.
    error SlippageOutOfBounds(uint256 maxSlippageBps, uint256 ripcordSlippageBps);
    /// @notice A trade size is zero.
    error TradeSizeZero(uint256 maxTradeSize, uint256 ripcordMaxTradeSize);
    /// @notice The oracle bounds are outside [1, MAX_STALENESS] seconds and [1, MAX_DEVIATION_BPS].
    error OracleBoundsOutOfRange(uint256 maxOracleStaleness, uint256 maxOracleDeviationBps);
    /// @notice A cooldown is above MAX_COOLDOWN.
    error CooldownTooLong(uint256 cooldown, uint256 ripcordCooldown, uint256 max);
    /// @notice The dead-man delay is not in [max(cooldown, MIN_DEAD_MAN_DELAY), MAX_DEAD_MAN_DELAY].
    error DeadManDelayOutOfBounds(uint256 deadManDelay, uint256 min, uint256 max);

    /// @dev The ripcord must fire with at least 5 points of LTV left before liquidation.
    uint256 internal constant LIQUIDATION_LTV_BUFFER = 0.05e18;
    /// @dev Keeper / dead-man / guardian slippage cap.
    uint256 internal constant MAX_SLIPPAGE_BPS = 500;
    /// @dev Ripcord slippage cap.
    uint256 internal constant MAX_RIPCORD_SLIPPAGE_BPS = 1000;
    uint256 internal constant MAX_STALENESS = 2 days;
    uint256 internal constant MAX_DEVIATION_BPS = 2000;
    uint256 internal constant MAX_COOLDOWN = 7 days;
    uint256 internal constant MIN_DEAD_MAN_DELAY = 1 hours;
    uint256 internal constant MAX_DEAD_MAN_DELAY = 30 days;

    /// @notice 1 / (1 - (lltv - LIQUIDATION_LTV_BUFFER)) in WAD: the highest ripcord leverage allowed.
    function maxRipcordLeverage(uint256 lltv) internal pure returns (uint256) {
        if (lltv <= LIQUIDATION_LTV_BUFFER) return WAD;
        return WAD * WAD / (WAD - (lltv - LIQUIDATION_LTV_BUFFER));
    }

    /// @notice Reverts with the first inconsistency found, for a market of liquidation LTV `lltv`.
    function validate(LeverageLimits memory l, uint256 lltv) internal pure {
        if (
            l.minLeverage < WAD || l.minLeverage > l.targetLeverage || l.targetLeverage > l.maxLeverage
                || l.maxLeverage >= l.ripcordLeverage
        ) revert LeverageOrderInvalid(l.minLeverage, l.targetLeverage, l.maxLeverage, l.ripcordLeverage);
        uint256 maxRipcord = maxRipcordLeverage(lltv);
        if (l.ripcordLeverage > maxRipcord) revert RipcordTooCloseToLiquidation(l.ripcordLeverage, maxRipcord, lltv);
        if (
            l.maxSlippageBps > MAX_SLIPPAGE_BPS || l.ripcordSlippageBps > MAX_RIPCORD_SLIPPAGE_BPS
                || l.ripcordSlippageBps < l.maxSlippageBps
        ) revert SlippageOutOfBounds(l.maxSlippageBps, l.ripcordSlippageBps);
        if (l.maxTradeSize == 0 || l.ripcordMaxTradeSize == 0) {
            revert TradeSizeZero(l.maxTradeSize, l.ripcordMaxTradeSize);
        }
        if (
            l.maxOracleStaleness == 0 || l.maxOracleStaleness > MAX_STALENESS || l.maxOracleDeviationBps == 0
                || l.maxOracleDeviationBps > MAX_DEVIATION_BPS
        ) revert OracleBoundsOutOfRange(l.maxOracleStaleness, l.maxOracleDeviationBps);
        if (l.cooldown > MAX_COOLDOWN || l.ripcordCooldown > MAX_COOLDOWN) {
            revert CooldownTooLong(l.cooldown, l.ripcordCooldown, MAX_COOLDOWN);
        }
        uint256 minDelay = l.cooldown > MIN_DEAD_MAN_DELAY ? l.cooldown : MIN_DEAD_MAN_DELAY;
        if (l.deadManDelay < minDelay || l.deadManDelay > MAX_DEAD_MAN_DELAY) {
            revert DeadManDelayOutOfBounds(l.deadManDelay, minDelay, MAX_DEAD_MAN_DELAY);
        }
    }

    /// @notice Whether `next` permits anything `current` did not: higher leverage (any of the four leverage fields up,
    /// including a higher floor, which forces the keeper to hold more risk), larger trades, wider slippage, a staler
    /// or more disputed price, shorter cooldowns, or a later dead-man's switch.
    /// @dev Lowering `minLeverage` is tightening: the guardian must be able to cut target and floor at once.
    function loosens(LeverageLimits memory current, LeverageLimits memory next) internal pure returns (bool) {
        return next.minLeverage > current.minLeverage || next.targetLeverage > current.targetLeverage
            || next.maxLeverage > current.maxLeverage || next.ripcordLeverage > current.ripcordLeverage
            || next.maxTradeSize > current.maxTradeSize || next.ripcordMaxTradeSize > current.ripcordMaxTradeSize
            || next.maxSlippageBps > current.maxSlippageBps || next.ripcordSlippageBps > current.ripcordSlippageBps
            || next.maxOracleDeviationBps > current.maxOracleDeviationBps
            || next.maxOracleStaleness > current.maxOracleStaleness || next.cooldown < current.cooldown
            || next.ripcordCooldown < current.ripcordCooldown || next.deadManDelay > current.deadManDelay;
    }

    /// @notice Writes `n` into `st`, keeping the two timestamps. Does not validate.
    function store(StoredLimits storage st, LeverageLimits memory n) internal {
        (st.minLeverage, st.targetLeverage, st.maxLeverage, st.ripcordLeverage) =
            (n.minLeverage, n.targetLeverage, n.maxLeverage, n.ripcordLeverage);
        (st.maxTradeSize, st.ripcordMaxTradeSize) = (n.maxTradeSize, n.ripcordMaxTradeSize);
        (st.maxSlippageBps, st.ripcordSlippageBps, st.maxOracleDeviationBps) =
            (n.maxSlippageBps, n.ripcordSlippageBps, n.maxOracleDeviationBps);
        (st.cooldown, st.ripcordCooldown, st.maxOracleStaleness, st.deadManDelay) =
            (n.cooldown, n.ripcordCooldown, n.maxOracleStaleness, n.deadManDelay);
    }

    /// @notice The `LeverageLimits` part of `st`.
    function unpack(StoredLimits memory st) internal pure returns (LeverageLimits memory) {
        return LeverageLimits({
            minLeverage: st.minLeverage,
            targetLeverage: st.targetLeverage,
            maxLeverage: st.maxLeverage,
            ripcordLeverage: st.ripcordLeverage,
            maxTradeSize: st.maxTradeSize,
            ripcordMaxTradeSize: st.ripcordMaxTradeSize,
            maxSlippageBps: st.maxSlippageBps,
            ripcordSlippageBps: st.ripcordSlippageBps,
            maxOracleDeviationBps: st.maxOracleDeviationBps,
            cooldown: st.cooldown,
            ripcordCooldown: st.ripcordCooldown,
            maxOracleStaleness: st.maxOracleStaleness,
            deadManDelay: st.deadManDelay
        });
    }
}
