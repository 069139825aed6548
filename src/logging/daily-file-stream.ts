/** A non-blocking log destination writing `<prefix>.<yyyy-MM-dd>.log`, switching files when the local date changes. */
import path from 'node:path';
import pino from 'pino';

type Destination = ReturnType<typeof pino.destination>;

export interface DailyFileStreamOptions {
  dir: string;
  /** Tomcat's JULI FileHandler names the main log `catalina.<date>.log`. */
  prefix?: string;
  /** Clock in epoch ms; injectable so tests can cross midnight. */
  now?: () => number;
  /** Where a failing file (disk full, permissions) is reported; logging must never crash the server. */
  onError?: (error: Error) => void;
}

/** After a file fails to open, records are dropped (not buffered without bound) for this long before a retry. */
export const REOPEN_DELAY_MS = 60_000;

/** The local calendar date as `yyyy-MM-dd` (JULI rotates on the local date, not UTC). */
export function localDate(epochMs: number): string {
  const d = new Date(epochMs);
  const month = String(d.getMonth() + 1).padStart(2, '0');
  const day = String(d.getDate()).padStart(2, '0');
  return `${d.getFullYear()}-${month}-${day}`;
}

/** Ends a sonic-boom destination, resolving once its buffer is written and the fd closed (or it failed). */
function endDestination(destination: Destination): Promise<void> {
  return new Promise((resolve) => {
    destination.once('close', () => resolve());
    destination.once('error', () => resolve());
    try {
      destination.end();
    } catch {
      resolve();
    }
  });
}

export class DailyFileStream {
  readonly #dir: string;
  readonly #prefix: string;
  readonly #now: () => number;
  readonly #onError: (error: Error) => void;
  #current: Destination | null = null;
  #currentFile: string | null = null;
  /** The local day of the open file spans [#dayStart, #dayEnd); computed from Date so DST days are right. */
  #dayStart = 0;
  #dayEnd = 0;
  readonly #pendingCloses = new Set<Promise<void>>();
  #closed = false;
  /** While the clock is before this, the last open failed and records are dropped. */
  #retryAt = 0;

  constructor(options: DailyFileStreamOptions) {
    this.#dir = options.dir;
    this.#prefix = options.prefix ?? 'catalina';
    this.#now = options.now ?? Date.now;
    this.#onError =
      options.onError ?? ((error) => process.stderr.write(`Serval logging: cannot write to [${this.#dir}]: ${error.message}\n`));
  }

  /** The file records currently go to, or null before the first write. */
  get currentFile(): string | null {
    return this.#currentFile;
  }

  write(line: string): boolean {
    if (this.#closed) return false;
    const now = this.#now();
    if (now < this.#retryAt) return false;
    // A clock stepping backwards also reopens, so records land in the file of their own date.
    if (this.#current === null || now >= this.#dayEnd || now < this.#dayStart) this.#open(now);
    return (this.#current as Destination).write(line);
  }

  /** Called by pino.multistream's flushSync (e.g. from a fatal-error handler); best effort. */
  flushSync(): void {
    try {
      this.#current?.flushSync();
    } catch {
      // Not open yet: the asynchronous open will flush the buffer itself.
    }
  }

  /** Flushes and closes every file, including ones rotated out whose buffers are still being written. */
  async close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      if (this.#current !== null) this.#retire(this.#current);
      this.#current = null;
    }
    while (this.#pendingCloses.size > 0) await Promise.all([...this.#pendingCloses]);
  }

  #open(now: number): void {
    if (this.#current !== null) this.#retire(this.#current);
    const day = new Date(now);
    this.#dayStart = new Date(day.getFullYear(), day.getMonth(), day.getDate()).getTime();
    this.#dayEnd = new Date(day.getFullYear(), day.getMonth(), day.getDate() + 1).getTime();
    this.#currentFile = path.join(this.#dir, `${this.#prefix}.${localDate(now)}.log`);
    // sync: false keeps request handling off the disk; sonic-boom buffers while it opens and writes.
    const destination = pino.destination({ dest: this.#currentFile, sync: false, mkdir: true, append: true });
    let ready = false;
    let reported: Error | null = null;
    destination.once('ready', () => (ready = true));
    destination.on('error', (error: Error) => {
      // pino's own error listener re-emits each error once, so every listener after it hears it twice.
      if (error === reported) return;
      reported = error;
      this.#onError(error);
      if (!ready) this.#openFailed(destination, now);
    });
    this.#current = destination;
  }

  /**
   * A destination whose file never opened can neither write nor close: sonic-boom's close waits for a
   * `ready` that will not come, and pino's exit hook would call its flushSync, which throws at process
   * exit. Marking it destroyed (the first thing sonic-boom's own close does) makes that hook skip it;
   * its buffered records are dropped, and the next write after REOPEN_DELAY_MS tries the file again.
   */
  #openFailed(destination: Destination, failedAt: number): void {
    (destination as unknown as { destroyed: boolean }).destroyed = true;
    if (this.#current === destination) {
      this.#current = null;
      this.#retryAt = failedAt + REOPEN_DELAY_MS;
    }
  }

  #retire(destination: Destination): void {
    const closing = endDestination(destination).finally(() => this.#pendingCloses.delete(closing));
    this.#pendingCloses.add(closing);
  }
}
