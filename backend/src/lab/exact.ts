/**
 * `--exact`: replays a price series on the real contracts (the local world deployed by its forge script on a
 * spawned anvil) and runs the model on the same series from the same position, so that the model's NAV can be
 * compared with the chain's at every step.
 *
 * The chain side, per step `k` (block time `T0 + (t_k - t_0)`):
 * 1. the arbitrageur moves the feed and the pool to the step's close (time advanced by the series' step:
 *    Morpho accrues interest on-chain);
 * 2. the keeper decides with the service's own code: a `VaultReader` snapshot, `planVault` (which runs
 *    `evaluatePolicy`), the price history the service would have stored (one point per feed update);
 * 3. the keeper (anvil account 2) sends `vault.rebalance(module, params)` or `vault.ripcord(module)` directly,
 *    in a block with the same timestamp (no Redis, no queue). A simulation that hits `SlippageExceeded` or
 *    `PostLeverageOutOfRange` is retried at half the size, up to six times, as the executor does;
 * 4. `vault.totalAssets()` and the module's state are read.
 *
 * The model side: `runBacktest` on the same closes and timestamps, from the chain's position at the first
 * step, with the module's on-chain limits and a market calibrated to the world (`calibration.ts`): the pool's
 * bands, the `LinearKinkIrm` with the market's supply, a feed updated every step, no gas (the vault's NAV does
 * not pay the keeper's gas).
 *
 * @packageDocumentation
 */
import { createPublicClient, createWalletClient, http, keccak256, parseAbi, stringToHex, type Address, type Chain, type Hex, type PublicClient, type Transport } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { ballastVaultAbi, morphoLeverageModuleAbi } from '../chain/abi/index.js';
import { classifyFailure } from '../chain/revert.js';
import type { ModuleSnapshot, VaultSnapshot } from '../chain/snapshot.js';
import { VaultReader } from '../chain/vault-reader.js';
import { startAnvil } from '../localnet/anvil.js';
import { ANVIL_KEYS, World, arbitrageurAbi } from '../localnet/world.js';
import { MAX_UINT256, maxLeverUpWithin, minBigInt } from '../policy/index.js';
import type { PolicyParameters, PricePoint } from '../policy/index.js';
import { jobIdWithNonce, planVault } from '../scan/planner.js';
import { LOCAL_WORLD, LiquidityCurve, worldLiquidity } from './calibration.js';
import type { KinkRateModel } from './calibration.js';
import { buildConfig } from './config.js';
import type { LabConfig, LabLimits, Overrides, PolicyName } from './config.js';
import { runBacktest } from './engine.js';
import type { BacktestStart } from './engine.js';
import { compareRuns } from './exact-report.js';
import type { ChainAction, ChainStep, ExactReport } from './exact-report.js';
import { ORACLE_PRICE_SCALE, valuePosition } from './position.js';
import type { PriceBar } from './prices.js';

const morphoAbi = parseAbi([
  'function market(bytes32 id) view returns (uint128 totalSupplyAssets, uint128 totalSupplyShares, uint128 totalBorrowAssets, uint128 totalBorrowShares, uint128 lastUpdate, uint128 fee)',
]);
const irmAbi = parseAbi([
  'function baseRate() view returns (uint256)',
  'function kinkRate() view returns (uint256)',
  'function maxRate() view returns (uint256)',
  'function kink() view returns (uint256)',
]);
const poolAbi = parseAbi(['function liquidity() view returns (uint128)', 'function fee() view returns (uint24)']);
const oracleAbi = parseAbi(['function collateralIsToken0() view returns (bool)']);

/** Size halvings on a shrinkable revert, and the errors that allow one (the executor's rule). */
const MAX_HALVINGS = 6;
const SHRINKABLE = new Set(['SlippageExceeded', 'PostLeverageOutOfRange']);
/** Seconds from the snapshot to a keeper call's deadline (the service's default order of magnitude). */
const JOB_DEADLINE_SECONDS = 600n;
const CHAIN_ID = 31_337;

/** What `--exact` runs. */
export interface ExactOptions {
  /** The policies to compare; each replays from the same warmed-up chain state (anvil snapshot). */
  readonly policies: readonly PolicyName[];
  /** `--params` overrides: only `parameters` (the world sets the market and the limits). */
  readonly overrides: Overrides;
  /** Named in the report. */
  readonly source: string;
  /** Progress lines (every 50 steps). */
  readonly progress?: (line: string) => void;
}

/** The world's facts the model is calibrated to. */
export interface WorldCalibration {
  readonly poolFeePips: bigint;
  readonly collateralIsToken0: boolean;
  /** Liquidity the calibration expects at the start price, and the pool's own `liquidity()` there. */
  readonly modelLiquidityAtStart: number;
  readonly poolLiquidityAtStart: number;
  readonly rateModel: KinkRateModel;
  readonly limits: LabLimits;
  readonly lltv: bigint;
}

interface WorldJson {
  morpho: Address;
  marketId: Hex;
  irm: Address;
  lltv: string;
}

/**
 * Sends the keeper's calls and the arbitrageur's price moves, at chosen block timestamps. Its own clients poll
 * for receipts every 10 ms (viem's default of 4 s would dominate a 500-step replay on an automining anvil).
 */
class Keeper {
  readonly wallet;
  readonly owner;
  readonly client: PublicClient<Transport, Chain>;
  constructor(private readonly world: World) {
    const chain = world.client.chain;
    const transport = http(world.rpcUrl);
    this.client = createPublicClient({ chain, transport, pollingInterval: 10, cacheTime: 0 }) as PublicClient<Transport, Chain>;
    this.wallet = createWalletClient({ chain, transport, pollingInterval: 10, account: privateKeyToAccount(ANVIL_KEYS.keeper) });
    this.owner = createWalletClient({ chain, transport, pollingInterval: 10, account: privateKeyToAccount(ANVIL_KEYS.owner) });
  }

  /** The arbitrageur moves the feed and the pool to `answer` (8 decimals) in a block at `timestamp`. */
  async setPrice(timestamp: bigint, answer: bigint): Promise<void> {
    await this.at(timestamp);
    const hash = await this.owner.writeContract({ address: this.world.deployment.arbitrageur, abi: arbitrageurAbi, functionName: 'setPrice', args: [answer], gas: 3_000_000n });
    const receipt = await this.client.waitForTransactionReceipt({ hash, pollingInterval: 10 });
    if (receipt.status !== 'success') throw new Error(`setPrice(${answer}) reverted`);
  }

  /** The next block (and only it) gets `timestamp`; equal to the previous block's is allowed on anvil. */
  async at(timestamp: bigint): Promise<void> {
    await this.world.rpc('evm_setNextBlockTimestamp', [Number(timestamp)]);
  }

  /** Simulates, then sends; returns the gas used, or the revert's name. */
  async send(timestamp: bigint, call: { functionName: 'rebalance' | 'ripcord'; args: readonly unknown[] }): Promise<{ gas: bigint } | { error: string }> {
    const request = { address: this.world.deployment.vault, abi: ballastVaultAbi, account: this.wallet.account, ...call } as const;
    try {
      await this.client.simulateContract(request as never);
    } catch (error) {
      const failure = classifyFailure(error);
      return { error: failure.kind === 'revert' ? failure.name : `transient: ${failure.message}` };
    }
    await this.at(timestamp);
    const hash = await this.wallet.writeContract({ ...(request as object), gas: 5_000_000n } as never);
    const receipt = await this.client.waitForTransactionReceipt({ hash, pollingInterval: 10 });
    if (receipt.status !== 'success') return { error: 'reverted on-chain after a passing simulation' };
    return { gas: receipt.gasUsed };
  }
}

function moduleOf(snapshot: VaultSnapshot): ModuleSnapshot {
  const module = snapshot.modules[0];
  if (snapshot.error || module === undefined) throw new Error(`cannot read the world's vault: ${snapshot.error ?? 'no module'}`);
  return module;
}

/** Reads the facts the model is calibrated to, from the chain (rates, fee, token order, limits) and the world's config (bands). */
async function calibrate(world: World, module: ModuleSnapshot): Promise<WorldCalibration> {
  const json = world.deployment as unknown as WorldJson & typeof world.deployment;
  const read = <T>(address: Address, abi: readonly unknown[], functionName: string, args: readonly unknown[] = []): Promise<T> =>
    world.client.readContract({ address, abi: abi as never, functionName: functionName as never, args: args as never }) as Promise<T>;
  const [baseRate, kinkRate, maxRate, kink, market, fee, liquidity, collateralIsToken0] = await Promise.all([
    read<bigint>(json.irm, irmAbi, 'baseRate'),
    read<bigint>(json.irm, irmAbi, 'kinkRate'),
    read<bigint>(json.irm, irmAbi, 'maxRate'),
    read<bigint>(json.irm, irmAbi, 'kink'),
    read<readonly bigint[]>(json.morpho, morphoAbi, 'market', [json.marketId]),
    read<number>(world.deployment.pool, poolAbi, 'fee'),
    read<bigint>(world.deployment.pool, poolAbi, 'liquidity'),
    read<boolean>(world.deployment.oracle, oracleAbi, 'collateralIsToken0'),
  ]);
  const curve = new LiquidityCurve(worldLiquidity(LOCAL_WORLD.initialAnswer * 1e-12, collateralIsToken0), BigInt(fee));
  const l = module.limits;
  return {
    poolFeePips: BigInt(fee),
    collateralIsToken0,
    modelLiquidityAtStart: curve.liquidityAt(BigInt(LOCAL_WORLD.initialAnswer) * 10n ** 24n),
    poolLiquidityAtStart: Number(liquidity),
    rateModel: { baseRate, kinkRate, maxRate, kink, supply: market[0]! },
    limits: {
      minLeverage: l.minLeverage,
      targetLeverage: l.targetLeverage,
      maxLeverage: l.maxLeverage,
      ripcordLeverage: l.ripcordLeverage,
      maxTradeSize: l.maxTradeSize,
      ripcordMaxTradeSize: l.ripcordMaxTradeSize,
      maxSlippageBps: l.maxSlippageBps,
      ripcordSlippageBps: l.ripcordSlippageBps,
      cooldown: l.cooldown,
      ripcordCooldown: l.ripcordCooldown,
      maxOracleStaleness: l.maxOracleStaleness,
    },
    lltv: BigInt(json.lltv),
  };
}

/** The model's configuration for `policy` in this world. */
export function exactConfig(policy: PolicyName, overrides: Overrides, calibration: WorldCalibration, supply: bigint): LabConfig {
  const problems = [
    ...Object.keys(overrides.market ?? {}).map((k) => `market.${k}`),
    ...Object.keys(overrides.limits ?? {}).map((k) => `limits.${k}`),
  ];
  if (problems.length > 0) {
    throw new Error(`--exact takes the market and the limits from the world; remove ${problems.join(', ')} from --params`);
  }
  const base = buildConfig(policy, { parameters: overrides.parameters ?? {} });
  return {
    market: {
      ...base.market,
      poolFeePips: calibration.poolFeePips,
      liquidity: new LiquidityCurve(worldLiquidity(LOCAL_WORLD.initialAnswer * 1e-12, calibration.collateralIsToken0), calibration.poolFeePips),
      rateModel: { ...calibration.rateModel, supply },
      lltv: calibration.lltv,
      // The arbitrageur writes the feed at every step.
      oracleDeviationBps: 0n,
      gasPerRebalance: 0n,
      gasPerRipcord: 0n,
      gasPriceWei: 0n,
    },
    policy: { ...base.policy, limits: calibration.limits },
  };
}

/** Lever the world's vault (allocated at 1x) up to just under target in one keeper trade, sized by the policy's own bound. */
async function warmUp(world: World, keeper: Keeper, reader: VaultReader): Promise<void> {
  const snapshot = (await reader.read([world.deployment.vault]))[0]!;
  const module = moduleOf(snapshot);
  const amount = minBigInt(
    maxLeverUpWithin({ collateral: module.state.collateral, debtInAssets: module.state.debtInAssets }, module.limits.targetLeverage, module.limits.maxSlippageBps),
    module.limits.maxTradeSize,
  );
  const result = await keeper.send(snapshot.timestamp + 1n, {
    functionName: 'rebalance',
    args: [module.address, { jobId: jobIdWithNonce(keccak256(stringToHex('lab-exact-warm-up')), module.jobNonce), deadline: MAX_UINT256, leverUp: true, amount, minPreLeverage: 0n, maxPreLeverage: MAX_UINT256 }],
  });
  if ('error' in result) throw new Error(`warm-up lever-up failed: ${result.error}`);
}

/** Replays `bars` on the chain from its current state; block times are `t0 + (bar - first bar)`. */
async function replay(
  world: World,
  keeper: Keeper,
  bars: readonly PriceBar[],
  t0: bigint,
  parameters: PolicyParameters,
  lookbackSeconds: bigint,
  progress?: (line: string) => void,
): Promise<{ steps: ChainStep[]; start: VaultSnapshot; startSupply: bigint }> {
  const reader = new VaultReader(keeper.client, world.deployment.multicall3);
  const vault = world.deployment.vault;
  const history: PricePoint[] = [];
  const steps: ChainStep[] = [];
  let start: VaultSnapshot | null = null;
  let startSupply = 0n;
  const json = world.deployment as unknown as WorldJson;
  for (const [index, bar] of bars.entries()) {
    const now = t0 + BigInt(bar.timestamp - bars[0]!.timestamp);
    const answer = BigInt(Math.round(bar.close * 1e8));
    await keeper.setPrice(now, answer);

    const before = (await reader.read([vault]))[0]!;
    if (start === null) {
      start = before;
      // The lenders' supply at the model's start (read now: anvil keeps no history, see runExact).
      startSupply = (await keeper.client.readContract({ address: json.morpho, abi: morphoAbi, functionName: 'market', args: [json.marketId] }))[0];
    }
    const module = moduleOf(before);
    if (history[history.length - 1]?.timestamp !== module.state.oracleUpdatedAt) {
      history.push({ timestamp: module.state.oracleUpdatedAt, price: module.state.oraclePrice });
    }
    const prices = history.filter((p) => p.timestamp >= before.timestamp - lookbackSeconds);
    const [plan] = planVault(before, new Map([[module.address, prices]]), {
      chainId: CHAIN_ID,
      jobDeadlineSeconds: Number(JOB_DEADLINE_SECONDS),
      signers: [world.deployment.keeper],
      parameters,
    });
    let action: ChainAction | null = null;
    let gasUsed = 0n;
    const job = plan?.job;
    if (job && job.action === 'ripcord') {
      const result = await keeper.send(now, { functionName: 'ripcord', args: [module.address] });
      action = 'error' in result ? { kind: 'refused', what: 'ripcord', reason: result.error } : { kind: 'ripcord', leverUp: false, amount: null, halvings: 0 };
      if ('gas' in result) gasUsed = result.gas;
    } else if (job && job.params) {
      const p = job.params;
      let amount = BigInt(p.amount);
      for (let halvings = 0; ; halvings++) {
        const params = { jobId: job.jobId, deadline: BigInt(p.deadline), leverUp: p.leverUp, amount, minPreLeverage: BigInt(p.minPreLeverage), maxPreLeverage: BigInt(p.maxPreLeverage) };
        const result = await keeper.send(now, { functionName: 'rebalance', args: [module.address, params] });
        if ('gas' in result) {
          action = { kind: 'rebalance', leverUp: p.leverUp, amount: Number(minBigInt(amount, module.limits.maxTradeSize)) / 1e18, halvings };
          gasUsed = result.gas;
          break;
        }
        if (SHRINKABLE.has(result.error) && halvings < MAX_HALVINGS && amount > 1n) {
          amount /= 2n;
          continue;
        }
        action = { kind: 'refused', what: 'rebalance', reason: result.error };
        break;
      }
    }
    const after = (await reader.read([vault]))[0]!;
    const state = moduleOf(after).state;
    const atFeed = valuePosition(state.collateral, state.debt, answer * 10n ** 16n);
    steps.push({
      index,
      timestamp: Number(now),
      price: bar.close,
      nav: Number(after.totalAssets) / 1e18,
      navAtFeed: Number(after.idle + atFeed.collateral - minBigInt(atFeed.debtInAssets, atFeed.collateral)) / 1e18,
      idle: Number(after.idle) / 1e18,
      leverage: Number(state.leverage) / 1e18,
      oracleHealthy: module.state.oracleHealthy,
      decision: plan ? (plan.decision.plan.kind === 'none' ? plan.decision.plan.reason : plan.decision.plan.kind) : 'none',
      action,
      gasUsed: Number(gasUsed),
    });
    if (progress && (index + 1) % 50 === 0) progress(`  chain: step ${index + 1}/${bars.length}, NAV ${steps[steps.length - 1]!.nav.toFixed(4)}`);
  }
  return { steps, start: start!, startSupply };
}

/**
 * Deploys the world on a fresh anvil, levers it up to target, and for each policy replays `bars` on the chain
 * (from an anvil snapshot of that state) and in the model; returns one comparison per policy.
 */
export async function runExact(bars: readonly PriceBar[], options: ExactOptions): Promise<ExactReport[]> {
  if (bars.length === 0) throw new Error('--exact needs at least one bar');
  const started = Date.now();
  // startAnvil keeps no old states on disk (--prune-history): reads here are at the latest block only.
  const anvil = await startAnvil();
  let world: World | null = null;
  try {
    world = await World.deploy(anvil.url, `lab-exact-${anvil.port}`);
    const keeper = new Keeper(world);
    const reader = new VaultReader(world.client, world.deployment.multicall3);
    await warmUp(world, keeper, reader);
    const warm = moduleOf((await reader.read([world.deployment.vault]))[0]!);
    const calibration = await calibrate(world, warm);
    const lastEmergencyDelever = BigInt(
      await world.client.readContract({ address: warm.address, abi: morphoLeverageModuleAbi, functionName: 'lastEmergencyDelever' }),
    );
    const step = bars.length > 1 ? bars[1]!.timestamp - bars[0]!.timestamp : 3600;
    const t0 = (await world.timestamp()) + BigInt(step);
    const deployedIn = (Date.now() - started) / 1000;

    const reports: ExactReport[] = [];
    for (const policy of options.policies) {
      const snapshot = await world.snapshot();
      const replayStarted = Date.now();
      const lookback = buildConfig(policy, { parameters: options.overrides.parameters ?? {} }).market.priceLookbackSeconds;
      const probe = exactConfig(policy, options.overrides, calibration, calibration.rateModel.supply);
      options.progress?.(`${policy}: replaying ${bars.length} steps on anvil`);
      const chain = await replay(world, keeper, bars, t0, probe.policy.parameters, lookback, options.progress);
      const startModule = moduleOf(chain.start);
      const config = exactConfig(policy, options.overrides, calibration, chain.startSupply);
      const modelBars: PriceBar[] = bars.map((b) => {
        const timestamp = Number(t0) + b.timestamp - bars[0]!.timestamp;
        return { timestamp, open: b.close, high: b.close, low: b.close, close: b.close };
      });
      const start: BacktestStart = {
        collateral: startModule.state.collateral,
        debt: startModule.state.debt,
        lastRebalance: startModule.state.lastRebalance,
        lastEmergencyDelever,
      };
      const model = runBacktest(modelBars, config, start);
      reports.push(
        compareRuns({
          source: options.source,
          policy,
          chain: chain.steps,
          model,
          startIdle: Number(chain.start.idle) / 1e18,
          startPrice: Number(startModule.state.oraclePrice) / Number(ORACLE_PRICE_SCALE) * 1e12,
          start,
          calibration,
          seconds: { deploy: deployedIn, replay: (Date.now() - replayStarted) / 1000 },
        }),
      );
      await world.revert(snapshot);
    }
    return reports;
  } finally {
    world?.removeFile();
    await anvil.stop();
  }
}
