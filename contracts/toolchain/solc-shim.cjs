#!/usr/bin/env node
// Behaves like a native `solc` binary for forge, backed by the solcjs (WebAssembly) build that npm
// installed as `solc-<version>`. forge only ever calls `--version` and `--standard-json` (input on stdin,
// output on stdout), plus path flags whose directories are used to resolve imports not given inline.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const { parseArgs, resolveImport, splitSelection, mergeOutputs } = require('./solc-shim-lib.cjs');

const CHUNK_SIZE = Number(process.env.BALLAST_SOLC_CHUNK ?? 8);

function main() {
  const [version, ...args] = process.argv.slice(2);
  if (!version) {
    process.stderr.write('solc-shim: missing compiler version argument\n');
    process.exit(2);
  }
  const solc = require(require.resolve(`solc-${version}`, { paths: [path.resolve(__dirname, '../..')] }));
  const options = parseArgs(args);
  if (options.version) {
    process.stdout.write(`solc, the solidity compiler commandline interface\nVersion: ${solc.version()}\n`);
    return;
  }
  if (!options.standardJson) {
    process.stderr.write(`solc-shim: only --version and --standard-json are supported (got: ${args.join(' ')})\n`);
    process.exit(2);
  }
  const input = JSON.parse(fs.readFileSync(0, 'utf8'));
  const findImports = (p) => resolveImport(p, options.searchPaths);
  // solcjs runs in 32-bit WebAssembly memory: generating code for a hundred files in one call can run out
  // of it ("memory access out of bounds"). Every chunk sees all sources but generates output for a few.
  // WebAssembly memory is never given back, so each chunk compiles in a process of its own.
  const chunks = splitSelection(input, CHUNK_SIZE);
  if (chunks.length === 1) {
    process.stdout.write(solc.compile(JSON.stringify(input), { import: findImports }));
    return;
  }
  const outputs = chunks.map((chunk) => {
    const child = spawnSync(process.execPath, [__filename, version, ...args], {
      input: JSON.stringify(chunk),
      env: { ...process.env, BALLAST_SOLC_CHUNK: String(Number.MAX_SAFE_INTEGER) },
      maxBuffer: 1 << 30,
      encoding: 'utf8',
    });
    if (child.status !== 0) {
      process.stderr.write(child.stderr);
      process.exit(child.status ?? 1);
    }
    return JSON.parse(child.stdout);
  });
  process.stdout.write(JSON.stringify(mergeOutputs(outputs)));
}

main();
