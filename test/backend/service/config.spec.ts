import { describe, expect, test } from '@jest/globals';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { ConfigError, loadConfig, vaultsFromDeployment } from '../../../backend/src/config/config.js';

const KEY = '0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a';
const VAULT = '0x9E545E3C0baAB3E08CdfD552C960A1050f373042';

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return [...(error as ConfigError).problems];
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  test('a minimal valid environment gives defaults and the keeper address', () => {
    const config = loadConfig({ BALLAST_KEEPER_KEYS: KEY, BALLAST_VAULTS: VAULT });
    expect(config.chainId).toBe(31337);
    expect(config.rpcUrls).toEqual(['http://127.0.0.1:8545']);
    expect(config.keeperAddresses).toEqual(['0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC']);
    expect([...config.roles].sort()).toEqual(['api', 'executor', 'scanner']);
    expect(config.vaults).toEqual([VAULT]);
    expect(config.multicall3).toBe('0xcA11bde05977b3631167028862bE2a173976CA11');
    expect(config.failedJobHoldMs).toBe(60_000);
    expect(config.headPollMs).toBe(1000);
  });

  test('every problem is reported at once', () => {
    const found = problems({
      BALLAST_RPC_URL: 'localhost:8545',
      BALLAST_CHAIN_ID: 'mainnet',
      REDIS_URL: 'http://redis',
      BALLAST_REDIS_PREFIX: 'a:b',
      BALLAST_ROLES: 'api,miner',
      BALLAST_KEEPER_KEYS: '0x1234',
      BALLAST_VAULTS: `${VAULT},0xnope`,
      BALLAST_PORT: '70000',
      BALLAST_FEE_BUMP_PERCENT: '5',
      BALLAST_RECENTERING_SPEED: '1.5',
      BALLAST_FAILED_JOB_HOLD_MS: '10',
    });
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringContaining('BALLAST_RPC_URL'),
        expect.stringContaining('BALLAST_CHAIN_ID'),
        expect.stringContaining('REDIS_URL'),
        expect.stringContaining('BALLAST_REDIS_PREFIX'),
        expect.stringContaining('unknown role "miner"'),
        expect.stringContaining('keeper key #1'),
        expect.stringContaining('"0xnope" is not an address'),
        expect.stringContaining('BALLAST_PORT'),
        expect.stringContaining('BALLAST_FEE_BUMP_PERCENT'),
        expect.stringContaining('BALLAST_RECENTERING_SPEED'),
        expect.stringContaining('BALLAST_FAILED_JOB_HOLD_MS'),
      ]),
    );
    expect(found.length).toBeGreaterThanOrEqual(11);
  });

  test('a malformed key is named by position, never echoed', () => {
    const secretLooking = '0x' + 'ab'.repeat(31); // 31 bytes: wrong length
    const found = problems({ BALLAST_KEEPER_KEYS: `${KEY},${secretLooking}`, BALLAST_VAULTS: VAULT });
    expect(found.join('\n')).toContain('keeper key #2');
    expect(found.join('\n')).not.toContain('abab');
  });

  test('the key never reaches logs, JSON or inspect', () => {
    const config = loadConfig({ BALLAST_KEEPER_KEYS: KEY, BALLAST_VAULTS: VAULT });
    const printed = [JSON.stringify(config, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v)), inspect(config, { depth: 10 }), String(config.keeperKeys[0]), `${config.keeperKeys[0]}`].join('\n');
    expect(printed).not.toContain(KEY.slice(2));
    expect(printed).toContain('[redacted]');
    expect(config.keeperKeys[0]!.reveal()).toBe(KEY);
  });

  test('roles: an executor needs a key, a scanner needs keeper addresses', () => {
    expect(problems({ BALLAST_ROLES: 'executor', BALLAST_VAULTS: VAULT }).join('\n')).toContain('executor role needs at least one keeper key');
    expect(problems({ BALLAST_ROLES: 'scanner', BALLAST_VAULTS: VAULT }).join('\n')).toContain('scanner role needs the keepers');
    const scanner = loadConfig({ BALLAST_ROLES: 'scanner', BALLAST_VAULTS: VAULT, BALLAST_KEEPER_ADDRESSES: '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC' });
    expect(scanner.keeperKeys).toHaveLength(0);
    expect(scanner.keeperAddresses).toHaveLength(1);
    expect(loadConfig({ BALLAST_ROLES: 'api', BALLAST_VAULTS: VAULT }).roles.has('api')).toBe(true);
  });

  test('vaults come from a deployment file, with its Multicall3', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ballast-config-'));
    const file = join(dir, 'local.json');
    writeFileSync(file, JSON.stringify({ vault: VAULT, multicall3: '0x9d4454B023096f34B160D6B654540c56A1F81688' }));
    const config = loadConfig({ BALLAST_KEEPER_KEYS: KEY, BALLAST_DEPLOYMENT_FILE: file });
    expect(config.vaults).toEqual([VAULT]);
    expect(config.multicall3).toBe('0x9d4454B023096f34B160D6B654540c56A1F81688');
    expect(problems({ BALLAST_KEEPER_KEYS: KEY, BALLAST_DEPLOYMENT_FILE: join(dir, 'missing.json') }).join()).toContain('does not exist');
  });

  test('vaultsFromDeployment accepts a list and rejects junk', () => {
    expect(vaultsFromDeployment(JSON.stringify({ vaults: [VAULT.toLowerCase()] }), 'f')).toEqual([VAULT]);
    expect(() => vaultsFromDeployment('{', 'f')).toThrow('is not JSON');
    expect(() => vaultsFromDeployment('{}', 'f')).toThrow('names no "vault"');
    expect(() => vaultsFromDeployment(JSON.stringify({ vaults: [42] }), 'f')).toThrow('entry 0 of f is not an address');
  });

  test('recentering speed parses to WAD', () => {
    const config = loadConfig({ BALLAST_KEEPER_KEYS: KEY, BALLAST_VAULTS: VAULT, BALLAST_RECENTERING_SPEED: '0.25' });
    expect(config.policy.recenteringSpeed).toBe(25n * 10n ** 16n);
  });
});
