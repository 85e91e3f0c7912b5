// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

import {Vm} from "forge-std/Vm.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IMorpho, Id, MarketParams} from "@morpho-org/morpho-blue/src/interfaces/IMorpho.sol";
import {MarketParamsLib} from "@morpho-org/morpho-blue/src/libraries/MarketParamsLib.sol";
import {IUniswapV3Factory} from "@uniswap/v3-core/contracts/interfaces/IUniswapV3Factory.sol";
import {IUniswapV3Pool} from "@uniswap/v3-core/contracts/interfaces/IUniswapV3Pool.sol";

import {LinearKinkIrm} from "../../irm/LinearKinkIrm.sol";
import {TickMathLib} from "../../libraries/TickMathLib.sol";
import {MorphoChainlinkOracle} from "../../oracle/MorphoChainlinkOracle.sol";
import {PoolPriceLib} from "../../oracle/PoolPriceLib.sol";
import {SettableAggregator} from "../../oracle/SettableAggregator.sol";
import {MintableERC20} from "./MintableERC20.sol";
import {PoolArbitrageur} from "./PoolArbitrageur.sol";
import {UniswapV3LiquidityProvider} from "./UniswapV3LiquidityProvider.sol";

/// @notice Liquidity placed around the initial price: ticks [center - halfWidthTicks, center + halfWidthTicks]
/// (rounded outward to the tick spacing, clamped to the pool's range) holding `loanAmount` of the loan token on the
/// side below the price (and the matching collateral above it).
struct LiquidityBand {
    uint24 halfWidthTicks;
    uint256 loanAmount;
}

/// @notice Everything the local world is built from. `defaultConfig` gives working values; callers set the roles.
struct WorldConfig {
    /// @dev Owns every contract deployed here (Morpho's owner too) and must be the caller of `deploy` (the
    /// broadcaster in a script, the pranked address in a test).
    address owner;
    /// @dev Vault roles, for the vault wiring (not used by the world itself yet).
    address strategist;
    address keeper;
    address guardian;
    /// @dev Owner of the USDC supply position on Morpho.
    address lender;
    /// @dev ETH/USD answer of round 1 (feed decimals).
    int256 initialAnswer;
    uint8 feedDecimals;
    /// @dev USDC supplied to the market on behalf of `lender`.
    uint256 lenderSupply;
    /// @dev Morpho market LLTV (WAD); it is enabled on Morpho.
    uint256 lltv;
    /// @dev LinearKinkIrm curve: yearly rates (WAD) at 0%, at the kink and at 100% utilization; kink (WAD).
    uint256 irmBaseRate;
    uint256 irmKinkRate;
    uint256 irmMaxRate;
    uint256 irmKink;
    /// @dev Uniswap V3 fee tier of the WETH/USDC pool (500 -> tick spacing 10).
    uint24 poolFee;
    /// @dev Observations the pool keeps (one per block with a swap at most); enough to span `twapWindow`.
    uint16 observationCardinality;
    /// @dev The oracle's TWAP window, seconds.
    uint32 twapWindow;
    LiquidityBand[] bands;
}

/// @notice The deployed local world. Extension point: the vault, its leverage module and their wiring are added
/// by a function taking this struct (e.g. `deployVault(World memory, WorldConfig memory)`), and their addresses
/// by new fields here and in `toJson`.
struct World {
    MintableERC20 weth;
    MintableERC20 usdc;
    SettableAggregator ethUsdFeed;
    MorphoChainlinkOracle oracle;
    LinearKinkIrm irm;
    IMorpho morpho;
    MarketParams marketParams;
    Id marketId;
    IUniswapV3Factory uniswapFactory;
    IUniswapV3Pool pool;
    UniswapV3LiquidityProvider liquidityProvider;
    PoolArbitrageur arbitrageur;
}

/// @title LocalWorldLib
/// @notice Builds the local DeFi world - tokens, ETH/USD feed, Morpho Blue with a WETH/USDC market and a lender,
/// a Uniswap V3 WETH/USDC pool at the feed's price with deep liquidity and TWAP observations, and the arbitrageur
/// that moves both - the one way for the deploy script (`DeployLocalWorld.s.sol`) and the forge fixture
/// (`test/contracts/world/WorldFixture.sol`) alike.
/// @dev Runs inside forge only (it reads artifacts through the cheatcode `getCode`). Every call it makes must come
/// from `cfg.owner`: wrap it in `vm.startBroadcast()` or `vm.startPrank(cfg.owner)`. Morpho Blue and the Uniswap
/// V3 factory are deployed from their packages' artifacts (Morpho is compiled by the 0.8.19 file
/// `contracts/script/world/MorphoArtifact.sol`); nothing of theirs is copied here.
library LocalWorldLib {
    using MarketParamsLib for MarketParams;

    /// @notice Thrown when an artifact cannot be deployed.
    error DeploymentFailed(string artifact);

    Vm private constant VM = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));

    string internal constant MORPHO_ARTIFACT = "Morpho.sol:Morpho";
    string internal constant UNISWAP_V3_FACTORY_ARTIFACT =
        "node_modules/@uniswap/v3-core/artifacts/contracts/UniswapV3Factory.sol/UniswapV3Factory.json";
    /// @dev Slots added per `increaseObservationCardinalityNext` call (~22k gas each), so no call nears the block gas
    /// limit on anvil.
    uint16 internal constant CARDINALITY_STEP = 250;

    /// @notice Working defaults: ETH at $3,000, LLTV 86%, 100M USDC lent, a 0.05% pool two bands deep, a 10-minute
    /// TWAP. Roles are left zero for the caller.
    function defaultConfig() internal pure returns (WorldConfig memory cfg) {
        cfg.initialAnswer = 3000e8;
        cfg.feedDecimals = 8;
        cfg.lenderSupply = 100_000_000e6;
        cfg.lltv = 0.86e18;
        cfg.irmBaseRate = 0;
        cfg.irmKinkRate = 0.04e18;
        cfg.irmMaxRate = 0.75e18;
        cfg.irmKink = 0.9e18;
        cfg.poolFee = 500;
        cfg.observationCardinality = 1000;
        cfg.twapWindow = 10 minutes;
        cfg.bands = new LiquidityBand[](3);
        // ~±5%: where the vault trades. 50M USDC below the price, the matching WETH above.
        cfg.bands[0] = LiquidityBand({halfWidthTicks: 500, loanAmount: 50_000_000e6});
        // ~±50%: keeps shocks tradable.
        cfg.bands[1] = LiquidityBand({halfWidthTicks: 7000, loanAmount: 50_000_000e6});
        // Full range: the pool never runs out of liquidity, whatever the price.
        cfg.bands[2] = LiquidityBand({halfWidthTicks: uint24(TickMathLib.MAX_TICK), loanAmount: 10_000_000e6});
    }

    /// @notice Deploys the world described by `cfg`; must be called as `cfg.owner` (see the library's @dev).
    function deploy(WorldConfig memory cfg) internal returns (World memory w) {
        w.weth = new MintableERC20("Wrapped Ether", "WETH", 18, cfg.owner);
        w.usdc = new MintableERC20("USD Coin", "USDC", 6, cfg.owner);
        w.ethUsdFeed = new SettableAggregator(cfg.owner, cfg.feedDecimals, "ETH / USD", cfg.initialAnswer);

        _deployUniswap(cfg, w);
        _deployMorpho(cfg, w);
    }

    /// @notice The world's addresses and settings as JSON (the `deployments/local.json` schema).
    function toJson(World memory w, WorldConfig memory cfg) internal returns (string memory json) {
        string memory k = "ballast.world";
        VM.serializeUint(k, "chainId", block.chainid);
        // The chain head before the world's first transaction: indexers start after it.
        VM.serializeUint(k, "startBlock", block.number);
        VM.serializeAddress(k, "owner", cfg.owner);
        VM.serializeAddress(k, "strategist", cfg.strategist);
        VM.serializeAddress(k, "keeper", cfg.keeper);
        VM.serializeAddress(k, "guardian", cfg.guardian);
        VM.serializeAddress(k, "lender", cfg.lender);
        VM.serializeAddress(k, "weth", address(w.weth));
        VM.serializeAddress(k, "usdc", address(w.usdc));
        VM.serializeAddress(k, "ethUsdFeed", address(w.ethUsdFeed));
        VM.serializeAddress(k, "oracle", address(w.oracle));
        VM.serializeAddress(k, "irm", address(w.irm));
        VM.serializeAddress(k, "morpho", address(w.morpho));
        VM.serializeBytes32(k, "marketId", Id.unwrap(w.marketId));
        VM.serializeUint(k, "lltv", cfg.lltv);
        VM.serializeAddress(k, "uniswapV3Factory", address(w.uniswapFactory));
        VM.serializeAddress(k, "pool", address(w.pool));
        VM.serializeUint(k, "poolFee", cfg.poolFee);
        VM.serializeUint(k, "twapWindow", cfg.twapWindow);
        VM.serializeAddress(k, "liquidityProvider", address(w.liquidityProvider));
        json = VM.serializeAddress(k, "arbitrageur", address(w.arbitrageur));
    }

    /* UNISWAP */

    function _deployUniswap(WorldConfig memory cfg, World memory w) private {
        w.uniswapFactory = IUniswapV3Factory(_deployArtifact(UNISWAP_V3_FACTORY_ARTIFACT, ""));
        w.pool = IUniswapV3Pool(w.uniswapFactory.createPool(address(w.weth), address(w.usdc), cfg.poolFee));
        // The oracle only needs the pool's tokens, so it can price the pool's initialisation.
        w.oracle = new MorphoChainlinkOracle(w.ethUsdFeed, w.pool, address(w.weth), address(w.usdc), cfg.twapWindow);
        w.pool.initialize(PoolPriceLib.toSqrtPriceX96Down(w.oracle.price(), w.oracle.collateralIsToken0()));

        for (uint16 next = CARDINALITY_STEP;; next += CARDINALITY_STEP) {
            if (next > cfg.observationCardinality) next = cfg.observationCardinality;
            w.pool.increaseObservationCardinalityNext(next);
            if (next == cfg.observationCardinality) break;
        }

        w.liquidityProvider = new UniswapV3LiquidityProvider(cfg.owner);
        w.weth.setMinter(address(w.liquidityProvider), true);
        w.usdc.setMinter(address(w.liquidityProvider), true);
        for (uint256 i; i < cfg.bands.length; ++i) {
            _addBand(w, cfg.bands[i]);
        }

        w.arbitrageur = new PoolArbitrageur(w.ethUsdFeed, w.oracle, cfg.owner);
        w.weth.setMinter(address(w.arbitrageur), true);
        w.usdc.setMinter(address(w.arbitrageur), true);
        w.ethUsdFeed.setUpdater(address(w.arbitrageur), true);
    }

    function _addBand(World memory w, LiquidityBand memory band) private {
        (uint160 sqrtPriceX96, int24 tick,,,,,) = w.pool.slot0();
        int24 spacing = w.pool.tickSpacing();
        int24 maxUsable = (TickMathLib.MAX_TICK / spacing) * spacing;
        int24 halfWidth = int24(uint24(Math.min(band.halfWidthTicks, uint24(TickMathLib.MAX_TICK))));

        int24 tickLower = _floor(tick - halfWidth, spacing);
        int24 tickUpper = _floor(tick + halfWidth, spacing) + spacing;
        if (tickLower < -maxUsable) tickLower = -maxUsable;
        if (tickUpper > maxUsable) tickUpper = maxUsable;

        uint256 sqrtLower = TickMathLib.getSqrtRatioAtTick(tickLower);
        uint256 sqrtUpper = TickMathLib.getSqrtRatioAtTick(tickUpper);
        // Liquidity from the loan-token side: token1 lives below the price, token0 above it.
        uint256 liquidity = w.oracle.collateralIsToken0()
            ? Math.mulDiv(band.loanAmount, PoolPriceLib.Q96, sqrtPriceX96 - sqrtLower)
            : Math.mulDiv(
                band.loanAmount, Math.mulDiv(sqrtPriceX96, sqrtUpper, PoolPriceLib.Q96), sqrtUpper - sqrtPriceX96
            );

        w.liquidityProvider.addLiquidity(w.pool, tickLower, tickUpper, SafeCast.toUint128(liquidity));
    }

    /// @dev Rounds toward negative infinity to a multiple of `spacing` (Solidity's `/` truncates toward zero).
    function _floor(int24 tick, int24 spacing) private pure returns (int24) {
        int24 q = tick / spacing;
        if (tick < 0 && tick % spacing != 0) q--;
        return q * spacing;
    }

    /* MORPHO */

    function _deployMorpho(WorldConfig memory cfg, World memory w) private {
        w.irm = new LinearKinkIrm(cfg.irmBaseRate, cfg.irmKinkRate, cfg.irmMaxRate, cfg.irmKink);
        w.morpho = IMorpho(_deployArtifact(MORPHO_ARTIFACT, abi.encode(cfg.owner)));
        w.morpho.enableIrm(address(w.irm));
        w.morpho.enableLltv(cfg.lltv);

        w.marketParams = MarketParams({
            loanToken: address(w.usdc),
            collateralToken: address(w.weth),
            oracle: address(w.oracle),
            irm: address(w.irm),
            lltv: cfg.lltv
        });
        w.marketId = w.marketParams.id();
        w.morpho.createMarket(w.marketParams);

        if (cfg.lenderSupply > 0) {
            w.usdc.mint(cfg.owner, cfg.lenderSupply);
            w.usdc.approve(address(w.morpho), cfg.lenderSupply);
            w.morpho.supply(w.marketParams, cfg.lenderSupply, 0, cfg.lender, "");
        }
    }

    /* ARTIFACTS */

    function _deployArtifact(string memory artifact, bytes memory constructorArgs) private returns (address deployed) {
        bytes memory initCode = bytes.concat(VM.getCode(artifact), constructorArgs);
        assembly ("memory-safe") {
            deployed := create(0, add(initCode, 0x20), mload(initCode))
        }
        if (deployed == address(0)) revert DeploymentFailed(artifact);
    }
}
