/**
 * The backtest loop. Each bar: interest accrues, the feed sees the market, liquidation is checked at the
 * bar's low, then the policy (the service's own `evaluatePolicy`) decides at the close from what the chain
 * would report (the feed's answer, not the market), and the decision is executed by a model of
 * `MorphoLeverageModule.rebalance` / `delever(Ripcord)` against the venue, with the module's checks.
 *
 * A keeper trade whose swap costs more than `maxSlippageBps` reverts on-chain (`SlippageExceeded`); the
 * keeper simulates before sending, so the lab then sends the largest amount that passes (marked `shrunk`).
 * A ripcord sizes itself on-chain and cannot be shrunk: it reverts and is retried at the next bar.
 *
 * @packageDocumentation
 */
import { MAX_UINT256, WAD, evaluatePolicy, minBigInt, mulDivDown } from '../policy/index.js';
import type { ModuleStateSnapshot, Plan, RebalancePlan } from '../policy/index.js';
import { kinkInterest } from './calibration.js';
import type { LabConfig } from './config.js';
import { PushFeed, SwapVenue, accruedInterest, gasCostInAssets } from './market.js';
import {
  ORACLE_PRICE_SCALE,
  deleverTerms,
  leverUpMaxIn,
  loanToValue,
  postLeverageProblem,
  predictPosition,
  sizeToReach,
  valuePosition,
} from './position.js';
import type { ValuedPosition } from './position.js';
import type { PriceBar } from './prices.js';

/** A market price (quote per asset, e.g. USD per ETH) in the oracle unit for an 18-decimal asset and a 6-decimal loan token. */
export function toOraclePrice(quotePerAsset: number): bigint {
  return BigInt(Math.round(quotePerAsset * 1e8)) * 10n ** 16n;
}

const toUnits = (amount: bigint): number => Number(amount) / 1e18;
const leverageNumber = (leverage: bigint): number => (leverage === MAX_UINT256 ? Infinity : Number(leverage) / 1e18);

/** The state after one bar. Amounts in asset units (numbers, for reports). */
export interface StepRecord {
  readonly timestamp: number;
  /** Market close. */
  readonly price: number;
  /** The feed's answer at the close. */
  readonly oraclePrice: number;
  /** Equity at the market close minus the gas paid so far, asset units. */
  readonly nav: number;
  /** Leverage at the market close (realised). */
  readonly leverage: number;
  /** Leverage at the feed's answer (what the policy and the module see). */
  readonly oracleLeverage: number;
  /** Health factor at the bar's low before the keeper acted: collateral·low·LLTV / debt. */
  readonly healthFactor: number;
  /** NAV of the ideal path (constant leverage, rebalanced every bar at no cost, no interest), asset units. */
  readonly idealNav: number;
}

/** A trade that landed. */
export interface TradeRecord {
  readonly timestamp: number;
  readonly kind: 'rebalance' | 'ripcord';
  readonly trigger: string;
  readonly leverUp: boolean;
  /** Collateral bought or sold, asset units. */
  readonly amount: number;
  /** Paid over the market mid price, asset units. */
  readonly swapCost: number;
  /** Keeper gas, asset units. */
  readonly gasCost: number;
  /** Leverage at the oracle price before and after. */
  readonly preLeverage: number;
  readonly postLeverage: number;
  /** The planned amount reverted on slippage and a smaller one was sent. */
  readonly shrunk: boolean;
}

/** A trade the chain refused (the state did not change). */
export interface RefusalRecord {
  readonly timestamp: number;
  readonly kind: 'rebalance' | 'ripcord';
  readonly reason: string;
}

/** Everything one run produced. */
export interface BacktestRun {
  readonly config: LabConfig;
  readonly steps: readonly StepRecord[];
  readonly trades: readonly TradeRecord[];
  readonly refusals: readonly RefusalRecord[];
  /** When the position was liquidated (then frozen), or null. */
  readonly liquidation: { readonly timestamp: number; readonly price: number } | null;
  /** Bars that started at or above the ripcord leverage, and those where one ripcord call could not bring it below. */
  readonly ripcordBars: number;
  readonly ripcordUnfixableBars: number;
  /** Highest leverage the policy saw (at the oracle price). */
  readonly maxOracleLeverage: number;
}

interface Book {
  collateral: bigint;
  debt: bigint;
}

interface Fill {
  readonly collateral: bigint;
  readonly debt: bigint;
  /** Over the mid price, asset base units. */
  readonly cost: bigint;
}

/**
 * A position to start from instead of building `initialEquity` at `initialLeverage` for free (the `--exact`
 * mode starts the model from the chain's position). Times are unix seconds.
 */
export interface BacktestStart {
  readonly collateral: bigint;
  readonly debt: bigint;
  readonly lastRebalance: bigint;
  readonly lastEmergencyDelever: bigint;
}

/** Morpho's liquidation incentive factor: min(1.15, 1 / (0.3·LLTV + 0.7)), WAD. */
export function liquidationIncentive(lltv: bigint): bigint {
  const factor = (WAD * WAD) / ((3n * lltv) / 10n + (7n * WAD) / 10n);
  return minBigInt(factor, (115n * WAD) / 100n);
}

/** Runs one policy over a price series, from `start` when given. */
export function runBacktest(bars: readonly PriceBar[], config: LabConfig, start?: BacktestStart): BacktestRun {
  const { market, policy } = config;
  const { limits, parameters } = policy;
  const first = bars[0];
  if (first === undefined) throw new Error('runBacktest needs at least one bar');

  const startTime = BigInt(first.timestamp);
  const startPrice = toOraclePrice(first.close);
  const startCollateral = mulDivDown(market.initialEquity, market.initialLeverage, WAD);
  const book: Book = start
    ? { collateral: start.collateral, debt: start.debt }
    : { collateral: startCollateral, debt: mulDivDown(startCollateral - market.initialEquity, startPrice, ORACLE_PRICE_SCALE) };
  const feed = new PushFeed(market.oracleHeartbeatSeconds, market.oracleDeviationBps, { price: startPrice, updatedAt: startTime });
  let lastRebalance = start ? start.lastRebalance : startTime;
  let lastEmergency = start ? start.lastEmergencyDelever : startTime - limits.ripcordCooldown;
  // The lenders' supply behind a utilisation-based rate grows with the interest paid.
  let supply = market.rateModel?.supply ?? 0n;
  let gasPaid = 0n;
  let liquidation: BacktestRun['liquidation'] = null;
  let ripcordBars = 0;
  let ripcordUnfixableBars = 0;
  let maxOracleLeverage = 0;

  const steps: StepRecord[] = [];
  const trades: TradeRecord[] = [];
  const refusals: RefusalRecord[] = [];
  const startValued = valuePosition(book.collateral, book.debt, startPrice);
  const idealLeverage = start ? leverageNumber(startValued.leverage) : Number(market.initialLeverage) / 1e18;
  let idealQuote = toUnits(start ? startValued.collateral - startValued.debtInAssets : market.initialEquity) * first.close;

  const fill = (venue: SwapVenue, leverUp: boolean, amount: bigint, price: bigint, slippageBps: bigint): Fill | string => {
    if (leverUp) {
      const loanIn = venue.loanInForAssetOut(amount);
      const maxIn = leverUpMaxIn(amount, price, slippageBps);
      if (loanIn > maxIn) return `SlippageExceeded(${loanIn}, ${maxIn})`;
      const cost = mulDivDown(loanIn, ORACLE_PRICE_SCALE, venue.price) - amount;
      return { collateral: book.collateral + amount, debt: book.debt + loanIn, cost };
    }
    const terms = deleverTerms(book.debt, amount, price, slippageBps);
    const assetIn = venue.assetInForLoanOut(terms.repaid);
    if (assetIn > terms.maxIn) return `SlippageExceeded(${assetIn}, ${terms.maxIn})`;
    if (assetIn > book.collateral) return 'InsufficientCollateral';
    const cost = assetIn - mulDivDown(terms.repaid, ORACLE_PRICE_SCALE, venue.price);
    return { collateral: book.collateral - assetIn, debt: book.debt - terms.repaid, cost };
  };

  const land = (
    now: bigint,
    kind: TradeRecord['kind'],
    trigger: string,
    leverUp: boolean,
    amount: bigint,
    done: Fill,
    pre: ValuedPosition,
    price: bigint,
    shrunk: boolean,
  ): void => {
    book.collateral = done.collateral;
    book.debt = done.debt;
    const gas = gasCostInAssets(
      kind === 'ripcord' ? market.gasPerRipcord : market.gasPerRebalance,
      market.gasPriceWei,
      market.ethPriceInAssets,
    );
    gasPaid += gas;
    trades.push({
      timestamp: Number(now),
      kind,
      trigger,
      leverUp,
      amount: toUnits(amount),
      swapCost: toUnits(done.cost),
      gasCost: toUnits(gas),
      preLeverage: leverageNumber(pre.leverage),
      postLeverage: leverageNumber(valuePosition(done.collateral, done.debt, price).leverage),
      shrunk,
    });
  };

  const rebalance = (now: bigint, plan: RebalancePlan, pre: ValuedPosition, price: bigint, healthy: boolean, venue: SwapVenue): void => {
    const refuse = (reason: string): void => void refusals.push({ timestamp: Number(now), kind: 'rebalance', reason });
    if (plan.leverUp && !healthy) return refuse('OracleUnhealthy');
    if (pre.leverage >= limits.ripcordLeverage) return refuse('LeverageAboveRipcord');
    if (plan.leverUp ? pre.leverage >= limits.targetLeverage : pre.leverage <= limits.targetLeverage) {
      return refuse('WrongDirection');
    }
    let amount = minBigInt(plan.amount, limits.maxTradeSize);
    let done = fill(venue, plan.leverUp, amount, price, limits.maxSlippageBps);
    let shrunk = false;
    if (typeof done === 'string') {
      // The keeper's simulation reverts: find the largest amount whose swap fits the bound.
      let low = 0n;
      let high = amount;
      while (high - low > amount / 10_000n + 1n) {
        const mid = (low + high) / 2n;
        if (typeof fill(venue, plan.leverUp, mid, price, limits.maxSlippageBps) === 'string') high = mid;
        else low = mid;
      }
      if (low === 0n || low < parameters.minTradeSize) return refuse(done);
      amount = low;
      done = fill(venue, plan.leverUp, amount, price, limits.maxSlippageBps);
      if (typeof done === 'string') return refuse(done);
      shrunk = true;
    }
    const post = valuePosition(done.collateral, done.debt, price);
    const problem = postLeverageProblem(plan.leverUp, pre.leverage, post.leverage, limits);
    if (problem !== null) return refuse(problem);
    land(now, 'rebalance', plan.trigger, plan.leverUp, amount, done, pre, price, shrunk);
    lastRebalance = now;
  };

  const ripcord = (now: bigint, pre: ValuedPosition, price: bigint, venue: SwapVenue): void => {
    const refuse = (reason: string): void => void refusals.push({ timestamp: Number(now), kind: 'ripcord', reason });
    if (now < lastEmergency + limits.ripcordCooldown) return; // waiting is not a refusal: nobody sends it
    const amount = minBigInt(limits.ripcordMaxTradeSize, sizeToReach(pre, limits.targetLeverage));
    if (amount === 0n || pre.debt === 0n) return refuse('NothingToDelever');
    const done = fill(venue, false, amount, price, limits.ripcordSlippageBps);
    if (typeof done === 'string') return refuse(done);
    if (valuePosition(done.collateral, done.debt, price).leverage >= pre.leverage) return refuse('DeleverDidNotReduce');
    land(now, 'ripcord', 'ripcord', false, amount, done, pre, price, false);
    lastEmergency = now;
  };

  let previous = first;
  for (const bar of bars) {
    const now = BigInt(bar.timestamp);
    if (bar !== first) {
      const seconds = now - BigInt(previous.timestamp);
      if (market.rateModel) {
        const interest = kinkInterest(market.rateModel, book.debt, supply, seconds);
        book.debt += interest;
        supply += interest;
      } else {
        book.debt += accruedInterest(book.debt, market.borrowAprBps, seconds);
      }
      idealQuote = Math.max(0, idealQuote * (1 + idealLeverage * (bar.close / previous.close - 1)));
    }
    const marketPrice = toOraclePrice(bar.close);
    const low = toOraclePrice(bar.low);
    feed.observe(now, marketPrice);

    const ltvAtLow = loanToValue(book.collateral, book.debt, low);
    const healthFactor = book.debt === 0n ? Infinity : Number(market.lltv) / Number(ltvAtLow);
    if (liquidation === null && ltvAtLow >= market.lltv) {
      const seized = mulDivDown(mulDivDown(book.debt, ORACLE_PRICE_SCALE, low), liquidationIncentive(market.lltv), WAD);
      book.collateral = book.collateral > seized ? book.collateral - seized : 0n;
      book.debt = 0n;
      liquidation = { timestamp: bar.timestamp, price: bar.low };
    }

    if (liquidation === null) {
      const answer = feed.latest;
      const pre = valuePosition(book.collateral, book.debt, answer.price);
      const healthy = now - answer.updatedAt <= limits.maxOracleStaleness;
      maxOracleLeverage = Math.max(maxOracleLeverage, leverageNumber(pre.leverage));
      if (pre.leverage >= limits.ripcordLeverage) {
        ripcordBars++;
        const oneCall = minBigInt(limits.ripcordMaxTradeSize, sizeToReach(pre, limits.targetLeverage));
        const after = predictPosition(pre, false, oneCall, answer.price, limits.ripcordSlippageBps);
        if (after.leverage >= limits.ripcordLeverage) ripcordUnfixableBars++;
      }
      const state: ModuleStateSnapshot = {
        collateral: pre.collateral,
        debt: pre.debt,
        debtInAssets: pre.debtInAssets,
        leverage: pre.leverage,
        oraclePrice: answer.price,
        oracleUpdatedAt: answer.updatedAt,
        oracleHealthy: healthy,
        lastRebalance,
      };
      const prices = feed
        .answersSince(now - market.priceLookbackSeconds)
        .map((a) => ({ timestamp: a.updatedAt, price: a.price }));
      const plan: Plan = evaluatePolicy({ state, limits, now, prices, parameters }).plan;
      const venue = market.liquidity ? market.liquidity.venueAt(marketPrice) : new SwapVenue(market.poolDepth, market.poolFeePips, marketPrice);
      if (plan.kind === 'rebalance' && now >= lastRebalance + limits.cooldown) {
        rebalance(now, plan, pre, answer.price, healthy, venue);
      } else if (plan.kind === 'ripcord') {
        ripcord(now, pre, answer.price, venue);
      }
    }

    const atMarket = valuePosition(book.collateral, book.debt, marketPrice);
    const equity = book.collateral - minBigInt(atMarket.debtInAssets, book.collateral);
    steps.push({
      timestamp: bar.timestamp,
      price: bar.close,
      oraclePrice: Number(feed.latest.price / 10n ** 16n) / 1e8,
      nav: toUnits(equity - gasPaid),
      leverage: leverageNumber(atMarket.leverage),
      oracleLeverage: leverageNumber(valuePosition(book.collateral, book.debt, feed.latest.price).leverage),
      healthFactor,
      idealNav: idealQuote / bar.close,
    });
    previous = bar;
  }
  return { config, steps, trades, refusals, liquidation, ripcordBars, ripcordUnfixableBars, maxOracleLeverage };
}
