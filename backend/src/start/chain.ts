/**
 * The embedded chain of `npm start`: anvil from node_modules, the local world deployed by its forge script,
 * the oracle made healthy, then interval mining at the chosen block time.
 *
 * @packageDocumentation
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createPublicClient, createWalletClient, http, parseAbi, type Address, type Chain, type Hex, type PublicClient, type Transport } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { ballastChain } from '../chain/chain.js';
import { ANVIL_HISTORY_ARGS } from '../localnet/anvil.js';
import { poolArbitrageurAbi } from '../simulator/simulator.js';
import type { RoleAccounts } from './accounts.js';
import { OutputTail, StartError, spawnTracked, stopChild } from './processes.js';

export const ANVIL_CHAIN_ID = 31337;

/** A running anvil. */
export interface LocalChain {
  readonly url: string;
  readonly port: number;
  readonly child: ChildProcess;
  stop(): Promise<void>;
}

/** Starts `node_modules/.bin/anvil` on `port` (automine until {@link startIntervalMining}) and waits for RPC. */
export async function startAnvil(root: string, port: number, timeoutMs = 30_000): Promise<LocalChain> {
  const binary = resolve(root, 'node_modules/.bin/anvil');
  if (!existsSync(binary)) throw new StartError(`anvil is not installed (${binary} is missing): run npm install`);
  const child = spawnTracked(binary, ['--port', String(port), '--host', '127.0.0.1', '--chain-id', String(ANVIL_CHAIN_ID), '--silent', ...ANVIL_HISTORY_ARGS], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const tail = new OutputTail(20);
  child.stderr?.on('data', (d: Buffer) => tail.push(d));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new StartError(`anvil exited at start (code ${child.exitCode}):\n${tail.text()}`);
    try {
      await rpc(url, 'eth_chainId', []);
      break;
    } catch {
      if (Date.now() > deadline) {
        await stopChild(child);
        throw new StartError(`anvil did not answer on ${url} within ${timeoutMs / 1000} s:\n${tail.text()}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return { url, port, child, stop: () => stopChild(child) };
}

/** One JSON-RPC call with plain fetch (for the few anvil methods viem does not type). */
export async function rpc<T = unknown>(url: string, method: string, params: unknown[]): Promise<T> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
    signal: AbortSignal.timeout(10_000),
  });
  const body = (await res.json()) as { result?: T; error?: { message: string } };
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result as T;
}

/** The parts of the world's deployment file `npm start` reads. */
export interface WorldDeployment {
  readonly vault: Address;
  readonly module: Address;
  readonly weth: Address;
  readonly usdc: Address;
  readonly arbitrageur: Address;
  readonly ethUsdFeed: Address;
  readonly oracle: Address;
  readonly pool: Address;
  readonly morpho: Address;
  readonly multicall3: Address;
  readonly owner: Address;
  readonly strategist: Address;
  readonly keeper: Address;
  readonly guardian: Address;
  readonly depositors: readonly Address[];
  readonly twapWindow: number;
  readonly moduleLimits?: { readonly cooldown?: number };
}

export interface DeployOptions {
  readonly root: string;
  readonly rpcUrl: string;
  /** Path of the deployment JSON, relative to root (must be under deployments/). */
  readonly deploymentFile: string;
  readonly ownerKey: Hex;
  /** Each line forge prints (compile progress). */
  readonly onLine?: (line: string) => void;
}

/** Whether forge has a build of the world script in its output folder (else it compiles everything first). */
export function worldIsCompiled(root: string, env: NodeJS.ProcessEnv = process.env): boolean {
  const out = env.FOUNDRY_OUT ?? 'out';
  return existsSync(resolve(root, out, 'DeployLocalWorld.s.sol/DeployLocalWorld.json'));
}

/** Runs `forge script DeployLocalWorld.s.sol --broadcast` and reads the deployment file it writes. */
export async function deployWorld(options: DeployOptions): Promise<WorldDeployment> {
  const { root, rpcUrl, deploymentFile } = options;
  const child = spawnTracked(
    process.execPath,
    [
      'contracts/toolchain/foundry.mjs',
      'forge',
      'script',
      'contracts/script/DeployLocalWorld.s.sol',
      '--rpc-url',
      rpcUrl,
      '--broadcast',
      '--private-key',
      options.ownerKey,
    ],
    { cwd: root, env: { ...process.env, BALLAST_DEPLOYMENT_FILE: deploymentFile }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const tail = new OutputTail(60);
  child.stdout?.on('data', (d: Buffer) => tail.push(d, options.onLine));
  child.stderr?.on('data', (d: Buffer) => tail.push(d, options.onLine));
  const code = await new Promise<number | null>((resolveExit, reject) => {
    child.once('error', reject);
    child.once('exit', (c, signal) => resolveExit(c ?? (signal ? -1 : null)));
  });
  if (code !== 0) {
    const output = tail.text();
    const hint = /is gone|solc/i.test(output) && /not found|gone|No such file/i.test(output)
      ? '\nThe solc shims may be missing: run node contracts/toolchain/install-solc.mjs (npm install does it too).'
      : '';
    throw new StartError(`deploying the local world failed (forge exit code ${code}):\n${output}${hint}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(resolve(root, deploymentFile), 'utf8'));
  } catch (error) {
    throw new StartError(`forge finished but ${deploymentFile} is unreadable: ${(error as Error).message}`);
  }
  return json as WorldDeployment;
}

const feedAbi = parseAbi(['function latestRoundData() view returns (uint80, int256, uint256, uint256, uint80)']);

/** Clients on the local chain. */
export function localClient(rpcUrl: string, multicall3: Address): PublicClient<Transport, Chain> {
  const chain = ballastChain({ chainId: ANVIL_CHAIN_ID, rpcUrls: [rpcUrl], multicall3 });
  return createPublicClient({ chain, transport: http(rpcUrl), cacheTime: 0, pollingInterval: 250 }) as PublicClient<Transport, Chain>;
}

/**
 * Hands the arbitrageur to the market account (so the simulator never shares a nonce with the owner, whom a
 * person may drive from the CLI), then fills the pool's TWAP window: the oracle refuses a price until the
 * pool has `twapWindow` seconds of observations. Time is warped a minute at a time, a block each.
 */
export async function prepareMarket(rpcUrl: string, world: WorldDeployment, accounts: RoleAccounts): Promise<bigint> {
  const client = localClient(rpcUrl, world.multicall3);
  const chain = client.chain;
  const owner = createWalletClient({ chain, transport: http(rpcUrl), account: privateKeyToAccount(accounts.owner.privateKey) });
  const market = createWalletClient({ chain, transport: http(rpcUrl), account: privateKeyToAccount(accounts.market.privateKey) });
  const handOver = await owner.writeContract({
    address: world.arbitrageur,
    abi: poolArbitrageurAbi,
    functionName: 'transferOwnership',
    args: [accounts.market.address],
  });
  await client.waitForTransactionReceipt({ hash: handOver });
  for (let left = (world.twapWindow || 600) + 60; left > 0; left -= 60) {
    await rpc(rpcUrl, 'evm_increaseTime', [Math.min(60, left)]);
    await rpc(rpcUrl, 'evm_mine', []);
  }
  const [, answer] = await client.readContract({ address: world.ethUsdFeed, abi: feedAbi, functionName: 'latestRoundData' });
  // A fresh feed timestamp and a pool observation at the current time.
  const refresh = await market.writeContract({ address: world.arbitrageur, abi: poolArbitrageurAbi, functionName: 'setPrice', args: [answer] });
  await client.waitForTransactionReceipt({ hash: refresh });
  return answer;
}

/** Switches anvil from automine (fast deployment) to a block every `seconds`. */
export async function startIntervalMining(rpcUrl: string, seconds: number): Promise<void> {
  await rpc(rpcUrl, 'evm_setIntervalMining', [seconds]);
}

/** The feed answer as a price (8 decimals). */
export function answerToPrice(answer: bigint, decimals = 8): number {
  return Number(answer) / 10 ** decimals;
}
