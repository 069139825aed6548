/**
 * Hostile bytes against the real server in a child process (a crash there must not take vitest down): seeds of
 * valid and malformed requests, each sent once and then mutated byte by byte under a fixed fast-check seed.
 * After every input the server must have closed the connection within a bound (otherwise it hangs), still run,
 * and still answer a plain GET on a new connection. Every response it sent must be well formed, carry Date,
 * and be the last one after `Connection: close`.
 */
import net from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startChildServer, type ChildServer } from '../helpers/child-server.js';
import { parseResponse, RawHttpClient, type RawResponse } from '../helpers/raw-http-client.js';

const FC_SEED = 20_260_607;
const NUM_RUNS = 300;
/** How long the server may take to close a connection the client half-closed (its own timeouts are 2 s). */
const CLOSE_BOUND_MS = 5000;
/** How long the plain GET after each input may take. */
const PROBE_BOUND_MS = 3000;

const HELLO = '/examples/hello';
const H = 'Host: localhost\r\n';
const get = (extra = ''): string => `GET ${HELLO} HTTP/1.1\r\n${H}${extra}\r\n`;
const post = (headers: string, body: string): string => `POST ${HELLO} HTTP/1.1\r\n${H}${headers}\r\n${body}`;
const chunked = (body: string): string => post('Transfer-Encoding: chunked\r\n', body);
const withHost = (host: string): string => `GET ${HELLO} HTTP/1.1\r\nHost: ${host}\r\n\r\n`;
const UPGRADE = get('Connection: upgrade\r\nUpgrade: websocket\r\n');

/** A status, or the statuses any of which is right (see EITHER). */
type Expected = number | readonly number[];
/**
 * The framing broke after some body bytes: the application may already have answered (hello answers POST
 * with 405 without reading the body) and that answer is then the connection's last, or the endpoint answers
 * 400 first. Exactly one response either way.
 */
const EITHER: readonly number[] = [400, 405];

interface Seed {
  readonly name: string;
  /** latin1: one char per byte. */
  readonly bytes: string;
  /**
   * Statuses the server sends when the client waits for them instead of leaving at once (the FIN pass may
   * legitimately get fewer: the server drops requests of a client that left).
   */
  readonly expect?: readonly Expected[];
  /** Sent once the expected responses arrived; then the server must close without answering anything more. */
  readonly then?: string;
}

const SEEDS: readonly Seed[] = [
  // Valid.
  { name: 'get', bytes: get(), expect: [200] },
  { name: 'get http/1.0', bytes: `GET ${HELLO} HTTP/1.0\r\n\r\n`, expect: [200] },
  { name: 'empty lines first', bytes: `\r\n\r\n${get()}`, expect: [200] },
  { name: 'post content-length', bytes: post('Content-Length: 5\r\n', 'hello'), expect: [405] },
  { name: 'post chunked', bytes: chunked('5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n'), expect: [405] },
  { name: 'chunk extensions', bytes: chunked('5;a=b;c="d e"\r\nhello\r\n0;x\r\n\r\n'), expect: [405] },
  { name: 'chunked trailers', bytes: chunked('5\r\nhello\r\n0\r\nX-T: 1\r\nX-U: 2\r\n\r\n'), expect: [405] },
  { name: 'pipelined', bytes: get() + post('Content-Length: 2\r\n', 'ab') + get(), expect: [200, 405, 200] },
  { name: 'pipelined chunked then get', bytes: chunked('1\r\na\r\n0\r\n\r\n') + get(), expect: [405, 200] },
  { name: 'options star', bytes: `OPTIONS * HTTP/1.1\r\n${H}\r\n`, expect: [200] },
  { name: 'empty host', bytes: withHost(''), expect: [200] },
  // Chunk sizes.
  { name: 'chunk size overflow', bytes: chunked('FFFFFFFFFFFFFFFFF\r\nhello\r\n0\r\n\r\n'), expect: [400] },
  { name: 'chunk size 0x5', bytes: chunked('0x5\r\nhello\r\n0\r\n\r\n'), expect: [400] },
  { name: 'chunk size -5', bytes: chunked('-5\r\nhello\r\n0\r\n\r\n'), expect: [400] },
  { name: 'chunk size trailing space', bytes: chunked('5 \r\nhello\r\n0\r\n\r\n'), expect: [400] },
  { name: 'chunk size bare LF', bytes: chunked('5\nhello\n0\n\n'), expect: [400] },
  { name: 'chunk size Z', bytes: chunked('Z\r\n'), expect: [400] },
  { name: 'chunk size empty', bytes: chunked('\r\nhello\r\n0\r\n\r\n'), expect: [400] },
  { name: 'chunk longer than its size', bytes: chunked('3\r\nhello\r\n0\r\n\r\n'), expect: [EITHER] },
  { name: 'huge chunk extension', bytes: chunked(`5;${'a'.repeat(20_000)}\r\nhello\r\n0\r\n\r\n`), expect: [413] },
  { name: 'chunk extension with space', bytes: chunked('5;a=b c\r\nhello\r\n0\r\n\r\n'), expect: [400] },
  { name: 'bad chunk after good ones', bytes: chunked('5\r\nhello\r\nG\r\n'), expect: [EITHER] },
  { name: 'bad trailer', bytes: chunked('5\r\nhello\r\n0\r\nX T: 1\r\n\r\n'), expect: [EITHER] },
  // The framing breaks after the response to its request went out: nothing more may be answered.
  { name: 'bad chunk after the response', bytes: chunked('5\r\nhello\r\n'), expect: [405], then: 'Z\r\n' },
  { name: 'bad chunk size after the response', bytes: chunked('5\r\nhello\r\n'), expect: [405], then: 'FFFFFFFFFFFFFFFFF\r\n' },
  { name: 'bad trailer after the response', bytes: chunked('5\r\nhello\r\n'), expect: [405], then: '0\r\nX T\r\n\r\n' },
  // Upgrade requests (none is offered): what follows in the same write is read as HTTP/1.1.
  { name: 'upgrade then garbage', bytes: `${UPGRADE}\x00\x01\xffgarbage`, expect: [200, 400] },
  { name: 'upgrade then one byte', bytes: `${UPGRADE}X`, expect: [200, 400] },
  { name: 'upgrade then tls hello', bytes: `${UPGRADE}\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03`, expect: [200, 400] },
  { name: 'upgrade then get', bytes: UPGRADE + get(), expect: [200, 200] },
  { name: 'upgrade then empty lines and get', bytes: `${UPGRADE}\r\n\r\n${get()}`, expect: [200, 200] },
  { name: 'upgrade then bad request line', bytes: `${UPGRADE}GET / HTTP/9.9\r\n\r\n`, expect: [200, 505] },
  {
    name: 'upgrade post with body then garbage',
    bytes: post('Connection: Upgrade\r\nUpgrade: h2c\r\nContent-Length: 3\r\n', 'abc') + 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n',
    expect: [405, 400],
  },
  { name: 'upgrade twice then garbage', bytes: `${UPGRADE}${UPGRADE}\x00`, expect: [200, 200, 400] },
  { name: 'connect', bytes: `CONNECT localhost:443 HTTP/1.1\r\n${H}\r\n\x00\x01`, expect: [501] },
  // Bodies cut short: the client leaves mid-body.
  { name: 'content-length body cut short', bytes: post('Content-Length: 100\r\n', 'hello') },
  { name: 'chunk cut short', bytes: chunked('5\r\nhel') },
  { name: 'chunked without last chunk', bytes: chunked('5\r\nhello\r\n') },
  { name: 'head cut short', bytes: `GET ${HELLO} HTTP/1.1\r\nHost: loc` },
  // Host.
  { name: 'host with space', bytes: withHost('a b'), expect: [400] },
  { name: 'host with angle bracket', bytes: withHost('exa<mple'), expect: [400] },
  { name: 'host with userinfo', bytes: withHost('user@localhost'), expect: [400] },
  { name: 'host port too large', bytes: withHost('localhost:99999'), expect: [400] },
  { name: 'host unclosed ipv6', bytes: withHost('[::1'), expect: [400] },
  { name: 'host with slash', bytes: withHost('a/b'), expect: [400] },
  { name: 'host percent-escaped', bytes: withHost('a%2fb'), expect: [400] },
  { name: 'host non-ascii', bytes: withHost('h\xe9llo'), expect: [400] },
  { name: 'two hosts', bytes: `GET ${HELLO} HTTP/1.1\r\n${H}${H}\r\n`, expect: [400] },
  { name: 'no host', bytes: `GET ${HELLO} HTTP/1.1\r\n\r\n`, expect: [400] },
  // Framing headers.
  { name: 'content-length and chunked', bytes: post('Content-Length: 5\r\nTransfer-Encoding: chunked\r\n', '0\r\n\r\n'), expect: [400] },
  { name: 'two content-lengths', bytes: post('Content-Length: 1\r\nContent-Length: 2\r\n', 'ab'), expect: [400] },
  { name: 'content-length not a number', bytes: post('Content-Length: 5x\r\n', 'hello'), expect: [400] },
  { name: 'content-length negative', bytes: post('Content-Length: -1\r\n', 'hello'), expect: [400] },
  { name: 'content-length list', bytes: post('Content-Length: 5, 5\r\n', 'hello'), expect: [400] },
  { name: 'transfer-encoding gzip, chunked', bytes: post('Transfer-Encoding: gzip, chunked\r\n', '0\r\n\r\n'), expect: [501] },
  { name: 'transfer-encoding not chunked last', bytes: post('Transfer-Encoding: chunked, gzip\r\n', '0\r\n\r\n') },
  // Heads.
  { name: 'obs-fold', bytes: get('X: a\r\n b\r\n'), expect: [400] },
  { name: 'nul in header', bytes: get('X: a\x00b\r\n'), expect: [400] },
  { name: 'space before colon', bytes: get('X : a\r\n'), expect: [400] },
  { name: 'bare LF head', bytes: `GET ${HELLO} HTTP/1.1\nHost: localhost\n\n`, expect: [400] },
  { name: 'http/1.2', bytes: `GET ${HELLO} HTTP/1.2\r\n${H}\r\n`, expect: [505] },
  { name: 'header too large', bytes: get(`X: ${'a'.repeat(10_000)}\r\n`), expect: [431] },
  { name: 'bad target', bytes: `GET /te<st HTTP/1.1\r\n${H}\r\n`, expect: [400] },
  { name: 'expect unknown', bytes: get('Expect: unknown\r\n'), expect: [417] },
  { name: 'trace', bytes: `TRACE ${HELLO} HTTP/1.1\r\n${H}\r\n`, expect: [405] },
  { name: 'garbage', bytes: '\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03', expect: [400] },
  { name: 'good request then garbage', bytes: `${get()}\x00\x00`, expect: [200, 400] },
];

/** The FIN pass writes a staged seed's bytes in one go. */
const wholeInput = (seed: Seed): string => seed.bytes + (seed.then ?? '');

/** A raw connection that records what arrives and wakes waiters on every event (no sleeps). */
class Wire {
  readonly #socket: net.Socket;
  #received = '';
  #ended = false;
  #closed = false;
  #wake: Array<() => void> = [];

  private constructor(socket: net.Socket) {
    this.#socket = socket;
    socket.setEncoding('latin1');
    socket.on('data', (data: string) => {
      this.#received += data;
      this.#notify();
    });
    socket.on('end', () => {
      this.#ended = true;
      this.#notify();
    });
    // A reset by the server (it destroys a connection with unread bytes) is one way of closing it.
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.#closed = true;
      this.#notify();
    });
  }

  static connect(port: number): Promise<Wire> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ port, host: '127.0.0.1' }, () => {
        socket.off('error', reject);
        resolve(new Wire(socket));
      });
      socket.once('error', reject);
    });
  }

  get received(): string {
    return this.#received;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** The server ended its side or the connection is gone. */
  get finished(): boolean {
    return this.#ended || this.#closed;
  }

  /** Writes without waiting: the server may close before taking the bytes, which is its right. */
  write(bytes: string): void {
    if (!this.#socket.destroyed) this.#socket.write(Buffer.from(bytes, 'latin1'));
  }

  halfClose(): void {
    if (!this.#socket.destroyed) this.#socket.end();
  }

  destroy(): void {
    this.#socket.destroy();
  }

  /** Resolves true once `condition` holds, false when timeoutMs passed first; re-checked on every socket event. */
  until(condition: () => boolean, timeoutMs: number): Promise<boolean> {
    if (condition()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => finish(false), timeoutMs);
      const check = (): void => {
        if (condition()) finish(true);
        else this.#wake.push(check);
      };
      const finish = (result: boolean): void => {
        clearTimeout(timer);
        const index = this.#wake.indexOf(check);
        if (index >= 0) this.#wake.splice(index, 1);
        resolve(result);
      };
      this.#wake.push(check);
    });
  }

  #notify(): void {
    for (const wake of this.#wake.splice(0)) wake();
  }
}

/**
 * The responses in what a connection received. Throws when the bytes are not a sequence of well-formed
 * responses. The last one may be cut off (the server drops what it was writing to a client that left);
 * its head, when complete, is still checked by the caller.
 */
function responsesIn(received: string, noBody: boolean, completeOnly = false): RawResponse[] {
  const responses: RawResponse[] = [];
  let rest = received;
  while (rest.length > 0) {
    const response = parseResponse(rest, true, noBody);
    if (response === undefined) {
      if (completeOnly) break;
      const headEnd = rest.indexOf('\r\n\r\n');
      if (headEnd >= 0) responses.push(parseResponse(rest.slice(0, headEnd + 4), true, true)!);
      else if (!/^HTTP\/1\.1 /.test(rest) && !'HTTP/1.1 '.startsWith(rest)) {
        throw new Error(`bytes that are not a response: ${JSON.stringify(rest.slice(0, 200))}`);
      }
      break;
    }
    responses.push(response);
    rest = rest.slice(response.raw.length);
  }
  return responses;
}

/** What every response must satisfy, whatever the request. */
function checkResponses(received: string, input: string): RawResponse[] {
  const responses = responsesIn(received, /(^|\n)HEAD /.test(input));
  responses.forEach((response, index) => {
    expect(response.statusLine, 'status line').toMatch(/^HTTP\/1\.1 [1-5]\d\d /);
    if (response.status >= 200) expect(response.header('date'), `Date on ${response.statusLine}`).toBeDefined();
    const closes = /(^|,)\s*close\s*(,|$)/i.test(response.headerValues('connection').join(','));
    if (closes) expect(index, `a response after [${response.statusLine}] with Connection: close`).toBe(responses.length - 1);
  });
  return responses;
}

function describeInput(input: string): string {
  const shown = input.length > 600 ? `${input.slice(0, 600)}… (${input.length} bytes)` : input;
  return JSON.stringify(shown);
}

describe('HTTP/1.1 endpoint: hostile input against a child server', () => {
  let server: ChildServer;

  beforeAll(async () => {
    server = await startChildServer({
      connectorAttributes: 'connectionTimeout="2000" keepAliveTimeout="2000"',
      // A hung server ignores SIGTERM: do not wait long before SIGKILL.
      stopTimeoutMs: 3000,
    });
  }, 30_000);

  afterAll(async () => {
    await server?.stop();
  }, 30_000);

  function serverState(): string {
    const tail = server.output().slice(-4000);
    return `server ${server.alive() ? 'alive' : `dead (exit code ${server.exitCode}, signal ${server.signalCode})`}\n--- server output (tail) ---\n${tail}`;
  }

  /** The server still runs and a new connection gets the hello page. */
  async function expectServing(input: string): Promise<void> {
    let problem: string | undefined;
    const client = await RawHttpClient.connect(server.port).catch((error: Error) => {
      problem = `connect failed: ${error.message}`;
      return undefined;
    });
    if (client !== undefined) {
      try {
        await client.write(`GET ${HELLO} HTTP/1.1\r\n${H}Connection: close\r\n\r\n`);
        const response = await client.readResponse({ timeoutMs: PROBE_BOUND_MS });
        if (response.status !== 200 || response.body !== 'Hello, World!')
          problem = `probe got ${JSON.stringify(response.raw.slice(0, 300))}`;
      } catch (error) {
        problem = `probe failed: ${(error as Error).message}`;
      } finally {
        client.close();
      }
    }
    if (!server.alive() && problem === undefined) problem = 'the server process exited';
    // A crash closes the sockets a moment before the child's exit is reported: wait for it, to say which.
    if (problem !== undefined) await server.waitForExit(1000);
    if (problem !== undefined) throw new Error(`after input ${describeInput(input)}: ${problem}\n${serverState()}`);
  }

  /** Writes the input, half-closes, and requires the server to finish the connection within the bound. */
  async function sendAndLeave(input: string): Promise<void> {
    if (!server.alive()) throw new Error(`the server is not running (before input ${describeInput(input)})\n${serverState()}`);
    const wire = await Wire.connect(server.port);
    try {
      wire.write(input);
      wire.halfClose();
      if (!(await wire.until(() => wire.finished, CLOSE_BOUND_MS))) {
        throw new Error(
          `the server neither closed nor ended the connection within ${CLOSE_BOUND_MS} ms of input ${describeInput(input)}; ` +
            `received ${JSON.stringify(wire.received.slice(0, 300))}\n${serverState()}`,
        );
      }
      // The server ended its side: whatever it sent is all there is (allowHalfOpen is off, 'close' follows).
      await wire.until(() => wire.closed, CLOSE_BOUND_MS);
      try {
        checkResponses(wire.received, input);
      } catch (error) {
        throw new Error(
          `input ${describeInput(input)}: ${(error as Error).message}\nreceived ${JSON.stringify(wire.received.slice(0, 1000))}`,
        );
      }
    } finally {
      wire.destroy();
    }
    await expectServing(input);
  }

  /** A client that waits for its answers: the statuses must be exactly the seed's. */
  async function sendAndAwait(seed: Seed & { expect: readonly Expected[] }): Promise<void> {
    if (!server.alive()) throw new Error(`the server is not running (before seed ${seed.name})\n${serverState()}`);
    const wire = await Wire.connect(server.port);
    const count = (): number => {
      // Malformed bytes are reported by checkResponses below, not from inside a socket event.
      try {
        return responsesIn(wire.received, false, true).filter((response) => response.status >= 200).length;
      } catch {
        return 0;
      }
    };
    try {
      wire.write(seed.bytes);
      const answered = await wire.until(() => wire.closed || count() >= seed.expect.length, CLOSE_BOUND_MS);
      expect(answered, `${seed.name}: no answer within ${CLOSE_BOUND_MS} ms; received ${JSON.stringify(wire.received)}`).toBe(true);
      if (seed.then !== undefined) {
        // The server must close on its own, answering nothing more.
        wire.write(seed.then);
      } else {
        wire.halfClose();
      }
      const closed = await wire.until(() => wire.closed, CLOSE_BOUND_MS);
      expect(closed, `${seed.name}: the connection was not closed within ${CLOSE_BOUND_MS} ms`).toBe(true);
      const statuses = checkResponses(wire.received, seed.bytes)
        .filter((response) => response.status >= 200)
        .map((response) => response.status);
      const matches =
        statuses.length === seed.expect.length &&
        seed.expect.every((wanted, i) => (typeof wanted === 'number' ? [wanted] : wanted).includes(statuses[i]!));
      expect(
        matches,
        `${seed.name}: statuses ${JSON.stringify(statuses)}, expected ${JSON.stringify(seed.expect)}; received ${JSON.stringify(wire.received.slice(0, 600))}`,
      ).toBe(true);
    } finally {
      wire.destroy();
    }
    await expectServing(seed.bytes + (seed.then ?? ''));
  }

  function expectNoErrorLogged(): void {
    const errors = server.logRecords().filter((record) => record.level >= 50);
    expect(errors, 'error records in the server log').toEqual([]);
  }

  it('every seed, sent and then left', { timeout: 60_000 }, async () => {
    for (const seed of SEEDS) await sendAndLeave(wholeInput(seed));
    expectNoErrorLogged();
  });

  it('every seed with an expected answer gets exactly that answer', { timeout: 60_000 }, async () => {
    for (const seed of SEEDS) {
      if (seed.expect !== undefined) await sendAndAwait({ ...seed, expect: seed.expect });
    }
    expectNoErrorLogged();
  });

  it('byte-level mutations of the seeds', { timeout: 60_000 }, async () => {
    const position = fc.nat({ max: 100_000 });
    const interestingByte = fc.oneof(
      fc.integer({ min: 0, max: 255 }),
      fc.constantFrom(0x00, 0x0a, 0x0d, 0x20, 0x3a, 0x3b, 0x3d, 0x22, 0x30, 0x46, 0x2d, 0x7f, 0x80, 0xff),
    );
    type Mutation = (bytes: string) => string;
    const at = (bytes: string, n: number): number => n % (bytes.length + 1);
    const mutation: fc.Arbitrary<Mutation> = fc.oneof(
      fc.tuple(position, interestingByte).map(([n, byte]): Mutation => (s) => {
        const i = n % Math.max(1, s.length);
        return s.slice(0, i) + String.fromCharCode(byte) + s.slice(i + 1);
      }),
      fc.tuple(position, fc.array(interestingByte, { minLength: 1, maxLength: 8 })).map(([n, bytes]): Mutation => (s) => {
        const i = at(s, n);
        return s.slice(0, i) + String.fromCharCode(...bytes) + s.slice(i);
      }),
      fc.tuple(position, fc.integer({ min: 1, max: 16 })).map(([n, length]): Mutation => (s) => {
        const i = at(s, n);
        return s.slice(0, i) + s.slice(i + length);
      }),
      position.map(
        (n): Mutation =>
          (s) =>
            s.slice(0, at(s, n)),
      ),
      fc.tuple(position, fc.integer({ min: 1, max: 64 }), position).map(([from, length, to]): Mutation => (s) => {
        const start = at(s, from);
        const slice = s.slice(start, start + length);
        const i = at(s, to);
        return s.slice(0, i) + slice + s.slice(i);
      }),
    );
    const input = fc
      .tuple(fc.constantFrom(...SEEDS), fc.array(mutation, { minLength: 1, maxLength: 4 }))
      .map(([seed, mutations]) => mutations.reduce((bytes, mutate) => mutate(bytes), wholeInput(seed)));
    await fc.assert(
      fc.asyncProperty(input, async (bytes) => {
        await sendAndLeave(bytes);
      }),
      // One shared server: after a failure (a hang, a crash) every later run would fail too, so no shrinking.
      { seed: FC_SEED, numRuns: NUM_RUNS, endOnFailure: true },
    );
    expectNoErrorLogged();
  });
});
