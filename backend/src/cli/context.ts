/**
 * The global options resolved once per command: the RPC (reached and identified), the vault (checked to be a
 * Ballast vault), the deployment file it may come from, and the signer when the command writes. Every problem
 * is a {@link CliInputError} that says what to pass instead; an RPC that does not answer is a chain error.
 *
 * @packageDocumentation
 */
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import {
  createPublicClient,
  createWalletClient,
  erc20Abi,
  getAddress,
  http,
  type Address,
  type Chain,
  type PublicClient,
  type Transport,
  type WalletClient,
} from 'viem';
import { privateKeyToAccount, type PrivateKeyAccount } from 'viem/accounts';
import { ballastVaultAbi } from '../chain/abi/index.js';
import { ballastChain } from '../chain/chain.js';
import type { Secret } from '../config/secret.js';
import { CliChainError, CliInputError } from './errors.js';
import { parseAddress, parsePrivateKey } from './parse.js';

/** The RPC when neither `--rpc` nor `BALLAST_RPC_URL` names one: `npm start`'s anvil. */
export const DEFAULT_RPC_URL = 'http://127.0.0.1:8545';
/** The deployment file read when `--deployment` is not given (relative to the repository root). */
export const DEFAULT_DEPLOYMENT_FILE = 'deployments/local.json';
/** Multicall3's address on every public chain; a local world names its own. */
const CANONICAL_MULTICALL3 = '0xcA11bde05977b3631167028862bE2a173976CA11' as Address;

/** The options every command accepts (commander's `optsWithGlobals()`). */
export interface GlobalOptions {
  readonly rpc?: string;
  readonly vault?: string;
  readonly deployment?: string;
  readonly key?: string;
  readonly json?: boolean;
}

/** What the CLI reads from a deployments JSON (`deployments/local.json`). */
export interface DeploymentFile {
  readonly path: string;
  readonly vault?: Address;
  readonly multicall3?: Address;
  readonly keeper?: Address;
  /** The block the world was deployed at: where event searches for its vault start. */
  readonly startBlock?: bigint;
}

/** The vault's facts every command needs: who may do what, its asset and its share token. */
export interface VaultFacts {
  readonly address: Address;
  readonly name: string;
  readonly symbol: string;
  readonly decimals: number;
  readonly asset: Address;
  readonly assetSymbol: string;
  readonly assetDecimals: number;
  readonly modules: readonly Address[];
  readonly owner: Address;
  readonly guardian: Address;
  readonly strategist: Address;
  readonly paused: boolean;
  readonly shutdown: boolean;
}

/** A command's view of the world. */
export interface CliContext {
  readonly rpcUrl: string;
  readonly chain: Chain;
  readonly client: PublicClient<Transport, Chain>;
  readonly deployment: DeploymentFile | null;
  readonly vault: VaultFacts;
  readonly json: boolean;
  /** The signer; throws a {@link CliInputError} when no key was given. */
  signer(): PrivateKeyAccount;
  /** A wallet client for the signer. */
  wallet(): WalletClient<Transport, Chain, PrivateKeyAccount>;
  /** Where to start searching the vault's events: the deployment's start block when it deployed this vault, else genesis. */
  readonly logsFromBlock: bigint;
  /** The latest block's timestamp: the chain's clock (a local chain may be warped ahead of the wall clock). */
  now(): Promise<bigint>;
}

/** Where the user ran `npx ballast` (the bin script passes it), to resolve file arguments. */
export function userCwd(env: NodeJS.ProcessEnv = process.env): string {
  return env.BALLAST_CWD ?? process.cwd();
}

/** Resolves a path the user typed against the directory they typed it in. */
export function userPath(path: string, env: NodeJS.ProcessEnv = process.env): string {
  return isAbsolute(path) ? path : resolve(userCwd(env), path);
}

function readDeployment(options: GlobalOptions, env: NodeJS.ProcessEnv): DeploymentFile | null {
  const path = options.deployment ? userPath(options.deployment, env) : resolve(DEFAULT_DEPLOYMENT_FILE);
  if (!existsSync(path)) {
    if (options.deployment) throw new CliInputError(`--deployment ${options.deployment}: no such file (${path})`);
    return null;
  }
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    throw new CliInputError(`${path} is not JSON: ${(error as Error).message}`);
  }
  const address = (key: string): Address | undefined =>
    typeof json[key] === 'string' ? parseAddress(json[key] as string, `"${key}" in ${path}`) : undefined;
  const start = json.startBlock;
  const startBlock = typeof start === 'number' || (typeof start === 'string' && /^\d+$/.test(start)) ? BigInt(start) : undefined;
  return { path, vault: address('vault'), multicall3: address('multicall3'), keeper: address('keeper'), startBlock };
}

function rpcUrlOf(options: GlobalOptions, env: NodeJS.ProcessEnv): string {
  const url = options.rpc ?? env.BALLAST_RPC_URL ?? DEFAULT_RPC_URL;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new CliInputError(`--rpc "${url}" is not a URL (expected http://host:port)`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new CliInputError(`--rpc "${url}": only http(s) RPC URLs are supported`);
  }
  return url;
}

/** Reads the facts of `vault`, refusing an address with no code or whose views are not a Ballast vault's. */
export async function readVaultFacts(client: PublicClient<Transport, Chain>, vault: Address, rpcUrl: string): Promise<VaultFacts> {
  const code = await client.getCode({ address: vault });
  if (!code || code === '0x') {
    throw new CliInputError(`unknown vault ${vault}: there is no contract at that address on ${rpcUrl}`);
  }
  const read = <T>(functionName: string): Promise<T> =>
    client.readContract({ address: vault, abi: ballastVaultAbi, functionName: functionName as never }) as Promise<T>;
  let facts: Omit<VaultFacts, 'assetSymbol' | 'assetDecimals'>;
  try {
    const [name, symbol, decimals, asset, modules, owner, guardian, strategist, paused, shutdown] = await Promise.all([
      read<string>('name'),
      read<string>('symbol'),
      read<number>('decimals'),
      read<Address>('asset'),
      read<readonly Address[]>('modules'),
      read<Address>('owner'),
      read<Address>('guardian'),
      read<Address>('strategist'),
      read<boolean>('paused'),
      read<boolean>('isShutdown'),
    ]);
    facts = {
      address: vault,
      name,
      symbol,
      decimals: Number(decimals),
      asset: getAddress(asset),
      modules: modules.map((m) => getAddress(m)),
      owner: getAddress(owner),
      guardian: getAddress(guardian),
      strategist: getAddress(strategist),
      paused,
      shutdown,
    };
  } catch (error) {
    if ((error as Error).name === 'HttpRequestError') throw error;
    throw new CliInputError(`unknown vault ${vault}: the contract there is not a Ballast vault (its modules()/guardian() views do not answer)`);
  }
  const [assetSymbol, assetDecimals] = await Promise.all([
    client.readContract({ address: facts.asset, abi: erc20Abi, functionName: 'symbol' }).catch(() => 'asset'),
    client.readContract({ address: facts.asset, abi: erc20Abi, functionName: 'decimals' }),
  ]);
  return { ...facts, assetSymbol, assetDecimals: Number(assetDecimals) };
}

/**
 * Resolves the global options into a context: parses them, reaches the RPC, checks the vault. The key is
 * parsed up front (a malformed one fails before any RPC call) but only used by commands that write.
 */
export async function createContext(options: GlobalOptions, env: NodeJS.ProcessEnv = process.env): Promise<CliContext> {
  const rpcUrl = rpcUrlOf(options, env);
  const rawKey = options.key ?? env.BALLAST_KEY;
  const key: Secret<`0x${string}`> | null = rawKey === undefined || rawKey === '' ? null : parsePrivateKey(rawKey, options.key ? '--key' : 'BALLAST_KEY');
  const vaultArg = options.vault ? parseAddress(options.vault, '--vault') : null;
  const deployment = readDeployment(options, env);
  const vault = vaultArg ?? deployment?.vault;
  if (!vault) {
    throw new CliInputError(
      deployment
        ? `${deployment.path} names no vault: pass --vault <address>`
        : `no vault: pass --vault <address>, or --deployment <file>, or start the local world (npm start) so that ${DEFAULT_DEPLOYMENT_FILE} exists`,
    );
  }

  const probe = createPublicClient({ transport: http(rpcUrl, { retryCount: 0, timeout: 10_000 }) });
  let chainId: number;
  try {
    chainId = await probe.getChainId();
  } catch (error) {
    throw new CliChainError(`cannot reach the RPC at ${rpcUrl}: ${(error as { shortMessage?: string }).shortMessage ?? (error as Error).message}`);
  }
  const multicall3 = deployment?.multicall3 ?? CANONICAL_MULTICALL3;
  const chain = ballastChain({ chainId, rpcUrls: [rpcUrl], multicall3 });
  const transport = http(rpcUrl, { batch: { wait: 0 }, retryCount: 1, timeout: 30_000 });
  const client = createPublicClient({ chain, transport, cacheTime: 0 }) as PublicClient<Transport, Chain>;
  const facts = await readVaultFacts(client, vault, rpcUrl);

  let account: PrivateKeyAccount | null = null;
  const signer = (): PrivateKeyAccount => {
    if (!key) throw new CliInputError('this command sends a transaction: pass --key <private key> or set BALLAST_KEY');
    account ??= privateKeyToAccount(key.reveal());
    return account;
  };
  return {
    rpcUrl,
    chain,
    client,
    deployment,
    vault: facts,
    json: options.json === true,
    logsFromBlock: deployment?.vault === facts.address && deployment.startBlock !== undefined ? deployment.startBlock : 0n,
    signer,
    wallet() {
      return createWalletClient({ chain, transport: http(rpcUrl, { retryCount: 0, timeout: 60_000 }), account: signer() }) as WalletClient<
        Transport,
        Chain,
        PrivateKeyAccount
      >;
    },
    async now() {
      return (await client.getBlock({ blockTag: 'latest' })).timestamp;
    },
  };
}
