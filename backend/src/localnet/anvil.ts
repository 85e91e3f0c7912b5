/**
 * A real anvil, spawned from node_modules on a free port: for end-to-end tests and benchmarks.
 *
 * @packageDocumentation
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: the nearest folder above this file holding foundry.toml (works from src/ and dist/). */
export const ROOT = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(resolve(dir, 'foundry.toml'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the repository root (foundry.toml) above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
  return dir;
})();

/** A TCP port nobody listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.unref();
    server.on('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => ok(port));
    });
  });
}

/**
 * Keep the last 256 block states in memory and none on disk. By default anvil writes older states to
 * ~/.foundry/anvil/tmp and never deletes them while it runs: long runs (benchmarks, `npm start`) filled the disk
 * with tens of gigabytes. Reads here use the head or a block or two before it.
 */
export const ANVIL_HISTORY_ARGS: readonly string[] = ['--prune-history', '256'];

export interface Anvil {
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

export async function startAnvil(args: string[] = []): Promise<Anvil> {
  const port = await freePort();
  const child: ChildProcess = spawn(resolve(ROOT, 'node_modules/.bin/anvil'), ['--port', String(port), '--silent', ...ANVIL_HISTORY_ARGS, ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]}' });
      if (res.ok) break;
    } catch {
      /* not up yet */
    }
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`anvil did not start on ${port}: ${stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    port,
    stop: () =>
      new Promise<void>((ok) => {
        if (child.exitCode !== null) return ok();
        child.once('exit', () => ok());
        child.kill('SIGTERM');
      }),
  };
}
