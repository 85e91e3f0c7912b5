// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.19;

import {Test} from "forge-std/Test.sol";
import {Morpho} from "@morpho-org/morpho-blue/src/Morpho.sol";

/// @notice Morpho Blue is `pragma solidity 0.8.19` and cannot be imported from our 0.8.28 code, so `LocalWorldLib`
/// deploys it by artifact name. Under `forge test --match-path 'test/contracts/world/*'` forge compiles only the
/// matching test files and their imports: this 0.8.19 test keeps Morpho in that set (see also
/// contracts/script/world/MorphoArtifact.sol for full builds and scripts).
contract MorphoArtifactTest is Test {
    function test_getCode_findsMorphoArtifact() public view {
        bytes memory code = vm.getCode("Morpho.sol:Morpho");
        assertEq(keccak256(code), keccak256(type(Morpho).creationCode), "artifact is this build of Morpho");
    }
}
