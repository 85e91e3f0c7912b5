/**
 * `module submit|accept|revoke <module>`: the timelocked addition of a strategy module. The strategist (or
 * owner) submits; anyone accepts once the timelock has passed; the guardian, strategist or owner revokes.
 *
 * @packageDocumentation
 */
import type { Address } from 'viem';
import { ballastVaultAbi } from '../../chain/abi/index.js';
import type { CliContext } from '../context.js';
import { CliInputError } from '../errors.js';
import { when, type CommandOutput } from '../format.js';
import { parseAddress } from '../parse.js';
import { requireRole } from '../roles.js';
import { send } from '../tx.js';
import type { Progress } from './funds.js';

function pendingModule(ctx: CliContext, module: Address): Promise<bigint> {
  return ctx.client.readContract({ address: ctx.vault.address, abi: ballastVaultAbi, functionName: 'pendingModule', args: [module] });
}

async function moduleArgument(ctx: CliContext, arg: string): Promise<Address> {
  const module = parseAddress(arg, 'module');
  const code = await ctx.client.getCode({ address: module });
  if (!code || code === '0x') throw new CliInputError(`module ${module}: there is no contract at that address on ${ctx.rpcUrl}`);
  return module;
}

/** Submits `moduleArg` (added at once when the vault's timelock is zero, else pending). */
export async function moduleSubmitCommand(ctx: CliContext, moduleArg: string, progress: Progress): Promise<CommandOutput> {
  const module = await moduleArgument(ctx, moduleArg);
  const me = requireRole(ctx, 'submit a module', ['strategist', 'owner']);
  if (ctx.vault.modules.includes(module)) throw new CliInputError(`module ${module} is already enabled on vault ${ctx.vault.address}`);
  const now = await ctx.now();
  const already = await pendingModule(ctx, module);
  if (already !== 0n) throw new CliInputError(`module ${module} is already pending, acceptable at ${when(already, now)}`);
  const sent = await send(ctx, 'module submit', { address: ctx.vault.address, abi: ballastVaultAbi, functionName: 'submitModule', args: [module] }, (h) =>
    progress(`submitModule sent: ${h}`),
  );
  const validAt = await pendingModule(ctx, module);
  const status = validAt === 0n ? 'enabled' : 'pending';
  return {
    text: [
      status === 'enabled'
        ? `module ${module} enabled at once (the vault's timelock is zero)`
        : `module ${module} submitted: acceptable at ${when(validAt, now)}; then run \`ballast module accept ${module}\``,
      `  tx ${sent.hash} (block ${sent.receipt.blockNumber})`,
    ],
    data: { action: 'module submit', vault: ctx.vault.address, module, sender: me, status, validAt, tx: sent.hash, blockNumber: sent.receipt.blockNumber },
  };
}

/** Accepts a pending module whose timelock has passed (anyone may). */
export async function moduleAcceptCommand(ctx: CliContext, moduleArg: string, progress: Progress): Promise<CommandOutput> {
  const module = parseAddress(moduleArg, 'module');
  const me = ctx.signer().address;
  const [validAt, now] = await Promise.all([pendingModule(ctx, module), ctx.now()]);
  if (validAt === 0n) {
    throw new CliInputError(
      ctx.vault.modules.includes(module) ? `module ${module} is already enabled` : `module ${module} is not pending on vault ${ctx.vault.address}: submit it first`,
    );
  }
  if (now < validAt) throw new CliInputError(`module ${module} is still timelocked (TimelockNotElapsed): acceptable at ${when(validAt, now)}`);
  const sent = await send(ctx, 'module accept', { address: ctx.vault.address, abi: ballastVaultAbi, functionName: 'acceptModule', args: [module] }, (h) =>
    progress(`acceptModule sent: ${h}`),
  );
  return {
    text: [`module ${module} enabled on ${ctx.vault.name}`, `  tx ${sent.hash} (block ${sent.receipt.blockNumber})`],
    data: { action: 'module accept', vault: ctx.vault.address, module, sender: me, status: 'enabled', tx: sent.hash, blockNumber: sent.receipt.blockNumber },
  };
}

/** Revokes a pending module (guardian, strategist or owner). */
export async function moduleRevokeCommand(ctx: CliContext, moduleArg: string, progress: Progress): Promise<CommandOutput> {
  const module = parseAddress(moduleArg, 'module');
  const me = requireRole(ctx, 'revoke a pending module', ['guardian', 'strategist', 'owner']);
  if ((await pendingModule(ctx, module)) === 0n) throw new CliInputError(`module ${module} is not pending on vault ${ctx.vault.address}: nothing to revoke`);
  const sent = await send(ctx, 'module revoke', { address: ctx.vault.address, abi: ballastVaultAbi, functionName: 'revokePendingModule', args: [module] }, (h) =>
    progress(`revokePendingModule sent: ${h}`),
  );
  return {
    text: [`pending module ${module} revoked`, `  tx ${sent.hash} (block ${sent.receipt.blockNumber})`],
    data: { action: 'module revoke', vault: ctx.vault.address, module, sender: me, status: 'revoked', tx: sent.hash, blockNumber: sent.receipt.blockNumber },
  };
}
