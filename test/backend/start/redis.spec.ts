/**
 * Finding Redis for `npm start`, against real servers and real closed ports (no mocks): REDIS_URL wins,
 * a redis-server of our own comes and goes, and when nothing is possible the message says what to do.
 */
import { describe, expect, test } from '@jest/globals';
import { Redis } from 'ioredis';
import { disconnectClient } from '../../../backend/src/redis/redis.js';
import { StartError, freePort } from '../../../backend/src/start/processes.js';
import { findRedis, pingRedis, redact } from '../../../backend/src/start/redis.js';

async function startError(promise: Promise<unknown>): Promise<StartError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof StartError) return error;
    throw error;
  }
  throw new Error('expected a StartError');
}

describe('findRedis', () => {
  test('test_findRedis_nothingAvailableSaysWhatToInstallOrSet', async () => {
    const closed = `redis://127.0.0.1:${await freePort()}`;
    const error = await startError(findRedis({ probeUrl: closed, serverBinary: 'redis-server-that-is-not-installed' }));
    expect(error.message).toContain(`nothing answers at ${closed}`);
    expect(error.message).toContain('sudo apt-get install redis-server');
    expect(error.message).toContain('REDIS_URL=redis://host:6379 npm start');
    expect(error.stack ?? '').not.toBe('');
  });

  test('test_findRedis_redisUrlThatDoesNotAnswerIsNamedWithoutItsPassword', async () => {
    const url = `redis://user:secret@127.0.0.1:${await freePort()}`;
    const error = await startError(findRedis({ redisUrl: url }));
    expect(error.message).toMatch(/REDIS_URL is set to redis:\/\/user:\*\*\*@127\.0\.0\.1:\d+ but that Redis does not answer \(ECONNREFUSED\)/);
    expect(error.message).not.toContain('secret');
  });

  test('test_findRedis_startsItsOwnServerAndStopsIt', async () => {
    const closed = `redis://127.0.0.1:${await freePort()}`;
    const redis = await findRedis({ probeUrl: closed });
    expect(redis.source).toBe('spawned');
    expect(redis.child?.pid).toBeGreaterThan(0);
    expect(await pingRedis(redis.url)).toBeNull();
    await redis.stop();
    expect(redis.child?.exitCode !== null || redis.child?.signalCode !== null).toBe(true);
    expect(() => process.kill(redis.child!.pid!, 0)).toThrow();
    expect(await pingRedis(redis.url)).toBe('ECONNREFUSED');
  });

  test('test_findRedis_usesTheOneThatAnswers', async () => {
    // The machine's Redis (CI starts one when none answers), reached through REDIS_URL.
    const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
    const redis = await findRedis({ redisUrl: url });
    expect(redis).toMatchObject({ url, source: 'REDIS_URL', child: null });
  });

  test('test_findRedis_ownServerWithoutTheBinarySaysWhatToInstall', async () => {
    const error = await startError(findRedis({ own: true, serverBinary: 'redis-server-that-is-not-installed' }));
    expect(error.message).toContain('--own-redis starts a redis-server');
    expect(error.message).toContain('sudo apt-get install redis-server');
  });

  test('test_disconnectClient_afterARefusedConnectionArmsNoTimer', async () => {
    // ioredis's disconnect() on a client whose connection was refused arms a 2 s timer that nothing clears, which
    // kept `npm start` (pingRedis probes closed ports) and jest workers alive after everything else had stopped.
    const redis = new Redis(`redis://127.0.0.1:${await freePort()}`, {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      retryStrategy: () => null,
    });
    redis.on('error', () => undefined);
    await expect(redis.connect()).rejects.toThrow();
    expect(redis.status).toBe('end');
    // Counted synchronously around the call, so no other timer can come or go in between.
    const timers = (): number => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const before = timers();
    disconnectClient(redis);
    expect(timers()).toBe(before);
  });

  test('test_redact_hidesOnlyThePassword', () => {
    expect(redact('redis://:pw@h:1/0')).toBe('redis://:***@h:1/0');
    expect(redact('redis://h:6379')).toBe('redis://h:6379');
  });
});
