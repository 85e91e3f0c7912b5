import { describe, expect, test } from '@jest/globals';
import { BaseError, ContractFunctionRevertedError, encodeErrorResult, HttpRequestError, parseAbi, TimeoutError } from 'viem';
import { ballastErrorsAbi } from '../../../backend/src/chain/abi/index.js';
import { classifyFailure, decodeRevertData, meaningOf } from '../../../backend/src/chain/revert.js';

describe('revert decoding', () => {
  test('a Ballast custom error decodes to its name and arguments', () => {
    const data = encodeErrorResult({ abi: ballastErrorsAbi, errorName: 'PreStateMismatch', args: [3n, 1n, 2n] });
    const decoded = decodeRevertData(data);
    expect(decoded).toMatchObject({ kind: 'revert', name: 'PreStateMismatch', args: ['3', '1', '2'] });
    expect(decoded.message).toBe('PreStateMismatch(3, 1, 2)');
  });

  test('every custom error of the generated ABI round-trips', () => {
    const errors = ballastErrorsAbi.filter((e) => e.type === 'error' && e.inputs.length === 0);
    expect(errors.length).toBeGreaterThan(10);
    for (const e of errors) {
      const data = encodeErrorResult({ abi: ballastErrorsAbi, errorName: e.name } as never);
      expect(decodeRevertData(data).name).toBe(e.name);
    }
  });

  test("Solidity's Error(string) and an unknown selector", () => {
    const data = encodeErrorResult({ abi: parseAbi(['error Error(string)']), errorName: 'Error', args: ['insufficient collateral'] });
    expect(decodeRevertData(data)).toMatchObject({ name: 'Error', args: ['insufficient collateral'] });
    expect(decodeRevertData('0xdeadbeef')).toMatchObject({ name: 'UnknownRevert' });
  });

  test('classifyFailure: a contract revert is permanent, network trouble is transient', () => {
    const data = encodeErrorResult({ abi: ballastErrorsAbi, errorName: 'JobNonceMismatch', args: ['0x' + '11'.repeat(32), 3n] as never });
    const reverted = new ContractFunctionRevertedError({ abi: ballastErrorsAbi, data, functionName: 'rebalance' });
    const wrapped = new BaseError('simulation failed', { cause: reverted });
    expect(classifyFailure(wrapped)).toMatchObject({ kind: 'revert', name: 'JobNonceMismatch' });
    expect(classifyFailure(new HttpRequestError({ url: 'http://127.0.0.1:1', details: 'fetch failed' }))).toMatchObject({ kind: 'transient' });
    expect(classifyFailure(new TimeoutError({ body: {}, url: 'http://x' }))).toMatchObject({ kind: 'transient' });
    expect(classifyFailure(new Error('ECONNREFUSED'))).toMatchObject({ kind: 'transient' });
  });

  test('meanings: known names explain themselves, others get a generic line', () => {
    expect(meaningOf('CooldownActive')).toMatch(/cooldown/);
    expect(meaningOf('NoSuchError')).toBe('the contract refused the call');
  });
});
