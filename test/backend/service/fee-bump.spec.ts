import { describe, expect, test } from '@jest/globals';
import { bumpFees, initialFees, raiseByPercent } from '../../../backend/src/execute/fee-bump.js';

const gwei = (n: number) => BigInt(Math.round(n * 1e9));

describe('fee bumps', () => {
  test.each([
    [100n, 10, 110n],
    [101n, 10, 112n], // 111.1 rounds up: the node's 10% minimum is always met
    [1n, 10, 2n],
    [0n, 15, 0n],
    [gwei(20), 15, gwei(23)],
  ])('raiseByPercent(%s, %s) = %s', (x, p, expected) => {
    expect(raiseByPercent(x, p)).toBe(expected);
  });

  test('a replacement raises both fees by the bump, at least to the network', () => {
    const previous = { maxFeePerGas: gwei(30), maxPriorityFeePerGas: gwei(2) };
    expect(bumpFees(previous, { maxFeePerGas: gwei(10), maxPriorityFeePerGas: gwei(1) }, 15, gwei(500))).toEqual({
      maxFeePerGas: gwei(34.5),
      maxPriorityFeePerGas: gwei(2.3),
    });
    // The network moved up more than the bump: follow the network.
    expect(bumpFees(previous, { maxFeePerGas: gwei(80), maxPriorityFeePerGas: gwei(5) }, 15, gwei(500))).toEqual({
      maxFeePerGas: gwei(80),
      maxPriorityFeePerGas: gwei(5),
    });
  });

  test('the fee cap stops the bumps', () => {
    const previous = { maxFeePerGas: gwei(90), maxPriorityFeePerGas: gwei(2) };
    expect(bumpFees(previous, previous, 15, gwei(100))).toBeNull();
    expect(bumpFees(previous, previous, 10, gwei(100))).toEqual({ maxFeePerGas: gwei(99), maxPriorityFeePerGas: gwei(2.2) });
  });

  test('a bump under 10% is refused (nodes would reject the replacement)', () => {
    expect(() => bumpFees({ maxFeePerGas: 1n, maxPriorityFeePerGas: 1n }, { maxFeePerGas: 1n, maxPriorityFeePerGas: 1n }, 5, 100n)).toThrow(
      'at least 10%',
    );
  });

  test('initial fees are capped, and refused when the tip alone passes the cap', () => {
    expect(initialFees({ maxFeePerGas: gwei(800), maxPriorityFeePerGas: gwei(2) }, gwei(500))).toEqual({
      maxFeePerGas: gwei(500),
      maxPriorityFeePerGas: gwei(2),
    });
    expect(initialFees({ maxFeePerGas: gwei(1), maxPriorityFeePerGas: gwei(3) }, gwei(500))).toEqual({
      maxFeePerGas: gwei(3),
      maxPriorityFeePerGas: gwei(3),
    });
    expect(initialFees({ maxFeePerGas: gwei(900), maxPriorityFeePerGas: gwei(600) }, gwei(500))).toBeNull();
  });
});
