/** Console destination: turns pino's JSON lines into one readable line each, like Tomcat's OneLineFormatter. */

const LEVEL_LABELS: Readonly<Record<number, string>> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
const LEVEL_COLOURS: Readonly<Record<number, string>> = {
  10: '\x1b[90m',
  20: '\x1b[34m',
  30: '\x1b[32m',
  40: '\x1b[33m',
  50: '\x1b[31m',
  60: '\x1b[41m\x1b[97m',
};
const DIM = '\x1b[2m';
const CYAN = '\x1b[36m';
const RESET = '\x1b[0m';

/** Fields that have their own place in the line (or are noise on a console). */
const LAYOUT_FIELDS = new Set(['level', 'time', 'pid', 'hostname', 'msg', 'component', 'code', 'err']);

function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0');
}

/** Local time as `yyyy-MM-dd HH:mm:ss.SSS`. */
export function formatLocalTime(epochMs: number): string {
  const d = new Date(epochMs);
  return (
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ` +
    `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`
  );
}

function renderValue(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * `2026-11-21 15:20:01.123 INFO  [component] message (code) key=value`, then the error stack if any.
 * Extra fields are kept (as key=value) so nothing logged is lost on the console.
 */
export function formatConsoleLine(record: Readonly<Record<string, unknown>>, colours: boolean): string {
  const paint = (colour: string, text: string): string => (colours ? `${colour}${text}${RESET}` : text);
  const level = typeof record.level === 'number' ? record.level : 30;
  const label = (LEVEL_LABELS[level] ?? `L${level}`).padEnd(5);
  const time = typeof record.time === 'number' || typeof record.time === 'string' ? new Date(record.time).getTime() : Date.now();
  let line = `${paint(DIM, formatLocalTime(time))} ${paint(LEVEL_COLOURS[level] ?? '', label)} `;
  if (record.component !== undefined) line += `${paint(CYAN, `[${renderValue(record.component)}]`)} `;
  line += record.msg === undefined ? '' : renderValue(record.msg);
  if (record.code !== undefined) line += ` ${paint(DIM, `(${renderValue(record.code)})`)}`;
  for (const [key, value] of Object.entries(record)) {
    if (!LAYOUT_FIELDS.has(key)) line += ` ${key}=${renderValue(value)}`;
  }
  const err = record.err;
  if (typeof err === 'object' && err !== null) {
    const stack = (err as Record<string, unknown>).stack;
    const message = (err as Record<string, unknown>).message;
    if (typeof stack === 'string') line += `\n${stack}`;
    else if (typeof message === 'string') line += `\n${message}`;
  }
  return `${line}\n`;
}

export interface ConsoleStreamOptions {
  /** ANSI colours; the caller enables them only for a TTY. */
  colours: boolean;
}

export class ConsoleStream {
  readonly #output: NodeJS.WritableStream;
  readonly #colours: boolean;

  constructor(output: NodeJS.WritableStream, options: ConsoleStreamOptions) {
    this.#output = output;
    this.#colours = options.colours;
  }

  write(chunk: string): boolean {
    let text: string;
    try {
      text = formatConsoleLine(JSON.parse(chunk) as Record<string, unknown>, this.#colours);
    } catch {
      // Not one JSON record (should not happen with pino): show it rather than lose it.
      text = chunk;
    }
    return this.#output.write(text);
  }

  /** Resolves once the output has accepted everything written so far. */
  flush(): Promise<void> {
    const output = this.#output as NodeJS.WritableStream & { writableNeedDrain?: boolean };
    if (output.writableNeedDrain !== true) return Promise.resolve();
    return new Promise((resolve) => {
      output.once('drain', () => resolve());
      output.once('close', () => resolve());
    });
  }
}
