// Runs a backend entry point written in TypeScript: transpile what changed (build.mjs), then import the
// output. Usage: node backend/tools/run.mjs backend/src/<entry>.ts [args...]; the entry sees its own
// arguments as process.argv.slice(2).
import { relative, resolve, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildBackend, DIST } from './build.mjs';

const [entry, ...args] = process.argv.slice(2);
if (!entry || !entry.startsWith('backend/src/') || !entry.endsWith('.ts')) {
  console.error('usage: node backend/tools/run.mjs backend/src/<entry>.ts [args...]');
  process.exit(2);
}
await buildBackend();
process.argv = [process.argv[0], resolve(entry), ...args];
const compiled = join(DIST, relative('backend/src', entry).replace(/\.ts$/, '.js'));
await import(pathToFileURL(compiled).href);
