/**
 * What `npm start` prints while it runs: market shocks, every keeper rebalance and delever (from the vault's
 * events, with the transaction), and a status line now and then (simulated time, price, leverage).
 *
 * @packageDocumentation
 */
import { parseEventLogs, type Address, type Chain, type PublicClient, type Transport } from 'viem';
import { ballastVaultAbi, morphoLeverageModuleAbi } from '../chain/abi/index.js';
import type { MarketEvent, PriceUpdate } from '../simulator/index.js';

const WAD = 10n ** 18n;

/** `2.04x` from a WAD leverage. */
export function formatLeverage(wad: bigint): string {
  if (wad >= 1000n * WAD) return 'inf';
  return `${(Number(wad / 10n ** 14n) / 10_000).toFixed(2)}x`;
}

/** `+1d 03h12m` of simulated time. */
export function formatSimTime(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  const days = Math.floor(s / 86_400);
  const hours = Math.floor((s % 86_400) / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  const hm = `${String(hours).padStart(2, '0')}h${String(minutes).padStart(2, '0')}m`;
  return `+${days > 0 ? `${days}d ` : ''}${hm}`;
}

/** One line for a market event. */
export function describeMarketEvent(event: MarketEvent, update: Pick<PriceUpdate, 'blockNumber'>): string {
  switch (event.kind) {
    case 'shock':
      return (
        `shock -${(event.size * 100).toFixed(1)}%: ${event.from.toFixed(2)} -> ${event.to.toFixed(2)} in block ${update.blockNumber}; ` +
        `${(event.reboundFraction * 100).toFixed(0)}% of it rebounds over ${formatSimTime(event.reboundSeconds).slice(1)}`
      );
    case 'rebounded':
      return `rebound complete at ${event.price.toFixed(2)}`;
    case 'finished':
      return `price file finished: holding ${event.price.toFixed(2)}`;
  }
}

const DELEVER_REASONS = ['ripcord', 'dead-man\'s switch', 'guardian delever'];

/** Polls the vault's Rebalanced/Delevered events and prints one line per event. */
export class ActivityReporter {
  private nextBlock: bigint;
  private timer: NodeJS.Timeout | null = null;
  private busy = false;

  constructor(
    private readonly client: PublicClient<Transport, Chain>,
    private readonly vault: Address,
    fromBlock: bigint,
    private readonly print: (line: string) => void,
  ) {
    this.nextBlock = fromBlock;
  }

  start(everyMs = 1_000): void {
    this.timer = setInterval(() => void this.poll(), everyMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Prints the events since the last poll. */
  async poll(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const head = await this.client.getBlockNumber();
      if (head < this.nextBlock) return;
      const logs = await this.client.getLogs({ address: this.vault, fromBlock: this.nextBlock, toBlock: head });
      this.nextBlock = head + 1n;
      for (const e of parseEventLogs({ abi: ballastVaultAbi, logs, eventName: ['Rebalanced', 'Delevered'] })) {
        const what =
          e.eventName === 'Rebalanced'
            ? `keeper rebalance (${e.args.postLeverage < e.args.preLeverage ? 'delever' : 'lever up'})`
            : (DELEVER_REASONS[Number((e.args as { reason: number }).reason)] ?? 'delever');
        const nav = (x: bigint): string => (Number(x / 10n ** 15n) / 1000).toFixed(3);
        this.print(
          `${what}: ${formatLeverage(e.args.preLeverage)} -> ${formatLeverage(e.args.postLeverage)}, ` +
            `NAV ${nav(e.args.preNav)} -> ${nav(e.args.postNav)} WETH, block ${e.blockNumber}, tx ${e.transactionHash}`,
        );
      }
    } catch {
      // The chain is busy or stopping; the next poll retries from the same block.
    } finally {
      this.busy = false;
    }
  }

  /** The module's leverage now, or null when it cannot be read. */
  static async leverage(client: PublicClient<Transport, Chain>, module: Address): Promise<bigint | null> {
    try {
      const state = await client.readContract({ address: module, abi: morphoLeverageModuleAbi, functionName: 'state' });
      return state.leverage;
    } catch {
      return null;
    }
  }
}
