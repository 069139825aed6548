/** A minimal HTTP/1.1 client over node:http for tests through front ends: keep-alive agent, raw bytes, every header. */
import http from 'node:http';

export interface FetchOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: Buffer | string;
  /** Send the body with Transfer-Encoding: chunked, in pieces of this size. */
  chunkSize?: number;
  agent?: http.Agent;
  timeoutMs?: number;
}

export interface FetchResponse {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
  /** The local port of the client socket (shows connection reuse). */
  readonly localPort: number;
}

export function fetchHttp(url: string, options: FetchOptions = {}): Promise<FetchResponse> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...(options.headers ?? {}) };
    const body = options.body === undefined ? undefined : Buffer.from(options.body);
    if (body !== undefined && options.chunkSize === undefined) headers['content-length'] = String(body.length);
    const request = http.request(url, { method: options.method ?? 'GET', headers, agent: options.agent ?? false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          headers: response.headers,
          body: Buffer.concat(chunks),
          localPort: request.socket?.localPort ?? 0,
        }),
      );
      response.on('error', reject);
    });
    request.setTimeout(options.timeoutMs ?? 20_000, () => request.destroy(new Error(`Timed out: ${url}`)));
    request.on('error', reject);
    if (body !== undefined && options.chunkSize !== undefined) {
      for (let offset = 0; offset < body.length; offset += options.chunkSize)
        request.write(body.subarray(offset, offset + options.chunkSize));
      request.end();
    } else {
      request.end(body);
    }
  });
}
