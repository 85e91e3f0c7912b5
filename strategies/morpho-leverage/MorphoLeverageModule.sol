// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {IMorpho, Id, MarketParams, Position} from "@morpho-org/morpho-blue/src/interfaces/IMorpho.sol";
import {
    IMorphoSupplyCollateralCallback,
    IMorphoRepayCallback
} from "@morpho-org/morpho-blue/src/interfaces/IMorphoCallbacks.sol";
import {MarketParamsLib} from "@morpho-org/morpho-blue/src/libraries/MarketParamsLib.sol";
import {MorphoBalancesLib} from "@morpho-org/morpho-blue/src/libraries/periphery/MorphoBalancesLib.sol";
import {SharesMathLib} from "@morpho-org/morpho-blue/src/libraries/SharesMathLib.sol";
import {IUniswapV3Pool} from "@uniswap/v3-core/contracts/interfaces/IUniswapV3Pool.sol";
import {IUniswapV3SwapCallback} from "@uniswap/v3-core/contracts/interfaces/callback/IUniswapV3SwapCallback.sol";

import {IStrategyModule, RebalanceParams, ModuleState, DeleverReason} from "@ballast/interfaces/IStrategyModule.sol";
import {IBallastOracle, PriceHealth} from "@ballast/interfaces/IBallastOracle.sol";
import {IAggregatorV3} from "@ballast/interfaces/IAggregatorV3.sol";
import {PriceHealthLib} from "@ballast/oracle/PriceHealthLib.sol";
import {ErrorsLib} from "@ballast/libraries/ErrorsLib.sol";
import {TickMathLib} from "@ballast/libraries/TickMathLib.sol";
import {WAD, BPS} from "@ballast/libraries/ConstantsLib.sol";
import {LeverageLimits, LeverageLimitsLib} from "./LeverageLimitsLib.sol";

/// @title MorphoLeverageModule
/// @notice A Ballast strategy module holding a leveraged position on one Morpho Blue market: the vault asset is the
/// collateral, the market's loan token is borrowed and swapped into more collateral on one Uniswap V3 pool. Lever up,
/// delever and pro-rata unwind are each one transaction through Morpho's callbacks and the pool's swap callback (no
/// flash loan). See `README.md` in this folder for parameters and the threat model.
/// @dev Units: leverage WAD (collateral / equity); prices in Morpho's oracle unit (loan base units per collateral base
/// unit, times 1e36); trade sizes in collateral (vault-asset) units at the oracle price.
contract MorphoLeverageModule is
    IStrategyModule,
    IMorphoSupplyCollateralCallback,
    IMorphoRepayCallback,
    IUniswapV3SwapCallback
{
    using Math for uint256;
    using SafeERC20 for IERC20;
    using MarketParamsLib for MarketParams;
    using MorphoBalancesLib for IMorpho;
    using SharesMathLib for uint256;

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

    /* EVENTS */

    /// @notice Emitted when the limits change (at deployment too).
    event LimitsSet(LeverageLimits limits);
    /// @notice Emitted after each trade: `collateral` bought (lever up) or sold (delever), `loan` borrowed or repaid.
    event Traded(bool leverUp, uint256 collateral, uint256 loan);

    /* IMMUTABLES */

    uint256 internal constant ORACLE_PRICE_SCALE = 1e36;

    /// @inheritdoc IStrategyModule
    address public immutable vault;
    /// @inheritdoc IStrategyModule
    address public immutable asset;
    /// @notice The borrowed token.
    address public immutable loanToken;
    IMorpho public immutable morpho;
    IUniswapV3Pool public immutable pool;
    /// @notice The market's oracle (feed + pool TWAP): Morpho prices with it and so does this module.
    IBallastOracle public immutable oracle;
    address internal immutable irm;
    uint256 public immutable lltv;
    Id public immutable marketId;
    bool internal immutable collateralIsToken0;
    /// @dev The oracle's own immutables, read once: the module computes `oracle.health` in place with the same
    /// library (`PriceHealthLib`), saving the oracle hop and reusing the block's TWAP (see `_twap`).
    IAggregatorV3 internal immutable feed;
    uint256 internal immutable scaleFactor;
    uint32 internal immutable twapWindow;

    /* STORAGE */

    LeverageLimits internal _limits;
    /// @notice Timestamp of the last successful keeper rebalance.
    uint64 public lastRebalance;
    /// @notice Timestamp of the last ripcord or dead-man's delever; 1 (long past) until the first one.
    /// @dev Starts at 1, not 0, so that the slot it shares with `lastRebalance` is never zero: the first keeper
    /// rebalance then pays a 2.9k rewrite instead of a 20k zero-to-nonzero write.
    uint64 public lastEmergencyDelever;

    /* TRANSIENT */

    /// @dev The pool TWAP read in this transaction, valid while `_twapBlock` is the current `_blockKey()`: a TWAP is
    /// constant within a block (see `PriceHealthLib.twapPrice`), so the valuation after a trade reuses the one read
    /// before it. Written by the mutating entry points only (views cannot write); keyed by block number and
    /// timestamp so that a test moving time inside one transaction never reads a stale one.
    uint256 transient _twapBlock;
    uint256 transient _twapCached;

    /* TYPES */

    /// @dev A position valued at one price. `debtInAssets` rounds up, so equity and leverage err against the holder.
    struct Valued {
        uint256 collateral;
        uint256 debt;
        uint256 debtInAssets;
        uint256 leverage;
    }

    /* CONSTRUCTOR */

    /// @param vault_ The only caller of the mutating functions; its asset must be the market's collateral.
    /// @param marketParams A created Morpho market whose oracle is an `IBallastOracle` over `pool_`.
    /// @param pool_ The Uniswap V3 pool of collateral/loan that trades are made on (the oracle's TWAP pool).
    constructor(
        address vault_,
        IMorpho morpho_,
        MarketParams memory marketParams,
        IUniswapV3Pool pool_,
        LeverageLimits memory initialLimits
    ) {
        Id id = marketParams.id();
        IBallastOracle oracle_ = IBallastOracle(marketParams.oracle);
        if (
            morpho_.market(id).lastUpdate == 0 || address(oracle_.pool()) != address(pool_)
                || oracle_.collateralToken() != marketParams.collateralToken
                || oracle_.loanToken() != marketParams.loanToken
        ) revert MarketMismatch(id);
        if (vault_ == address(0)) revert ErrorsLib.ZeroAddress();

        vault = vault_;
        asset = marketParams.collateralToken;
        loanToken = marketParams.loanToken;
        morpho = morpho_;
        pool = pool_;
        oracle = oracle_;
        irm = marketParams.irm;
        lltv = marketParams.lltv;
        marketId = id;
        collateralIsToken0 = oracle_.collateralIsToken0();
        feed = oracle_.feed();
        scaleFactor = oracle_.scaleFactor();
        twapWindow = oracle_.twapWindow();
        lastEmergencyDelever = 1;

        _setLimits(initialLimits);
        // Morpho pulls collateral in `supplyCollateral` and the loan token in `repay`.
        IERC20(marketParams.collateralToken).forceApprove(address(morpho_), type(uint256).max);
        IERC20(marketParams.loanToken).forceApprove(address(morpho_), type(uint256).max);
    }

    modifier onlyVault() {
        if (msg.sender != vault) revert ErrorsLib.NotVault(msg.sender);
        _;
    }

    /* VIEWS */

    /// @inheritdoc IStrategyModule
    function totalAssets() external view returns (uint256) {
        Valued memory v = _value(_priceFrom(_health()));
        return v.collateral > v.debtInAssets ? v.collateral - v.debtInAssets : 0;
    }

    /// @inheritdoc IStrategyModule
    /// @dev Without debt, equity is the collateral itself and needs no price: healthy.
    function priceHealthy() external view returns (bool) {
        if (morpho.position(marketId, address(this)).borrowShares == 0) return true;
        return _health().healthy;
    }

    /// @inheritdoc IStrategyModule
    function state() external view returns (ModuleState memory s) {
        PriceHealth memory h = _health();
        uint256 price = _priceFrom(h);
        s = _toState(_value(price), price);
        s.oracleUpdatedAt = h.feedUpdatedAt;
        s.oracleHealthy = h.healthy;
    }

    /// @inheritdoc IStrategyModule
    /// @dev Debt share of the position times the keeper's slippage bound: a pro-rata unwind of equity e sells
    /// collateral for e * debtInAssets / equity of debt, at most `maxSlippageBps` worse than the valuation price,
    /// plus 1 bp for rounding. Not enforced by the module (unwinds must work without the oracle): the vault measures
    /// the realised cost and refuses a standard exit above this bound. BPS when equity is zero.
    function unwindCostBps() external view returns (uint256) {
        LeverageLimits storage l = _limits;
        Valued memory v = _value(_priceFrom(_health()));
        if (v.debtInAssets == 0) return 0;
        if (v.collateral <= v.debtInAssets) return BPS;
        uint256 equity = v.collateral - v.debtInAssets;
        if (v.debtInAssets / equity >= BPS) return BPS;
        return Math.min(v.debtInAssets.mulDiv(l.maxSlippageBps, equity, Math.Rounding.Ceil) + 1, BPS);
    }

    /// @inheritdoc IStrategyModule
    function isRiskIncreasing(RebalanceParams calldata params) external pure returns (bool) {
        return params.leverUp;
    }

    /// @inheritdoc IStrategyModule
    /// @dev The prediction trades at the oracle price with the full `maxSlippageBps`: the worst post-state the
    /// rebalance can leave (for a lever-up, the highest leverage; for a delever, the least reduction).
    function previewRebalance(RebalanceParams calldata params) external view returns (ModuleState memory s) {
        LeverageLimits memory l = _limits;
        PriceHealth memory h = _health();
        (uint256 price, Valued memory pre, uint256 amount) = _planRebalance(params, l, h);
        Valued memory post = _predict(pre, params.leverUp, amount, price, l.maxSlippageBps);
        _checkPostLeverage(params.leverUp, pre.leverage, post.leverage, l);
        s = _toState(post, price);
        s.oracleUpdatedAt = h.feedUpdatedAt;
        s.oracleHealthy = h.healthy;
        s.lastRebalance = block.timestamp;
    }

    /// @inheritdoc IStrategyModule
    function checkLimits(bytes calldata newLimits) external view returns (bool loosens) {
        LeverageLimits memory next = abi.decode(newLimits, (LeverageLimits));
        LeverageLimitsLib.validate(next, lltv);
        return LeverageLimitsLib.loosens(_limits, next);
    }

    /// @inheritdoc IStrategyModule
    function limits() external view returns (bytes memory) {
        return abi.encode(_limits);
    }

    /// @notice The current limits as a struct.
    function leverageLimits() external view returns (LeverageLimits memory) {
        return _limits;
    }

    /* VAULT ENTRY POINTS */

    /// @inheritdoc IStrategyModule
    /// @dev Supplies the assets as collateral at 1x; the keeper levers up later through `rebalance`.
    function allocate(uint256 assets) external onlyVault {
        morpho.supplyCollateral(_marketParams(), assets, address(this), "");
    }

    /// @inheritdoc IStrategyModule
    /// @dev Repays `fraction` of the borrow shares (rounded up) through the repay callback, which buys exactly the
    /// repaid loan amount on the pool with collateral withdrawn straight to the pool, then withdraws the rest of
    /// `fraction` of the collateral (rounded down) to the vault. No oracle read: the only bound here is that the swap
    /// never takes more than this fraction's collateral; the vault bounds the realised cost (`unwindCostBps`).
    function unwind(uint256 fraction) external onlyVault returns (uint256 assetsOut) {
        if (fraction == 0 || fraction > WAD) revert InvalidFraction(fraction);
        MarketParams memory marketParams = _marketParams();
        Position memory p = morpho.position(marketId, address(this));
        uint256 collateralOut = uint256(p.collateral).mulDiv(fraction, WAD);
        uint256 shares = uint256(p.borrowShares).mulDiv(fraction, WAD, Math.Rounding.Ceil);
        uint256 sold;
        if (shares != 0) {
            morpho.repay(marketParams, 0, shares, address(this), abi.encode(collateralOut));
            sold = p.collateral - morpho.position(marketId, address(this)).collateral;
        }
        // `sold <= collateralOut`: the swap callback refuses more.
        assetsOut = collateralOut - sold;
        if (assetsOut != 0) morpho.withdrawCollateral(marketParams, assetsOut, address(this), vault);
    }

    /// @inheritdoc IStrategyModule
    /// @dev Lever-up needs a healthy oracle (`checkedPrice` reverts with the oracle's error); a delever runs on the
    /// conservative valuation price. Refused at or above the ripcord leverage.
    function rebalance(RebalanceParams calldata params)
        external
        onlyVault
        returns (uint256 preLeverage, uint256 postLeverage)
    {
        LeverageLimits memory l = _limits;
        (uint256 price, Valued memory pre, uint256 amount) = _planRebalance(params, l, _healthAndCacheTwap());
        if (params.leverUp) _leverUp(amount, price, l.maxSlippageBps);
        else _delever(pre.debt, amount, price, l.maxSlippageBps);

        preLeverage = pre.leverage;
        postLeverage = _value(price).leverage;
        _checkPostLeverage(params.leverUp, preLeverage, postLeverage, l);
        lastRebalance = uint64(block.timestamp);
    }

    /// @inheritdoc IStrategyModule
    /// @dev Ripcord: leverage >= ripcordLeverage; trades at most `ripcordMaxTradeSize` toward target with
    /// `ripcordSlippageBps`. DeadMansSwitch: no keeper rebalance for `deadManDelay` and leverage above the band; at
    /// most `maxTradeSize` toward target. Both share `ripcordCooldown`. Guardian: at most `maxTradeSize` toward target
    /// (toward `minLeverage` when already at or below target). All price at the conservative valuation price and
    /// never pass their destination at the oracle price.
    function delever(DeleverReason reason) external onlyVault returns (uint256 preLeverage, uint256 postLeverage) {
        LeverageLimits memory l = _limits;
        uint256 price = _deleverPrice(_healthAndCacheTwap());
        Valued memory pre = _value(price);
        preLeverage = pre.leverage;

        uint256 maxSize = l.maxTradeSize;
        uint256 slippageBps = l.maxSlippageBps;
        uint256 destination = l.targetLeverage;
        if (reason == DeleverReason.Ripcord) {
            if (preLeverage < l.ripcordLeverage) revert RipcordNotTriggered(preLeverage, l.ripcordLeverage);
            _useEmergencyCooldown(l);
            maxSize = l.ripcordMaxTradeSize;
            slippageBps = l.ripcordSlippageBps;
        } else if (reason == DeleverReason.DeadMansSwitch) {
            if (block.timestamp < uint256(lastRebalance) + l.deadManDelay) {
                revert DeadMansSwitchNotArmed(lastRebalance, l.deadManDelay, block.timestamp);
            }
            if (preLeverage <= l.maxLeverage) revert LeverageNotAboveBand(preLeverage, l.maxLeverage);
            _useEmergencyCooldown(l);
        } else if (preLeverage <= l.targetLeverage) {
            destination = l.minLeverage;
        }

        uint256 amount = Math.min(maxSize, _sizeToReach(pre, destination));
        if (amount == 0 || pre.debt == 0) revert NothingToDelever(preLeverage, destination);
        _delever(pre.debt, amount, price, slippageBps);
        postLeverage = _value(price).leverage;
        if (postLeverage >= preLeverage) revert DeleverDidNotReduce(preLeverage, postLeverage);
    }

    /// @inheritdoc IStrategyModule
    function setLimits(bytes calldata newLimits) external onlyVault {
        _setLimits(abi.decode(newLimits, (LeverageLimits)));
    }

    /* CALLBACKS */

    /// @notice Lever-up, step 2 (Morpho has credited `assets` of collateral): buy exactly `assets` of collateral on
    /// the pool; Morpho then pulls it from this contract.
    /// @dev Only Morpho, and Morpho only calls back the caller of `supplyCollateral`: this contract.
    function onMorphoSupplyCollateral(uint256 assets, bytes calldata data) external {
        if (msg.sender != address(morpho)) revert UnexpectedCallback(msg.sender);
        _swapExactOutput(true, assets, abi.decode(data, (uint256)));
    }

    /// @notice Delever / unwind, step 2 (Morpho has reduced the debt by `assets`): buy exactly `assets` of the loan
    /// token on the pool; Morpho then pulls it from this contract.
    /// @dev Only Morpho, and Morpho only calls back the caller of `repay`: this contract.
    function onMorphoRepay(uint256 assets, bytes calldata data) external {
        if (msg.sender != address(morpho)) revert UnexpectedCallback(msg.sender);
        _swapExactOutput(false, assets, abi.decode(data, (uint256)));
    }

    /// @notice Step 3: pay the pool. Lever-up: borrow the owed loan token straight to the pool. Delever: withdraw the
    /// owed collateral straight to the pool. Either is refused above `maxIn` (from `data`).
    /// @dev Only the pool, and the pool only calls back the caller of `swap`: this contract, from a Morpho callback.
    function uniswapV3SwapCallback(int256 amount0Delta, int256 amount1Delta, bytes calldata data) external {
        if (msg.sender != address(pool)) revert UnexpectedCallback(msg.sender);
        uint256 maxIn = abi.decode(data, (uint256));
        (int256 collateralDelta, int256 loanDelta) =
            collateralIsToken0 ? (amount0Delta, amount1Delta) : (amount1Delta, amount0Delta);
        if (loanDelta > 0) {
            uint256 owed = uint256(loanDelta);
            if (owed > maxIn) revert SlippageExceeded(owed, maxIn);
            morpho.borrow(_marketParams(), owed, 0, address(this), msg.sender);
        } else {
            uint256 owed = uint256(collateralDelta);
            if (owed > maxIn) revert SlippageExceeded(owed, maxIn);
            morpho.withdrawCollateral(_marketParams(), owed, address(this), msg.sender);
        }
    }

    /* INTERNAL: TRADES */

    /// @dev Buys `amount` collateral with borrowed loan token, paying at most oracle price * (1 + slippage).
    function _leverUp(uint256 amount, uint256 price, uint256 slippageBps) internal {
        uint256 maxIn = amount.mulDiv(price, ORACLE_PRICE_SCALE).mulDiv(BPS + slippageBps, BPS);
        morpho.supplyCollateral(_marketParams(), amount, address(this), abi.encode(maxIn));
        emit Traded(true, amount, maxIn);
    }

    /// @dev Sells collateral worth `amount` at the oracle price (at most that * (1 + slippage)) to repay debt. The
    /// whole debt is repaid by shares when `amount` covers it.
    function _delever(uint256 debt, uint256 amount, uint256 price, uint256 slippageBps) internal {
        uint256 repaid = amount.mulDiv(price, ORACLE_PRICE_SCALE);
        MarketParams memory marketParams = _marketParams();
        if (repaid >= debt) {
            uint256 maxIn = debt.mulDiv(ORACLE_PRICE_SCALE, price, Math.Rounding.Ceil).mulDiv(BPS + slippageBps, BPS);
            uint256 shares = morpho.position(marketId, address(this)).borrowShares;
            (repaid,) = morpho.repay(marketParams, 0, shares, address(this), abi.encode(maxIn + 1));
        } else {
            uint256 maxIn = amount.mulDiv(BPS + slippageBps, BPS);
            morpho.repay(marketParams, repaid, 0, address(this), abi.encode(maxIn));
        }
        emit Traded(false, amount, repaid);
    }

    /// @dev `collateralOut`: buy collateral with the loan token (lever up), else buy the loan token with collateral.
    function _swapExactOutput(bool collateralOut, uint256 amountOut, uint256 maxIn) internal {
        // zeroForOne: the token paid in is token0.
        bool zeroForOne = collateralOut != collateralIsToken0;
        pool.swap(
            address(this),
            zeroForOne,
            -int256(amountOut),
            zeroForOne ? TickMathLib.MIN_SQRT_RATIO + 1 : TickMathLib.MAX_SQRT_RATIO - 1,
            abi.encode(maxIn)
        );
    }

    /* INTERNAL: CHECKS */

    /// @dev The checks shared by `rebalance` and `previewRebalance`, in the order a keeper most needs to see them.
    /// `h` is the price health read once by the caller.
    function _planRebalance(RebalanceParams calldata params, LeverageLimits memory l, PriceHealth memory h)
        internal
        view
        returns (uint256 price, Valued memory pre, uint256 amount)
    {
        if (block.timestamp < uint256(lastRebalance) + l.cooldown) {
            revert CooldownActive(lastRebalance, l.cooldown, block.timestamp);
        }
        price = params.leverUp ? _checkedPrice(h, l) : _deleverPrice(h);
        pre = _value(price);
        if (pre.leverage >= l.ripcordLeverage) revert LeverageAboveRipcord(pre.leverage, l.ripcordLeverage);
        if (params.leverUp ? pre.leverage >= l.targetLeverage : pre.leverage <= l.targetLeverage) {
            revert WrongDirection(params.leverUp, pre.leverage, l.targetLeverage);
        }
        amount = Math.min(params.amount, l.maxTradeSize);
        if (amount == 0) revert ErrorsLib.ZeroAmount();
    }

    /// @dev Never past target; and inside the band or strictly closer to target.
    function _checkPostLeverage(bool leverUp, uint256 pre, uint256 post, LeverageLimits memory l) internal pure {
        bool notPast = leverUp ? post <= l.targetLeverage : post >= l.targetLeverage;
        bool inBand = post >= l.minLeverage && post <= l.maxLeverage;
        bool closer = leverUp ? post > pre : post < pre;
        if (!notPast || !(inBand || closer)) {
            revert PostLeverageOutOfRange(pre, post, l.minLeverage, l.targetLeverage, l.maxLeverage);
        }
    }

    function _useEmergencyCooldown(LeverageLimits memory l) internal {
        if (block.timestamp < uint256(lastEmergencyDelever) + l.ripcordCooldown) {
            revert RipcordCooldownActive(lastEmergencyDelever, l.ripcordCooldown, block.timestamp);
        }
        lastEmergencyDelever = uint64(block.timestamp);
    }

    function _setLimits(LeverageLimits memory newLimits) internal {
        LeverageLimitsLib.validate(newLimits, lltv);
        _limits = newLimits;
        emit LimitsSet(newLimits);
    }

    /* INTERNAL: PRICES AND POSITION */

    /// @dev `oracle.health(maxOracleStaleness, maxOracleDeviationBps)`, computed in place with the oracle's library
    /// and this block's TWAP when one was read already. Reads one slot of the limits.
    function _health() internal view returns (PriceHealth memory) {
        LeverageLimits storage l = _limits;
        return PriceHealthLib.withTwap(feed, scaleFactor, _twap(), l.maxOracleStaleness, l.maxOracleDeviationBps);
    }

    /// @dev `_health`, leaving the TWAP in transient storage for the rest of the transaction (mutating paths only).
    function _healthAndCacheTwap() internal returns (PriceHealth memory) {
        uint256 key = _blockKey();
        if (_twapBlock != key) {
            _twapCached = PriceHealthLib.twapPrice(pool, twapWindow, collateralIsToken0);
            _twapBlock = key;
        }
        return _health();
    }

    /// @dev The pool TWAP (0 when unavailable): this block's cached one, else read from the pool.
    function _twap() internal view returns (uint256) {
        if (_twapBlock == _blockKey()) return _twapCached;
        return PriceHealthLib.twapPrice(pool, twapWindow, collateralIsToken0);
    }

    function _blockKey() internal view returns (uint256) {
        return (block.number << 64) | block.timestamp;
    }

    /// @dev `oracle.checkedPrice`: the feed price when healthy. Otherwise the oracle's own checked read is called for
    /// its precise error (`StalePrice`, `InvalidPrice`, `PriceDeviationTooHigh`, the pool's `OLD`); it cannot succeed
    /// where `health` is unhealthy (same inputs), but if it did, the lever-up would still be refused.
    function _checkedPrice(PriceHealth memory h, LeverageLimits memory l) internal view returns (uint256) {
        if (h.healthy) return h.feedPrice;
        oracle.checkedPrice(l.maxOracleStaleness, l.maxOracleDeviationBps);
        revert ErrorsLib.OracleUnhealthy(address(oracle));
    }

    /// @dev The conservative valuation price (see `IBallastOracle.valuationPrice`).
    function _priceFrom(PriceHealth memory h) internal pure returns (uint256) {
        if (h.healthy || h.twapPrice == 0) return h.feedPrice;
        if (h.feedPrice == 0) return h.twapPrice;
        return Math.min(h.feedPrice, h.twapPrice);
    }

    /// @dev Risk-reducing trades run on the valuation price; they cannot be bounded without one.
    function _deleverPrice(PriceHealth memory h) internal pure returns (uint256 price) {
        price = _priceFrom(h);
        if (price == 0) revert NoUsablePrice();
    }

    /// @dev The position with Morpho's interest accrued to now, valued at `price`. One `position` read; the debt is
    /// `MorphoBalancesLib.expectedBorrowAssets` (market balances accrued to now, shares rounded up), skipped without
    /// borrow shares.
    function _value(uint256 price) internal view returns (Valued memory v) {
        Position memory p = morpho.position(marketId, address(this));
        v.collateral = p.collateral;
        if (p.borrowShares != 0) {
            (,, uint256 totalBorrowAssets, uint256 totalBorrowShares) = morpho.expectedMarketBalances(_marketParams());
            v.debt = uint256(p.borrowShares).toAssetsUp(totalBorrowAssets, totalBorrowShares);
        }
        _finishValue(v, price);
    }

    function _finishValue(Valued memory v, uint256 price) internal pure {
        if (v.debt == 0) v.debtInAssets = 0;
        else if (price == 0) v.debtInAssets = type(uint256).max;
        else v.debtInAssets = v.debt.mulDiv(ORACLE_PRICE_SCALE, price, Math.Rounding.Ceil);

        if (v.debtInAssets == 0) v.leverage = WAD;
        else if (v.debtInAssets >= v.collateral) v.leverage = type(uint256).max;
        else v.leverage = v.collateral.mulDiv(WAD, v.collateral - v.debtInAssets, Math.Rounding.Ceil);
    }

    /// @dev The post-trade position at `price` with the full slippage paid.
    function _predict(Valued memory pre, bool leverUp, uint256 amount, uint256 price, uint256 slippageBps)
        internal
        pure
        returns (Valued memory post)
    {
        if (leverUp) {
            post.collateral = pre.collateral + amount;
            post.debt = pre.debt
                + amount.mulDiv(price, ORACLE_PRICE_SCALE, Math.Rounding.Ceil)
                    .mulDiv(BPS + slippageBps, BPS, Math.Rounding.Ceil);
        } else {
            uint256 repaid = Math.min(amount.mulDiv(price, ORACLE_PRICE_SCALE), pre.debt);
            uint256 sold = repaid.mulDiv(ORACLE_PRICE_SCALE, price, Math.Rounding.Ceil)
                .mulDiv(BPS + slippageBps, BPS, Math.Rounding.Ceil);
            post.collateral = pre.collateral > sold ? pre.collateral - sold : 0;
            post.debt = pre.debt - repaid;
        }
        _finishValue(post, price);
    }

    /// @dev Collateral to sell (at zero cost) to take leverage down to `destination`: C - destination * E.
    function _sizeToReach(Valued memory v, uint256 destination) internal pure returns (uint256) {
        if (v.debtInAssets >= v.collateral) return v.collateral;
        uint256 kept = (v.collateral - v.debtInAssets).mulDiv(destination, WAD, Math.Rounding.Ceil);
        return v.collateral > kept ? v.collateral - kept : 0;
    }

    function _toState(Valued memory v, uint256 price) internal view returns (ModuleState memory s) {
        s.collateral = v.collateral;
        s.debt = v.debt;
        s.debtInAssets = v.debtInAssets;
        s.leverage = v.leverage;
        if (v.collateral == 0) s.ltv = v.debtInAssets == 0 ? 0 : type(uint256).max;
        else if (v.debtInAssets / v.collateral >= type(uint256).max / WAD) s.ltv = type(uint256).max;
        else s.ltv = v.debtInAssets.mulDiv(WAD, v.collateral, Math.Rounding.Ceil);
        s.oraclePrice = price;
        s.lastRebalance = lastRebalance;
    }

    function _marketParams() internal view returns (MarketParams memory) {
        return
            MarketParams({loanToken: loanToken, collateralToken: asset, oracle: address(oracle), irm: irm, lltv: lltv});
    }
}
