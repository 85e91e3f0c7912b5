// Transpiles backend/src/**/*.ts to dist/backend/src/**/*.js with swc (the same options jest uses), so the
// service, the CLI and the backtester run on plain Node. Type-checking is `npm run lint` (tsc --noEmit).
// Incremental: a file is rewritten only when its source is newer. Takes well under a second.
import { mkdir, readdir, stat, writeFile, rm } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import swc from '@swc/core';
import { swcOptions } from './swc-options.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SOURCE = join(ROOT, 'backend/src');
export const DIST = join(ROOT, 'dist/backend/src');

async function* walk(dir) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else yield path;
  }
}

async function mtime(path) {
  try {
    return (await stat(path)).mtimeMs;
  } catch {
    return -1;
  }
}

/** Transpiles what changed; returns how many files were written. */
export async function buildBackend() {
  let written = 0;
  const expected = new Set();
  for await (const file of walk(SOURCE)) {
    const rel = relative(SOURCE, file);
    if (file.endsWith('.ts') && !file.endsWith('.d.ts')) {
      const target = join(DIST, rel.replace(/\.ts$/, '.js'));
      expected.add(target);
      if ((await mtime(target)) >= (await mtime(file))) continue;
      const { code } = await swc.transformFile(file, { ...swcOptions({ sourceMaps: 'inline' }), filename: file });
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, code);
      written++;
    } else if (/\.(json|html|css|svg|js)$/.test(file)) {
      const target = join(DIST, rel);
      expected.add(target);
      if ((await mtime(target)) >= (await mtime(file))) continue;
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, await (await import('node:fs/promises')).readFile(file));
      written++;
    }
  }
  // Drop outputs whose source was deleted, so a stale module can never be imported.
  if ((await mtime(DIST)) >= 0) {
    for await (const file of walk(DIST)) if (!expected.has(file)) await rm(file);
  }
  return written;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const n = await buildBackend();
  console.log(`backend: ${n} file(s) transpiled to ${relative(ROOT, DIST)}`);
}
