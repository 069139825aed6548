/** Test harness for the HTTP/1.1 endpoint: a connector config with Tomcat defaults and a scriptable Adapter. */
import pino from 'pino';
import { defaultsOf } from '../../../src/config/attribute-values.js';
import type { Http11ConnectorConfig } from '../../../src/config/server-config.js';
import type { Adapter, Exchange, RejectedRequest } from '../../../src/protocol/exchange.js';
import { Http11Protocol } from '../../../src/protocol/http11/http11-protocol.js';
import { systemClock } from '../../../src/net/system-clock.js';
import type { ContainerClock } from '../../../src/time/container-clock.js';

export function connectorConfig(overrides: Partial<Http11ConnectorConfig> = {}): Http11ConnectorConfig {
  return {
    ...defaultsOf('Connector', { protocol: 'http11' }),
    protocolName: 'HTTP/1.1',
    protocol: 'http11',
    style: 'event-loop',
    port: 0,
    address: '127.0.0.1',
    // Tomcat's shipped server.xml values rather than the attribute defaults.
    connectionTimeout: 20_000,
    keepAliveTimeout: 20_000,
    maxParameterCount: 1000,
    redirectPort: 8443,
    location: { file: 'test', line: 1, path: 'Server/Service[0]/Connector[0]' },
    ...overrides,
  };
}

interface Gate {
  readonly opened: Promise<void>;
  open(): void;
}

/**
 * Routes by path: /hello, /echo (body back), /target (request target back), /slow/<name> (waits until
 * release(name)), /cookies (two Set-Cookie), /throw, /unended (never calls end()), /info (exchange facts as JSON).
 */
export class TestAdapter implements Adapter {
  readonly started: string[] = [];
  readonly finished: string[] = [];
  readonly rejected: RejectedRequest[] = [];
  readonly exchanges: Exchange[] = [];
  /** Request body bytes /echo has read so far, over all requests. */
  bodyBytes = 0;
  readonly #gates = new Map<string, Gate>();
  #waiters: Array<{ ready: () => boolean; resolve: () => void }> = [];

  /**
   * Resolves once `ready()` holds, checked after each thing this adapter sees (a request started, body bytes
   * read, a request finished or rejected): waiting for the server's event, not polling. It resolves in a later
   * turn of the event loop: the adapter hears of body bytes from inside the parser's read, and the read must
   * finish (refreshing the connection's idle timer) before the test moves a ManualClock.
   */
  until(ready: () => boolean): Promise<void> {
    if (ready()) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ ready, resolve }));
  }

  #wake(): void {
    const waiting = this.#waiters;
    this.#waiters = [];
    for (const waiter of waiting) {
      if (waiter.ready()) setImmediate(waiter.resolve);
      else this.#waiters.push(waiter);
    }
  }

  release(name: string): void {
    this.#gate(name).open();
  }

  logRejected(rejected: RejectedRequest): void {
    this.rejected.push(rejected);
    this.#wake();
  }

  async service(exchange: Exchange): Promise<void> {
    this.started.push(exchange.target);
    this.exchanges.push(exchange);
    this.#wake();
    // An absolute-form target (RFC 9112 §3.2.2) is routed by its path.
    const path = exchange.target.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?]*/i, '').split('?')[0] ?? '';
    try {
      if (path === '/hello') {
        await respond(exchange, 'hello');
      } else if (path === '/echo') {
        const chunks: Buffer[] = [];
        for await (const chunk of exchange.body) {
          chunks.push(chunk as Buffer);
          this.bodyBytes += (chunk as Buffer).length;
          this.#wake();
        }
        await respond(exchange, Buffer.concat(chunks).toString('latin1'));
      } else if (path === '/target') {
        await respond(exchange, exchange.target);
      } else if (path.startsWith('/slow/')) {
        await this.#gate(path.slice('/slow/'.length)).opened;
        await respond(exchange, `done ${path}`);
      } else if (path === '/cookies') {
        exchange.writeHead(200, null, [
          ['Set-Cookie', 'a=1'],
          ['Set-Cookie', 'b=2'],
          ['Content-Length', '2'],
        ]);
        exchange.write(Buffer.from('ok'));
        await exchange.end();
      } else if (path === '/big') {
        // Streams `size` bytes without a Content-Length, honouring back-pressure.
        const size = Number(new URLSearchParams(exchange.target.split('?')[1] ?? '').get('size') ?? 0);
        exchange.writeHead(200, null, [['Content-Type', 'text/plain']]);
        const piece = Buffer.alloc(16384, 'x');
        for (let sent = 0; sent < size && !exchange.aborted; sent += piece.length) {
          if (!exchange.write(piece.subarray(0, Math.min(piece.length, size - sent)))) await exchange.drain();
        }
        await exchange.end();
      } else if (path === '/text') {
        // A compressible body: `size` bytes of text as `type`, with Content-Length unless chunked=1.
        const params = new URLSearchParams(exchange.target.split('?')[1] ?? '');
        const body = Buffer.from('The quick brown fox jumps over the lazy dog. '.repeat(1 + Number(params.get('size') ?? 0) / 45)).subarray(
          0,
          Number(params.get('size') ?? 0),
        );
        const headers: Array<[string, string]> = [['Content-Type', params.get('type') ?? 'text/plain']];
        if (params.get('chunked') !== '1') headers.push(['Content-Length', String(body.length)]);
        for (const extra of params.getAll('h')) {
          const colon = extra.indexOf(':');
          headers.push([extra.slice(0, colon), extra.slice(colon + 1)]);
        }
        exchange.writeHead(Number(params.get('status') ?? 200), null, headers);
        // slow=1: half the body, a pause of a few event-loop turns, then the rest (a slow producer).
        const pieces = params.get('slow') === '1' ? [body.subarray(0, body.length >> 1), body.subarray(body.length >> 1)] : [body];
        for (const [index, piece] of pieces.entries()) {
          if (index > 0) await new Promise((resolve) => setTimeout(resolve, 20));
          if (!exchange.write(piece)) await exchange.drain();
        }
        await exchange.end();
      } else if (path === '/trailers') {
        for await (const chunk of exchange.body) void chunk;
        await respond(exchange, JSON.stringify(exchange.rawTrailers ?? null));
      } else if (path === '/noread') {
        await respond(exchange, 'not read');
      } else if (path === '/throw') {
        throw new Error('servlet failure');
      } else if (path === '/unended') {
        // Returns without end(): the processor ends the response on the application's behalf.
        exchange.writeHead(200, null, [['Content-Type', 'text/plain']]);
        exchange.write(Buffer.from('left open', 'latin1'));
      } else if (path === '/info') {
        await respond(
          exchange,
          JSON.stringify({
            remoteAddress: exchange.remoteAddress,
            localPort: exchange.localPort,
            scheme: exchange.scheme,
            connectionId: exchange.connectionId,
            protocol: exchange.protocol,
            willClose: exchange.willClose,
          }),
        );
      } else {
        exchange.writeHead(404, null, [['Content-Length', '0']]);
        await exchange.end();
      }
    } finally {
      this.finished.push(exchange.target);
      this.#wake();
    }
  }

  #gate(name: string): Gate {
    let gate = this.#gates.get(name);
    if (gate === undefined) {
      let open!: () => void;
      const opened = new Promise<void>((resolve) => {
        open = resolve;
      });
      gate = { opened, open };
      this.#gates.set(name, gate);
    }
    return gate;
  }
}

async function respond(exchange: Exchange, text: string): Promise<void> {
  const body = Buffer.from(text, 'latin1');
  exchange.writeHead(200, null, [
    ['Content-Type', 'text/plain'],
    ['Content-Length', String(body.length)],
  ]);
  if (!exchange.write(body)) await exchange.drain();
  await exchange.end();
}

export interface TestServer {
  readonly protocol: Http11Protocol;
  readonly adapter: TestAdapter;
  readonly port: number;
  /** The clock the endpoint runs on: a ManualClock when the test passed one, to cause its timeouts. */
  readonly clock: ContainerClock;
  stop(gracefulMs?: number): Promise<void>;
}

const silent = pino({ level: 'silent' });

export async function startTestServer(
  overrides: Partial<Http11ConnectorConfig> = {},
  clock: ContainerClock = systemClock,
): Promise<TestServer> {
  const adapter = new TestAdapter();
  const protocol = new Http11Protocol(connectorConfig(overrides), adapter, silent, clock);
  await protocol.start();
  return {
    protocol,
    adapter,
    port: protocol.localPort,
    clock,
    stop: (gracefulMs = 0) => protocol.stop(gracefulMs),
  };
}

export function get(target: string, extra = ''): string {
  return `GET ${target} HTTP/1.1\r\nHost: localhost\r\n${extra}\r\n`;
}

/**
 * Resolves after the event loop has been through an I/O poll phase: bytes a client wrote over loopback before
 * the call are then read by the server (a write lands in the peer's receive buffer at once). One setImmediate
 * is not enough: it can run in the check phase of the loop iteration whose poll phase has already passed.
 */
export async function nextPoll(): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
  await new Promise((resolve) => setImmediate(resolve));
}

/** Polls a condition every 10 ms up to timeoutMs. */
export async function eventually(condition: () => boolean, timeoutMs = 5000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return true;
}
