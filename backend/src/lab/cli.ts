/**
 * Entry point of `npm run backtest`; see `command.ts`. Errors print one clear message and exit 2 (usage)
 * or 1 (bad input file or parameters); `--exact` exits 3 when the model is further than 0.5% from the chain.
 *
 * @packageDocumentation
 */
import { CliUsageError, EXACT_TOLERANCE, parseBacktestArgs, runBacktestCommand, runExactCommand } from './command.js';
import { LabConfigError } from './config.js';
import { PriceFileError } from './prices.js';

try {
  const argv = process.argv.slice(2);
  if (parseBacktestArgs(argv).exact) {
    const reports = await runExactCommand(argv);
    // The model is off by more than the issue allows: say so in the exit code too.
    if (reports.some((r) => r.maxDeviation > EXACT_TOLERANCE)) process.exitCode = 3;
  } else {
    runBacktestCommand(argv);
  }
} catch (error) {
  if (error instanceof CliUsageError) {
    console.error(error.message);
    process.exitCode = 2;
  } else if (error instanceof PriceFileError || error instanceof LabConfigError) {
    console.error(`backtest: ${error.message}`);
    process.exitCode = 1;
  } else {
    throw error;
  }
}
