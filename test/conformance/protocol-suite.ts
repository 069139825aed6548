/**
 * One request/response conformance suite for every way a request can reach the container (issue #6):
 * HTTP/1.1 directly, and Apache httpd → AJP/1.3. Each transport supplies a client; the cases and their
 * expectations are shared, so a difference between the connectors shows up as a failing case.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FetchOptions, FetchResponse } from '../helpers/http-fetch.js';
import { AJP_APP_BASE } from '../e2e/ajp/ajp-server.js';

/** A transport: sends one HTTP request (path + query) to the fixture webapp test/fixtures/webapps/ajp. */
export interface ProtocolClient {
  request(target: string, options?: FetchOptions): Promise<FetchResponse>;
  close(): Promise<void>;
}

export interface SkippedCases {
  readonly reason: string;
  readonly cases: readonly string[];
}

export interface ProtocolSuiteOptions {
  /** Names the describe block ("HTTP/1.1 direct", "httpd → AJP"). */
  readonly name: string;
  /** Starts the container (and any front end) and returns a client for it. */
  readonly makeClient: () => Promise<ProtocolClient>;
  readonly skip?: readonly SkippedCases[];
}

interface ProtocolCase {
  readonly name: string;
  /** RFC 9110 / Servlet spec section the expectation comes from. */
  readonly ref: string;
  run(client: ProtocolClient): Promise<void>;
}

function json(response: FetchResponse): Record<string, unknown> {
  expect(response.headers['content-type']).toMatch(/^application\/json/);
  return JSON.parse(response.body.toString('utf8')) as Record<string, unknown>;
}

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

const cases: readonly ProtocolCase[] = [
  {
    name: 'GET passes the method, path and query string',
    ref: 'RFC 9110 §9.3.1; Servlet §3.1',
    async run(client) {
      const echo = json(await client.request('/echo/a/b?x=1&y=two'));
      expect(echo).toMatchObject({
        method: 'GET',
        requestURI: '/echo/a/b',
        servletPath: '/echo',
        pathInfo: '/a/b',
        queryString: 'x=1&y=two',
      });
      expect(echo.parameters).toEqual({ x: ['1'], y: ['two'] });
    },
  },
  {
    name: 'a percent-encoded path stays encoded in the request URI and is decoded in the path info',
    ref: 'Servlet §3.6; RFC 3986 §2.1',
    async run(client) {
      const echo = json(await client.request('/echo/caf%C3%A9%20au%20lait?q=%E2%82%AC'));
      expect(echo).toMatchObject({ requestURI: '/echo/caf%C3%A9%20au%20lait', pathInfo: '/café au lait' });
      expect(echo.parameters).toEqual({ q: ['€'] });
    },
  },
  {
    name: 'a form POST becomes parameters',
    ref: 'Servlet §3.1.1',
    async run(client) {
      const response = await client.request('/echo/form?from=query', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'a=1&b=x%20y&a=2',
      });
      expect(response.status).toBe(200);
      expect(json(response).parameters).toEqual({ from: ['query'], a: ['1', '2'], b: ['x y'] });
    },
  },
  {
    name: 'request headers reach the application',
    ref: 'RFC 9110 §6.3',
    async run(client) {
      const echo = json(
        await client.request('/echo/h', {
          headers: { 'x-custom': 'value 1', 'accept-language': 'fr-CH, fr;q=0.9', 'user-agent': 'suite/1' },
        }),
      );
      const headers = echo.headers as Record<string, string>;
      expect(headers['x-custom']).toBe('value 1');
      expect(headers['accept-language']).toBe('fr-CH, fr;q=0.9');
      expect(headers['user-agent']).toBe('suite/1');
      expect(headers['host']).toMatch(/^127\.0\.0\.1:\d+$/);
    },
  },
  {
    name: 'the client address and port are the real client’s',
    ref: 'Servlet §3.4 (getRemoteAddr, getRemotePort)',
    async run(client) {
      const response = await client.request('/echo/remote');
      const echo = json(response);
      expect(echo.remoteAddr).toBe('127.0.0.1');
      expect(echo.remotePort).toBeGreaterThan(0);
      expect(echo).toMatchObject({ scheme: 'http', secure: false, serverName: '127.0.0.1', localAddr: '127.0.0.1' });
    },
  },
  {
    name: 'response headers and content type from the application reach the client',
    ref: 'RFC 9110 §8.3',
    async run(client) {
      const response = await client.request('/echo/r');
      expect(response.headers['x-echo']).toBe('yes');
      expect(response.headers['content-type']).toBe('application/json;charset=UTF-8');
    },
  },
  {
    name: 'statuses set by the application pass through with their body',
    ref: 'RFC 9110 §15',
    async run(client) {
      for (const code of [201, 202, 418, 503]) {
        const response = await client.request(`/status?code=${code}`);
        expect(response.status).toBe(code);
        expect(response.body.toString()).toBe(`status ${code}`);
      }
    },
  },
  {
    name: 'HEAD has no body and the headers of GET',
    ref: 'RFC 9110 §9.3.2',
    async run(client) {
      const get = await client.request('/status?code=200');
      const head = await client.request('/status?code=200', { method: 'HEAD' });
      expect(head.status).toBe(200);
      expect(head.body.length).toBe(0);
      expect(head.headers['content-type']).toBe(get.headers['content-type']);
    },
  },
  {
    name: 'a 304 carries no body even when the application wrote one',
    ref: 'RFC 9110 §15.4.5',
    async run(client) {
      const response = await client.request('/not-modified');
      expect(response.status).toBe(304);
      expect(response.headers['etag']).toBe('"v1"');
      expect(response.body.length).toBe(0);
    },
  },
  {
    name: 'a static file, then a conditional GET answered 304',
    ref: 'RFC 9110 §13.1.3',
    async run(client) {
      const page = await client.request('/index.html');
      expect(page.status).toBe(200);
      expect(page.headers['content-type']).toMatch(/^text\/html/);
      expect(page.body.equals(readFileSync(join(AJP_APP_BASE, 'ROOT', 'index.html')))).toBe(true);
      const conditional = await client.request('/index.html', {
        headers: { 'if-modified-since': page.headers['last-modified'] as string },
      });
      expect(conditional.status).toBe(304);
      expect(conditional.body.length).toBe(0);
    },
  },
  {
    name: 'an unknown path is 404',
    ref: 'RFC 9110 §15.5.5',
    async run(client) {
      expect((await client.request('/no/such/thing')).status).toBe(404);
    },
  },
  {
    name: 'a session cookie round trip',
    ref: 'Servlet §7.1.1',
    async run(client) {
      const first = await client.request('/session');
      const setCookie = first.headers['set-cookie']?.[0] ?? '';
      expect(setCookie).toMatch(/^JSESSIONID=[^;]+; Path=\/; HttpOnly/);
      const id = (json(first) as { id: string }).id;
      const second = await client.request('/session', { headers: { cookie: setCookie.split(';')[0] as string } });
      expect(json(second)).toEqual({ count: 2, id });
    },
  },
  {
    name: 'a 1 MiB request body arrives intact',
    ref: 'RFC 9112 §6.2',
    async run(client) {
      const body = randomBytes(1024 * 1024);
      const response = await client.request('/digest', { method: 'POST', body });
      expect(json(response)).toEqual({ length: body.length, sha256: sha256(body) });
    },
  },
  {
    name: 'a chunked request body arrives intact',
    ref: 'RFC 9112 §7.1',
    async run(client) {
      const body = randomBytes(100_000);
      const response = await client.request('/digest', { method: 'PUT', body, chunkSize: 4096 });
      expect(json(response)).toEqual({ length: body.length, sha256: sha256(body) });
    },
  },
  {
    name: 'a streamed response arrives intact',
    ref: 'RFC 9112 §6.3',
    async run(client) {
      const size = 2 * 1024 * 1024 + 5;
      const response = await client.request(`/stream?size=${size}`);
      expect(response.body.length).toBe(size);
      for (let i = 0; i < size; i += 4099) expect(response.body[i]).toBe((i * 31 + 7) & 0xff);
    },
  },
  {
    name: 'other methods reach the servlet',
    ref: 'RFC 9110 §9.3',
    async run(client) {
      expect(json(await client.request('/echo/d', { method: 'DELETE' })).method).toBe('DELETE');
      expect(json(await client.request('/echo/p', { method: 'PUT', body: 'x=1', headers: { 'content-type': 'text/plain' } })).method).toBe(
        'PUT',
      );
    },
  },
  {
    name: 'flushBuffer() with no headers set commits a 200',
    ref: 'Servlet §5.1',
    async run(client) {
      const response = await client.request('/flush');
      expect(response.status).toBe(200);
      expect(response.body.toString()).toBe('after flush');
    },
  },
];

export const protocolCaseNames: readonly string[] = cases.map((c) => c.name);

export function runProtocolSuite(options: ProtocolSuiteOptions): void {
  describe(options.name, () => {
    let client: ProtocolClient;
    beforeAll(async () => {
      client = await options.makeClient();
    });
    afterAll(async () => {
      await client?.close();
    });
    const skipped = new Map<string, string>();
    for (const entry of options.skip ?? []) for (const name of entry.cases) skipped.set(name, entry.reason);
    for (const testCase of cases) {
      if (skipped.has(testCase.name)) continue;
      it(`${testCase.name} (${testCase.ref})`, () => testCase.run(client));
    }
  });
}
