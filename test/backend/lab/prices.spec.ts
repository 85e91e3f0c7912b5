import { describe, expect, it } from '@jest/globals';
import { PriceFileError, formatPriceCsv, parsePriceCsv } from '../../../backend/src/lab/prices.js';

function errorOf(text: string): PriceFileError {
  try {
    parsePriceCsv(text, 'p.csv');
  } catch (error) {
    if (error instanceof PriceFileError) return error;
    throw error;
  }
  throw new Error('expected a PriceFileError');
}

describe('price CSV loader', () => {
  it('reads timestamp,price as flat bars and OHLC as they are', () => {
    expect(parsePriceCsv('timestamp,price\n10,100\n20,101.5\n')).toEqual([
      { timestamp: 10, open: 100, high: 100, low: 100, close: 100 },
      { timestamp: 20, open: 101.5, high: 101.5, low: 101.5, close: 101.5 },
    ]);
    expect(parsePriceCsv('timestamp,open,high,low,close\r\n10,100,110,90,105\r\n')).toEqual([
      { timestamp: 10, open: 100, high: 110, low: 90, close: 105 },
    ]);
  });

  it('skips blank lines and # comments but keeps the file line numbers', () => {
    const error = errorOf('# comment\ntimestamp,price\n\n10,100\n# another\n10,101\n');
    expect(error.line).toBe(6);
    expect(error.message).toBe('p.csv:6: timestamp 10 does not increase (previous row: 10)');
  });

  it.each([
    ['', 0, 'empty file'],
    ['timestamp,price\n', 0, 'a header but no rows'],
    ['time,price\n1,2\n', 1, 'header must be'],
    ['timestamp,price\n10,100\n20,abc\n', 3, '"price" is not a number: "abc"'],
    ['timestamp,price\n10,100\n20\n', 3, 'missing column "price"'],
    ['timestamp,open,high,low,close\n10,1,2,0.5\n', 2, 'missing column "close"'],
    ['timestamp,price\n10,100\n5,100\n', 3, 'timestamp 5 does not increase'],
    ['timestamp,price\n10.5,100\n', 2, 'timestamp must be a non-negative integer'],
    ['timestamp,price\n10,0\n', 2, 'prices must be positive'],
    ['timestamp,price\n10,100,7\n', 2, 'expected 2 columns, got 3'],
    ['timestamp,open,high,low,close\n10,100,101,99.5,99\n', 2, 'do not bound open'],
    ['timestamp,price\n10,0x10\n', 2, 'is not a number'],
  ])('rejects %j at line %i: %s', (text, line, problem) => {
    const error = errorOf(text);
    expect(error.line).toBe(line);
    expect(error.problem).toContain(problem);
    expect(error.message).toContain(line > 0 ? `p.csv:${line}: ` : 'p.csv: ');
  });

  it('writes what it reads', () => {
    const bars = parsePriceCsv('timestamp,open,high,low,close\n10,100,110,90,105.25\n20,105.25,106,100,101\n');
    expect(parsePriceCsv(formatPriceCsv(bars, true))).toEqual(bars);
    expect(formatPriceCsv(bars, false)).toBe('timestamp,price\n10,105.25\n20,101\n');
  });
});
