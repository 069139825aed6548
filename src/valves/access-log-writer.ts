/**
 * AccessLogWriter: the access log's file side. Lines go to an in-memory buffer (never blocking the
 * request path) and are written asynchronously on a timer, a size threshold and stop; files rotate by
 * fileDateFormat, and old files are removed after maxDays.
 */
import { mkdir, open, readdir, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError } from '../errors/container-error.js';
import { currentSecondMs } from '../time/second-clock.js';
import { compileSimpleDateFormat, type DateFormatter } from './access-log-pattern.js';

export interface AccessLogWriterOptions {
  /** Absolute directory of the log files; created when missing. */
  readonly directory: string;
  readonly prefix: string;
  readonly suffix: string;
  /** SimpleDateFormat subset; the file rotates whenever the formatted stamp changes. */
  readonly fileDateFormat: string;
  readonly rotatable: boolean;
  /** Write to prefix+suffix and rename it to prefix+stamp+suffix on rotation. */
  readonly renameOnRotate: boolean;
  /** false = write each line as soon as possible (still asynchronously). */
  readonly buffered: boolean;
  readonly encoding: BufferEncoding;
  /** Files older than this many days are deleted by deleteOldFiles(); ≤ 0 keeps everything. */
  readonly maxDays: number;
  /** Epoch ms; injected by tests to cross midnight. By default the current second (second-clock.ts): the file stamp needs nothing finer. */
  readonly clock?: (() => number) | undefined;
  readonly flushIntervalMs?: number | undefined;
  readonly flushThresholdBytes?: number;
  /** Lines held in memory while the disk does not keep up, in characters; beyond it new lines are dropped. */
  readonly maxPendingBytes?: number;
  /** Reports a write problem; called once until writing works again. */
  readonly onError?: (message: string, error: unknown) => void;
  /**
   * Before each write to disk, check that the open file is still the one at its path, and open it again when it was
   * moved or deleted (Tomcat's checkExists, for an external log rotator). Checked per flush, not per line.
   */
  readonly checkExists?: boolean;
  /** Lines written at the top of each new, empty file (the W3C `#Fields:` header). */
  readonly header?: (() => readonly string[]) | undefined;
  /** The element for configuration errors. */
  readonly element?: string;
}

/**
 * Lines for one file (date stamp). Lines are kept as strings and encoded a few hundred at a time with one
 * join: encoding each line on its own cost a native call and a flattening copy of the line per request, and
 * appending every line to one string built a rope of thousands of pieces that had to be flattened first.
 */
interface PendingGroup {
  readonly stamp: string;
  /** Lines already encoded, in order, newlines included. */
  readonly encoded: Buffer[];
  /** Lines not encoded yet, without their newline. */
  lines: string[];
}

/** Lines joined and encoded together (bounds the string a join builds). */
const LINES_PER_BUFFER = 256;

const DAY_MS = 86_400_000;

export class AccessLogWriter {
  readonly #options: AccessLogWriterOptions;
  readonly #clock: () => number;
  readonly #stampFormat: DateFormatter;
  readonly #rotateByRename: boolean;
  #pending: PendingGroup[] = [];
  #pendingBytes = 0;
  #stampSecond = Number.NaN;
  #stamp = '';
  #handle: FileHandle | null = null;
  #handleStamp: string | null = null;
  /** Inode of the open file, for checkExists. */
  #handleIno = 0;
  #chain: Promise<void> = Promise.resolve();
  #flushScheduled = false;
  #timer: NodeJS.Timeout | null = null;
  #open = false;
  #errorReported = false;
  #dropReported = false;

  constructor(options: AccessLogWriterOptions) {
    const format = compileSimpleDateFormat(options.fileDateFormat);
    if (format === null) {
      throw new ConfigError('SV_ERR_CONFIG_INVALID_VALUE', {
        attribute: 'fileDateFormat',
        element: options.element ?? 'Valve[AccessLogValve]',
        value: options.fileDateFormat,
        allowed: 'SimpleDateFormat letters y M d H h k K m s S E a Z and quoted text',
      });
    }
    this.#options = options;
    this.#clock = options.clock ?? currentSecondMs;
    this.#stampFormat = format;
    this.#rotateByRename = options.rotatable && options.renameOnRotate;
  }

  /** The file lines are written to now (for the current date stamp). */
  get currentPath(): string {
    return join(this.#options.directory, this.#fileName(this.#currentStamp()));
  }

  /** Creates the directory, opens the current file and starts the flush timer. Never throws. */
  async open(): Promise<void> {
    if (this.#open) return;
    this.#open = true;
    const interval = this.#options.flushIntervalMs ?? 1000;
    this.#timer = setInterval(() => void this.flush(), interval);
    this.#timer.unref();
    const stamp = this.#currentStamp();
    await this.#enqueue(() => this.#ensureFile(stamp));
  }

  /** Appends one line (a newline is added). Returns at once; the write happens later. */
  write(line: string): void {
    if (!this.#open) return;
    const limit = this.#options.maxPendingBytes ?? 16 * 1024 * 1024;
    if (this.#pendingBytes >= limit) {
      if (!this.#dropReported) {
        this.#dropReported = true;
        this.#report(`Access log lines are being dropped: more than [${limit}] bytes wait for the disk`, null);
      }
      return;
    }
    const stamp = this.#currentStamp();
    let group = this.#pending.at(-1);
    if (group === undefined || group.stamp !== stamp) {
      if (group !== undefined) this.#encode(group);
      group = { stamp, encoded: [], lines: [] };
      this.#pending.push(group);
    }
    group.lines.push(line);
    if (group.lines.length >= LINES_PER_BUFFER) this.#encode(group);
    this.#pendingBytes += line.length + 1;
    if (!this.#options.buffered || this.#pendingBytes >= (this.#options.flushThresholdBytes ?? 64 * 1024)) {
      this.#scheduleFlush();
    }
  }

  #encode(group: PendingGroup): void {
    if (group.lines.length === 0) return;
    // The empty last element gives the last line its newline.
    group.lines.push('');
    group.encoded.push(Buffer.from(group.lines.join('\n'), this.#options.encoding));
    group.lines = [];
  }

  /** Writes everything buffered so far; resolves when it reached the file (or failed and was reported): never rejects. */
  flush(): Promise<void> {
    return this.#enqueue(() => this.#drain());
  }

  /** Flushes and closes the file; later writes are ignored until open() again. */
  async close(): Promise<void> {
    if (!this.#open) return;
    this.#open = false;
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
    await this.flush();
    await this.#enqueue(() => this.#closeHandle());
  }

  /** Deletes this log's files whose last modification is more than maxDays days old (Tomcat semantics); never rejects. */
  async deleteOldFiles(): Promise<void> {
    const { maxDays, directory, prefix, suffix, rotatable } = this.#options;
    if (!rotatable || !(maxDays > 0)) return;
    const now = this.#clock();
    const current = this.#fileName(this.#currentStamp());
    try {
      const entries = await readdir(directory, { withFileTypes: true });
      for (const entry of entries) {
        const name = entry.name;
        if (!entry.isFile() || name === current || name === this.#fileName(this.#handleStamp ?? '')) continue;
        if (!name.startsWith(prefix) || !name.endsWith(suffix) || name.length < prefix.length + suffix.length) continue;
        const path = join(directory, name);
        const info = await stat(path);
        if (Math.floor((now - info.mtimeMs) / DAY_MS) > maxDays) await unlink(path);
      }
    } catch (error) {
      this.#report(`Failed to delete old access log files in [${directory}]`, error);
    }
  }

  #fileName(stamp: string): string {
    const { prefix, suffix, rotatable } = this.#options;
    return rotatable && !this.#rotateByRename ? `${prefix}${stamp}${suffix}` : `${prefix}${suffix}`;
  }

  #currentStamp(): string {
    if (!this.#options.rotatable) return '';
    const now = this.#clock();
    const second = Math.floor(now / 1000);
    if (second !== this.#stampSecond) {
      this.#stampSecond = second;
      this.#stamp = this.#stampFormat(new Date(now));
    }
    return this.#stamp;
  }

  #scheduleFlush(): void {
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    setImmediate(() => {
      this.#flushScheduled = false;
      void this.flush();
    });
  }

  /** Runs file work one step at a time; a failed step never breaks the chain. */
  #enqueue(step: () => Promise<void>): Promise<void> {
    const next = this.#chain.then(step).catch((error: unknown) => {
      this.#report(`Failed to write the access log in [${this.#options.directory}]`, error);
    });
    this.#chain = next;
    return next;
  }

  async #drain(): Promise<void> {
    const groups = this.#pending;
    if (groups.length === 0) return;
    this.#pending = [];
    this.#pendingBytes = 0;
    try {
      for (const group of groups) {
        if (this.#options.checkExists === true) await this.#reopenIfMoved();
        await this.#ensureFile(group.stamp);
        if (this.#handle === null) continue;
        this.#encode(group);
        if (group.encoded.length > 0) await this.#handle.writev(group.encoded);
      }
      this.#errorReported = false;
      this.#dropReported = false;
    } catch (error) {
      // Lines of this batch are lost; the next flush reopens the file.
      await this.#closeHandle().catch(() => undefined);
      throw error;
    }
  }

  async #ensureFile(stamp: string): Promise<void> {
    if (this.#handle !== null && this.#handleStamp === stamp) return;
    const { directory, prefix, suffix } = this.#options;
    const previousStamp = this.#handleStamp;
    await this.#closeHandle();
    await mkdir(directory, { recursive: true });
    const path = join(directory, this.#fileName(stamp));
    if (this.#rotateByRename) {
      if (previousStamp !== null) {
        await rename(path, join(directory, `${prefix}${previousStamp}${suffix}`));
      } else {
        await this.#renameStale(path, stamp);
      }
    }
    const handle = await open(path, 'a');
    this.#handle = handle;
    this.#handleStamp = stamp;
    const info = await handle.stat();
    this.#handleIno = info.ino;
    const header = this.#options.header;
    if (header !== undefined && info.size === 0) {
      await handle.write(
        Buffer.from(
          header()
            .map((line) => `${line}\n`)
            .join(''),
          this.#options.encoding,
        ),
      );
    }
  }

  /** checkExists: closes the open file when its path no longer names it, so the next write opens a new one. */
  async #reopenIfMoved(): Promise<void> {
    if (this.#handle === null || this.#handleStamp === null) return;
    const path = join(this.#options.directory, this.#fileName(this.#handleStamp));
    let ino: number | null;
    try {
      ino = (await stat(path)).ino;
    } catch {
      ino = null;
    }
    if (ino !== this.#handleIno) await this.#closeHandle();
  }

  /** With renameOnRotate, a file left by an earlier run for another date is first moved to its dated name. */
  async #renameStale(path: string, stamp: string): Promise<void> {
    let mtimeMs: number;
    try {
      mtimeMs = (await stat(path)).mtimeMs;
    } catch {
      return;
    }
    const oldStamp = this.#stampFormat(new Date(mtimeMs));
    if (oldStamp === stamp) return;
    const { directory, prefix, suffix } = this.#options;
    await rename(path, join(directory, `${prefix}${oldStamp}${suffix}`));
  }

  async #closeHandle(): Promise<void> {
    const handle = this.#handle;
    this.#handle = null;
    this.#handleStamp = null;
    if (handle !== null) await handle.close();
  }

  #report(message: string, error: unknown): void {
    if (this.#errorReported) return;
    this.#errorReported = true;
    try {
      (this.#options.onError ?? defaultReport)(message, error);
    } catch {
      // A failing reporter must not break logging.
    }
  }
}

function defaultReport(message: string, error: unknown): void {
  process.emitWarning(error instanceof Error ? `${message}: ${error.message}` : message, 'AccessLogWarning');
}
