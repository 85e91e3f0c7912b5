// Runs a Foundry tool (forge, cast, anvil) from its npm platform package and exits with the tool's own
// exit code. The `@foundry-rs/*` npm wrappers (node_modules/.bin/forge, ...) spawn the binary but always
// exit 0, so `npm test` and CI would pass on failing tests: every script in package.json goes through here.
//
// Usage: node contracts/toolchain/foundry.mjs <forge|cast|anvil> [args...]
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';

const TOOLS = new Set(['forge', 'cast', 'anvil']);
const ARCH = { x64: 'amd64', arm64: 'arm64' };

const [tool, ...args] = process.argv.slice(2);
if (!TOOLS.has(tool)) {
  console.error(`foundry.mjs: unknown tool "${tool ?? ''}"; expected one of ${[...TOOLS].join(', ')}`);
  process.exit(2);
}
const arch = ARCH[process.arch];
const pkg = `@foundry-rs/${tool}-${process.platform}-${arch}`;
let binary;
try {
  const require = createRequire(import.meta.url);
  binary = path.join(path.dirname(require.resolve(`${pkg}/package.json`)), 'bin', process.platform === 'win32' ? `${tool}.exe` : tool);
} catch {
  console.error(`foundry.mjs: ${pkg} is not installed (platform ${process.platform}/${process.arch}); run npm install`);
  process.exit(2);
}

const child = spawn(binary, args, { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('error', (error) => {
  console.error(`foundry.mjs: cannot start ${binary}: ${error.message}`);
  process.exit(2);
});
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 + 1 : 1)));
