import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { CliUsageError, parseBacktestArgs, runBacktestCommand } from '../../../backend/src/lab/command.js';
import { LabConfigError } from '../../../backend/src/lab/config.js';
import { PriceFileError } from '../../../backend/src/lab/prices.js';

function usageError(argv: string[]): string {
  try {
    parseBacktestArgs(argv);
  } catch (error) {
    if (error instanceof CliUsageError) return error.message;
    throw error;
  }
  throw new Error('expected a CliUsageError');
}

describe('backtest command line', () => {
  it('parses the documented options', () => {
    expect(parseBacktestArgs(['--prices', 'a.csv'])).toEqual({ prices: 'a.csv', policies: ['ballast'], params: null, out: null, exact: false, steps: null });
    expect(parseBacktestArgs(['--prices', 'a.csv', '--policy', 'both', '--params', 'p.json', '--out', 'o'])).toEqual({
      prices: 'a.csv',
      policies: ['ballast', 'fli'],
      params: 'p.json',
      out: 'o',
      exact: false,
      steps: null,
    });
    expect(parseBacktestArgs(['--prices', 'a.csv', '--exact', '--steps', '30'])).toMatchObject({ exact: true, steps: 30 });
  });

  it.each([
    [[], "required option '--prices <file>' not specified"],
    [['--prices', 'a.csv', '--policy', 'aave'], "argument 'aave' is invalid. Allowed choices are ballast, fli, both."],
    [['--prices'], "option '--prices <file>' argument missing"],
    [['--prices', 'a.csv', '--speed', '2'], "unknown option '--speed'"],
    [['--prices', 'a.csv', 'extra'], 'too many arguments'],
    [['--prices', 'a.csv', '--steps', '5'], '--steps only applies to --exact'],
    [['--prices', 'a.csv', '--exact', '--steps', '0'], '--steps must be a positive integer, got "0"'],
  ])('refuses %j with a clear message', (argv, message) => {
    expect(usageError(argv)).toContain(message);
  });

  it('names the file and line of a bad price file, and the field of a bad params file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lab-cli-'));
    const prices = join(dir, 'bad.csv');
    writeFileSync(prices, 'timestamp,price\n1,100\n2,-\n');
    expect(() => runBacktestCommand(['--prices', prices], { log: () => undefined })).toThrow(
      new PriceFileError(prices, 3, '"price" is not a number: "-"'),
    );
    const good = join(dir, 'good.csv');
    writeFileSync(good, 'timestamp,price\n1,100\n2,101\n');
    const params = join(dir, 'p.json');
    writeFileSync(params, '{"limits": {"cooldown": "1h"}}');
    expect(() => runBacktestCommand(['--prices', good, '--params', params], { log: () => undefined })).toThrow(LabConfigError);
    expect(() => runBacktestCommand(['--prices', good, '--params', params], { log: () => undefined })).toThrow(
      'limits.cooldown must be a number',
    );
    writeFileSync(params, '{"limits": ');
    expect(() => runBacktestCommand(['--prices', good, '--params', params], { log: () => undefined })).toThrow(/not JSON/);
  });

  it('prints the table and writes one JSON per policy and the chart', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lab-cli-'));
    const prices = join(dir, 'tiny.csv');
    writeFileSync(prices, 'timestamp,price\n0,3000\n3600,2700\n7200,2400\n10800,2500\n');
    const lines: string[] = [];
    const reports = runBacktestCommand(['--prices', prices, '--policy', 'both', '--out', dir], { log: (l) => lines.push(l) });
    expect(reports.map((r) => r.policy)).toEqual(['ballast', 'fli']);
    const text = lines.join('\n');
    expect(text).toMatch(/final NAV \(asset\)\s+\d+\.\d\d\s+\d+\.\d\d/);
    const json = JSON.parse(readFileSync(join(dir, 'tiny.fli.json'), 'utf8'));
    expect(json.policy).toBe('fli');
    expect(json.navPath).toHaveLength(4);
    expect(json.rebalances.count).toBe(reports[1]!.rebalances.count);
    const svg = readFileSync(join(dir, 'tiny.svg'), 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.match(/<polyline/g)).toHaveLength(1 + 3 + 2);
  });
});
