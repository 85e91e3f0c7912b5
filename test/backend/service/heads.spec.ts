/**
 * The chain service's head watcher against a stub JSON-RPC server: it reports each new head once, and its shutdown
 * leaves nothing behind (viem's watchBlocks left its poll timer armed for up to an interval after unwatch, which kept
 * jest workers alive past their last suite).
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { createHook } from 'node:async_hooks';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Block } from 'viem';
import { ChainService } from '../../../backend/src/chain/chain.service.js';
import { loadConfig } from '../../../backend/src/config/config.js';

const VAULT = '0x9E545E3C0baAB3E08CdfD552C960A1050f373042';
const POLL_MS = 200;

/** Answers eth_getBlockByNumber with a block one higher each time (or the same one while `sameHead`); can hold answers. */
class StubRpc {
  server: Server | null = null;
  head = 100;
  sameHead = false;
  blockRequests = 0;
  private held: Array<() => void> = [];
  private holding = false;
  private arrived: Array<() => void> = [];

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      void readBody(req).then(async (body) => {
        const calls = JSON.parse(body) as RpcCall | RpcCall[];
        const list = Array.isArray(calls) ? calls : [calls];
        if (list.some((c) => c.method === 'eth_getBlockByNumber')) {
          this.blockRequests++;
          for (const notify of this.arrived.splice(0)) notify();
          if (this.holding) await new Promise<void>((release) => this.held.push(release));
        }
        const answers = list.map((c) => ({ jsonrpc: '2.0', id: c.id, result: this.answer(c) }));
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify(Array.isArray(calls) ? answers : answers[0]));
      });
    });
    await new Promise<void>((ok) => this.server!.listen(0, '127.0.0.1', () => ok()));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Holds every block request from now on until `release()`; resolves when the next one has arrived. */
  holdNext(): Promise<void> {
    this.holding = true;
    return new Promise((ok) => this.arrived.push(ok));
  }

  release(): void {
    this.holding = false;
    for (const release of this.held.splice(0)) release();
  }

  async stop(): Promise<void> {
    this.release();
    const server = this.server;
    this.server = null;
    server?.closeAllConnections();
    if (server) await new Promise<void>((ok) => server.close(() => ok()));
  }

  private answer(call: RpcCall): unknown {
    if (call.method === 'eth_chainId') return '0x7a69';
    if (call.method !== 'eth_getBlockByNumber') return null;
    if (!this.sameHead) this.head++;
    const n = `0x${this.head.toString(16)}`;
    return {
      number: n,
      hash: `0x${this.head.toString(16).padStart(64, '0')}`,
      parentHash: `0x${(this.head - 1).toString(16).padStart(64, '0')}`,
      timestamp: `0x${(1_700_000_000 + this.head).toString(16)}`,
      nonce: '0x0000000000000000',
      difficulty: '0x0',
      gasLimit: '0x1c9c380',
      gasUsed: '0x0',
      baseFeePerGas: '0x3b9aca00',
      miner: '0x0000000000000000000000000000000000000000',
      extraData: '0x',
      logsBloom: `0x${'0'.repeat(512)}`,
      transactionsRoot: `0x${'0'.repeat(64)}`,
      stateRoot: `0x${'0'.repeat(64)}`,
      receiptsRoot: `0x${'0'.repeat(64)}`,
      sha3Uncles: `0x${'0'.repeat(64)}`,
      mixHash: `0x${'0'.repeat(64)}`,
      size: '0x200',
      totalDifficulty: '0x0',
      transactions: [],
      uncles: [],
    };
  }
}

interface RpcCall {
  readonly id: number;
  readonly method: string;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((ok, fail) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => ok(Buffer.concat(chunks).toString('utf8')));
    req.on('error', fail);
  });
}

/**
 * Follows the timers created from now on: `armed()` counts those still pending that keep the process alive (not
 * unref'd). Counting only these keeps timers of jest and of earlier tests out of the count.
 */
function trackTimers(): { armed(): number } {
  const created: NodeJS.Timeout[] = [];
  const hook = createHook({
    init(_id, type, _trigger, resource) {
      if (type === 'Timeout') created.push(resource as NodeJS.Timeout);
    },
  }).enable();
  tracking = hook;
  // `_destroyed` is set when a timer fires (without repeating) or is cleared.
  const armed = () => created.filter((t) => !(t as unknown as { _destroyed: boolean })._destroyed && t.hasRef()).length;
  return { armed };
}
let tracking: { disable(): unknown } | null = null;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const rpc = new StubRpc();
let rpcUrl: string;
let chain: ChainService | null = null;

function chainService(): ChainService {
  chain = new ChainService(loadConfig({ BALLAST_RPC_URL: rpcUrl, BALLAST_ROLES: 'api', BALLAST_VAULTS: VAULT, BALLAST_HEAD_POLL_MS: String(POLL_MS) }));
  return chain;
}

/** Resolves with the next `count` heads the service reports. */
function heads(service: ChainService, count: number): Promise<bigint[]> {
  const seen: bigint[] = [];
  return new Promise((ok) => {
    const off = service.onHead((block: Block) => {
      seen.push(block.number!);
      if (seen.length === count) {
        off();
        ok(seen);
      }
    });
  });
}

beforeAll(async () => {
  rpcUrl = await rpc.start();
});
afterEach(async () => {
  tracking?.disable();
  tracking = null;
  rpc.release();
  rpc.sameHead = false;
  await chain?.onApplicationShutdown();
  chain = null;
});
afterAll(async () => {
  await rpc.stop();
});

describe('ChainService.watchHeads', () => {
  test('test_watchHeads_reportsEachNewHeadOnceInOrder', async () => {
    const service = chainService();
    const first = heads(service, 2);
    service.watchHeads();
    const [a, b] = await first;
    expect(b).toBe(a! + 1n);
    expect(service.latestHead()?.number).toBeGreaterThanOrEqual(b!);

    // A head that does not move is not reported again.
    rpc.sameHead = true;
    const seen: bigint[] = [];
    const off = service.onHead((block: Block) => seen.push(block.number!));
    const before = rpc.blockRequests;
    while (rpc.blockRequests < before + 2) await sleep(POLL_MS / 4);
    off();
    expect(seen).toEqual([]);
  });

  test('test_watchHeads_shutdownBetweenPollsLeavesNoTimer', async () => {
    const service = chainService();
    const first = heads(service, 1);
    const timers = trackTimers();
    service.watchHeads();
    await first;
    // The poll that reported the head has finished and the watcher now waits for the next one.
    await sleep(POLL_MS / 4);
    expect(timers.armed()).toBe(1);
    await service.onApplicationShutdown();
    expect(timers.armed()).toBe(0);
    const requests = rpc.blockRequests;
    await sleep(POLL_MS * 2);
    expect(rpc.blockRequests).toBe(requests);
  });

  test('test_watchHeads_shutdownDuringARequestWaitsForItAndArmsNothingAfter', async () => {
    const service = chainService();
    const heard: bigint[] = [];
    service.onHead((block: Block) => heard.push(block.number!));
    const arrived = rpc.holdNext();
    const timers = trackTimers();
    service.watchHeads();
    await arrived;
    let closed = false;
    const closing = service.onApplicationShutdown().then(() => (closed = true));
    await sleep(POLL_MS / 2);
    expect(closed).toBe(false); // the answer is still held
    rpc.release();
    await closing;
    // Long enough for an answer to have been handled by anything still listening for it, shorter than an interval.
    await sleep(POLL_MS / 2);
    expect(timers.armed()).toBe(0);
    expect(heard).toEqual([]); // the head that came back after the shutdown was not reported
  });
});
