import { describe, expect, test } from '@jest/globals';
import type { Address } from 'viem';
import type { ModuleSnapshot, VaultSnapshot } from '../../../backend/src/chain/snapshot.js';
import { fromWire, toWire } from '../../../backend/src/chain/snapshot.js';
import { jobIdFor, jobIdWithNonce, jobNonceOf, planVault, signerFor } from '../../../backend/src/scan/planner.js';

const WAD = 10n ** 18n;
const VAULT: Address = '0x9E545E3C0baAB3E08CdfD552C960A1050f373042';
const MODULE: Address = '0xa82fF9aFd8f496c3d6ac40E2a0F282E47488CFc9';
const SIGNERS: Address[] = ['0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC', '0x90F79bf6EB2c4f870365E785982E1f101E93b906'];
const PRICE = 3000n * 10n ** 24n; // 1e36-scaled USDC (6 dp) per WETH (18 dp)

function moduleAt(leverage: bigint, overrides: Partial<ModuleSnapshot['state']> = {}): ModuleSnapshot {
  const collateral = 600n * WAD;
  const debtInAssets = collateral - (collateral * WAD) / leverage;
  return {
    address: MODULE,
    state: {
      collateral,
      debt: (debtInAssets * PRICE) / 10n ** 36n,
      debtInAssets,
      leverage,
      ltv: (debtInAssets * WAD) / collateral,
      oraclePrice: PRICE,
      oracleUpdatedAt: 1_000_000n,
      oracleHealthy: true,
      lastRebalance: 0n,
      ...overrides,
    },
    limits: {
      minLeverage: 17n * WAD / 10n,
      targetLeverage: 2n * WAD,
      maxLeverage: 23n * WAD / 10n,
      ripcordLeverage: 27n * WAD / 10n,
      maxTradeSize: 1000n * WAD,
      ripcordMaxTradeSize: 1000n * WAD,
      cooldown: 3600n,
      maxSlippageBps: 50n,
      ripcordSlippageBps: 150n,
      maxOracleDeviationBps: 300n,
      ripcordCooldown: 600n,
      maxOracleStaleness: 3600n,
      deadManDelay: 86400n,
    },
    lltv: 86n * 10n ** 16n,
    jobNonce: 5n,
    healthFactor: null,
    equity: collateral - debtInAssets,
  };
}

function vaultWith(module: ModuleSnapshot, overrides: Partial<VaultSnapshot> = {}): VaultSnapshot {
  return {
    address: VAULT,
    blockNumber: 100n,
    timestamp: 1_000_100n,
    name: 'Ballast WETH',
    symbol: 'bWETH',
    asset: '0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0',
    assetDecimals: 18,
    shareDecimals: 24,
    totalAssets: 300n * WAD,
    totalSupply: 300n * 10n ** 24n,
    sharePrice: WAD,
    idle: 0n,
    paused: false,
    shutdown: false,
    lossBudgetUsed: 0n,
    modules: [module],
    ...overrides,
  };
}

const options = { chainId: 31337, jobDeadlineSeconds: 300, signers: SIGNERS, now: () => 42 };

describe('planVault', () => {
  test('above the band: a delever job for the vault signer, deadline from the block time', () => {
    const [plan] = planVault(vaultWith(moduleAt(24n * WAD / 10n)), new Map(), options);
    expect(plan!.decision.plan).toMatchObject({ kind: 'rebalance', leverUp: false, trigger: 'above-band' });
    expect(plan!.job).toMatchObject({ action: 'rebalance', vault: VAULT, module: MODULE, signer: signerFor(VAULT, SIGNERS), plannedAtBlock: '100', plannedAt: 42 });
    expect(plan!.job!.params!.deadline).toBe('1000400');
    expect(BigInt(plan!.job!.params!.amount)).toBeGreaterThan(0n);
  });

  test('inside the band: no job', () => {
    const [plan] = planVault(vaultWith(moduleAt(2n * WAD)), new Map(), options);
    expect(plan!.decision.plan.kind).toBe('none');
    expect(plan!.job).toBeNull();
  });

  test('at the ripcord: a ripcord job without params', () => {
    const [plan] = planVault(vaultWith(moduleAt(3n * WAD)), new Map(), options);
    expect(plan!.job).toMatchObject({ action: 'ripcord', params: null });
  });

  test('a paused vault gets no lever-up; an unreadable vault gets nothing', () => {
    const [paused] = planVault(vaultWith(moduleAt(15n * WAD / 10n), { paused: true }), new Map(), options);
    expect(paused!.decision.plan).toMatchObject({ kind: 'none', reason: 'risk-increasing-blocked' });
    expect(planVault(vaultWith(moduleAt(2n * WAD), { error: 'boom' }), new Map(), options)).toEqual([]);
  });

  test('the job id is deterministic and changes when the position changes', () => {
    const a = planVault(vaultWith(moduleAt(24n * WAD / 10n)), new Map(), options)[0]!.job!.jobId;
    const b = planVault(vaultWith(moduleAt(24n * WAD / 10n)), new Map(), { ...options, now: () => 99 })[0]!.job!.jobId;
    expect(a).toBe(b);
    const m = moduleAt(24n * WAD / 10n);
    const hash = planVault(vaultWith(m), new Map(), options)[0]!.planHash;
    expect(jobIdFor(31337, VAULT, m, hash)).toBe(a);
    expect(jobIdFor(31337, VAULT, { ...m, state: { ...m.state, lastRebalance: 1n } }, hash)).not.toBe(a);
    expect(jobIdFor(1, VAULT, m, hash)).not.toBe(a);
    // The low 56 bits carry the module's job nonce (the vault's replay guard); the rest is the plan's hash.
    expect(jobNonceOf(a)).toBe(5n);
    const next = jobIdFor(31337, VAULT, { ...m, jobNonce: 6n }, hash);
    expect(jobNonceOf(next)).toBe(6n);
    expect(next.slice(0, 52)).toBe(a.slice(0, 52));
    expect(jobIdWithNonce(a, 2n ** 56n + 3n)).toBe(jobIdWithNonce(a, 3n));
    // BullMQ refuses ids with ':' or that look like integers; a 0x hash is neither.
    expect(a).toMatch(/^0x[0-9a-f]{64}$/);
  });

  test('signerFor spreads vaults and is stable', () => {
    expect(signerFor(VAULT, SIGNERS)).toBe(signerFor(VAULT, SIGNERS));
    const picks = new Set(
      Array.from({ length: 50 }, (_, i) => signerFor(`0x${(i + 1).toString(16).padStart(40, '0')}` as Address, SIGNERS)),
    );
    expect(picks.size).toBe(2);
    expect(() => signerFor(VAULT, [])).toThrow('no keeper signer');
  });

  test('snapshots survive the wire form exactly', () => {
    const s = vaultWith(moduleAt(24n * WAD / 10n));
    expect(fromWire<VaultSnapshot>(toWire(s))).toEqual(s);
  });
});
