/**
 * The emergency commands: `pause` (guardian or owner), `unpause` (owner) and `ripcord [module]`
 * (anyone, when leverage is at or above the module's ripcord level).
 *
 * @packageDocumentation
 */
import { parseEventLogs } from 'viem';
import { ballastVaultAbi } from '../../chain/abi/index.js';
import type { CliContext } from '../context.js';
import { CliInputError } from '../errors.js';
import { leverage, type CommandOutput } from '../format.js';
import { resolveModule } from '../reads.js';
import { requireRole } from '../roles.js';
import { send } from '../tx.js';
import type { Progress } from './funds.js';

/** Pauses deposits and risk-increasing actions (exits stay open). */
export async function pauseCommand(ctx: CliContext, progress: Progress): Promise<CommandOutput> {
  const me = requireRole(ctx, 'pause', ['guardian', 'owner']);
  if (ctx.vault.paused) throw new CliInputError(`vault ${ctx.vault.address} is already paused`);
  const sent = await send(ctx, 'pause', { address: ctx.vault.address, abi: ballastVaultAbi, functionName: 'pause' }, (h) => progress(`pause sent: ${h}`));
  return {
    text: [`paused ${ctx.vault.name} ${ctx.vault.address}: deposits and lever-up are refused, exits stay open`, `  tx ${sent.hash} (block ${sent.receipt.blockNumber})`],
    data: { action: 'pause', vault: ctx.vault.address, sender: me, paused: true, tx: sent.hash, blockNumber: sent.receipt.blockNumber },
  };
}

/** Lifts the pause (owner only). */
export async function unpauseCommand(ctx: CliContext, progress: Progress): Promise<CommandOutput> {
  const me = requireRole(ctx, 'unpause', ['owner']);
  if (!ctx.vault.paused) throw new CliInputError(`vault ${ctx.vault.address} is not paused`);
  const sent = await send(ctx, 'unpause', { address: ctx.vault.address, abi: ballastVaultAbi, functionName: 'unpause' }, (h) => progress(`unpause sent: ${h}`));
  return {
    text: [`unpaused ${ctx.vault.name} ${ctx.vault.address}: deposits are open again`, `  tx ${sent.hash} (block ${sent.receipt.blockNumber})`],
    data: { action: 'unpause', vault: ctx.vault.address, sender: me, paused: false, tx: sent.hash, blockNumber: sent.receipt.blockNumber },
  };
}

/** Pulls a module's ripcord: a bounded delever anyone may trigger above the ripcord leverage. */
export async function ripcordCommand(ctx: CliContext, moduleArg: string | undefined, progress: Progress): Promise<CommandOutput> {
  const module = resolveModule(ctx, moduleArg);
  const me = ctx.signer().address;
  const sent = await send(ctx, 'ripcord', { address: ctx.vault.address, abi: ballastVaultAbi, functionName: 'ripcord', args: [module] }, (h) =>
    progress(`ripcord sent: ${h}`),
  );
  const event = parseEventLogs({ abi: ballastVaultAbi, logs: sent.receipt.logs, eventName: 'Delevered' })[0];
  const [pre, post] = event ? [event.args.preLeverage, event.args.postLeverage] : (sent.result as readonly [bigint, bigint]);
  return {
    text: [`ripcord pulled on module ${module}: leverage ${leverage(pre)} -> ${leverage(post)}`, `  tx ${sent.hash} (block ${sent.receipt.blockNumber})`],
    data: { action: 'ripcord', vault: ctx.vault.address, module, sender: me, preLeverage: pre, postLeverage: post, tx: sent.hash, blockNumber: sent.receipt.blockNumber },
  };
}
