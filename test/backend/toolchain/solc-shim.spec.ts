import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

interface SolcShimLib {
  parseArgs(args: string[]): { version: boolean; standardJson: boolean; searchPaths: string[] };
  resolveImport(importPath: string, searchPaths: string[]): { contents: string } | { error: string };
  PATH_FLAGS: Set<string>;
}

const require = createRequire(import.meta.url);
const { parseArgs, resolveImport, PATH_FLAGS } =
  require('../../../contracts/toolchain/solc-shim-lib.cjs') as SolcShimLib;

describe('solc shim: parseArgs', () => {
  it.each([
    { args: ['--version'], expected: { version: true, standardJson: false, searchPaths: [] } },
    { args: ['--standard-json'], expected: { version: false, standardJson: true, searchPaths: [] } },
    {
      args: [
        '--standard-json',
        '--base-path',
        '/repo',
        '--include-path',
        '/repo/node_modules',
        '--allow-paths',
        '/a,/b',
      ],
      expected: { version: false, standardJson: true, searchPaths: ['/repo', '/repo/node_modules', '/a', '/b'] },
    },
    {
      args: ['--include-path=/x', '--allow-paths=/y,,/z', '--standard-json'],
      expected: { version: false, standardJson: true, searchPaths: ['/x', '/y', '/z'] },
    },
    { args: ['--optimize', '--standard-json'], expected: { version: false, standardJson: true, searchPaths: [] } },
  ])('parses $args', ({ args, expected }) => {
    expect(parseArgs(args)).toEqual(expected);
  });

  it('keeps an "=" inside an inline value', () => {
    expect(parseArgs(['--base-path=/odd=dir']).searchPaths).toEqual(['/odd=dir']);
  });

  it('throws when a path flag has no value', () => {
    expect(() => parseArgs(['--standard-json', '--base-path'])).toThrow('--base-path needs a value');
  });

  it('knows exactly the path flags forge sends', () => {
    expect([...PATH_FLAGS].sort()).toEqual(['--allow-paths', '--base-path', '--include-path']);
  });
});

describe('solc shim: resolveImport', () => {
  let root: string;

  beforeAll(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'solc-shim-'));
    fs.mkdirSync(path.join(root, 'lib', 'dep'), { recursive: true });
    fs.writeFileSync(path.join(root, 'lib', 'dep', 'Dep.sol'), 'contract Dep {}');
    fs.writeFileSync(path.join(root, 'Direct.sol'), 'contract Direct {}');
  });

  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it('reads a path as given', () => {
    expect(resolveImport(path.join(root, 'Direct.sol'), [])).toEqual({ contents: 'contract Direct {}' });
  });

  it('searches the search paths in order', () => {
    const searchPaths = [path.join(root, 'missing'), path.join(root, 'lib')];
    expect(resolveImport('dep/Dep.sol', searchPaths)).toEqual({ contents: 'contract Dep {}' });
  });

  it('reports a missing file with the number of places searched', () => {
    const result = resolveImport('nope/Nope.sol', [root, path.join(root, 'lib')]);
    expect(result).toEqual({ error: 'File not found: nope/Nope.sol (searched 3 locations)' });
  });
});
