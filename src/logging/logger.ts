/** The container's root pino logger: daily JSON files plus a readable console, and coded-error logging. */
import pino, { type Logger } from 'pino';
import { ConfigError, ContainerError } from '../errors/container-error.js';
import { formatUnchecked, type CodedMessage } from '../errors/codes.js';
import { ConsoleStream } from './console-stream.js';
import { DailyFileStream } from './daily-file-stream.js';

export interface LoggingOptions {
  /** Directory for `catalina.<yyyy-MM-dd>.log`; null writes no file. */
  logsDir: string | null;
  console: boolean;
  /** pino level name, default `info`; the SERVAL_LOG_LEVEL environment variable overrides it. */
  level?: string;
  /** Colours on the console; default: whether stdout is a TTY. Colours are never sent to a non-TTY. */
  pretty?: boolean;
  /** Clock in epoch ms for record times and the file date; tests inject one. */
  now?: () => number;
  /** Console destination; default process.stdout. */
  consoleOutput?: NodeJS.WritableStream;
}

export type CodedLevel = 'warn' | 'error' | 'info' | 'debug';

/**
 * Finishers for each root logger's destinations, keyed by the logger and by every child of it (pino's public
 * onChild hook registers them; children inherit it). The destination's stream is only reachable through a
 * private pino symbol, which Serval does not use (architecture decision 8).
 */
const finishers = new WeakMap<Logger, () => Promise<void>>();

function resolveLevel(options: LoggingOptions): string {
  const fromEnv = process.env.SERVAL_LOG_LEVEL;
  const level = fromEnv !== undefined && fromEnv !== '' ? fromEnv : (options.level ?? 'info');
  if (level !== 'silent' && !Object.hasOwn(pino.levels.values, level)) {
    throw new ConfigError('SV_ERR_CONFIG_INVALID_VALUE', {
      attribute: fromEnv ? 'SERVAL_LOG_LEVEL' : 'level',
      element: 'logging',
      value: level,
      allowed: `${Object.keys(pino.levels.values).join(', ')}, silent`,
    });
  }
  return level;
}

export function createLogger(options: LoggingOptions): Logger {
  const level = resolveLevel(options);
  const streams: pino.StreamEntry[] = [];
  const finishes: Array<() => Promise<void>> = [];

  if (options.logsDir !== null) {
    const file = new DailyFileStream({ dir: options.logsDir, ...(options.now ? { now: options.now } : {}) });
    // Streams accept everything; the logger's own level (changeable at runtime) does the filtering.
    streams.push({ level: 'trace', stream: file });
    finishes.push(() => file.close());
  }
  if (options.console) {
    const output = options.consoleOutput ?? process.stdout;
    const isTty = (output as NodeJS.WritableStream & { isTTY?: boolean }).isTTY === true;
    const pretty = options.pretty ?? process.stdout.isTTY === true;
    const colours = pretty && isTty && process.env.NO_COLOR === undefined;
    const consoleStream = new ConsoleStream(output, { colours });
    streams.push({ level: 'trace', stream: consoleStream });
    finishes.push(() => consoleStream.flush());
  }

  const destination = pino.multistream(streams);
  const now = options.now;
  let finished: Promise<void> | null = null;
  const finish = (): Promise<void> => (finished ??= Promise.all(finishes.map((close) => close())).then(() => undefined));
  const logger = pino(
    {
      level,
      ...(now ? { timestamp: () => `,"time":${now()}` } : {}),
      onChild: (child: Logger) => {
        finishers.set(child, finish);
      },
    },
    destination,
  );
  finishers.set(logger, finish);
  return logger;
}

/** A child logger whose records carry `component` (shown as `[component]` on the console). */
export function componentLogger(parent: Logger, component: string): Logger {
  return parent.child({ component });
}

/** Flushes and closes the files behind a logger from createLogger (or any of its children); idempotent. */
export async function closeLogger(logger: Logger): Promise<void> {
  const finish = finishers.get(logger);
  if (finish) await finish();
}

/**
 * Logs a catalogued error: `msg` is the catalogue message, `code` its code, and `err` the error itself
 * when there is one (pino's serializer keeps its stack and cause).
 */
export function logCoded(logger: Logger, level: CodedLevel, error: ContainerError | CodedMessage, extra: object = {}): void {
  if (!logger.isLevelEnabled(level)) return;
  if (error instanceof ContainerError) {
    logger[level]({ ...extra, code: error.code, err: error }, error.message);
  } else {
    logger[level]({ ...extra, code: error.code }, formatUnchecked(error.code, error.params ?? {}));
  }
}
