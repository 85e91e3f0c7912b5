import { describe, expect, it } from '@jest/globals';
import {
  MathDomainError,
  WAD,
  absDiff,
  clampBigInt,
  mulDivDown,
  mulDivUp,
  sqrtDown,
  wDivDown,
  wDivUp,
  wMulDown,
  wMulUp,
} from '../../../backend/src/policy/index.js';

describe('fixed-point math', () => {
  it.each([
    { x: 7n, y: 3n, d: 2n, down: 10n, up: 11n },
    { x: 6n, y: 3n, d: 2n, down: 9n, up: 9n },
    { x: 0n, y: 5n, d: 3n, down: 0n, up: 0n },
    { x: 1n, y: 1n, d: 3n, down: 0n, up: 1n },
  ])('mulDiv($x, $y, $d) rounds down to $down and up to $up', ({ x, y, d, down, up }) => {
    expect(mulDivDown(x, y, d)).toBe(down);
    expect(mulDivUp(x, y, d)).toBe(up);
  });

  it('wMul and wDiv round in the direction their name says', () => {
    const third = wDivDown(WAD, 3n * WAD);
    expect(third).toBe(333_333_333_333_333_333n);
    expect(wDivUp(WAD, 3n * WAD)).toBe(third + 1n);
    expect(wMulDown(third, 3n * WAD)).toBe(WAD - 1n);
    expect(wMulUp(1n, 1n)).toBe(1n);
    expect(wMulDown(1n, 1n)).toBe(0n);
    expect(wMulDown(2n * WAD, 3n * WAD)).toBe(6n * WAD);
  });

  it('throws MathDomainError carrying the operands on a zero denominator', () => {
    expect(() => mulDivDown(1n, 2n, 0n)).toThrow(MathDomainError);
    try {
      mulDivUp(1n, 2n, 0n);
    } catch (error) {
      expect(error).toBeInstanceOf(MathDomainError);
      expect((error as MathDomainError).operation).toBe('mulDivUp');
      expect((error as MathDomainError).operands).toEqual([1n, 2n, 0n]);
    }
  });

  it.each([0n, 1n, 2n, 3n, 4n, 15n, 16n, 17n, 10n ** 36n, 10n ** 36n - 1n, 2n ** 255n])(
    'sqrtDown(%s) is the floor root',
    (value) => {
      const root = sqrtDown(value);
      expect(root * root).toBeLessThanOrEqual(value);
      expect((root + 1n) * (root + 1n)).toBeGreaterThan(value);
    },
  );

  it('sqrtDown rejects a negative input', () => {
    expect(() => sqrtDown(-1n)).toThrow(MathDomainError);
  });

  it('clamp and absDiff', () => {
    expect(clampBigInt(5n, 1n, 3n)).toBe(3n);
    expect(clampBigInt(0n, 1n, 3n)).toBe(1n);
    expect(clampBigInt(2n, 1n, 3n)).toBe(2n);
    expect(absDiff(2n, 7n)).toBe(5n);
    expect(absDiff(7n, 2n)).toBe(5n);
  });
});
