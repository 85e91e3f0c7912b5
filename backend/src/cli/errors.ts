/**
 * What can go wrong in a CLI command, and the exit code each maps to: bad input (2) is everything the CLI
 * can tell before sending anything (a malformed address or amount, an unknown vault, the wrong role); a chain
 * failure (1) is a refused call (decoded to its custom error and a one-line meaning) or an unreachable RPC.
 *
 * @packageDocumentation
 */
import { classifyFailure, meaningOf, type DecodedRevert } from '../chain/revert.js';

/** Exit codes of `npx ballast`. */
export const EXIT = { ok: 0, chain: 1, input: 2 } as const;

/** Something the user typed or chose (arguments, key, vault, role) cannot work; nothing was sent. */
export class CliInputError extends Error {
  readonly exitCode = EXIT.input;

  constructor(message: string) {
    super(message);
    this.name = 'CliInputError';
  }
}

/** The chain refused a call (`revert` set) or could not be reached. */
export class CliChainError extends Error {
  readonly exitCode = EXIT.chain;

  constructor(
    message: string,
    readonly revert: (DecodedRevert & { readonly meaning: string }) | null = null,
    /** Hash of a mined transaction that failed, when there is one. */
    readonly txHash: string | null = null,
  ) {
    super(message);
    this.name = 'CliChainError';
  }
}

/**
 * Meanings of the errors the CLI's users meet that `revert.ts` does not explain (it keeps the keeper's
 * errors). Looked up before `meaningOf`, whose generic sentence is the last resort.
 */
export const CLI_ERROR_MEANINGS: Readonly<Record<string, string>> = {
  NotGuardianOrStrategist: 'only the guardian, the strategist or the owner may do this',
  AlreadySet: 'the value is already set: nothing would change',
  AlreadyPending: 'a change of this kind is already pending: accept or revoke it first',
  PendingValueMismatch: 'the values sent are not the pending ones (their hash differs)',
  NotTightening: 'the change loosens a limit: only the strategist or the owner may submit it',
  ModuleAlreadyEnabled: 'the module is already enabled on this vault',
  ModuleAssetMismatch: "the module's asset is not the vault's asset",
  ModuleVaultMismatch: 'the module was deployed for another vault',
  ModuleNotEmpty: 'the module still holds equity',
  TooManyModules: 'the vault already has the most modules it allows',
  ModuleCapExceeded: "the allocation would pass the module's cap",
  MaxLossOutOfBounds: 'the max loss is above 10000 bps',
  InsufficientLiquidity: 'the unwind could not raise the assets asked for',
  TimelockTooShortForDeposits: 'deposits open only once the timelock is at least one day',
  ZeroAmount: 'the amount is zero',
  ZeroAddress: 'the address is zero',
  ERC4626ExceededMaxWithdraw: 'the withdrawal is above what the owner can withdraw',
  ERC4626ExceededMaxMint: 'the mint is above maxMint (paused, or the cap is reached)',
  ERC20InsufficientBalance: 'the account does not hold enough of the token',
  ERC20InsufficientAllowance: 'the vault may not pull that much of the token (approve first)',
  LeverageOrderInvalid: 'the leverage limits must satisfy 1x <= min <= target <= max < ripcord',
  RipcordTooCloseToLiquidation: 'the ripcord leverage leaves too little room before liquidation',
  SlippageOutOfBounds: "a slippage bound is above its cap, or the ripcord's is below the keeper's",
  TradeSizeZero: 'a trade size limit is zero',
  OracleBoundsOutOfRange: 'maxOracleStaleness must be 1 s..2 days and maxOracleDeviationBps 1..2000',
  CooldownTooLong: 'a cooldown is above 7 days',
  DeadManDelayOutOfBounds: 'deadManDelay must be between max(cooldown, 1 hour) and 30 days',
  NothingToDelever: 'the position has nothing to delever',
  DeleverDidNotReduce: 'the delever did not lower leverage',
  DeadMansSwitchNotArmed: "the dead-man's switch is not armed yet",
  LeverageNotAboveBand: 'leverage is not above the band',
  RenounceOwnershipDisabled: 'ownership cannot be renounced',
};

/** The one-line meaning of a custom error name. */
export function explain(name: string): string {
  return CLI_ERROR_MEANINGS[name] ?? meaningOf(name);
}

/**
 * Turns what a viem call threw into a {@link CliChainError}: a revert by its custom error and meaning,
 * anything else as an RPC fault. `action` says what was attempted ("deposit", "pause").
 */
export function chainFailure(action: string, error: unknown, txHash: string | null = null): CliChainError | CliInputError {
  if (error instanceof CliChainError || error instanceof CliInputError) return error;
  const failure = classifyFailure(error);
  if (failure.kind === 'revert') {
    const meaning = explain(failure.name);
    return new CliChainError(`${action} refused: ${failure.message}: ${meaning}`, { ...failure, meaning }, txHash);
  }
  return new CliChainError(`${action} failed: ${failure.message}`, null, txHash);
}
