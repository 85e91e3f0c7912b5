/**
 * The local world on an anvil: deployed by the same forge script a person runs (one fixture), then driven
 * the way the market simulator does it (feed + pool through the arbitrageur, time warps). Used by the
 * end-to-end tests and the service benchmark.
 *
 * @packageDocumentation
 */
import { execFile } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import {
  createPublicClient,
  createWalletClient,
  http,
  parseAbi,
  type Address,
  type Chain,
  type Hex,
  type PublicClient,
  type Transport,
  type WalletClient,
} from 'viem';
import { privateKeyToAccount, type PrivateKeyAccount } from 'viem/accounts';
import { ballastChain } from '../chain/chain.js';
import { ROOT } from './anvil.js';

const run = promisify(execFile);

/** anvil's default accounts (mnemonic "test test ... junk"): 0 owner/broadcaster, 2 keeper. */
export const ANVIL_KEYS = {
  owner: '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80',
  strategist: '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d',
  keeper: '0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a',
  guardian: '0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6',
} as const satisfies Record<string, Hex>;

export interface Deployment {
  vault: Address;
  module: Address;
  arbitrageur: Address;
  ethUsdFeed: Address;
  multicall3: Address;
  keeper: Address;
  guardian: Address;
  pool: Address;
  oracle: Address;
  depositors: Address[];
  moduleLimits: Record<string, string | number>;
}

export const arbitrageurAbi = parseAbi(['function setPrice(int256 answer)', 'function movePoolTo(uint256 price36)']);
export const feedAbi = parseAbi([
  'function latestRoundData() view returns (uint80, int256, uint256, uint256, uint80)',
  'function setAnswerWithTimestamp(int256 answer, uint256 updatedAt) returns (uint80)',
]);
export const oracleAbi = parseAbi(['function price() view returns (uint256)', 'function scaleFactor() view returns (uint256)']);

export class World {
  readonly client: PublicClient<Transport, Chain>;
  readonly owner: WalletClient<Transport, Chain, PrivateKeyAccount>;

  constructor(
    readonly rpcUrl: string,
    readonly deployment: Deployment,
    readonly deploymentFile: string,
  ) {
    const chain = ballastChain({ chainId: 31337, rpcUrls: [rpcUrl], multicall3: deployment.multicall3 });
    // A local anvil answers in a millisecond: poll receipts every 50 ms, not viem's default 4 s (a loop of
    // a few hundred owner transactions would otherwise take most of an hour).
    this.client = createPublicClient({ chain, transport: http(rpcUrl), cacheTime: 0, pollingInterval: 50 }) as PublicClient<Transport, Chain>;
    this.owner = createWalletClient({ chain, transport: http(rpcUrl), account: privateKeyToAccount(ANVIL_KEYS.owner) });
  }

  /** Deploys the local world with forge and makes its oracle healthy (TWAP window filled, feed fresh). */
  static async deploy(rpcUrl: string, name: string): Promise<World> {
    const file = resolve(ROOT, `deployments/test-${name}.json`);
    await run(
      'node',
      ['contracts/toolchain/foundry.mjs', 'forge', 'script', 'contracts/script/DeployLocalWorld.s.sol', '--rpc-url', rpcUrl, '--broadcast', '--private-key', ANVIL_KEYS.owner],
      { cwd: ROOT, env: { ...process.env, BALLAST_DEPLOYMENT_FILE: file }, maxBuffer: 64 * 1024 * 1024 },
    );
    const world = new World(rpcUrl, JSON.parse(readFileSync(file, 'utf8')) as Deployment, file);
    // The TWAP needs its 10-minute window of observations before the oracle is healthy.
    await world.warp(660);
    await world.setPrice(await world.feedAnswer());
    return world;
  }

  removeFile(): void {
    rmSync(this.deploymentFile, { force: true });
  }

  async feedAnswer(): Promise<bigint> {
    const [, answer] = await this.client.readContract({ address: this.deployment.ethUsdFeed, abi: feedAbi, functionName: 'latestRoundData' });
    return answer;
  }

  /** Moves the feed and the pool together (the market simulator's move). */
  async setPrice(answer: bigint): Promise<void> {
    const hash = await this.owner.writeContract({ address: this.deployment.arbitrageur, abi: arbitrageurAbi, functionName: 'setPrice', args: [answer] });
    await this.client.waitForTransactionReceipt({ hash });
  }

  /** Multiplies the price by `factor` (e.g. 0.85 for -15%). */
  async movePrice(factor: number): Promise<bigint> {
    const answer = (await this.feedAnswer()) * BigInt(Math.round(factor * 1e6)) / 1_000_000n;
    await this.setPrice(answer);
    return answer;
  }

  /** Writes the feed with an old timestamp (a stale feed that still moves the pool). */
  async setStalePrice(answer: bigint, updatedAt: bigint): Promise<void> {
    const hash = await this.owner.writeContract({ address: this.deployment.ethUsdFeed, abi: feedAbi, functionName: 'setAnswerWithTimestamp', args: [answer, updatedAt] });
    await this.client.waitForTransactionReceipt({ hash });
    await this.movePoolToAnswer(answer);
  }

  /** Puts the pool back on the feed's current answer, as an arbitrageur does after other traders moved it. */
  async alignPool(): Promise<void> {
    await this.movePoolToAnswer(await this.feedAnswer());
  }

  /** Pushes the pool's price to `factor` times the feed's answer (an attacker's or a whale's trade); the feed stays. */
  async pushPool(factor: number): Promise<void> {
    await this.movePoolToAnswer(((await this.feedAnswer()) * BigInt(Math.round(factor * 1e6))) / 1_000_000n);
  }

  private async movePoolToAnswer(answer: bigint): Promise<void> {
    const scale = await this.client.readContract({ address: this.deployment.oracle, abi: oracleAbi, functionName: 'scaleFactor' });
    const move = await this.owner.writeContract({ address: this.deployment.arbitrageur, abi: arbitrageurAbi, functionName: 'movePoolTo', args: [answer * scale] });
    await this.client.waitForTransactionReceipt({ hash: move });
  }

  /** Advances time by `seconds`, mining a block every minute of it (the pool records one observation per block). */
  async warp(seconds: number): Promise<void> {
    const step = 60;
    for (let left = seconds; left > 0; left -= step) {
      await this.client.request({ method: 'evm_increaseTime' as never, params: [Math.min(step, left)] as never });
      await this.client.request({ method: 'evm_mine' as never, params: [] as never });
    }
  }

  /**
   * Adds `count` vaults (each with its module and a deposit allocated at 1x); returns a deployment file listing
   * the world's vault and all the new ones. Deploys in batches: one forge script run simulates everything in one
   * call, and about ten million gas per vault would pass the simulation's gas limit past ~90 vaults.
   */
  async deployExtraVaults(count: number, name: string, batch = 40): Promise<{ file: string; vaults: Address[] }> {
    const file = resolve(ROOT, `deployments/test-${name}-vaults.json`);
    const vaults: Address[] = [this.deployment.vault];
    for (let done = 0; done < count; done += batch) {
      const part = resolve(ROOT, `deployments/test-${name}-vaults-part.json`);
      await run(
        'node',
        ['contracts/toolchain/foundry.mjs', 'forge', 'script', 'contracts/script/DeployExtraVaults.s.sol', '--rpc-url', this.rpcUrl, '--broadcast', '--private-key', ANVIL_KEYS.owner],
        {
          cwd: ROOT,
          env: {
            ...process.env,
            BALLAST_DEPLOYMENT_FILE: this.deploymentFile,
            BALLAST_EXTRA_VAULTS: String(Math.min(batch, count - done)),
            BALLAST_EXTRA_VAULTS_FILE: part,
          },
          maxBuffer: 256 * 1024 * 1024,
        },
      );
      vaults.push(...(JSON.parse(readFileSync(part, 'utf8')) as { vaults: Address[] }).vaults.slice(1));
      rmSync(part, { force: true });
      // forge keeps every broadcast transaction in broadcast/ (tens of MB per batch): nothing here needs them.
      rmSync(resolve(ROOT, 'broadcast/DeployExtraVaults.s.sol'), { recursive: true, force: true });
    }
    writeFileSync(file, JSON.stringify({ vaults, multicall3: this.deployment.multicall3 }, null, 2));
    return { file, vaults };
  }

  /** anvil's state snapshot (revert to it with `revert`). */
  async snapshot(): Promise<Hex> {
    return this.client.request({ method: 'evm_snapshot' as never, params: [] as never }) as Promise<Hex>;
  }

  async revert(id: Hex): Promise<void> {
    await this.client.request({ method: 'evm_revert' as never, params: [id] as never });
  }

  async rpc(method: string, params: unknown[] = []): Promise<unknown> {
    return this.client.request({ method: method as never, params: params as never });
  }

  async timestamp(): Promise<bigint> {
    return (await this.client.getBlock()).timestamp;
  }
}
