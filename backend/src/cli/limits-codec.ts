/**
 * A leverage module's `LeverageLimits` (strategies/morpho-leverage/LeverageLimitsLib.sol) between the bytes
 * the vault takes (`submitModuleLimits` / `acceptModuleLimits`), bigints, and the units a person writes:
 * leverage as a multiple ("2.5"), trade sizes in whole asset units ("50"), slippage and deviation in bps,
 * times in seconds (or "15m", "1d"). A limits file and `--set key=value` use those units; `limits show --json`
 * prints them the same way, so its `current` object can be edited and fed back.
 *
 * @packageDocumentation
 */
import { decodeAbiParameters, encodeAbiParameters, keccak256, parseUnits, type Hex } from 'viem';
import { morphoLeverageModuleAbi } from '../chain/abi/index.js';
import { CliInputError } from './errors.js';
import { leverageDecimal, units } from './format.js';
import { parseAmount, parseBps, parseDuration } from './parse.js';

type Kind = 'leverage' | 'assets' | 'bps' | 'seconds';

/** Every field, in struct order, with its unit and its Solidity width. */
export const LIMIT_FIELDS = [
  { name: 'minLeverage', kind: 'leverage', bits: 64 },
  { name: 'targetLeverage', kind: 'leverage', bits: 64 },
  { name: 'maxLeverage', kind: 'leverage', bits: 64 },
  { name: 'ripcordLeverage', kind: 'leverage', bits: 64 },
  { name: 'maxTradeSize', kind: 'assets', bits: 128 },
  { name: 'ripcordMaxTradeSize', kind: 'assets', bits: 128 },
  { name: 'maxSlippageBps', kind: 'bps', bits: 16 },
  { name: 'ripcordSlippageBps', kind: 'bps', bits: 16 },
  { name: 'maxOracleDeviationBps', kind: 'bps', bits: 16 },
  { name: 'cooldown', kind: 'seconds', bits: 32 },
  { name: 'ripcordCooldown', kind: 'seconds', bits: 32 },
  { name: 'maxOracleStaleness', kind: 'seconds', bits: 32 },
  { name: 'deadManDelay', kind: 'seconds', bits: 32 },
] as const satisfies readonly { name: string; kind: Kind; bits: number }[];

export type LimitName = (typeof LIMIT_FIELDS)[number]['name'];

/** The struct with every field as a bigint (leverage WAD, sizes in asset base units). */
export type LeverageLimits = Record<LimitName, bigint>;

/** The struct in the units a person writes (what a limits file holds). */
export type HumanLimits = Record<LimitName, string | number>;

const STRUCT = (() => {
  const item = morphoLeverageModuleAbi.find((i) => i.type === 'function' && i.name === 'leverageLimits');
  if (!item || item.type !== 'function') throw new Error('leverageLimits is missing from the generated module ABI');
  return item.outputs;
})();

/** `abi.encode(limits)`: the bytes `submitModuleLimits` and `acceptModuleLimits` take. */
export function encodeLimits(limits: LeverageLimits): Hex {
  return encodeAbiParameters(STRUCT, [limits as never]);
}

/** Inverse of {@link encodeLimits}. */
export function decodeLimits(data: Hex): LeverageLimits {
  const [struct] = decodeAbiParameters(STRUCT, data);
  return normalizeLimits(struct as Record<LimitName, bigint | number>);
}

/** The pending-limits hash the vault stores for these limits. */
export function limitsHash(limits: LeverageLimits): Hex {
  return keccak256(encodeLimits(limits));
}

/** Widens what viem returns (uint16/uint32 as numbers) to bigints. */
export function normalizeLimits(raw: Record<LimitName, bigint | number>): LeverageLimits {
  return Object.fromEntries(LIMIT_FIELDS.map((f) => [f.name, BigInt(raw[f.name])])) as LeverageLimits;
}

/** The limits in a person's units (`assetDecimals` for trade sizes). */
export function toHuman(limits: LeverageLimits, assetDecimals: number): HumanLimits {
  return Object.fromEntries(
    LIMIT_FIELDS.map((f) => {
      const v = limits[f.name];
      switch (f.kind) {
        case 'leverage':
          return [f.name, leverageDecimal(v)];
        case 'assets':
          return [f.name, units(v, assetDecimals, assetDecimals)];
        default:
          return [f.name, Number(v)];
      }
    }),
  ) as HumanLimits;
}

function parseField(name: LimitName, value: unknown, assetDecimals: number, where: string): bigint {
  const field = LIMIT_FIELDS.find((f) => f.name === name)!;
  if (typeof value !== 'string' && typeof value !== 'number') {
    throw new CliInputError(`${where}${name} must be a number or a string, not ${JSON.stringify(value)}`);
  }
  const text = String(value).trim();
  let parsed: bigint;
  switch (field.kind) {
    case 'leverage': {
      const bare = text.replace(/x$/i, '');
      if (!/^\d+(\.\d{1,18})?$/.test(bare)) throw new CliInputError(`${where}${name} "${text}" is not a leverage (a multiple such as 2.5)`);
      parsed = parseUnits(bare, 18);
      break;
    }
    case 'assets':
      parsed = parseAmount(text, assetDecimals, `${where}${name}`, 'asset units', { allowZero: true });
      break;
    case 'bps':
      parsed = parseBps(text, `${where}${name}`, 65_535);
      break;
    case 'seconds':
      parsed = parseDuration(text, `${where}${name}`);
      break;
  }
  if (parsed >= 1n << BigInt(field.bits)) throw new CliInputError(`${where}${name} ${text} does not fit in uint${field.bits}`);
  return parsed;
}

/**
 * Applies changes (from a file and/or `--set`) on top of `base`. Every problem is collected into one
 * {@link CliInputError}: unknown keys (with the known ones listed) and malformed values.
 */
export function applyChanges(
  base: LeverageLimits,
  changes: readonly { readonly source: string; readonly values: Record<string, unknown> }[],
  assetDecimals: number,
): { limits: LeverageLimits; changed: LimitName[] } {
  const names = LIMIT_FIELDS.map((f) => f.name as string);
  const next = { ...base };
  const problems: string[] = [];
  for (const { source, values } of changes) {
    for (const [key, value] of Object.entries(values)) {
      if (!names.includes(key)) {
        problems.push(`${source}: unknown limit "${key}" (known: ${names.join(', ')})`);
        continue;
      }
      try {
        next[key as LimitName] = parseField(key as LimitName, value, assetDecimals, `${source}: `);
      } catch (error) {
        problems.push((error as Error).message);
      }
    }
  }
  if (problems.length > 0) throw new CliInputError(problems.join('\n'));
  const changed = LIMIT_FIELDS.map((f) => f.name).filter((n) => next[n] !== base[n]);
  return { limits: next, changed };
}

/** Parses `--set key=value` arguments into one change set. */
export function parseSetArguments(pairs: readonly string[]): Record<string, string> {
  const values: Record<string, string> = {};
  for (const pair of pairs) {
    const match = /^([A-Za-z]+)=(.+)$/.exec(pair.trim());
    if (!match) throw new CliInputError(`--set "${pair}" is not key=value (e.g. --set targetLeverage=2.2 --set cooldown=30m)`);
    values[match[1]!] = match[2]!;
  }
  return values;
}
