/**
 * The llhttp-based HTTP/1.1 processor over raw sockets: Upgrade requests served as plain HTTP, response framing
 * the application cannot break (Content-Length too long or too short, HTTP/1.0 close-delimited bodies, HEAD),
 * pipelined responses in order, refused header injection, half-close, and the header-phase limits.
 */
import net from 'node:net';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { Exchange } from '../../../src/protocol/exchange.js';
import { Http11Protocol } from '../../../src/protocol/http11/http11-protocol.js';
import type { Http11ConnectorConfig } from '../../../src/config/server-config.js';
import { RawHttpClient } from '../../helpers/raw-http-client.js';
import type { ContainerClock } from '../../../src/time/container-clock.js';
import { ManualClock } from '../../../src/time/manual-clock.js';
import { connectorConfig, eventually, get, nextPoll, TestAdapter } from './http11-harness.js';

const OWN_ROUTES = new Set([
  '/overlong',
  '/overlong-one-write',
  '/short',
  '/unknown-length',
  '/inject-value',
  '/inject-name',
  '/inject-reason',
  '/inject-trailer',
]);

/** TestAdapter plus routes whose responses misbehave on purpose. */
class FramingAdapter extends TestAdapter {
  override async service(exchange: Exchange): Promise<void> {
    const path = exchange.target.split('?')[0] ?? '';
    if (!OWN_ROUTES.has(path)) {
      await super.service(exchange);
      return;
    }
    this.started.push(exchange.target);
    this.exchanges.push(exchange);
    try {
      await this.#misbehave(path, exchange);
    } finally {
      this.finished.push(exchange.target);
    }
  }

  async #misbehave(path: string, exchange: Exchange): Promise<void> {
    switch (path) {
      case '/overlong':
        // Declares 10 bytes and writes 20: the last 10 must never reach the wire.
        exchange.writeHead(200, null, [['Content-Length', '10']]);
        exchange.write(Buffer.from('0123456789'));
        exchange.write(Buffer.from('OVERFLOW!!'));
        await exchange.end();
        return;
      case '/overlong-one-write':
        exchange.writeHead(200, null, [['Content-Length', '10']]);
        exchange.write(Buffer.from('0123456789OVERFLOW!!'));
        await exchange.end();
        return;
      case '/short':
        // Declares 10 bytes, writes 4 and ends: only closing the connection tells the client.
        exchange.writeHead(200, null, [['Content-Length', '10']]);
        exchange.write(Buffer.from('abcd'));
        await exchange.end();
        return;
      case '/unknown-length':
        // No Content-Length, written in two pieces a loop turn apart: chunked for HTTP/1.1, close-delimited for 1.0.
        exchange.writeHead(200, null, [['Content-Type', 'text/plain']]);
        exchange.write(Buffer.from('first-'));
        await nextPoll();
        exchange.write(Buffer.from('second'));
        await exchange.end();
        return;
      case '/inject-value':
        exchange.writeHead(200, null, [
          ['Content-Type', 'text/plain'],
          ['X-Note', 'fine\r\nSet-Cookie: evil=1'],
          ['Content-Length', '2'],
        ]);
        exchange.write(Buffer.from('ok'));
        await exchange.end();
        return;
      case '/inject-name':
        exchange.writeHead(200, null, [
          ['X-Evil\r\nSet-Cookie: evil', '1'],
          ['Content-Length', '2'],
        ]);
        exchange.write(Buffer.from('ok'));
        await exchange.end();
        return;
      case '/inject-reason':
        exchange.writeHead(200, 'OK\r\nSet-Cookie: evil=1', [['Content-Length', '2']]);
        exchange.write(Buffer.from('ok'));
        await exchange.end();
        return;
      case '/inject-trailer':
        // Trailers are checked at end(), after the head and a chunk went out: the response is cut, not forged.
        exchange.writeHead(200, null, [['Content-Type', 'text/plain']]);
        exchange.write(Buffer.from('partial'));
        await exchange.end([['X-Checksum', 'abc\r\nSet-Cookie: evil=1']]);
        return;
    }
  }
}

interface Server {
  readonly protocol: Http11Protocol;
  readonly adapter: FramingAdapter;
  readonly port: number;
}

const silent = pino({ level: 'silent' });

describe('HTTP/1.1 processor on llhttp: framing and connection handling', () => {
  let server: Server | undefined;
  const clients: RawHttpClient[] = [];
  const sockets: net.Socket[] = [];

  async function start(overrides: Partial<Http11ConnectorConfig> = {}, clock?: ContainerClock): Promise<Server> {
    const adapter = new FramingAdapter();
    const protocol = new Http11Protocol(connectorConfig(overrides), adapter, silent, clock);
    await protocol.start();
    server = { protocol, adapter, port: protocol.localPort };
    return server;
  }
  async function connect(): Promise<RawHttpClient> {
    const client = await RawHttpClient.connect((server as Server).port);
    clients.push(client);
    return client;
  }
  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    for (const socket of sockets.splice(0)) socket.destroy();
    await server?.protocol.stop(0);
    server = undefined;
  });

  describe('Upgrade is not offered: the request is served as plain HTTP', () => {
    it.each([
      [
        'websocket',
        'Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n',
      ],
      ['h2c', 'Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n'],
    ])('%s: no 101, and a request pipelined behind it in the same packet is answered too, in order', async (_name, upgrade) => {
      const { adapter } = await start();
      const client = await connect();
      await client.write(get('/target?upgrade', upgrade) + get('/target?next'));
      const first = await client.readResponse();
      const second = await client.readResponse();
      expect(first.status).toBe(200);
      expect(first.body).toBe('/target?upgrade');
      expect(first.header('upgrade')).toBeUndefined();
      expect(second.status).toBe(200);
      expect(second.body).toBe('/target?next');
      expect(client.received).not.toMatch(/^HTTP\/1\.1 101/m);
      expect(adapter.started).toEqual(['/target?upgrade', '/target?next']);
      // The connection is still an HTTP/1.1 one.
      await client.write(get('/hello'));
      expect((await client.readResponse()).body).toBe('hello');
    });

    it('an Upgrade request with a body: the body is the request body, and the next request follows it', async () => {
      await start();
      const client = await connect();
      await client.write(
        'POST /echo HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nContent-Length: 5\r\n\r\nhello' +
          get('/target?after'),
      );
      expect((await client.readResponse()).body).toBe('hello');
      expect((await client.readResponse()).body).toBe('/target?after');
    });
  });

  describe('Content-Length declared by the application is the framing', () => {
    it.each(['/overlong', '/overlong-one-write'])(
      '%s: declares 10, writes 20: exactly 10 body bytes, the next pipelined response intact',
      async (target) => {
        const { adapter } = await start();
        const client = await connect();
        await client.write(get(target) + get('/hello'));
        const first = await client.readResponse();
        expect(first.status).toBe(200);
        expect(first.header('content-length')).toBe('10');
        expect(first.body).toBe('0123456789');
        const second = await client.readResponse();
        expect(second.statusLine).toBe('HTTP/1.1 200 OK');
        expect(second.body).toBe('hello');
        expect(client.received).not.toContain('OVERFLOW');
        expect(adapter.exchanges[0]?.bytesWritten).toBe(10);
        expect(client.closed).toBe(false);
      },
    );

    it('declares 10, writes 4 and ends: the 4 bytes arrive and the connection closes (no reuse, no hang)', async () => {
      const { adapter } = await start();
      const client = await connect();
      await client.write(get('/short') + get('/target?never'));
      expect(await client.waitForClose(3000)).toBe(true);
      const head = client.received.slice(0, client.received.indexOf('\r\n\r\n') + 4);
      expect(head).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
      expect(head).toMatch(/\r\nContent-Length: 10\r\n/i);
      expect(client.received.slice(head.length)).toBe('abcd');
      // The connection was given up: the pipelined request behind it got no response.
      expect(client.received.match(/HTTP\/1\.1 /g)).toHaveLength(1);
      expect(await eventually(() => server?.protocol.stats().connections === 0)).toBe(true);
      expect(adapter.exchanges[0]?.bytesWritten).toBe(4);
    });
  });

  describe('HTTP/1.0', () => {
    it('without keep-alive, a body of unknown length is not chunked: it ends when the connection closes', async () => {
      await start();
      const client = await connect();
      await client.write('GET /unknown-length HTTP/1.0\r\n\r\n');
      expect(await client.waitForClose(3000)).toBe(true);
      const response = await client.readResponse();
      expect(response.statusLine).toBe('HTTP/1.1 200 OK');
      expect(response.header('transfer-encoding')).toBeUndefined();
      expect(response.header('content-length')).toBeUndefined();
      expect(response.header('connection')).toBe('close');
      expect(response.body).toBe('first-second');
    });

    it('with Connection: keep-alive and a Content-Length response, the connection stays open and says so', async () => {
      await start();
      const client = await connect();
      await client.write('GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n');
      const response = await client.readResponse();
      expect(response.header('connection')).toBe('keep-alive');
      expect(response.header('content-length')).toBe('5');
      expect(await client.waitForClose(300)).toBe(false);
      await client.write('GET /target?again HTTP/1.0\r\nConnection: keep-alive\r\n\r\n');
      expect((await client.readResponse()).body).toBe('/target?again');
    });

    it('with Connection: keep-alive but a body of unknown length, closing is the only framing: Connection: close', async () => {
      await start();
      const client = await connect();
      await client.write('GET /unknown-length HTTP/1.0\r\nConnection: keep-alive\r\n\r\n');
      expect(await client.waitForClose(3000)).toBe(true);
      const response = await client.readResponse();
      expect(response.header('connection')).toBe('close');
      expect(response.header('transfer-encoding')).toBeUndefined();
      expect(response.body).toBe('first-second');
    });
  });

  it('five requests pipelined in one write, the first answered late: all run at once, responses in request order', async () => {
    const { adapter } = await start();
    const client = await connect();
    await client.write(get('/slow/first') + [2, 3, 4, 5].map((n) => get(`/target?n=${n}`)).join(''));
    expect(await eventually(() => adapter.started.length === 5)).toBe(true);
    // The later responses are produced but wait for the first (their end() settles only once they are sent).
    expect(await client.waitForData(200)).toBe(false);
    adapter.release('first');
    const bodies: string[] = [];
    for (let i = 0; i < 5; i++) bodies.push((await client.readResponse()).body);
    expect(bodies).toEqual(['done /slow/first', '/target?n=2', '/target?n=3', '/target?n=4', '/target?n=5']);
    expect(client.closed).toBe(false);
  });

  describe('HEAD gets the headers GET would, no body, and the connection stays usable', () => {
    function fieldNames(response: { headers: ReadonlyArray<readonly [string, string]> }): string[] {
      return response.headers.map(([name]) => name.toLowerCase()).filter((name) => name !== 'date');
    }

    it.each([
      ['/hello', 'content-length', '5'],
      ['/unknown-length', 'transfer-encoding', 'chunked'],
    ])('%s (%s)', async (target, field, value) => {
      const { adapter } = await start();
      const client = await connect();
      await client.write(get(target));
      const getResponse = await client.readResponse();
      await client.write(`HEAD ${target} HTTP/1.1\r\nHost: x\r\n\r\n` + get('/target?after-head'));
      const headResponse = await client.readResponse({ noBody: true });
      expect(headResponse.status).toBe(200);
      expect(headResponse.header(field)).toBe(value);
      expect(fieldNames(headResponse)).toEqual(fieldNames(getResponse));
      // Had HEAD carried a body, it would sit in front of the next response.
      const next = await client.readResponse();
      expect(next.statusLine).toBe('HTTP/1.1 200 OK');
      expect(next.body).toBe('/target?after-head');
      expect(adapter.exchanges[1]?.bytesWritten).toBe(0);
    });
  });

  describe('response header injection is refused before anything reaches the wire', () => {
    it.each(['/inject-value', '/inject-name', '/inject-reason'])('%s: 500 and a close, nothing of the header sent', async (target) => {
      await start();
      const client = await connect();
      await client.write(get(target));
      const response = await client.readResponse();
      expect(response.status).toBe(500);
      expect(response.header('connection')).toBe('close');
      expect(await client.waitForClose(3000)).toBe(true);
      expect(client.received).not.toMatch(/evil/i);
      expect(client.received).not.toContain('X-Note');
      expect(client.received.match(/HTTP\/1\.1 /g)).toHaveLength(1);
    });

    it('a bad trailer after the body started: the response is cut (no last chunk), the trailer never sent', async () => {
      await start();
      const client = await connect();
      await client.write(get('/inject-trailer'));
      expect(await client.waitForClose(3000)).toBe(true);
      // The response had started: head and first chunk went out before end() met the trailer.
      expect(client.received).toMatch(/^HTTP\/1\.1 200 OK\r\n[^]*\r\n\r\n7\r\npartial\r\n$/);
      expect(client.received).not.toMatch(/evil/i);
      expect(client.received).not.toContain('X-Checksum');
      // Without the last chunk the client knows the body is incomplete (RFC 9112 §7.1).
      expect(client.received).not.toMatch(/\r\n0\r\n/);
    });

    it('the server keeps serving other connections after refusing', async () => {
      await start();
      const bad = await connect();
      await bad.write(get('/inject-value'));
      expect((await bad.readResponse()).status).toBe(500);
      const good = await connect();
      await good.write(get('/hello'));
      expect((await good.readResponse()).body).toBe('hello');
    });
  });

  describe('the client half-closes (FIN)', () => {
    function rawSocket(port: number): Promise<{ socket: net.Socket; received: () => string; closed: Promise<void> }> {
      return new Promise((resolve, reject) => {
        const socket = net.connect({ port, host: '127.0.0.1', allowHalfOpen: true }, () => {
          socket.off('error', reject);
          resolve({ socket, received: () => data, closed });
        });
        sockets.push(socket);
        let data = '';
        socket.setEncoding('latin1');
        socket.on('data', (chunk: string) => {
          data += chunk;
        });
        socket.on('error', () => undefined);
        const closed = new Promise<void>((done) => socket.once('close', () => done()));
        socket.once('error', reject);
      });
    }

    it('right after a complete request while the application works: the exchange is aborted', async () => {
      const { adapter, protocol, port } = await start();
      const { socket, closed } = await rawSocket(port);
      socket.end(get('/slow/fin'));
      expect(await eventually(() => adapter.started.length === 1)).toBe(true);
      const exchange = adapter.exchanges[0];
      expect(await eventually(() => exchange?.aborted === true)).toBe(true);
      await closed;
      adapter.release('fin');
      expect(await eventually(() => adapter.finished.length === 1)).toBe(true);
      expect(exchange?.bytesWritten).toBe(0);
      expect(protocol.stats()).toMatchObject({ inFlight: 0, connections: 0 });
    });

    it('on an idle keep-alive connection: the server closes it', async () => {
      const { protocol, port } = await start();
      const { socket, received, closed } = await rawSocket(port);
      socket.write(get('/hello'));
      expect(await eventually(() => received().endsWith('hello'))).toBe(true);
      socket.end();
      // The server closes it on the FIN, not at a timeout (connectionTimeout is 20 s here).
      await closed;
      expect(await eventually(() => protocol.stats().connections === 0)).toBe(true);
      expect(received().match(/HTTP\/1\.1 /g)).toHaveLength(1);
    });
  });

  describe('header-phase limits', () => {
    it('a header section over maxHttpHeaderSize that arrives in pieces gets 431 and a close', async () => {
      const { adapter } = await start({ maxHttpHeaderSize: 4096 });
      const client = await connect();
      await client.write('GET /hello HTTP/1.1\r\nHost: x\r\n');
      for (let i = 0; i < 10; i++) {
        if (client.closed) break;
        await client.write(`X-Pad-${i}: ${'a'.repeat(500)}\r\n`).catch(() => undefined);
        await nextPoll();
      }
      const response = await client.readResponse();
      expect(response.status).toBe(431);
      expect(response.header('connection')).toBe('close');
      expect(await client.waitForClose(3000)).toBe(true);
      expect(adapter.started).toEqual([]);
      expect(adapter.rejected).toMatchObject([{ status: 431, code: 'SV_ERR_HTTP_HEADER_TOO_LARGE' }]);
    });

    it('an oversized header section pipelined behind a good request: 200 first, then 431 and a close', async () => {
      const { adapter } = await start({ maxHttpHeaderSize: 4096 });
      const client = await connect();
      await client.write(get('/slow/ahead') + `GET /hello HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(5000)}\r\n\r\n`);
      // Refused (its answer deferred) before the request ahead of it is answered.
      await adapter.until(() => adapter.rejected.length === 1);
      adapter.release('ahead');
      const first = await client.readResponse();
      expect(first.body).toBe('done /slow/ahead');
      expect((await client.readResponse()).status).toBe(431);
      expect(await client.waitForClose(3000)).toBe(true);
      expect(adapter.started).toEqual(['/slow/ahead']);
    });

    it('a head trickling one byte per 100 ms is answered 408 after connectionTimeout, then closed', async () => {
      const clock = new ManualClock();
      const { adapter } = await start({ connectionTimeout: 600, keepAliveTimeout: 600 }, clock);
      const client = await connect();
      const head = `GET /hello HTTP/1.1\r\nHost: x\r\nX-Long: ${'b'.repeat(200)}\r\n\r\n`;
      let sent = 0;
      while (sent < head.length && !client.closed && client.received === '') {
        await client.write(head[sent++] as string).catch(() => undefined);
        await nextPoll();
        clock.advance(100);
      }
      expect(await client.waitForClose(5000)).toBe(true);
      // The bytes kept coming, one every 100 ms of the clock (far inside the idle limit), and the head was still
      // incomplete when the connection closed: only the header-phase clock can have cut it, and no sooner than
      // connectionTimeout after the first byte.
      expect(sent).toBeGreaterThanOrEqual(6);
      expect(sent).toBeLessThan(head.length);
      const response = await client.readResponse();
      expect(response.status).toBe(408);
      expect(response.header('connection')).toBe('close');
      expect(adapter.started).toEqual([]);
      expect(adapter.rejected).toMatchObject([{ status: 408, code: 'SV_ERR_HTTP_HEADER_TIMEOUT' }]);
    });
  });
});
