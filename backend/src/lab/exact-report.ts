/**
 * `--exact`'s comparison of the chain's replay with the model's run: per-step NAV deviation, the trades on each
 * side and the steps where they differ; as JSON and as terminal tables.
 *
 * @packageDocumentation
 */
import type { WorldCalibration } from './exact.js';
import type { BacktestRun, BacktestStart } from './engine.js';
import { formatTable } from './report.js';

/** What the keeper did on-chain at one step. */
export type ChainAction =
  | { readonly kind: 'rebalance' | 'ripcord'; readonly leverUp: boolean; /** Asset units sent (after the module's cap); null for a ripcord (sized on-chain). */ readonly amount: number | null; readonly halvings: number }
  | { readonly kind: 'refused'; readonly what: 'rebalance' | 'ripcord'; readonly reason: string };

/** One step of the chain's replay. */
export interface ChainStep {
  readonly index: number;
  /** Block time. */
  readonly timestamp: number;
  readonly price: number;
  /** `vault.totalAssets()` after the keeper acted, asset units. */
  readonly nav: number;
  /**
   * The same position valued at the feed's answer (idle + collateral - debt at the feed price): differs from
   * `nav` only while the oracle is unhealthy, when the vault marks at min(feed, TWAP).
   */
  readonly navAtFeed: number;
  readonly idle: number;
  /** The module's leverage after the keeper acted (at the oracle price). */
  readonly leverage: number;
  /** The module's oracle health before the keeper acted (feed vs TWAP, staleness). */
  readonly oracleHealthy: boolean;
  /** The policy's plan kind, or its no-action reason. */
  readonly decision: string;
  readonly action: ChainAction | null;
  /** Receipt gas of the keeper's call (0 without one). */
  readonly gasUsed: number;
}

/** A step of the comparison. */
export interface ExactStep {
  readonly index: number;
  readonly timestamp: number;
  readonly price: number;
  readonly chainNav: number;
  readonly modelNav: number;
  /** |model - chain| / chain. */
  readonly deviation: number;
  /** The same against the chain's position valued at the feed price. */
  readonly positionDeviation: number;
  readonly chainLeverage: number;
  readonly modelLeverage: number;
  readonly chain: string;
  readonly model: string;
  readonly oracleHealthy: boolean;
  readonly gasUsed: number;
}

/** Trades counted on one side. */
export interface TradeCounts {
  readonly rebalances: number;
  readonly leverUps: number;
  readonly delevers: number;
  readonly ripcords: number;
  readonly refused: number;
}

/** The comparison of one policy. */
export interface ExactReport {
  readonly source: string;
  readonly policy: string;
  readonly steps: number;
  readonly stepSeconds: number;
  readonly startPrice: number;
  /** The module's position the model started from (the chain's at the first step, before the keeper acted). */
  readonly start: { readonly collateral: string; readonly debt: string; readonly lastRebalance: string; readonly lastEmergencyDelever: string; readonly idle: number };
  readonly calibration: {
    readonly poolFeePips: number;
    readonly collateralIsToken0: boolean;
    readonly modelLiquidityAtStart: number;
    readonly poolLiquidityAtStart: number;
    readonly borrowRate: { readonly baseRate: string; readonly kinkRate: string; readonly maxRate: string; readonly kink: string; readonly supply: string };
    readonly gas: 'none (the vault NAV does not pay keeper gas)';
  };
  readonly maxDeviation: number;
  readonly maxDeviationStep: number;
  /** Max deviation from the chain's position valued at the feed price (the model's position error alone). */
  readonly maxPositionDeviation: number;
  readonly meanDeviation: number;
  readonly finalDeviation: number;
  readonly finalNav: { readonly chain: number; readonly model: number };
  readonly trades: { readonly chain: TradeCounts; readonly model: TradeCounts };
  /** Steps where the two sides did something different (kind, direction, or size by more than 1%). */
  readonly differences: readonly { readonly index: number; readonly timestamp: number; readonly price: number; readonly chain: string; readonly model: string }[];
  /** Steps where the chain's oracle was unhealthy (feed vs TWAP beyond the module's deviation bound): the model does not model it. */
  readonly oracleUnhealthySteps: number;
  readonly keeperGasUsed: number;
  readonly seconds: { readonly deploy: number; readonly replay: number };
  readonly path: readonly ExactStep[];
}

/** Inputs of {@link compareRuns}. */
export interface CompareInput {
  readonly source: string;
  readonly policy: string;
  readonly chain: readonly ChainStep[];
  readonly model: BacktestRun;
  /** The vault's idle assets (the model holds only the module's position). */
  readonly startIdle: number;
  readonly startPrice: number;
  readonly start: BacktestStart;
  readonly calibration: WorldCalibration;
  readonly seconds: { readonly deploy: number; readonly replay: number };
}

const describeChain = (a: ChainAction | null): string => {
  if (a === null) return '-';
  if (a.kind === 'refused') return `${a.what} refused: ${a.reason}`;
  if (a.kind === 'ripcord') return 'ripcord';
  return `${a.leverUp ? 'up' : 'down'} ${a.amount!.toFixed(4)}${a.halvings > 0 ? ` (halved x${a.halvings})` : ''}`;
};

function counts(kinds: readonly { kind: string; leverUp?: boolean }[]): TradeCounts {
  const rebalances = kinds.filter((k) => k.kind === 'rebalance');
  return {
    rebalances: rebalances.length,
    leverUps: rebalances.filter((k) => k.leverUp).length,
    delevers: rebalances.filter((k) => !k.leverUp).length,
    ripcords: kinds.filter((k) => k.kind === 'ripcord').length,
    refused: kinds.filter((k) => k.kind === 'refused').length,
  };
}

/** Lines up the chain's steps with the model's by timestamp and measures the NAV gap. */
export function compareRuns(input: CompareInput): ExactReport {
  const { chain, model } = input;
  const tradesAt = new Map(model.trades.map((t) => [t.timestamp, t]));
  const refusalsAt = new Map(model.refusals.map((r) => [r.timestamp, r]));
  const path: ExactStep[] = [];
  const differences: ExactReport['differences'][number][] = [];
  for (const [i, c] of chain.entries()) {
    const m = model.steps[i];
    if (m === undefined || m.timestamp !== c.timestamp) throw new Error(`model step ${i} does not line up with the chain's (${m?.timestamp} vs ${c.timestamp})`);
    const trade = tradesAt.get(c.timestamp);
    const refusal = refusalsAt.get(c.timestamp);
    const modelText = trade
      ? trade.kind === 'ripcord'
        ? 'ripcord'
        : `${trade.leverUp ? 'up' : 'down'} ${trade.amount.toFixed(4)}${trade.shrunk ? ' (shrunk)' : ''}`
      : refusal
        ? `${refusal.kind} refused: ${refusal.reason}`
        : '-';
    const modelNav = m.nav + input.startIdle;
    const a = c.action;
    const sameKind =
      (a === null && !trade && !refusal) ||
      (a?.kind === 'refused' && !trade && refusal !== undefined) ||
      (a?.kind === 'ripcord' && trade?.kind === 'ripcord') ||
      (a?.kind === 'rebalance' && trade?.kind === 'rebalance' && trade.leverUp === a.leverUp && Math.abs(trade.amount - a.amount!) <= 0.01 * Math.max(a.amount!, 1e-9));
    if (!sameKind) differences.push({ index: i, timestamp: c.timestamp, price: c.price, chain: describeChain(a), model: modelText });
    path.push({
      index: i,
      timestamp: c.timestamp,
      price: c.price,
      chainNav: c.nav,
      modelNav,
      deviation: Math.abs(modelNav - c.nav) / c.nav,
      positionDeviation: Math.abs(modelNav - c.navAtFeed) / c.navAtFeed,
      chainLeverage: c.leverage,
      modelLeverage: m.oracleLeverage,
      chain: describeChain(a),
      model: modelText,
      oracleHealthy: c.oracleHealthy,
      gasUsed: c.gasUsed,
    });
  }
  let maxIndex = 0;
  for (const p of path) if (p.deviation > path[maxIndex]!.deviation) maxIndex = p.index;
  const last = path[path.length - 1]!;
  const chainKinds = chain.flatMap((c) => (c.action ? [{ kind: c.action.kind, leverUp: c.action.kind === 'refused' ? false : c.action.leverUp }] : []));
  const modelKinds = [
    ...model.trades.map((t) => ({ kind: t.kind as string, leverUp: t.leverUp })),
    ...model.refusals.map(() => ({ kind: 'refused' })),
  ];
  const cal = input.calibration;
  return {
    source: input.source,
    policy: input.policy,
    steps: path.length,
    stepSeconds: path.length > 1 ? path[1]!.timestamp - path[0]!.timestamp : 0,
    startPrice: input.startPrice,
    start: {
      collateral: input.start.collateral.toString(),
      debt: input.start.debt.toString(),
      lastRebalance: input.start.lastRebalance.toString(),
      lastEmergencyDelever: input.start.lastEmergencyDelever.toString(),
      idle: input.startIdle,
    },
    calibration: {
      poolFeePips: Number(cal.poolFeePips),
      collateralIsToken0: cal.collateralIsToken0,
      modelLiquidityAtStart: cal.modelLiquidityAtStart,
      poolLiquidityAtStart: cal.poolLiquidityAtStart,
      borrowRate: {
        baseRate: cal.rateModel.baseRate.toString(),
        kinkRate: cal.rateModel.kinkRate.toString(),
        maxRate: cal.rateModel.maxRate.toString(),
        kink: cal.rateModel.kink.toString(),
        supply: cal.rateModel.supply.toString(),
      },
      gas: 'none (the vault NAV does not pay keeper gas)',
    },
    maxDeviation: path[maxIndex]!.deviation,
    maxDeviationStep: maxIndex,
    maxPositionDeviation: Math.max(...path.map((p) => p.positionDeviation)),
    meanDeviation: path.reduce((s, p) => s + p.deviation, 0) / path.length,
    finalDeviation: last.deviation,
    finalNav: { chain: last.chainNav, model: last.modelNav },
    trades: { chain: counts(chainKinds), model: counts(modelKinds) },
    differences,
    oracleUnhealthySteps: chain.filter((c) => !c.oracleHealthy).length,
    keeperGasUsed: chain.reduce((s, c) => s + c.gasUsed, 0),
    seconds: input.seconds,
    path,
  };
}

/** A percentage; tiny ones (the calibrated model is usually within 1e-8 of the chain) in exponent form. */
export const pct = (x: number, digits = 4): string => (x !== 0 && Math.abs(x) < 1e-6 ? `${(x * 100).toExponential(2)}%` : `${(x * 100).toFixed(digits)}%`);

/** The summary table: one column per policy. */
export function exactSummaryTable(reports: readonly ExactReport[]): string {
  const row = (label: string, f: (r: ExactReport) => string): string[] => [label, ...reports.map(f)];
  const t = (c: TradeCounts): string => `${c.rebalances} (${c.leverUps} up, ${c.delevers} down), ${c.ripcords} ripcord, ${c.refused} refused`;
  return formatTable([
    row('', (r) => r.policy),
    row('steps', (r) => `${r.steps} x ${r.stepSeconds} s`),
    row('max |model - chain| / chain', (r) => `${pct(r.maxDeviation)} (step ${r.maxDeviationStep})`),
    row('mean deviation', (r) => pct(r.meanDeviation)),
    row('max vs position at the feed price', (r) => pct(r.maxPositionDeviation)),
    row('final NAV chain / model', (r) => `${r.finalNav.chain.toFixed(6)} / ${r.finalNav.model.toFixed(6)}`),
    row('trades on chain', (r) => t(r.trades.chain)),
    row('trades in the model', (r) => t(r.trades.model)),
    row('steps where they differ', (r) => String(r.differences.length)),
    row('chain oracle unhealthy steps', (r) => String(r.oracleUnhealthySteps)),
    row('keeper gas used', (r) => r.keeperGasUsed.toLocaleString('en-US')),
    row('pool liquidity at start: pool / model', (r) => `${r.calibration.poolLiquidityAtStart.toExponential(6)} / ${r.calibration.modelLiquidityAtStart.toExponential(6)}`),
    row('deploy + replay (s)', (r) => `${r.seconds.deploy.toFixed(0)} + ${r.seconds.replay.toFixed(0)}`),
  ]);
}

/** The steps where either side traded or they differ, at most `limit` rows. */
export function exactTradesTable(report: ExactReport, limit = 40): string {
  const rows = report.path.filter((p) => p.chain !== '-' || p.model !== '-');
  const head = ['step', 'price', 'chain', 'model', 'chain NAV', 'model NAV', 'deviation'];
  const body = rows.slice(0, limit).map((p) => [String(p.index), p.price.toFixed(2), p.chain, p.model, p.chainNav.toFixed(6), p.modelNav.toFixed(6), pct(p.deviation)]);
  const more = rows.length > limit ? `\n(${rows.length - limit} more in the JSON)` : '';
  return body.length === 0 ? 'no trades on either side' : formatTable([head, ...body]) + more;
}
