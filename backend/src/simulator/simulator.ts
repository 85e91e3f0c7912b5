/**
 * The market simulator: moves the local world's price block by block through the PoolArbitrageur's
 * `setPrice` (feed answer and Uniswap pool in one transaction, as arbitrageurs keep them on a live chain).
 *
 * Simulated time. The world's keeper cooldown is one hour; at real speed a person would wait an hour between
 * rebalances. The simulator therefore makes every block advance chain time by `speed x blockTime` seconds
 * (`anvil_setBlockTimestampInterval`: exact and race-free, unlike repeated `evm_increaseTime`), so with the
 * default speed of 60 one wall second is one chain minute and the cooldown passes in a wall minute. Feed
 * timestamps, the pool's TWAP, cooldowns, the loss-budget window and the service's volatility estimate all
 * read this one clock, so they stay consistent with each other. The price source sees the same clock.
 *
 * @packageDocumentation
 */
import { parseAbi, type Address, type Chain, type Hex, type PublicClient, type Transport, type WalletClient } from 'viem';
import type { PrivateKeyAccount } from 'viem/accounts';
import type { MarketEvent, PriceSource } from './random-walk.js';

/** The arbitrageur's functions the simulator uses (the world script's PoolArbitrageur). */
export const poolArbitrageurAbi = parseAbi([
  'function setPrice(int256 answer)',
  'function owner() view returns (address)',
  'function transferOwnership(address newOwner)',
]);

/** The feed's answer for a price (8 decimals, as the local world's ETH/USD feed). */
export function toFeedAnswer(price: number, decimals = 8): bigint {
  if (!(price > 0) || !Number.isFinite(price)) throw new RangeError(`price must be positive and finite, got ${price}`);
  return BigInt(Math.round(price * 10 ** decimals));
}

/** One price that landed on chain. */
export interface PriceUpdate {
  readonly price: number;
  readonly blockNumber: bigint;
  readonly timestamp: bigint;
  /** Simulated seconds since the simulator started. */
  readonly elapsedSeconds: number;
  readonly txHash: Hex;
  readonly event?: MarketEvent;
}

export interface MarketSimulatorOptions {
  readonly client: PublicClient<Transport, Chain>;
  /** Owner of the arbitrageur. */
  readonly wallet: WalletClient<Transport, Chain, PrivateKeyAccount>;
  readonly arbitrageur: Address;
  readonly source: PriceSource;
  /** Simulated seconds per wall second. */
  readonly speed: number;
  /** Seconds between blocks (anvil's interval mining). */
  readonly blockTimeSeconds: number;
  readonly feedDecimals?: number;
  /** Called after each price lands (status lines, shock reports). */
  readonly onUpdate?: (update: PriceUpdate) => void;
  /** Called when a price update fails; the simulator keeps going. */
  readonly onError?: (error: Error) => void;
}

/** Drives the price, one update per block, until {@link MarketSimulator.stop}. */
export class MarketSimulator {
  private running = false;
  private loop: Promise<void> | null = null;
  private startTimestamp = 0n;
  private wake: (() => void) | null = null;
  /** Updates sent so far. */
  updates = 0;

  constructor(private readonly options: MarketSimulatorOptions) {}

  /** Simulated seconds each block adds to chain time. */
  get secondsPerBlock(): number {
    return Math.max(1, Math.round(this.options.speed * this.options.blockTimeSeconds));
  }

  /** Sets the chain's clock to simulated time and starts moving the price. */
  async start(): Promise<void> {
    const { client } = this.options;
    await client.request({ method: 'anvil_setBlockTimestampInterval' as never, params: [this.secondsPerBlock] as never });
    this.startTimestamp = (await client.getBlock()).timestamp;
    this.running = true;
    this.loop = this.run();
  }

  /** Stops after the update in hand (never leaves a half-sent transaction behind). */
  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    this.loop = null;
  }

  private async run(): Promise<void> {
    const { client, wallet, arbitrageur, source } = this.options;
    let failures = 0;
    while (this.running) {
      try {
        const head = await client.getBlock();
        // The update lands in the next block: price it for that block's time.
        const elapsed = Number(head.timestamp - this.startTimestamp) + this.secondsPerBlock;
        const tick = source.advance(elapsed);
        const hash = await wallet.writeContract({
          address: arbitrageur,
          abi: poolArbitrageurAbi,
          functionName: 'setPrice',
          args: [toFeedAnswer(tick.price, this.options.feedDecimals)],
        });
        const receipt = await client.waitForTransactionReceipt({ hash, pollingInterval: 100, timeout: 30_000 });
        if (receipt.status !== 'success') throw new Error(`setPrice reverted in transaction ${hash}`);
        this.updates++;
        failures = 0;
        const block = await client.getBlock({ blockNumber: receipt.blockNumber });
        this.options.onUpdate?.({
          price: tick.price,
          blockNumber: receipt.blockNumber,
          timestamp: block.timestamp,
          elapsedSeconds: Number(block.timestamp - this.startTimestamp),
          txHash: hash,
          ...(tick.event ? { event: tick.event } : {}),
        });
        // A finished file holds its last price: nothing more to send, but keep the loop for stop().
        if (tick.finished) await this.sleep(Infinity);
      } catch (error) {
        if (!this.running) break;
        failures++;
        // One line per failure, then back off: the chain may be busy or restarting.
        this.options.onError?.(error as Error);
        await this.sleep(Math.min(10_000, 500 * 2 ** Math.min(failures, 5)));
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = Number.isFinite(ms) ? setTimeout(done, ms) : null;
      function done(): void {
        if (timer) clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }
}
