/**
 * Boot progress for `npm start`: one line when a step starts (`[2/6] deploy the local world`), one when it
 * ends with its duration and what it produced, indented notes in between, and a heartbeat for steps that
 * can be silent for minutes (a first compile), so nobody mistakes them for a hang.
 *
 * @packageDocumentation
 */

/** Seconds with one decimal. */
export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

export class Progress {
  private readonly started = Date.now();
  private stepStarted = Date.now();
  private current = 0;

  constructor(
    private readonly total: number,
    private readonly write: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
  ) {}

  /** Milliseconds since boot began. */
  get elapsedMs(): number {
    return Date.now() - this.started;
  }

  /** Milliseconds since the current step began. */
  get stepElapsedMs(): number {
    return Date.now() - this.stepStarted;
  }

  step(n: number, what: string): void {
    this.current = n;
    this.stepStarted = Date.now();
    this.write(`[${n}/${this.total}] ${what} ...`);
  }

  /** A step that has nothing to wait for: one line. */
  instant(n: number, what: string): void {
    this.current = n;
    this.write(`[${n}/${this.total}] ${what} (total ${seconds(this.elapsedMs)})`);
  }

  done(detail = ''): void {
    this.write(`[${this.current}/${this.total}] done in ${seconds(this.stepElapsedMs)}${detail ? `: ${detail}` : ''} (total ${seconds(this.elapsedMs)})`);
  }

  note(text: string): void {
    for (const line of text.split('\n')) this.write(`      ${line}`);
  }

  line(text: string): void {
    this.write(text);
  }

  /**
   * Prints `message(elapsedMs)` every `everyMs` until the returned function is called.
   * The timer is unref'd: it never keeps the process alive on its own.
   */
  heartbeat(everyMs: number, message: (elapsedMs: number) => string): () => void {
    const timer = setInterval(() => this.note(message(this.stepElapsedMs)), everyMs);
    timer.unref();
    return () => clearInterval(timer);
  }
}
