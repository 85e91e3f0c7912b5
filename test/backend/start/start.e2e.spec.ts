/**
 * End to end: `npm start`'s entry point as a person runs it (a child process), on free ports, its own
 * redis-server, simulated time at 600x and one scripted -30% shock. Waits for the ready line, then for the
 * shock, then for the keeper's answer in the service's history API and on the dashboard page (Chromium);
 * then Ctrl-C (SIGINT) must stop
 * everything: exit code 0, anvil and redis-server gone, their ports closed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { chromium } from 'playwright-core';
import { pingRedis } from '../../../backend/src/start/redis.js';
import { ROOT } from '../support/anvil.js';
import { waitFor } from '../support/service.js';

jest.setTimeout(240_000);

const WAD = 10n ** 18n;
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

interface HistoryEntry {
  kind: string;
  preLeverage: string;
  postLeverage: string;
  txHash: string;
  blockNumber: string;
}

/** The process and everything it printed, line by line. */
class Run {
  readonly lines: string[] = [];
  private partial = '';
  readonly exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(readonly child: ChildProcess) {
    const take = (d: Buffer): void => {
      const parts = (this.partial + d.toString()).split('\n');
      this.partial = parts.pop() ?? '';
      this.lines.push(...parts);
    };
    child.stdout?.on('data', take);
    child.stderr?.on('data', take);
    this.exit = new Promise((ok) => child.once('exit', (code, signal) => ok({ code, signal })));
  }

  /** The first printed line matching `pattern`, waiting for it. */
  line(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
    return waitFor(
      `a line matching ${pattern}`,
      async () => {
        if (this.child.exitCode !== null) throw new Error(`npm start exited (${this.child.exitCode}):\n${this.lines.join('\n')}`);
        for (const l of this.lines) {
          const m = l.match(pattern);
          if (m) return m;
        }
        return undefined;
      },
      timeoutMs,
    );
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function answers(url: string, body: string): Promise<boolean> {
  try {
    await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(2_000) });
    return true;
  } catch {
    return false;
  }
}

describe('npm start', () => {
  const deployment = `deployments/test-start-${process.pid}.json`;
  let run: Run;
  let startedAt: number;

  beforeAll(() => {
    startedAt = Date.now();
    const child = spawn(
      process.execPath,
      [
        'backend/tools/run.mjs',
        'backend/src/start/main.ts',
        '--rpc-port', '0',
        '--port', '0',
        '--own-redis',
        '--deployment', deployment,
        '--speed', '600',
        '--seed', '1',
        '--volatility', '0.3',
        '--shock-every', '0',
        '--first-shock', '12',
        '--shock-size', '30',
        '--rebound', '0',
      ],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, REDIS_URL: '' } },
    );
    run = new Run(child);
  });

  afterAll(async () => {
    if (run.child.exitCode === null) {
      run.child.kill('SIGINT');
      await run.exit;
    }
    rmSync(resolve(ROOT, deployment), { force: true });
  });

  test('boots, answers a price shock with a delever or ripcord in the history API, and Ctrl-C leaves nothing behind', async () => {
    try {
      await bootShockAndStop();
    } catch (error) {
      // What npm start printed is the first thing to read when this fails.
      (error as Error).message += `\n--- npm start output ---\n${run.lines.join('\n')}`;
      throw error;
    }
  });

  async function bootShockAndStop(): Promise<void> {
    // Boot: contracts compiled already in CI (npm test compiles first); a fresh compile takes longer.
    const ready = await run.line(/Ballast local stack ready in ([\d.]+) s/, 200_000);
    const bootSeconds = Number(ready[1]);
    const [, anvilUrl, anvilPid] = await run.line(/^\[1\/6\] done in .*: (http:\/\/127\.0\.0\.1:\d+), chain id 31337, pid (\d+)/, 1_000);
    const [, redisUrl, redisPid] = await run.line(/^\[3\/6\] done in .*: (redis:\/\/127\.0\.0\.1:\d+) \(started redis-server, pid (\d+)\)/, 1_000);
    const [, serviceUrl] = await run.line(/^ Dashboard\s+(http:\/\/127\.0\.0\.1:\d+)\/$/, 1_000);
    const vault = (JSON.parse(readFileSync(resolve(ROOT, deployment), 'utf8')) as { vault: string }).vault;

    // The dashboard's API serves this world.
    const vaults = (await (await fetch(`${serviceUrl}/api/vaults`)).json()) as { address: string }[];
    expect(vaults.map((v) => v.address)).toContain(vault);

    // The scripted shock: -30% in one block, no rebound. From anywhere in the 1.7x-2.3x band it leaves the band
    // (from 1.7x to 2.43x); from 1.85x up it passes the 2.7x ripcord.
    const shock = await run.line(/market \+\S+: shock -30\.0%: ([\d.]+) -> ([\d.]+) in block (\d+)/, 30_000);
    expect(Number(shock[2]) / Number(shock[1])).toBeCloseTo(0.7, 3);
    const shockBlock = BigInt(shock[3]!);

    // The keeper (or the ripcord) answers: an event after the shock that lowers leverage.
    const answer = await waitFor(
      'a delever or ripcord after the shock in /history',
      async () => {
        const history = (await (await fetch(`${serviceUrl}/api/vaults/${vault}/history`)).json()) as HistoryEntry[];
        return history.find((h) => BigInt(h.blockNumber) >= shockBlock && BigInt(h.postLeverage) < BigInt(h.preLeverage));
      },
      30_000,
    );
    expect(['rebalance', 'ripcord']).toContain(answer.kind);
    expect(BigInt(answer.preLeverage)).toBeGreaterThan((23n * WAD) / 10n);
    expect(BigInt(answer.postLeverage)).toBeLessThanOrEqual((23n * WAD) / 10n);
    expect(answer.txHash).toMatch(/^0x[0-9a-f]{64}$/);
    // npm start prints it too.
    await run.line(new RegExp(`(keeper rebalance \\(delever\\)|ripcord): .* tx ${answer.txHash}`), 5_000);

    // And the dashboard page shows it, in a real browser.
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      await page.goto(`${serviceUrl}/`);
      await waitFor('the rebalance on the dashboard', async () => (await page.content()).includes(answer.txHash), 20_000);
      expect(await page.content()).toContain(vault);
    } finally {
      await browser.close();
    }

    // Ctrl-C: everything stops, in order, and the process exits 0.
    expect(alive(Number(anvilPid))).toBe(true);
    expect(alive(Number(redisPid))).toBe(true);
    run.child.kill('SIGINT');
    const exit = await run.exit;
    expect(exit).toEqual({ code: 0, signal: null });
    expect(run.lines).toContain('all stopped.');
    expect(alive(Number(anvilPid))).toBe(false);
    expect(alive(Number(redisPid))).toBe(false);
    expect(await answers(anvilUrl!, '{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]}')).toBe(false);
    expect(await pingRedis(redisUrl!)).toBe('ECONNREFUSED');
    expect(await answers(serviceUrl!, '')).toBe(false);

    // Figures for the report.
    process.stdout.write(`npm start e2e: boot ${bootSeconds} s, whole test ${((Date.now() - startedAt) / 1000).toFixed(1)} s\n`);
  }
});
