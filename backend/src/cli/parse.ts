/**
 * Parsers for what a person types: addresses, token amounts in whole units ("1.5"), basis points, durations
 * and private keys. Each throws a {@link CliInputError} that names the argument and says what was expected;
 * a key is never echoed back.
 *
 * @packageDocumentation
 */
import { getAddress, isAddress, parseUnits, type Address, type Hex } from 'viem';
import { Secret } from '../config/secret.js';
import { CliInputError } from './errors.js';

/** `0x` + 40 hex digits (any case; a mixed-case address must carry a valid checksum). */
export function parseAddress(value: string, what: string): Address {
  const trimmed = value.trim();
  if (!/^0x[0-9a-fA-F]{40}$/.test(trimmed)) {
    throw new CliInputError(`${what} "${value}" is not an address (expected 0x followed by 40 hex digits)`);
  }
  const digits = trimmed.slice(2);
  const oneCase = digits === digits.toLowerCase() || digits === digits.toUpperCase();
  if (!oneCase && !isAddress(trimmed, { strict: true })) {
    throw new CliInputError(`${what} "${value}" has a wrong checksum (write it in lower case to skip the check)`);
  }
  return getAddress(trimmed);
}

/** Checks the form of an amount ("1.5") before the token's decimals are known. */
export function checkAmountSyntax(value: string, what: string): void {
  if (!/^\d+(\.\d+)?$/.test(value.trim())) {
    throw new CliInputError(`${what} "${value}" is not an amount (expected a decimal number in whole units, such as 1.5)`);
  }
}

/**
 * A token amount in whole units ("1.5", "100", "0.000001") turned into base units of a token with `decimals`.
 * Refuses signs, exponents, thousands separators, zero (unless `allowZero`) and more decimals than the token has.
 */
export function parseAmount(value: string, decimals: number, what: string, unit: string, options: { allowZero?: boolean } = {}): bigint {
  const trimmed = value.trim();
  if (!/^\d+(\.\d+)?$/.test(trimmed)) {
    throw new CliInputError(`${what} "${value}" is not an amount (expected a decimal number of ${unit}, such as 1.5)`);
  }
  const fraction = trimmed.split('.')[1] ?? '';
  if (fraction.length > decimals) {
    throw new CliInputError(`${what} "${value}" has ${fraction.length} decimals; ${unit} has ${decimals}`);
  }
  const amount = parseUnits(trimmed, decimals);
  if (amount === 0n && !options.allowZero) throw new CliInputError(`${what} must be more than 0 ${unit}`);
  return amount;
}

/** An integer number of basis points in [0, max]. */
export function parseBps(value: string, what: string, max = 10_000): bigint {
  const trimmed = value.trim();
  if (!/^\d+$/.test(trimmed)) throw new CliInputError(`${what} "${value}" is not a whole number of basis points (0..${max})`);
  const bps = BigInt(trimmed);
  if (bps > BigInt(max)) throw new CliInputError(`${what} ${value} is above ${max} bps`);
  return bps;
}

const UNIT_SECONDS: Record<string, bigint> = { '': 1n, s: 1n, m: 60n, h: 3600n, d: 86_400n };

/** A duration: seconds ("3600"), or with a unit ("90s", "15m", "2h", "1d"). */
export function parseDuration(value: string, what: string): bigint {
  const match = /^(\d+)\s*([smhd]?)$/.exec(value.trim());
  if (!match) throw new CliInputError(`${what} "${value}" is not a duration (seconds, or a number with s, m, h or d: 3600, 15m, 1d)`);
  return BigInt(match[1]!) * UNIT_SECONDS[match[2]!]!;
}

/** The signer's private key (32 bytes hex, `0x` optional), wrapped so that it never prints. */
export function parsePrivateKey(value: string, source: string): Secret<Hex> {
  const trimmed = value.trim();
  const hex = trimmed.startsWith('0x') || trimmed.startsWith('0X') ? trimmed.slice(2) : trimmed;
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) {
    // Never echo the value: a slightly mistyped key is still a secret.
    throw new CliInputError(`${source} is not a private key (expected 0x followed by 64 hex digits; the value is not shown)`);
  }
  return new Secret(`0x${hex.toLowerCase()}` as Hex);
}
