/**
 * The only place that creates viem clients. Every RPC request goes through one transport that counts
 * requests (for `/metrics` and the scan benchmark) and batches concurrent JSON-RPC calls into one HTTP
 * request, so a scan tick costs one round trip however many multicall chunks it needs.
 *
 * @packageDocumentation
 */
import {
  createPublicClient,
  defineChain,
  fallback,
  http,
  webSocket,
  type Address,
  type Chain,
  type PublicClient,
  type Transport,
} from 'viem';
import { privateKeyToAccount, type PrivateKeyAccount } from 'viem/accounts';
import type { ServiceConfig } from '../config/config.js';

/** Counts of what the service asked the RPC for. */
export interface RpcStats {
  /** HTTP requests sent (one JSON-RPC batch counts once). */
  httpRequests: number;
  /** JSON-RPC calls inside them. */
  rpcCalls: number;
}

export interface ChainClients {
  readonly chain: Chain;
  readonly publicClient: PublicClient<Transport, Chain>;
  /** Keeper accounts by address; their keys never leave the account objects. */
  readonly keepers: ReadonlyMap<Address, PrivateKeyAccount>;
  readonly rpcStats: RpcStats;
}

/** The chain as viem needs it: id, RPC and the Multicall3 to batch reads through. */
export function ballastChain(config: Pick<ServiceConfig, 'chainId' | 'rpcUrls' | 'multicall3'>): Chain {
  return defineChain({
    id: config.chainId,
    name: config.chainId === 31337 ? 'Anvil (Ballast local world)' : `chain ${config.chainId}`,
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: config.rpcUrls.filter((u) => u.startsWith('http')) } },
    contracts: { multicall3: { address: config.multicall3 } },
  });
}

/** Whether `url` is a WebSocket RPC (pushes new heads) rather than an HTTP one (polled). */
export function isWebSocketUrl(url: string): boolean {
  return url.startsWith('ws');
}

/** Creates the clients. Retries are left to the job queue (`retryCount: 0`), which backs off and records. */
export function createChainClients(
  config: Pick<ServiceConfig, 'chainId' | 'rpcUrls' | 'multicall3' | 'keeperKeys'>,
  options: { pollingIntervalMs?: number; timeoutMs?: number } = {},
): ChainClients {
  const rpcStats: RpcStats = { httpRequests: 0, rpcCalls: 0 };
  const transports = config.rpcUrls.map((url) =>
    isWebSocketUrl(url)
      ? webSocket(url, { retryCount: 0 })
      : http(url, {
          batch: { batchSize: 10_000, wait: 0 },
          retryCount: 0,
          timeout: options.timeoutMs ?? 10_000,
          onFetchRequest: async (request) => {
            rpcStats.httpRequests++;
            try {
              const body = JSON.parse(await request.clone().text()) as unknown;
              rpcStats.rpcCalls += Array.isArray(body) ? body.length : 1;
            } catch {
              rpcStats.rpcCalls++;
            }
          },
        }),
  );
  const transport = transports.length === 1 ? transports[0]! : fallback(transports, { retryCount: 0 });
  const chain = ballastChain(config);
  const publicClient = createPublicClient({
    chain,
    transport,
    pollingInterval: options.pollingIntervalMs ?? 1_000,
    // Never answer getBlockNumber from a cache: scans pin reads to the block they name.
    cacheTime: 0,
  }) as PublicClient<Transport, Chain>;
  const keepers = new Map<Address, PrivateKeyAccount>();
  for (const key of config.keeperKeys) {
    const account = privateKeyToAccount(key.reveal());
    keepers.set(account.address, account);
  }
  return { chain, publicClient, keepers, rpcStats };
}
