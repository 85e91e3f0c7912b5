/**
 * `npm run backtest -- --prices <file.csv> [--policy ballast|fli|both] [--params file.json] [--out dir]
 * [--exact [--steps n]]`: argument parsing (errors as {@link CliUsageError}, never `process.exit`, so tests can
 * call it) and the run. `--exact` replays the series on the real contracts on anvil (see `exact.ts`).
 *
 * @packageDocumentation
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { POLICY_NAMES, buildConfig, fromWad, loadOverrides } from './config.js';
import type { LabConfig, Overrides, PolicyName } from './config.js';
import { renderChart } from './chart.js';
import { runBacktest } from './engine.js';
import { runExact } from './exact.js';
import { exactSummaryTable, exactTradesTable, pct } from './exact-report.js';
import type { ExactReport } from './exact-report.js';
import { loadPriceFile } from './prices.js';
import { formatTable, summarise, tableRows } from './report.js';
import type { BacktestReport } from './report.js';

/** Bad command-line arguments; the message says what to change. */
export class CliUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliUsageError';
  }
}

/** Parsed arguments. */
export interface BacktestArgs {
  readonly prices: string;
  readonly policies: readonly PolicyName[];
  readonly params: string | null;
  readonly out: string | null;
  /** Replay on anvil against the real contracts and compare with the model. */
  readonly exact: boolean;
  /** With `--exact`: use only the first `steps` bars (null: all). */
  readonly steps: number | null;
}

/** Parses `argv` (without node and the script). Throws {@link CliUsageError}. */
export function parseBacktestArgs(argv: readonly string[]): BacktestArgs {
  const program = new Command('backtest')
    .description('Replay a price series through the policy the service runs, against a model of the position.')
    .requiredOption('--prices <file>', 'CSV: timestamp,price or timestamp,open,high,low,close (header required)')
    .addOption(new Option('--policy <name>', 'policy to run').choices([...POLICY_NAMES, 'both']).default('ballast'))
    .option('--params <file>', 'JSON overrides: {"market": {...}, "limits": {...}, "parameters": {...}}')
    .option('--out <dir>', 'write report JSON and SVG chart here')
    .option('--exact', 'replay the closes on the real contracts on anvil and compare the model with the chain step by step')
    .option('--steps <n>', 'with --exact: only the first n bars')
    .exitOverride()
    .configureOutput({ writeErr: () => undefined, writeOut: () => undefined })
    .allowExcessArguments(false);
  try {
    program.parse([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.help') {
        throw new CliUsageError(program.helpInformation());
      }
      throw new CliUsageError(`${error.message.replace(/^error: /, '')}\n\n${program.helpInformation()}`);
    }
    throw error;
  }
  const options = program.opts<{ prices: string; policy: string; params?: string; out?: string; exact?: boolean; steps?: string }>();
  let steps: number | null = null;
  if (options.steps !== undefined) {
    if (!options.exact) throw new CliUsageError(`--steps only applies to --exact\n\n${program.helpInformation()}`);
    steps = Number(options.steps);
    if (!Number.isInteger(steps) || steps < 1) throw new CliUsageError(`--steps must be a positive integer, got "${options.steps}"`);
  }
  return {
    prices: options.prices,
    policies: options.policy === 'both' ? [...POLICY_NAMES] : [options.policy as PolicyName],
    params: options.params ?? null,
    out: options.out ?? null,
    exact: options.exact === true,
    steps,
  };
}

/** Where output goes (the terminal, or a test's buffer). */
export interface Output {
  log(line: string): void;
}

/** Runs the backtest the arguments describe; returns the reports. */
export function runBacktestCommand(argv: readonly string[], output: Output = console): BacktestReport[] {
  const args = parseBacktestArgs(argv);
  if (args.exact) throw new CliUsageError('--exact runs on anvil and is asynchronous: call runExactCommand (npm run backtest does)');
  const bars = loadPriceFile(args.prices);
  const overrides: Overrides = args.params ? loadOverrides(args.params) : {};
  const configs: LabConfig[] = args.policies.map((name) => buildConfig(name, overrides, args.params ?? 'parameters'));
  const runs = configs.map((config) => runBacktest(bars, config));
  const reports = runs.map((run) => summarise(run, args.prices));

  output.log(`${args.prices}: ${bars.length} bars, ${new Date(bars[0]!.timestamp * 1000).toISOString()} .. ${new Date(bars[bars.length - 1]!.timestamp * 1000).toISOString()}`);
  output.log(formatTable(tableRows(reports)));
  if (args.out) {
    mkdirSync(args.out, { recursive: true });
    const stem = basename(args.prices).replace(/\.csv$/i, '');
    for (const report of reports) {
      const file = join(args.out, `${stem}.${report.policy}.json`);
      writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
      output.log(`wrote ${file}`);
    }
    const limits = configs[0]!.policy.limits;
    const svg = renderChart(
      `${stem}: ${reports.map((r) => r.policy).join(' vs ')}`,
      runs.map((run) => ({ name: run.config.policy.name, steps: run.steps })),
      {
        minLeverage: fromWad(limits.minLeverage),
        targetLeverage: fromWad(limits.targetLeverage),
        maxLeverage: fromWad(limits.maxLeverage),
        ripcordLeverage: fromWad(limits.ripcordLeverage),
      },
    );
    const chart = join(args.out, `${stem}.svg`);
    writeFileSync(chart, svg);
    output.log(`wrote ${chart}`);
  }
  return reports;
}

/** The `--exact` maximum deviation the issue sets: the model within 0.5% of the chain's NAV. */
export const EXACT_TOLERANCE = 0.005;

/**
 * Runs `--exact`: deploys the local world on a spawned anvil, replays the series on it and in the model, prints
 * the comparison and writes `<file>.<policy>.exact.json` with `--out`. Returns the reports.
 */
export async function runExactCommand(argv: readonly string[], output: Output = console): Promise<ExactReport[]> {
  const args = parseBacktestArgs(argv);
  if (!args.exact) throw new CliUsageError('runExactCommand needs --exact');
  const all = loadPriceFile(args.prices);
  const bars = args.steps === null ? all : all.slice(0, args.steps);
  const overrides: Overrides = args.params ? loadOverrides(args.params) : {};
  output.log(`${args.prices}: ${bars.length} steps replayed on anvil (local world) and in the model`);
  const reports = await runExact(bars, { policies: args.policies, overrides, source: args.prices, progress: (line) => output.log(line) });
  output.log(exactSummaryTable(reports));
  for (const report of reports) {
    output.log(`\n${report.policy}: steps where either side traded`);
    output.log(exactTradesTable(report));
    const verdict = report.maxDeviation <= EXACT_TOLERANCE ? 'within' : 'ABOVE';
    output.log(`${report.policy}: max deviation ${pct(report.maxDeviation)} is ${verdict} the ${EXACT_TOLERANCE * 100}% target`);
    const { poolLiquidityAtStart: pool, modelLiquidityAtStart: model } = report.calibration;
    if (Math.abs(model - pool) > 1e-6 * pool) {
      output.log(`warning: the model's pool liquidity at the start price (${model}) is not the pool's (${pool}): has LocalWorld.sol's defaultConfig changed? (calibration.ts)`);
    }
  }
  if (args.out) {
    mkdirSync(args.out, { recursive: true });
    const stem = basename(args.prices).replace(/\.csv$/i, '');
    for (const report of reports) {
      const file = join(args.out, `${stem}.${report.policy}.exact.json`);
      writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
      output.log(`wrote ${file}`);
    }
  }
  return reports;
}
