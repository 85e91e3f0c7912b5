/**
 * Finds a Redis for `npm start`: `REDIS_URL` when set, else one on 127.0.0.1:6379, else a `redis-server`
 * started on a free port (no persistence, `noeviction` as BullMQ requires) and stopped with `npm start`.
 * When none of that works the error says exactly what to install or set.
 *
 * @packageDocumentation
 */
import type { ChildProcess } from 'node:child_process';
import { tmpdir } from 'node:os';
import { Redis } from 'ioredis';
import { disconnectClient } from '../redis/redis.js';
import { OutputTail, StartError, freePort, spawnTracked, stopChild } from './processes.js';

/** The Redis `npm start` uses. */
export interface LocalRedis {
  readonly url: string;
  /** How it was found, for the progress line. */
  readonly source: 'REDIS_URL' | 'probe' | 'spawned';
  /** The redis-server we started (null when it was already there). */
  readonly child: ChildProcess | null;
  /** Stops the redis-server we started; a no-op for one we found. */
  stop(): Promise<void>;
}

export interface FindRedisOptions {
  /** REDIS_URL (undefined when unset). */
  readonly redisUrl?: string | undefined;
  /** Where to look when REDIS_URL is unset. */
  readonly probeUrl?: string;
  /** The server binary to start when nothing answers. */
  readonly serverBinary?: string;
  readonly timeoutMs?: number;
  /** Skip REDIS_URL and the probe: always start a throwaway redis-server (`npm start -- --own-redis`). */
  readonly own?: boolean;
}

/** Connects once and sends PING; resolves null when it answers PONG, else the reason. */
export async function pingRedis(url: string, timeoutMs = 1_500): Promise<string | null> {
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  let lastError: Error | null = null;
  redis.on('error', (error: Error) => (lastError = error));
  try {
    await redis.connect();
    const answer = await redis.ping();
    return answer === 'PONG' ? null : `answered ${answer} to PING`;
  } catch (error) {
    const e = (lastError ?? error) as NodeJS.ErrnoException;
    return e.code ?? e.message;
  } finally {
    disconnectClient(redis);
  }
}

const NONE_FOUND = (probeUrl: string): string =>
  [
    'Redis is needed (the service keeps its job queues there) and none is available:',
    `  - REDIS_URL is not set, nothing answers at ${probeUrl}, and redis-server is not installed.`,
    'Do one of these, then run npm start again:',
    '  - install Redis:  sudo apt-get install redis-server   (macOS: brew install redis)',
    '  - or point at one: REDIS_URL=redis://host:6379 npm start',
  ].join('\n');

/** Finds or starts a Redis; throws {@link StartError} with the way out when there is none. */
export async function findRedis(options: FindRedisOptions = {}): Promise<LocalRedis> {
  const found = (url: string, source: 'REDIS_URL' | 'probe'): LocalRedis => ({ url, source, child: null, stop: async () => undefined });
  const probeUrl = options.probeUrl ?? 'redis://127.0.0.1:6379';
  if (options.own) return startRedisServer(options.serverBinary ?? 'redis-server', null, options.timeoutMs ?? 10_000);
  if (options.redisUrl !== undefined && options.redisUrl.trim() !== '') {
    const url = options.redisUrl.trim();
    const problem = await pingRedis(url, options.timeoutMs);
    if (problem !== null) {
      throw new StartError(
        `REDIS_URL is set to ${redact(url)} but that Redis does not answer (${problem}).\n` +
          'Start it, fix REDIS_URL, or unset REDIS_URL to let npm start use or start a local one.',
      );
    }
    return found(url, 'REDIS_URL');
  }
  if ((await pingRedis(probeUrl, options.timeoutMs)) === null) return found(probeUrl, 'probe');
  return startRedisServer(options.serverBinary ?? 'redis-server', probeUrl, options.timeoutMs ?? 10_000);
}

/** Starts `binary`; `probeUrl` is where we looked before (null when asked for our own server), for the message. */
async function startRedisServer(binary: string, probeUrl: string | null, timeoutMs: number): Promise<LocalRedis> {
  const port = await freePort();
  // No RDB/AOF files (a throwaway queue), noeviction (BullMQ loses jobs under any eviction policy).
  const child = spawnTracked(
    binary,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--maxmemory-policy', 'noeviction', '--dir', tmpdir()],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const tail = new OutputTail(20);
  child.stdout?.on('data', (d: Buffer) => tail.push(d));
  child.stderr?.on('data', (d: Buffer) => tail.push(d));
  const spawnError = new Promise<NodeJS.ErrnoException>((resolve) => child.once('error', resolve));
  const url = `redis://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const error = await Promise.race([spawnError, new Promise<null>((r) => setTimeout(() => r(null), 100))]);
    if (error !== null) {
      if (error.code === 'ENOENT') {
        throw new StartError(
          probeUrl === null
            ? `--own-redis starts a redis-server, and ${binary} is not installed: sudo apt-get install redis-server (macOS: brew install redis)`
            : NONE_FOUND(probeUrl),
        );
      }
      throw new StartError(`could not start ${binary}: ${error.message}`);
    }
    if (child.exitCode !== null) throw new StartError(`${binary} exited with code ${child.exitCode} at start:\n${tail.text()}`);
    if ((await pingRedis(url, 500)) === null) break;
    if (Date.now() > deadline) {
      await stopChild(child);
      throw new StartError(`${binary} did not answer on port ${port} within ${timeoutMs / 1000} s:\n${tail.text()}`);
    }
  }
  return { url, source: 'spawned', child, stop: () => stopChild(child) };
}

/** A Redis URL without its password, for messages. */
export function redact(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
}

/** Deletes every key under `prefix:` (the run's own keys on a Redis that outlives it). */
export async function dropPrefix(url: string, prefix: string): Promise<number> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1, retryStrategy: () => null });
  redis.on('error', () => undefined);
  let deleted = 0;
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) deleted += await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    disconnectClient(redis);
  }
  return deleted;
}
