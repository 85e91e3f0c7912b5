/**
 * End to end: a real anvil with the local world deployed by its forge script, a real Redis (own key
 * prefix), the whole service (api, scanner, executor) in this process. Price moves go through the
 * arbitrageur exactly as the market simulator makes them.
 */
import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { parseAbiItem } from 'viem';
import { morphoLeverageModuleAbi } from '../../../backend/src/chain/abi/index.js';
import type { RunningService } from '../../../backend/src/service.js';
import { startAnvil, type Anvil } from '../support/anvil.js';
import { dropPrefix, startTestService, testPrefix, waitFor } from '../support/service.js';
import { World } from '../support/world.js';

jest.setTimeout(180_000);

const WAD = 10n ** 18n;
const rebalancedEvent = parseAbiItem(
  'event Rebalanced(bytes32 indexed jobId, address indexed module, uint256 preNav, uint256 postNav, uint256 preLeverage, uint256 postLeverage, address indexed keeper)',
);
const deleveredEvent = parseAbiItem(
  'event Delevered(address indexed module, uint8 reason, uint256 preNav, uint256 postNav, uint256 preLeverage, uint256 postLeverage, address indexed caller)',
);

describe('the service keeps leverage in its band on a live local world', () => {
  let anvil: Anvil;
  let world: World;
  let service: RunningService;
  const prefix = testPrefix('e2e');

  beforeAll(async () => {
    anvil = await startAnvil();
    world = await World.deploy(anvil.url, `e2e-${anvil.port}`);
    service = await startTestService(world, prefix);
  });

  afterAll(async () => {
    await service?.close();
    await anvil?.stop();
    world?.removeFile();
    await dropPrefix(prefix);
  });

  const state = () => world.client.readContract({ address: world.deployment.module, abi: morphoLeverageModuleAbi, functionName: 'state' });
  const limits = () => world.client.readContract({ address: world.deployment.module, abi: morphoLeverageModuleAbi, functionName: 'leverageLimits' });
  const keeperNonce = () => world.client.getTransactionCount({ address: world.deployment.keeper });
  const events = async (fromBlock: bigint) => ({
    rebalanced: await world.client.getLogs({ address: world.deployment.vault, event: rebalancedEvent, fromBlock }),
    delevered: await world.client.getLogs({ address: world.deployment.vault, event: deleveredEvent, fromBlock }),
  });
  const api = async <T>(path: string): Promise<{ status: number; body: T }> => {
    const res = await fetch(`${service.url}${path}`);
    return { status: res.status, body: (await res.json()) as T };
  };

  test('starting below the band, the keeper levers up to target in one confirmed rebalance', async () => {
    const from = await world.client.getBlockNumber();
    expect((await state()).leverage).toBeLessThan(11n * WAD / 10n);
    const logs = await waitFor('a lever-up', async () => ((await events(from)).rebalanced.length > 0 ? (await events(from)).rebalanced : undefined));
    expect(logs).toHaveLength(1);
    const l = await limits();
    const s = await state();
    expect(s.leverage).toBeGreaterThanOrEqual(l.minLeverage);
    expect(s.leverage).toBeLessThanOrEqual(l.targetLeverage);
    expect(logs[0]!.args.keeper).toBe(world.deployment.keeper);
  });

  test('inside the band nothing is sent, scan after scan', async () => {
    const nonce = await keeperNonce();
    // Blocks and scheduled scans keep coming (each warp mines blocks, each block triggers a scan).
    await world.warp(120);
    await new Promise((r) => setTimeout(r, 2_000));
    expect(await keeperNonce()).toBe(nonce);
    const { status, body } = await api<{ modules: { plan: { kind: string; reason?: string } }[] }>(`/api/vaults/${world.deployment.vault}/plan`);
    expect(status).toBe(200);
    expect(body.modules[0]!.plan.kind).toBe('none');
  });

  test('-15%: one confirmed delever puts leverage back in the band', async () => {
    const l = await limits();
    await world.warp(Number(l.cooldown) + 1);
    const from = await world.client.getBlockNumber();
    await world.movePrice(0.85);
    // The keeper may act within a block of the feed update, before this test could read the state: the
    // leverage the move produced is the one the contract recorded in the event.
    const logs = await waitFor('a delever', async () => {
      const r = (await events(from)).rebalanced;
      return r.length > 0 ? r : undefined;
    });
    expect(logs).toHaveLength(1);
    expect(logs[0]!.args.preLeverage).toBeGreaterThan(l.maxLeverage);
    expect(logs[0]!.args.postLeverage).toBeLessThan(logs[0]!.args.preLeverage!);
    const s = await state();
    expect(s.leverage).toBeLessThanOrEqual(l.maxLeverage);
    expect(s.leverage).toBeGreaterThanOrEqual(l.targetLeverage);
    // The API shows it: in band, and the history lists the transaction.
    const view = await api<{ modules: { inBand: boolean }[] }>(`/api/vaults/${world.deployment.vault}`);
    expect(view.body.modules[0]!.inBand).toBe(true);
    const history = await api<{ txHash: string }[]>(`/api/vaults/${world.deployment.vault}/history`);
    expect(history.body.map((h) => h.txHash)).toContain(logs[0]!.transactionHash);
  });

  test('a stale feed blocks lever-up but not delever', async () => {
    const l = await limits();
    // From the in-band position after the -15% delever, go stale: no feed update for two hours.
    await world.warp(Number(l.cooldown) + 1);
    const staleAt = await world.timestamp();
    const answer = await world.feedAnswer();
    const ltvAtAnswer = (await state()).ltv;
    await world.warp(2 * 3600);
    // Price up 40% but the feed keeps its old timestamp: leverage falls below the band.
    // A stale feed is valued at min(feed, TWAP): let the TWAP window (10 min) catch up with the pool, so the
    // position is valued at the higher price too and its leverage is below the band.
    const nonce = await keeperNonce();
    await world.setStalePrice((answer * 14n) / 10n, staleAt);
    await world.warp(660);
    const low = await state();
    expect(low.oracleHealthy).toBe(false);
    expect(low.leverage).toBeLessThan(l.minLeverage);
    await new Promise((r) => setTimeout(r, 2_000));
    expect(await keeperNonce()).toBe(nonce); // no lever-up was sent
    const plan = await api<{ modules: { plan: { kind: string; reason?: string } }[] }>(`/api/vaults/${world.deployment.vault}/plan`);
    expect(plan.body.modules[0]!.plan).toMatchObject({ kind: 'none', reason: 'oracle-unhealthy' });
    // Now down from where the feed was, still stale, by as much as takes leverage to 2.5x: above the band, below
    // the ripcord, so it is the keeper's own rebalance that must run. From leverage L at the feed price, a factor
    // f gives L·f / (L·f − (L − 1)) = 2.5 for f = (5/3)·(L − 1)/L.
    // With ltv = (L − 1)/L measured at the old answer, that is f = ltv / 0.6.
    const factorPpm = (5n * 1_000_000n * ltvAtAnswer) / (3n * WAD);
    const from = await world.client.getBlockNumber();
    await world.setStalePrice((answer * factorPpm) / 1_000_000n, staleAt);
    const delever = await waitFor('a delever on a stale feed', async () => {
      const e = await events(from);
      return e.rebalanced.length + e.delevered.length > 0 ? e : undefined;
    });
    expect(delever.delevered).toHaveLength(0); // not a ripcord: the keeper's rebalance ran on the stale feed
    const landed = delever.rebalanced[0]!;
    expect(landed.args.preLeverage).toBeGreaterThan(l.maxLeverage);
    expect(landed.args.preLeverage).toBeLessThan(l.ripcordLeverage);
    expect(landed.args.postLeverage).toBeLessThan(landed.args.preLeverage!);
    expect((await state()).oracleHealthy).toBe(false);
    // Back to a fresh feed at the price before the stale period (where the pool's liquidity is deep).
    await world.warp(660);
    await world.setPrice(answer);
  });

  test('-35% in one step: the keeper pulls the ripcord, no liquidation', async () => {
    const l = await limits();
    await world.warp(Number(l.cooldown) + 1);
    const from = await world.client.getBlockNumber();
    await world.movePrice(0.65);
    const logs = await waitFor('a ripcord', async () => {
      const d = (await events(from)).delevered;
      return d.length > 0 ? d : undefined;
    });
    expect(Number(logs[0]!.args.reason)).toBe(0); // DeleverReason.Ripcord
    expect(logs[0]!.args.caller).toBe(world.deployment.keeper);
    expect(logs[0]!.args.preLeverage).toBeGreaterThanOrEqual(l.ripcordLeverage);
    expect(logs[0]!.args.postLeverage).toBeLessThan(logs[0]!.args.preLeverage!);
    const after = await state();
    expect(after.ltv).toBeLessThan(860_000_000_000_000_000n); // below LLTV: not liquidatable
  });

  test('a lever-up bigger than the pool can take within the slippage bound is halved until it fits', async () => {
    const l = await limits();
    await world.warp(Number(l.cooldown) + 1);
    // Far above the deep liquidity (which sits within about -50%..+100% of $3,000): only the thin full-range
    // position is left, so the policy's size (set by the limits, not the pool) would move the pool too far.
    await world.setPrice(6_600n * 10n ** 8n);
    await world.warp(660); // let the TWAP catch up, so the oracle is healthy and lever-ups are allowed
    const from = await world.client.getBlockNumber();
    await world.setPrice(6_600n * 10n ** 8n);
    const logs = await waitFor('a lever-up at the thin price', async () => {
      const r = (await events(from)).rebalanced;
      return r.length > 0 ? r : undefined;
    });
    expect(logs[0]!.args.preLeverage).toBeLessThan(l.minLeverage);
    const job = await api<{ intent: { amount: string | null }; data: { params: { amount: string } } }>(`/api/jobs/${logs[0]!.args.jobId}`);
    expect(job.status).toBe(200);
    expect(job.body.intent.amount).not.toBeNull();
    expect(BigInt(job.body.intent.amount!)).toBeLessThan(BigInt(job.body.data.params.amount));
    expect(logs[0]!.args.postLeverage).toBeGreaterThan(logs[0]!.args.preLeverage!);
  });

  test('bad input gets a 4xx with a message', async () => {
    const malformed = await api<{ message: string }>('/api/vaults/0x1234');
    expect(malformed.status).toBe(400);
    expect(malformed.body.message).toMatch(/not an address/);
    const unknown = await api<{ message: string }>(`/api/vaults/${'0x' + '11'.repeat(20)}`);
    expect(unknown.status).toBe(404);
    expect(unknown.body.message).toMatch(/not watched/);
    const job = await api<{ message: string }>('/api/jobs/nope');
    expect(job.status).toBe(400);
  });
});


