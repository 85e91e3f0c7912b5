/**
 * Fault tests: each breaks one thing under a running service (real anvil, real Redis) and checks that
 * every job still ends in exactly one transaction.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, jest, test } from '@jest/globals';
import { rmSync } from 'node:fs';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { parseAbiItem, type Address, type Hex } from 'viem';
import { morphoLeverageModuleAbi } from '../../../backend/src/chain/abi/index.js';
import { IntentStore } from '../../../backend/src/execute/intent-store.js';
import { executorQueueName, SCAN_SCHEDULER_ID, QUEUE, type ExecuteJobData } from '../../../backend/src/execute/job.js';
import { RedisKeys } from '../../../backend/src/redis/redis.js';
import type { RunningService } from '../../../backend/src/service.js';
import { freePort, startAnvil, type Anvil } from '../support/anvil.js';
import { TcpProxy } from '../support/proxy.js';
import { RedisServer } from '../support/redis-server.js';
import { dropPrefix, REDIS_URL, startTestService, testPrefix, waitFor } from '../support/service.js';
import { World } from '../support/world.js';

jest.setTimeout(120_000);

const rebalancedEvent = parseAbiItem(
  'event Rebalanced(bytes32 indexed jobId, address indexed module, uint256 preNav, uint256 postNav, uint256 preLeverage, uint256 postLeverage, address indexed keeper)',
);

let anvil: Anvil;
let world: World;
let manyVaults: { file: string; vaults: Address[] };
let base: Hex;
const services: RunningService[] = [];
const prefixes: string[] = [];
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  anvil = await startAnvil();
  world = await World.deploy(anvil.url, `faults-${anvil.port}`);
  manyVaults = await world.deployExtraVaults(3, `faults-${anvil.port}`);
  base = await world.snapshot();
});

beforeEach(async () => {
  await world.revert(base);
  base = await world.snapshot();
});

afterEach(async () => {
  while (services.length) await services.pop()!.close().catch(() => undefined);
  while (cleanups.length) await cleanups.pop()!().catch(() => undefined);
});

afterAll(async () => {
  await anvil?.stop();
  world?.removeFile();
  if (manyVaults) rmSync(manyVaults.file, { force: true });
  for (const p of prefixes) await dropPrefix(p);
});

function prefix(name: string): string {
  const p = testPrefix(name);
  prefixes.push(p);
  return p;
}

async function start(p: string, env: Record<string, string> = {}, hooks = {}): Promise<RunningService> {
  const service = await startTestService(world, p, env, hooks);
  services.push(service);
  return service;
}

const keeperNonce = () => world.client.getTransactionCount({ address: world.deployment.keeper });
const rebalances = (fromBlock: bigint, address: Address | Address[] = world.deployment.vault) =>
  world.client.getLogs({ address, event: rebalancedEvent, fromBlock });
const intents = (redis: Redis, p: string) => new IntentStore(redis, new RedisKeys(p));

describe('faults', () => {
  test('a worker stalls past its lock: the job is redelivered and exactly one transaction is broadcast', async () => {
    const p = prefix('stall');
    const redis = new Redis(REDIS_URL);
    cleanups.push(async () => redis.disconnect());
    const nonce = await keeperNonce();
    const from = await world.client.getBlockNumber();
    let stalledJob: ExecuteJobData | null = null;
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    const stalled = new Promise<ExecuteJobData>((resolveStalled) => {
      const hooks = {
        afterPersist: async (job: ExecuteJobData) => {
          if (stalledJob) return;
          stalledJob = job;
          // Lose the lock, as a worker frozen past lockDuration does; the stalled check hands the job out again.
          await redis.del(`${p}:${executorQueueName(job.signer)}:${job.jobId}:lock`);
          resolveStalled(job);
          await released;
        },
      };
      void start(p, { BALLAST_EXECUTOR_LOCK_MS: '1000', BALLAST_STALLED_INTERVAL_MS: '300' }, hooks);
    });
    const job = await stalled;
    // A second executor for the same key picks the redelivered job up.
    await start(p, { BALLAST_ROLES: 'executor', BALLAST_EXECUTOR_LOCK_MS: '1000', BALLAST_STALLED_INTERVAL_MS: '300' });
    const record = await waitFor('the redelivered job to confirm', async () => {
      const r = await intents(redis, p).get(job.jobId);
      return r?.status === 'confirmed' ? r : undefined;
    });
    release(); // the first worker wakes up and finishes its copy: it must not send a second transaction
    await new Promise((r) => setTimeout(r, 1_500));
    expect(record.attempts).toHaveLength(1);
    expect(await keeperNonce()).toBe(nonce + 1);
    const logs = await rebalances(from);
    expect(logs).toHaveLength(1);
    expect(logs[0]!.args.jobId).toBe(job.jobId);
    expect((await intents(redis, p).get(job.jobId))!.status).toBe('confirmed');
  });

  test('Redis restarts mid-run: the scheduler comes back and scanning resumes', async () => {
    const server = new RedisServer(await freePort());
    await server.start();
    cleanups.push(() => server.kill());
    const p = prefix('restart');
    const service = await start(p, { REDIS_URL: server.url, BALLAST_SCAN_ON_NEW_BLOCKS: 'false' });
    const from = await world.client.getBlockNumber();
    await waitFor('the first lever-up', async () => ((await rebalances(from)).length > 0 ? true : undefined));

    await server.kill();
    await new Promise((r) => setTimeout(r, 1_000));
    await server.start(); // empty: the scheduler, queues and snapshots are gone
    const probe = new Redis(server.url);
    const scanQueue = new Queue(QUEUE.scan, { connection: probe, prefix: p });
    cleanups.push(async () => {
      await scanQueue.close();
      probe.disconnect();
    });
    await waitFor('the reconciler to re-create the scheduler', async () => (await scanQueue.getJobScheduler(SCAN_SCHEDULER_ID)) ?? undefined, 20_000);
    const head = await world.client.getBlockNumber();
    const snapshot = await waitFor('a scan after the restart', async () => {
      const raw = await probe.get(new RedisKeys(p).snapshot(world.deployment.vault));
      return raw && BigInt((JSON.parse(raw) as { blockNumber: string }).blockNumber.slice(2)) >= head ? raw : undefined;
    }, 20_000);
    expect(snapshot).toBeTruthy();
    const metrics = await (await fetch(`${service.url}/metrics`)).text();
    expect(metrics).toMatch(/ballast_scheduler_recreated_total [2-9]/);

    // And the pipeline works end to end again: -15% after the cooldown is delevered.
    const l = await world.client.readContract({ address: world.deployment.module, abi: morphoLeverageModuleAbi, functionName: 'leverageLimits' });
    await world.warp(Number(l.cooldown) + 1);
    const before = await world.client.getBlockNumber();
    await world.movePrice(0.85);
    const logs = await waitFor('a delever after the restart', async () => {
      const r = await rebalances(before);
      return r.length ? r : undefined;
    }, 30_000);
    expect(logs[0]!.args.postLeverage).toBeLessThan(logs[0]!.args.preLeverage!);
  });

  test('the RPC refuses connections for a while: the job retries and succeeds once it is back', async () => {
    const proxy = new TcpProxy(await freePort(), anvil.port);
    await proxy.start();
    cleanups.push(() => proxy.stop());
    const p = prefix('rpc');
    const redis = new Redis(REDIS_URL);
    cleanups.push(async () => redis.disconnect());
    const nonce = await keeperNonce();
    let cut = false;
    let jobId: Hex | null = null;
    const hooks = {
      afterPersist: async (job: ExecuteJobData) => {
        if (cut) return;
        cut = true;
        jobId = job.jobId;
        await proxy.stop(); // the broadcast that follows is refused
        setTimeout(() => void proxy.start(), 2_000);
      },
    };
    const from = await world.client.getBlockNumber();
    await startServiceVia(proxy, p, hooks);
    const logs = await waitFor('the rebalance after the outage', async () => {
      const r = await rebalances(from);
      return r.length ? r : undefined;
    }, 60_000);
    expect(logs).toHaveLength(1);
    expect(logs[0]!.args.jobId).toBe(jobId);
    expect(await keeperNonce()).toBe(nonce + 1);
    const queue = new Queue(executorQueueName(world.deployment.keeper), { connection: redis, prefix: p });
    cleanups.push(() => queue.close());
    const job = await waitFor('the job to complete', async () => {
      const j = await queue.getJob(jobId!);
      return j && (await j.getState()) === 'completed' ? j : undefined;
    });
    expect(job.attemptsMade).toBeGreaterThanOrEqual(2); // a failed attempt during the outage, then the good one
    expect((await intents(redis, p).get(jobId!))!.attempts).toHaveLength(1);
  });

  test('two executor processes for one signer: no nonce collision, every job confirmed', async () => {
    const p = prefix('two');
    const nonce = await keeperNonce();
    const from = await world.client.getBlockNumber();
    await start(p, { BALLAST_DEPLOYMENT_FILE: manyVaults.file });
    await start(p, { BALLAST_DEPLOYMENT_FILE: manyVaults.file, BALLAST_ROLES: 'executor' });
    const logs = await waitFor('a lever-up in every vault', async () => {
      const r = await rebalances(from, manyVaults.vaults);
      return new Set(r.map((l) => l.address.toLowerCase())).size === manyVaults.vaults.length ? r : undefined;
    }, 60_000);
    expect(logs).toHaveLength(manyVaults.vaults.length);
    expect(await keeperNonce()).toBe(nonce + manyVaults.vaults.length);
    const redis = new Redis(REDIS_URL);
    const dlq = new Queue(QUEUE.deadLetter, { connection: redis, prefix: p });
    expect(await dlq.count()).toBe(0);
    await dlq.close();
    redis.disconnect();
  });

  test('a rebalance that reverts on-chain (pool pushed between estimate and block) is sent again and confirmed', async () => {
    const p = prefix('revert');
    const redis = new Redis(REDIS_URL);
    cleanups.push(async () => redis.disconnect());
    const nonce = await keeperNonce();
    const from = await world.client.getBlockNumber();
    let jobId: Hex | null = null;
    // After the executor estimated and signed its lever-up, and before it broadcasts: the pool is pushed 5% above
    // the feed, so the swap returns less than the module's minOut and the mined transaction reverts.
    await start(p, { BALLAST_FAILED_JOB_HOLD_MS: '3000' }, {
      afterPersist: async (job: ExecuteJobData) => {
        if (jobId !== null) return;
        jobId = job.jobId;
        await world.pushPool(1.05);
      },
    });
    const failed = await waitFor('the first transaction to revert on-chain', async () => {
      const r = jobId ? await intents(redis, p).get(jobId) : null;
      return r?.status === 'failed' && r.receipt ? r : undefined;
    });
    const firstHash = failed.receipt!.hash;
    expect(failed.error!.name).toBe('SlippageExceeded');
    expect((await world.client.getTransactionReceipt({ hash: firstHash })).status).toBe('reverted');
    await world.alignPool(); // the arbitrageur puts the pool back on the feed

    // The same position plans the same job id; once the hold has passed, the intent starts over and confirms.
    const record = await waitFor('the job to be sent again and confirmed', async () => {
      const r = await intents(redis, p).get(jobId!);
      return r?.status === 'confirmed' ? r : undefined;
    }, 45_000);
    expect(record.attempts).toHaveLength(1);
    expect(record.receipt!.hash).not.toBe(firstHash);
    const logs = await rebalances(from);
    expect(logs).toHaveLength(1);
    expect(logs[0]!.args.jobId).toBe(jobId);
    expect(logs[0]!.args.postLeverage).toBeGreaterThan(logs[0]!.args.preLeverage!);
    expect(await keeperNonce()).toBe(nonce + 2);
    const dlq = new Queue(QUEUE.deadLetter, { connection: redis, prefix: p });
    const dead = await dlq.getJobs(['waiting', 'completed', 'failed', 'delayed']);
    await dlq.close();
    expect(dead.map((j) => (j.data as { error: string }).error.split(':')[0])).toEqual(['SlippageExceeded']);
  });

  test('a transaction dropped from the mempool is replaced with a higher fee and confirmed', async () => {
    const p = prefix('drop');
    const redis = new Redis(REDIS_URL);
    cleanups.push(async () => redis.disconnect());
    await world.rpc('evm_setAutomine', [false]);
    cleanups.push(async () => void (await world.rpc('evm_setAutomine', [true])));
    const nonce = await keeperNonce();
    let jobId: Hex | null = null;
    await start(p, { BALLAST_TX_REPLACE_AFTER_MS: '1500' }, { afterPersist: async (job: ExecuteJobData) => void (jobId ??= job.jobId) });
    const first = await waitFor('the first transaction in the mempool', async () => {
      if (!jobId) return undefined;
      const r = await intents(redis, p).get(jobId);
      return r?.attempts[0] ? r.attempts[0].hash : undefined;
    });
    await waitFor('the node to hold it', async () => (await world.client.getTransaction({ hash: first }).catch(() => null)) ?? undefined);
    await world.rpc('anvil_dropTransaction', [first]);
    const miner = setInterval(() => void world.rpc('evm_mine').catch(() => undefined), 500);
    cleanups.push(async () => clearInterval(miner));
    const record = await waitFor('the replacement to confirm', async () => {
      const r = await intents(redis, p).get(jobId!);
      return r?.status === 'confirmed' ? r : undefined;
    }, 30_000);
    expect(record.attempts.length).toBeGreaterThanOrEqual(2);
    expect(BigInt(record.attempts[1]!.maxFeePerGas)).toBeGreaterThan(BigInt(record.attempts[0]!.maxFeePerGas));
    expect(record.receipt!.hash).not.toBe(first);
    expect(await keeperNonce()).toBe(nonce + 1);
  });
});

async function startServiceVia(proxy: TcpProxy, p: string, hooks: object): Promise<void> {
  await start(p, { BALLAST_RPC_URL: proxy.url }, hooks);
}
