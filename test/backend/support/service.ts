/** Starts the strategy service against a test world, on its own Redis key prefix. */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { loadConfig, type ServiceConfig } from '../../../backend/src/config/config.js';
import type { ExecutorTestHooks } from '../../../backend/src/execute/executor.service.js';
import { startService, type RunningService } from '../../../backend/src/service.js';
import { ANVIL_KEYS, type World } from './world.js';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export function testPrefix(name: string): string {
  return `t-${name}-${randomBytes(4).toString('hex')}`;
}

export function serviceConfig(world: World, prefix: string, env: Record<string, string> = {}): ServiceConfig {
  return loadConfig({
    BALLAST_RPC_URL: world.rpcUrl,
    BALLAST_CHAIN_ID: '31337',
    REDIS_URL,
    BALLAST_REDIS_PREFIX: prefix,
    BALLAST_KEEPER_KEYS: ANVIL_KEYS.keeper,
    BALLAST_DEPLOYMENT_FILE: world.deploymentFile,
    BALLAST_PORT: '0',
    BALLAST_SCAN_INTERVAL_MS: '300',
    BALLAST_RECONCILE_INTERVAL_MS: '500',
    BALLAST_TX_REPLACE_AFTER_MS: '3000',
    BALLAST_EXECUTOR_LOCK_MS: '30000',
    BALLAST_RETRY_BACKOFF_MS: '200',
    BALLAST_RECENTERING_SPEED: '1',
    ...env,
  });
}

export async function startTestService(
  world: World,
  prefix: string,
  env: Record<string, string> = {},
  hooks: ExecutorTestHooks = {},
): Promise<RunningService> {
  return startService(serviceConfig(world, prefix, env), { logger: ['error'], hooks });
}

/** Deletes every key of a test prefix. */
export async function dropPrefix(prefix: string, url = REDIS_URL): Promise<void> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/** Polls `probe` until it returns a value that is not undefined/false, or fails after `timeoutMs`. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${lastError ? `: ${(lastError as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}
