#!/usr/bin/env node
// `npx ballast <command>`: the role CLI (backend/src/cli/main.ts), transpiled on first use.
import { spawnSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const result = spawnSync(process.execPath, [resolve(root, 'backend/tools/run.mjs'), 'backend/src/cli/main.ts', ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, BALLAST_CWD: process.cwd() },
});
process.exit(result.status ?? 1);
