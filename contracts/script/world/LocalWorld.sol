// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

import {Vm, VmSafe} from "forge-std/Vm.sol";
import {console} from "forge-std/console.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IMorpho, Id, MarketParams} from "@morpho-org/morpho-blue/src/interfaces/IMorpho.sol";
import {MarketParamsLib} from "@morpho-org/morpho-blue/src/libraries/MarketParamsLib.sol";
import {IUniswapV3Factory} from "@uniswap/v3-core/contracts/interfaces/IUniswapV3Factory.sol";
import {IUniswapV3Pool} from "@uniswap/v3-core/contracts/interfaces/IUniswapV3Pool.sol";

import {BallastVault} from "../../BallastVault.sol";
import {VaultLimits} from "../../interfaces/IBallastVault.sol";
import {LinearKinkIrm} from "../../irm/LinearKinkIrm.sol";
import {TickMathLib} from "../../libraries/TickMathLib.sol";
import {MorphoChainlinkOracle} from "../../oracle/MorphoChainlinkOracle.sol";
import {PoolPriceLib} from "../../oracle/PoolPriceLib.sol";
import {SettableAggregator} from "../../oracle/SettableAggregator.sol";
import {MintableERC20} from "./MintableERC20.sol";
import {PoolArbitrageur} from "./PoolArbitrageur.sol";
import {UniswapV3LiquidityProvider} from "./UniswapV3LiquidityProvider.sol";
import {MorphoLeverageModule} from "@ballast-strategies/morpho-leverage/MorphoLeverageModule.sol";
import {LeverageLimits} from "@ballast-strategies/morpho-leverage/LeverageLimitsLib.sol";

/// @notice Liquidity placed around the initial price: ticks [center - halfWidthTicks, center + halfWidthTicks]
/// (rounded outward to the tick spacing, clamped to the pool's range) holding `loanAmount` of the loan token on the
/// side below the price (and the matching collateral above it).
struct LiquidityBand {
    uint24 halfWidthTicks;
    uint256 loanAmount;
}

/// @notice The vault and its leverage module. Deployed with timelock 0, wired by the owner, then given `timelock`.
struct VaultConfig {
    string name;
    string symbol;
    /// @dev Seed deposit (vault-asset units) pulled from the deployer (`WorldConfig.owner`) and locked forever.
    uint256 seedAssets;
    /// @dev Timelock set once the wiring is done; deposits open at >= 1 day (`ConstantsLib.MIN_TIMELOCK`).
    uint256 timelock;
    VaultLimits limits;
    /// @dev Yearly management fee and performance fee (WAD); zero leaves `setFees` uncalled.
    uint256 managementFee;
    uint256 performanceFee;
    /// @dev The module's cap (vault-asset units).
    uint256 moduleCap;
    /// @dev The module's limits (see strategies/morpho-leverage/README.md).
    LeverageLimits moduleLimits;
}

/// @notice Optional depositors that fund the vault right after it opens (default: none).
struct SeedDeposits {
    /// @dev Private keys of the depositors (keys, so a script can broadcast for them; a test only uses the
    /// addresses). Each gets `amount` freshly minted WETH and deposits it all.
    uint256[] depositorKeys;
    uint256 amount;
    /// @dev Whether the keeper then allocates everything idle to the module (at 1x; levering up needs a TWAP window
    /// of pool history, so it is left to the keeper).
    bool allocate;
    /// @dev The keeper's key, needed to allocate when broadcasting; must match `WorldConfig.keeper`.
    uint256 keeperKey;
}

/// @notice Everything the local world is built from. `defaultConfig` gives working values; callers set the roles.
struct WorldConfig {
    /// @dev Owns every contract deployed here (Morpho's owner too) and must be the caller of `deploy` (the
    /// broadcaster in a script, the pranked address in a test).
    address owner;
    /// @dev Vault roles; all distinct from `owner`.
    address strategist;
    address keeper;
    address guardian;
    address feeRecipient;
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
    VaultConfig vault;
    SeedDeposits seed;
    /// @dev Deploys Multicall3 from viem's `multicall3Bytecode` (needs read access to `MULTICALL3_SOURCE`); left at
    /// the zero address, with a warning, when the file cannot be read.
    bool deployMulticall3;
}

/// @notice The deployed local world.
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
    BallastVault vault;
    MorphoLeverageModule module;
    /// @dev Zero when not deployed (see `WorldConfig.deployMulticall3`).
    address multicall3;
    /// @dev The seed depositors' addresses (empty by default).
    address[] depositors;
}

/// @title LocalWorldLib
/// @notice Builds the local DeFi world - tokens, ETH/USD feed, Morpho Blue with a WETH/USDC market and a lender,
/// a Uniswap V3 WETH/USDC pool at the feed's price with deep liquidity and TWAP observations, the arbitrageur
/// that moves both, a BallastVault wired to a MorphoLeverageModule, optional seed depositors and Multicall3 - the one
/// way for the deploy script (`DeployLocalWorld.s.sol`) and the forge fixtures (`test/contracts/world/WorldFixture.sol`
/// and `test/contracts/strategies/MorphoLeverageFixture.sol`) alike.
/// @dev Runs inside forge only (it reads artifacts through the cheatcode `getCode`). Every call it makes must come
/// from `cfg.owner`: wrap it in `vm.startBroadcast()` or `vm.startPrank(cfg.owner)` (checked with `readCallers`).
/// Seed depositors and the keeper's allocation switch the caller for their calls and switch back to the owner.
/// Morpho Blue and the Uniswap V3 factory are deployed from their packages' artifacts (Morpho is compiled by the
/// 0.8.19 file `contracts/script/world/MorphoArtifact.sol`), Multicall3 from viem's bytecode constant; nothing of
/// theirs is copied here.
library LocalWorldLib {
    using MarketParamsLib for MarketParams;

    /// @notice Thrown when an artifact cannot be deployed.
    error DeploymentFailed(string artifact);
    /// @notice Thrown when `deploy` is not running under a recurrent prank or broadcast of `cfg.owner`.
    error NotActingAsOwner(VmSafe.CallerMode mode, address sender, address owner);
    /// @notice Thrown when the vault did not land where its seed approval was given.
    error UnexpectedVaultAddress(address predicted, address deployed);
    /// @notice Thrown when allocating while broadcasting without the keeper's key.
    error KeeperKeyMismatch(address keeper, address fromKey);

    Vm private constant VM = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));

    string internal constant MORPHO_ARTIFACT = "Morpho.sol:Morpho";
    string internal constant UNISWAP_V3_FACTORY_ARTIFACT =
        "node_modules/@uniswap/v3-core/artifacts/contracts/UniswapV3Factory.sol/UniswapV3Factory.json";
    /// @dev viem's constants module, holding `export const multicall3Bytecode = '0x...'` (creation code).
    string internal constant MULTICALL3_SOURCE = "node_modules/viem/_esm/constants/contracts.js";
    string internal constant MULTICALL3_MARKER = "multicall3Bytecode = '";
    /// @dev Slots added per `increaseObservationCardinalityNext` call (~22k gas each), so no call nears the block gas
    /// limit on anvil.
    uint16 internal constant CARDINALITY_STEP = 250;

    /// @notice Working defaults: ETH at $3,000, LLTV 86%, 100M USDC lent, a 0.05% pool two bands deep, a 10-minute
    /// TWAP, a vault with a 1-day timelock and no fees, the module at the README's defaults, no seed depositors,
    /// Multicall3. Roles are left zero for the caller.
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
        cfg.vault = defaultVaultConfig();
        cfg.deployMulticall3 = true;
    }

    /// @notice The vault's defaults: "Ballast WETH" (bWETH), a 1e-9 WETH seed, a 1-day timelock, 0.5% loss per keeper
    /// call and 2% per day, no deposit cap, no fees, an unlimited module cap, `defaultModuleLimits`.
    function defaultVaultConfig() internal pure returns (VaultConfig memory v) {
        v.name = "Ballast WETH";
        v.symbol = "bWETH";
        // 1e-9 WETH: with the 6-decimal share offset, a donation attack costs ~1e6x what it takes.
        v.seedAssets = 1e9;
        v.timelock = 1 days;
        v.limits = VaultLimits({maxLossBps: 50, lossBudgetBps: 200, lossWindow: 1 days, depositCap: type(uint128).max});
        v.moduleCap = type(uint184).max;
        v.moduleLimits = defaultModuleLimits();
    }

    /// @notice The module's defaults from strategies/morpho-leverage/README.md: band 1.7x-2.0x-2.3x, ripcord 2.7x
    /// (liquidation at 7.14x with LLTV 86%), trades up to 1000 WETH at 0.5% slippage (ripcord 1.5%), feed vs TWAP
    /// within 3%, feed at most 1 hour old, 1-hour keeper cooldown, 10-minute ripcord cooldown, 1-day dead-man delay.
    function defaultModuleLimits() internal pure returns (LeverageLimits memory) {
        return LeverageLimits({
            minLeverage: 1.7e18,
            targetLeverage: 2e18,
            maxLeverage: 2.3e18,
            ripcordLeverage: 2.7e18,
            maxTradeSize: 1000e18,
            ripcordMaxTradeSize: 1000e18,
            maxSlippageBps: 50,
            ripcordSlippageBps: 150,
            maxOracleDeviationBps: 300,
            cooldown: 1 hours,
            ripcordCooldown: 10 minutes,
            maxOracleStaleness: 1 hours,
            deadManDelay: 1 days
        });
    }

    /// @notice Deploys the world described by `cfg`; must be called as `cfg.owner` (see the library's @dev).
    function deploy(WorldConfig memory cfg) internal returns (World memory w) {
        _checkActingAsOwner(cfg.owner);
        w.weth = new MintableERC20("Wrapped Ether", "WETH", 18, cfg.owner);
        w.usdc = new MintableERC20("USD Coin", "USDC", 6, cfg.owner);
        w.ethUsdFeed = new SettableAggregator(cfg.owner, cfg.feedDecimals, "ETH / USD", cfg.initialAnswer);

        _deployUniswap(cfg, w);
        _deployMorpho(cfg, w);
        deployVault(w, cfg);
        _seedDeposits(w, cfg);
        if (cfg.deployMulticall3) w.multicall3 = deployMulticall3();
    }

    /// @notice The world's addresses and settings as JSON (the `deployments/local.json` schema). Keys are camelCase
    /// and stable. Addresses are checksummed strings; amounts, WAD values and prices are decimal strings (they
    /// overflow a JavaScript number); counts, bps and seconds are numbers.
    function toJson(World memory w, WorldConfig memory cfg) internal returns (string memory json) {
        string memory k = "ballast.world";
        VM.serializeUint(k, "chainId", block.chainid);
        // The chain head before the world's first transaction: indexers start after it.
        VM.serializeUint(k, "startBlock", block.number);
        VM.serializeAddress(k, "owner", cfg.owner);
        VM.serializeAddress(k, "strategist", cfg.strategist);
        VM.serializeAddress(k, "keeper", cfg.keeper);
        VM.serializeAddress(k, "guardian", cfg.guardian);
        VM.serializeAddress(k, "feeRecipient", cfg.feeRecipient);
        VM.serializeAddress(k, "lender", cfg.lender);
        VM.serializeAddress(k, "depositors", w.depositors);
        VM.serializeAddress(k, "weth", address(w.weth));
        VM.serializeAddress(k, "usdc", address(w.usdc));
        VM.serializeAddress(k, "ethUsdFeed", address(w.ethUsdFeed));
        VM.serializeAddress(k, "oracle", address(w.oracle));
        VM.serializeAddress(k, "irm", address(w.irm));
        VM.serializeAddress(k, "morpho", address(w.morpho));
        VM.serializeBytes32(k, "marketId", Id.unwrap(w.marketId));
        VM.serializeString(k, "lltv", VM.toString(cfg.lltv));
        VM.serializeAddress(k, "uniswapV3Factory", address(w.uniswapFactory));
        VM.serializeAddress(k, "pool", address(w.pool));
        VM.serializeUint(k, "poolFee", cfg.poolFee);
        VM.serializeUint(k, "twapWindow", cfg.twapWindow);
        VM.serializeAddress(k, "liquidityProvider", address(w.liquidityProvider));
        VM.serializeAddress(k, "arbitrageur", address(w.arbitrageur));
        VM.serializeAddress(k, "multicall3", w.multicall3);
        VM.serializeAddress(k, "vault", address(w.vault));
        VM.serializeAddress(k, "module", address(w.module));
        VM.serializeString(k, "vaultParams", _vaultJson(w.vault, address(w.module), cfg.vault.seedAssets));
        json = VM.serializeString(k, "moduleLimits", _moduleLimitsJson(w.module));
    }

    /* VAULT */

    /// @notice Deploys the vault and its leverage module into `w` and wires them, as `cfg.owner`: the vault with
    /// timelock 0 (its constructor pulls `cfg.vault.seedAssets` of WETH from the owner, minted and approved here),
    /// the module with `cfg.vault.moduleLimits`; then the module and its cap (immediate at timelock 0), strategist,
    /// keeper, guardian, fee recipient and fees; last the timelock, which opens deposits.
    function deployVault(World memory w, WorldConfig memory cfg) internal {
        VaultConfig memory v = cfg.vault;
        // The constructor pulls the seed from its deployer (the owner): approve the vault's address up front. Whether
        // a call uses one of the owner's nonces depends on the mode (a broadcast or an isolated test call does, a
        // plain prank does not), so the mint measures it and the approval is assumed to do the same.
        uint256 nonceBefore = VM.getNonce(cfg.owner);
        w.weth.mint(cfg.owner, v.seedAssets);
        uint256 nonceAfter = VM.getNonce(cfg.owner);
        address predicted = VM.computeCreateAddress(cfg.owner, 2 * nonceAfter - nonceBefore);
        w.weth.approve(predicted, v.seedAssets);
        w.vault = new BallastVault(w.weth, v.name, v.symbol, cfg.owner, 0, v.limits, v.seedAssets);
        if (address(w.vault) != predicted) revert UnexpectedVaultAddress(predicted, address(w.vault));

        w.module = new MorphoLeverageModule(address(w.vault), w.morpho, w.marketParams, w.pool, v.moduleLimits);
        w.vault.submitModule(address(w.module));
        w.vault.submitCap(address(w.module), v.moduleCap);

        w.vault.setStrategist(cfg.strategist);
        w.vault.setKeeper(cfg.keeper, true);
        w.vault.submitGuardian(cfg.guardian);
        w.vault.setFeeRecipient(cfg.feeRecipient);
        if (v.managementFee != 0 || v.performanceFee != 0) w.vault.setFees(v.managementFee, v.performanceFee);
        w.vault.submitTimelock(v.timelock);
    }

    /// @dev Each depositor gets `amount` minted WETH and deposits it; then the keeper may allocate all idle assets.
    function _seedDeposits(World memory w, WorldConfig memory cfg) private {
        SeedDeposits memory seed = cfg.seed;
        uint256 count = seed.depositorKeys.length;
        w.depositors = new address[](count);
        if (count == 0 && !seed.allocate) return;

        (VmSafe.CallerMode mode,,) = VM.readCallers();
        bool broadcast = _isBroadcast(mode);
        for (uint256 i; i < count; ++i) {
            w.depositors[i] = VM.addr(seed.depositorKeys[i]);
            w.weth.mint(w.depositors[i], seed.amount);
        }
        for (uint256 i; i < count; ++i) {
            _switchCaller(broadcast, w.depositors[i], seed.depositorKeys[i]);
            w.weth.approve(address(w.vault), seed.amount);
            w.vault.deposit(seed.amount, w.depositors[i]);
        }

        uint256 idle = w.vault.idle();
        if (seed.allocate && idle != 0) {
            if (broadcast && (seed.keeperKey == 0 || VM.addr(seed.keeperKey) != cfg.keeper)) {
                revert KeeperKeyMismatch(cfg.keeper, seed.keeperKey == 0 ? address(0) : VM.addr(seed.keeperKey));
            }
            _switchCaller(broadcast, cfg.keeper, seed.keeperKey);
            w.vault.allocate(address(w.module), idle);
        }
        _switchCaller(broadcast, cfg.owner, 0);
    }

    /// @dev Ends the current prank or broadcast and starts one for `who` (signing with `key` when broadcasting; key 0
    /// means a wallet forge already holds, e.g. the owner's `--private-key`).
    function _switchCaller(bool broadcast, address who, uint256 key) private {
        if (broadcast) {
            VM.stopBroadcast();
            if (key == 0) VM.startBroadcast(who);
            else VM.startBroadcast(key);
        } else {
            VM.stopPrank();
            VM.startPrank(who);
        }
    }

    function _isBroadcast(VmSafe.CallerMode mode) private pure returns (bool) {
        return mode == VmSafe.CallerMode.RecurrentBroadcast || mode == VmSafe.CallerMode.Broadcast;
    }

    function _checkActingAsOwner(address owner) private {
        (VmSafe.CallerMode mode, address sender,) = VM.readCallers();
        bool recurrent = mode == VmSafe.CallerMode.RecurrentBroadcast || mode == VmSafe.CallerMode.RecurrentPrank;
        if (!recurrent || sender != owner) revert NotActingAsOwner(mode, sender, owner);
    }

    function _vaultJson(BallastVault vault, address module, uint256 seedAssets) private returns (string memory) {
        string memory k = "ballast.world.vaultParams";
        VaultLimits memory l = vault.limits();
        VM.serializeString(k, "name", vault.name());
        VM.serializeString(k, "symbol", vault.symbol());
        VM.serializeUint(k, "decimals", vault.decimals());
        VM.serializeString(k, "seedAssets", VM.toString(seedAssets));
        VM.serializeUint(k, "timelock", vault.timelock());
        VM.serializeUint(k, "maxLossBps", l.maxLossBps);
        VM.serializeUint(k, "lossBudgetBps", l.lossBudgetBps);
        VM.serializeUint(k, "lossWindow", l.lossWindow);
        VM.serializeString(k, "depositCap", VM.toString(l.depositCap));
        VM.serializeString(k, "managementFee", VM.toString(vault.managementFee()));
        VM.serializeString(k, "performanceFee", VM.toString(vault.performanceFee()));
        return VM.serializeString(k, "moduleCap", VM.toString(vault.moduleConfig(module).cap));
    }

    function _moduleLimitsJson(MorphoLeverageModule module) private returns (string memory) {
        string memory k = "ballast.world.moduleLimits";
        LeverageLimits memory l = abi.decode(module.limits(), (LeverageLimits));
        VM.serializeString(k, "minLeverage", VM.toString(l.minLeverage));
        VM.serializeString(k, "targetLeverage", VM.toString(l.targetLeverage));
        VM.serializeString(k, "maxLeverage", VM.toString(l.maxLeverage));
        VM.serializeString(k, "ripcordLeverage", VM.toString(l.ripcordLeverage));
        VM.serializeString(k, "maxTradeSize", VM.toString(l.maxTradeSize));
        VM.serializeString(k, "ripcordMaxTradeSize", VM.toString(l.ripcordMaxTradeSize));
        VM.serializeUint(k, "maxSlippageBps", l.maxSlippageBps);
        VM.serializeUint(k, "ripcordSlippageBps", l.ripcordSlippageBps);
        VM.serializeUint(k, "maxOracleDeviationBps", l.maxOracleDeviationBps);
        VM.serializeUint(k, "cooldown", l.cooldown);
        VM.serializeUint(k, "ripcordCooldown", l.ripcordCooldown);
        VM.serializeUint(k, "maxOracleStaleness", l.maxOracleStaleness);
        return VM.serializeUint(k, "deadManDelay", l.deadManDelay);
    }

    /* MULTICALL3 */

    /// @notice Deploys Multicall3 from the creation code viem ships (`multicall3Bytecode`), as the current caller.
    /// Returns the zero address, with a warning, when forge may not read `MULTICALL3_SOURCE` (foundry.toml's
    /// `fs_permissions`) or the constant is not found.
    function deployMulticall3() internal returns (address deployed) {
        try VM.readFile(MULTICALL3_SOURCE) returns (string memory source) {
            string[] memory afterMarker = VM.split(source, MULTICALL3_MARKER);
            if (afterMarker.length != 2) {
                console.log("LocalWorld: multicall3Bytecode not found in", MULTICALL3_SOURCE);
                return address(0);
            }
            string memory hexCode = VM.split(afterMarker[1], "'")[0];
            deployed = _create(VM.parseBytes(hexCode), "Multicall3");
        } catch {
            console.log("LocalWorld: cannot read", MULTICALL3_SOURCE, "- Multicall3 not deployed (fs_permissions)");
        }
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

    function _deployArtifact(string memory artifact, bytes memory constructorArgs) private returns (address) {
        return _create(bytes.concat(VM.getCode(artifact), constructorArgs), artifact);
    }

    function _create(bytes memory initCode, string memory name) private returns (address deployed) {
        assembly ("memory-safe") {
            deployed := create(0, add(initCode, 0x20), mload(initCode))
        }
        if (deployed == address(0)) revert DeploymentFailed(name);
    }
}
