// AjpExchange without a socket: forwarded values, header filtering (vector D: an invalid header is dropped,
// the valid ones kept), bodiless statuses, END_RESPONSE through the connection.
import { describe, expect, it } from 'vitest';
import { AjpExchange, type AjpConnectionPort } from '../../../src/protocol/ajp/ajp-exchange.js';
import { decodeForwardRequest } from '../../../src/protocol/ajp/ajp-forward-request.js';
import { applyRequestPolicy, type AcceptedRequest } from '../../../src/protocol/ajp/ajp-request-policy.js';
import { encodeForwardRequest, type AjpRequest } from '../../helpers/ajp-client.js';

class FakeConnection implements AjpConnectionPort {
  readonly id = 'test-1';
  readonly localAddress = '127.0.0.9';
  draining = false;
  readonly packets: Buffer[] = [];
  finished: AjpExchange | null = null;
  send(packets: readonly Buffer[]): boolean {
    this.packets.push(...packets);
    return true;
  }
  drain(): Promise<void> {
    return Promise.resolve();
  }
  requestBodyPacket(): void {}
  finishResponse(exchange: AjpExchange): Promise<void> {
    this.finished = exchange;
    this.packets.push(exchange.endPacket(!exchange.willClose));
    return Promise.resolve();
  }
  destroy(): void {}
}

function accepted(request: AjpRequest): AcceptedRequest {
  const result = applyRequestPolicy(
    decodeForwardRequest(encodeForwardRequest(request)),
    {
      secret: undefined,
      allowedRequestAttributesPattern: /^(?:MY_.*)$/,
      tomcatAuthentication: false,
      tomcatAuthorization: false,
      maxHeaderCount: 100,
    },
    '192.0.2.7',
  );
  if (!result.ok) throw result.error;
  return result.request;
}

/** Header names of a SEND_HEADERS packet (coded names as their code). */
function headerNames(packet: Buffer): string[] {
  const payload = packet.subarray(4);
  let at = 3;
  at += 2 + payload.readUInt16BE(at) + 1;
  const count = payload.readUInt16BE(at);
  at += 2;
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    const peek = payload.readUInt16BE(at);
    if ((peek & 0xff00) === 0xa000) {
      names.push(`0x${peek.toString(16)}`);
      at += 2;
    } else {
      const length = payload.readUInt16BE(at);
      names.push(payload.toString('latin1', at + 2, at + 2 + length));
      at += 3 + length;
    }
    at += 2 + payload.readUInt16BE(at) + 1;
  }
  return names;
}

describe('AjpExchange', () => {
  it('presents the forwarded request values', () => {
    const exchange = new AjpExchange(
      accepted({
        method: 'POST',
        uri: '/p',
        query: 'q=1',
        remoteAddr: '192.0.2.1',
        serverPort: 8443,
        isSsl: true,
        sslCipher: 'X',
        remoteUser: 'bob',
        authType: 'DIGEST',
        route: 'n1',
        attributes: [['MY_FLAG', 'on']],
        headers: [['content-length', '0']],
      }),
      new FakeConnection(),
      8192,
      true,
    );
    expect(exchange).toMatchObject({
      method: 'POST',
      target: '/p?q=1',
      remoteAddress: '192.0.2.1',
      remotePort: 0,
      localAddress: '127.0.0.9',
      localPort: 8443,
      secure: true,
      scheme: 'https',
      connectionId: 'test-1',
      route: 'n1',
      forwardedUser: { name: 'bob', authType: 'DIGEST' },
    });
    expect(exchange.tls?.cipherSuite).toBe('X');
    expect(exchange.forwardedAttributes.get('MY_FLAG')).toBe('on');
  });

  it('drops response headers that cannot be sent and hop-by-hop fields, keeping the rest', async () => {
    const connection = new FakeConnection();
    const exchange = new AjpExchange(accepted({}), connection, 8192, true);
    exchange.writeHead(200, null, [
      ['X-Good', '1'],
      ['Bad Name', 'x'],
      ['X-Bad', 'a\r\nb'],
      ['Connection', 'close'],
      ['Transfer-Encoding', 'chunked'],
      ['Content-Type', 'text/plain'],
    ]);
    expect(headerNames(connection.packets[0]!)).toEqual(['X-Good', '0xa001']);
    expect(exchange.droppedHeaders).toEqual(['Bad Name', 'X-Bad']);
    exchange.write(Buffer.from('hi'));
    await exchange.end();
    expect(connection.packets.map((p) => p[4])).toEqual([4, 3, 5]);
    expect(exchange.bytesWritten).toBe(2);
    expect(exchange.done).toBe(true);
  });

  it('sends no body chunk for HEAD, 204 and 304', async () => {
    for (const [method, status] of [
      ['HEAD', 200],
      ['GET', 204],
      ['GET', 304],
    ] as const) {
      const connection = new FakeConnection();
      const exchange = new AjpExchange(accepted({ method }), connection, 8192, true);
      exchange.writeHead(status, null, []);
      exchange.write(Buffer.from('ignored'));
      await exchange.end();
      expect(connection.packets.map((p) => p[4])).toEqual([4, 5]);
    }
  });

  it('commits a 200 on the first write or end, and asks not to reuse after closeAfterResponse', async () => {
    const connection = new FakeConnection();
    const exchange = new AjpExchange(accepted({}), connection, 8192, true);
    exchange.closeAfterResponse();
    await exchange.end();
    expect(connection.packets[0]!.readUInt16BE(5)).toBe(200);
    expect(connection.packets[1]!.subarray(4)).toEqual(Buffer.from([5, 0]));
  });

  it('sends an empty body chunk on an explicit flush only with ajpFlush', () => {
    for (const ajpFlush of [true, false]) {
      const connection = new FakeConnection();
      const exchange = new AjpExchange(accepted({}), connection, 8192, ajpFlush);
      exchange.writeHead(200, null, []);
      exchange.flush();
      expect(connection.packets.length).toBe(ajpFlush ? 2 : 1);
    }
  });
});
