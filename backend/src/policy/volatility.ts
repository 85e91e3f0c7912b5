/**
 * Realised volatility of the oracle price, and the leverage target it allows.
 *
 * **Estimator.** An exponentially weighted moving average (RiskMetrics) of squared log returns, made
 * to work with irregular timestamps: each return r over dt seconds contributes the per-second variance
 * sample r²/dt, and the previous estimate decays by `decay ** (dt / decayIntervalSeconds)`, so a gap
 * of two intervals decays like two samples. The first sample seeds the average. With samples every
 * `decayIntervalSeconds` this is exactly RiskMetrics' σ²ₜ = λσ²ₜ₋₁ + (1 - λ)r²ₜ. The result is
 * annualised over 365 days (crypto markets never close). Floating point is used here only: the
 * estimate is quantised to 1e-9 before it enters the bigint arithmetic, so the amounts a plan sends
 * are integers whatever the platform's last-bit rounding.
 *
 * **Target.** For a position long the vault asset against a debt, a fall x of the asset price moves
 * leverage from L to L(1 - x)/(1 - Lx). Keeping that below the ripcord R gives L <= R / (1 + (R - 1)x).
 * The policy asks that a `sigmas`-sigma fall over `horizonSeconds` (the time the keeper gives itself
 * to react) stays below the ripcord, with the linear move x = k·σ·√h, which is larger than the true
 * fall 1 - e^(-k·σ·√h) and so errs on the safe side. The target is then
 * clamp(min(on-chain target, that bound), minLeverage, on-chain target): volatility only ever lowers it.
 *
 * @packageDocumentation
 */
import { InvalidPriceSampleError } from './errors.js';
import { WAD, clampBigInt, minBigInt, sqrtDown, wDivDown, wMulUp } from './math.js';
import type { ModuleLimits, PricePoint, VolatilityParameters } from './types.js';

/** Seconds in the 365-day year used to annualise. */
export const SECONDS_PER_YEAR = 365n * 24n * 60n * 60n;

const QUANTUM = 10n ** 9n;

/** A volatility estimate. */
export interface VolatilityEstimate {
  /** Annualised volatility of log returns, as a float (for display). */
  readonly annualised: number;
  /** The same, quantised to 1e-9 and scaled to WAD: the value the target is computed from. */
  readonly annualisedWad: bigint;
  /** How many returns went into it. */
  readonly returns: number;
}

/** The volatility-aware target and how it was reached. */
export interface VolatilityTarget {
  /** The target to steer to, WAD, within [minLeverage, on-chain target]. */
  readonly targetLeverage: bigint;
  /** The highest leverage from which a `sigmas`-sigma fall stays below the ripcord, WAD (before clamping). */
  readonly safeLeverage: bigint;
  /** The adverse move assumed, as a WAD fraction of the price. */
  readonly adverseMove: bigint;
}

function logReturn(previous: bigint, current: bigint): number {
  // log1p keeps small returns exact where log(ratio) would lose them to the rounding of the ratio.
  return Math.log1p(Number(((current - previous) * WAD) / previous) / 1e18);
}

/**
 * EWMA realised volatility of `prices` (any order; samples sharing a timestamp keep the last one).
 * Returns null when the series has fewer than `minReturns` returns.
 * Throws {@link InvalidPriceSampleError} on a price that is not positive.
 */
export function estimateVolatility(
  prices: readonly PricePoint[],
  parameters: Pick<VolatilityParameters, 'decay' | 'decayIntervalSeconds' | 'minReturns'>,
): VolatilityEstimate | null {
  prices.forEach((point, index) => {
    if (point.price <= 0n) throw new InvalidPriceSampleError(index, point.price);
  });
  const series = [...prices].sort((a, b) => (a.timestamp < b.timestamp ? -1 : a.timestamp > b.timestamp ? 1 : 0));

  let variancePerSecond = 0;
  let returns = 0;
  let previous = series[0];
  for (const point of series.slice(1)) {
    if (previous === undefined || point.timestamp <= previous.timestamp) {
      previous = point;
      continue;
    }
    const seconds = Number(point.timestamp - previous.timestamp);
    const sample = logReturn(previous.price, point.price) ** 2 / seconds;
    const weight = parameters.decay ** (seconds / parameters.decayIntervalSeconds);
    variancePerSecond = returns === 0 ? sample : weight * variancePerSecond + (1 - weight) * sample;
    returns += 1;
    previous = point;
  }
  if (returns < parameters.minReturns) return null;

  const annualised = Math.sqrt(variancePerSecond * Number(SECONDS_PER_YEAR));
  return { annualised, annualisedWad: BigInt(Math.round(annualised * 1e9)) * QUANTUM, returns };
}

/**
 * The leverage target allowed by an annualised volatility (see the module comment for the derivation).
 * @param limits - The module's on-chain limits; the result stays within [minLeverage, targetLeverage].
 * @param annualisedVolatility - WAD (0.8e18 = 80% a year).
 */
export function volatilityAwareTarget(
  limits: Pick<ModuleLimits, 'minLeverage' | 'targetLeverage' | 'ripcordLeverage'>,
  annualisedVolatility: bigint,
  parameters: Pick<VolatilityParameters, 'sigmas' | 'horizonSeconds'>,
): VolatilityTarget {
  const horizonFraction = sqrtDown((parameters.horizonSeconds * WAD * WAD) / SECONDS_PER_YEAR) + 1n;
  const adverseMove = wMulUp(parameters.sigmas, wMulUp(annualisedVolatility, horizonFraction));
  const ripcord = limits.ripcordLeverage;
  const safeLeverage = adverseMove >= WAD ? WAD : wDivDown(ripcord, WAD + wMulUp(ripcord - WAD, adverseMove));
  const targetLeverage = clampBigInt(
    minBigInt(limits.targetLeverage, safeLeverage),
    limits.minLeverage,
    limits.targetLeverage,
  );
  return { targetLeverage, safeLeverage, adverseMove };
}
