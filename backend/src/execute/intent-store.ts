/**
 * The executor's memory of what it has signed and sent, in Redis, written **before** a transaction is
 * broadcast. A job that BullMQ delivers twice (a worker stalled past its lock, a process died) finds the
 * record and rebroadcasts the same signed bytes instead of signing again, so one job is at most one
 * transaction (plus same-nonce fee bumps, of which at most one can be mined).
 *
 * Every write is a compare-and-set on `version` (one Lua script), so two workers racing on one record
 * cannot both believe they signed first.
 *
 * @packageDocumentation
 */
import type { Redis } from 'ioredis';
import type { Address, Hex } from 'viem';
import type { RedisKeys } from '../redis/redis.js';

export type IntentStatus =
  /** Claimed by a worker; nothing signed yet. */
  | 'claimed'
  /** At least one transaction signed and persisted; it may or may not have reached the node. */
  | 'signed'
  /** A transaction of this job was mined and succeeded. */
  | 'confirmed'
  /** Failed for good: the simulation or the mined transaction reverted, or the job's time ran out. */
  | 'failed';

/** One signed transaction of the job (the first, or a same-nonce replacement). */
export interface SignedAttempt {
  readonly hash: Hex;
  readonly raw: Hex;
  /** Decimal strings (JSON has no bigint). */
  readonly maxFeePerGas: string;
  readonly maxPriorityFeePerGas: string;
  /** Unix milliseconds. */
  readonly signedAt: number;
}

export interface IntentRecord {
  readonly jobId: Hex;
  readonly planHash: Hex;
  readonly vault: Address;
  readonly module: Address;
  readonly action: 'rebalance' | 'ripcord';
  readonly signer: Address;
  readonly status: IntentStatus;
  readonly nonce: number | null;
  /** The trade size actually signed, when the executor had to shrink the plan's (decimal string). */
  readonly amount: string | null;
  readonly attempts: readonly SignedAttempt[];
  readonly receipt: { readonly hash: Hex; readonly blockNumber: string; readonly gasUsed: string } | null;
  readonly error: { readonly name: string; readonly message: string } | null;
  /** When the plan behind the current attempt was made (`ExecuteJobData.plannedAt`); absent in older records. */
  readonly plannedAt?: number;
  readonly createdAt: number;
  readonly updatedAt: number;
  /** Incremented by every write; the compare-and-set token. */
  readonly version: number;
}

export type NewIntent = Pick<IntentRecord, 'jobId' | 'planHash' | 'vault' | 'module' | 'action' | 'signer' | 'plannedAt'>;

/** Thrown when a compare-and-set lost: another worker wrote the record in between. */
export class IntentConflictError extends Error {
  constructor(readonly jobId: Hex, readonly expectedVersion: number) {
    super(`intent ${jobId} changed under us (expected version ${expectedVersion})`);
    this.name = 'IntentConflictError';
  }
}

// KEYS[1] = record key; ARGV[1] = expected version ('-1' = must not exist); ARGV[2] = new JSON; ARGV[3] = TTL s.
const CAS_SCRIPT = `
local current = redis.call('GET', KEYS[1])
if ARGV[1] == '-1' then
  if current then return 0 end
else
  if not current then return 0 end
  local decoded = cjson.decode(current)
  if tostring(decoded.version) ~= ARGV[1] then return 0 end
end
redis.call('SET', KEYS[1], ARGV[2], 'EX', tonumber(ARGV[3]))
return 1
`;

/** Records live a week: long past any retry, short enough not to grow without bound. */
const TTL_SECONDS = 7 * 24 * 3600;

export class IntentStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly now: () => number = Date.now,
  ) {}

  async get(jobId: Hex): Promise<IntentRecord | null> {
    const raw = await this.redis.get(this.keys.intent(jobId));
    return raw === null ? null : (JSON.parse(raw) as IntentRecord);
  }

  /** Returns the existing record, or creates a `claimed` one. */
  async claim(intent: NewIntent): Promise<IntentRecord> {
    const existing = await this.get(intent.jobId);
    if (existing) return existing;
    const t = this.now();
    const record: IntentRecord = {
      ...intent,
      status: 'claimed',
      nonce: null,
      amount: null,
      attempts: [],
      receipt: null,
      error: null,
      createdAt: t,
      updatedAt: t,
      version: 0,
    };
    if (await this.cas(record.jobId, -1, record)) return record;
    // Lost the race to create it: the winner's record is the truth.
    return (await this.get(intent.jobId))!;
  }

  /** Persists a signed transaction (the first, or a replacement) before it is sent. */
  async recordSigned(record: IntentRecord, nonce: number, attempt: SignedAttempt, amount: string | null = record.amount): Promise<IntentRecord> {
    if (record.nonce !== null && record.nonce !== nonce) {
      throw new Error(`intent ${record.jobId}: a replacement must reuse nonce ${record.nonce}, got ${nonce}`);
    }
    if (record.attempts.length > 0 && amount !== record.amount) {
      throw new Error(`intent ${record.jobId}: a replacement must keep the signed amount`);
    }
    return this.update(record, { status: 'signed', nonce, amount, attempts: [...record.attempts, attempt] });
  }

  markConfirmed(record: IntentRecord, receipt: NonNullable<IntentRecord['receipt']>): Promise<IntentRecord> {
    return this.update(record, { status: 'confirmed', receipt, error: null });
  }

  markFailed(record: IntentRecord, error: NonNullable<IntentRecord['error']>, receipt: IntentRecord['receipt'] = null): Promise<IntentRecord> {
    return this.update(record, { status: 'failed', error, receipt });
  }

  /**
   * Starts a failed intent over for a newer plan of the same state. Only after its transaction was mined and
   * reverted: the revert undid everything, the job id included (the contract's replay guard never recorded it),
   * so the same id may be sent again, with a new nonce. The same job delivered again keeps its `plannedAt` and is
   * never restarted.
   */
  async restartAfterRevert(record: IntentRecord, plannedAt: number): Promise<IntentRecord> {
    if (record.status !== 'failed' || record.receipt === null) throw new Error(`intent ${record.jobId} did not revert on-chain; it cannot be restarted`);
    if (record.plannedAt !== undefined && plannedAt <= record.plannedAt) throw new Error(`intent ${record.jobId}: plan of ${plannedAt} is not newer than ${record.plannedAt}`);
    return this.update(record, { status: 'claimed', error: null, nonce: null, amount: null, attempts: [], receipt: null, plannedAt });
  }

  /** Lets a failed job that never broadcast anything be tried again (its cause may have cleared). */
  async reopen(record: IntentRecord): Promise<IntentRecord> {
    if (record.attempts.length > 0) throw new Error(`intent ${record.jobId} has sent transactions; it cannot be reopened`);
    return this.update(record, { status: 'claimed', error: null });
  }

  private async update(record: IntentRecord, change: Partial<IntentRecord>): Promise<IntentRecord> {
    const next: IntentRecord = { ...record, ...change, updatedAt: this.now(), version: record.version + 1 };
    if (!(await this.cas(record.jobId, record.version, next))) throw new IntentConflictError(record.jobId, record.version);
    return next;
  }

  private async cas(jobId: Hex, expectedVersion: number, record: IntentRecord): Promise<boolean> {
    const result = await this.redis.eval(CAS_SCRIPT, 1, this.keys.intent(jobId), String(expectedVersion), JSON.stringify(record), TTL_SECONDS);
    return result === 1;
  }
}
