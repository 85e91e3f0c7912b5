/**
 * The service's configuration: read from the environment once at boot, validated as a whole, and handed
 * to every module as one typed, frozen object. Every problem is reported at once (`ConfigError`), and the
 * keeper keys are wrapped in `Secret` so no log line can print them.
 *
 * @packageDocumentation
 */
import { readFileSync } from 'node:fs';
import { getAddress, isAddress, isHex, type Address, type Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { DEFAULT_POLICY_PARAMETERS, type PolicyParameters } from '../policy/index.js';
import { Secret } from './secret.js';

/** What this process does; `all` runs every role in one process. */
export type Role = 'api' | 'scanner' | 'executor';
export const ROLES: readonly Role[] = ['api', 'scanner', 'executor'];

/** The validated configuration. Amounts of time are milliseconds unless the name says otherwise. */
export interface ServiceConfig {
  /** JSON-RPC endpoints, tried in order (viem's fallback transport). */
  readonly rpcUrls: readonly string[];
  /** The chain the endpoints must serve; checked against `eth_chainId` at boot. */
  readonly chainId: number;
  readonly redisUrl: string;
  /** Prefix of every Redis key (BullMQ's and ours), so several deployments or test runs share a Redis. */
  readonly redisPrefix: string;
  /** Keeper signer keys; one executor queue per key. Empty for a process without the executor role. */
  readonly keeperKeys: readonly Secret<Hex>[];
  /** The keepers' addresses: derived from the keys, or BALLAST_KEEPER_ADDRESSES on a process without keys. */
  readonly keeperAddresses: readonly Address[];
  /** Vaults to watch: a fixed list, or read from a deployment file written by the local-world script. */
  readonly vaults: readonly Address[];
  /** Where the vault list came from, for logs and `/health`. */
  readonly vaultSource: string;
  /** Multicall3 on this chain: BALLAST_MULTICALL3, else the deployment file's, else the canonical address. */
  readonly multicall3: Address;
  readonly roles: ReadonlySet<Role>;
  /** HTTP port and host of the API role. */
  readonly port: number;
  readonly host: string;
  /** Period of the scheduled scan. */
  readonly scanIntervalMs: number;
  /** Extra scans on every new block (and so on every feed update that lands in one). */
  readonly scanOnNewBlocks: boolean;
  /**
   * How often the chain client polls for a new head over HTTP (a WebSocket RPC pushes heads instead). The reaction to
   * a price move starts when its block is seen: with a poll as long as the block time, the keeper's transaction lands
   * one block later whenever the poll's phase falls late in the block.
   */
  readonly headPollMs: number;
  /** How often the reconciler checks that the scan scheduler still exists in Redis. */
  readonly reconcileIntervalMs: number;
  /** Seconds a rebalance transaction stays valid on-chain (`RebalanceParams.deadline`). */
  readonly jobDeadlineSeconds: number;
  /** How long to wait for a receipt before replacing the transaction with a higher fee. */
  readonly txReplaceAfterMs: number;
  /** Fee increase per replacement, in percent (nodes require at least 10). */
  readonly feeBumpPercent: number;
  /** Highest `maxFeePerGas` the executor will ever sign, in wei. */
  readonly maxFeePerGasWei: bigint;
  /** Replacements per transaction before the job fails for good. */
  readonly maxFeeBumps: number;
  /** BullMQ lock of an executor job; a worker that stalls past it loses the job to another. */
  readonly executorLockMs: number;
  /** How often workers look for jobs whose lock expired (a stalled or dead worker) and hand them out again. */
  readonly stalledIntervalMs: number;
  /** Attempts of an executor job on transient (RPC) errors, with exponential backoff from `retryBackoffMs`. */
  readonly executorAttempts: number;
  readonly retryBackoffMs: number;
  /**
   * How long a job that failed for good keeps its id in the executor queue: the same plan is not tried again
   * before then. After a transaction reverted on-chain (the pool moved between estimate and block), this is the
   * pause before a newer plan of the unchanged position may send again: it bounds the keeper gas an attacker
   * who keeps making the trade revert can burn.
   */
  readonly failedJobHoldMs: number;
  /** The policy's off-chain tuning (defaults, with BALLAST_RECENTERING_SPEED applied). */
  readonly policy: PolicyParameters;
}

/** Every problem found in the environment, reported together. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

type Env = Readonly<Record<string, string | undefined>>;

const ANVIL_CHAIN_ID = 31337;
/** Multicall3's address on every chain where it was deployed with its keyless transaction. */
export const CANONICAL_MULTICALL3: Address = '0xcA11bde05977b3631167028862bE2a173976CA11';

/** The parts of a local-world deployment file the service reads. */
export interface DeploymentFile {
  readonly vault?: unknown;
  readonly vaults?: unknown;
  readonly multicall3?: string;
}

/** Parses and validates the environment; throws `ConfigError` listing every problem. */
export function loadConfig(env: Env = process.env): ServiceConfig {
  const problems: string[] = [];
  const text = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };
  const integer = (name: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number => {
    const raw = text(name);
    if (raw === undefined) return fallback;
    if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
      problems.push(`${name} must be an integer in [${min}, ${max}], got "${raw}"`);
      return fallback;
    }
    return Number(raw);
  };
  const bool = (name: string, fallback: boolean): boolean => {
    const raw = text(name);
    if (raw === undefined) return fallback;
    if (!['true', 'false', '1', '0'].includes(raw)) {
      problems.push(`${name} must be true or false, got "${raw}"`);
      return fallback;
    }
    return raw === 'true' || raw === '1';
  };

  const rpcUrls = (text('BALLAST_RPC_URL') ?? 'http://127.0.0.1:8545').split(',').map((u) => u.trim());
  for (const url of rpcUrls) {
    if (!/^(https?|wss?):\/\/[^\s]+$/.test(url)) problems.push(`BALLAST_RPC_URL: "${url}" is not an http(s) or ws(s) URL`);
  }
  const chainId = integer('BALLAST_CHAIN_ID', ANVIL_CHAIN_ID, 1);

  const redisUrl = text('REDIS_URL') ?? 'redis://127.0.0.1:6379';
  if (!/^rediss?:\/\/[^\s]+$/.test(redisUrl)) problems.push(`REDIS_URL: "${redisUrl}" is not a redis:// or rediss:// URL`);
  const redisPrefix = text('BALLAST_REDIS_PREFIX') ?? 'ballast';
  if (!/^[A-Za-z0-9_{}-]+$/.test(redisPrefix)) {
    problems.push(`BALLAST_REDIS_PREFIX: "${redisPrefix}" may hold only letters, digits, _ - { } (no ":")`);
  }

  const roles = parseRoles(text('BALLAST_ROLES') ?? 'all', problems);

  // Keys: BALLAST_KEEPER_KEYS (comma-separated) or BALLAST_KEEPER_KEY_FILE (one per line). Never echo one.
  const keySources: string[] = [];
  const inline = text('BALLAST_KEEPER_KEYS');
  const keyFile = text('BALLAST_KEEPER_KEY_FILE');
  if (inline && keyFile) problems.push('set BALLAST_KEEPER_KEYS or BALLAST_KEEPER_KEY_FILE, not both');
  if (inline) keySources.push(...inline.split(','));
  if (keyFile) {
    try {
      keySources.push(...readFileSync(keyFile, 'utf8').split(/\r?\n/).filter((l) => l.trim() && !l.startsWith('#')));
    } catch (error) {
      problems.push(`BALLAST_KEEPER_KEY_FILE: cannot read "${keyFile}" (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  }
  const keeperKeys: Secret<Hex>[] = [];
  const keeperAddresses: Address[] = [];
  keySources.forEach((raw, i) => {
    const key = raw.trim();
    if (!isHex(key) || key.length !== 66) {
      // Say which entry and what is wrong with it, never what it holds.
      problems.push(`keeper key #${i + 1} is not a 32-byte 0x-prefixed hex private key`);
      return;
    }
    const address = privateKeyToAccount(key).address;
    if (keeperAddresses.includes(address)) problems.push(`keeper key #${i + 1} repeats the key of ${address}`);
    keeperKeys.push(new Secret(key));
    keeperAddresses.push(address);
  });
  // A scanner without keys (a separate process) still routes each vault to its signer's queue.
  const listedAddresses = text('BALLAST_KEEPER_ADDRESSES');
  if (listedAddresses && keeperKeys.length > 0) problems.push('set BALLAST_KEEPER_ADDRESSES only on processes without keeper keys');
  if (listedAddresses && keeperKeys.length === 0) {
    for (const entry of listedAddresses.split(',').map((a) => a.trim())) {
      if (isAddress(entry, { strict: false })) keeperAddresses.push(getAddress(entry));
      else problems.push(`BALLAST_KEEPER_ADDRESSES: "${entry}" is not an address`);
    }
  }
  if (roles.has('scanner') && keeperAddresses.length === 0) {
    problems.push('the scanner role needs the keepers: set BALLAST_KEEPER_KEYS, BALLAST_KEEPER_KEY_FILE or BALLAST_KEEPER_ADDRESSES');
  }
  if (roles.has('executor') && keeperKeys.length === 0) {
    problems.push('the executor role needs at least one keeper key: set BALLAST_KEEPER_KEYS or BALLAST_KEEPER_KEY_FILE');
  }

  const { vaults, vaultSource, deployment } = parseVaults(text('BALLAST_VAULTS'), text('BALLAST_DEPLOYMENT_FILE'), problems);
  let multicall3: Address = CANONICAL_MULTICALL3;
  const multicallRaw = text('BALLAST_MULTICALL3') ?? deployment?.multicall3;
  if (multicallRaw !== undefined) {
    if (isAddress(multicallRaw, { strict: false })) multicall3 = getAddress(multicallRaw);
    else problems.push(`BALLAST_MULTICALL3: "${multicallRaw}" is not an address`);
  }

  let policy = DEFAULT_POLICY_PARAMETERS;
  const speed = text('BALLAST_RECENTERING_SPEED');
  if (speed !== undefined) {
    if (!/^(0?\.\d{1,18}|1(\.0*)?)$/.test(speed) || Number(speed) <= 0) {
      problems.push(`BALLAST_RECENTERING_SPEED must be a decimal in (0, 1], got "${speed}"`);
    } else {
      const [whole, fraction = ''] = speed.split('.');
      const wad = BigInt(whole || '0') * 10n ** 18n + BigInt(fraction.padEnd(18, '0') || '0');
      policy = Object.freeze({ ...DEFAULT_POLICY_PARAMETERS, recenteringSpeed: wad });
    }
  }

  const config: ServiceConfig = {
    rpcUrls,
    chainId,
    redisUrl,
    redisPrefix,
    keeperKeys,
    keeperAddresses,
    vaults,
    vaultSource,
    multicall3,
    roles,
    port: integer('BALLAST_PORT', 3000, 0, 65535),
    host: text('BALLAST_HOST') ?? '127.0.0.1',
    scanIntervalMs: integer('BALLAST_SCAN_INTERVAL_MS', 5000, 100),
    scanOnNewBlocks: bool('BALLAST_SCAN_ON_NEW_BLOCKS', true),
    headPollMs: integer('BALLAST_HEAD_POLL_MS', 1000, 50),
    reconcileIntervalMs: integer('BALLAST_RECONCILE_INTERVAL_MS', 5000, 100),
    jobDeadlineSeconds: integer('BALLAST_JOB_DEADLINE_SECONDS', 300, 10),
    txReplaceAfterMs: integer('BALLAST_TX_REPLACE_AFTER_MS', 15000, 100),
    feeBumpPercent: integer('BALLAST_FEE_BUMP_PERCENT', 15, 10, 500),
    maxFeePerGasWei: BigInt(integer('BALLAST_MAX_FEE_GWEI', 500, 1)) * 10n ** 9n,
    maxFeeBumps: integer('BALLAST_MAX_FEE_BUMPS', 5, 0, 50),
    executorLockMs: integer('BALLAST_EXECUTOR_LOCK_MS', 60000, 1000),
    stalledIntervalMs: integer('BALLAST_STALLED_INTERVAL_MS', 30000, 100),
    executorAttempts: integer('BALLAST_EXECUTOR_ATTEMPTS', 8, 1, 100),
    retryBackoffMs: integer('BALLAST_RETRY_BACKOFF_MS', 500, 10),
    failedJobHoldMs: integer('BALLAST_FAILED_JOB_HOLD_MS', 60000, 1000),
    policy,
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(config);
}

function parseRoles(raw: string, problems: string[]): ReadonlySet<Role> {
  if (raw === 'all') return new Set(ROLES);
  const roles = new Set<Role>();
  for (const part of raw.split(',').map((r) => r.trim())) {
    if ((ROLES as readonly string[]).includes(part)) roles.add(part as Role);
    else problems.push(`BALLAST_ROLES: unknown role "${part}" (use all, or a list of ${ROLES.join(', ')})`);
  }
  return roles;
}

function parseVaults(
  list: string | undefined,
  deploymentFile: string | undefined,
  problems: string[],
): { vaults: Address[]; vaultSource: string; deployment?: DeploymentFile } {
  if (list && deploymentFile) {
    problems.push('set BALLAST_VAULTS or BALLAST_DEPLOYMENT_FILE, not both');
    return { vaults: [], vaultSource: 'none' };
  }
  if (list) {
    const vaults: Address[] = [];
    for (const entry of list.split(',').map((v) => v.trim())) {
      if (!isAddress(entry, { strict: false })) problems.push(`BALLAST_VAULTS: "${entry}" is not an address`);
      else if (vaults.includes(getAddress(entry))) problems.push(`BALLAST_VAULTS: ${getAddress(entry)} is listed twice`);
      else vaults.push(getAddress(entry));
    }
    return { vaults, vaultSource: 'BALLAST_VAULTS' };
  }
  const file = deploymentFile ?? 'deployments/local.json';
  try {
    const json = readFileSync(file, 'utf8');
    return { vaults: vaultsFromDeployment(json, file), vaultSource: file, deployment: JSON.parse(json) as DeploymentFile };
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : (error as Error).message;
    problems.push(
      `no vaults to watch: BALLAST_VAULTS is not set and the deployment file "${file}" ${reason}` +
        ' (deploy the local world, or set BALLAST_VAULTS / BALLAST_DEPLOYMENT_FILE)',
    );
    return { vaults: [], vaultSource: file };
  }
}

/** The vault addresses in a deployment file (`deployments/local.json`: `{ vault }` or `{ vaults: [] }`). */
export function vaultsFromDeployment(json: string, file: string): Address[] {
  let record: DeploymentFile;
  try {
    record = JSON.parse(json) as DeploymentFile;
  } catch {
    throw new Error(`is not JSON`);
  }
  const entries = Array.isArray(record.vaults) ? record.vaults : record.vault !== undefined ? [record.vault] : [];
  if (entries.length === 0) throw new Error(`names no "vault" or "vaults"`);
  return entries.map((entry, i) => {
    if (typeof entry !== 'string' || !isAddress(entry, { strict: false })) {
      throw new Error(`entry ${i} of ${file} is not an address`);
    }
    return getAddress(entry);
  });
}
