/**
 * The dashboard in a real browser: Debian's Chromium driven by playwright-core against the service's page, on a
 * real anvil with the local world and a real Redis. What the page shows is compared with what the chain says at
 * the block the page says it shows; a screenshot is saved to docs/screenshots/ for the README.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createWalletClient, erc20Abi, getAddress, http, parseAbiItem, type Address, type Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { ballastVaultAbi, morphoLeverageModuleAbi } from '../../../backend/src/chain/abi/index.js';
import type { RunningService } from '../../../backend/src/service.js';
import { ROOT, startAnvil, type Anvil } from '../support/anvil.js';
import { dropPrefix, startTestService, testPrefix, waitFor } from '../support/service.js';
import { ANVIL_KEYS, World } from '../support/world.js';

jest.setTimeout(120_000);

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SCREENSHOTS = resolve(ROOT, 'docs/screenshots');
const WAD = 10n ** 18n;
const rebalancedEvent = parseAbiItem(
  'event Rebalanced(bytes32 indexed jobId, address indexed module, uint256 preNav, uint256 postNav, uint256 preLeverage, uint256 postLeverage, address indexed keeper)',
);

/** `value` with `decimals` implied decimals, rounded half-up to `places`, thousands grouped (en-US): the page's format. */
function fixed(value: bigint, decimals: number, places: number): string {
  const div = 10n ** BigInt(decimals - places);
  const rounded = (value * 2n + div) / (2n * div);
  const digits = rounded.toString().padStart(places + 1, '0');
  return `${BigInt(digits.slice(0, -places)).toLocaleString('en-US')}.${digits.slice(-places)}`;
}

describe('the dashboard shows the chain, live, in Chromium', () => {
  let anvil: Anvil;
  let world: World;
  let service: RunningService;
  let browser: Browser;
  let page: Page;
  let vault: Address;
  let module: Address;
  const prefix = testPrefix('dash');
  const requests: string[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
    anvil = await startAnvil();
    world = await World.deploy(anvil.url, `dash-${anvil.port}`);
    vault = getAddress(world.deployment.vault);
    module = getAddress(world.deployment.module);
    service = await startTestService(world, prefix);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('request', (r) => requests.push(r.url()));
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') pageErrors.push(m.text());
    });
    await page.goto(service.url!);
  });

  afterAll(async () => {
    await browser?.close();
    await service?.close();
    await anvil?.stop();
    world?.removeFile();
    await dropPrefix(prefix);
  });

  const section = () => page.locator(`section.vault[data-vault="${vault}"]`);
  const shown = (name: string) => section().locator(`[data-field="${name}"]`).first().textContent();
  const shownInModule = (name: string) => page.locator(`[data-module="${module}"] [data-field="${name}"]`).first().textContent();

  /** Every number of the page read at one rendered block (retried if a live update lands in between). */
  async function readPage() {
    for (let i = 0; i < 20; i++) {
      const before = await section().getAttribute('data-block');
      const values = {
        sharePrice: await shown('share-price'),
        nav: await shown('nav'),
        leverage: await shownInModule('leverage'),
        healthFactor: await shownInModule('health-factor'),
        oraclePrice: await shownInModule('oracle-price'),
      };
      if ((await section().getAttribute('data-block')) === before && before !== null) return { block: BigInt(before), ...values };
    }
    throw new Error('the page re-rendered on every read');
  }

  /** The same numbers from the chain at `blockNumber`, formatted as the page formats them. */
  async function readChain(blockNumber: bigint) {
    const c = world.client;
    const d = world.deployment as typeof world.deployment & { weth: Address; usdc: Address };
    const [shareDecimals, sharePrice, totalAssets, state, lltv, wethDecimals, usdcDecimals] = await Promise.all([
      c.readContract({ address: vault, abi: ballastVaultAbi, functionName: 'decimals', blockNumber }),
      c.readContract({ address: vault, abi: ballastVaultAbi, functionName: 'decimals', blockNumber }).then((dec) =>
        c.readContract({ address: vault, abi: ballastVaultAbi, functionName: 'convertToAssets', args: [10n ** BigInt(dec)], blockNumber }),
      ),
      c.readContract({ address: vault, abi: ballastVaultAbi, functionName: 'totalAssets', blockNumber }),
      c.readContract({ address: module, abi: morphoLeverageModuleAbi, functionName: 'state', blockNumber }),
      c.readContract({ address: module, abi: morphoLeverageModuleAbi, functionName: 'lltv', blockNumber }),
      c.readContract({ address: d.weth, abi: erc20Abi, functionName: 'decimals' }),
      c.readContract({ address: d.usdc, abi: erc20Abi, functionName: 'decimals' }),
    ]);
    expect(shareDecimals).toBeGreaterThanOrEqual(18);
    return {
      sharePrice: fixed(sharePrice, wethDecimals, 4),
      nav: fixed(totalAssets, wethDecimals, 4),
      leverage: fixed(state.leverage, 18, 3),
      healthFactor: fixed((lltv * WAD) / state.ltv, 18, 2),
      oraclePrice: fixed(state.oraclePrice, 36 + usdcDecimals - wethDecimals, 2),
      raw: { leverage: state.leverage },
    };
  }

  async function expectPageMatchesChain(atLeastBlock: bigint) {
    await waitFor(`the page at block >= ${atLeastBlock}`, async () => BigInt((await section().getAttribute('data-block')) ?? '0') >= atLeastBlock, 10_000);
    const onPage = await readPage();
    const onChain = await readChain(onPage.block);
    expect({ ...onPage, block: undefined }).toEqual({
      block: undefined,
      sharePrice: onChain.sharePrice,
      nav: onChain.nav,
      leverage: onChain.leverage,
      healthFactor: onChain.healthFactor,
      oraclePrice: onChain.oraclePrice,
    });
    return onChain;
  }

  test('the page loads only from the service itself (works offline) and says it is live', async () => {
    const res = await fetch(`${service.url}/`);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    await waitFor('the page to say live', async () => (await page.locator('#conn').getAttribute('data-state')) === 'live', 10_000);
    expect(requests.length).toBeGreaterThanOrEqual(4); // page, script, style, icon, stream
    for (const url of requests) expect(url.startsWith(service.url!)).toBe(true);
    expect(await page.locator('nav a[href="/docs"]').count()).toBe(1);
    expect(await page.locator('nav a[href="/queues"]').count()).toBe(1);
  });

  test('after the first rebalance the share price, NAV, leverage, HF, oracle price and tx hash match the chain', async () => {
    const logs = await waitFor('the first rebalance', async () => {
      const found = await world.client.getLogs({ address: vault, event: rebalancedEvent, fromBlock: 0n });
      return found.length > 0 ? found : undefined;
    });
    const event = logs[0]!;
    const row = page.locator(`tr[data-tx="${event.transactionHash}"]`);
    await row.waitFor({ timeout: 10_000 });
    expect(await row.locator('[data-field="tx-hash"]').textContent()).toBe(event.transactionHash);
    expect(await row.locator('[data-field="history-leverage"]').textContent()).toBe(
      `${fixed(event.args.preLeverage!, 18, 3)}× → ${fixed(event.args.postLeverage!, 18, 3)}×`,
    );
    const navDelta = event.args.postNav! - event.args.preNav!;
    expect(await row.locator('[data-field="history-nav"]').textContent()).toMatch(
      new RegExp(`^[+−]?${fixed(navDelta < 0n ? -navDelta : navDelta, 18, 4).replace('.', '\\.')} WETH`),
    );
    const chain = await expectPageMatchesChain(event.blockNumber);
    expect(chain.raw.leverage).toBeGreaterThan(17n * WAD / 10n); // levered into the band, not the 1x start
    expect(await section().locator('[data-field="status"]').textContent()).toBe('Active');
    expect(await section().locator('[data-banner]').count()).toBe(0);
  });

  test('queue activity: /api/queues and the page count the executed job', async () => {
    const executorQueue = `execute-${world.deployment.keeper.toLowerCase()}`;
    const res = await fetch(`${service.url}/api/queues`);
    expect(res.status).toBe(200);
    const queues = (await res.json()) as { name: string; completed: number; failed: number }[];
    expect(queues.map((q) => q.name)).toEqual(expect.arrayContaining(['scan', 'evaluate', executorQueue]));
    expect(queues.find((q) => q.name === executorQueue)!.completed).toBeGreaterThanOrEqual(1);
    await waitFor('the executor row', async () => Number(await page.locator(`tr[data-queue="${executorQueue}"] [data-count="completed"]`).textContent({ timeout: 5_000 })) >= 1, 10_000);
  });

  test('price moves show up live and the keeper delevers when leverage leaves the band', async () => {
    // A few market moves a couple of seconds apart (the chart samples every 1.5 s), each checked on the page.
    for (const factor of [0.97, 0.97, 1.04, 0.98, 1.03]) {
      await world.movePrice(factor);
      await expectPageMatchesChain(await world.client.getBlockNumber());
      await new Promise((r) => setTimeout(r, 1_600));
    }
    await world.warp(3_601); // past the one-hour cooldown
    const from = await world.client.getBlockNumber();
    await world.movePrice(0.87);
    const logs = await waitFor('a delever', async () => {
      const found = await world.client.getLogs({ address: vault, event: rebalancedEvent, fromBlock: from });
      return found.length > 0 ? found : undefined;
    });
    await page.locator(`tr[data-tx="${logs[0]!.transactionHash}"]`).waitFor({ timeout: 10_000 });
    const chain = await expectPageMatchesChain(logs[0]!.blockNumber);
    expect(chain.raw.leverage).toBeLessThanOrEqual(23n * WAD / 10n);
    await page.locator(`[data-module="${module}"] svg .marker`).first().waitFor({ timeout: 5_000 });
    // A 13% jump leaves the feed far from the pool's 10-minute TWAP: the page says so until the TWAP catches up.
    await world.warp(660);
    await waitFor('a healthy oracle on the page', async () => (await section().getAttribute('data-status')) === 'active', 10_000);
    expect(await section().locator('[data-banner]').count()).toBe(0);
    await new Promise((r) => setTimeout(r, 4_000)); // a few more samples, for the chart
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: resolve(SCREENSHOTS, 'dashboard.png'), fullPage: true });
  });

  test('the guardian pauses: the page shows the paused banner and state', async () => {
    expect(await section().locator('[data-banner="paused"]').count()).toBe(0);
    const guardian = createWalletClient({ chain: world.client.chain, transport: http(world.rpcUrl), account: privateKeyToAccount(ANVIL_KEYS.guardian as Hex) });
    const hash = await guardian.writeContract({ address: vault, abi: ballastVaultAbi, functionName: 'pause' });
    const receipt = await world.client.waitForTransactionReceipt({ hash });
    expect(receipt.status).toBe('success');
    expect(await world.client.readContract({ address: vault, abi: ballastVaultAbi, functionName: 'paused' })).toBe(true);
    await section().locator('[data-banner="paused"]').waitFor({ timeout: 10_000 });
    expect(BigInt((await section().getAttribute('data-block'))!)).toBeGreaterThanOrEqual(receipt.blockNumber);
    expect(await section().locator('[data-field="status"]').textContent()).toBe('Paused');
    expect(await section().locator('[data-banner="paused"]').textContent()).toMatch(/Deposits and lever-up are stopped/);
    await page.screenshot({ path: resolve(SCREENSHOTS, 'dashboard-paused.png') });
  });

  test('an oracle left without updates past its staleness limit shows the oracle banner', async () => {
    await world.warp(3_700);
    await section().locator('[data-banner="oracle-stale"]').waitFor({ timeout: 10_000 });
    const block = BigInt((await section().getAttribute('data-block'))!);
    const text = await section().locator('[data-banner="oracle-stale"]').textContent();
    const [, minutes, seconds] = /price feed is stale: last update (\d+) min (\d+) s ago, limit 60 min/.exec(text ?? '') ?? [];
    expect(minutes).toBeDefined();
    // The age shown is the feed's age at the block shown.
    const [{ timestamp }, state] = await Promise.all([
      world.client.getBlock({ blockNumber: block }),
      world.client.readContract({ address: module, abi: morphoLeverageModuleAbi, functionName: 'state', blockNumber: block }),
    ]);
    expect(Number(minutes) * 60 + Number(seconds)).toBe(Number(timestamp - state.oracleUpdatedAt));
    expect(await world.client.readContract({ address: module, abi: morphoLeverageModuleAbi, functionName: 'priceHealthy' })).toBe(false);
    expect(pageErrors).toEqual([]);
  });
});
