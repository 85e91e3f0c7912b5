// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

import {IAggregatorV3} from "../interfaces/IAggregatorV3.sol";

/// @title SettableAggregator
/// @notice A Chainlink-style price feed whose answer is written by its owner or an approved updater: the primary
/// price source of the local world (the market simulator moves it) and of tests.
/// @dev Speaks `AggregatorV3Interface` and emits Chainlink's `AnswerUpdated`/`NewRound` events, so consumers and
/// off-chain watchers cannot tell it from a live aggregator. Every write opens a new round; answers are stored
/// as given (zero and negative answers included) so that consumers' validation can be tested.
contract SettableAggregator is IAggregatorV3, Ownable {
    struct Round {
        int256 answer;
        uint64 startedAt;
        uint64 updatedAt;
    }

    /// @notice Emitted on every write, as Chainlink aggregators do.
    event AnswerUpdated(int256 indexed current, uint256 indexed roundId, uint256 updatedAt);
    /// @notice Emitted on every write, as Chainlink aggregators do.
    event NewRound(uint256 indexed roundId, address indexed startedBy, uint256 startedAt);
    /// @notice Emitted when `updater`'s permission changes.
    event UpdaterSet(address indexed updater, bool allowed);

    /// @notice Thrown when the caller is neither the owner nor an updater.
    error NotUpdater(address caller);
    /// @notice Thrown by `getRoundData` for a round that was never written (Chainlink reverts too).
    error NoDataPresent(uint80 roundId);
    /// @notice Thrown when an explicit `updatedAt` lies in the future.
    error UpdatedAtInFuture(uint256 updatedAt, uint256 timestamp);

    /// @inheritdoc IAggregatorV3
    uint8 public immutable decimals;
    /// @inheritdoc IAggregatorV3
    uint256 public constant version = 4;
    /// @inheritdoc IAggregatorV3
    string public description;

    /// @notice Addresses allowed to write answers besides the owner.
    mapping(address => bool) public isUpdater;
    /// @notice The latest round id (starts at 1 with the constructor's answer).
    uint80 public latestRound;

    mapping(uint80 roundId => Round) internal _rounds;

    /// @param initialOwner Owner (manages updaters, can write answers).
    /// @param decimals_ Decimals of the answers (Chainlink USD feeds: 8).
    /// @param description_ E.g. "ETH / USD".
    /// @param initialAnswer Answer of round 1, timestamped now.
    constructor(address initialOwner, uint8 decimals_, string memory description_, int256 initialAnswer)
        Ownable(initialOwner)
    {
        decimals = decimals_;
        description = description_;
        _write(initialAnswer, block.timestamp);
    }

    /* ROLES */

    /// @notice Allows or forbids `updater` to write answers.
    function setUpdater(address updater, bool allowed) external onlyOwner {
        isUpdater[updater] = allowed;
        emit UpdaterSet(updater, allowed);
    }

    /* WRITES */

    /// @notice Opens a new round with `answer`, updated now.
    function setAnswer(int256 answer) external returns (uint80 roundId) {
        _checkUpdater();
        return _write(answer, block.timestamp);
    }

    /// @notice Opens a new round with `answer` and an explicit `updatedAt` (at most now), to simulate a feed that
    /// stopped updating without moving time.
    function setAnswerWithTimestamp(int256 answer, uint256 updatedAt) external returns (uint80 roundId) {
        _checkUpdater();
        if (updatedAt > block.timestamp) revert UpdatedAtInFuture(updatedAt, block.timestamp);
        return _write(answer, updatedAt);
    }

    /* READS */

    /// @inheritdoc IAggregatorV3
    function getRoundData(uint80 roundId) external view returns (uint80, int256, uint256, uint256, uint80) {
        if (roundId == 0 || roundId > latestRound) revert NoDataPresent(roundId);
        return _roundData(roundId);
    }

    /// @inheritdoc IAggregatorV3
    function latestRoundData() external view returns (uint80, int256, uint256, uint256, uint80) {
        return _roundData(latestRound);
    }

    /// @notice The latest answer (Chainlink's legacy `latestAnswer`), for scripts and dashboards.
    function latestAnswer() external view returns (int256) {
        return _rounds[latestRound].answer;
    }

    /* INTERNAL */

    function _checkUpdater() internal view {
        if (msg.sender != owner() && !isUpdater[msg.sender]) revert NotUpdater(msg.sender);
    }

    function _write(int256 answer, uint256 updatedAt) internal returns (uint80 roundId) {
        roundId = ++latestRound;
        _rounds[roundId] = Round({answer: answer, startedAt: uint64(updatedAt), updatedAt: uint64(updatedAt)});

        emit NewRound(roundId, msg.sender, updatedAt);
        emit AnswerUpdated(answer, roundId, updatedAt);
    }

    function _roundData(uint80 roundId) internal view returns (uint80, int256, uint256, uint256, uint80) {
        Round storage round = _rounds[roundId];
        return (roundId, round.answer, round.startedAt, round.updatedAt, roundId);
    }
}
