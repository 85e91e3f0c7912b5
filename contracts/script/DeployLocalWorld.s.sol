// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

import {Script, console} from "forge-std/Script.sol";
import {VmSafe} from "forge-std/Vm.sol";

import {LocalWorldLib, World, WorldConfig} from "./world/LocalWorld.sol";

/// @title DeployLocalWorld
/// @notice Deploys the local world (see `LocalWorldLib`) on a fresh chain and writes its addresses to
/// `deployments/local.json`. The broadcaster owns everything; the other roles default to anvil's accounts 1-4.
/// @dev npx forge script contracts/script/DeployLocalWorld.s.sol --rpc-url http://127.0.0.1:8545 --broadcast \
///        --private-key <anvil account 0>
/// Environment (all optional): MNEMONIC (derives the default roles), BALLAST_STRATEGIST, BALLAST_KEEPER,
/// BALLAST_GUARDIAN, BALLAST_LENDER (addresses), BALLAST_DEPLOYMENT_FILE (default deployments/local.json).
contract DeployLocalWorld is Script {
    string internal constant ANVIL_MNEMONIC = "test test test test test test test test test test test junk";

    function run() external returns (World memory world) {
        WorldConfig memory cfg = LocalWorldLib.defaultConfig();
        string memory mnemonic = vm.envOr("MNEMONIC", ANVIL_MNEMONIC);
        cfg.strategist = vm.envOr("BALLAST_STRATEGIST", _account(mnemonic, 1));
        cfg.keeper = vm.envOr("BALLAST_KEEPER", _account(mnemonic, 2));
        cfg.guardian = vm.envOr("BALLAST_GUARDIAN", _account(mnemonic, 3));
        cfg.lender = vm.envOr("BALLAST_LENDER", _account(mnemonic, 4));

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
