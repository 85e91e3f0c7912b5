// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {IUniswapV3Pool} from "@uniswap/v3-core/contracts/interfaces/IUniswapV3Pool.sol";
import {IUniswapV3MintCallback} from "@uniswap/v3-core/contracts/interfaces/callback/IUniswapV3MintCallback.sol";

import {MintableERC20} from "./MintableERC20.sol";

/// @title UniswapV3LiquidityProvider
/// @notice Adds concentrated liquidity to Uniswap V3 pools of the local world's test tokens, owning the positions
/// itself. It pays what the pool asks in `uniswapV3MintCallback` by minting the tokens (it must be a minter of
/// both), so the caller states liquidity, not amounts. Local world and tests only.
contract UniswapV3LiquidityProvider is IUniswapV3MintCallback, Ownable {
    /// @notice Emitted when liquidity is added.
    event LiquidityAdded(
        address indexed pool, int24 tickLower, int24 tickUpper, uint128 liquidity, uint256 amount0, uint256 amount1
    );

    /// @notice Thrown when the mint callback does not come from the pool being minted into.
    error UnexpectedCallback(address caller);

    /// @dev The pool of the mint in progress: the only address whose callback is honoured.
    address private transient _activePool;

    constructor(address initialOwner) Ownable(initialOwner) {}

    /// @notice Adds `liquidity` to `pool` between `tickLower` and `tickUpper` (multiples of the tick spacing).
    /// @return amount0 Token0 paid.
    /// @return amount1 Token1 paid.
    function addLiquidity(IUniswapV3Pool pool, int24 tickLower, int24 tickUpper, uint128 liquidity)
        external
        onlyOwner
        returns (uint256 amount0, uint256 amount1)
    {
        _activePool = address(pool);
        (amount0, amount1) = pool.mint(address(this), tickLower, tickUpper, liquidity, "");
        _activePool = address(0);

        emit LiquidityAdded(address(pool), tickLower, tickUpper, liquidity, amount0, amount1);
    }

    /// @inheritdoc IUniswapV3MintCallback
    function uniswapV3MintCallback(uint256 amount0Owed, uint256 amount1Owed, bytes calldata) external {
        if (msg.sender != _activePool || msg.sender == address(0)) revert UnexpectedCallback(msg.sender);
        IUniswapV3Pool pool = IUniswapV3Pool(msg.sender);
        if (amount0Owed > 0) MintableERC20(pool.token0()).mint(msg.sender, amount0Owed);
        if (amount1Owed > 0) MintableERC20(pool.token1()).mint(msg.sender, amount1Owed);
    }
}
