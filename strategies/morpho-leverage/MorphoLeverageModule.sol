// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {IMorpho, Id, Market, MarketParams, Position} from "@morpho-org/morpho-blue/src/interfaces/IMorpho.sol";
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
import {LeverageLimits, StoredLimits, LeverageLimitsLib} from "./LeverageLimitsLib.sol";
import {IMorphoLeverageModule} from "./IMorphoLeverageModule.sol";
import {Valued, LeverageMathLib} from "./LeverageMathLib.sol";

/// @title MorphoLeverageModule
/// @notice A Ballast strategy module holding a leveraged position on one Morpho Blue market: the vault asset is the
/// collateral, the market's loan token is borrowed and swapped into more collateral on one Uniswap V3 pool. Lever up,
/// delever and pro-rata unwind are each one transaction through Morpho's callbacks and the pool's swap callback (no
/// flash loan). See `README.md` in this folder for parameters and the threat model.
/// @dev Units: leverage WAD (collateral / equity); prices in Morpho's oracle unit (loan base units per collateral base
/// unit, times 1e36); trade sizes in collateral (vault-asset) units at the oracle price.
contract MorphoLeverageModule is
    IMorphoLeverageModule,
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
    using LeverageMathLib for Valued;

    /* IMMUTABLES */

    uint256 internal constant ORACLE_PRICE_SCALE = LeverageMathLib.ORACLE_PRICE_SCALE;
    /// @dev Borrow shares an unwind leaves in place instead of repaying: about 10 loan units (Morpho counts 1e6 shares
    /// per loan unit, plus the interest since the market opened). See `unwind`.
    uint256 internal constant UNWIND_DUST_SHARES = 10 * SharesMathLib.VIRTUAL_SHARES;

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

    /// @dev The limits and the two timestamps, in three slots (see `StoredLimits`).
    StoredLimits internal _stored;

    /* TRANSIENT */

    /// @dev The pool TWAP read in this transaction, valid while `_twapBlock` is the current `_blockKey()`: a TWAP is
    /// constant within a block (see `PriceHealthLib.twapPrice`), so the vault's NAV read after an `unwind` reuses the
    /// one `unwind` read. Written by `unwind` only (views cannot write; `rebalance`/`delever` read the TWAP once and
    /// nothing values the module after them in the same call); keyed by block number and timestamp so that a test
    /// moving time inside one transaction never reads a stale one.
    uint256 transient _twapBlock;
    uint256 transient _twapCached;

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
        _stored.lastEmergencyDelever = 1;

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
        return _value(_priceFrom(_health()), false).equity();
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
        s = _toState(_value(price, false), price);
        s.oracleUpdatedAt = h.feedUpdatedAt;
        s.oracleHealthy = h.healthy;
    }

    /// @inheritdoc IStrategyModule
    /// @dev Debt share of the position times the keeper's slippage bound: a pro-rata unwind of equity e sells
    /// collateral for e * debtInAssets / equity of debt, at most `maxSlippageBps` worse than the valuation price,
    /// plus 1 bp for rounding. Not enforced by the module (unwinds must work without the oracle): the vault measures
    /// the realised cost and refuses a standard exit above this bound. BPS when equity is zero.
    function unwindCostBps() external view returns (uint256) {
        return _value(_priceFrom(_health()), false).unwindCostBps(_stored.maxSlippageBps);
    }

    /// @inheritdoc IStrategyModule
    function totalAssetsAndUnwindCost() external view returns (uint256 equity, uint256 costBps) {
        // `_health` has warmed the limits' third slot, which holds `maxSlippageBps`.
        Valued memory v = _value(_priceFrom(_health()), false);
        return (v.equity(), v.unwindCostBps(_stored.maxSlippageBps));
    }

    /// @inheritdoc IStrategyModule
    function isRiskIncreasing(RebalanceParams calldata params) external pure returns (bool) {
        return params.leverUp;
    }

    /// @inheritdoc IStrategyModule
    /// @dev The prediction trades at the oracle price with the full `maxSlippageBps`: the worst post-state the
    /// rebalance can leave (for a lever-up, the highest leverage; for a delever, the least reduction).
    function previewRebalance(RebalanceParams calldata params) external view returns (ModuleState memory s) {
        StoredLimits memory l = _stored;
        PriceHealth memory h = _health();
        uint256 price = _rebalancePrice(params, l, h);
        Valued memory pre = _value(price, false);
        uint256 amount = _checkRebalance(params, l, pre, price);
        Valued memory post = pre.predict(params.leverUp, amount, price, l.maxSlippageBps);
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
        return LeverageLimitsLib.loosens(LeverageLimitsLib.unpack(_stored), next);
    }

    /// @inheritdoc IStrategyModule
    function limits() external view returns (bytes memory) {
        return abi.encode(LeverageLimitsLib.unpack(_stored));
    }

    /// @notice The current limits as a struct.
    function leverageLimits() external view returns (LeverageLimits memory) {
        return LeverageLimitsLib.unpack(_stored);
    }

    /// @notice Timestamp of the last successful keeper rebalance.
    function lastRebalance() external view returns (uint64) {
        return _stored.lastRebalance;
    }

    /// @notice Timestamp of the last ripcord or dead-man's delever; 1 (long past) until the first one.
    function lastEmergencyDelever() external view returns (uint64) {
        return _stored.lastEmergencyDelever;
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
    /// `fraction` of the collateral (rounded down) to the vault. No valuation and no price bound: the only bound here
    /// is that the swaps never take more than this fraction's collateral; the vault bounds the realised cost
    /// (`unwindCostBps`). Two dust cases, where Morpho's roundings of a loan unit outweigh the amounts:
    /// - a debt share under `UNWIND_DUST_SHARES` (~10 loan units) is left in place, because Morpho rounds a repay by
    ///   shares up to whole loan units and a dust exit's collateral may not buy them. NAV-neutral: the vault pays the
    ///   exiter by NAV, so the collateral not spent on the debt stays with the holders;
    /// - when the debt left behind would fail Morpho's health check on the collateral left behind (e.g. the seed's
    ///   share after the last holder's exit), the rest of the debt is repaid too, paid from this exit's collateral, so
    ///   that the final withdrawal cannot fail: the exiter pays that dust debt, the holders keep their collateral.
    function unwind(uint256 fraction) external onlyVault returns (uint256 assetsOut) {
        if (fraction == 0 || fraction > WAD) revert InvalidFraction(fraction);
        // Not a check (this never reverts): the block's TWAP, read before the swap on the pool slots the vault's NAV
        // read has just warmed, so the vault's NAV read after the unwind needs no second `observe`.
        _cacheTwap();
        MarketParams memory marketParams = _marketParams();
        Position memory p = morpho.position(marketId, address(this));
        uint256 collateralOut = uint256(p.collateral).mulDiv(fraction, WAD);
        uint256 shares = uint256(p.borrowShares).mulDiv(fraction, WAD, Math.Rounding.Ceil);
        if (shares < UNWIND_DUST_SHARES && fraction != WAD) shares = 0;
        uint256 sold;
        if (shares != 0) sold = _repayWithCollateral(marketParams, shares, collateralOut, p.collateral);
        uint256 sharesLeft = p.borrowShares - shares;
        if (sharesLeft != 0 && !_healthyAtMorpho(sharesLeft, p.collateral - collateralOut)) {
            sold += _repayWithCollateral(marketParams, sharesLeft, collateralOut - sold, p.collateral - sold);
        }
        // `sold <= collateralOut`: the swap callback refuses more.
        assetsOut = collateralOut - sold;
        if (assetsOut != 0) morpho.withdrawCollateral(marketParams, assetsOut, address(this), vault);
    }

    /// @inheritdoc IStrategyModule
    /// @dev Lever-up needs a healthy oracle (`checkedPrice` reverts with the oracle's error); a delever runs on the
    /// conservative valuation price. Refused at or above the ripcord leverage.
    /// The equities are `totalAssets` before and after: the trade price is the valuation price (the feed price when
    /// healthy, which a lever-up requires; the conservative one for a delever).
    function rebalance(RebalanceParams calldata params)
        external
        onlyVault
        returns (uint256 preLeverage, uint256 postLeverage, uint256 preEquity, uint256 postEquity)
    {
        StoredLimits memory l = _stored;
        uint256 price = _rebalancePrice(params, l, _health());
        Valued memory pre = _valueForTrade(price);
        uint256 amount = _checkRebalance(params, l, pre, price);
        if (params.leverUp) _leverUp(amount, price, l.maxSlippageBps);
        else _delever(pre.debt, amount, price, l.maxSlippageBps);

        Valued memory post = _value(price, true);
        (preLeverage, postLeverage, preEquity, postEquity) = (pre.leverage, post.leverage, pre.equity(), post.equity());
        _checkPostLeverage(params.leverUp, preLeverage, postLeverage, l);
        _stored.lastRebalance = uint40(block.timestamp);
    }

    /// @inheritdoc IStrategyModule
    /// @dev Ripcord: leverage >= ripcordLeverage; trades at most `ripcordMaxTradeSize` toward target with
    /// `ripcordSlippageBps`. DeadMansSwitch: no keeper rebalance for `deadManDelay` and leverage above the band; at
    /// most `maxTradeSize` toward target. Both share `ripcordCooldown`. Guardian: at most `maxTradeSize` toward target
    /// (toward `minLeverage` when already at or below target). All price at the conservative valuation price and
    /// never pass their destination at the oracle price.
    function delever(DeleverReason reason)
        external
        onlyVault
        returns (uint256 preLeverage, uint256 postLeverage, uint256 preEquity, uint256 postEquity)
    {
        StoredLimits memory l = _stored;
        PriceHealth memory h = _health();
        uint256 price = _deleverPrice(h);
        Valued memory pre = _valueForTrade(price);
        preLeverage = pre.leverage;
        preEquity = pre.equity();

        uint256 maxSize = l.maxTradeSize;
        uint256 slippageBps = l.maxSlippageBps;
        uint256 destination = l.targetLeverage;
        if (reason == DeleverReason.Ripcord) {
            if (preLeverage < l.ripcordLeverage) revert RipcordNotTriggered(preLeverage, l.ripcordLeverage);
            _useEmergencyCooldown(l);
            maxSize = l.ripcordMaxTradeSize;
            slippageBps = l.ripcordSlippageBps;
        } else if (reason == DeleverReason.DeadMansSwitch) {
            if (block.timestamp < uint256(l.lastRebalance) + l.deadManDelay) {
                revert DeadMansSwitchNotArmed(l.lastRebalance, l.deadManDelay, block.timestamp);
            }
            if (preLeverage <= l.maxLeverage) revert LeverageNotAboveBand(preLeverage, l.maxLeverage);
            _useEmergencyCooldown(l);
        } else if (preLeverage <= l.targetLeverage) {
            destination = l.minLeverage;
        }

        // Sized for the better of the two sources: when the valuation price is the lower one, the pool may pay more.
        uint256 bestPrice = Math.max(h.feedPrice, h.twapPrice);
        uint256 amount = Math.min(maxSize, pre.sizeToReach(destination, price, bestPrice));
        if (amount == 0 || pre.debt == 0) revert NothingToDelever(preLeverage, destination);
        _delever(pre.debt, amount, price, slippageBps);
        Valued memory post = _value(price, true);
        (postLeverage, postEquity) = (post.leverage, post.equity());
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
        uint256 maxIn = LeverageMathLib.maxLoanIn(amount, price, slippageBps);
        morpho.supplyCollateral(_marketParams(), amount, address(this), abi.encode(maxIn));
        emit Traded(true, amount, maxIn);
    }

    /// @dev Sells collateral worth `amount` at the oracle price (at most that * (1 + slippage)) to repay debt. The
    /// whole debt is repaid by shares when `amount` covers it.
    function _delever(uint256 debt, uint256 amount, uint256 price, uint256 slippageBps) internal {
        uint256 repaid = amount.mulDiv(price, ORACLE_PRICE_SCALE);
        if (repaid == 0) revert DeleverTooSmall(amount, price);
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

    /// @dev Repays `shares` of debt through the repay callback, selling at most `maxIn` collateral for it; returns the
    /// collateral sold (the position held `collateralBefore`).
    function _repayWithCollateral(MarketParams memory marketParams, uint256 shares, uint256 maxIn, uint256 collateralBefore)
        internal
        returns (uint256 sold)
    {
        morpho.repay(marketParams, 0, shares, address(this), abi.encode(maxIn));
        sold = collateralBefore - morpho.position(marketId, address(this)).collateral;
    }

    /// @dev Morpho's own health check (`Morpho._isHealthy`) of `borrowShares` against `collateral`, on the market's
    /// totals (accrued by the repay just made) and the market oracle's `price()`. Only called while borrow shares remain
    /// after this transaction's repay, where Morpho reads that same price in its own check anyway: no new dependence.
    function _healthyAtMorpho(uint256 borrowShares, uint256 collateral) internal view returns (bool) {
        Market memory m = morpho.market(marketId);
        uint256 borrowed = borrowShares.toAssetsUp(m.totalBorrowAssets, m.totalBorrowShares);
        uint256 maxBorrow = collateral.mulDiv(oracle.price(), ORACLE_PRICE_SCALE).mulDiv(lltv, WAD);
        return maxBorrow >= borrowed;
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

    /// @dev The checks shared by `rebalance` and `previewRebalance`, in the order a keeper most needs to see them,
    /// part 1: the cooldown, then the trade price (`h` is the price health read once by the caller).
    function _rebalancePrice(RebalanceParams calldata params, StoredLimits memory l, PriceHealth memory h)
        internal
        view
        returns (uint256)
    {
        if (block.timestamp < uint256(l.lastRebalance) + l.cooldown) {
            revert CooldownActive(l.lastRebalance, l.cooldown, block.timestamp);
        }
        return params.leverUp ? _checkedPrice(h, l) : _deleverPrice(h);
    }

    /// @dev Part 2, on the position `pre` valued at `price`: ripcord level, direction, size, Morpho's borrow bound.
    function _checkRebalance(RebalanceParams calldata params, StoredLimits memory l, Valued memory pre, uint256 price)
        internal
        view
        returns (uint256 amount)
    {
        if (pre.leverage >= l.ripcordLeverage) revert LeverageAboveRipcord(pre.leverage, l.ripcordLeverage);
        if (params.leverUp ? pre.leverage >= l.targetLeverage : pre.leverage <= l.targetLeverage) {
            revert WrongDirection(params.leverUp, pre.leverage, l.targetLeverage);
        }
        amount = Math.min(params.amount, l.maxTradeSize);
        if (amount == 0) revert ErrorsLib.ZeroAmount();
        if (params.leverUp) {
            // Morpho's borrow check, on the worst debt the swap bound allows (+1 for the borrow shares' round-up).
            uint256 worstDebt = pre.debt + LeverageMathLib.maxLoanIn(amount, price, l.maxSlippageBps) + 1;
            uint256 maxBorrow = (pre.collateral + amount).mulDiv(price, ORACLE_PRICE_SCALE).mulDiv(lltv, WAD);
            if (worstDebt > maxBorrow) revert LeverUpExceedsLltv(worstDebt, maxBorrow);
        }
    }

    /// @dev Never past target; and inside the band or strictly closer to target.
    function _checkPostLeverage(bool leverUp, uint256 pre, uint256 post, StoredLimits memory l) internal pure {
        bool notPast = leverUp ? post <= l.targetLeverage : post >= l.targetLeverage;
        bool inBand = post >= l.minLeverage && post <= l.maxLeverage;
        bool closer = leverUp ? post > pre : post < pre;
        if (!notPast || !(inBand || closer)) {
            revert PostLeverageOutOfRange(pre, post, l.minLeverage, l.targetLeverage, l.maxLeverage);
        }
    }

    function _useEmergencyCooldown(StoredLimits memory l) internal {
        if (block.timestamp < uint256(l.lastEmergencyDelever) + l.ripcordCooldown) {
            revert RipcordCooldownActive(l.lastEmergencyDelever, l.ripcordCooldown, block.timestamp);
        }
        _stored.lastEmergencyDelever = uint40(block.timestamp);
    }

    /// @dev Validates and stores `n`, keeping the timestamps.
    function _setLimits(LeverageLimits memory n) internal {
        LeverageLimitsLib.validate(n, lltv);
        LeverageLimitsLib.store(_stored, n);
        emit LimitsSet(n);
    }

    /* INTERNAL: PRICES AND POSITION */

    /// @dev `oracle.health(maxOracleStaleness, maxOracleDeviationBps)`, computed in place with the oracle's library
    /// and this block's TWAP when one was read already. Reads one slot of the limits.
    function _health() internal view returns (PriceHealth memory) {
        StoredLimits storage l = _stored;
        return PriceHealthLib.withTwap(feed, scaleFactor, _twap(), l.maxOracleStaleness, l.maxOracleDeviationBps);
    }

    /// @dev Reads the pool TWAP into transient storage unless this block's is there already. Never reverts.
    function _cacheTwap() internal {
        uint256 key = _blockKey();
        if (_twapBlock != key) {
            _twapCached = PriceHealthLib.twapPrice(pool, twapWindow, collateralIsToken0);
            _twapBlock = key;
        }
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
    function _checkedPrice(PriceHealth memory h, StoredLimits memory l) internal view returns (uint256) {
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
    /// the borrow shares at the market's totals accrued to now (rounded up), skipped without borrow shares. The totals
    /// are read as stored when `accrued` (after a trade, whose `repay`/`borrow` accrued the market in this block),
    /// else replayed with `MorphoBalancesLib.expectedMarketBalances` (views).
    function _value(uint256 price, bool accrued) internal view returns (Valued memory) {
        Position memory p = morpho.position(marketId, address(this));
        uint256 debt;
        if (p.borrowShares != 0) {
            uint256 totalBorrowAssets;
            uint256 totalBorrowShares;
            if (accrued) {
                Market memory m = morpho.market(marketId);
                (totalBorrowAssets, totalBorrowShares) = (m.totalBorrowAssets, m.totalBorrowShares);
            } else {
                (,, totalBorrowAssets, totalBorrowShares) = morpho.expectedMarketBalances(_marketParams());
            }
            debt = uint256(p.borrowShares).toAssetsUp(totalBorrowAssets, totalBorrowShares);
        }
        return LeverageMathLib.value(p.collateral, debt, price);
    }

    /// @dev `_value` before a trade. With debt, the market's interest is accrued first: the trade's own Morpho call
    /// (`repay`, or `borrow` in the swap callback) would accrue it anyway and then finds nothing left to do, so the
    /// totals are read as stored instead of replayed in a view (the IRM's `borrowRateView` and the compounding maths);
    /// same figures. Without debt no market total is needed and nothing is accrued here.
    function _valueForTrade(uint256 price) internal returns (Valued memory) {
        Position memory p = morpho.position(marketId, address(this));
        uint256 debt;
        if (p.borrowShares != 0) {
            morpho.accrueInterest(_marketParams());
            Market memory m = morpho.market(marketId);
            debt = uint256(p.borrowShares).toAssetsUp(m.totalBorrowAssets, m.totalBorrowShares);
        }
        return LeverageMathLib.value(p.collateral, debt, price);
    }

    function _toState(Valued memory v, uint256 price) internal view returns (ModuleState memory s) {
        s.collateral = v.collateral;
        s.debt = v.debt;
        s.debtInAssets = v.debtInAssets;
        s.leverage = v.leverage;
        s.ltv = v.ltv();
        s.oraclePrice = price;
        s.lastRebalance = _stored.lastRebalance;
    }

    function _marketParams() internal view returns (MarketParams memory) {
        return
            MarketParams({loanToken: loanToken, collateralToken: asset, oracle: address(oracle), irm: irm, lltv: lltv});
    }
}
