// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

import {Script, console} from "forge-std/Script.sol";
import {VmSafe} from "forge-std/Vm.sol";
import {IMorpho, MarketParams} from "@morpho-org/morpho-blue/src/interfaces/IMorpho.sol";
import {MarketParamsLib} from "@morpho-org/morpho-blue/src/libraries/MarketParamsLib.sol";
import {IUniswapV3Pool} from "@uniswap/v3-core/contracts/interfaces/IUniswapV3Pool.sol";

import {LocalWorldLib, World, WorldConfig} from "./world/LocalWorld.sol";
import {MintableERC20} from "./world/MintableERC20.sol";

/// @title DeployExtraVaults
/// @notice Adds `BALLAST_EXTRA_VAULTS` more vaults, each wired to its own leverage module on the local world's market
/// and pool, to a chain where `DeployLocalWorld` already ran; each gets a deposit from the owner
/// (`BALLAST_EXTRA_DEPOSIT` WETH wei, default 10e18) allocated at 1x by the keeper. Writes
/// `{ "vaults": [the world's vault, ...new ones], "multicall3": ... }` to `BALLAST_EXTRA_VAULTS_FILE`
/// (default deployments/vaults.json): the service's `BALLAST_DEPLOYMENT_FILE` format. Used by the scan benchmark and
/// the multi-vault service tests.
/// @dev npx forge script contracts/script/DeployExtraVaults.s.sol --rpc-url <url> --broadcast --private-key <owner>
/// Environment: BALLAST_DEPLOYMENT_FILE (the world, default deployments/local.json), BALLAST_KEEPER_KEY (default
/// anvil account 2), MNEMONIC.
contract DeployExtraVaults is Script {
    using MarketParamsLib for MarketParams;

    string internal constant ANVIL_MNEMONIC = "test test test test test test test test test test test junk";

    function run() external {
        string memory root = vm.projectRoot();
        string memory worldFile = vm.envOr("BALLAST_DEPLOYMENT_FILE", string.concat(root, "/deployments/local.json"));
        string memory outFile = vm.envOr("BALLAST_EXTRA_VAULTS_FILE", string.concat(root, "/deployments/vaults.json"));
        uint256 count = vm.envOr("BALLAST_EXTRA_VAULTS", uint256(9));
        uint256 deposit = vm.envOr("BALLAST_EXTRA_DEPOSIT", uint256(10e18));
        string memory mnemonic = vm.envOr("MNEMONIC", ANVIL_MNEMONIC);
        uint256 keeperKey = vm.envOr("BALLAST_KEEPER_KEY", vm.deriveKey(mnemonic, 2));
        string memory json = vm.readFile(worldFile);

        World memory w;
        w.weth = MintableERC20(vm.parseJsonAddress(json, ".weth"));
        w.usdc = MintableERC20(vm.parseJsonAddress(json, ".usdc"));
        w.morpho = IMorpho(vm.parseJsonAddress(json, ".morpho"));
        w.pool = IUniswapV3Pool(vm.parseJsonAddress(json, ".pool"));
        w.marketParams = MarketParams({
            loanToken: address(w.usdc),
            collateralToken: address(w.weth),
            oracle: vm.parseJsonAddress(json, ".oracle"),
            irm: vm.parseJsonAddress(json, ".irm"),
            lltv: vm.parseUint(vm.parseJsonString(json, ".lltv"))
        });
        w.marketId = w.marketParams.id();

        WorldConfig memory cfg = LocalWorldLib.defaultConfig();
        cfg.strategist = vm.parseJsonAddress(json, ".strategist");
        cfg.keeper = vm.parseJsonAddress(json, ".keeper");
        cfg.guardian = vm.parseJsonAddress(json, ".guardian");
        cfg.feeRecipient = vm.parseJsonAddress(json, ".feeRecipient");
        require(vm.addr(keeperKey) == cfg.keeper, "BALLAST_KEEPER_KEY is not the world's keeper");

        address[] memory vaults = new address[](count + 1);
        vaults[0] = vm.parseJsonAddress(json, ".vault");
        vm.startBroadcast();
        (, cfg.owner,) = vm.readCallers();
        for (uint256 i; i < count; ++i) {
            cfg.vault.name = string.concat("Ballast WETH #", vm.toString(i + 2));
            LocalWorldLib.deployVault(w, cfg);
            if (deposit != 0) {
                w.weth.mint(cfg.owner, deposit);
                w.weth.approve(address(w.vault), deposit);
                w.vault.deposit(deposit, cfg.owner);
                vm.stopBroadcast();
                vm.startBroadcast(keeperKey);
                w.vault.allocate(address(w.module), w.vault.idle());
                vm.stopBroadcast();
                vm.startBroadcast(cfg.owner);
            }
            vaults[i + 1] = address(w.vault);
        }
        vm.stopBroadcast();

        string memory k = "ballast.vaults";
        vm.serializeAddress(k, "multicall3", vm.parseJsonAddress(json, ".multicall3"));
        string memory out = vm.serializeAddress(k, "vaults", vaults);
        if (vm.isContext(VmSafe.ForgeContext.ScriptBroadcast) || vm.isContext(VmSafe.ForgeContext.ScriptResume)) {
            vm.writeJson(out, outFile);
            console.log("Vault list written to", outFile);
        }
        console.log("vaults:", vaults.length);
    }
}
