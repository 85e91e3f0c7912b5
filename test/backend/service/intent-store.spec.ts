/** The intent store against a real Redis, on its own key prefix. */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { Redis } from 'ioredis';
import { IntentConflictError, IntentStore, type NewIntent } from '../../../backend/src/execute/intent-store.js';
import { RedisKeys } from '../../../backend/src/redis/redis.js';
import { dropPrefix, REDIS_URL, testPrefix } from '../support/service.js';

const prefix = testPrefix('intent');
let redis: Redis;
let store: IntentStore;

const intent = (n: number): NewIntent => ({
  jobId: `0x${n.toString(16).padStart(64, '0')}`,
  planHash: `0x${'ab'.repeat(32)}`,
  vault: '0x9E545E3C0baAB3E08CdfD552C960A1050f373042',
  module: '0xa82fF9aFd8f496c3d6ac40E2a0F282E47488CFc9',
  action: 'rebalance',
  signer: '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC',
});
const attempt = (hash: string) => ({ hash: hash as `0x${string}`, raw: '0x02' as `0x${string}`, maxFeePerGas: '10', maxPriorityFeePerGas: '1', signedAt: 1 });

beforeAll(() => {
  redis = new Redis(REDIS_URL);
  store = new IntentStore(redis, new RedisKeys(prefix));
});
afterAll(async () => {
  redis.disconnect();
  await dropPrefix(prefix);
});

describe('IntentStore', () => {
  test('claim creates once; a second claim returns the same record', async () => {
    const first = await store.claim(intent(1));
    expect(first).toMatchObject({ status: 'claimed', version: 0, attempts: [] });
    const signed = await store.recordSigned(first, 7, attempt('0x01'));
    const again = await store.claim(intent(1));
    expect(again).toEqual(signed);
    expect(again.status).toBe('signed');
  });

  test('concurrent claims agree on one record', async () => {
    const records = await Promise.all(Array.from({ length: 10 }, () => store.claim(intent(2))));
    expect(new Set(records.map((r) => r.createdAt)).size).toBe(1);
  });

  test('a stale writer loses the compare-and-set', async () => {
    const claimed = await store.claim(intent(3));
    const [a, b] = await Promise.allSettled([store.recordSigned(claimed, 1, attempt('0xa')), store.recordSigned(claimed, 1, attempt('0xb'))]);
    const outcomes = [a.status, b.status].sort();
    expect(outcomes).toEqual(['fulfilled', 'rejected']);
    const rejected = (a.status === 'rejected' ? a : b) as PromiseRejectedResult;
    expect(rejected.reason).toBeInstanceOf(IntentConflictError);
    expect((await store.get(intent(3).jobId))!.attempts).toHaveLength(1);
  });

  test('replacements keep the nonce; a different nonce is refused', async () => {
    let r = await store.claim(intent(4));
    r = await store.recordSigned(r, 5, attempt('0x1'));
    r = await store.recordSigned(r, 5, attempt('0x2'));
    expect(r.attempts.map((x) => x.hash)).toEqual(['0x1', '0x2']);
    await expect(store.recordSigned(r, 6, attempt('0x3'))).rejects.toThrow('must reuse nonce 5');
  });

  test('confirmed and failed are recorded; only a never-sent failure reopens', async () => {
    let r = await store.claim(intent(5));
    r = await store.markFailed(r, { name: 'CooldownActive', message: 'too soon' });
    r = await store.reopen(r);
    expect(r.status).toBe('claimed');
    r = await store.recordSigned(r, 1, attempt('0x9'));
    r = await store.markConfirmed(r, { hash: '0x9', blockNumber: '10', gasUsed: '100' });
    expect((await store.get(intent(5).jobId))!.status).toBe('confirmed');
    const failedAfterSend = await store.markFailed(r, { name: 'X', message: 'y' });
    await expect(store.reopen(failedAfterSend)).rejects.toThrow('cannot be reopened');
  });

  test('a transaction that reverted on-chain restarts only for a newer plan, with no attempts or nonce kept', async () => {
    let r = await store.claim({ ...intent(6), plannedAt: 1_000 });
    r = await store.recordSigned(r, 7, attempt('0xa'));
    const neverMined = await store.markFailed(r, { name: 'NonceTaken', message: 'nonce 7 was used' });
    await expect(store.restartAfterRevert(neverMined, 2_000)).rejects.toThrow('did not revert on-chain');
    const reverted = await store.markFailed(neverMined, { name: 'SlippageExceeded', message: 'reverted' }, { hash: '0xa', blockNumber: '10', gasUsed: '100' });
    await expect(store.restartAfterRevert(reverted, 1_000)).rejects.toThrow('is not newer');
    const restarted = await store.restartAfterRevert(reverted, 2_000);
    expect(restarted).toMatchObject({ status: 'claimed', attempts: [], nonce: null, receipt: null, error: null, plannedAt: 2_000 });
    expect((await store.get(intent(6).jobId))!.version).toBe(restarted.version);
  });
});
