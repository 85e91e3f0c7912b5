#!/usr/bin/env node
// Behaves like a native `solc` binary for forge, backed by the solcjs (WebAssembly) build that npm
// installed as `solc-<version>`. forge only ever calls `--version` and `--standard-json` (input on stdin,
// output on stdout), plus path flags whose directories are used to resolve imports not given inline.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { spawn } = require('node:child_process');
const os = require('node:os');

const { parseArgs, resolveImport, splitSelection, mergeOutputs, countTargets } = require('./solc-shim-lib.cjs');

const CHUNK_SIZE = Number(process.env.BALLAST_SOLC_CHUNK ?? 8);

/** Compiles one chunk in a child process running this same shim (which then compiles it whole). */
function compileInChild(version, args, chunk) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [__filename, version, ...args], {
      env: { ...process.env, BALLAST_SOLC_CHUNK: String(Number.MAX_SAFE_INTEGER) },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const stderr = [];
    child.stderr.on('data', (data) => stderr.push(data));
    // A child that dies early closes its stdin; the failure is reported through its exit code.
    child.stdin.on('error', () => {});
    const stdout = [];
    child.stdout.on('data', (data) => stdout.push(data));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) {
        const detail = Buffer.concat(stderr).toString('utf8').split('\n').find((line) => line.includes('Error')) ?? '';
        reject(new Error(`solc-shim: a compile chunk of ${countTargets(chunk)} files exited with ${code} ${detail}`));
      }
      else resolve(JSON.parse(Buffer.concat(stdout).toString('utf8')));
    });
    child.stdin.end(JSON.stringify(chunk));
  });
}

/** Compiles a chunk; if solcjs runs out of memory on it, compiles its two halves instead. */
async function compileSplitting(version, args, chunk) {
  try {
    return [await compileInChild(version, args, chunk)];
  } catch (error) {
    const targets = countTargets(chunk);
    if (targets <= 1) throw error;
    const halves = splitSelection(chunk, Math.ceil(targets / 2));
    const outputs = [];
    for (const half of halves) outputs.push(...(await compileSplitting(version, args, half)));
    return outputs;
  }
}

async function mapConcurrent(items, limit, fn) {
  const results = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

async function main() {
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
  // solcjs runs in 32-bit WebAssembly memory: analysing a hundred files in one call runs out of it
  // ("memory access out of bounds"). So the requested files are compiled a few at a time, each chunk with
  // only their import closure, in a process of its own (WebAssembly memory is never given back), as many
  // at once as there are cores; the outputs are merged into one.
  const chunks = splitSelection(input, CHUNK_SIZE);
  if (chunks.length === 1) {
    process.stdout.write(solc.compile(JSON.stringify(input), { import: findImports }));
    return;
  }
  const outputs = (
    await mapConcurrent(chunks, os.availableParallelism(), (chunk) => compileSplitting(version, args, chunk))
  ).flat();
  process.stdout.write(JSON.stringify(mergeOutputs(outputs)));
}

main().catch((error) => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
});
