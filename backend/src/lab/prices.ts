/**
 * Price files for the backtester: CSV with a header, either `timestamp,price` or OHLC
 * (`timestamp,open,high,low,close`). Timestamps are unix seconds and must strictly increase. A `price`
 * file becomes bars whose open, high, low and close are that price. Every problem is reported with the
 * 1-based line number of the file, so a person can open the file at that line.
 *
 * @packageDocumentation
 */
import { readFileSync } from 'node:fs';

/** One bar of market prices (quote per asset, e.g. USD per ETH). */
export interface PriceBar {
  /** Unix seconds. */
  readonly timestamp: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  /** The price decisions use. */
  readonly close: number;
}

/** A price file cannot be used; `line` is 1-based (0 when the problem is the file as a whole). */
export class PriceFileError extends Error {
  constructor(
    public readonly source: string,
    public readonly line: number,
    public readonly problem: string,
  ) {
    super(line > 0 ? `${source}:${line}: ${problem}` : `${source}: ${problem}`);
    this.name = 'PriceFileError';
  }
}

const PRICE_COLUMNS = ['timestamp', 'price'] as const;
const OHLC_COLUMNS = ['timestamp', 'open', 'high', 'low', 'close'] as const;

function parseNumber(cell: string | undefined, column: string, fail: (problem: string) => never): number {
  if (cell === undefined || cell.trim() === '') fail(`missing column "${column}"`);
  const text = cell.trim();
  // Number('') is 0 and Number('0x10') is 16: accept plain decimals (with an exponent) only.
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) fail(`"${column}" is not a number: "${text}"`);
  const value = Number(text);
  if (!Number.isFinite(value)) fail(`"${column}" is not a finite number: "${text}"`);
  return value;
}

/**
 * Parses a price CSV.
 * @param text - The file's content.
 * @param source - A name for error messages (usually the path).
 * @throws {@link PriceFileError} naming the line and the problem.
 */
export function parsePriceCsv(text: string, source = 'prices'): PriceBar[] {
  const lines = text.split(/\r?\n/);
  const headerIndex = lines.findIndex((line) => line.trim() !== '' && !line.trimStart().startsWith('#'));
  if (headerIndex < 0) throw new PriceFileError(source, 0, 'empty file: expected a header and at least one row');
  const header = lines[headerIndex]!.split(',').map((cell) => cell.trim().toLowerCase());
  const columns = header.join(',');
  let ohlc: boolean;
  if (columns === PRICE_COLUMNS.join(',')) ohlc = false;
  else if (columns === OHLC_COLUMNS.join(',')) ohlc = true;
  else {
    throw new PriceFileError(
      source,
      headerIndex + 1,
      `header must be "${PRICE_COLUMNS.join(',')}" or "${OHLC_COLUMNS.join(',')}", got "${lines[headerIndex]!.trim()}"`,
    );
  }

  const bars: PriceBar[] = [];
  for (let index = headerIndex + 1; index < lines.length; index++) {
    const raw = lines[index]!;
    if (raw.trim() === '' || raw.trimStart().startsWith('#')) continue;
    const lineNumber = index + 1;
    const fail = (problem: string): never => {
      throw new PriceFileError(source, lineNumber, problem);
    };
    const cells = raw.split(',');
    if (cells.length > header.length) fail(`expected ${header.length} columns, got ${cells.length}`);
    const timestamp = parseNumber(cells[0], 'timestamp', fail);
    if (!Number.isInteger(timestamp) || timestamp < 0) fail(`timestamp must be a non-negative integer (unix seconds): ${timestamp}`);
    const previous = bars[bars.length - 1];
    if (previous !== undefined && timestamp <= previous.timestamp) {
      fail(`timestamp ${timestamp} does not increase (previous row: ${previous.timestamp})`);
    }
    let bar: PriceBar;
    if (ohlc) {
      const [open, high, low, close] = OHLC_COLUMNS.slice(1).map((column, i) => parseNumber(cells[i + 1], column, fail)) as [
        number,
        number,
        number,
        number,
      ];
      bar = { timestamp, open, high, low, close };
      if (low > Math.min(open, close) || high < Math.max(open, close)) {
        fail(`low ${low} / high ${high} do not bound open ${open} and close ${close}`);
      }
    } else {
      const price = parseNumber(cells[1], 'price', fail);
      bar = { timestamp, open: price, high: price, low: price, close: price };
    }
    if (bar.low <= 0) fail(`prices must be positive: ${bar.low}`);
    bars.push(bar);
  }
  if (bars.length === 0) throw new PriceFileError(source, 0, 'empty file: a header but no rows');
  return bars;
}

/** Reads and parses a price CSV from disk. */
export function loadPriceFile(path: string): PriceBar[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new PriceFileError(path, 0, `cannot read: ${(error as Error).message}`);
  }
  return parsePriceCsv(text, path);
}

/** Writes bars as CSV: OHLC when any bar has a range, else `timestamp,price`. Prices keep 6 significant decimals. */
export function formatPriceCsv(bars: readonly PriceBar[], ohlc: boolean): string {
  const fmt = (value: number): string => value.toFixed(6).replace(/\.?0+$/, '');
  const rows = bars.map((bar) =>
    ohlc
      ? `${bar.timestamp},${fmt(bar.open)},${fmt(bar.high)},${fmt(bar.low)},${fmt(bar.close)}`
      : `${bar.timestamp},${fmt(bar.close)}`,
  );
  return `${(ohlc ? OHLC_COLUMNS : PRICE_COLUMNS).join(',')}\n${rows.join('\n')}\n`;
}
