// SPDX-License-Identifier: BUSL-1.1
pragma solidity ^0.8.24;

/// @notice A value waiting for its timelock. `validAt == 0` means nothing is pending.
struct PendingUint192 {
    uint192 value;
    uint64 validAt;
}

struct PendingAddress {
    address value;
    uint64 validAt;
}

/// @notice A pending blob stored as its hash: the blob is in the submit event and re-sent on accept.
struct PendingHash {
    bytes32 hash;
    uint64 validAt;
}

/// @title PendingLib
/// @notice Sets pending values with their `validAt` timestamp.
library PendingLib {
    function update(PendingUint192 storage pending, uint192 newValue, uint256 timelock) internal {
        pending.value = newValue;
        // Safe cast: timelock <= MAX_TIMELOCK.
        pending.validAt = uint64(block.timestamp + timelock);
    }

    function update(PendingAddress storage pending, address newValue, uint256 timelock) internal {
        pending.value = newValue;
        pending.validAt = uint64(block.timestamp + timelock);
    }
}
