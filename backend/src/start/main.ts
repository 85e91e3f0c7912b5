/**
 * `npm start [-- --prices file.csv --speed 60 --port 3000 --rpc-port 8545 --block-time 1 --seed 7]`: the whole
 * local Ballast in one command. Boot steps, each with a progress line:
 *
 *   1. anvil (node_modules/.bin/anvil) on 8545, or a free port when that one is busy;
 *   2. the local world (forge script DeployLocalWorld.s.sol; a fresh clone compiles first), the arbitrageur
 *      handed to the market account, the TWAP window filled, then a block every `--block-time` seconds;
 *   3. Redis: REDIS_URL, else 127.0.0.1:6379, else a redis-server of our own, else a message saying what to do;
 *   4. the strategy service in this process (all roles, keeper = anvil account 2, a fresh Redis prefix);
 *   5. the market simulator (random walk with shocks, or `--prices`), in simulated time (`--speed`);
 *   6. the addresses, accounts and commands a person needs.
 *
 * Ctrl-C / SIGTERM: simulator, service (the job in hand finishes), our Redis keys, redis-server (if ours),
 * anvil - in that order - then exit 0.
 *
 * @packageDocumentation
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LogLevel } from '@nestjs/common';
import { createWalletClient, http } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { ConfigError, loadConfig } from '../config/config.js';
import { PriceFileError, loadPriceFile, type PriceBar } from '../lab/prices.js';
import { startService, type RunningService } from '../service.js';
import {
  DEFAULT_RANDOM_WALK,
  MarketSimulator,
  PriceReplay,
  RandomWalkMarket,
  type PriceSource,
  type PriceUpdate,
} from '../simulator/index.js';
import { roleAccounts } from './accounts.js';
import { ActivityReporter, describeMarketEvent, formatLeverage, formatSimTime } from './activity.js';
import { readyBanner } from './banner.js';
import { answerToPrice, deployWorld, localClient, prepareMarket, startAnvil, startIntervalMining, worldIsCompiled, type WorldDeployment } from './chain.js';
import { StartUsageError, parseStartArgs, type StartOptions } from './options.js';
import { StartError, choosePort, runningChildren, stopAllChildren } from './processes.js';
import { Progress, seconds } from './progress.js';
import { dropPrefix, findRedis, redact } from './redis.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
const STEPS = 6;

/** Environment variables `npm start` sets itself; the rest of BALLAST_* passes through to the service. */
const OWNED_ENV = new Set([
  'BALLAST_RPC_URL',
  'BALLAST_CHAIN_ID',
  'BALLAST_KEEPER_KEYS',
  'BALLAST_KEEPER_KEY_FILE',
  'BALLAST_KEEPER_ADDRESSES',
  'BALLAST_DEPLOYMENT_FILE',
  'BALLAST_VAULTS',
  'BALLAST_MULTICALL3',
  'BALLAST_ROLES',
  'BALLAST_PORT',
  'BALLAST_REDIS_PREFIX',
  'REDIS_URL',
]);

type Cleanup = { readonly what: string; run(): Promise<unknown> };

class Stack {
  private readonly cleanups: Cleanup[] = [];
  private stopping: Promise<never> | null = null;
  private firstSignalAt = 0;

  constructor(private readonly progress: Progress) {}

  get isStopping(): boolean {
    return this.stopping !== null;
  }

  push(what: string, run: () => Promise<unknown>): void {
    this.cleanups.push({ what, run });
  }

  onSignal(signal: NodeJS.Signals): void {
    if (this.stopping === null) {
      this.firstSignalAt = Date.now();
      this.progress.line(`\n${signal}: stopping (Ctrl-C again after a few seconds to force) ...`);
      void this.shutdown(0);
      return;
    }
    // npm forwards the terminal's Ctrl-C too: one keypress can arrive twice. Force only on a later one.
    if (Date.now() - this.firstSignalAt < 2_000) return;
    this.progress.line('forced: killing what is left');
    void stopAllChildren(0).finally(() => process.exit(130));
  }

  /** Runs the cleanups newest first, stops any child left, exits with `code`. */
  shutdown(code: number): Promise<never> {
    this.stopping ??= (async () => {
      for (const cleanup of this.cleanups.reverse()) {
        const started = Date.now();
        try {
          await withTimeout(cleanup.run(), 30_000, cleanup.what);
          this.progress.line(`  stopped ${cleanup.what} (${seconds(Date.now() - started)})`);
        } catch (error) {
          this.progress.line(`  ${cleanup.what}: ${(error as Error).message}`);
        }
      }
      await stopAllChildren();
      const left = runningChildren();
      this.progress.line(left.length === 0 ? 'all stopped.' : `still running: pids ${left.join(', ')}`);
      process.exit(left.length === 0 ? code : 1);
    })();
    return this.stopping;
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} did not stop within ${ms / 1000} s`)), ms);
    }),
  ]);
}

function serviceEnv(options: StartOptions, rpcUrl: string, redisUrl: string, prefix: string, keeperKey: string, deploymentFile: string) {
  const passed = Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('BALLAST_') && !OWNED_ENV.has(k)));
  return {
    // The recentering speed stays the policy's default (0.5: a rebalance halves the gap to target). Speed 1
    // aims exactly at target, so with the price moving between plan and execution most delevers overshoot it
    // and revert (PostLeverageOutOfRange) - measured on this simulator. BALLAST_RECENTERING_SPEED still applies.
    // Jobs carry a deadline in chain seconds; simulated time runs `speed` times faster, so give a job about a
    // wall minute rather than the default five chain minutes (five wall seconds at speed 60).
    BALLAST_JOB_DEADLINE_SECONDS: String(Math.max(300, Math.ceil(options.speed * 60))),
    ...passed,
    BALLAST_RPC_URL: rpcUrl,
    BALLAST_CHAIN_ID: '31337',
    REDIS_URL: redisUrl,
    BALLAST_REDIS_PREFIX: prefix,
    BALLAST_KEEPER_KEYS: keeperKey,
    BALLAST_DEPLOYMENT_FILE: deploymentFile,
    BALLAST_ROLES: 'all',
    BALLAST_PORT: String(options.port),
  };
}

/**
 * When the first shock comes by default: just after the keeper's cooldown from its first lever-up (which
 * lands as soon as the service starts) has passed, so a newcomer sees a shock answered within about a minute.
 */
function defaultFirstShockSeconds(cooldownSeconds: number, speed: number, shockEvery: number): number | null {
  if (shockEvery === 0) return null;
  return Math.ceil(cooldownSeconds / speed) + 10;
}

function priceSource(
  options: StartOptions,
  bars: readonly PriceBar[] | null,
  startPrice: number,
  cooldownSeconds: number,
  progress: Progress,
): PriceSource {
  if (options.prices !== null && bars !== null) {
    const replay = new PriceReplay(bars, startPrice);
    progress.note(
      `replaying ${options.prices}: ${replay.bars.length} rows over ${formatSimTime(replay.durationSeconds).slice(1)} of data, ` +
        `scaled x${replay.scale.toPrecision(4)} so its first price is the world's ${startPrice.toFixed(2)}`,
    );
    const warning = replay.rangeWarning();
    if (warning) progress.note(`warning: ${warning}`);
    return replay;
  }
  const speed = options.speed;
  const firstShock = options.firstShock ?? defaultFirstShockSeconds(cooldownSeconds, speed, options.shockEvery);
  return new RandomWalkMarket({
    ...DEFAULT_RANDOM_WALK,
    seed: options.seed,
    startPrice,
    volatility: options.volatility,
    shocks: {
      ...DEFAULT_RANDOM_WALK.shocks,
      meanIntervalSeconds: options.shockEvery * speed,
      ...(firstShock !== null ? { firstAfterSeconds: firstShock * speed } : {}),
      minSize: options.shockSize.min,
      maxSize: options.shockSize.max,
      minReboundFraction: options.rebound.min,
      maxReboundFraction: options.rebound.max,
    },
  });
}

async function boot(options: StartOptions, stack: Stack, progress: Progress): Promise<void> {
  const accounts = roleAccounts();
  // A bad price file fails now, before anything starts (npm runs scripts at the package root; INIT_CWD is
  // where the person typed the command).
  const bars = options.prices === null ? null : loadPriceFile(resolve(process.env.INIT_CWD ?? process.cwd(), options.prices));

  progress.step(1, 'start the chain (anvil)');
  const rpc = await choosePort(options.rpcPort, options.rpcPortExplicit, '--rpc-port');
  const anvil = await startAnvil(ROOT, rpc.port);
  stack.push('anvil', () => anvil.stop());
  progress.done(`${anvil.url}, chain id 31337, pid ${anvil.child.pid}${rpc.fallback ? ` (port ${options.rpcPort} was busy)` : ''}`);

  const compiled = worldIsCompiled(ROOT);
  progress.step(
    2,
    compiled
      ? 'deploy the local world (forge script DeployLocalWorld.s.sol)'
      : 'deploy the local world - first run: forge compiles the contracts with solcjs first (30 s to a few minutes)',
  );
  const stopHeartbeat = progress.heartbeat(10_000, (ms) => `still working (${seconds(ms)}): ${compiled ? 'deploying' : 'compiling'} ...`);
  let world: WorldDeployment;
  try {
    world = await deployWorld({
      root: ROOT,
      rpcUrl: anvil.url,
      deploymentFile: options.deployment,
      ownerKey: accounts.owner.privateKey,
      onLine: (line) => {
        if (/^(Compiling \d+ files|Solc .* finished|Compiler run)/.test(line.trim())) progress.note(`forge: ${line.trim()}`);
      },
    });
  } finally {
    stopHeartbeat();
  }
  const answer = await prepareMarket(anvil.url, world, accounts);
  await startIntervalMining(anvil.url, options.blockTime);
  const client = localClient(anvil.url, world.multicall3);
  progress.done(`vault ${world.vault}, oracle healthy at ${answerToPrice(answer).toFixed(2)}, a block every ${options.blockTime} s; addresses in ${options.deployment}`);

  progress.step(3, 'find Redis');
  const redis = await findRedis({ redisUrl: process.env.REDIS_URL, own: options.ownRedis });
  if (redis.child) stack.push(`redis-server (pid ${redis.child.pid})`, () => redis.stop());
  const prefix = `ballast-local-${Date.now()}`;
  // A Redis that outlives us keeps no trace of this run (queues, job schedulers, intents).
  if (!redis.child) stack.push(`Redis keys ${prefix}:*`, () => dropPrefix(redis.url, prefix));
  const source = { REDIS_URL: 'REDIS_URL', probe: 'found on the default port', spawned: `started redis-server, pid ${redis.child?.pid}` }[redis.source];
  progress.done(`${redact(redis.url)} (${source}), key prefix ${prefix}`);

  progress.step(4, 'start the strategy service (api, scanner, executor)');
  const port = await choosePort(options.port, options.portExplicit, '--port');
  let config;
  try {
    config = loadConfig(serviceEnv({ ...options, port: port.port }, anvil.url, redis.url, prefix, accounts.keeper.privateKey, resolve(ROOT, options.deployment)));
  } catch (error) {
    if (error instanceof ConfigError) throw new StartError(`the service's configuration is invalid (check your BALLAST_* variables):\n${error.message}`);
    throw error;
  }
  const logger: LogLevel[] = options.verbose ? ['log', 'warn', 'error'] : ['warn', 'error'];
  const service: RunningService = await startService(config, { logger });
  stack.push('strategy service', () => service.close());
  progress.done(`${service.url}${port.fallback ? ` (port ${options.port} was busy)` : ''}, keeper ${accounts.keeper.address}`);

  progress.step(5, 'start the market simulator');
  const reporter = new ActivityReporter(client, world.vault, await client.getBlockNumber(), (line) => progress.line(line));
  reporter.start();
  stack.push('activity reporter', async () => reporter.stop());
  if (options.market) {
    const market = createWalletClient({ chain: client.chain, transport: http(anvil.url), account: privateKeyToAccount(accounts.market.privateKey) });
    let lastStatus = 0;
    const onUpdate = (update: PriceUpdate): void => {
      if (update.event) progress.line(`market ${formatSimTime(update.elapsedSeconds)}: ${describeMarketEvent(update.event, update)}`);
      if (Date.now() - lastStatus >= 30_000) {
        lastStatus = Date.now();
        void ActivityReporter.leverage(client, world.module).then((leverage) =>
          progress.line(
            `status ${formatSimTime(update.elapsedSeconds)}: price ${update.price.toFixed(2)}, leverage ${leverage === null ? '?' : formatLeverage(leverage)} ` +
              `(band 1.70x-2.30x, ripcord 2.70x), block ${update.blockNumber}`,
          ),
        );
      }
    };
    const simulator = new MarketSimulator({
      client,
      wallet: market,
      arbitrageur: world.arbitrageur,
      source: priceSource(options, bars, answerToPrice(answer), Number(world.moduleLimits?.cooldown ?? 3600), progress),
      speed: options.speed,
      blockTimeSeconds: options.blockTime,
      onUpdate,
      onError: (error) => {
        if (!stack.isStopping) progress.line(`market: price update failed: ${error.message.split('\n')[0]}`);
      },
    });
    await simulator.start();
    stack.push('market simulator', () => simulator.stop());
    const mode = options.prices !== null ? `replaying ${options.prices}` : `random walk, seed ${options.seed}, volatility ${(options.volatility * 100).toFixed(0)}%`;
    progress.done(
      `${mode}; ${options.speed} simulated s per wall s (a block = ${formatSimTime(simulator.secondsPerBlock).slice(1)} of chain time)` +
        (options.prices === null && options.shockEvery > 0 ? `; a -${options.shockSize.min * 100}..-${options.shockSize.max * 100}% shock every ~${options.shockEvery} s` : ''),
    );
  } else {
    progress.done('--no-market: the price stays where it is');
  }

  progress.instant(6, 'ready');
  progress.line(readyBanner({ serviceUrl: service.url!, rpcUrl: anvil.url, world, accounts, options, bootMs: progress.elapsedMs, redisUrl: redact(redis.url) }));
}

async function main(): Promise<void> {
  let options: StartOptions;
  try {
    options = parseStartArgs(process.argv.slice(2));
  } catch (error) {
    if (error instanceof StartUsageError) {
      (error.isHelp ? process.stdout : process.stderr).write(`${error.message}\n`);
      process.exit(error.isHelp ? 0 : 2);
    }
    throw error;
  }
  const progress = new Progress(STEPS);
  const stack = new Stack(progress);
  process.on('SIGINT', () => stack.onSignal('SIGINT'));
  process.on('SIGTERM', () => stack.onSignal('SIGTERM'));
  try {
    await boot(options, stack, progress);
  } catch (error) {
    if (stack.isStopping) return;
    const known = error instanceof StartError || error instanceof PriceFileError;
    progress.line(`\nnpm start failed: ${known ? (error as Error).message : ((error as Error).stack ?? String(error))}`);
    await stack.shutdown(1);
  }
}

await main();
