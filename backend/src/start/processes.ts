/**
 * Child processes of `npm start` (anvil, redis-server, forge): spawned in their own process group, so a
 * Ctrl-C in the terminal reaches only `npm start`, which then stops them in order (simulator, service, Redis,
 * chain). Every child is tracked; if this process exits any other way, the `exit` hook kills what is left.
 *
 * @packageDocumentation
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { createServer } from 'node:net';

/** A user-facing failure: printed as its message, never as a stack trace. */
export class StartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StartError';
  }
}

/** Whether nothing listens on `port` at `host` right now. */
export function portIsFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

/** A TCP port nobody listens on right now (the kernel's pick). */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, host, () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * `preferred` if it is free; else, when `explicit` is false, any free port (the caller says so); when the
 * user asked for that port, a {@link StartError} naming the option to change.
 */
export async function choosePort(preferred: number, explicit: boolean, option: string): Promise<{ port: number; fallback: boolean }> {
  if (preferred !== 0 && (await portIsFree(preferred))) return { port: preferred, fallback: false };
  if (preferred !== 0 && explicit) throw new StartError(`port ${preferred} is in use: pass another ${option} (or 0 for any free port)`);
  return { port: await freePort(), fallback: preferred !== 0 };
}

const children = new Set<ChildProcess>();
let hooked = false;

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      /* already gone */
    }
  }
}

/** Spawns a tracked child in its own process group. */
export function spawnTracked(command: string, args: readonly string[], options: SpawnOptions = {}): ChildProcess {
  if (!hooked) {
    hooked = true;
    // Last resort (an uncaught error, process.exit elsewhere): no child may outlive us.
    process.on('exit', () => {
      for (const child of children) killGroup(child, 'SIGKILL');
    });
  }
  const child = spawn(command, [...args], { ...options, detached: true });
  children.add(child);
  child.once('exit', () => children.delete(child));
  child.once('error', () => children.delete(child));
  return child;
}

/** Sends SIGTERM, waits up to `graceMs`, then SIGKILL; resolves once the child has exited. */
export function stopChild(child: ChildProcess, graceMs = 5_000): Promise<void> {
  return new Promise((resolve) => {
    if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) {
      children.delete(child);
      return resolve();
    }
    const timer = setTimeout(() => killGroup(child, 'SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      children.delete(child);
      resolve();
    });
    killGroup(child, 'SIGTERM');
  });
}

/** Children still running (pids), for the shutdown summary and tests. */
export function runningChildren(): number[] {
  return [...children].filter((c) => c.exitCode === null && c.signalCode === null && c.pid !== undefined).map((c) => c.pid!);
}

/** Keeps the last `max` lines a child printed, for an error message. */
export class OutputTail {
  private readonly lines: string[] = [];
  private partial = '';

  constructor(private readonly max = 40) {}

  push(chunk: Buffer | string, onLine?: (line: string) => void): void {
    const text = this.partial + chunk.toString();
    const parts = text.split(/\r?\n/);
    this.partial = parts.pop() ?? '';
    for (const line of parts) {
      this.lines.push(line);
      if (this.lines.length > this.max) this.lines.shift();
      onLine?.(line);
    }
  }

  text(): string {
    return [...this.lines, this.partial].filter((l) => l.trim() !== '').join('\n');
  }
}

/** Stops every tracked child still running (the end of a shutdown, or an aborted boot). */
export async function stopAllChildren(graceMs = 5_000): Promise<void> {
  await Promise.all([...children].map((child) => stopChild(child, graceMs)));
}
