// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

import {Test} from "forge-std/Test.sol";
import {IUniswapV3SwapCallback} from "@uniswap/v3-core/contracts/interfaces/callback/IUniswapV3SwapCallback.sol";

import {TickMathLib} from "@ballast/libraries/TickMathLib.sol";
import {PoolPriceLib} from "@ballast/oracle/PoolPriceLib.sol";
import {LocalWorldLib, World, WorldConfig} from "@ballast/script/world/LocalWorld.sol";
import {MintableERC20} from "@ballast/script/world/MintableERC20.sol";

/// @notice Base for tests on the local world: deploys it with `LocalWorldLib` (the deploy script's logic: markets,
/// pool, and the vault wired to its leverage module) in `setUp`, with named actors. Inherit it and override
/// `_worldConfig` to change the world.
abstract contract WorldFixture is Test, IUniswapV3SwapCallback {
    address internal immutable OWNER = makeAddr("Owner");
    address internal immutable STRATEGIST = makeAddr("Strategist");
    address internal immutable KEEPER = makeAddr("Keeper");
    address internal immutable GUARDIAN = makeAddr("Guardian");
    address internal immutable FEE_RECIPIENT = makeAddr("FeeRecipient");
    address internal immutable LENDER = makeAddr("Lender");
    address internal immutable BORROWER = makeAddr("Borrower");

    /// @dev A realistic start time, so that staleness and TWAP windows never reach below zero.
    uint256 internal constant START_TIMESTAMP = 1_700_000_000;

    World internal world;

    function setUp() public virtual {
        vm.warp(START_TIMESTAMP);
        vm.roll(100);
        _deployWorld(_worldConfig());
    }

    /// @dev Deploys a world as `c.owner` into `world`, letting the test contract mint (to pay for its swaps).
    function _deployWorld(WorldConfig memory c) internal {
        vm.startPrank(c.owner);
        world = LocalWorldLib.deploy(c);
        // The test contract trades like any user and pays with minted test tokens.
        world.weth.setMinter(address(this), true);
        world.usdc.setMinter(address(this), true);
        vm.stopPrank();

        vm.label(address(world.weth), "WETH");
        vm.label(address(world.usdc), "USDC");
        vm.label(address(world.ethUsdFeed), "EthUsdFeed");
        vm.label(address(world.oracle), "Oracle");
        vm.label(address(world.morpho), "Morpho");
        vm.label(address(world.pool), "Pool");
        vm.label(address(world.arbitrageur), "Arbitrageur");
        vm.label(address(world.vault), "Vault");
        vm.label(address(world.module), "Module");
    }

    /// @dev The world under test: the script's defaults with named roles, fewer observations (enough for the tests'
    /// windows, cheaper to set up), no seed depositors and no Multicall3.
    function _worldConfig() internal virtual returns (WorldConfig memory c) {
        c = LocalWorldLib.defaultConfig();
        c.owner = OWNER;
        c.strategist = STRATEGIST;
        c.keeper = KEEPER;
        c.guardian = GUARDIAN;
        c.lender = LENDER;
        c.feeRecipient = FEE_RECIPIENT;
        c.observationCardinality = 100;
        c.deployMulticall3 = false;
    }

    /* PRICE HELPERS */

    /// @dev Moves feed and pool to `answer` (feed decimals) through the arbitrageur.
    function _setPrice(int256 answer) internal {
        vm.prank(world.arbitrageur.owner());
        world.arbitrageur.setPrice(answer);
    }

    /// @dev Moves the pool alone to `price36`.
    function _movePoolTo(uint256 price36) internal {
        vm.prank(world.arbitrageur.owner());
        world.arbitrageur.movePoolTo(price36);
    }

    /// @dev Moves time and blocks forward together (the pool writes one observation per block).
    function _skipBlocks(uint256 seconds_) internal {
        vm.warp(block.timestamp + seconds_);
        vm.roll(block.number + 1);
    }

    /// @dev The feed's answer as a 1e36-scaled price.
    function _feedPrice36(int256 answer) internal view returns (uint256) {
        return uint256(answer) * world.oracle.scaleFactor();
    }

    /// @dev The pool's spot price (1e36-scaled).
    function _poolPrice36() internal view returns (uint256) {
        (uint160 sqrtPriceX96,,,,,,) = world.pool.slot0();
        return PoolPriceLib.toPrice36Down(sqrtPriceX96, world.oracle.collateralIsToken0());
    }

    /* SWAPS */

    /// @dev Sells `amount` WETH into the pool.
    function _sellWeth(uint256 amount) internal returns (uint256 usdcOut) {
        bool zeroForOne = world.oracle.collateralIsToken0();
        (int256 amount0, int256 amount1) = world.pool
            .swap(
                address(this),
                zeroForOne,
                int256(amount),
                zeroForOne ? TickMathLib.MIN_SQRT_RATIO + 1 : TickMathLib.MAX_SQRT_RATIO - 1,
                ""
            );
        usdcOut = uint256(-(zeroForOne ? amount1 : amount0));
    }

    function uniswapV3SwapCallback(int256 amount0Delta, int256 amount1Delta, bytes calldata) external {
        require(msg.sender == address(world.pool), "not the pool");
        if (amount0Delta > 0) MintableERC20(world.pool.token0()).mint(msg.sender, uint256(amount0Delta));
        if (amount1Delta > 0) MintableERC20(world.pool.token1()).mint(msg.sender, uint256(amount1Delta));
    }
}
