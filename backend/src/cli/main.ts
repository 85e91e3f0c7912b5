/**
 * Entry point of `npx ballast <command>` (backend/bin/ballast.mjs runs it through backend/tools/run.mjs with
 * the repository root as working directory and the user's directory in BALLAST_CWD). See program.ts.
 */
import { runCli } from './program.js';

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
});
