// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

import {Script, console} from "forge-std/Script.sol";
import {VmSafe} from "forge-std/Vm.sol";

import {LocalWorldLib, World, WorldConfig} from "./world/LocalWorld.sol";

/// @title DeployLocalWorld
/// @notice Deploys the local world (see `LocalWorldLib`: markets, pool, the vault wired to its leverage module, seed
/// depositors, Multicall3) on a fresh chain and writes its addresses to `deployments/local.json`. The broadcaster
/// owns everything; the other roles default to anvil's accounts: strategist 1, keeper 2, guardian 3, lender 4, fee
/// recipient 5, depositors 6, 7, 8 (100 WETH each, allocated to the module at 1x by the keeper).
/// @dev npx forge script contracts/script/DeployLocalWorld.s.sol --rpc-url http://127.0.0.1:8545 --broadcast \
///        --private-key <anvil account 0>
/// Environment (all optional): MNEMONIC (derives the default roles and keys), BALLAST_STRATEGIST, BALLAST_KEEPER,
/// BALLAST_GUARDIAN, BALLAST_LENDER, BALLAST_FEE_RECIPIENT (addresses), BALLAST_KEEPER_KEY (the keeper's private
/// key, for the allocation; default account 2), BALLAST_DEPOSITORS (how many depositors, from account 6 on; 0 for
/// none), BALLAST_DEPOSIT (WETH wei each, default 100e18), BALLAST_ALLOCATE (default true; skipped when
/// BALLAST_KEEPER is not BALLAST_KEEPER_KEY's address), BALLAST_DEPLOYMENT_FILE (default deployments/local.json).
contract DeployLocalWorld is Script {
    string internal constant ANVIL_MNEMONIC = "test test test test test test test test test test test junk";
    uint32 internal constant FIRST_DEPOSITOR_INDEX = 6;

    function run() external returns (World memory world) {
        WorldConfig memory cfg = LocalWorldLib.defaultConfig();
        string memory mnemonic = vm.envOr("MNEMONIC", ANVIL_MNEMONIC);
        cfg.strategist = vm.envOr("BALLAST_STRATEGIST", _account(mnemonic, 1));
        uint256 keeperKey = vm.envOr("BALLAST_KEEPER_KEY", vm.deriveKey(mnemonic, 2));
        cfg.keeper = vm.envOr("BALLAST_KEEPER", vm.addr(keeperKey));
        cfg.guardian = vm.envOr("BALLAST_GUARDIAN", _account(mnemonic, 3));
        cfg.lender = vm.envOr("BALLAST_LENDER", _account(mnemonic, 4));
        cfg.feeRecipient = vm.envOr("BALLAST_FEE_RECIPIENT", _account(mnemonic, 5));

        uint256 depositors = vm.envOr("BALLAST_DEPOSITORS", uint256(3));
        cfg.seed.depositorKeys = new uint256[](depositors);
        for (uint256 i; i < depositors; ++i) {
            cfg.seed.depositorKeys[i] = vm.deriveKey(mnemonic, FIRST_DEPOSITOR_INDEX + uint32(i));
        }
        cfg.seed.amount = vm.envOr("BALLAST_DEPOSIT", uint256(100e18));
        cfg.seed.keeperKey = keeperKey;
        // Allocating signs as the keeper: only possible when its key is known.
        cfg.seed.allocate = vm.envOr("BALLAST_ALLOCATE", true) && vm.addr(keeperKey) == cfg.keeper;

        vm.startBroadcast();
        // The broadcaster is the caller of every deployment call, so it is the owner.
        (, cfg.owner,) = vm.readCallers();
        world = LocalWorldLib.deploy(cfg);
        vm.stopBroadcast();

        string memory json = LocalWorldLib.toJson(world, cfg);
        // A dry run (no --broadcast) deploys nothing: leave the previous file alone.
        if (vm.isContext(VmSafe.ForgeContext.ScriptBroadcast) || vm.isContext(VmSafe.ForgeContext.ScriptResume)) {
            string memory dir = string.concat(vm.projectRoot(), "/deployments");
            string memory path = vm.envOr("BALLAST_DEPLOYMENT_FILE", string.concat(dir, "/local.json"));
            vm.createDir(dir, true);
            // Written while forge simulates, before the transactions are sent: a failed broadcast leaves a file
            // naming contracts that do not exist (forge reports the failure; rerun on a fresh chain).
            vm.writeJson(json, path);
            console.log("Local world written to", path);
        } else {
            console.log("Dry run: add --broadcast to deploy and write deployments/local.json");
        }
        console.log(json);
    }

    function _account(string memory mnemonic, uint32 index) internal pure returns (address) {
        return vm.addr(vm.deriveKey(mnemonic, index));
    }
}
