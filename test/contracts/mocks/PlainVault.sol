// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ERC4626} from "@openzeppelin/contracts/token/ERC20/extensions/ERC4626.sol";

/// @notice OpenZeppelin's ERC4626 with the same decimals offset and nothing else: the gas baseline.
contract PlainVault is ERC4626 {
    constructor(IERC20 asset_) ERC4626(asset_) ERC20("Plain", "PLAIN") {}

    function _decimalsOffset() internal pure override returns (uint8) {
        return 6;
    }
}
