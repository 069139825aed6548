import { once } from 'node:events';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createBindingParser, type BindingParser } from '../../../src/net/node-internals/index.js';
import { consumeSocket, releaseSocket, type LlhttpError, type ParserEvents } from '../../../src/protocol/http11/llhttp-parser.js';
import { connectedPair } from '../../helpers/socket-pair.js';

const sockets: net.Socket[] = [];
const listeners: net.Server[] = [];
const parsers: BindingParser[] = [];
afterEach(async () => {
  // As the processor does: a parser is freed only once its socket has closed (freeing it while the handle
  // may still deliver a read, even after unconsume(), lets that read reach freed memory).
  await Promise.all(
    sockets.splice(0).map((socket) => {
      const closed = socket.closed ? Promise.resolve() : once(socket, 'close');
      socket.destroy();
      return closed;
    }),
  );
  for (const listener of listeners.splice(0)) listener.close();
  for (const parser of parsers.splice(0)) {
    parser.unconsume();
    parser.close();
  }
});

/** A connected pair on 127.0.0.1: the server side (what the container reads) and the client. */
async function pair(): Promise<{ server: net.Socket; client: net.Socket }> {
  const { server, client, listener } = await connectedPair();
  sockets.push(server, client);
  listeners.push(listener);
  return { server, client };
}

/** A parser on node's binding (the only kind that reads a socket's handle), recording the targets of the heads it completes. */
function recordingParser(): { parser: BindingParser; targets: string[] } {
  const targets: string[] = [];
  const events: ParserEvents = {
    onHeaders: () => undefined,
    onHeadersComplete: (_major, _minor, _fields, _method, url) => {
      targets.push(url ?? '');
    },
    onBody: () => undefined,
    onMessageComplete: () => undefined,
    onError: () => undefined,
  };
  const parser = createBindingParser(8192, events);
  if (parser === null) throw new Error("node's parser binding is not usable on this Node");
  parsers.push(parser);
  return { parser, targets };
}

function waitFor(condition: () => boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const poll = (): void => {
      if (condition()) resolve();
      else if (Date.now() - started > 5000) reject(new Error('condition not met within 5 s'));
      else setTimeout(poll, 5);
    };
    poll();
  });
}

const request = (target: string): string => `GET ${target} HTTP/1.1\r\nHost: x\r\n\r\n`;

describe('consumeSocket: the parser reads the socket handle itself', () => {
  it('parses every read without a data event, reporting the bytes parsed; end of stream still reaches the socket', async () => {
    const { server, client } = await pair();
    const { parser, targets } = recordingParser();
    const results: Array<number | LlhttpError> = [];
    expect(consumeSocket(parser, server, (result) => results.push(result))).toBe(true);
    let dataEvents = 0;
    server.on('data', () => dataEvents++);
    const ended = once(server, 'end');
    server.resume();

    client.write(request('/one') + request('/two'));
    await waitFor(() => targets.length === 2);
    client.write(request('/three'));
    await waitFor(() => targets.length === 3);
    client.end();
    await ended;

    expect(targets).toEqual(['/one', '/two', '/three']);
    expect(dataEvents).toBe(0);
    const total = results.reduce<number>((sum, result) => sum + (typeof result === 'number' ? result : Number.NaN), 0);
    expect(total).toBe(Buffer.byteLength(request('/one') + request('/two') + request('/three')));
  });

  it('reports a parse error with the bytes of the read that caused it', async () => {
    const { server, client } = await pair();
    const { parser } = recordingParser();
    const errors: Array<{ code: string; packet: string }> = [];
    consumeSocket(parser, server, (result) => {
      if (typeof result !== 'number') errors.push({ code: result.code, packet: parser.getCurrentBuffer().toString('latin1') });
    });
    server.resume();
    client.write('GET / HTTP/1.1\r\nBad Header: x\r\n\r\n');
    await waitFor(() => errors.length === 1);
    expect(errors[0]?.code).toBe('HPE_INVALID_HEADER_TOKEN');
    expect(errors[0]?.packet).toBe('GET / HTTP/1.1\r\nBad Header: x\r\n\r\n');
  });

  it('after releaseSocket the bytes arrive as data events again, and a paused socket stops them', async () => {
    const { server, client } = await pair();
    const { parser, targets } = recordingParser();
    consumeSocket(parser, server, () => undefined);
    server.resume();
    client.write(request('/parsed'));
    await waitFor(() => targets.length === 1);

    releaseSocket(parser, server);
    const chunks: string[] = [];
    server.on('data', (chunk: Buffer) => chunks.push(chunk.toString('latin1')));
    client.write(request('/data-event'));
    await waitFor(() => chunks.length === 1);
    expect(chunks).toEqual([request('/data-event')]);
    expect(targets).toEqual(['/parsed']);

    server.pause();
    client.write(request('/held'));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(chunks).toHaveLength(1);
    server.resume();
    await waitFor(() => chunks.length === 2);
    expect(chunks[1]).toBe(request('/held'));
  });

  it('refuses a socket whose handle is already consumed or that holds buffered bytes', async () => {
    const first = await pair();
    const taken = recordingParser();
    expect(consumeSocket(taken.parser, first.server, () => undefined)).toBe(true);
    expect(consumeSocket(recordingParser().parser, first.server, () => undefined)).toBe(false);

    const second = await pair();
    second.server.resume();
    second.server.pause();
    second.client.write(request('/early'));
    await waitFor(() => second.server.readableLength > 0);
    expect(consumeSocket(recordingParser().parser, second.server, () => undefined)).toBe(false);
  });
});
