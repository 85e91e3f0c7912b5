/**
 * The CLI's pure parts: what a person types (amounts, addresses, bps, durations, keys) and the module-limits
 * codec that `limits submit/accept` rely on to send exactly the bytes the vault hashed.
 */
import { describe, expect, it } from '@jest/globals';
import { encodeAbiParameters, keccak256 } from 'viem';
import { CliInputError, explain } from '../../../backend/src/cli/errors.js';
import { duration, leverage, units } from '../../../backend/src/cli/format.js';
import { applyChanges, decodeLimits, encodeLimits, limitsHash, parseSetArguments, toHuman, type LeverageLimits } from '../../../backend/src/cli/limits-codec.js';
import { parseAddress, parseAmount, parseBps, parseDuration, parsePrivateKey } from '../../../backend/src/cli/parse.js';
import { meaningOf } from '../../../backend/src/chain/revert.js';

const WAD = 10n ** 18n;

const LIMITS: LeverageLimits = {
  minLeverage: 17n * WAD / 10n,
  targetLeverage: 2n * WAD,
  maxLeverage: 23n * WAD / 10n,
  ripcordLeverage: 27n * WAD / 10n,
  maxTradeSize: 1000n * WAD,
  ripcordMaxTradeSize: 1000n * WAD,
  maxSlippageBps: 50n,
  ripcordSlippageBps: 150n,
  maxOracleDeviationBps: 300n,
  cooldown: 3600n,
  ripcordCooldown: 600n,
  maxOracleStaleness: 3600n,
  deadManDelay: 86_400n,
};

function inputError(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(CliInputError);
    return (error as Error).message;
  }
  throw new Error('expected a CliInputError');
}

describe('argument parsers', () => {
  it('reads amounts in whole units and refuses every other form', () => {
    expect(parseAmount('1.5', 18, 'amount', 'WETH')).toBe(15n * WAD / 10n);
    expect(parseAmount('100', 6, 'amount', 'USDC')).toBe(100_000_000n);
    expect(parseAmount('0.000001', 6, 'amount', 'USDC')).toBe(1n);
    for (const bad of ['1.5.3', '-1', '1e18', '1,000', '', ' ', '.5', '5.', '0x10', 'max']) {
      expect(inputError(() => parseAmount(bad, 18, 'amount', 'WETH'))).toContain('is not an amount');
    }
    expect(inputError(() => parseAmount('0.0000001', 6, 'amount', 'USDC'))).toBe('amount "0.0000001" has 7 decimals; USDC has 6');
    expect(inputError(() => parseAmount('0', 18, 'amount', 'WETH'))).toBe('amount must be more than 0 WETH');
    expect(parseAmount('0', 18, 'size', 'WETH', { allowZero: true })).toBe(0n);
  });

  it('reads addresses, refusing a malformed one and a broken checksum', () => {
    const checksummed = '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266';
    expect(parseAddress(checksummed.toLowerCase(), 'module')).toBe(checksummed);
    expect(parseAddress(checksummed, 'module')).toBe(checksummed);
    expect(inputError(() => parseAddress('0xf39F', 'module'))).toBe('module "0xf39F" is not an address (expected 0x followed by 40 hex digits)');
    expect(inputError(() => parseAddress('0xF39Fd6e51aad88F6F4ce6aB8827279cffFb92266', '--vault'))).toContain('has a wrong checksum');
  });

  it('reads bps, durations, and keys without ever echoing a key', () => {
    expect(parseBps('100', '--max-loss-bps')).toBe(100n);
    expect(inputError(() => parseBps('10001', '--max-loss-bps'))).toBe('--max-loss-bps 10001 is above 10000 bps');
    expect(inputError(() => parseBps('1.5', '--max-loss-bps'))).toContain('is not a whole number');
    expect([parseDuration('3600', 'c'), parseDuration('15m', 'c'), parseDuration('2h', 'c'), parseDuration('1d', 'c')]).toEqual([3600n, 900n, 7200n, 86_400n]);
    expect(inputError(() => parseDuration('soon', 'cooldown'))).toContain('cooldown "soon" is not a duration');
    const key = `0x${'ab'.repeat(32)}`;
    expect(parsePrivateKey(key.slice(2), '--key').reveal()).toBe(key);
    expect(String(parsePrivateKey(key, '--key'))).toBe('[redacted]');
    const message = inputError(() => parsePrivateKey(`${key}ff`, 'BALLAST_KEY'));
    expect(message).toContain('BALLAST_KEY is not a private key');
    expect(message).not.toContain('abab');
  });
});

describe('module limits codec', () => {
  it('encodes exactly abi.encode(LeverageLimits) and decodes it back', () => {
    const bytes = encodeLimits(LIMITS);
    // 13 static words: the struct is all value types, encoded in place.
    expect(bytes.length).toBe(2 + 13 * 64);
    const manual = encodeAbiParameters(
      [{ type: 'tuple', components: Object.keys(LIMITS).map((name, i) => ({ name, type: i < 4 ? 'uint64' : i < 6 ? 'uint128' : i < 9 ? 'uint16' : 'uint32' })) }],
      [Object.fromEntries(Object.entries(LIMITS).map(([k, v]) => [k, Object.keys(LIMITS).indexOf(k) >= 6 ? Number(v) : v]))],
    );
    expect(bytes).toBe(manual);
    expect(limitsHash(LIMITS)).toBe(keccak256(manual));
    expect(decodeLimits(bytes)).toEqual(LIMITS);
  });

  it('round-trips through the human units that limits show prints and limits submit reads', () => {
    const human = toHuman(LIMITS, 18);
    expect(human).toMatchObject({ minLeverage: '1.7', targetLeverage: '2', maxTradeSize: '1000', cooldown: 3600, maxSlippageBps: 50 });
    const back = applyChanges({ ...LIMITS, cooldown: 1n, targetLeverage: WAD }, [{ source: 'file', values: human }], 18);
    expect(back.limits).toEqual(LIMITS);
    expect(back.changed).toEqual(['targetLeverage', 'cooldown']);
  });

  it('applies --set on top of the current limits and lists every problem at once', () => {
    const { limits, changed } = applyChanges(LIMITS, [{ source: '--set', values: parseSetArguments(['targetLeverage=2.2x', 'cooldown=30m', 'maxTradeSize=2.5']) }], 18);
    expect(changed).toEqual(['targetLeverage', 'maxTradeSize', 'cooldown']);
    expect(limits.targetLeverage).toBe(22n * WAD / 10n);
    expect(limits.cooldown).toBe(1800n);
    expect(limits.maxTradeSize).toBe(25n * WAD / 10n);
    const message = inputError(() =>
      applyChanges(LIMITS, [{ source: 'limits.json', values: { leverage: 3, cooldown: true, maxLeverage: '19', maxSlippageBps: 70000 } }], 18),
    );
    expect(message.split('\n')).toEqual([
      expect.stringContaining('limits.json: unknown limit "leverage" (known: minLeverage, targetLeverage'),
      'limits.json: cooldown must be a number or a string, not true',
      'limits.json: maxLeverage 19 does not fit in uint64',
      'limits.json: maxSlippageBps 70000 is above 65535 bps',
    ]);
    expect(inputError(() => parseSetArguments(['cooldown']))).toContain('--set "cooldown" is not key=value');
  });
});

describe('output', () => {
  it('formats amounts, leverage and durations for people', () => {
    expect(units(1_500_000_000_000_000_000n, 18)).toBe('1.5');
    expect(units(1_234_567_891n, 9, 3)).toBe('1.234');
    expect(leverage(2n * WAD)).toBe('2.00x');
    expect(leverage(2n ** 256n - 1n)).toBe('inf');
    expect([duration(0n), duration(45n), duration(3660n), duration(90_061n)]).toEqual(['0s', '45s', '1h 1m', '1d 1h']);
  });

  it('explains the errors the CLI meets, falling back to revert.ts', () => {
    expect(explain('NotTightening')).toContain('only the strategist or the owner');
    expect(explain('VaultPaused')).toBe(meaningOf('VaultPaused'));
    expect(explain('SomethingNew')).toBe('the contract refused the call');
  });
});
