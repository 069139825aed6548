/**
 * A response whose Content-Length bytes have all been written is complete (Servlet 6.0 §5.6) even while the
 * application is still running: the completion rides on those bytes, nothing more is written at end(), the
 * next pipelined response is not held back, and an unread request body is still swallowed at end().
 */
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { Exchange } from '../../../src/protocol/exchange.js';
import type { HttpExchange } from '../../../src/protocol/http11/http-exchange.js';
import { Http11Protocol } from '../../../src/protocol/http11/http11-protocol.js';
import { RawHttpClient } from '../../helpers/raw-http-client.js';
import { connectorConfig, eventually, get, TestAdapter } from './http11-harness.js';

/** TestAdapter plus /linger: its whole Content-Length body goes out, then the application keeps working until stopLingering(). */
class LingeringAdapter extends TestAdapter {
  readonly doneBeforeEnd: boolean[] = [];
  readonly endCalls: string[] = [];
  stopLingering!: () => void;
  readonly #lingering = new Promise<void>((resolve) => {
    this.stopLingering = resolve;
  });

  override async service(exchange: Exchange): Promise<void> {
    const path = exchange.target.split('?')[0] ?? '';
    if (path !== '/linger') {
      await super.service(exchange);
      return;
    }
    this.started.push(exchange.target);
    exchange.writeHead(200, null, [['Content-Length', '5']]);
    exchange.write(Buffer.from('hello'));
    await this.#lingering;
    this.doneBeforeEnd.push((exchange as HttpExchange).done);
    this.endCalls.push(exchange.target);
    await exchange.end();
    this.finished.push(exchange.target);
  }
}

const silent = pino({ level: 'silent' });

describe('HTTP/1.1: a Content-Length body that is complete before end()', () => {
  let protocol: Http11Protocol | undefined;
  const clients: RawHttpClient[] = [];

  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    await protocol?.stop(0);
    protocol = undefined;
  });

  async function start(): Promise<{ adapter: LingeringAdapter; client: RawHttpClient }> {
    const adapter = new LingeringAdapter();
    protocol = new Http11Protocol(connectorConfig(), adapter, silent);
    await protocol.start();
    const client = await RawHttpClient.connect(protocol.localPort);
    clients.push(client);
    return { adapter, client };
  }

  it('settles when its last byte is written; the pipelined response behind it does not wait for end()', async () => {
    const { adapter, client } = await start();
    await client.write(get('/linger') + get('/target?next'));
    const first = await client.readResponse();
    const second = await client.readResponse();
    expect(first.status).toBe(200);
    expect(first.body).toBe('hello');
    expect(second.body).toBe('/target?next');
    // Both answers arrived while the first application was still at work.
    expect(adapter.endCalls).toEqual([]);
    adapter.stopLingering();
    expect(await eventually(() => adapter.finished.includes('/linger'))).toBe(true);
    expect(adapter.doneBeforeEnd).toEqual([true]);
    // end() wrote nothing more: the next bytes on the wire belong to the next response.
    await client.write(get('/hello'));
    const third = await client.readResponse();
    expect(third.body).toBe('hello');
    expect(client.received.match(/HTTP\/1\.1 /g)).toHaveLength(3);
  });

  it('an unread request body is still swallowed at end(), so the connection carries the next request', async () => {
    const { adapter, client } = await start();
    // Larger than the body stream buffers unread, smaller than maxSwallowSize: reading stops until it is swallowed.
    const size = 1024 * 1024;
    await client.write(`POST /linger HTTP/1.1\r\nHost: localhost\r\nContent-Length: ${size}\r\n\r\n`);
    const first = await client.readResponse();
    expect(first.body).toBe('hello');
    // Not awaited: the server stops reading the unread body until end() swallows it.
    const sent = client.write('x'.repeat(size));
    adapter.stopLingering();
    await sent;
    expect(await eventually(() => adapter.finished.includes('/linger'))).toBe(true);
    await client.write(get('/hello'));
    const next = await client.readResponse();
    expect(next.status).toBe(200);
    expect(next.body).toBe('hello');
  });
});
