// What a request costs in messages, unit by unit: the connection facts a worker already has are not sent
// again (WorkerConnectionCache), and the worker's exchange neither waits for the main thread at the end of a
// response nor needs an acknowledgement below its window (WorkerExchange).
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { WorkerConnectionCache } from '../../../src/blocking/main/worker-connection-cache.js';
import type { TlsInfo } from '../../../src/net/tls-info.js';
import { RESPONSE_ACK_STEP, RESPONSE_WINDOW } from '../../../src/blocking/messages/channel.js';
import type { RequestMessage } from '../../../src/blocking/messages/exchange-messages.js';
import type { WorkerToMain } from '../../../src/blocking/messages/worker-messages.js';
import type { Exchange } from '../../../src/protocol/exchange.js';
import type { WorkerBody } from '../../../src/blocking/worker/worker-body.js';
import { WorkerConnection, WorkerExchange } from '../../../src/blocking/worker/worker-exchange.js';

/** The parts of an exchange the cache reads. */
function exchange(overrides: Partial<Exchange> = {}): Exchange {
  const base = {
    connectionId: '8080-1',
    remoteAddress: '127.0.0.1',
    remotePort: 40001,
    localAddress: '127.0.0.1',
    localPort: 8080,
    secure: false,
    scheme: 'http' as const,
    tls: undefined,
  };
  return { ...base, ...overrides } as unknown as Exchange;
}

const tlsInfo: TlsInfo = {
  protocol: 'TLSv1.3',
  cipherSuite: 'TLS_AES_128_GCM_SHA256',
  keySize: 128,
  sessionId: 'ab',
  peerCertificates: [],
  peerVerified: false,
  serverName: 'localhost',
};

describe('WorkerConnectionCache', () => {
  it('sends the facts with the first request of a worker, then nothing while they stay the same', () => {
    const cache = new WorkerConnectionCache<object>();
    const worker = {};
    expect(cache.dataFor(worker, exchange())).toEqual({
      id: '8080-1',
      remoteAddress: '127.0.0.1',
      remotePort: 40001,
      localAddress: '127.0.0.1',
      localPort: 8080,
      secure: false,
      scheme: 'http',
      tls: undefined,
    });
    expect(cache.dataFor(worker, exchange())).toBeUndefined();
    expect(cache.dataFor(worker, exchange())).toBeUndefined();
  });

  it('another worker, another connection, or a forwarded fact that changed (AJP: per request) sends them again', () => {
    const cache = new WorkerConnectionCache<object>();
    const first = {};
    const second = {};
    cache.dataFor(first, exchange());
    expect(cache.dataFor(second, exchange())?.id).toBe('8080-1');
    expect(cache.dataFor(first, exchange({ connectionId: '8080-2', remotePort: 40002 }))?.remotePort).toBe(40002);
    // Same connection id (an AJP connection from the web server) but another client behind it.
    expect(cache.dataFor(first, exchange({ connectionId: '8080-2', remoteAddress: '10.0.0.7', remotePort: 40002 }))?.remoteAddress).toBe(
      '10.0.0.7',
    );
    expect(
      cache.dataFor(
        first,
        exchange({ connectionId: '8080-2', remoteAddress: '10.0.0.7', remotePort: 40002, secure: true, scheme: 'https' }),
      )?.scheme,
    ).toBe('https');
  });

  it('TLS facts are sent again only when the exchange reports another TlsInfo object', () => {
    const cache = new WorkerConnectionCache<object>();
    const worker = {};
    expect(cache.dataFor(worker, exchange({ tls: tlsInfo }))?.tls).toEqual({
      protocol: 'TLSv1.3',
      cipherSuite: 'TLS_AES_128_GCM_SHA256',
      keySize: 128,
      sessionId: 'ab',
      peerCertificatesPem: [],
      peerVerified: false,
      serverName: 'localhost',
    });
    // An HTTP connection keeps one TlsInfo per socket: nothing to send.
    expect(cache.dataFor(worker, exchange({ tls: tlsInfo }))).toBeUndefined();
    // AJP builds one per forwarded request.
    expect(cache.dataFor(worker, exchange({ tls: { ...tlsInfo, sessionId: 'cd' } }))?.tls?.sessionId).toBe('cd');
  });
});

function head(id: number): RequestMessage {
  return {
    type: 'request',
    id,
    connector: 0,
    connection: undefined,
    protocol: 'HTTP/1.1',
    method: 'GET',
    target: '/',
    rawHeaders: ['Host', 'localhost'],
    startTime: 0n,
    willClose: false,
    bodyEnded: true,
    forwarded: undefined,
  };
}

function workerExchange() {
  const posted: WorkerToMain[] = [];
  let flushes = 0;
  let beforeEnd = 0;
  const connection = new WorkerConnection({
    id: '8080-9',
    remoteAddress: '127.0.0.1',
    remotePort: 40009,
    localAddress: '127.0.0.1',
    localPort: 8080,
    secure: false,
    scheme: 'http',
    tls: undefined,
  });
  const body = new PassThrough() as unknown as WorkerBody;
  const created = new WorkerExchange(head(7), connection, body, {
    post: (message) => posted.push(message),
    flush: () => flushes++,
    beforeEnd: () => beforeEnd++,
  });
  return { exchange: created, posted, flushes: () => flushes, beforeEnds: () => beforeEnd };
}

describe('WorkerExchange', () => {
  it('takes the connection facts from the connection it came on', () => {
    const { exchange: created } = workerExchange();
    expect([created.connectionId, created.remotePort, created.localPort, created.scheme, created.tls]).toEqual([
      '8080-9',
      40009,
      8080,
      'http',
      undefined,
    ]);
  });

  it('end() settles at once: the worker does not wait for the main thread to finish the response', async () => {
    const { exchange: created, posted, beforeEnds } = workerExchange();
    created.writeHead(200, null, [['Content-Length', '5']]);
    expect(created.write(new TextEncoder().encode('hello'))).toBe(true);
    const settled = await Promise.race([
      created.end().then(() => 'ended'),
      new Promise((resolve) => setImmediate(() => resolve('still waiting'))),
    ]);
    expect(settled).toBe('ended');
    expect(beforeEnds()).toBe(1);
    expect(posted.map((message) => message.type)).toEqual(['head', 'data', 'end']);
    expect(created.ended).toBe(true);
    // A second end() is the same settled end, and posts nothing more.
    await created.end();
    expect(posted).toHaveLength(3);
  });

  it('flush() pushes the batched messages out; an aborted exchange has nothing to flush', () => {
    const { exchange: created, flushes } = workerExchange();
    created.flush();
    expect(flushes()).toBe(1);
    created.onAborted();
    created.flush();
    expect(flushes()).toBe(1);
  });

  it('writes below RESPONSE_WINDOW need no acknowledgement; beyond it drain() waits for the ack', async () => {
    expect(RESPONSE_ACK_STEP).toBeLessThan(RESPONSE_WINDOW);
    const { exchange: created } = workerExchange();
    created.writeHead(200, null, []);
    const step = new Uint8Array(RESPONSE_WINDOW / 4);
    expect(created.write(step)).toBe(true);
    expect(created.write(step)).toBe(true);
    expect(created.write(step)).toBe(true);
    expect(created.write(step)).toBe(false);
    let drained = false;
    const draining = created.drain().then(() => {
      drained = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(drained).toBe(false);
    created.onAck(RESPONSE_ACK_STEP);
    await draining;
    expect(drained).toBe(true);
    expect(created.write(step)).toBe(false);
  });
});
