/**
 * Runs `npx ballast` the way a person does (`node backend/bin/ballast.mjs ...`, a child process) against a
 * test world, and the few chain moves the CLI tests need that the CLI itself does not make: minting WETH to a
 * depositor, a keeper rebalance, a second leverage module to submit.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createWalletClient, getAddress, http, parseAbi, type Abi, type Address, type Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { ballastVaultAbi, morphoLeverageModuleAbi } from '../../../backend/src/chain/abi/index.js';
import { jobIdWithNonce } from '../../../backend/src/scan/planner.js';
import { ROOT } from '../support/anvil.js';
import { ANVIL_KEYS, type World } from '../support/world.js';

/** anvil's default accounts 6 and 7: two of the world's seed depositors (100 WETH of shares each). */
export const DEPOSITOR_KEYS = {
  first: '0x92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e',
  second: '0x4bbbf85ce3377467afe5d46f804f221813b2bb87f24d81f60f1fcdbf7cbf4356',
} as const satisfies Record<string, Hex>;

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * `ballast <args>` against `world`'s RPC, with extra environment variables, run from `cwd` (the repository
 * root unless given: file arguments resolve against it).
 */
export function ballast(world: World, args: readonly string[], env: Record<string, string> = {}, cwd = ROOT): Promise<CliResult> {
  return new Promise((ok, fail) => {
    const child = spawn(process.execPath, [resolve(ROOT, 'backend/bin/ballast.mjs'), ...args], {
      cwd,
      env: { ...process.env, NODE_OPTIONS: '', BALLAST_RPC_URL: world.rpcUrl, BALLAST_KEY: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', fail);
    child.on('close', (code) => ok({ code: code ?? -1, stdout, stderr }));
  });
}

/** The same, with the world's deployment file named by --deployment (what a person would pass). */
export function ballastOn(world: World, args: readonly string[], env: Record<string, string> = {}, cwd = ROOT): Promise<CliResult> {
  return ballast(world, ['--deployment', world.deploymentFile, ...args], env, cwd);
}

/** Parses a `--json` result. */
export function json<T = Record<string, unknown>>(result: CliResult): T {
  try {
    return JSON.parse(result.stdout) as T;
  } catch {
    throw new Error(`not JSON (exit ${result.code}): ${result.stdout}\n${result.stderr}`);
  }
}

const erc20MintAbi = parseAbi(['function mint(address to, uint256 amount)', 'function balanceOf(address) view returns (uint256)']);
const morphoAbi = parseAbi(['function idToMarketParams(bytes32 id) view returns (address, address, address, address, uint256)']);

/** The world's owner mints `amount` WETH to `to`. */
export async function mintWeth(world: World, weth: Address, to: Address, amount: bigint): Promise<void> {
  const hash = await world.owner.writeContract({ address: weth, abi: erc20MintAbi, functionName: 'mint', args: [to, amount] });
  await world.client.waitForTransactionReceipt({ hash });
}

export function balanceOf(world: World, token: Address, who: Address): Promise<bigint> {
  return world.client.readContract({ address: token, abi: erc20MintAbi, functionName: 'balanceOf', args: [who] });
}

/** A keeper rebalance that buys `percentOfEquity`% of the position's equity in collateral (what the service would send). */
export async function keeperLeverUp(world: World, percentOfEquity: bigint): Promise<void> {
  const state = await world.client.readContract({ address: world.deployment.module, abi: morphoLeverageModuleAbi, functionName: 'state' });
  const amount = ((state.collateral - state.debtInAssets) * percentOfEquity) / 100n;
  const keeper = createWalletClient({ chain: world.client.chain, transport: http(world.rpcUrl), account: privateKeyToAccount(ANVIL_KEYS.keeper) });
  const now = (await world.client.getBlock()).timestamp;
  const { jobNonce } = await world.client.readContract({ address: world.deployment.vault, abi: ballastVaultAbi, functionName: 'moduleConfig', args: [world.deployment.module] });
  const hash = await keeper.writeContract({
    address: world.deployment.vault,
    abi: ballastVaultAbi,
    functionName: 'rebalance',
    args: [
      world.deployment.module,
      { jobId: jobIdWithNonce(`0x${'11'.repeat(32)}`, jobNonce), deadline: now + 600n, leverUp: true, amount, minPreLeverage: 0n, maxPreLeverage: 10n ** 20n },
    ],
  });
  const receipt = await world.client.waitForTransactionReceipt({ hash });
  if (receipt.status !== 'success') throw new Error('keeper rebalance reverted');
}

/**
 * Deploys a second MorphoLeverageModule for the world's vault (same market, pool and limits), from the artifact
 * forge wrote when World.deploy ran the deploy script.
 */
export async function deploySecondModule(world: World): Promise<Address> {
  const artifact = JSON.parse(readFileSync(resolve(ROOT, 'out/MorphoLeverageModule.sol/MorphoLeverageModule.json'), 'utf8')) as {
    abi: Abi;
    bytecode: { object: Hex };
  };
  const module = world.deployment.module;
  const read = <T>(functionName: string) => world.client.readContract({ address: module, abi: morphoLeverageModuleAbi, functionName: functionName as never }) as Promise<T>;
  const [morpho, marketId, limits] = await Promise.all([read<Address>('morpho'), read<Hex>('marketId'), read<unknown>('leverageLimits')]);
  const [loanToken, collateralToken, oracle, irm, lltv] = await world.client.readContract({ address: morpho, abi: morphoAbi, functionName: 'idToMarketParams', args: [marketId] });
  const hash = await world.owner.deployContract({
    abi: artifact.abi,
    bytecode: artifact.bytecode.object,
    args: [world.deployment.vault, morpho, { loanToken, collateralToken, oracle, irm, lltv }, world.deployment.pool, limits],
  });
  const receipt = await world.client.waitForTransactionReceipt({ hash });
  if (!receipt.contractAddress) throw new Error('module deployment failed');
  return getAddress(receipt.contractAddress);
}

/** Advances the chain's clock by `seconds` at once, then refills the TWAP window and refreshes the feed. */
export async function jumpAndHeal(world: World, seconds: number): Promise<void> {
  await world.client.request({ method: 'evm_increaseTime' as never, params: [seconds] as never });
  await world.client.request({ method: 'evm_mine' as never, params: [] as never });
  await world.warp(660);
  await world.setPrice(await world.feedAnswer());
}
