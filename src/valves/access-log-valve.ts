/**
 * AccessLogValve: one formatted line per request in a daily-rotated file (Tomcat's AccessLogValve).
 * The adapter calls log() after the response finished (and logRejected() for requests the protocol
 * layer refused), so the line carries the final status, size and time; invoke() only passes through.
 */
import { resolve } from 'node:path';
import type { AttributeValue } from '../config/server-config.js';
import { recordCommitTimes } from '../connector/container-response.js';
import type { Request } from '../connector/request.js';
import type { Response } from '../connector/response.js';
import { ValveBase, type ValveResult } from '../core/valve.js';
import { ConfigError } from '../errors/container-error.js';
import type { RejectedRequest } from '../protocol/exchange.js';
import { compileAccessLogPattern, type CompiledAccessLogPattern } from './access-log-pattern.js';
import { recordFromExchange, recordFromRejected, type AccessLogRecord } from './access-log-record.js';
import { AccessLogWriter } from './access-log-writer.js';

export interface AccessLogValveOptions {
  /** `directory` is relative to this. */
  readonly catalinaBase: string;
  /** Epoch ms; tests inject it to cross midnight. */
  readonly clock?: () => number;
  readonly flushIntervalMs?: number;
  /** Where write failures are reported (once until writing works again). */
  readonly onError?: (message: string, error: unknown) => void;
}

/** The attributes and their Tomcat defaults (config/valve.html#Access_Log_Valve). */
export const ACCESS_LOG_DEFAULTS = Object.freeze({
  directory: 'logs',
  prefix: 'access_log',
  suffix: '',
  fileDateFormat: '.yyyy-MM-dd',
  rotatable: true,
  renameOnRotate: false,
  buffered: true,
  encoding: 'UTF-8',
  maxDays: -1,
  conditionIf: '',
  conditionUnless: '',
  requestAttributesEnabled: false,
  pattern: 'common',
});

const ELEMENT = 'Valve[AccessLogValve]';

export class AccessLogValve extends ValveBase {
  readonly #pattern: CompiledAccessLogPattern;
  readonly #writer: AccessLogWriter;
  readonly #conditionIf: string;
  readonly #conditionUnless: string;
  readonly #requestAttributesEnabled: boolean;
  readonly #onError: (message: string, error: unknown) => void;
  #formatErrorReported = false;

  constructor(attributes: Readonly<Record<string, AttributeValue>>, options: AccessLogValveOptions) {
    super();
    const read = new AttributeReader(attributes);
    this.#pattern = compileAccessLogPattern(read.string('pattern', ACCESS_LOG_DEFAULTS.pattern));
    if (this.#pattern.usesCommitTime) recordCommitTimes();
    this.#conditionIf = read.string('conditionIf', ACCESS_LOG_DEFAULTS.conditionIf);
    this.#conditionUnless = read.string('conditionUnless', ACCESS_LOG_DEFAULTS.conditionUnless);
    this.#requestAttributesEnabled = read.boolean('requestAttributesEnabled', ACCESS_LOG_DEFAULTS.requestAttributesEnabled);
    this.#onError = options.onError ?? defaultReport;
    const encodingName = read.string('encoding', ACCESS_LOG_DEFAULTS.encoding);
    const encoding = toBufferEncoding(encodingName);
    if (encoding === null) {
      throw new ConfigError('SV_ERR_CONFIG_INVALID_VALUE', {
        attribute: 'encoding',
        element: ELEMENT,
        value: encodingName,
        allowed: 'UTF-8, ISO-8859-1, US-ASCII, UTF-16LE',
      });
    }
    this.#writer = new AccessLogWriter({
      directory: resolve(options.catalinaBase, read.string('directory', ACCESS_LOG_DEFAULTS.directory)),
      prefix: read.string('prefix', ACCESS_LOG_DEFAULTS.prefix),
      suffix: read.string('suffix', ACCESS_LOG_DEFAULTS.suffix),
      fileDateFormat: read.string('fileDateFormat', ACCESS_LOG_DEFAULTS.fileDateFormat),
      rotatable: read.boolean('rotatable', ACCESS_LOG_DEFAULTS.rotatable),
      renameOnRotate: read.boolean('renameOnRotate', ACCESS_LOG_DEFAULTS.renameOnRotate),
      buffered: read.boolean('buffered', ACCESS_LOG_DEFAULTS.buffered),
      encoding,
      maxDays: read.number('maxDays', ACCESS_LOG_DEFAULTS.maxDays),
      clock: options.clock,
      flushIntervalMs: options.flushIntervalMs,
      onError: this.#onError,
    });
  }

  /** The compiled pattern (after `common`/`combined` aliases). */
  get pattern(): string {
    return this.#pattern.pattern;
  }

  /** The file lines currently go to. */
  get currentLogFile(): string {
    return this.#writer.currentPath;
  }

  invoke(request: Request, response: Response): ValveResult {
    return this.next?.invoke(request, response);
  }

  /** Logs a finished request; the adapter calls it after response.finish(). Never throws. */
  log(request: Request, response: Response): void {
    try {
      if (this.#conditionIf !== '' && isAbsent(request.getAttribute(this.#conditionIf))) return;
      if (this.#conditionUnless !== '' && !isAbsent(request.getAttribute(this.#conditionUnless))) return;
      this.logRecord(recordFromExchange(request, response, { requestAttributesEnabled: this.#requestAttributesEnabled }));
    } catch (error) {
      this.#reportFormatError(error);
    }
  }

  /** Logs a request the protocol layer refused (it has no attributes: conditionIf never matches). */
  logRejected(rejected: RejectedRequest): void {
    if (this.#conditionIf !== '') return;
    try {
      this.logRecord(recordFromRejected(rejected));
    } catch (error) {
      this.#reportFormatError(error);
    }
  }

  logRecord(record: AccessLogRecord): void {
    this.#writer.write(this.#pattern.format(record));
  }

  /** Resolves once everything logged so far reached the file. */
  flush(): Promise<void> {
    return this.#writer.flush();
  }

  override backgroundProcess(): void {
    // Neither rejects: the writer reports its own failures (rate-limited) and keeps going.
    void this.#writer.flush();
    void this.#writer.deleteOldFiles();
  }

  protected override async startInternal(): Promise<void> {
    await this.#writer.open();
    this.setState('STARTING');
  }

  protected override async stopInternal(): Promise<void> {
    this.setState('STOPPING');
    await this.#writer.close();
  }

  #reportFormatError(error: unknown): void {
    if (this.#formatErrorReported) return;
    this.#formatErrorReported = true;
    try {
      this.#onError(`Failed to format an access log line for [${this.componentName}]`, error);
    } catch {
      // The reporter itself failed; the request path must not see it.
    }
  }
}

function isAbsent(value: unknown): boolean {
  return value === null || value === undefined;
}

/** Maps Java charset names to Node encodings; null when Node cannot encode it. */
export function toBufferEncoding(name: string): BufferEncoding | null {
  switch (name.toUpperCase().replace(/_/g, '-')) {
    case 'UTF-8':
    case 'UTF8':
      return 'utf8';
    case 'ISO-8859-1':
    case 'ISO8859-1':
    case 'LATIN1':
      return 'latin1';
    case 'US-ASCII':
    case 'ASCII':
      return 'ascii';
    case 'UTF-16LE':
      return 'utf16le';
    default:
      return null;
  }
}

/** Reads typed attribute values; strings from server.xml are accepted for booleans and numbers. */
class AttributeReader {
  readonly #attributes: Readonly<Record<string, AttributeValue>>;

  constructor(attributes: Readonly<Record<string, AttributeValue>>) {
    this.#attributes = attributes;
  }

  string(name: string, fallback: string): string {
    const value = this.#get(name);
    return value === undefined ? fallback : String(value);
  }

  boolean(name: string, fallback: boolean): boolean {
    const value = this.#get(name);
    if (value === undefined) return fallback;
    if (typeof value === 'boolean') return value;
    const text = String(value).trim().toLowerCase();
    if (text === 'true') return true;
    if (text === 'false') return false;
    throw this.#invalid(name, value, 'true, false');
  }

  number(name: string, fallback: number): number {
    const value = this.#get(name);
    if (value === undefined) return fallback;
    // The config loader turns Tomcat's `-1 = unlimited` into Infinity; the writer's convention is -1.
    if (value === Infinity) return -1;
    const parsed = typeof value === 'number' ? value : Number(String(value).trim());
    if (typeof value === 'boolean' || !Number.isFinite(parsed) || !Number.isInteger(parsed)) {
      throw this.#invalid(name, value, 'an integer');
    }
    return parsed;
  }

  #get(name: string): AttributeValue | undefined {
    return Object.hasOwn(this.#attributes, name) ? this.#attributes[name] : undefined;
  }

  #invalid(name: string, value: AttributeValue, allowed: string): ConfigError {
    return new ConfigError('SV_ERR_CONFIG_INVALID_VALUE', { attribute: name, element: ELEMENT, value: String(value), allowed });
  }
}

function defaultReport(message: string, error: unknown): void {
  process.emitWarning(error instanceof Error ? `${message}: ${error.message}` : message, 'AccessLogWarning');
}
