// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.19;

import {Test} from "forge-std/Test.sol";
import {Morpho} from "@morpho-org/morpho-blue/src/Morpho.sol";

/// @notice Keeps Morpho Blue (0.8.19) in the compiled set under `--match-path 'test/contracts/strategies/gas/*'`, so
/// the world fixture can deploy it by artifact name (see test/contracts/world/MorphoArtifact.t.sol).
contract MorphoArtifactForGasTest is Test {
    function test_getCode_findsMorphoArtifact() public view {
        bytes memory code = vm.getCode("Morpho.sol:Morpho");
        assertEq(keccak256(code), keccak256(type(Morpho).creationCode), "artifact is this build of Morpho");
    }
}
