/**
 * Strategy-service benchmark (issue 4's figures). Prints tables and writes docs/service-bench.md.
 *
 * 1. Scan cost as the number of watched vaults grows (1, 10, 100, 1000 vaults, each with its own leverage
 *    module, deployed on one anvil): wall time per scan tick (read every vault at one block, plan every
 *    module, write the snapshots to Redis, fan out the evaluations), HTTP requests and JSON-RPC calls per
 *    tick, memory.
 * 2. Reaction latency: on a 1-second-block anvil with 100 vaults watched, the blocks and milliseconds from
 *    a feed update that breaks the band to each vault's rebalance receipt, with one keeper key and with
 *    several.
 *
 * Run: node backend/tools/run.mjs backend/src/bench/service-bench.ts [--vaults 1,10,100,1000]
 *      [--latency-vaults 100] [--signers 1,8] [--trials 3] [--out docs/service-bench.md]
 *
 * @packageDocumentation
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command } from 'commander';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { createWalletClient, encodeAbiParameters, http, parseAbi, parseAbiItem, type Address, type Hex } from 'viem';
import { mnemonicToAccount, privateKeyToAccount } from 'viem/accounts';
import { morphoLeverageModuleAbi } from '../chain/abi/index.js';
import { createChainClients } from '../chain/chain.js';
import { VaultReader } from '../chain/vault-reader.js';
import { loadConfig, type ServiceConfig } from '../config/config.js';
import { QUEUE } from '../execute/job.js';
import { ROOT, startAnvil } from '../localnet/anvil.js';
import { ANVIL_KEYS, World } from '../localnet/world.js';
import { planVault } from '../scan/planner.js';
import { startService } from '../service.js';
import { dropPrefix } from '../start/redis.js';
import { VaultStateStore } from '../vaults/vault-state.store.js';

const MNEMONIC = 'test test test test test test test test test test test junk';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const vaultAbi = parseAbi(['function setKeeper(address keeper, bool allowed)']);
const rebalancedEvent = parseAbiItem(
  'event Rebalanced(bytes32 indexed jobId, address indexed module, uint256 preNav, uint256 postNav, uint256 preLeverage, uint256 postLeverage, address indexed keeper)',
);

const leverageLimitsComponents = [
  { name: 'minLeverage', type: 'uint64' },
  { name: 'targetLeverage', type: 'uint64' },
  { name: 'maxLeverage', type: 'uint64' },
  { name: 'ripcordLeverage', type: 'uint64' },
  { name: 'maxTradeSize', type: 'uint128' },
  { name: 'ripcordMaxTradeSize', type: 'uint128' },
  { name: 'maxSlippageBps', type: 'uint16' },
  { name: 'ripcordSlippageBps', type: 'uint16' },
  { name: 'maxOracleDeviationBps', type: 'uint16' },
  { name: 'cooldown', type: 'uint32' },
  { name: 'ripcordCooldown', type: 'uint32' },
  { name: 'maxOracleStaleness', type: 'uint32' },
  { name: 'deadManDelay', type: 'uint32' },
] as const;

const program = new Command()
  .option('--vaults <list>', 'vault counts for the scan-cost table', '1,10,100,1000')
  .option('--ticks <n>', 'scan ticks measured per vault count', '10')
  .option('--latency-vaults <n>', 'vaults watched in the latency runs', '100')
  .option('--signers <list>', 'keeper key counts for the latency runs', '1,8')
  .option('--trials <n>', 'price shocks per latency run (every vault leaves its band)', '3')
  .option('--single-trials <n>', 'price moves that take one vault out of its band while the others stay in', '10')
  .option('--out <file>', 'markdown report', 'docs/service-bench.md')
  .parse(process.argv);
const opts = program.opts<{ vaults: string; ticks: string; latencyVaults: string; signers: string; trials: string; singleTrials: string; out: string }>();
const counts = opts.vaults.split(',').map(Number);
const ticks = Number(opts.ticks);
const latencyVaults = Number(opts.latencyVaults);
const signerCounts = opts.signers.split(',').map(Number);
const trials = Number(opts.trials);
const singleTrials = Number(opts.singleTrials);

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? NaN;
};
const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(0);
const log = (line: string) => console.log(line);

const anvil = await startAnvil(['--accounts', '20', '--gas-limit', '1000000000', '--code-size-limit', '50000']);
const report: string[] = [];
try {
  const started = Date.now();
  const world = await World.deploy(anvil.url, `bench-${anvil.port}`);
  const vaults: Address[] = [world.deployment.vault];
  log(`world deployed in ${((Date.now() - started) / 1000).toFixed(1)} s`);

  // ---- 1. scan cost ----
  const scanRows: string[] = [];
  const prefix = `bench-${Date.now()}`;
  const redis = new Redis(REDIS_URL);
  const evaluate = new Queue(QUEUE.evaluate, { connection: redis, prefix });
  for (const n of counts) {
    if (vaults.length < n) {
      const t = Date.now();
      const extra = await world.deployExtraVaults(n - vaults.length, `bench-${anvil.port}-${n}`);
      vaults.push(...extra.vaults.slice(1));
      log(`deployed ${n - 1} extra vaults so far (${((Date.now() - t) / 1000).toFixed(1)} s for this batch)`);
    }
    const watched = vaults.slice(0, n);
    const config = benchConfig(world, watched, prefix, 1);
    const clients = createChainClients(config);
    const reader = new VaultReader(clients.publicClient, config.multicall3);
    const store = new VaultStateStore(redis, config);
    await reader.read(watched); // discovery (names, decimals, LLTVs): once per process
    global.gc?.();
    const times: number[] = [];
    const requests: number[] = [];
    const calls: number[] = [];
    let heap = 0;
    let rss = 0;
    for (let i = 0; i < ticks; i++) {
      const before = { ...clients.rpcStats };
      const t0 = performance.now();
      const block = await clients.publicClient.getBlockNumber();
      const snapshots = await reader.read(watched, block);
      await store.saveSnapshots(snapshots);
      const prices = await store.prices(snapshots.flatMap((s) => s.modules.map((m) => m.address)));
      for (const s of snapshots) planVault(s, prices, { chainId: 31337, jobDeadlineSeconds: 300, signers: config.keeperAddresses });
      await evaluate.addBulk(watched.map((v) => ({ name: 'evaluate-vault', data: { vault: v }, opts: { deduplication: { id: v }, removeOnComplete: true } })));
      times.push(performance.now() - t0);
      requests.push(clients.rpcStats.httpRequests - before.httpRequests);
      calls.push(clients.rpcStats.rpcCalls - before.rpcCalls);
      heap = Math.max(heap, process.memoryUsage().heapUsed);
      rss = Math.max(rss, process.memoryUsage().rss);
      await evaluate.drain(true);
    }
    const row = `| ${n} | ${percentile(times, 50).toFixed(1)} | ${percentile(times, 95).toFixed(1)} | ${percentile(requests, 50)} | ${percentile(calls, 50)} | ${mb(heap)} | ${mb(rss)} |`;
    scanRows.push(row);
    log(row);
  }
  await evaluate.obliterate({ force: true }).catch(() => undefined);
  await evaluate.close();
  redis.disconnect();
  await dropPrefix(REDIS_URL, prefix); // the snapshots and price points the ticks wrote

  report.push(
    '## Scan cost by number of watched vaults',
    '',
    `One scan tick = read every vault and module at one pinned block (Multicall3, ${ticks} ticks each, after a first read that`,
    'caches static facts), plan every module (the pure policy), write the snapshots and price points to Redis in one',
    'pipeline, and fan out one evaluation job per vault (deduplicated). HTTP requests count round trips to the RPC (the',
    "multicall's chunks travel in one JSON-RPC batch); calls count the JSON-RPC calls inside them (one `eth_blockNumber`",
    'plus one `eth_call` per multicall chunk of 16 KB calldata). Memory is this process (reader, viem, ioredis, BullMQ).',
    '',
    '| vaults | tick ms (p50) | tick ms (p95) | HTTP requests / tick | JSON-RPC calls / tick | heap MB | RSS MB |',
    '|---:|---:|---:|---:|---:|---:|---:|',
    ...scanRows,
    '',
  );

  // ---- 2. reaction latency ----
  const watched = vaults.slice(0, latencyVaults);
  if (watched.length < latencyVaults) throw new Error(`only ${watched.length} vaults deployed; pass --vaults up to ${latencyVaults}`);
  const keeperKeys = Array.from({ length: Math.max(...signerCounts) }, (_, i) => mnemonicToAccount(MNEMONIC, { addressIndex: i === 0 ? 2 : 9 + i }));
  // Every extra key becomes a keeper of every watched vault (the owner's call, instant with automine).
  for (const key of keeperKeys.slice(1)) {
    for (const v of watched) {
      const hash = await world.owner.writeContract({ address: v, abi: vaultAbi, functionName: 'setKeeper', args: [key.address, true] });
      await world.client.waitForTransactionReceipt({ hash });
    }
  }
  // Lever every vault up to target once (automine: instant); every trial then starts from this chain state with a
  // fresh service on a fresh Redis prefix, so trials are independent: no vault is still mid-chunk or past its
  // ripcord from the previous shock, and no plan made before the previous trial's time jump is still queued.
  {
    const service = await startLatencyService(world, watched, keeperKeys.slice(0, 1), 'setup');
    try {
      await waitForRebalancedVaults(world, watched, 0n, 600_000);
    } finally {
      await service.close();
    }
    await world.alignPool();
  }
  const levered = await world.snapshot();
  let trialState: Hex = levered;
  /** Runs one trial from the levered state: a fresh service, 1-second blocks, then back to automine. */
  const trial = async <T>(keys: ReturnType<typeof mnemonicToAccount>[], tag: string, prepare: () => Promise<void>, body: (service: { url: string }) => Promise<T>): Promise<T> => {
    await world.revert(trialState);
    trialState = await world.snapshot();
    await world.rpc('evm_increaseTime', [3601]); // past the keeper cooldown of the lever-up
    await world.rpc('evm_mine');
    await prepare();
    await world.setPrice(await world.feedAnswer()); // a fresh feed answer, the pool on it
    const service = await startLatencyService(world, watched, keys, tag);
    try {
      await waitForFirstScan(world, service.store, watched[0]!);
      await world.rpc('evm_setAutomine', [false]);
      await world.rpc('evm_setIntervalMining', [1]);
      return await body(service);
    } finally {
      await service.close();
      await world.rpc('evm_setIntervalMining', [0]);
      await world.rpc('evm_setAutomine', [true]);
    }
  };

  const latencyRows: string[] = [];
  for (const signers of signerCounts) {
    const blocks: number[] = [];
    const millis: number[] = [];
    const first: number[] = [];
    const txs = { sent: 0, confirmed: 0, failed: new Map<string, number>() };
    for (let t = 0; t < trials; t++) {
      await trial(keeperKeys.slice(0, signers), `burst-${signers}-${t}`, async () => undefined, async (service) => {
        await nextBlock(world);
        // -13%: every vault leaves its band (2.0x -> ~2.35x)
        const shock = await setPriceAndWait(world, ((await world.feedAnswer()) * 87n) / 100n);
        const t0 = Date.now();
        const seen = await waitForRebalancedVaults(world, watched, shock + 1n, 600_000, (_vault, block) => {
          blocks.push(Number(block - shock));
          millis.push(Date.now() - t0);
        });
        first.push(Math.min(...seen.map((s) => Number(s.block - shock))));
        const metrics = await (await fetch(`${service.url}/metrics`)).text();
        txs.sent += metricSum(metrics, 'ballast_tx_sent_total');
        txs.confirmed += metricSum(metrics, 'ballast_tx_confirmed_total');
        for (const [error, n] of metricByLabel(metrics, 'ballast_tx_failed_total', 'error')) txs.failed.set(error, (txs.failed.get(error) ?? 0) + n);
      });
    }
    const failed = [...txs.failed.entries()].sort((a, b) => b[1] - a[1]).map(([e, n]) => `${n} ${e}`).join(', ') || 'none';
    const row = `| ${watched.length} | ${signers} | ${percentile(first, 50)} | ${percentile(blocks, 50)} | ${percentile(blocks, 99)} | ${Math.max(...blocks)} | ${percentile(millis, 50)} | ${percentile(millis, 99)} | ${txs.sent} | ${txs.confirmed} | ${failed} |`;
    latencyRows.push(row);
    log(row);
  }

  // One vault leaves its band while the others stay in: the pipeline's own latency (scan, plan, execute).
  const singleRows: string[] = [];
  {
    const target = watched[0]!;
    const [module] = await world.client.readContract({ address: target, abi: parseAbi(['function modules() view returns (address[])']), functionName: 'modules' });
    const limits = await world.client.readContract({ address: module!, abi: morphoLeverageModuleAbi, functionName: 'leverageLimits' });
    // The guardian tightens this vault's band top to 2.05x (tightening applies at once): -3.5% then takes it out
    // of its band while the others (top 2.3x) stay inside.
    const encoded = encodeAbiParameters([{ type: 'tuple', components: leverageLimitsComponents }], [{ ...limits, maxLeverage: 205n * 10n ** 16n }]);
    const guardian = createWalletClient({ chain: world.client.chain, transport: http(world.rpcUrl), account: privateKeyToAccount(ANVIL_KEYS.guardian) });
    const tighten = async () => {
      const hash = await guardian.writeContract({ address: target, abi: parseAbi(['function submitModuleLimits(address module, bytes newLimits)']), functionName: 'submitModuleLimits', args: [module!, encoded] });
      await world.client.waitForTransactionReceipt({ hash });
    };
    const blocks: number[] = [];
    const millis: number[] = [];
    let others = 0;
    for (let t = 0; t < singleTrials; t++) {
      await trial(keeperKeys.slice(0, 1), `single-${t}`, tighten, async () => {
        await nextBlock(world);
        const down = await setPriceAndWait(world, ((await world.feedAnswer()) * 965n) / 1000n);
        const t0 = Date.now();
        await waitForRebalancedVaults(world, [target], down + 1n, 120_000, (_v, block) => {
          blocks.push(Number(block - down));
          millis.push(Date.now() - t0);
        });
        // Two more blocks for any other vault the service might (wrongly) have acted on.
        await nextBlock(world);
        const head = await nextBlock(world);
        others += (await world.client.getLogs({ event: rebalancedEvent, fromBlock: down + 1n, toBlock: head })).filter((l) => l.address.toLowerCase() !== target.toLowerCase()).length;
      });
    }
    const row = `| ${watched.length} | 1 | ${singleTrials} | ${percentile(blocks, 50)} | ${percentile(blocks, 99)} | ${Math.max(...blocks)} | ${percentile(millis, 50)} | ${percentile(millis, 99)} | ${others} |`;
    singleRows.push(row);
    log(row);
  }
  report.push(
    '## Reaction latency: one vault leaves its band (1-second blocks)',
    '',
    `anvil mining one block per second; ${latencyVaults} vaults watched, all at 2.0x; the service polls for heads every 250 ms`,
    '(`BALLAST_HEAD_POLL_MS`; with the default 1000 ms the poll and the miner keep one phase for a whole run, and a run',
    'where it falls late in the block lands every reaction one block later). Every trial starts from the same chain',
    'state (an anvil snapshot taken after the lever-up, one hour later) with a freshly started service on its own Redis',
    "prefix, after its first scan. The guardian tightens one vault's band top to 2.05x (tightening applies at once); the",
    'trial moves the feed and pool 3.5% down in one transaction (block B): that vault leaves its band, the others (top',
    "2.3x) stay inside. Latency = block of the rebalance receipt - B (1 = the next block), and wall time from seeing B's",
    'receipt to seeing the rebalance. The last column counts rebalances of other vaults up to two blocks after it',
    '(expected 0).',
    '',
    '| vaults watched | keeper keys | trials | p50 blocks | p99 blocks | max blocks | p50 ms | p99 ms | other vaults rebalanced |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...singleRows,
    '',
  );
  report.push(
    '## Reaction latency: every vault leaves its band at once (1-second blocks)',
    '',
    `anvil mining one block per second; ${latencyVaults} vaults watched, all at 2.0x after an initial lever-up; each trial starts`,
    'from that chain state (anvil snapshot) with a freshly started service on its own Redis prefix, and moves the feed and',
    'the pool 13% down in one transaction (block B), which takes every vault out of its band. An arbitrageur puts the pool',
    'back on the feed once per block (every vault trades on the one pool). Latency of a vault = block of its rebalance',
    "receipt - B, and wall time from seeing B's receipt to seeing the rebalance.",
    `${trials} trials per row. Each keeper key is one nonce sequence: its executor sends one transaction and waits for`,
    'its receipt before the next, so with all vaults breaking at once a key handles about one vault per block.',
    "The last three columns add up every trial's service metrics (`/metrics`): transactions broadcast (replacements",
    'included), jobs confirmed, and jobs failed for good by error name. Those fail either before sending (the simulation',
    'reverts: nothing is spent) or on-chain (`SlippageExceeded`, or `RevertedOnChain` when the replay on the previous',
    "block passes: an earlier transaction of the same block moved the pool); a failed plan's id is held for",
    '`BALLAST_FAILED_JOB_HOLD_MS` (60 s), then the next scan plans it again.',
    '',
    '| vaults | keeper keys | first rebalance (blocks) | p50 blocks | p99 blocks | max blocks | p50 ms | p99 ms | tx sent | jobs confirmed | jobs failed for good |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|',
    ...latencyRows,
    '',
  );
  world.removeFile();
} finally {
  await anvil.stop();
}

const header = [
  '# Strategy service benchmark',
  '',
  `Generated by \`node backend/tools/run.mjs backend/src/bench/service-bench.ts\` on ${new Date().toISOString().slice(0, 10)}`,
  `(2-core machine, anvil from npm, local Redis). Figures are from one run; rerun to compare.`,
  '',
];
writeFileSync(resolve(ROOT, opts.out), [...header, ...report].join('\n'));
log(`written to ${opts.out}`);
process.exit(0);

async function startLatencyService(world: World, watched: Address[], keys: ReturnType<typeof mnemonicToAccount>[], tag: string) {
  const prefix = `bench-lat-${tag}-${Date.now()}`;
  const service = await startService(
    loadConfig({
      BALLAST_RPC_URL: world.rpcUrl,
      REDIS_URL,
      BALLAST_REDIS_PREFIX: prefix,
      BALLAST_KEEPER_KEYS: keys.map((a) => `0x${Buffer.from(a.getHdKey().privateKey!).toString('hex')}`).join(','),
      BALLAST_VAULTS: watched.join(','),
      BALLAST_MULTICALL3: world.deployment.multicall3,
      BALLAST_PORT: '0',
      BALLAST_SCAN_INTERVAL_MS: '1000',
      // A quarter of the block time: a head is seen within 250 ms of being mined, whatever the phase between the
      // poll and the 1-second miner (with 1000 ms, whole runs landed one block later than others).
      BALLAST_HEAD_POLL_MS: '250',
      BALLAST_RECENTERING_SPEED: '1',
      BALLAST_TX_REPLACE_AFTER_MS: '10000',
    }),
    { logger: ['error'] },
  );
  return {
    url: service.url!,
    /** The service's own view of the vaults in Redis (the snapshots its scans write). */
    store: service.app.get(VaultStateStore),
    close: async () => {
      await service.close();
      await dropPrefix(REDIS_URL, prefix);
    },
  };
}

/** Waits until the service has written a snapshot of `vault` read at the current head or later (its first scan). */
async function waitForFirstScan(world: World, store: VaultStateStore, vault: Address): Promise<void> {
  const head = await world.client.getBlockNumber();
  for (const deadline = Date.now() + 60_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 50))) {
    const snapshot = await store.snapshot(vault);
    if (snapshot && snapshot.blockNumber >= head) return;
  }
  throw new Error(`the service did not scan ${vault} within 60 s`);
}

/** The sum of a Prometheus counter over all its label sets. */
function metricSum(text: string, name: string): number {
  return [...metricByLabel(text, name, null).values()].reduce((a, b) => a + b, 0);
}

/** A Prometheus counter's values by one label (`null`: all under one key). */
function metricByLabel(text: string, name: string, label: string | null): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = line.match(/^([a-z_]+)(\{[^}]*\})? ([0-9.e+]+)$/);
    if (!m || m[1] !== name) continue;
    const key = label ? (m[2]?.match(new RegExp(`${label}="([^"]*)"`))?.[1] ?? '') : '';
    out.set(key, (out.get(key) ?? 0) + Number(m[3]));
  }
  return out;
}

/** Moves feed and pool through the arbitrageur; returns the block it landed in. */
async function setPriceAndWait(world: World, answer: bigint): Promise<bigint> {
  const hash = await world.owner.writeContract({ address: world.deployment.arbitrageur, abi: parseAbi(['function setPrice(int256)']), functionName: 'setPrice', args: [answer] });
  return (await world.client.waitForTransactionReceipt({ hash, pollingInterval: 50 })).blockNumber;
}


function benchConfig(world: World, vaults: Address[], prefix: string, signers: number): ServiceConfig {
  void signers;
  return loadConfig({
    BALLAST_RPC_URL: world.rpcUrl,
    REDIS_URL,
    BALLAST_REDIS_PREFIX: prefix,
    BALLAST_ROLES: 'scanner',
    BALLAST_KEEPER_ADDRESSES: world.deployment.keeper,
    BALLAST_VAULTS: vaults.join(','),
    BALLAST_MULTICALL3: world.deployment.multicall3,
  });
}

async function nextBlock(world: World): Promise<bigint> {
  const start = await world.client.getBlockNumber();
  for (;;) {
    const now = await world.client.getBlockNumber();
    if (now > start) return now;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Waits until every vault has a Rebalanced event from `fromBlock`; calls `onSeen` once per vault as it appears. */
async function waitForRebalancedVaults(
  world: World,
  vaults: Address[],
  fromBlock: bigint,
  timeoutMs: number,
  onSeen?: (vault: Address, block: bigint) => void,
): Promise<{ vault: Address; block: bigint }[]> {
  const seen = new Map<string, bigint>();
  const deadline = Date.now() + timeoutMs;
  const wanted = new Set(vaults.map((v) => v.toLowerCase()));
  let cursor = fromBlock;
  while (seen.size < wanted.size) {
    if (Date.now() > deadline) throw new Error(`only ${seen.size}/${wanted.size} vaults rebalanced in ${timeoutMs / 1000} s`);
    const head = await world.client.getBlockNumber();
    if (head >= cursor) {
      const logs = await world.client.getLogs({ event: rebalancedEvent, fromBlock: cursor, toBlock: head });
      for (const l of logs) {
        const v = l.address.toLowerCase();
        if (wanted.has(v) && !seen.has(v)) {
          seen.set(v, l.blockNumber);
          onSeen?.(l.address, l.blockNumber);
        }
      }
      cursor = head + 1n;
      // Every watched vault trades on the same pool: without an arbitrageur, a burst of lever-ups or delevers
      // walks the pool away from the oracle until every further trade exceeds its slippage bound. Put it back on
      // the feed once per new block, as arbitrage does on a real chain (and npm start's simulator does).
      if (seen.size < wanted.size) await world.alignPool();
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return [...seen.entries()].map(([vault, block]) => ({ vault: vault as Address, block }));
}
