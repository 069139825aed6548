/** An in-memory Exchange for unit tests: the request body comes from buffers; writeHead/write/end are recorded. */
import { Readable } from 'node:stream';
import { defaultsOf } from '../../src/config/attribute-values.js';
import type { Http11ConnectorConfig } from '../../src/config/server-config.js';
import type { Exchange, HeaderList } from '../../src/protocol/exchange.js';

export interface BufferExchangeOptions {
  method?: string;
  target?: string;
  protocol?: string;
  /** Request header fields in order. */
  headers?: ReadonlyArray<readonly [string, string]>;
  /** The body, delivered as these chunks (a single buffer or string is one chunk). */
  body?: Buffer | string | ReadonlyArray<Buffer | string>;
  secure?: boolean;
  remoteAddress?: string;
  remotePort?: number;
  localAddress?: string;
  localPort?: number;
  /** What write() returns, to simulate a full socket buffer. */
  writeReturns?: boolean;
}

export interface RecordedHead {
  status: number;
  reason: string | null;
  headers: Array<readonly [string, string]>;
}

export class BufferExchange implements Exchange {
  readonly protocol: string;
  readonly method: string;
  readonly target: string;
  readonly rawHeaders: readonly string[];
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly localAddress: string;
  readonly localPort: number;
  readonly secure: boolean;
  readonly scheme: 'http' | 'https';
  readonly connectionId = 'test-conn';
  readonly startTime = process.hrtime.bigint();
  readonly body: Readable;
  readonly bodyBytesRead = 0;
  aborted = false;
  willClose = false;
  writeReturns: boolean;

  head: RecordedHead | null = null;
  readonly written: Buffer[] = [];
  /** The order of calls: 'writeHead', 'write', 'drain', 'end'. */
  readonly events: string[] = [];
  ended = false;
  trailers: HeaderList | undefined;
  drainCalls = 0;

  constructor(options: BufferExchangeOptions = {}) {
    this.method = options.method ?? 'GET';
    this.target = options.target ?? '/';
    this.protocol = options.protocol ?? 'HTTP/1.1';
    this.rawHeaders = (options.headers ?? [['Host', 'localhost:8080']]).flatMap(([n, v]) => [n, v]);
    this.secure = options.secure ?? false;
    this.scheme = this.secure ? 'https' : 'http';
    this.remoteAddress = options.remoteAddress ?? '127.0.0.1';
    this.remotePort = options.remotePort ?? 50000;
    this.localAddress = options.localAddress ?? '127.0.0.1';
    this.localPort = options.localPort ?? 8080;
    this.writeReturns = options.writeReturns ?? true;
    const raw = options.body ?? [];
    const chunks = (Array.isArray(raw) ? raw : [raw]) as ReadonlyArray<Buffer | string>;
    this.body = new Readable({ read() {} });
    for (const chunk of chunks) this.body.push(Buffer.from(chunk));
    this.body.push(null);
  }

  get headersSent(): boolean {
    return this.head !== null;
  }

  get bytesWritten(): number {
    return this.written.reduce((n, b) => n + b.length, 0);
  }

  /** The body bytes written so far. */
  get output(): Buffer {
    return Buffer.concat(this.written);
  }

  /** A response header value (first match, case-insensitive), or undefined. */
  header(name: string): string | undefined {
    return this.head?.headers.find(([n]) => n.toLowerCase() === name.toLowerCase())?.[1];
  }

  headerValues(name: string): string[] {
    return (this.head?.headers ?? []).filter(([n]) => n.toLowerCase() === name.toLowerCase()).map(([, v]) => v);
  }

  writeHead(status: number, reason: string | null, headers: HeaderList): void {
    if (this.head !== null) throw new Error('writeHead called twice');
    this.head = { status, reason, headers: headers.map(([n, v]) => [n, v] as const) };
    this.events.push('writeHead');
  }

  write(chunk: Uint8Array): boolean {
    if (this.head === null) throw new Error('write before writeHead');
    if (this.ended) throw new Error('write after end');
    this.written.push(Buffer.from(chunk));
    this.events.push('write');
    return this.writeReturns;
  }

  async drain(): Promise<void> {
    this.drainCalls++;
    this.events.push('drain');
  }

  async end(trailers?: HeaderList): Promise<void> {
    if (this.head === null) throw new Error('end before writeHead');
    if (this.ended) throw new Error('end called twice');
    this.ended = true;
    this.trailers = trailers;
    this.events.push('end');
  }

  closeAfterResponse(): void {
    this.willClose = true;
  }

  abort(): void {
    this.aborted = true;
  }
}

/**
 * An HTTP/1.1 ConnectorConfig with the attribute table's defaults and the values of Tomcat's shipped
 * server.xml (connectionTimeout 20000, redirectPort 8443), for building requests in unit tests.
 */
export function testConnectorConfig(overrides: Partial<Http11ConnectorConfig> = {}): Http11ConnectorConfig {
  return {
    ...defaultsOf('Connector', { protocol: 'http11' }),
    protocolName: 'HTTP/1.1',
    protocol: 'http11',
    style: 'event-loop',
    port: 8080,
    connectionTimeout: 20000,
    keepAliveTimeout: 20000,
    maxParameterCount: 1000,
    redirectPort: 8443,
    location: { file: 'test', line: 0, path: 'Server/Service[0]/Connector[0]' },
    ...overrides,
  };
}
