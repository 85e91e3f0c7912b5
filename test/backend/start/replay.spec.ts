/**
 * `npm start -- --prices file.csv`: the file's moves replayed from the world's start price, one to one in
 * simulated time, and bad files refused with the line to fix.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from '@jest/globals';
import { PriceFileError } from '../../../backend/src/lab/prices.js';
import { PriceReplay } from '../../../backend/src/simulator/replay.js';

const dir = mkdtempSync(join(tmpdir(), 'ballast-replay-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function errorOf(fn: () => unknown): PriceFileError {
  try {
    fn();
  } catch (error) {
    if (error instanceof PriceFileError) return error;
    throw error;
  }
  throw new Error('expected a PriceFileError');
}

describe('PriceReplay', () => {
  test('test_advance_replaysTheMovesFromTheStartPrice', () => {
    const replay = PriceReplay.fromFile(file('p.csv', 'timestamp,price\n1000,1500\n1060,1650\n1120,1200\n'), 3000);
    expect(replay.scale).toBe(2);
    expect(replay.advance(0).price).toBe(3000);
    // The last price at or before each moment: 59 s in, still the first row.
    expect(replay.advance(59).price).toBe(3000);
    expect(replay.advance(60).price).toBe(3300);
    expect(replay.advance(119).price).toBe(3300);
    expect(replay.durationSeconds).toBe(120);
  });

  test('test_advance_reportsTheEndOnceThenHoldsTheLastPrice', () => {
    const replay = PriceReplay.fromFile(file('end.csv', 'timestamp,price\n0,100\n60,90\n'), 3000);
    expect(replay.advance(30)).toEqual({ price: 3000 });
    const end = replay.advance(600);
    expect(end.finished).toBe(true);
    expect(end.event).toEqual({ kind: 'finished', price: 2700 });
    expect(replay.advance(1200)).toEqual({ price: 2700, finished: true });
  });

  test('test_fromFile_ohlcUsesTheClose', () => {
    const replay = PriceReplay.fromFile(file('ohlc.csv', 'timestamp,open,high,low,close\n0,100,110,90,100\n300,100,101,70,80\n'), 3000);
    expect(replay.advance(300).price).toBeCloseTo(2400, 9);
  });

  test('test_rangeWarning_onlyOutsideThePoolsDeepRange', () => {
    expect(PriceReplay.fromFile(file('calm.csv', 'timestamp,price\n0,100\n60,60\n120,190\n'), 3000).rangeWarning()).toBeNull();
    const warning = PriceReplay.fromFile(file('crash.csv', 'timestamp,price\n0,100\n60,30\n'), 3000).rangeWarning();
    expect(warning).toMatch(/-70%\.\.\+0%/);
    expect(warning).toMatch(/-50%\.\.\+100%/);
  });

  test('test_fromFile_badHeaderNamesLineOne', () => {
    const error = errorOf(() => PriceReplay.fromFile(file('h.csv', 'time,value\n0,1\n'), 3000));
    expect(error.line).toBe(1);
    expect(error.message).toMatch(/h\.csv:1: header must be "timestamp,price" or "timestamp,open,high,low,close"/);
  });

  test('test_fromFile_badPriceNamesItsLine', () => {
    const error = errorOf(() => PriceReplay.fromFile(file('bad.csv', 'timestamp,price\n0,100\n60,abc\n'), 3000));
    expect(error.line).toBe(3);
    expect(error.message).toMatch(/bad\.csv:3: "price" is not a number: "abc"/);
  });

  test('test_fromFile_timestampsMustIncrease', () => {
    const error = errorOf(() => PriceReplay.fromFile(file('order.csv', '# comment\ntimestamp,price\n60,100\n60,101\n'), 3000));
    expect(error.line).toBe(4);
    expect(error.message).toMatch(/does not increase/);
  });

  test('test_fromFile_nonPositivePriceAndEmptyFile', () => {
    expect(errorOf(() => PriceReplay.fromFile(file('zero.csv', 'timestamp,price\n0,0\n'), 3000)).message).toMatch(/zero\.csv:2: prices must be positive/);
    expect(errorOf(() => PriceReplay.fromFile(file('empty.csv', 'timestamp,price\n'), 3000)).message).toMatch(/a header but no rows/);
    expect(errorOf(() => PriceReplay.fromFile(join(dir, 'missing.csv'), 3000)).message).toMatch(/missing\.csv: cannot read/);
  });
});
