/**
 * `npm start -- [options]`: parsing and validation (errors as {@link StartUsageError}, never
 * `process.exit`, so tests can call it).
 *
 * @packageDocumentation
 */
import { isAbsolute, normalize } from 'node:path';
import { Command, CommanderError, InvalidArgumentError } from 'commander';

/** Bad arguments; the message says what to change (or is the help text). */
export class StartUsageError extends Error {
  constructor(
    message: string,
    readonly isHelp = false,
  ) {
    super(message);
    this.name = 'StartUsageError';
  }
}

/** Validated options. Times in wall seconds unless named otherwise. */
export interface StartOptions {
  /** A price file to replay instead of the random walk. */
  readonly prices: string | null;
  /** Simulated seconds per wall second (chain time and market time alike). */
  readonly speed: number;
  /** HTTP port of the service; `portExplicit` is false when it is the default (then a busy port falls back). */
  readonly port: number;
  readonly portExplicit: boolean;
  readonly rpcPort: number;
  readonly rpcPortExplicit: boolean;
  readonly blockTime: number;
  readonly seed: number;
  readonly volatility: number;
  /** Mean wall seconds between shocks; 0 = none. */
  readonly shockEvery: number;
  readonly firstShock: number | null;
  /** Shock sizes as fractions (0.08 = -8%). */
  readonly shockSize: { readonly min: number; readonly max: number };
  /** Part of each shock that rebounds, as fractions (1 = all of it). */
  readonly rebound: { readonly min: number; readonly max: number };
  /** Start a throwaway redis-server even when a Redis answers. */
  readonly ownRedis: boolean;
  /** Where the world's addresses go (under deployments/). */
  readonly deployment: string;
  /** Move the price at all. */
  readonly market: boolean;
  /** Show the service's info logs. */
  readonly verbose: boolean;
}

function number(name: string, check: (n: number) => boolean, rule: string) {
  return (raw: string): number => {
    const n = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(n) || !check(n)) throw new InvalidArgumentError(`${name} must be ${rule}, got "${raw}"`);
    return n;
  };
}

const port = (name: string) => number(name, (n) => Number.isInteger(n) && n >= 0 && n <= 65535, 'a port number (0 for any free port)');

/** "8-20" or "15" (percent) -> fractions, each in (low, high) or [low, high] with `inclusiveLow`. */
function percentRange(flag: string, example: string, low: number, high: number, inclusiveLow: boolean) {
  return (raw: string): { min: number; max: number } => {
    const match = /^\s*(\d+(?:\.\d+)?)\s*(?:-\s*(\d+(?:\.\d+)?))?\s*%?\s*$/.exec(raw);
    const min = match ? Number(match[1]) : NaN;
    const max = match ? Number(match[2] ?? match[1]) : NaN;
    if (!((inclusiveLow ? min >= low : min > low) && min <= max && max <= high)) {
      throw new InvalidArgumentError(
        `${flag} must be a percent or a range of percents like ${example} (each in ${inclusiveLow ? '[' : '('}${low}, ${high}]), got "${raw}"`,
      );
    }
    return { min: min / 100, max: max / 100 };
  };
}

/** `--shock-size`: "8-20" or "15" (percent) -> fractions. */
export const parseShockSize = percentRange('--shock-size', '8-20', 0, 89, false);
/** `--rebound`: "70-130" or "0" (percent of the fall) -> fractions. */
export const parseRebound = percentRange('--rebound', '70-130', 0, 200, true);

function buildCommand(): Command {
  return new Command('npm start --')
    .description(
      'Starts a local Ballast: an anvil chain with the local world deployed, Redis, the strategy service (API, ' +
        'dashboard, scanner, executor) and a market simulator that moves the price. Ctrl-C stops everything.',
    )
    .option('--prices <file>', 'replay a price CSV (timestamp,price or timestamp,open,high,low,close) instead of the random walk')
    .option('--speed <n>', 'simulated seconds per wall second, for chain time and the market (60: a block is a chain minute, the 1-hour cooldown a wall minute)', number('--speed', (n) => n >= 1 && n <= 86_400, 'a number in [1, 86400]'), 60)
    .option('--port <n>', 'HTTP port of the service (dashboard, API)', port('--port'))
    .option('--rpc-port <n>', 'JSON-RPC port of the chain', port('--rpc-port'))
    .option('--block-time <s>', 'seconds between blocks', number('--block-time', (n) => Number.isInteger(n) && n >= 1 && n <= 60, 'an integer in [1, 60]'), 1)
    .option('--seed <n>', 'seed of the random walk (default: from the clock; printed, so a run can be repeated)', number('--seed', (n) => Number.isInteger(n) && n >= 0 && n < 2 ** 32, 'an integer in [0, 2^32)'))
    .option('--volatility <v>', 'annualised volatility of the random walk', number('--volatility', (n) => n >= 0 && n <= 10, 'a number in [0, 10] (0.9 = 90%)'), 0.9)
    .option('--shock-every <s>', 'mean wall seconds between price shocks (0: none)', number('--shock-every', (n) => n >= 0, 'a number >= 0'), 30)
    .option('--first-shock <s>', 'wall seconds until the first shock (default: 10 s after the keeper\'s first cooldown ends)', number('--first-shock', (n) => n >= 0, 'a number >= 0'))
    .option('--shock-size <pct>', 'shock size in percent, or a range', parseShockSize, { min: 0.08, max: 0.2 })
    .option('--rebound <pct>', 'part of each shock that rebounds, in percent or a range (0: none)', parseRebound, { min: 0.7, max: 1.3 })
    .option('--own-redis', 'start a throwaway redis-server even when a Redis answers')
    .option('--deployment <file>', 'where to write the world\'s addresses (under deployments/)', 'deployments/local.json')
    .option('--no-market', 'do not move the price (the world and the service still run)')
    .option('--verbose', 'print the service\'s info logs too')
    .exitOverride()
    .configureOutput({ writeErr: () => undefined, writeOut: () => undefined })
    .allowExcessArguments(false);
}

/** Parses `argv` (without node and the script). Throws {@link StartUsageError}. */
export function parseStartArgs(argv: readonly string[], now = Date.now()): StartOptions {
  const program = buildCommand();
  try {
    program.parse([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.help') throw new StartUsageError(program.helpInformation(), true);
      throw new StartUsageError(`${error.message.replace(/^error: /, '')}\n\n${program.helpInformation()}`);
    }
    throw error;
  }
  const o = program.opts<{
    prices?: string;
    speed: number;
    port?: number;
    rpcPort?: number;
    blockTime: number;
    seed?: number;
    volatility: number;
    shockEvery: number;
    firstShock?: number;
    shockSize: { min: number; max: number };
    rebound: { min: number; max: number };
    ownRedis?: boolean;
    deployment: string;
    market: boolean;
    verbose?: boolean;
  }>();
  const deployment = normalize(o.deployment);
  if (isAbsolute(deployment) || !deployment.startsWith('deployments/') || !deployment.endsWith('.json')) {
    throw new StartUsageError(`--deployment must be a .json file under deployments/ (forge may write only there), got "${o.deployment}"`);
  }
  if (o.prices !== undefined) {
    const walkOnly = ['--seed', '--volatility', '--shock-every', '--first-shock', '--shock-size', '--rebound'].filter((flag) =>
      argv.some((a) => a === flag || a.startsWith(`${flag}=`)),
    );
    if (walkOnly.length > 0) throw new StartUsageError(`${walkOnly.join(', ')} shape the random walk and do not apply with --prices`);
  }
  return {
    prices: o.prices ?? null,
    speed: o.speed,
    port: o.port ?? 3000,
    portExplicit: o.port !== undefined,
    rpcPort: o.rpcPort ?? 8545,
    rpcPortExplicit: o.rpcPort !== undefined,
    blockTime: o.blockTime,
    seed: o.seed ?? now % 2 ** 32,
    volatility: o.volatility,
    shockEvery: o.shockEvery,
    firstShock: o.firstShock ?? null,
    shockSize: o.shockSize,
    rebound: o.rebound,
    ownRedis: o.ownRedis === true,
    deployment,
    market: o.market,
    verbose: o.verbose === true,
  };
}
