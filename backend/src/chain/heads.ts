/**
 * Follows the chain head over HTTP by polling. viem's `watchBlocks` does the same, but its unwatch only flags the
 * loop: the wait it is in (up to one polling interval) and a request in flight run on, and with the default 1 s
 * interval that kept a closed service's process alive for up to a second after `app.close()` (the jest workers'
 * "failed to exit gracefully" warning). Here `stop()` clears the wait and resolves once no request is in flight,
 * so after it nothing of the watcher is left.
 *
 * @packageDocumentation
 */
import type { Block, PublicClient } from 'viem';

export interface HeadPollOptions {
  /** Time between the end of one poll and the start of the next (the first poll waits one interval too). */
  readonly intervalMs: number;
  /** Called once per new head, in order; never for a head at or below one already seen. */
  readonly onBlock: (block: Block) => void;
  readonly onError: (error: Error) => void;
}

export interface HeadPoller {
  /** Stops polling: no timer is left, and it resolves after the request in flight (if any) has settled. */
  stop(): Promise<void>;
}

/** Polls `eth_getBlockByNumber('latest')` every `intervalMs` and reports each new head once (missed ones are not fetched). */
export function pollHeads(client: Pick<PublicClient, 'getBlock'>, options: HeadPollOptions): HeadPoller {
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let inFlight: Promise<void> | null = null;
  let last: bigint | null = null;

  const poll = async (): Promise<void> => {
    try {
      const block = await client.getBlock({ blockTag: 'latest' });
      if (stopped || block.number === null) return;
      if (last !== null && block.number <= last) return;
      last = block.number;
      options.onBlock(block);
    } catch (error) {
      if (!stopped) options.onError(error as Error);
    }
  };
  const schedule = (): void => {
    timer = setTimeout(() => {
      timer = null;
      inFlight = poll().finally(() => {
        inFlight = null;
        if (!stopped) schedule();
      });
    }, options.intervalMs);
  };
  schedule();

  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
      await inFlight;
    },
  };
}
