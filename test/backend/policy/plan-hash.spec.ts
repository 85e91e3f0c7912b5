import { describe, expect, it } from '@jest/globals';
import { InvalidAddressError } from 'viem';
import { planHash, planRebalance } from '../../../backend/src/policy/index.js';
import type { Plan, RebalancePlan } from '../../../backend/src/policy/index.js';
import { inputAt } from './fixtures.js';

const VAULT = '0x5FbDB2315678afecb367f032d93F642f64180aa3';
const MODULE = '0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512';

const rebalance = planRebalance(inputAt('2.4')) as RebalancePlan;

describe('planHash', () => {
  it('is a 32-byte hex string, the same for the same plan', () => {
    const hash = planHash(rebalance, VAULT, MODULE);
    expect(hash).toMatch(/^0x[0-9a-f]{64}$/);
    expect(planHash({ ...rebalance }, VAULT, MODULE)).toBe(hash);
    expect(planHash(planRebalance(inputAt('2.4')), VAULT, MODULE)).toBe(hash);
  });

  it('ignores the case of the addresses', () => {
    expect(planHash(rebalance, VAULT.toLowerCase() as `0x${string}`, MODULE.toLowerCase() as `0x${string}`)).toBe(
      planHash(rebalance, VAULT, MODULE),
    );
  });

  it.each([
    ['leverUp', { leverUp: true }],
    ['amount', { amount: rebalance.amount + 1n }],
    ['targetLeverage', { targetLeverage: rebalance.targetLeverage + 1n }],
    ['expectedPostLeverage', { expectedPostLeverage: rebalance.expectedPostLeverage + 1n }],
    ['minPreLeverage', { minPreLeverage: rebalance.minPreLeverage - 1n }],
    ['maxPreLeverage', { maxPreLeverage: rebalance.maxPreLeverage + 1n }],
  ])('changes with %s', (_field, change) => {
    expect(planHash({ ...rebalance, ...change }, VAULT, MODULE)).not.toBe(planHash(rebalance, VAULT, MODULE));
  });

  it('does not change with descriptive fields', () => {
    const described: Plan = {
      ...rebalance,
      trigger: 'recenter',
      chunked: !rebalance.chunked,
      bestCasePostLeverage: 1n,
    };
    expect(planHash(described, VAULT, MODULE)).toBe(planHash(rebalance, VAULT, MODULE));
  });

  it('separates vaults, modules, kinds and no-action reasons', () => {
    const hashes = new Set([
      planHash(rebalance, VAULT, MODULE),
      planHash(rebalance, MODULE, VAULT),
      planHash({ kind: 'ripcord' }, VAULT, MODULE),
      planHash({ kind: 'none', reason: 'cooldown', detail: '' }, VAULT, MODULE),
      planHash({ kind: 'none', reason: 'inside-band', detail: '' }, VAULT, MODULE),
    ]);
    expect(hashes.size).toBe(5);
    expect(planHash({ kind: 'none', reason: 'cooldown', detail: 'a' }, VAULT, MODULE)).toBe(
      planHash({ kind: 'none', reason: 'cooldown', detail: 'b' }, VAULT, MODULE),
    );
  });

  it('rejects a malformed address', () => {
    expect(() => planHash(rebalance, '0x1234', MODULE)).toThrow(InvalidAddressError);
  });
});
