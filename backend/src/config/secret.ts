import { inspect } from 'node:util';

/**
 * A value that must never reach a log line, an error message or a JSON body (a signer's private key).
 * Every way of printing it - `String()`, template literals, `JSON.stringify`, `util.inspect`, console -
 * prints `[redacted]`; only `reveal()` hands out the value, at the one place that signs.
 */
export class Secret<T> {
  readonly #value: T;

  constructor(value: T) {
    this.#value = value;
  }

  /** The value itself; call it only where it is used (building the signer), never for output. */
  reveal(): T {
    return this.#value;
  }

  toString(): string {
    return '[redacted]';
  }

  toJSON(): string {
    return '[redacted]';
  }

  [inspect.custom](): string {
    return '[redacted]';
  }
}
