import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { Address, Block } from 'viem';
import type { ServiceConfig } from '../config/config.js';
import { CONFIG } from '../core/tokens.js';
import { createChainClients, isWebSocketUrl, type ChainClients } from './chain.js';
import { pollHeads } from './heads.js';
import { VaultReader } from './vault-reader.js';

/** Owns the viem clients, the vault reader and the chain head. */
@Injectable()
export class ChainService implements OnApplicationShutdown {
  private readonly logger = new Logger(ChainService.name);
  readonly clients: ChainClients;
  readonly reader: VaultReader;
  private head: { number: bigint; timestamp: bigint; seenAt: number } | null = null;
  private readonly headListeners = new Set<(block: Block) => void>();
  private stopHeads: (() => Promise<void>) | null = null;

  constructor(@Inject(CONFIG) readonly config: ServiceConfig) {
    this.clients = createChainClients(config, { pollingIntervalMs: config.headPollMs });
    this.reader = new VaultReader(this.clients.publicClient, config.multicall3);
  }

  get publicClient() {
    return this.clients.publicClient;
  }

  /** The latest block seen by the watcher (null before the first). */
  latestHead() {
    return this.head;
  }

  /** Checks that the RPC serves the configured chain; throws a message naming both ids otherwise. */
  async verifyChain(): Promise<void> {
    const id = await this.publicClient.getChainId();
    if (id !== this.config.chainId) {
      throw new Error(`the RPC at ${this.config.rpcUrls.join(', ')} serves chain ${id}, but BALLAST_CHAIN_ID is ${this.config.chainId}`);
    }
  }

  /**
   * Starts following new blocks; listeners hear each new head once. Over HTTP it polls every `headPollMs`
   * ({@link pollHeads}, which stops without leaving a timer or a request behind); over a WebSocket it subscribes.
   */
  watchHeads(): void {
    if (this.stopHeads) return;
    const onBlock = (block: Block) => {
      this.head = { number: block.number!, timestamp: block.timestamp, seenAt: Date.now() };
      for (const listener of this.headListeners) listener(block);
    };
    const onError = (error: Error) => this.logger.warn(`block watcher: ${error.message.split('\n')[0]}`);
    if (isWebSocketUrl(this.config.rpcUrls[0]!)) {
      // viem subscribes (eth_subscribe newHeads) when the first transport is a WebSocket: no polling loop to leave behind.
      const unwatch = this.publicClient.watchBlocks({ emitMissed: false, onBlock, onError });
      this.stopHeads = async () => unwatch();
    } else {
      const poller = pollHeads(this.publicClient, { intervalMs: this.config.headPollMs, onBlock, onError });
      this.stopHeads = () => poller.stop();
    }
  }

  onHead(listener: (block: Block) => void): () => void {
    this.headListeners.add(listener);
    return () => this.headListeners.delete(listener);
  }

  isKeeper(address: Address): boolean {
    return this.clients.keepers.has(address);
  }

  async onApplicationShutdown(): Promise<void> {
    const stop = this.stopHeads;
    this.stopHeads = null;
    await stop?.();
  }
}
