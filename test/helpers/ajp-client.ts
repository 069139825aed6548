/**
 * A small AJP/1.3 test client (the web server's side): encodes FORWARD_REQUEST, answers GET_BODY_CHUNK
 * from a body, decodes SEND_HEADERS / SEND_BODY_CHUNK / END_RESPONSE, and notices when the server closes.
 */
import net from 'node:net';

const REQUEST_HEADER_CODES = new Map(
  [
    'accept',
    'accept-charset',
    'accept-encoding',
    'accept-language',
    'authorization',
    'connection',
    'content-type',
    'content-length',
    'cookie',
    'cookie2',
    'host',
    'pragma',
    'referer',
    'user-agent',
  ].map((name, i) => [name, 0xa001 + i]),
);
const RESPONSE_HEADER_NAMES = [
  'Content-Type',
  'Content-Language',
  'Content-Length',
  'Date',
  'Last-Modified',
  'Location',
  'Set-Cookie',
  'Set-Cookie2',
  'Servlet-Engine',
  'Status',
  'WWW-Authenticate',
];
const METHOD_CODES = new Map(
  [
    'OPTIONS',
    'GET',
    'HEAD',
    'POST',
    'PUT',
    'DELETE',
    'TRACE',
    'PROPFIND',
    'PROPPATCH',
    'MKCOL',
    'COPY',
    'MOVE',
    'LOCK',
    'UNLOCK',
    'ACL',
    'REPORT',
    'VERSION-CONTROL',
    'CHECKIN',
    'CHECKOUT',
    'UNCHECKOUT',
    'SEARCH',
    'MKWORKSPACE',
    'UPDATE',
    'LABEL',
    'MERGE',
    'BASELINE-CONTROL',
    'MKACTIVITY',
  ].map((name, i) => [name, i + 1]),
);

export interface AjpRequest {
  method?: string;
  /** Path only; the query goes in `query`. */
  uri?: string;
  query?: string;
  protocol?: string;
  remoteAddr?: string;
  remoteHost?: string | undefined;
  serverName?: string;
  serverPort?: number;
  isSsl?: boolean;
  /** Names AJP has a code for are coded unless `literalHeaderNames`. */
  headers?: ReadonlyArray<readonly [string, string]>;
  literalHeaderNames?: boolean;
  secret?: string;
  remoteUser?: string;
  authType?: string;
  route?: string;
  sslCert?: string;
  sslCipher?: string;
  sslSession?: string;
  sslKeySize?: number;
  /** req_attribute pairs. */
  attributes?: ReadonlyArray<readonly [string, string]>;
  /** Request body; Content-Length is added unless `chunked` or a content-length header is given. */
  body?: Buffer;
  /** Send the body as a chunked request (no Content-Length; only on GET_BODY_CHUNK; ends with an empty packet). */
  chunked?: boolean;
}

export interface AjpResponse {
  readonly status: number;
  readonly reason: string;
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly body: Buffer;
  /** Data sizes of the SEND_BODY_CHUNK packets, in order (0 = a flush packet). */
  readonly chunkSizes: readonly number[];
  /** Total sizes (header included) of every packet received for this response. */
  readonly packetSizes: readonly number[];
  readonly reuse: boolean;
  /** GET_BODY_CHUNK requests the server sent. */
  readonly bodyRequests: readonly number[];
  header(name: string): string | undefined;
}

/** A string: u16 length, bytes, NUL; null → 0xFFFF. */
function str(value: string | null): Buffer {
  if (value === null) return Buffer.from([0xff, 0xff]);
  const bytes = Buffer.from(value, 'latin1');
  const out = Buffer.alloc(bytes.length + 3);
  out.writeUInt16BE(bytes.length, 0);
  bytes.copy(out, 2);
  return out;
}

function u16(value: number): Buffer {
  const out = Buffer.alloc(2);
  out.writeUInt16BE(value, 0);
  return out;
}

/** Wraps a payload as a packet from the web server. */
export function packet(payload: Buffer): Buffer {
  return Buffer.concat([Buffer.from([0x12, 0x34]), u16(payload.length), payload]);
}

/** A body packet: u16 length + data (empty data = the empty "end of body" packet). */
export function bodyPacket(data: Buffer): Buffer {
  return data.length === 0 ? packet(Buffer.alloc(0)) : packet(Buffer.concat([u16(data.length), data]));
}

export const CPING = packet(Buffer.from([0x0a]));

/** The FORWARD_REQUEST payload (no packet header). */
export function encodeForwardRequest(request: AjpRequest): Buffer {
  const method = request.method ?? 'GET';
  const code = METHOD_CODES.get(method);
  const headers = [...(request.headers ?? [])];
  if (request.body !== undefined && !request.chunked && !headers.some(([n]) => n.toLowerCase() === 'content-length')) {
    headers.push(['content-length', String(request.body.length)]);
  }
  if (request.chunked && !headers.some(([n]) => n.toLowerCase() === 'transfer-encoding')) headers.push(['transfer-encoding', 'chunked']);
  const parts: Buffer[] = [
    Buffer.from([0x02, code ?? 0xff]),
    str(request.protocol ?? 'HTTP/1.1'),
    str(request.uri ?? '/'),
    str(request.remoteAddr ?? '192.0.2.10'),
    str(request.remoteHost ?? null),
    str(request.serverName ?? 'localhost'),
    u16(request.serverPort ?? 80),
    Buffer.from([request.isSsl ? 1 : 0]),
    u16(headers.length),
  ];
  for (const [name, value] of headers) {
    const coded = request.literalHeaderNames ? undefined : REQUEST_HEADER_CODES.get(name.toLowerCase());
    parts.push(coded === undefined ? str(name) : u16(coded), str(value));
  }
  const attribute = (c: number, value: string): void => {
    parts.push(Buffer.from([c]), str(value));
  };
  if (request.remoteUser !== undefined) attribute(0x03, request.remoteUser);
  if (request.authType !== undefined) attribute(0x04, request.authType);
  if (request.query !== undefined) attribute(0x05, request.query);
  if (request.route !== undefined) attribute(0x06, request.route);
  if (request.sslCert !== undefined) attribute(0x07, request.sslCert);
  if (request.sslCipher !== undefined) attribute(0x08, request.sslCipher);
  if (request.sslSession !== undefined) attribute(0x09, request.sslSession);
  if (request.sslKeySize !== undefined) parts.push(Buffer.from([0x0b]), u16(request.sslKeySize));
  for (const [name, value] of request.attributes ?? []) parts.push(Buffer.from([0x0a]), str(name), str(value));
  if (request.secret !== undefined) attribute(0x0c, request.secret);
  if (code === undefined) attribute(0x0d, method);
  parts.push(Buffer.from([0xff]));
  return Buffer.concat(parts);
}

export class AjpClient {
  readonly #socket: net.Socket;
  #buffer = Buffer.alloc(0);
  #closed = false;
  #waiters: Array<() => void> = [];

  private constructor(socket: net.Socket) {
    this.#socket = socket;
    socket.on('data', (data: Buffer) => {
      this.#buffer = Buffer.concat([this.#buffer, data]);
      this.#wake();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.#closed = true;
      this.#wake();
    });
  }

  static connect(port: number, host = '127.0.0.1'): Promise<AjpClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ port, host }, () => {
        socket.off('error', reject);
        resolve(new AjpClient(socket));
      });
      socket.once('error', reject);
    });
  }

  get closed(): boolean {
    return this.#closed;
  }

  write(bytes: Buffer): void {
    this.#socket.write(bytes);
  }

  /** CPING → the next packet; resolves true when it is a CPONG. */
  async cping(timeoutMs = 5000): Promise<boolean> {
    this.write(CPING);
    const reply = await this.readPacket(timeoutMs);
    return reply.length === 1 && reply[0] === 0x09;
  }

  /** Sends a FORWARD_REQUEST (optionally split into `splits` writes) and serves its body; resolves with the response. */
  async request(request: AjpRequest, timeoutMs = 10_000): Promise<AjpResponse> {
    const body = request.body ?? Buffer.alloc(0);
    this.write(packet(encodeForwardRequest(request)));
    let offset = 0;
    // As mod_proxy_ajp does: the first body packet follows unasked when there is a Content-Length.
    if (!request.chunked && body.length > 0) {
      const first = body.subarray(0, Math.min(8186, body.length));
      this.write(bodyPacket(first));
      offset = first.length;
    }
    let status = 0;
    let reason = '';
    const headers: Array<readonly [string, string]> = [];
    const chunks: Buffer[] = [];
    const chunkSizes: number[] = [];
    const packetSizes: number[] = [];
    const bodyRequests: number[] = [];
    for (;;) {
      const payload = await this.readPacket(timeoutMs);
      packetSizes.push(payload.length + 4);
      const type = payload[0];
      if (type === 0x04) {
        let at = 1;
        status = payload.readUInt16BE(at);
        at += 2;
        const readStr = (): string => {
          const length = payload.readUInt16BE(at);
          at += 2;
          if (length === 0xffff) return '';
          const value = payload.toString('latin1', at, at + length);
          at += length + 1;
          return value;
        };
        reason = readStr();
        const count = payload.readUInt16BE(at);
        at += 2;
        for (let i = 0; i < count; i++) {
          const peek = payload.readUInt16BE(at);
          let name: string;
          if ((peek & 0xff00) === 0xa000) {
            name = RESPONSE_HEADER_NAMES[(peek & 0xff) - 1] ?? `unknown-${peek}`;
            at += 2;
          } else {
            name = readStr();
          }
          headers.push([name, readStr()]);
        }
      } else if (type === 0x03) {
        const length = payload.readUInt16BE(1);
        chunkSizes.push(length);
        chunks.push(Buffer.from(payload.subarray(3, 3 + length)));
      } else if (type === 0x06) {
        const size = payload.readUInt16BE(1);
        bodyRequests.push(size);
        const data = body.subarray(offset, offset + size);
        offset += data.length;
        this.write(bodyPacket(data));
      } else if (type === 0x05) {
        const reuse = payload[1] === 1;
        return {
          status,
          reason,
          headers,
          body: Buffer.concat(chunks),
          chunkSizes,
          packetSizes,
          reuse,
          bodyRequests,
          header: (name) => headers.find(([n]) => n.toLowerCase() === name.toLowerCase())?.[1],
        };
      } else {
        throw new Error(`Unexpected packet type ${String(type)}`);
      }
    }
  }

  /** The next whole packet's payload from the server ('AB' magic). */
  async readPacket(timeoutMs = 5000): Promise<Buffer> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.#buffer.length >= 4) {
        if (this.#buffer[0] !== 0x41 || this.#buffer[1] !== 0x42)
          throw new Error(`Bad magic from server: ${this.#buffer.subarray(0, 2).toString('hex')}`);
        const length = this.#buffer.readUInt16BE(2);
        if (this.#buffer.length >= 4 + length) {
          const payload = this.#buffer.subarray(4, 4 + length);
          this.#buffer = this.#buffer.subarray(4 + length);
          return payload;
        }
      }
      if (this.#closed) throw new Error('Connection closed by the server');
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('Timed out waiting for an AJP packet');
      await this.#wait(left);
    }
  }

  /** Resolves true once the server has closed the connection (false on timeout). */
  async waitClosed(timeoutMs = 5000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.#closed) {
      const left = deadline - Date.now();
      if (left <= 0) return false;
      await this.#wait(left);
    }
    return true;
  }

  close(): void {
    this.#socket.destroy();
  }

  #wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.#waiters.push(done);
    });
  }

  #wake(): void {
    for (const wake of this.#waiters.splice(0)) wake();
  }
}
