/**
 * `limits show [module]`, `limits submit <module> --file f | --set k=v...` and `limits accept <module>`.
 * Changes are applied on top of the current limits and checked by the module's own `checkLimits` view
 * before anything is sent; a tightening applies at once, a loosening waits for the timelock. The vault keeps
 * only the hash of pending limits: `accept` re-encodes them from the submit event, or from the same file.
 *
 * @packageDocumentation
 */
import { readFileSync } from 'node:fs';
import type { Address, Hex } from 'viem';
import { ballastVaultAbi, morphoLeverageModuleAbi } from '../../chain/abi/index.js';
import { userPath, type CliContext } from '../context.js';
import { chainFailure, CliChainError, CliInputError } from '../errors.js';
import { rows, when, type CommandOutput } from '../format.js';
import {
  applyChanges,
  encodeLimits,
  LIMIT_FIELDS,
  limitsHash,
  parseSetArguments,
  toHuman,
  type LeverageLimits,
  type LimitName,
} from '../limits-codec.js';
import { findPendingLimitValues, readLimits, readPendingLimits, resolveModule } from '../reads.js';
import { requireRole } from '../roles.js';
import { send } from '../tx.js';
import type { Progress } from './funds.js';

export interface LimitsChangeOptions {
  readonly file?: string;
  readonly set?: readonly string[];
  readonly fromBlock?: string;
}

function readLimitsFile(path: string): Record<string, unknown> {
  const full = userPath(path);
  let text: string;
  try {
    text = readFileSync(full, 'utf8');
  } catch {
    throw new CliInputError(`--file ${path}: cannot read ${full}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new CliInputError(`--file ${path} is not JSON: ${(error as Error).message}`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new CliInputError(`--file ${path} must hold a JSON object of limits, e.g. {"targetLeverage": "2.2", "cooldown": "30m"}`);
  }
  // `limits show --json` prints {current: {...}}: accept that shape as well.
  const record = json as Record<string, unknown>;
  const current = record.current;
  return typeof current === 'object' && current !== null && !Array.isArray(current) && Object.keys(record).includes('module')
    ? (current as Record<string, unknown>)
    : record;
}

/** The limits that `--file` / `--set` describe, on top of `base`; null when neither was given. */
function limitsFromOptions(ctx: CliContext, base: LeverageLimits, options: LimitsChangeOptions): { limits: LeverageLimits; changed: LimitName[] } | null {
  const changes: { source: string; values: Record<string, unknown> }[] = [];
  if (options.file) changes.push({ source: options.file, values: readLimitsFile(options.file) });
  if (options.set && options.set.length > 0) changes.push({ source: '--set', values: parseSetArguments(options.set) });
  if (changes.length === 0) return null;
  return applyChanges(base, changes, ctx.vault.assetDecimals);
}

function changeLines(ctx: CliContext, from: LeverageLimits, to: LeverageLimits, names: readonly LimitName[]): string[] {
  const a = toHuman(from, ctx.vault.assetDecimals);
  const b = toHuman(to, ctx.vault.assetDecimals);
  return rows(names.map((n) => [n, `${a[n]} -> ${b[n]}`]), '    ');
}

/** Shows current limits and pending ones (with their values, found in the submit event) for one or every module. */
export async function limitsShowCommand(ctx: CliContext, moduleArg: string | undefined): Promise<CommandOutput> {
  const modules: readonly Address[] = moduleArg === undefined ? ctx.vault.modules : [resolveModule(ctx, moduleArg)];
  const now = await ctx.now();
  const text: string[] = [];
  const data: Record<string, unknown>[] = [];
  for (const module of modules) {
    const [current, pending] = await Promise.all([readLimits(ctx, module), readPendingLimits(ctx, module)]);
    const found = pending ? await findPendingLimitValues(ctx, module, pending.hash).catch(() => null) : null;
    const human = toHuman(current, ctx.vault.assetDecimals);
    const pendingHuman = found ? toHuman(found.limits, ctx.vault.assetDecimals) : null;
    if (text.length > 0) text.push('');
    text.push(`module ${module} limits`);
    text.push(
      ...rows(
        LIMIT_FIELDS.map((f) => {
          const changed = found && found.limits[f.name] !== current[f.name];
          return [f.name, `${human[f.name]}${changed ? `  -> ${pendingHuman![f.name]} (pending)` : ''}`] as const;
        }),
      ),
    );
    if (pending) {
      text.push(
        `  pending change ${pending.hash} acceptable at ${when(pending.validAt, now)}` +
          (found ? '' : ' (its values were not found in the logs: accept it with --file)'),
      );
    } else {
      text.push('  pending change: none');
    }
    data.push({
      module,
      current: human,
      currentRaw: current,
      pending: pending
        ? { hash: pending.hash, validAt: pending.validAt, acceptable: now >= pending.validAt, limits: pendingHuman, limitsRaw: found?.limits ?? null, submitTx: found?.txHash ?? null }
        : null,
    });
  }
  return { text, data: { vault: ctx.vault.address, modules: data } };
}

/** Submits new limits for a module (applied at once when they only tighten, else pending for the timelock). */
export async function limitsSubmitCommand(ctx: CliContext, moduleArg: string, options: LimitsChangeOptions, progress: Progress): Promise<CommandOutput> {
  const module = resolveModule(ctx, moduleArg);
  const current = await readLimits(ctx, module);
  const next = limitsFromOptions(ctx, current, options);
  if (!next) throw new CliInputError('say what to change: --file <limits.json> and/or --set key=value (e.g. --set targetLeverage=2.2)');
  if (next.changed.length === 0) throw new CliInputError('these limits are the current ones: nothing to submit');
  const bytes = encodeLimits(next.limits);

  let loosens: boolean;
  try {
    loosens = await ctx.client.readContract({ address: module, abi: morphoLeverageModuleAbi, functionName: 'checkLimits', args: [bytes] });
  } catch (error) {
    const failure = chainFailure('limits check', error);
    if (failure instanceof CliChainError && failure.revert) {
      throw new CliInputError(`the module refuses these limits: ${failure.revert.message}: ${failure.revert.meaning}`);
    }
    throw failure;
  }
  const changedList = next.changed.join(', ');
  const me = loosens
    ? requireRole(ctx, `loosen limits (${changedList})`, ['strategist', 'owner'])
    : requireRole(ctx, 'tighten limits', ['guardian', 'strategist', 'owner']);
  const before = await readPendingLimits(ctx, module);
  const now = await ctx.now();
  if (loosens && before) {
    throw new CliInputError(`module ${module} already has pending limits (acceptable at ${when(before.validAt, now)}): accept or revoke them first`);
  }
  const sent = await send(ctx, 'limits submit', { address: ctx.vault.address, abi: ballastVaultAbi, functionName: 'submitModuleLimits', args: [module, bytes] }, (h) =>
    progress(`submitModuleLimits sent: ${h}`),
  );
  const after = await readPendingLimits(ctx, module);
  const pending = after !== null && after.hash === limitsHash(next.limits);
  return {
    text: [
      pending
        ? `limits of ${module} submitted (they loosen): acceptable at ${when(after.validAt, now)}; then run \`ballast limits accept ${module}\``
        : `limits of ${module} applied at once (${loosens ? "the vault's timelock is zero" : 'they only tighten'})`,
      ...changeLines(ctx, current, next.limits, next.changed),
      `  tx ${sent.hash} (block ${sent.receipt.blockNumber})`,
    ],
    data: {
      action: 'limits submit',
      vault: ctx.vault.address,
      module,
      sender: me,
      loosens,
      status: pending ? 'pending' : 'applied',
      validAt: pending ? after.validAt : null,
      hash: limitsHash(next.limits),
      changed: next.changed,
      limits: toHuman(next.limits, ctx.vault.assetDecimals),
      tx: sent.hash,
      blockNumber: sent.receipt.blockNumber,
    },
  };
}

/** Accepts a module's pending limits once their timelock has passed (anyone may). */
export async function limitsAcceptCommand(ctx: CliContext, moduleArg: string, options: LimitsChangeOptions, progress: Progress): Promise<CommandOutput> {
  const module = resolveModule(ctx, moduleArg);
  const me = ctx.signer().address;
  const fromBlock = options.fromBlock === undefined ? ctx.logsFromBlock : parseBlock(options.fromBlock);
  const [current, pending, now] = await Promise.all([readLimits(ctx, module), readPendingLimits(ctx, module), ctx.now()]);
  if (!pending) throw new CliInputError(`module ${module} has no pending limits: nothing to accept`);
  if (now < pending.validAt) throw new CliInputError(`the pending limits of ${module} are still timelocked (TimelockNotElapsed): acceptable at ${when(pending.validAt, now)}`);

  let limits: LeverageLimits;
  let bytes: Hex;
  const given = limitsFromOptions(ctx, current, options);
  if (given) {
    limits = given.limits;
    bytes = encodeLimits(limits);
    if (limitsHash(limits) !== pending.hash) {
      throw new CliInputError(`these limits are not the pending ones (hash ${limitsHash(limits)}, pending ${pending.hash}): pass the values that were submitted`);
    }
  } else {
    let found: Awaited<ReturnType<typeof findPendingLimitValues>>;
    try {
      found = await findPendingLimitValues(ctx, module, pending.hash, fromBlock);
    } catch (error) {
      throw new CliChainError(
        `the RPC would not return the SubmitModuleLimits logs (${(error as { shortMessage?: string }).shortMessage ?? (error as Error).message}): pass --from-block <n> or --file <limits.json>`,
      );
    }
    if (!found) throw new CliInputError(`no SubmitModuleLimits event matches the pending hash ${pending.hash}: pass --file with the submitted limits`);
    limits = found.limits;
    bytes = found.bytes;
  }
  const changed = LIMIT_FIELDS.map((f) => f.name).filter((n) => limits[n] !== current[n]);
  const sent = await send(ctx, 'limits accept', { address: ctx.vault.address, abi: ballastVaultAbi, functionName: 'acceptModuleLimits', args: [module, bytes] }, (h) =>
    progress(`acceptModuleLimits sent: ${h}`),
  );
  return {
    text: [`pending limits of ${module} accepted and applied`, ...changeLines(ctx, current, limits, changed), `  tx ${sent.hash} (block ${sent.receipt.blockNumber})`],
    data: {
      action: 'limits accept',
      vault: ctx.vault.address,
      module,
      sender: me,
      status: 'applied',
      changed,
      limits: toHuman(limits, ctx.vault.assetDecimals),
      tx: sent.hash,
      blockNumber: sent.receipt.blockNumber,
    },
  };
}

function parseBlock(value: string): bigint {
  if (!/^\d+$/.test(value.trim())) throw new CliInputError(`--from-block "${value}" is not a block number`);
  return BigInt(value.trim());
}
