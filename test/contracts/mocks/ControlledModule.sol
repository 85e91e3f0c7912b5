// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {IStrategyModule, RebalanceParams, ModuleState, DeleverReason} from "@ballast/interfaces/IStrategyModule.sol";
import {ErrorsLib} from "@ballast/libraries/ErrorsLib.sol";
import {WAD, BPS} from "@ballast/libraries/ConstantsLib.sol";
import {TestToken} from "./TestToken.sol";

/// @notice A strategy module whose gains, losses, costs and reported leverage the test controls. It holds
/// its equity as plain asset tokens: gains are minted in, losses burned out, so NAV is always what the
/// token balances say.
contract ControlledModule is IStrategyModule {
    using Math for uint256;

    error ControlledFailure();
    error DeleverNotAllowed(DeleverReason reason);
    error BadLimits(uint256 value);

    address public immutable vault;
    address public immutable asset;

    /// @dev Reported leverage (WAD); rebalance moves it to `nextLeverage`.
    uint256 public leverage = WAD;
    uint256 public nextLeverage = WAD;
    /// @dev NAV lost by each rebalance / delever, in bps of equity.
    uint256 public rebalanceLossBps;
    /// @dev Real cost of an unwind (burned), and the bound the module declares.
    uint256 public actualUnwindCostBps;
    uint256 public declaredUnwindCostBps;
    bool public healthy = true;
    bool public deleverAllowed;
    bool public failUnwind;
    uint256 public lastRebalance;
    /// @dev The module's only limit: a bigger number is looser.
    uint256 public limit = 100;

    constructor(address vault_, address asset_) {
        vault = vault_;
        asset = asset_;
    }

    modifier onlyVault() {
        if (msg.sender != vault) revert ErrorsLib.NotVault(msg.sender);
        _;
    }

    /* TEST CONTROLS */

    function setNextLeverage(uint256 value) external {
        nextLeverage = value;
    }

    function setLeverage(uint256 value) external {
        leverage = value;
    }

    function setRebalanceLossBps(uint256 value) external {
        rebalanceLossBps = value;
    }

    function setUnwindCost(uint256 actualBps, uint256 declaredBps) external {
        actualUnwindCostBps = actualBps;
        declaredUnwindCostBps = declaredBps;
    }

    function setHealthy(bool value) external {
        healthy = value;
    }

    function setDeleverAllowed(bool value) external {
        deleverAllowed = value;
    }

    function setFailUnwind(bool value) external {
        failUnwind = value;
    }

    function gain(uint256 assets) external {
        TestToken(asset).mint(address(this), assets);
    }

    function lose(uint256 assets) external {
        TestToken(asset).burn(address(this), Math.min(assets, _balance()));
    }

    /* VIEWS */

    function totalAssets() public view returns (uint256) {
        return _balance();
    }

    function priceHealthy() external view returns (bool) {
        return healthy;
    }

    function state() external view returns (ModuleState memory s) {
        uint256 equity = _balance();
        s.collateral = equity.mulDiv(leverage, WAD);
        s.debtInAssets = s.collateral - equity;
        s.debt = s.debtInAssets;
        s.leverage = leverage;
        s.ltv = s.collateral == 0 ? 0 : s.debtInAssets.mulDiv(WAD, s.collateral);
        s.oraclePrice = 1e36;
        s.oracleUpdatedAt = block.timestamp;
        s.oracleHealthy = healthy;
        s.lastRebalance = lastRebalance;
    }

    function unwindCostBps() external view returns (uint256) {
        return declaredUnwindCostBps;
    }

    function totalAssetsAndUnwindCost() external view returns (uint256, uint256) {
        return (_balance(), declaredUnwindCostBps);
    }

    function isRiskIncreasing(RebalanceParams calldata params) external pure returns (bool) {
        return params.leverUp;
    }

    function previewRebalance(RebalanceParams calldata) external view returns (ModuleState memory s) {
        s.leverage = nextLeverage;
    }

    function checkLimits(bytes calldata newLimits) public view returns (bool loosens) {
        uint256 value = abi.decode(newLimits, (uint256));
        if (value == 0) revert BadLimits(value);
        return value > limit;
    }

    function limits() external view returns (bytes memory) {
        return abi.encode(limit);
    }

    /* VAULT ONLY */

    function allocate(uint256) external onlyVault {}

    function unwind(uint256 fraction) external onlyVault returns (uint256 assetsOut) {
        if (failUnwind) revert ControlledFailure();
        uint256 amount = _balance().mulDiv(fraction, WAD);
        uint256 cost = amount.mulDiv(actualUnwindCostBps, BPS, Math.Rounding.Ceil);
        if (cost != 0) TestToken(asset).burn(address(this), cost);
        assetsOut = amount - cost;
        IERC20(asset).transfer(vault, assetsOut);
    }

    function rebalance(RebalanceParams calldata)
        external
        onlyVault
        returns (uint256 preLeverage, uint256 postLeverage, uint256 preEquity, uint256 postEquity)
    {
        preLeverage = leverage;
        preEquity = _balance();
        _applyLoss();
        leverage = nextLeverage;
        lastRebalance = block.timestamp;
        postLeverage = leverage;
        postEquity = _balance();
    }

    function delever(DeleverReason reason)
        external
        onlyVault
        returns (uint256 preLeverage, uint256 postLeverage, uint256 preEquity, uint256 postEquity)
    {
        if (!deleverAllowed) revert DeleverNotAllowed(reason);
        preLeverage = leverage;
        preEquity = _balance();
        _applyLoss();
        leverage = nextLeverage;
        postLeverage = leverage;
        postEquity = _balance();
    }

    function setLimits(bytes calldata newLimits) external onlyVault {
        checkLimits(newLimits);
        limit = abi.decode(newLimits, (uint256));
    }

    function _applyLoss() internal {
        uint256 loss = _balance().mulDiv(rebalanceLossBps, BPS);
        if (loss != 0) TestToken(asset).burn(address(this), loss);
    }

    function _balance() internal view returns (uint256) {
        return IERC20(asset).balanceOf(address(this));
    }
}
