/** A raw-bytes HTTP/1.1 test client: writes exact bytes, parses responses off the wire, and notices when the server closes. */
import net from 'node:net';

export interface RawResponse {
  readonly statusLine: string;
  readonly status: number;
  /** Header fields in order, as received. */
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly body: string;
  /** The bytes of this response, head and body (latin1). */
  readonly raw: string;
  /** First value of a header, case-insensitive. */
  header(name: string): string | undefined;
  /** Every value of a header, case-insensitive. */
  headerValues(name: string): string[];
}

export interface ReadOptions {
  /** Default 5000 ms. */
  readonly timeoutMs?: number;
  /** The response carries no body whatever its headers say (HEAD). */
  readonly noBody?: boolean;
}

export class RawHttpClient {
  readonly #socket: net.Socket;
  #buffer = '';
  #received = '';
  #closed = false;
  #bytesSent = 0;
  #waiters: Array<() => void> = [];

  private constructor(socket: net.Socket) {
    this.#socket = socket;
    socket.setEncoding('latin1');
    socket.on('data', (data: string) => {
      this.#buffer += data;
      this.#received += data;
      this.#wake();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.#closed = true;
      this.#wake();
    });
  }

  static connect(port: number, host = '127.0.0.1'): Promise<RawHttpClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ port, host }, () => {
        socket.off('error', reject);
        resolve(new RawHttpClient(socket));
      });
      socket.once('error', reject);
    });
  }

  /** Everything received so far (latin1), including responses already read. */
  get received(): string {
    return this.#received;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Bytes the socket has handed to the kernel (write callbacks that succeeded). */
  get bytesSent(): number {
    return this.#bytesSent;
  }

  write(bytes: string | Uint8Array): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.#closed || this.#socket.destroyed) {
        reject(new Error('socket closed'));
        return;
      }
      const data = typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes;
      this.#socket.write(data, (error) => {
        if (error) {
          reject(error);
          return;
        }
        this.#bytesSent += data.byteLength;
        resolve();
      });
    });
  }

  /** Writes the bytes in pieces of chunkSize with a pause between them; stops quietly once the server closed. */
  async writeSlowly(bytes: string, chunkSize: number, delayMs: number): Promise<void> {
    for (let offset = 0; offset < bytes.length; offset += chunkSize) {
      if (this.#closed) return;
      try {
        await this.write(bytes.slice(offset, offset + chunkSize));
      } catch {
        return;
      }
      await sleep(delayMs);
    }
  }

  /** Reads the next complete response off the connection. */
  async readResponse(options: ReadOptions = {}): Promise<RawResponse> {
    const deadline = Date.now() + (options.timeoutMs ?? 5000);
    for (;;) {
      const parsed = parseResponse(this.#buffer, this.#closed, options.noBody === true);
      if (parsed !== undefined) {
        this.#buffer = this.#buffer.slice(parsed.raw.length);
        return parsed;
      }
      if (this.#closed) throw new Error(`connection closed before a complete response; received: ${JSON.stringify(this.#buffer)}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no complete response within the timeout; received: ${JSON.stringify(this.#buffer)}`);
      await this.#waitForEvent(left);
    }
  }

  /** Resolves true when the server closed the connection within timeoutMs. */
  async waitForClose(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.#closed) {
      const left = deadline - Date.now();
      if (left <= 0) return false;
      await this.#waitForEvent(left);
    }
    return true;
  }

  /** Resolves true if any byte arrived (or the connection closed) within timeoutMs. */
  async waitForData(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.#buffer.length === 0 && !this.#closed) {
      const left = deadline - Date.now();
      if (left <= 0) return false;
      await this.#waitForEvent(left);
    }
    return true;
  }

  close(): void {
    this.#socket.destroy();
  }

  #waitForEvent(timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, timeoutMs);
      const waiters = this.#waiters;
      function done(): void {
        clearTimeout(timer);
        const index = waiters.indexOf(done);
        if (index >= 0) waiters.splice(index, 1);
        resolve();
      }
      waiters.push(done);
    });
  }

  #wake(): void {
    for (const wake of this.#waiters.splice(0)) wake();
  }
}

/** Parses one response at the start of `data`; undefined while it is incomplete. */
export function parseResponse(data: string, closed: boolean, noBody: boolean): RawResponse | undefined {
  const headEnd = data.indexOf('\r\n\r\n');
  if (headEnd < 0) return undefined;
  const lines = data.slice(0, headEnd).split('\r\n');
  const statusLine = lines[0] ?? '';
  const status = Number(/^HTTP\/\d\.\d (\d{3})/.exec(statusLine)?.[1] ?? NaN);
  const headers = lines.slice(1).map((line): [string, string] => {
    const colon = line.indexOf(':');
    return [line.slice(0, colon), line.slice(colon + 1).trim()];
  });
  const values = (name: string): string[] => headers.filter(([key]) => key.toLowerCase() === name.toLowerCase()).map(([, value]) => value);
  let offset = headEnd + 4;
  let body = '';
  const contentLength = values('content-length')[0];
  const chunked = /chunked/i.test(values('transfer-encoding').join(','));
  if (noBody || status === 204 || status === 304 || (status >= 100 && status < 200)) {
    // no body
  } else if (chunked) {
    for (;;) {
      const lineEnd = data.indexOf('\r\n', offset);
      if (lineEnd < 0) return undefined;
      const size = parseInt(data.slice(offset, lineEnd), 16);
      if (size === 0) {
        const end = data.indexOf('\r\n\r\n', lineEnd);
        const trailerEnd = data.startsWith('\r\n', lineEnd + 2) ? lineEnd + 4 : end < 0 ? -1 : end + 4;
        if (trailerEnd < 0) return undefined;
        offset = trailerEnd;
        break;
      }
      if (data.length < lineEnd + 2 + size + 2) return undefined;
      body += data.slice(lineEnd + 2, lineEnd + 2 + size);
      offset = lineEnd + 2 + size + 2;
    }
  } else if (contentLength !== undefined) {
    const length = Number(contentLength);
    if (data.length < offset + length) return undefined;
    body = data.slice(offset, offset + length);
    offset += length;
  } else {
    if (!closed) return undefined;
    body = data.slice(offset);
    offset = data.length;
  }
  return {
    statusLine,
    status,
    headers,
    body,
    raw: data.slice(0, offset),
    header: (name) => values(name)[0],
    headerValues: values,
  };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
