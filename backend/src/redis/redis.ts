/**
 * Redis connections and key names. BullMQ needs `maxRetriesPerRequest: null` on a worker's connection
 * (a blocking command must wait out a Redis restart, not fail); the service's own keys live under the
 * same prefix as BullMQ's, so one `BALLAST_REDIS_PREFIX` isolates a deployment or a test run.
 *
 * @packageDocumentation
 */
import { Redis } from 'ioredis';

/** A connection that survives Redis restarts: reconnects with a capped backoff, never gives up. */
export function createRedis(url: string, name: string): Redis {
  return new Redis(url, {
    connectionName: name,
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    retryStrategy: (times) => Math.min(100 * 2 ** Math.min(times, 6), 2_000),
  });
}

/**
 * Closes a client whose connection may already have failed. ioredis's `disconnect()` arms a 2 s timer that only
 * the socket's `close` event clears; on a client already `end`ed (a refused connection with no retry) that event
 * has passed, and the timer keeps the process alive for 2 s after everything else is done.
 */
export function disconnectClient(redis: Redis): void {
  if (redis.status !== 'end') redis.disconnect();
}

/**
 * Connections handed to BullMQ workers. BullMQ does not close a connection it was given, so whoever opens
 * them closes them, after the workers (`closeAll`).
 */
export class WorkerConnections {
  private readonly open: Redis[] = [];

  constructor(private readonly url: string) {}

  create(name: string): Redis {
    const connection = createRedis(this.url, name);
    connection.on('error', () => undefined); // reconnects on its own; workers log their own errors
    this.open.push(connection);
    return connection;
  }

  closeAll(): void {
    for (const c of this.open.splice(0)) c.disconnect();
  }
}

/** Key names of the service's own records (BullMQ names its keys itself under the same prefix). */
export class RedisKeys {
  constructor(readonly prefix: string) {}

  /** Intent record of an executor job (`IntentStore`). */
  intent(jobId: string): string {
    return `${this.prefix}:ballast:intent:${jobId}`;
  }

  /** Latest snapshot of a vault (JSON, wire form), written by each scan. */
  snapshot(vault: string): string {
    return `${this.prefix}:ballast:snapshot:${vault.toLowerCase()}`;
  }

  /** Latest policy decision per module (JSON). */
  decision(module: string): string {
    return `${this.prefix}:ballast:decision:${module.toLowerCase()}`;
  }

  /** Recent oracle prices of a module (sorted set: score = timestamp, member = "timestamp:price"). */
  prices(module: string): string {
    return `${this.prefix}:ballast:prices:${module.toLowerCase()}`;
  }

  /** Block of the last confirmed executor transaction per module: plans from older snapshots are stale. */
  lastExecution(module: string): string {
    return `${this.prefix}:ballast:last-execution:${module.toLowerCase()}`;
  }

  /** Heartbeats of running workers (hash: worker id -> JSON), for `/health`. */
  workers(): string {
    return `${this.prefix}:ballast:workers`;
  }
}
