// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

/// @title MintableERC20
/// @notice A plain ERC-20 with configurable decimals whose owner and approved minters can mint: the WETH-like and
/// USDC-like tokens of the local world. Local world and tests only.
contract MintableERC20 is ERC20, Ownable {
    /// @notice Emitted when `minter`'s permission changes.
    event MinterSet(address indexed minter, bool allowed);

    /// @notice Thrown when the caller is neither the owner nor a minter.
    error NotMinter(address caller);

    uint8 private immutable _decimals;

    /// @notice Addresses allowed to mint besides the owner (the world's liquidity provider and arbitrageur).
    mapping(address => bool) public isMinter;

    constructor(string memory name_, string memory symbol_, uint8 decimals_, address initialOwner)
        ERC20(name_, symbol_)
        Ownable(initialOwner)
    {
        _decimals = decimals_;
    }

    /// @notice Allows or forbids `minter` to mint.
    function setMinter(address minter, bool allowed) external onlyOwner {
        isMinter[minter] = allowed;
        emit MinterSet(minter, allowed);
    }

    /// @notice Mints `amount` to `to`.
    function mint(address to, uint256 amount) external {
        if (msg.sender != owner() && !isMinter[msg.sender]) revert NotMinter(msg.sender);
        _mint(to, amount);
    }

    /// @inheritdoc ERC20
    function decimals() public view override returns (uint8) {
        return _decimals;
    }
}
