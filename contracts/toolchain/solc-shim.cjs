#!/usr/bin/env node
// Behaves like a native `solc` binary for forge, backed by the solcjs (WebAssembly) build that npm
// installed as `solc-<version>`. forge only ever calls `--version` and `--standard-json` (input on stdin,
// output on stdout), plus path flags whose directories are used to resolve imports not given inline.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const { parseArgs, resolveImport } = require('./solc-shim-lib.cjs');

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
  const input = fs.readFileSync(0, 'utf8');
  const output = solc.compile(input, { import: (p) => resolveImport(p, options.searchPaths) });
  process.stdout.write(output);
}

main();
