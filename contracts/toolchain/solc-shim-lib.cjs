'use strict';
// Pure helpers of the solc shim, kept apart so they can be unit-tested without a compiler.
const fs = require('node:fs');
const path = require('node:path');

/** Flags forge passes that take a directory (or comma-separated directories) as their value. */
const PATH_FLAGS = new Set(['--base-path', '--include-path', '--allow-paths']);

/**
 * Parses the subset of solc's command line that forge uses.
 * @param {string[]} args
 * @returns {{version: boolean, standardJson: boolean, searchPaths: string[]}}
 */
function parseArgs(args) {
  const out = { version: false, standardJson: false, searchPaths: [] };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const [flag, inline] = arg.includes('=') ? arg.split(/=(.*)/s, 2) : [arg, undefined];
    if (flag === '--version') out.version = true;
    else if (flag === '--standard-json') out.standardJson = true;
    else if (PATH_FLAGS.has(flag)) {
      const value = inline ?? args[++i];
      if (value === undefined) throw new Error(`solc-shim: ${flag} needs a value`);
      for (const p of value.split(',')) if (p) out.searchPaths.push(p);
    }
  }
  return out;
}

/**
 * Finds an import that forge did not send inline: as given, then under every search path.
 * @param {string} importPath
 * @param {string[]} searchPaths
 * @returns {{contents: string} | {error: string}}
 */
function resolveImport(importPath, searchPaths) {
  const candidates = [importPath, ...searchPaths.map((base) => path.join(base, importPath))];
  for (const candidate of candidates) {
    try {
      return { contents: fs.readFileSync(candidate, 'utf8') };
    } catch {
      // try the next search path
    }
  }
  return { error: `File not found: ${importPath} (searched ${candidates.length} locations)` };
}

/**
 * Splits a standard-JSON input into inputs that each select the outputs of at most `size` files. A chunk
 * carries only those files and their import closure (asking just the AST of the imported ones): analysing
 * every source in each chunk is what exhausts solcjs's memory. `mergeOutputs` joins the results.
 * @param {any} input parsed standard-JSON input
 * @param {number} size
 * @returns {any[]}
 */
function splitSelection(input, size) {
  const selection = input.settings?.outputSelection ?? {};
  const targets = targetFiles(input);
  if (targets.length <= size) return [input];
  const chunks = [];
  for (let i = 0; i < targets.length; i += size) {
    const chosen = targets.slice(i, i + size);
    const closure = importClosure(input.sources, chosen, input.settings?.remappings ?? []);
    const sources = {};
    const chunkSelection = {};
    for (const file of closure) {
      sources[file] = input.sources[file];
      chunkSelection[file] = chosen.includes(file) ? selection[file] : { '': selection[file]?.[''] ?? [] };
    }
    chunks.push({ ...input, sources, settings: { ...input.settings, outputSelection: chunkSelection } });
  }
  return chunks;
}

/** Files whose contracts the input asks output for (not only their AST). */
function targetFiles(input) {
  const selection = input.settings?.outputSelection ?? {};
  return Object.keys(selection).filter((file) =>
    Object.entries(selection[file]).some(([contract, outputs]) => contract !== '' && outputs.length),
  );
}

/** How many files `targetFiles` finds. */
function countTargets(input) {
  return targetFiles(input).length;
}

const IMPORT_RE = /^\s*import\s+(?:[^'"]*?\s+from\s+)?["']([^"']+)["']/gm;

/**
 * The files `roots` import, transitively, resolved like solc does (relative paths, then remappings).
 * @param {Record<string, {content?: string}>} sources
 * @param {string[]} roots
 * @param {string[]} remappings `prefix=target` entries
 */
function importClosure(sources, roots, remappings) {
  const rules = remappings
    .map((r) => r.replace(/^[^:]*:/, '').split('='))
    .sort((a, b) => b[0].length - a[0].length);
  const resolve = (from, spec) => {
    if (spec.startsWith('./') || spec.startsWith('../')) return path.posix.normalize(path.posix.join(path.posix.dirname(from), spec));
    for (const [prefix, target] of rules) if (spec.startsWith(prefix)) return path.posix.normalize(target + spec.slice(prefix.length));
    return spec;
  };
  const seen = new Set();
  const stack = [...roots];
  while (stack.length) {
    const file = stack.pop();
    if (seen.has(file) || !sources[file]) continue;
    seen.add(file);
    for (const match of (sources[file].content ?? '').matchAll(IMPORT_RE)) stack.push(resolve(file, match[1]));
  }
  return seen;
}

/**
 * Merges the outputs of `splitSelection`'s chunks into one standard-JSON output.
 * @param {any[]} outputs
 */
function mergeOutputs(outputs) {
  if (outputs.length === 1) return outputs[0];
  const merged = { sources: {}, contracts: {}, errors: [] };
  const seenErrors = new Set();
  for (const out of outputs) {
    for (const [file, source] of Object.entries(out.sources ?? {})) {
      if (!merged.sources[file] || (source.ast && !merged.sources[file].ast)) merged.sources[file] = source;
    }
    for (const [file, contracts] of Object.entries(out.contracts ?? {})) {
      for (const [name, contract] of Object.entries(contracts)) {
        if (contract.evm || contract.abi) (merged.contracts[file] ??= {})[name] = contract;
      }
    }
    for (const error of out.errors ?? []) {
      const key = error.formattedMessage ?? error.message;
      if (!seenErrors.has(key)) {
        seenErrors.add(key);
        merged.errors.push(error);
      }
    }
  }
  return merged;
}

module.exports = { parseArgs, resolveImport, splitSelection, mergeOutputs, importClosure, countTargets, PATH_FLAGS };
