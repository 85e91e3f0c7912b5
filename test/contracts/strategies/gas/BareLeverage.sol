// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IMorpho, Id, MarketParams} from "@morpho-org/morpho-blue/src/interfaces/IMorpho.sol";
import {MarketParamsLib} from "@morpho-org/morpho-blue/src/libraries/MarketParamsLib.sol";
import {IUniswapV3Pool} from "@uniswap/v3-core/contracts/interfaces/IUniswapV3Pool.sol";

import {TickMathLib} from "@ballast/libraries/TickMathLib.sol";

/// @notice The gas baseline of the leverage module: the same one-transaction lever up and delever (Morpho callback ->
/// exact-output swap on the pool -> pool callback paying straight from Morpho), making only the Morpho and pool calls
/// the technique cannot avoid, with no oracle read, no slippage bound and no accounting.
/// @dev Test-only: anyone may call it. The two callbacks check their caller (one comparison each; any real contract
/// needs it), nothing else. Lever up: `supplyCollateral(amount)` -> `onMorphoSupplyCollateral`: buy exactly `amount`
/// collateral -> `uniswapV3SwapCallback`: `borrow` the owed loan token to the pool. Delever: `repay(assets)` ->
/// `onMorphoRepay`: buy exactly `assets` loan token -> `uniswapV3SwapCallback`: `withdrawCollateral` to the pool.
/// Unwind: the same delever by shares, then `withdrawCollateral` of the rest to `receiver`.
contract BareLeverage {
    using MarketParamsLib for MarketParams;

    IMorpho internal immutable morpho;
    IUniswapV3Pool internal immutable pool;
    address internal immutable loanToken;
    address internal immutable collateralToken;
    address internal immutable oracle;
    address internal immutable irm;
    uint256 internal immutable lltv;
    bool internal immutable collateralIsToken0;
    Id internal immutable id;

    constructor(IMorpho morpho_, MarketParams memory marketParams, IUniswapV3Pool pool_) {
        morpho = morpho_;
        pool = pool_;
        loanToken = marketParams.loanToken;
        collateralToken = marketParams.collateralToken;
        oracle = marketParams.oracle;
        irm = marketParams.irm;
        lltv = marketParams.lltv;
        id = marketParams.id();
        collateralIsToken0 = pool_.token0() == marketParams.collateralToken;
        IERC20(marketParams.collateralToken).approve(address(morpho_), type(uint256).max);
        IERC20(marketParams.loanToken).approve(address(morpho_), type(uint256).max);
    }

    /// @notice Supplies collateral held by this contract (the 1x position).
    function supply(uint256 assets) external {
        morpho.supplyCollateral(_marketParams(), assets, address(this), "");
    }

    /// @notice Buys exactly `amount` collateral with borrowed loan token, in one transaction.
    function leverUp(uint256 amount) external {
        morpho.supplyCollateral(_marketParams(), amount, address(this), hex"01");
    }

    /// @notice Repays `assets` of debt with collateral sold on the pool, in one transaction.
    function delever(uint256 assets) external {
        morpho.repay(_marketParams(), assets, 0, address(this), hex"01");
    }

    /// @notice Repays `shares` of borrow shares with collateral sold on the pool, then sends `collateralOut` minus
    /// what the swap took to `receiver`.
    function unwind(uint256 shares, uint256 collateralOut, address receiver) external {
        MarketParams memory marketParams = _marketParams();
        uint256 before = morpho.position(id, address(this)).collateral;
        morpho.repay(marketParams, 0, shares, address(this), hex"01");
        uint256 sold = before - morpho.position(id, address(this)).collateral;
        morpho.withdrawCollateral(marketParams, collateralOut - sold, address(this), receiver);
    }

    function onMorphoSupplyCollateral(uint256 assets, bytes calldata) external {
        require(msg.sender == address(morpho));
        _swapExactOutput(true, assets);
    }

    function onMorphoRepay(uint256 assets, bytes calldata) external {
        require(msg.sender == address(morpho));
        _swapExactOutput(false, assets);
    }

    function uniswapV3SwapCallback(int256 amount0Delta, int256 amount1Delta, bytes calldata) external {
        require(msg.sender == address(pool));
        (int256 collateralDelta, int256 loanDelta) =
            collateralIsToken0 ? (amount0Delta, amount1Delta) : (amount1Delta, amount0Delta);
        if (loanDelta > 0) morpho.borrow(_marketParams(), uint256(loanDelta), 0, address(this), msg.sender);
        else morpho.withdrawCollateral(_marketParams(), uint256(collateralDelta), address(this), msg.sender);
    }

    function _swapExactOutput(bool collateralOut, uint256 amountOut) internal {
        bool zeroForOne = collateralOut != collateralIsToken0;
        pool.swap(
            address(this),
            zeroForOne,
            -int256(amountOut),
            zeroForOne ? TickMathLib.MIN_SQRT_RATIO + 1 : TickMathLib.MAX_SQRT_RATIO - 1,
            ""
        );
    }

    function _marketParams() internal view returns (MarketParams memory) {
        return
            MarketParams({loanToken: loanToken, collateralToken: collateralToken, oracle: oracle, irm: irm, lltv: lltv});
    }
}
