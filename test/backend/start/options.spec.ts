/** `npm start -- [options]`: defaults, validation with the way out, and the walk-only flags. */
import { describe, expect, test } from '@jest/globals';
import { StartUsageError, parseShockSize, parseStartArgs } from '../../../backend/src/start/options.js';
import { cliFlags } from '../../../backend/src/start/banner.js';

function usageError(argv: string[]): StartUsageError {
  try {
    parseStartArgs(argv);
  } catch (error) {
    if (error instanceof StartUsageError) return error;
    throw error;
  }
  throw new Error('expected a StartUsageError');
}

describe('parseStartArgs', () => {
  test('test_parseStartArgs_defaults', () => {
    const o = parseStartArgs([], 12345);
    expect(o).toMatchObject({
      prices: null,
      speed: 60,
      port: 3000,
      portExplicit: false,
      rpcPort: 8545,
      rpcPortExplicit: false,
      blockTime: 1,
      seed: 12345,
      volatility: 0.9,
      shockEvery: 30,
      firstShock: null,
      shockSize: { min: 0.08, max: 0.2 },
      rebound: { min: 0.7, max: 1.3 },
      ownRedis: false,
      deployment: 'deployments/local.json',
      market: true,
      verbose: false,
    });
  });

  test('test_parseStartArgs_theBriefsExample', () => {
    const o = parseStartArgs(['--prices', 'file.csv', '--speed', '600', '--port', '3001', '--block-time', '2']);
    expect(o).toMatchObject({ prices: 'file.csv', speed: 600, port: 3001, portExplicit: true, blockTime: 2 });
    expect(parseStartArgs(['--seed', '7', '--first-shock', '3', '--shock-size', '18', '--no-market'])).toMatchObject({
      seed: 7,
      firstShock: 3,
      shockSize: { min: 0.18, max: 0.18 },
      market: false,
    });
  });

  test('test_parseStartArgs_badValuesSayWhatIsExpected', () => {
    expect(usageError(['--speed', '0']).message).toMatch(/--speed must be a number in \[1, 86400\], got "0"/);
    expect(usageError(['--port', '70000']).message).toMatch(/--port must be a port number/);
    expect(usageError(['--block-time', '0.5']).message).toMatch(/--block-time must be an integer in \[1, 60\]/);
    expect(usageError(['--seed', '-1']).message).toMatch(/--seed must be an integer/);
    expect(usageError(['--shock-size', '30-10']).message).toMatch(/--shock-size must be a percent or a range/);
    expect(usageError(['--frobnicate']).message).toMatch(/unknown option '--frobnicate'/);
    expect(usageError(['--deployment', '/tmp/x.json']).message).toMatch(/--deployment must be a \.json file under deployments\//);
    expect(usageError(['--deployment', 'deployments/../x.json']).message).toMatch(/under deployments\//);
  });

  test('test_parseStartArgs_walkFlagsDoNotApplyToAPriceFile', () => {
    expect(usageError(['--prices', 'p.csv', '--seed', '3', '--shock-every=10']).message).toBe(
      '--seed, --shock-every shape the random walk and do not apply with --prices',
    );
  });

  test('test_parseStartArgs_helpIsNotAnError', () => {
    const help = usageError(['--help']);
    expect(help.isHelp).toBe(true);
    expect(help.message).toMatch(/--prices <file>/);
    expect(help.message).toMatch(/--speed <n>/);
  });

  test('test_parseStartArgs_reboundAndOwnRedis', () => {
    expect(parseStartArgs(['--rebound', '0', '--own-redis'])).toMatchObject({ rebound: { min: 0, max: 0 }, ownRedis: true });
    expect(usageError(['--rebound', '250']).message).toMatch(/--rebound must be a percent or a range of percents like 70-130 \(each in \[0, 200\]\)/);
  });

  test('test_parseShockSize_percentsToFractions', () => {
    expect(parseShockSize('8-20')).toEqual({ min: 0.08, max: 0.2 });
    expect(parseShockSize(' 12.5 % ')).toEqual({ min: 0.125, max: 0.125 });
  });
});

describe('cliFlags', () => {
  test('test_cliFlags_onlyWhatDiffersFromTheCliDefaults', () => {
    expect(cliFlags('http://127.0.0.1:8545', 'deployments/local.json')).toBe('');
    expect(cliFlags('http://127.0.0.1:9999', 'deployments/x.json')).toBe(' --rpc http://127.0.0.1:9999 --deployment deployments/x.json');
  });
});
