/**
 * AccessLogValve: one formatted line per request in a daily-rotated file (Tomcat's AccessLogValve).
 * The adapter calls log() after the response finished (and logRejected() for requests the protocol
 * layer refused), so the line carries the final status, size and time; invoke() only passes through.
 */
import { resolve } from 'node:path';
import type { AttributeValue } from '../config/server-config.js';
import type { Request } from '../core/request.js';
import type { Response } from '../core/response.js';
import { ContainerValveBase, type ValveResult } from '../core/valve.js';
import { ConfigError } from '../errors/container-error.js';
import { resolveAttributes } from '../config/attribute-values.js';
import type { RejectedRequest } from '../protocol/exchange.js';
import {
  compileAccessLogPattern,
  localeDateNames,
  type AccessLogElementOptions,
  type CompiledAccessLogPattern,
} from './access-log-pattern.js';
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
  /** The element for configuration errors: `file:line path` when built from server.xml. */
  readonly element?: string;
}

/** What a subclass (ExtendedAccessLogValve, JsonAccessLogValve) needs to compile its own line format. */
export interface AccessLogFormatContext extends AccessLogElementOptions {
  /** For configuration errors. */
  readonly element: string;
}

type AccessLogOwner = 'Valve:AccessLogValve' | 'Valve:ExtendedAccessLogValve' | 'Valve:JsonAccessLogValve';

export class AccessLogValve extends ContainerValveBase {
  readonly #pattern: CompiledAccessLogPattern;
  readonly #writer: AccessLogWriter;
  readonly #conditionIf: string;
  readonly #conditionUnless: string;
  readonly #requestAttributesEnabled: boolean;
  readonly #enabled: boolean;
  readonly #onError: (message: string, error: unknown) => void;
  #formatErrorReported = false;

  /** `attributes` as server.xml gave them (validated) or as written; the table's defaults fill the rest. */
  constructor(attributes: Readonly<Record<string, AttributeValue>>, options: AccessLogValveOptions) {
    super();
    const name = new.target.name;
    const owner: AccessLogOwner =
      name === 'ExtendedAccessLogValve' || name === 'JsonAccessLogValve' ? `Valve:${name}` : 'Valve:AccessLogValve';
    const element = options.element ?? `Valve[${name}]`;
    const a = resolveAttributes(owner, attributes, element);
    let dateNames;
    if (a.locale !== undefined && a.locale !== '') {
      dateNames = localeDateNames(a.locale);
      if (dateNames === null) {
        throw new ConfigError('SV_ERR_CONFIG_INVALID_VALUE', {
          attribute: 'locale',
          element,
          value: a.locale,
          allowed: 'a locale Intl knows, such as en_US, de_DE or fr-FR',
        });
      }
    }
    this.#pattern = this.compilePattern(a.pattern, { element, dateNames: dateNames ?? undefined, ipv6Canonical: a.ipv6Canonical });
    // An empty condition is no condition, as when the attribute is not set; `condition` is conditionUnless's old name.
    this.#conditionIf = a.conditionIf ?? '';
    this.#conditionUnless = a.conditionUnless ?? a.condition ?? '';
    this.#requestAttributesEnabled = a.requestAttributesEnabled;
    this.#enabled = a.enabled;
    this.#onError = options.onError ?? defaultReport;
    const encodingName = a.encoding;
    const encoding = toBufferEncoding(encodingName);
    if (encoding === null) {
      throw new ConfigError('SV_ERR_CONFIG_INVALID_VALUE', {
        attribute: 'encoding',
        element,
        value: encodingName,
        allowed: 'UTF-8, ISO-8859-1, US-ASCII, UTF-16LE',
      });
    }
    this.#writer = new AccessLogWriter({
      directory: resolve(options.catalinaBase, a.directory),
      prefix: a.prefix,
      suffix: a.suffix,
      fileDateFormat: a.fileDateFormat,
      rotatable: a.rotatable,
      renameOnRotate: a.renameOnRotate,
      buffered: a.buffered,
      encoding,
      // The table turns Tomcat's `-1 = forever` into Infinity; the writer's convention is -1.
      maxDays: a.maxDays === Infinity ? -1 : a.maxDays,
      checkExists: a.checkExists,
      header: this.fileHeader(a.pattern),
      element,
      clock: options.clock,
      flushIntervalMs: options.flushIntervalMs,
      onError: this.#onError,
    });
  }

  /** Compiles the pattern attribute; ExtendedAccessLogValve and JsonAccessLogValve compile their own formats. */
  protected compilePattern(pattern: string, context: AccessLogFormatContext): CompiledAccessLogPattern {
    return compileAccessLogPattern(pattern, context);
  }

  /**
   * Lines written at the top of every new (empty) file; none for the common log format. Like compilePattern, called
   * from the constructor before a subclass's fields exist.
   */
  protected fileHeader(_pattern: string): (() => readonly string[]) | undefined {
    return undefined;
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
    // %F needs the commit time, which the response notes only when asked (before it commits, so here).
    if (this.#pattern.usesCommitTime) response.recordCommitTime();
    return this.next?.invoke(request, response);
  }

  /** Logs a finished request; the adapter calls it after response.finish(). Never throws. */
  log(request: Request, response: Response): void {
    if (!this.#enabled) return;
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
    if (!this.#enabled || this.#conditionIf !== '') return;
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

function defaultReport(message: string, error: unknown): void {
  process.emitWarning(error instanceof Error ? `${message}: ${error.message}` : message, 'AccessLogWarning');
}
