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

module.exports = { parseArgs, resolveImport, PATH_FLAGS };
