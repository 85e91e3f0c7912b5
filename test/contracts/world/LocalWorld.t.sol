// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {Id, Market, MarketParams, Position} from "@morpho-org/morpho-blue/src/interfaces/IMorpho.sol";
import {IUniswapV3Pool} from "@uniswap/v3-core/contracts/interfaces/IUniswapV3Pool.sol";

import {VaultLimits, ModuleConfig} from "@ballast/interfaces/IBallastVault.sol";
import {ModuleState} from "@ballast/interfaces/IStrategyModule.sol";
import {ConstantsLib} from "@ballast/libraries/ConstantsLib.sol";
import {LeverageLimits} from "@ballast-strategies/morpho-leverage/LeverageLimitsLib.sol";
import {LocalWorldLib, WorldConfig} from "@ballast/script/world/LocalWorld.sol";
import {MintableERC20} from "@ballast/script/world/MintableERC20.sol";
import {UniswapV3LiquidityProvider} from "@ballast/script/world/UniswapV3LiquidityProvider.sol";
import {WorldFixture} from "./WorldFixture.sol";

contract LocalWorldTest is WorldFixture {
    function test_deploy_createsMorphoMarket() public {
        WorldConfig memory c = _worldConfig();
        MarketParams memory params = world.morpho.idToMarketParams(world.marketId);
        assertEq(params.loanToken, address(world.usdc), "loan token");
        assertEq(params.collateralToken, address(world.weth), "collateral token");
        assertEq(params.oracle, address(world.oracle), "oracle");
        assertEq(params.irm, address(world.irm), "irm");
        assertEq(params.lltv, 0.86e18, "lltv");
        assertEq(world.morpho.owner(), OWNER, "morpho owner");
        assertTrue(world.morpho.isIrmEnabled(address(world.irm)), "irm enabled");
        assertTrue(world.morpho.isLltvEnabled(0.86e18), "lltv enabled");

        Market memory market = world.morpho.market(world.marketId);
        assertEq(market.totalSupplyAssets, c.lenderSupply, "market supply");
        assertEq(market.lastUpdate, START_TIMESTAMP, "market created now");
        Position memory lender = world.morpho.position(world.marketId, LENDER);
        assertEq(lender.supplyShares, market.totalSupplyShares, "lender owns the supply");
        assertGt(lender.supplyShares, 0, "shares minted");
    }

    function test_deploy_initialisesPoolAtFeedPrice() public view {
        uint256 feedPrice = world.oracle.price();
        assertEq(feedPrice, 3000e6 * 1e36 / 1e18, "feed price");
        assertApproxEqRel(_poolPrice36(), feedPrice, 1e6, "pool price = feed price");
        assertEq(world.pool.fee(), 500, "fee tier");
        (,,, uint16 cardinality, uint16 cardinalityNext,,) = world.pool.slot0();
        assertEq(cardinality, 1, "observations grow lazily");
        assertEq(cardinalityNext, 100, "observation cardinality");
    }

    function test_deploy_poolIsDeep() public {
        uint256 priceBefore = _poolPrice36();
        uint256 usdcOut = _sellWeth(100e18);
        // 100 WETH ($300k) against the +-5% band: 0.05% fee, and well under 0.1% price impact.
        assertGt(usdcOut, 299_550e6 * 999 / 1000, "execution price");
        assertLt(usdcOut, 300_000e6, "fee paid");
        assertApproxEqRel(_poolPrice36(), priceBefore, 0.001e18, "price impact under 0.1%");
        assertLt(_poolPrice36(), priceBefore, "selling WETH lowers its price");
    }

    function test_deploy_grantsRoles() public view {
        assertEq(world.weth.owner(), OWNER, "weth owner");
        assertEq(world.usdc.owner(), OWNER, "usdc owner");
        assertEq(world.ethUsdFeed.owner(), OWNER, "feed owner");
        assertEq(world.arbitrageur.owner(), OWNER, "arbitrageur owner");
        assertEq(world.liquidityProvider.owner(), OWNER, "liquidity provider owner");
        assertTrue(world.ethUsdFeed.isUpdater(address(world.arbitrageur)), "arbitrageur writes the feed");
        assertTrue(world.weth.isMinter(address(world.arbitrageur)), "arbitrageur mints weth");
        assertTrue(world.usdc.isMinter(address(world.liquidityProvider)), "provider mints usdc");
        assertEq(world.weth.decimals(), 18, "weth decimals");
        assertEq(world.usdc.decimals(), 6, "usdc decimals");
        assertEq(world.ethUsdFeed.decimals(), 8, "feed decimals");
    }

    function test_deploy_worksForBothTokenOrders() public {
        bool[2] memory seen;
        for (uint256 i; i < 16 && !(seen[0] && seen[1]); ++i) {
            WorldConfig memory c = _worldConfig();
            c.owner = makeAddr(string.concat("Owner", vm.toString(i)));
            _deployWorld(c);
            bool wethIsToken0 = address(world.weth) < address(world.usdc);
            assertEq(world.oracle.collateralIsToken0(), wethIsToken0, "token order");
            seen[wethIsToken0 ? 0 : 1] = true;

            assertApproxEqRel(_poolPrice36(), world.oracle.price(), 1e6, "pool at feed price");
            _setPrice(2345.67e8);
            assertApproxEqRel(_poolPrice36(), world.oracle.price(), 1e6, "pool follows the feed");
            _sellWeth(1e18);
            assertLt(_poolPrice36(), world.oracle.price(), "selling WETH lowers its price");
        }
        assertTrue(seen[0] && seen[1], "both orders tested");
    }

    function test_toJson_writesAddresses() public {
        string memory json = LocalWorldLib.toJson(world, _worldConfig());
        assertEq(vm.parseJsonAddress(json, ".morpho"), address(world.morpho), "morpho");
        assertEq(vm.parseJsonAddress(json, ".pool"), address(world.pool), "pool");
        assertEq(vm.parseJsonAddress(json, ".keeper"), KEEPER, "keeper");
        assertEq(vm.parseJsonAddress(json, ".feeRecipient"), FEE_RECIPIENT, "fee recipient");
        assertEq(vm.parseJsonBytes32(json, ".marketId"), Id.unwrap(world.marketId), "market id");
        assertEq(vm.parseJsonUint(json, ".chainId"), block.chainid, "chain id");
        assertEq(vm.parseJsonString(json, ".lltv"), "860000000000000000", "lltv as a decimal string");
        assertEq(vm.parseJsonAddress(json, ".vault"), address(world.vault), "vault");
        assertEq(vm.parseJsonAddress(json, ".module"), address(world.module), "module");
        assertEq(vm.parseJsonAddress(json, ".multicall3"), address(0), "no multicall3 in tests");
        assertEq(vm.parseJsonAddressArray(json, ".depositors").length, 0, "no depositors");
    }

    function test_toJson_writesVaultParamsAndModuleLimits() public {
        string memory json = LocalWorldLib.toJson(world, _worldConfig());
        assertEq(vm.parseJsonString(json, ".vaultParams.symbol"), "bWETH", "symbol");
        assertEq(vm.parseJsonUint(json, ".vaultParams.decimals"), 24, "share decimals");
        assertEq(vm.parseJsonUint(json, ".vaultParams.timelock"), 1 days, "timelock");
        assertEq(vm.parseJsonString(json, ".vaultParams.seedAssets"), "1000000000", "seed");
        assertEq(vm.parseJsonUint(json, ".vaultParams.maxLossBps"), 50, "max loss");
        assertEq(vm.parseJsonString(json, ".vaultParams.depositCap"), vm.toString(type(uint128).max), "deposit cap");
        assertEq(vm.parseJsonString(json, ".vaultParams.moduleCap"), vm.toString(type(uint184).max), "module cap");
        assertEq(vm.parseJsonString(json, ".moduleLimits.targetLeverage"), "2000000000000000000", "target");
        assertEq(vm.parseJsonString(json, ".moduleLimits.maxTradeSize"), "1000000000000000000000", "trade size");
        assertEq(vm.parseJsonUint(json, ".moduleLimits.maxSlippageBps"), 50, "slippage");
        assertEq(vm.parseJsonUint(json, ".moduleLimits.deadManDelay"), 1 days, "dead-man delay");
    }

    /* VAULT */

    function test_deploy_wiresVaultAndModule() public view {
        assertEq(world.vault.asset(), address(world.weth), "asset");
        assertEq(world.vault.owner(), OWNER, "owner");
        assertEq(world.vault.strategist(), STRATEGIST, "strategist");
        assertTrue(world.vault.isKeeper(KEEPER), "keeper");
        assertEq(world.vault.guardian(), GUARDIAN, "guardian");
        assertEq(world.vault.feeRecipient(), FEE_RECIPIENT, "fee recipient");
        assertEq(world.vault.timelock(), 1 days, "timelock raised after wiring");
        assertEq(world.vault.totalAssets(), 1e9, "seed only");
        assertEq(world.vault.balanceOf(ConstantsLib.SEED_SHARES_HOLDER), 1e9 * 1e6, "seed shares locked");
        assertEq(world.weth.allowance(OWNER, address(world.vault)), 0, "seed approval used up");

        address[] memory modules = world.vault.modules();
        assertEq(modules.length, 1, "one module");
        assertEq(modules[0], address(world.module), "the module");
        ModuleConfig memory mc = world.vault.moduleConfig(address(world.module));
        assertTrue(mc.enabled, "enabled");
        assertEq(mc.cap, type(uint184).max, "cap");

        assertEq(world.module.vault(), address(world.vault), "module's vault");
        assertEq(Id.unwrap(world.module.marketId()), Id.unwrap(world.marketId), "module's market");
        assertEq(address(world.module.pool()), address(world.pool), "module's pool");
        LeverageLimits memory l = abi.decode(world.module.limits(), (LeverageLimits));
        assertEq(keccak256(abi.encode(l)), keccak256(abi.encode(LocalWorldLib.defaultModuleLimits())), "limits");
        assertEq(world.vault.maxDeposit(BORROWER), type(uint128).max - 1e9, "deposits open");
    }

    function test_deploy_seedDepositorsDepositAndKeeperAllocates() public {
        WorldConfig memory c = _worldConfig();
        (, uint256 keyA) = makeAddrAndKey("DepositorA");
        (, uint256 keyB) = makeAddrAndKey("DepositorB");
        c.seed.depositorKeys = new uint256[](2);
        c.seed.depositorKeys[0] = keyA;
        c.seed.depositorKeys[1] = keyB;
        c.seed.amount = 50e18;
        c.seed.allocate = true;
        _deployWorld(c);

        assertEq(world.depositors.length, 2, "two depositors");
        assertEq(world.depositors[0], vm.addr(keyA), "depositor A");
        assertEq(world.vault.balanceOf(world.depositors[1]), 50e18 * 1e6, "B's shares");
        assertEq(world.vault.idle(), 0, "everything allocated");
        ModuleState memory s = world.module.state();
        assertEq(s.collateral, 100e18 + 1e9, "deposits and seed as collateral");
        assertEq(s.leverage, 1e18, "at 1x");
        string memory json = LocalWorldLib.toJson(world, c);
        assertEq(vm.parseJsonAddressArray(json, ".depositors")[1], vm.addr(keyB), "depositors in the JSON");
    }

    function test_deploy_revertsWhenNotActingAsOwner() public {
        WorldConfig memory c = _worldConfig();
        vm.expectPartialRevert(LocalWorldLib.NotActingAsOwner.selector);
        this.deployExternally(c);
    }

    function deployExternally(WorldConfig memory c) external {
        LocalWorldLib.deploy(c);
    }

    function test_mint_revertsForStranger() public {
        vm.prank(BORROWER);
        vm.expectRevert(abi.encodeWithSelector(MintableERC20.NotMinter.selector, BORROWER));
        world.weth.mint(BORROWER, 1);
    }

    function test_addLiquidity_revertsForStranger() public {
        vm.prank(BORROWER);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, BORROWER));
        world.liquidityProvider.addLiquidity(world.pool, -100, 100, 1e18);
    }

    function test_uniswapV3MintCallback_revertsOutsideMint() public {
        vm.prank(address(world.pool));
        vm.expectRevert(
            abi.encodeWithSelector(UniswapV3LiquidityProvider.UnexpectedCallback.selector, address(world.pool))
        );
        world.liquidityProvider.uniswapV3MintCallback(1e18, 1e18, "");
    }

    function test_addLiquidity_paysOwedAmounts() public {
        IUniswapV3Pool pool = world.pool;
        uint128 liquidityBefore = pool.liquidity();
        uint256 balance0 = MintableERC20(pool.token0()).balanceOf(address(pool));
        vm.prank(OWNER);
        (uint256 amount0, uint256 amount1) = world.liquidityProvider.addLiquidity(pool, -887_270, 887_270, 1e15);
        assertEq(pool.liquidity(), liquidityBefore + 1e15, "in-range liquidity");
        assertEq(MintableERC20(pool.token0()).balanceOf(address(pool)), balance0 + amount0, "token0 paid");
        assertGt(amount1, 0, "token1 paid");
    }
}
