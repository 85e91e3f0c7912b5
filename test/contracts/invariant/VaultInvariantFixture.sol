// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

import {BaseTest} from "../BaseTest.sol";
import {TestToken} from "../mocks/TestToken.sol";
import {ControlledModule} from "../mocks/ControlledModule.sol";
import {VaultHandler} from "./VaultHandler.sol";
import {Roles} from "./VaultHandlerBase.sol";

/// @notice The invariant suites' world: one vault with two controllable modules, four depositors and a
/// handler that acts for every role. Suites choose which handler actions the fuzzer may call.
abstract contract VaultInvariantFixture is BaseTest {
    VaultHandler internal handler;
    ControlledModule internal module2;
    address[] internal depositors;

    function setUp() public virtual override {
        asset = new TestToken("Wrapped Ether", "WETH", 18);
        vault = _deployVault(asset);
        module = _addModule(vault);
        module2 = _addModule(vault);
        vm.prank(OWNER);
        vault.submitTimelock(TIMELOCK);

        depositors.push(SUPPLIER);
        depositors.push(ONBEHALF);
        depositors.push(makeAddr("Depositor3"));
        depositors.push(makeAddr("Depositor4"));

        ControlledModule[] memory controlled = new ControlledModule[](2);
        controlled[0] = module;
        controlled[1] = module2;
        handler = new VaultHandler(
            vault,
            asset,
            controlled,
            depositors,
            Roles({owner: OWNER, keeper: KEEPER, keeper2: KEEPER_2, guardian: GUARDIAN, feeRecipient: FEE_RECIPIENT})
        );
        vm.label(address(handler), "Handler");
        vm.label(address(module2), "Module2");

        targetContract(address(handler));
        targetSelector(FuzzSelector({addr: address(handler), selectors: _selectors()}));
    }

    /// @dev The handler actions this suite fuzzes: every actor's, market gains included.
    function _selectors() internal pure virtual returns (bytes4[] memory) {
        return _withSelector(_selectorsWithoutGains(), VaultHandler.gainNoRevert.selector);
    }

    function _selectorsWithoutGains() internal pure returns (bytes4[] memory selectors) {
        selectors = new bytes4[](23);
        selectors[0] = VaultHandler.depositNoRevert.selector;
        selectors[1] = VaultHandler.mintNoRevert.selector;
        selectors[2] = VaultHandler.withdrawNoRevert.selector;
        selectors[3] = VaultHandler.withdrawWithMaxLossNoRevert.selector;
        selectors[4] = VaultHandler.redeemNoRevert.selector;
        selectors[5] = VaultHandler.redeemWithMaxLossNoRevert.selector;
        selectors[6] = VaultHandler.allocateNoRevert.selector;
        selectors[7] = VaultHandler.deallocateNoRevert.selector;
        selectors[8] = VaultHandler.rebalanceNoRevert.selector;
        selectors[9] = VaultHandler.refuseBadJobNoRevert.selector;
        selectors[10] = VaultHandler.unwindForShutdownNoRevert.selector;
        selectors[11] = VaultHandler.pauseNoRevert.selector;
        selectors[12] = VaultHandler.emergencyDeleverNoRevert.selector;
        selectors[13] = VaultHandler.tightenLimitsNoRevert.selector;
        selectors[14] = VaultHandler.guardianLoosenNoRevert.selector;
        selectors[15] = VaultHandler.unpauseNoRevert.selector;
        selectors[16] = VaultHandler.setFeesNoRevert.selector;
        selectors[17] = VaultHandler.shutdownNoRevert.selector;
        selectors[18] = VaultHandler.loseNoRevert.selector;
        selectors[19] = VaultHandler.warpNoRevert.selector;
        selectors[20] = VaultHandler.setUnwindCostNoRevert.selector;
        selectors[21] = VaultHandler.setHealthyNoRevert.selector;
        selectors[22] = VaultHandler.accrueFeesNoRevert.selector;
    }

    function _withSelector(bytes4[] memory selectors, bytes4 extra) internal pure returns (bytes4[] memory out) {
        out = new bytes4[](selectors.length + 1);
        for (uint256 i; i < selectors.length; ++i) {
            out[i] = selectors[i];
        }
        out[selectors.length] = extra;
    }

    /// @dev Logs every handler action's call count and the handler's outcome counters.
    function _logCallSummary() internal view {
        handler.callSummary();
    }
}
