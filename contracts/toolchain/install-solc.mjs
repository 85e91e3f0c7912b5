// Registers the npm-installed solcjs compilers with forge, so `forge build` works offline.
//
// forge (with `offline = true`) picks a compiler per source file from the versions installed under
// ~/.svm/<version>/solc-<version>. For every `solc-<version>` devDependency this writes a small
// executable there that runs ./solc-shim.cjs. A compiler already present that is not one of our shims
// (for example a native solc the user installed) is never touched.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const MARKER = '# ballast-solc-shim';
const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const svmHome = process.env.BALLAST_SVM_HOME ?? path.join(os.homedir(), '.svm');

const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const versions = Object.keys(pkg.devDependencies ?? {})
  .map((name) => /^solc-(\d+\.\d+\.\d+)$/.exec(name)?.[1])
  .filter(Boolean);

if (versions.length === 0) {
  console.error('install-solc: no solc-<version> devDependency in package.json');
  process.exit(1);
}

for (const version of versions) {
  const dir = path.join(svmHome, version);
  const target = path.join(dir, `solc-${version}`);
  if (fs.existsSync(target) && !fs.readFileSync(target, 'utf8').includes(MARKER)) {
    console.log(`install-solc: ${target} exists and is not ours; keeping it`);
    continue;
  }
  fs.mkdirSync(dir, { recursive: true });
  const shim = path.join(here, 'solc-shim.cjs');
  // The shim lives in the checkout that last ran `npm install`; say so plainly if that checkout is gone.
  const script = [
    '#!/bin/sh',
    `${MARKER} (written by ${path.relative(root, fileURLToPath(import.meta.url))}; safe to delete)`,
    `SHIM="${shim}"`,
    `if [ ! -f "$SHIM" ]; then echo "solc ${version}: $SHIM is gone; run npm install in a Ballast checkout" >&2; exit 1; fi`,
    `exec node "$SHIM" ${version} "$@"`,
    '',
  ].join('\n');
  fs.writeFileSync(target, script, { mode: 0o755 });
  console.log(`install-solc: solc ${version} -> ${target}`);
}
