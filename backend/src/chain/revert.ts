/**
 * Turns what a failed RPC call threw into a decision: a deterministic revert (decoded to the custom
 * error's name, never worth retrying), or a transient fault (network, timeout, node overload) that a retry
 * with backoff may cure.
 *
 * @packageDocumentation
 */
import { BaseError, ContractFunctionRevertedError, decodeErrorResult, type Hex } from 'viem';
import { ballastErrorsAbi } from './abi/index.js';

/** A revert decoded against every Ballast error. */
export interface DecodedRevert {
  readonly kind: 'revert';
  /** The custom error's name (`RebalanceCooldown`), `Error` for a string revert, or `UnknownRevert`. */
  readonly name: string;
  /** Its arguments, stringified. */
  readonly args: readonly string[];
  /** The raw revert data, when there was any. */
  readonly data: Hex | null;
  /** One line for logs and the API. */
  readonly message: string;
}

/** A fault that says nothing about the transaction itself. */
export interface TransientFault {
  readonly kind: 'transient';
  readonly message: string;
}

export type FailureKind = DecodedRevert | TransientFault;

/** Decodes revert data (`0x` + selector + args) against `ballastErrorsAbi`. */
export function decodeRevertData(data: Hex): DecodedRevert {
  try {
    const decoded = decodeErrorResult({ abi: ballastErrorsAbi, data });
    const args = (decoded.args ?? []).map((a) => String(a));
    return { kind: 'revert', name: decoded.errorName, args, data, message: `${decoded.errorName}(${args.join(', ')})` };
  } catch {
    // Solidity's Error(string) and Panic(uint256) are built into viem's decoder when the abi lacks them.
    try {
      const decoded = decodeErrorResult({ data });
      const args = (decoded.args ?? []).map((a) => String(a));
      return { kind: 'revert', name: decoded.errorName, args, data, message: `${decoded.errorName}(${args.join(', ')})` };
    } catch {
      return { kind: 'revert', name: 'UnknownRevert', args: [], data, message: `UnknownRevert(${data.slice(0, 10)})` };
    }
  }
}

const TRANSIENT = [
  'HttpRequestError',
  'TimeoutError',
  'WebSocketRequestError',
  'SocketClosedError',
  'LimitExceededRpcError',
  'InternalRpcError',
  'ResourceUnavailableRpcError',
  'UnknownNodeError',
];

/** Classifies an error thrown by a viem call (simulate, send, wait). */
export function classifyFailure(error: unknown): FailureKind {
  if (error instanceof BaseError) {
    const reverted = error.walk((e) => e instanceof ContractFunctionRevertedError);
    if (reverted instanceof ContractFunctionRevertedError) {
      if (reverted.raw) return decodeRevertData(reverted.raw);
      if (reverted.reason) {
        return { kind: 'revert', name: 'Error', args: [reverted.reason], data: null, message: `Error(${reverted.reason})` };
      }
      return { kind: 'revert', name: 'UnknownRevert', args: [], data: null, message: 'reverted without data' };
    }
    const withData = error.walk((e) => typeof (e as { data?: unknown }).data === 'string' && /^0x[0-9a-f]{8}/i.test((e as { data: string }).data));
    if (withData && /revert/i.test(error.message)) return decodeRevertData((withData as unknown as { data: Hex }).data);
    const transient = error.walk((e) => TRANSIENT.includes((e as Error).name));
    if (transient) return { kind: 'transient', message: error.shortMessage };
    if (/execution reverted/i.test(error.message)) {
      return { kind: 'revert', name: 'UnknownRevert', args: [], data: null, message: error.shortMessage };
    }
    return { kind: 'transient', message: error.shortMessage };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { kind: 'transient', message };
}

/** One-line meanings of the errors a keeper meets most, for the API, the CLI and logs. */
export const ERROR_MEANINGS: Readonly<Record<string, string>> = {
  JobNonceMismatch:
    "the job's nonce is not the module's next one: this job, or another planned from the same state, already ran (a duplicate delivery or a stale plan)",
  DeadlineExpired: 'the transaction reached the chain after its deadline',
  PreStateMismatch: 'leverage moved since the plan was made: the plan is stale',
  CooldownActive: 'the module was rebalanced too recently (cooldown)',
  RipcordCooldownActive: 'the ripcord ran too recently (ripcord cooldown)',
  RipcordNotTriggered: 'leverage is below the ripcord level: only the keeper may rebalance',
  LeverageAboveRipcord: 'leverage is at or above the ripcord level: keeper rebalances are refused, call the ripcord',
  OracleUnhealthy: 'the oracle is stale or disagrees with the pool TWAP: only risk-reducing actions run',
  NoUsablePrice: 'no usable oracle price',
  SlippageExceeded: 'the pool price is worse than the oracle allows (slippage bound)',
  WrongDirection: 'the trade would move leverage away from target',
  PostLeverageOutOfRange: 'the trade would leave leverage outside the band or past target',
  LossExceeded: 'the call would lose more NAV than the per-call loss bound',
  LossBudgetExceeded: 'the rolling NAV-loss budget is used up',
  NotKeeper: 'the signer is not a keeper of this vault',
  NotGuardian: 'only the guardian may do this',
  NotStrategist: 'only the strategist may do this',
  OwnableUnauthorizedAccount: 'only the owner may do this',
  VaultPaused: 'the vault is paused: deposits and risk-increasing actions are refused',
  EnforcedPause: 'the vault is paused',
  VaultIsShutdown: 'the vault is shut down: only exits run',
  TimelockNotElapsed: 'the change is still timelocked',
  NoPendingValue: 'there is no pending change to accept or revoke',
  ModuleNotEnabled: 'the module is not enabled on this vault',
  ERC4626ExceededMaxDeposit: 'the deposit is above maxDeposit (paused, or the cap is reached)',
  ERC4626ExceededMaxRedeem: 'the redeem is above what the owner can redeem',
  ExitLossExceeded: 'the exit would cost more than the given max loss',
};

/** The meaning of an error name, or a generic sentence. */
export function meaningOf(name: string): string {
  return ERROR_MEANINGS[name] ?? 'the contract refused the call';
}
