/**
 * `ballast status`: the vault (name, asset, NAV, supply, share price, state, roles, limits, pending
 * governance) and each module (leverage against its band, health factor, oracle, last rebalance, pending
 * changes with the time they become acceptable).
 *
 * @packageDocumentation
 */
import type { CliContext } from '../context.js';
import { cappedUnits, duration, isoTime, leverage, rows, units, when, type CommandOutput } from '../format.js';
import { toHuman } from '../limits-codec.js';
import { readModuleStatus, readVaultStatus, type ModuleStatus } from '../reads.js';

const WAD = 10n ** 18n;

function vaultState(ctx: CliContext): 'active' | 'paused' | 'shutdown' {
  return ctx.vault.shutdown ? 'shutdown' : ctx.vault.paused ? 'paused' : 'active';
}

function moduleLines(ctx: CliContext, m: ModuleStatus, now: bigint): string[] {
  const asset = ctx.vault.assetSymbol;
  const l = m.limits;
  const band = `band ${leverage(l.minLeverage)} .. ${leverage(l.maxLeverage)}, target ${leverage(l.targetLeverage)}, ripcord ${leverage(l.ripcordLeverage)}`;
  const position = m.leverage >= l.ripcordLeverage ? 'AT OR ABOVE RIPCORD' : m.inBand ? 'in band' : m.leverage < l.minLeverage ? 'BELOW band' : 'ABOVE band';
  const pending: string[] = [];
  if (m.pending.limits) pending.push(`limits (hash ${m.pending.limits.hash.slice(0, 10)}...) acceptable at ${when(m.pending.limits.validAt, now)}`);
  if (m.pending.cap) pending.push(`cap ${units(m.pending.cap.value, ctx.vault.assetDecimals)} ${asset} acceptable at ${when(m.pending.cap.validAt, now)}`);
  return [
    `module ${m.address}`,
    ...rows([
      ['leverage', `${leverage(m.leverage)} (${position}; ${band})`],
      ['health factor', m.healthFactor === null ? 'no debt' : (Number((m.healthFactor * 1000n) / WAD) / 1000).toFixed(3)],
      ['position', `collateral ${units(m.collateral, ctx.vault.assetDecimals)} ${asset}, equity ${units(m.equity, ctx.vault.assetDecimals)} ${asset}`],
      ['oracle', `${m.oracle.price} ${m.oracle.quote} per ${asset}, ${duration(m.oracle.ageSeconds)} old, ${m.oracle.healthy ? 'healthy' : 'UNHEALTHY (stale or disputed)'}`],
      ['last rebalance', when(m.lastRebalance, now)],
      ['cap', m.cap >= (1n << 184n) - 1n ? 'unlimited' : `${units(m.cap, ctx.vault.assetDecimals)} ${asset}`],
      ['pending', pending.length ? pending.join('; ') : 'none'],
    ]),
  ];
}

/** Reads and renders the status of the context's vault. */
export async function statusCommand(ctx: CliContext): Promise<CommandOutput> {
  const v = await readVaultStatus(ctx);
  const now = v.timestamp;
  const modules = await Promise.all(ctx.vault.modules.map((m) => readModuleStatus(ctx, m, now)));
  const { vault } = ctx;
  const asset = vault.assetSymbol;
  const amount = (x: bigint) => `${units(x, vault.assetDecimals)} ${asset}`;
  const cappedAmount = (x: bigint, bits: number) => `${cappedUnits(x, vault.assetDecimals, bits)}${x >= (1n << BigInt(bits)) - 1n ? '' : ` ${asset}`}`;
  const pending: string[] = [];
  if (v.pending.timelock) pending.push(`timelock ${duration(v.pending.timelock.value)} acceptable at ${when(v.pending.timelock.validAt, now)}`);
  if (v.pending.guardian) pending.push(`guardian ${v.pending.guardian.value} acceptable at ${when(v.pending.guardian.validAt, now)}`);
  if (v.pending.limits) pending.push(`vault limits acceptable at ${when(v.pending.limits.validAt, now)}`);
  for (const p of v.pending.modules ?? []) pending.push(`module ${p.module} acceptable at ${when(p.validAt, now)}`);
  if (v.pending.modules === null) pending.push('(pending modules unknown: the RPC would not return the logs)');
  const state = vaultState(ctx);

  const text = [
    `${vault.name} (${vault.symbol}) ${vault.address}`,
    ...rows([
      ['chain', `${ctx.chain.id} via ${ctx.rpcUrl}, block ${v.blockNumber} at ${isoTime(v.timestamp)}`],
      ['asset', `${asset} ${vault.asset}`],
      ['NAV', `${amount(v.totalAssets)} (idle ${amount(v.idle)})`],
      ['supply', `${units(v.totalSupply, vault.decimals)} ${vault.symbol}`],
      ['share price', `${units(v.sharePrice, vault.assetDecimals, 9)} ${asset} per ${vault.symbol}`],
      ['state', state === 'active' ? 'active' : state === 'paused' ? 'PAUSED (deposits and lever-up refused; exits open)' : 'SHUT DOWN (exits only)'],
      ['owner', vault.owner],
      ['strategist', vault.strategist],
      ['guardian', vault.guardian],
      ...(ctx.deployment?.keeper && ctx.deployment.vault === vault.address ? ([['keeper', `${ctx.deployment.keeper} (from ${ctx.deployment.path})`]] as const) : []),
      ['timelock', duration(v.timelock)],
      [
        'limits',
        `max loss ${v.limits.maxLossBps} bps per keeper call, loss budget ${v.limits.lossBudgetBps} bps per ${duration(v.limits.lossWindow)} ` +
          `(used ${(Number((v.lossBudgetUsed * 1_000_000n) / WAD) / 10_000).toFixed(4)}% of NAV), deposit cap ${cappedAmount(v.limits.depositCap, 128)}`,
      ],
      ['pending', pending.length ? pending.join('; ') : 'none'],
    ]),
    ...modules.flatMap((m) => ['', ...moduleLines(ctx, m, now)]),
  ];

  const data = {
    vault: {
      address: vault.address,
      name: vault.name,
      symbol: vault.symbol,
      decimals: vault.decimals,
      asset: { address: vault.asset, symbol: asset, decimals: vault.assetDecimals },
      chainId: ctx.chain.id,
      blockNumber: v.blockNumber,
      timestamp: v.timestamp,
      totalAssets: v.totalAssets,
      totalSupply: v.totalSupply,
      sharePrice: v.sharePrice,
      idle: v.idle,
      state,
      paused: vault.paused,
      shutdown: vault.shutdown,
      roles: { owner: vault.owner, strategist: vault.strategist, guardian: vault.guardian },
      timelock: v.timelock,
      limits: v.limits,
      lossBudgetUsed: v.lossBudgetUsed,
      pending: v.pending,
    },
    modules: modules.map((m) => ({
      ...m,
      band: { min: m.limits.minLeverage, target: m.limits.targetLeverage, max: m.limits.maxLeverage, ripcord: m.limits.ripcordLeverage },
      limitsHuman: toHuman(m.limits, vault.assetDecimals),
    })),
  };
  return { text, data };
}
