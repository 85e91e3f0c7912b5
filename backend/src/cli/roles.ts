/**
 * Role checks made before anything is sent, so that a wrong key gets a sentence naming who may act and who
 * the key is, instead of a revert.
 *
 * @packageDocumentation
 */
import type { Address } from 'viem';
import type { CliContext } from './context.js';
import { CliInputError } from './errors.js';

export type Role = 'owner' | 'guardian' | 'strategist';

/**
 * Throws unless the signer holds one of `roles` (the first is the one named first in the message):
 * "only the guardian 0x.. (or the owner 0x..) may pause; your key is 0x..".
 */
export function requireRole(ctx: CliContext, action: string, roles: readonly [Role, ...Role[]]): Address {
  const me = ctx.signer().address;
  const holders = roles.map((role) => [role, ctx.vault[role]] as const);
  if (holders.some(([, address]) => address === me)) return me;
  const [first, ...others] = holders;
  const alternatives = others.length ? ` (or ${others.map(([role, address]) => `the ${role} ${address}`).join(', or ')})` : '';
  throw new CliInputError(`only the ${first![0]} ${first![1]}${alternatives} may ${action}; your key is ${me}`);
}
