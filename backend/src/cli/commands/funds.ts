/**
 * A depositor's commands: `deposit <amount>` (approve when needed, then deposit) and
 * `redeem <shares|max> [--max-loss-bps n]` (the vault's max-loss overload when a bound is given).
 *
 * @packageDocumentation
 */
import { erc20Abi, parseEventLogs, type Address, type Hash } from 'viem';
import { ballastVaultAbi } from '../../chain/abi/index.js';
import type { CliContext } from '../context.js';
import { CliChainError, CliInputError } from '../errors.js';
import { units, type CommandOutput } from '../format.js';
import { parseAddress, parseAmount, parseBps } from '../parse.js';
import { send, simulate } from '../tx.js';

/** Where a command reports a transaction as soon as it is sent (stderr in text mode, nowhere with --json). */
export type Progress = (line: string) => void;

export interface DepositOptions {
  readonly receiver?: string;
}

export interface RedeemOptions {
  readonly maxLossBps?: string;
  readonly receiver?: string;
}

/** Deposits `amountArg` whole asset units (approving the vault first when the allowance is short). */
export async function depositCommand(ctx: CliContext, amountArg: string, options: DepositOptions, progress: Progress): Promise<CommandOutput> {
  const { vault } = ctx;
  const amount = parseAmount(amountArg, vault.assetDecimals, 'amount', vault.assetSymbol);
  const receiver: Address = options.receiver ? parseAddress(options.receiver, '--receiver') : ctx.signer().address;
  const me = ctx.signer().address;
  const show = (x: bigint) => `${units(x, vault.assetDecimals, vault.assetDecimals)} ${vault.assetSymbol}`;

  const [balance, allowance, maxDeposit] = await Promise.all([
    ctx.client.readContract({ address: vault.asset, abi: erc20Abi, functionName: 'balanceOf', args: [me] }),
    ctx.client.readContract({ address: vault.asset, abi: erc20Abi, functionName: 'allowance', args: [me, vault.address] }),
    ctx.client.readContract({ address: vault.address, abi: ballastVaultAbi, functionName: 'maxDeposit', args: [receiver] }),
  ]);
  if (balance < amount) throw new CliInputError(`your key ${me} holds ${show(balance)}: it cannot deposit ${show(amount)}`);
  const depositCall = { address: vault.address, abi: ballastVaultAbi, functionName: 'deposit', args: [amount, receiver] } as const;
  if (amount > maxDeposit) {
    // The vault checks pause, shutdown, oracle health and the cap before pulling the tokens, so the
    // simulation names the reason even without an allowance; nothing is approved for a deposit that cannot land.
    await simulate(ctx, 'deposit', depositCall);
    throw new CliChainError(`deposit refused: ${show(amount)} is above maxDeposit ${show(maxDeposit)}`);
  }

  let approveTx: Hash | null = null;
  if (allowance < amount) {
    const approved = await send(ctx, 'approve', { address: vault.asset, abi: erc20Abi, functionName: 'approve', args: [vault.address, amount] }, (h) =>
      progress(`approve sent: ${h}`),
    );
    approveTx = approved.hash;
  }
  const sent = await send(ctx, 'deposit', depositCall, (h) => progress(`deposit sent: ${h}`));
  const event = parseEventLogs({ abi: ballastVaultAbi, logs: sent.receipt.logs, eventName: 'Deposit' })[0];
  const shares = event?.args.shares ?? (sent.result as bigint);
  return {
    text: [
      `deposited ${show(amount)} into ${vault.name}: ${receiver === me ? 'you received' : `${receiver} received`} ${units(shares, vault.decimals, vault.decimals)} ${vault.symbol}`,
      ...(approveTx ? [`  approve tx ${approveTx}`] : []),
      `  deposit tx ${sent.hash} (block ${sent.receipt.blockNumber})`,
    ],
    data: { action: 'deposit', vault: vault.address, sender: me, receiver, assets: amount, shares, approveTx, tx: sent.hash, blockNumber: sent.receipt.blockNumber },
  };
}

/** Redeems `sharesArg` shares (or all with "max") of the signer, optionally bounded by a max loss in bps. */
export async function redeemCommand(ctx: CliContext, sharesArg: string, options: RedeemOptions, progress: Progress): Promise<CommandOutput> {
  const { vault } = ctx;
  const me = ctx.signer().address;
  const receiver: Address = options.receiver ? parseAddress(options.receiver, '--receiver') : me;
  const maxLossBps = options.maxLossBps === undefined ? null : parseBps(options.maxLossBps, '--max-loss-bps');
  const balance = await ctx.client.readContract({ address: vault.address, abi: ballastVaultAbi, functionName: 'balanceOf', args: [me] });
  const showShares = (x: bigint) => `${units(x, vault.decimals, vault.decimals)} ${vault.symbol}`;
  const shares = sharesArg.trim() === 'max' ? balance : parseAmount(sharesArg, vault.decimals, 'shares', vault.symbol);
  if (balance === 0n) throw new CliInputError(`your key ${me} holds no ${vault.symbol}: nothing to redeem`);
  if (shares > balance) throw new CliInputError(`your key ${me} holds ${showShares(balance)}: it cannot redeem ${showShares(shares)}`);

  const preview = await ctx.client.readContract({ address: vault.address, abi: ballastVaultAbi, functionName: 'previewRedeem', args: [shares] });
  const args = maxLossBps === null ? [shares, receiver, me] : [shares, receiver, me, maxLossBps];
  const sent = await send(ctx, 'redeem', { address: vault.address, abi: ballastVaultAbi, functionName: 'redeem', args }, (h) => progress(`redeem sent: ${h}`));
  const event = parseEventLogs({ abi: ballastVaultAbi, logs: sent.receipt.logs, eventName: 'Withdraw' })[0];
  const assets = event?.args.assets ?? (sent.result as bigint);
  const show = (x: bigint) => `${units(x, vault.assetDecimals, vault.assetDecimals)} ${vault.assetSymbol}`;
  return {
    text: [
      `redeemed ${showShares(shares)} for ${show(assets)}${receiver === me ? '' : ` sent to ${receiver}`} (preview ${show(preview)}${maxLossBps === null ? '' : `, max loss ${maxLossBps} bps`})`,
      `  redeem tx ${sent.hash} (block ${sent.receipt.blockNumber})`,
    ],
    data: { action: 'redeem', vault: vault.address, owner: me, receiver, shares, assets, preview, maxLossBps, tx: sent.hash, blockNumber: sent.receipt.blockNumber },
  };
}
