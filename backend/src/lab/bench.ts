/**
 * The full scenario table: every shipped scenario through `ballast` and `fli`, checked against issue 6's
 * goal, printed as a Markdown table (the one in docs/backtest.md).
 *
 *   node backend/tools/run.mjs backend/src/lab/bench.ts [--params proposal.json] [--charts docs] [--json out.json]
 *
 * `--params` applies to `ballast` only (to compare a proposed parameter set with the baseline). After the table
 * it prints the parameter sweep of docs/backtest.md: `ballast`'s final NAV on every scenario with one parameter
 * changed from its defaults (or from `--params`), and how many scenarios each set wins against `fli`.
 *
 * @packageDocumentation
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { buildConfig, fromWad, loadOverrides } from './config.js';
import type { Overrides } from './config.js';
import { renderChart } from './chart.js';
import { runBacktest } from './engine.js';
import type { BacktestRun } from './engine.js';
import { loadPriceFile } from './prices.js';
import { summarise } from './report.js';
import type { BacktestReport } from './report.js';
import { SCENARIOS } from './scenarios.js';

const program = new Command('bench')
  .option('--params <file>', 'overrides for ballast (a proposed parameter set)')
  .option('--charts <dir>', 'write one SVG per scenario (backtest-<scenario>.svg) here')
  .option('--json <file>', 'write every report (without NAV paths) to this file')
  .parse(process.argv.slice(2), { from: 'user' });
const options = program.opts<{ params?: string; charts?: string; json?: string }>();
const baseOverrides: Overrides = options.params ? loadOverrides(options.params) : {};
const ballastConfig = buildConfig('ballast', baseOverrides, options.params);
const fliConfig = buildConfig('fli');

interface Row {
  readonly scenario: string;
  readonly ballast: BacktestReport;
  readonly fli: BacktestReport;
  readonly goals: { readonly safe: boolean; readonly navAtLeastFli: boolean; readonly fewerOrCheaper: boolean | null };
}

const rows: Row[] = [];
const started = Date.now();
const loaded = SCENARIOS.map((scenario) => {
  const path = join('backend/lab/scenarios', scenario.file);
  return { scenario, path, bars: loadPriceFile(path) };
});
for (const { scenario, path, bars } of loaded) {
  const runs: BacktestRun[] = [runBacktest(bars, ballastConfig), runBacktest(bars, fliConfig)];
  const [ballast, fli] = runs.map((run) => summarise(run, path, 400)) as [BacktestReport, BacktestReport];
  const choppy = scenario.file.startsWith('choppy');
  rows.push({
    scenario: scenario.file.replace(/\.csv$/, ''),
    ballast,
    fli,
    goals: {
      safe: !ballast.liquidated && ballast.ripcordUnfixableBars === 0,
      navAtLeastFli: ballast.finalNav >= fli.finalNav,
      fewerOrCheaper: choppy
        ? ballast.rebalances.count < fli.rebalances.count || ballast.rebalances.totalCost < fli.rebalances.totalCost
        : null,
    },
  });
  if (options.charts) {
    const limits = ballastConfig.policy.limits;
    const svg = renderChart(
      `${scenario.title}: ballast vs fli`,
      runs.map((run) => ({ name: run.config.policy.name, steps: run.steps })),
      {
        minLeverage: fromWad(limits.minLeverage),
        targetLeverage: fromWad(limits.targetLeverage),
        maxLeverage: fromWad(limits.maxLeverage),
        ripcordLeverage: fromWad(limits.ripcordLeverage),
      },
    );
    writeFileSync(join(options.charts, `backtest-${scenario.file.replace(/\.csv$/, '')}.svg`), svg);
  }
}

const f = (x: number, d = 2): string => (Number.isFinite(x) ? x.toFixed(d) : 'inf');
const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
const side = (r: BacktestReport): string[] => [
  f(r.finalNav, 1),
  pct(r.maxDrawdown),
  f(r.minHealthFactor),
  r.liquidated ? '**yes**' : 'no',
  `${f(r.maxOracleLeverage)} (${r.rebalances.ripcord})`,
  `${r.rebalances.count}`,
  f(r.rebalances.totalCost, 3),
  pct(r.trackingError.annualised),
];
const header = ['scenario', 'policy', 'final NAV', 'max DD', 'min HF', 'liq.', 'max lev. (ripcords)', 'rebal.', 'cost', 'TE'];
const lines = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`];
for (const row of rows) {
  lines.push(`| ${row.scenario} | ballast | ${side(row.ballast).join(' | ')} |`);
  lines.push(`| | fli | ${side(row.fli).join(' | ')} |`);
}
console.log(lines.join('\n'));
console.log('\nGoal (issue 6), ballast vs fli:');
for (const row of rows) {
  const g = row.goals;
  const yes = (b: boolean): string => (b ? 'yes' : 'NO');
  console.log(
    `  ${row.scenario.padEnd(20)} safe: ${yes(g.safe)}  NAV >= fli: ${yes(g.navAtLeastFli)} (${f(row.ballast.finalNav, 1)} vs ${f(row.fli.finalNav, 1)})` +
      (g.fewerOrCheaper === null ? '' : `  fewer or cheaper rebalances: ${yes(g.fewerOrCheaper)}`),
  );
}

/** One parameter changed at a time from ballast's parameters (label as in docs/backtest.md, human units). */
const SWEEP: readonly { readonly label: string; readonly parameters: Record<string, unknown> }[] = [
  { label: 'defaults', parameters: {} },
  { label: '`recenterUpInsideBand` true (the previous default)', parameters: { recenterUpInsideBand: true } },
  { label: '`recenterThreshold` 0.10', parameters: { recenterThreshold: 0.1 } },
  { label: '`recenterThreshold` 0.15', parameters: { recenterThreshold: 0.15 } },
  { label: '`recenteringSpeed` 0.25', parameters: { recenteringSpeed: 0.25 } },
  { label: '`recenteringSpeed` 0.75', parameters: { recenteringSpeed: 0.75 } },
  { label: '`volatility` null (no volatility target)', parameters: { volatility: null } },
];
const sweepHeader = ['ballast parameters', ...rows.map((r) => r.scenario), 'wins'];
const sweep = [`| ${sweepHeader.join(' | ')} |`, `|${sweepHeader.map(() => '---').join('|')}|`];
for (const set of SWEEP) {
  const config = buildConfig('ballast', { ...baseOverrides, parameters: { ...baseOverrides.parameters, ...set.parameters } });
  const navs = loaded.map(({ bars }) => runBacktest(bars, config).steps.at(-1)?.nav ?? 0);
  const wins = navs.filter((nav, i) => nav >= rows[i]!.fli.finalNav).length;
  sweep.push(`| ${set.label} | ${navs.map((nav) => f(nav, 1)).join(' | ')} | ${wins} |`);
}
sweep.push(`| fli | ${rows.map((r) => f(r.fli.finalNav, 1)).join(' | ')} | |`);
console.log(`\nParameter sweep (ballast, one change at a time; final NAV; wins = scenarios with NAV >= fli):\n\n${sweep.join('\n')}`);
console.log(`\n${rows.length} scenarios x 2 policies + ${SWEEP.length} sweep sets in ${((Date.now() - started) / 1000).toFixed(1)} s`);
if (options.json) {
  const strip = (r: BacktestReport): Omit<BacktestReport, 'navPath'> => {
    const { navPath: _omit, ...rest } = r;
    return rest;
  };
  writeFileSync(options.json, `${JSON.stringify(rows.map((r) => ({ ...r, ballast: strip(r.ballast), fli: strip(r.fli) })), null, 2)}\n`);
}
