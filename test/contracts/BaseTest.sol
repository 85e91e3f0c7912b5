// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

import {Test} from "forge-std/Test.sol";
import {BallastVault} from "@ballast/BallastVault.sol";
import {VaultLimits} from "@ballast/interfaces/IBallastVault.sol";
import {RebalanceParams} from "@ballast/interfaces/IStrategyModule.sol";
import {ConstantsLib, WAD} from "@ballast/libraries/ConstantsLib.sol";
import {TestToken} from "./mocks/TestToken.sol";
import {ControlledModule} from "./mocks/ControlledModule.sol";

/// @notice Named actors, a vault with one controllable module, and bounded-input helpers.
/// The vault is deployed with timelock 0, wired, then given a 1-day timelock (which opens deposits).
contract BaseTest is Test {
    address internal OWNER = makeAddr("Owner");
    address internal STRATEGIST = makeAddr("Strategist");
    address internal KEEPER = makeAddr("Keeper");
    address internal KEEPER_2 = makeAddr("Keeper2");
    address internal GUARDIAN = makeAddr("Guardian");
    address internal FEE_RECIPIENT = makeAddr("FeeRecipient");
    address internal SUPPLIER = makeAddr("Supplier");
    address internal ONBEHALF = makeAddr("OnBehalf");
    address internal RECEIVER = makeAddr("Receiver");
    address internal STRANGER = makeAddr("Stranger");

    uint256 internal constant SEED = 1e9; // 1e-9 WETH: keeps a donation attack under 1 bp of the victim up to donation/victim = 1e11
    uint256 internal constant TIMELOCK = 1 days;
    uint256 internal constant MAX_TEST_ASSETS = 1e30;

    TestToken internal asset;
    BallastVault internal vault;
    ControlledModule internal module;

    function setUp() public virtual {
        asset = new TestToken("Wrapped Ether", "WETH", 18);
        vault = _deployVault(asset);
        module = _addModule(vault);
        vm.prank(OWNER);
        vault.submitTimelock(TIMELOCK);
        vm.label(address(vault), "Vault");
        vm.label(address(module), "Module");
        vm.label(address(asset), "Asset");
    }

    function _defaultLimits() internal pure returns (VaultLimits memory) {
        return VaultLimits({maxLossBps: 50, lossBudgetBps: 200, lossWindow: 1 days, depositCap: type(uint128).max});
    }

    /// @dev Deploys a vault with timelock 0 and every role set; the test contract pays the seed.
    function _deployVault(TestToken token) internal returns (BallastVault deployed) {
        token.mint(address(this), SEED);
        // The constructor pulls the seed from its deployer: approve the CREATE2 address up front.
        bytes32 salt = keccak256(abi.encode(address(token), vm.getNonce(address(this))));
        bytes memory args = abi.encode(token, "Ballast WETH", "bWETH", OWNER, 0, _defaultLimits(), SEED);
        bytes32 initCodeHash = keccak256(abi.encodePacked(type(BallastVault).creationCode, args));
        token.approve(vm.computeCreate2Address(salt, initCodeHash, address(this)), SEED);
        deployed = new BallastVault{salt: salt}(token, "Ballast WETH", "bWETH", OWNER, 0, _defaultLimits(), SEED);
        vm.startPrank(OWNER);
        deployed.setStrategist(STRATEGIST);
        deployed.submitGuardian(GUARDIAN);
        deployed.setKeeper(KEEPER, true);
        deployed.setKeeper(KEEPER_2, true);
        deployed.setFeeRecipient(FEE_RECIPIENT);
        vm.stopPrank();
    }

    /// @dev Adds a fresh module with an unlimited cap (timelock must still be 0).
    function _addModule(BallastVault target) internal returns (ControlledModule added) {
        added = new ControlledModule(address(target), target.asset());
        vm.startPrank(STRATEGIST);
        target.submitModule(address(added));
        target.submitCap(address(added), type(uint184).max);
        vm.stopPrank();
    }

    function _deposit(address who, uint256 assets) internal returns (uint256 shares) {
        asset.mint(who, assets);
        vm.startPrank(who);
        asset.approve(address(vault), assets);
        shares = vault.deposit(assets, who);
        vm.stopPrank();
    }

    function _allocate(uint256 assets) internal {
        vm.prank(KEEPER);
        vault.allocate(address(module), assets);
    }

    /// @dev A job id for `module`'s next job: `tag` with the module's job nonce in its low 56 bits.
    function _jobId(bytes32 tag) internal view returns (bytes32) {
        return bytes32((uint256(tag) >> 56 << 56) | vault.moduleConfig(address(module)).jobNonce);
    }

    /// @dev Params of the module's next job (see `_jobId`).
    function _params(bytes32 tag, bool leverUp) internal view returns (RebalanceParams memory) {
        return RebalanceParams({
            jobId: _jobId(tag),
            deadline: block.timestamp + 1 hours,
            leverUp: leverUp,
            amount: 1e18,
            minPreLeverage: 0,
            maxPreLeverage: type(uint256).max
        });
    }

    function _boundAssets(uint256 assets) internal pure returns (uint256) {
        return bound(assets, 1, MAX_TEST_ASSETS);
    }
}
