// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.19;

// Morpho Blue is `pragma solidity 0.8.19` and cannot be imported from our 0.8.28 code, so `LocalWorldLib` deploys
// it by artifact name ("Morpho.sol:Morpho"). This import makes forge compile it (with 0.8.19) whenever it builds
// `contracts/`, which `forge build` and `forge script` do. A filtered `forge test --match-path` compiles only the
// matching test files and their imports, so the world's tests carry their own 0.8.19 test that imports Morpho
// (test/contracts/world/MorphoArtifact.t.sol; an import-only file there is not compiled: it must hold a test).
import {Morpho} from "@morpho-org/morpho-blue/src/Morpho.sol";
