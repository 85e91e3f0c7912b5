/**
 * Output helpers: amounts, leverage, durations and times for people; JSON with bigints as decimal strings
 * for scripts.
 *
 * @packageDocumentation
 */
import { formatUnits } from 'viem';

const WAD = 10n ** 18n;
const MAX_UINT = 2n ** 256n - 1n;

/** A command's outcome: lines for a person and a JSON-safe object for a script. */
export interface CommandOutput {
  readonly text: readonly string[];
  readonly data: Record<string, unknown>;
}

/** JSON with every bigint as a decimal string. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2);
}

/** `amount` base units of a token with `decimals`, in whole units with at most `digits` decimals (truncated). */
export function units(amount: bigint, decimals: number, digits = 6): string {
  const full = formatUnits(amount, decimals);
  const [whole, fraction = ''] = full.split('.');
  const cut = fraction.slice(0, digits).replace(/0+$/, '');
  return cut ? `${whole}.${cut}` : whole!;
}

/** Like {@link units}, but "unlimited" for the type's maximum (`bits` wide), as caps are stored. */
export function cappedUnits(amount: bigint, decimals: number, bits: number): string {
  return amount >= (1n << BigInt(bits)) - 1n ? 'unlimited' : units(amount, decimals);
}

/** A WAD leverage as "2.00x" (infinite when the module reports type(uint256).max). */
export function leverage(wad: bigint): string {
  if (wad === MAX_UINT) return 'inf';
  return `${(Number((wad * 10_000n) / WAD) / 10_000).toFixed(2)}x`;
}

/** A WAD leverage as a plain decimal string ("2.5"), the form `limits submit` accepts back. */
export function leverageDecimal(wad: bigint): string {
  return units(wad, 18, 18);
}

/** Seconds as "1d 2h", "15m", "45s". */
export function duration(seconds: bigint): string {
  const negative = seconds < 0n;
  let s = negative ? -seconds : seconds;
  if (s === 0n) return '0s';
  const parts: string[] = [];
  for (const [unit, size] of [['d', 86_400n], ['h', 3600n], ['m', 60n], ['s', 1n]] as const) {
    if (s >= size) {
      parts.push(`${s / size}${unit}`);
      s %= size;
    }
    if (parts.length === 2) break;
  }
  return (negative ? '-' : '') + parts.join(' ');
}

/** A unix timestamp as an ISO date (UTC, seconds). */
export function isoTime(timestamp: bigint): string {
  return new Date(Number(timestamp) * 1000).toISOString().replace('.000Z', 'Z');
}

/** "2024-06-01T12:00:00Z (5m ago)" / "(in 23h 59m)", relative to the chain's clock `now`. */
export function when(timestamp: bigint, now: bigint): string {
  if (timestamp === 0n) return 'never';
  const delta = now - timestamp;
  return `${isoTime(timestamp)} (${delta >= 0n ? `${duration(delta)} ago` : `in ${duration(-delta)}`})`;
}

/** Aligns `[label, value]` rows into "  label   value" lines. */
export function rows(entries: readonly (readonly [string, string])[], indent = '  '): string[] {
  const width = Math.max(...entries.map(([label]) => label.length));
  return entries.map(([label, value]) => `${indent}${label.padEnd(width)}  ${value}`);
}
