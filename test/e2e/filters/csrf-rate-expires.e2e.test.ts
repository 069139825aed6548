/**
 * CsrfPreventionFilter, RestCsrfPreventionFilter, RateLimitFilter and ExpiresFilter on the real server (issue
 * #21): webapps under test/fixtures/webapps/filters-csrf-rate-expires name them in web.xml by their Tomcat
 * class names (csrf, rest, rate, expires) or build them from code with typed options (rate-code, expires-code:
 * classes extending the serval/filters ones, with clocks that do not move); bad-* apps have invalid init-params
 * and must fail alone. Session cookies and nonces go round trip through real sockets; rate limits are per
 * client address, so those tests bind the client to 127.0.0.2… (the loopback /8 is local on Linux). Once per
 * connector style: event-loop, and blocking (servlets on worker threads).
 */
import http from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchHttp, type FetchOptions, type FetchResponse } from '../../helpers/http-fetch.js';
import { REPO_ROOT, startTestServer, type TestServer } from '../../helpers/test-server.js';
import { startBlockingServer } from '../blocking/blocking-server.js';

const appBase = join(REPO_ROOT, 'test', 'fixtures', 'webapps', 'filters-csrf-rate-expires');
const NONCE = 'org.apache.catalina.filters.CSRF_NONCE';

/** A client with its own session cookie (and, optionally, its own source address). */
class Client {
  #cookie: string | null = null;
  readonly #agent: http.Agent | undefined;

  constructor(
    private readonly server: () => TestServer,
    localAddress?: string,
  ) {
    this.#agent = localAddress === undefined ? undefined : new http.Agent({ localAddress });
  }

  async fetch(path: string, options: FetchOptions = {}): Promise<FetchResponse> {
    const headers = { ...(options.headers ?? {}), ...(this.#cookie === null ? {} : { cookie: this.#cookie }) };
    const response = await fetchHttp(`${this.server().url}${path}`, {
      ...options,
      headers,
      ...(this.#agent ? { agent: this.#agent } : {}),
    });
    const setCookie = response.headers['set-cookie']?.find((c) => c.startsWith('JSESSIONID='));
    if (setCookie !== undefined) this.#cookie = setCookie.split(';')[0]!;
    return response;
  }

  close(): void {
    this.#agent?.destroy();
  }
}

const json = (response: FetchResponse): Record<string, string> => JSON.parse(response.body.toString('utf8')) as Record<string, string>;
const text = (response: FetchResponse): string => response.body.toString('utf8');

const styles = [
  { style: 'event-loop', start: () => startTestServer({ appBase }) },
  { style: 'blocking', start: () => startBlockingServer({ appBase }) },
] as const;

describe.each(styles)('CSRF, rate limit and expires filters ($style connector)', ({ start }) => {
  let server: TestServer;
  const current = (): TestServer => server;

  beforeAll(async () => {
    server = await start();
  });

  afterAll(async () => {
    await server?.close();
  });

  describe('CsrfPreventionFilter', () => {
    it('an entry point is served without a nonce and hands out links with one; the link works in its session only', async () => {
      const alice = new Client(current);
      const home = await alice.fetch('/csrf/home');
      expect(home.status).toBe(200);
      const page = json(home);
      expect(page['parameter']).toBe(NONCE);
      expect(page['nonce']).toMatch(/^[0-9A-F]{32}$/);
      // encodeURL adds the nonce to the query, before the fragment; the stylesheet stays as written.
      expect(page['link']).toBe(`action?x=1&${NONCE}=${page['nonce']}#part`);
      expect(page['redirect']).toBe(`action?${NONCE}=${page['nonce']}`);
      expect(page['css']).toBe('style.css');

      const action = await alice.fetch(`/csrf/${page['link']!.replace('#part', '')}`);
      expect(action.status).toBe(200);
      expect(json(action)['method']).toBe('GET');

      // The same nonce from another session (or from no session) is refused.
      const mallory = new Client(current);
      await mallory.fetch('/csrf/home');
      expect((await mallory.fetch(`/csrf/action?${NONCE}=${page['nonce']}`)).status).toBe(403);
      expect((await fetchHttp(`${server.url}/csrf/action?${NONCE}=${page['nonce']}`)).status).toBe(403);
    });

    it('a protected URL without a nonce, or with an unknown one, is 403; a POST carries it in its body', async () => {
      const client = new Client(current);
      const nonce = json(await client.fetch('/csrf/home'))['nonce']!;
      expect((await client.fetch('/csrf/action')).status).toBe(403);
      expect((await client.fetch(`/csrf/action?${NONCE}=0123456789ABCDEF0123456789ABCDEF`)).status).toBe(403);
      const post = await client.fetch('/csrf/action', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `${NONCE}=${nonce}`,
      });
      expect(post.status).toBe(200);
      expect(json(post)['method']).toBe('POST');
      // An entry point is open to GET only.
      expect((await client.fetch('/csrf/home', { method: 'POST', body: '' })).status).toBe(403);
    });

    it('only the last nonceCacheSize (2) nonces stay valid', async () => {
      const client = new Client(current);
      const first = json(await client.fetch('/csrf/home'))['nonce']!;
      const second = json(await client.fetch(`/csrf/action?${NONCE}=${first}`))['next']!;
      const third = json(await client.fetch(`/csrf/${second}`))['next']!;
      // Three nonces were issued (home, then two actions): the first has left the cache, the second has not.
      expect((await client.fetch(`/csrf/action?${NONCE}=${first}`)).status).toBe(403);
      expect((await client.fetch(`/csrf/${third}`)).status).toBe(200);
    });

    it('a static file matching noNonceURLPatterns (*.css) is served to a GET without a nonce', async () => {
      const response = await new Client(current).fetch('/csrf/style.css');
      expect(response.status).toBe(200);
      expect(text(response)).toContain('color');
    });
  });

  describe('RestCsrfPreventionFilter', () => {
    it('X-CSRF-Token: Fetch returns the session token; modifying methods need it', async () => {
      const client = new Client(current);
      expect((await client.fetch('/rest/api', { method: 'POST', body: '' })).status).toBe(403);
      const fetched = await client.fetch('/rest/api', { headers: { 'x-csrf-token': 'fetch' } });
      expect(fetched.status).toBe(200);
      const token = fetched.headers['x-csrf-token'] as string;
      expect(token).toMatch(/^[0-9A-F]{32}$/);
      // A second fetch in the same session returns the same token.
      expect((await client.fetch('/rest/api', { method: 'HEAD', headers: { 'x-csrf-token': 'Fetch' } })).headers['x-csrf-token']).toBe(
        token,
      );
      for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
        const refused = await client.fetch('/rest/api', { method, body: '' });
        expect(refused.status).toBe(403);
        expect(refused.headers['x-csrf-token']).toBe('Required');
        const allowed = await client.fetch('/rest/api', { method, body: '', headers: { 'x-csrf-token': token } });
        expect(allowed.status).toBe(200);
        expect(text(allowed)).toBe(`ok ${method}`);
      }
      // The token of this session is worth nothing in another.
      expect((await new Client(current).fetch('/rest/api', { method: 'POST', body: '', headers: { 'x-csrf-token': token } })).status).toBe(
        403,
      );
    });

    it('the token may come as a parameter only on pathsAcceptingParams, and only when every copy agrees', async () => {
      const client = new Client(current);
      const token = (await client.fetch('/rest/api', { headers: { 'x-csrf-token': 'Fetch' } })).headers['x-csrf-token'] as string;
      const form = { 'content-type': 'application/x-www-form-urlencoded' };
      expect((await client.fetch('/rest/form', { method: 'POST', headers: form, body: `X-CSRF-Token=${token}` })).status).toBe(200);
      expect((await client.fetch('/rest/api', { method: 'POST', headers: form, body: `X-CSRF-Token=${token}` })).status).toBe(403);
      expect(
        (await client.fetch('/rest/form', { method: 'POST', headers: form, body: `X-CSRF-Token=${token}&X-CSRF-Token=other` })).status,
      ).toBe(403);
    });
  });

  describe('RateLimitFilter', () => {
    it('built from code: two requests per address, then 429 with the RateLimit headers; addresses are counted apart', async () => {
      const a = new Client(current, '127.0.0.2');
      const b = new Client(current, '127.0.0.3');
      try {
        const first = await a.fetch('/rate-code/count');
        expect(first.status).toBe(200);
        expect(text(first)).toBe('1');
        const policy = first.headers['ratelimit-policy'] as string;
        // FastRateLimiter: 2 per 60 s is 2 per 65.536 s (reported 65).
        expect(policy).toMatch(/^"fast-\d+";q=2;w=65$/);
        const name = policy.slice(0, policy.indexOf(';'));
        expect(first.headers['ratelimit']).toBe(`${name};r=1`);
        const second = await a.fetch('/rate-code/count');
        expect(second.status).toBe(200);
        expect(second.headers['ratelimit']).toBe(`${name};r=0`);
        const third = await a.fetch('/rate-code/count');
        expect(third.status).toBe(429);
        expect(third.headers['ratelimit']).toBe(`${name};r=0`);
        expect(text(await b.fetch('/rate-code/count'))).toBe('1');
      } finally {
        a.close();
        b.close();
      }
    });

    it('built from code: once maxTrackedAddresses (2) are tracked, further addresses share one allowance', async () => {
      // 127.0.0.2 and .3 took the two places in the previous test (same bucket: the clock does not move).
      const c = new Client(current, '127.0.0.4');
      const d = new Client(current, '127.0.0.5');
      try {
        expect(text(await c.fetch('/rate-code/count'))).toBe('1');
        expect(text(await d.fetch('/rate-code/count'))).toBe('2');
        expect((await c.fetch('/rate-code/count')).status).toBe(429);
        expect((await d.fetch('/rate-code/count')).status).toBe(429);
      } finally {
        c.close();
        d.close();
      }
    });

    it('by class name in web.xml with enforce=false: requests over the limit pass, counted, with the policy header only', async () => {
      const client = new Client(current, '127.0.0.6');
      try {
        const responses = [];
        for (let i = 0; i < 3; i++) responses.push(await client.fetch('/rate/count'));
        for (const response of responses) {
          expect(response.status).toBe(200);
          // ExactRateLimiter keeps 1 per 86400 s as written; not enforcing, no RateLimit header.
          expect(response.headers['ratelimit-policy']).toBe('"daily";q=1;w=86400');
          expect(response.headers['ratelimit']).toBeUndefined();
        }
        // Three requests within a day-long bucket: at most one bucket boundary, so one is at least the second.
        expect(Math.max(...responses.map((r) => Number(text(r))))).toBeGreaterThanOrEqual(2);
      } finally {
        client.close();
      }
    });
  });

  describe('ExpiresFilter', () => {
    const seconds = (header: string | string[] | undefined): number => Date.parse(String(header)) / 1000;

    it('by content type without its charset: Expires and Cache-Control max-age, decided at the first write', async () => {
      const response = await fetchHttp(`${server.url}/expires/page`);
      expect(response.status).toBe(200);
      expect(response.headers['cache-control']).toBe('max-age=7200');
      // Expires is now + 2 h; Date is the same second or the one before (it is cached per second).
      const delta = seconds(response.headers['expires']) - seconds(response.headers['date']);
      expect(delta).toBeGreaterThanOrEqual(7200);
      expect(delta).toBeLessThanOrEqual(7201);
    });

    it('adds max-age to the Cache-Control the application set; leaves a max-age, no-store or Expires of its own alone', async () => {
      const privately = await fetchHttp(`${server.url}/expires/page?cc=private`);
      expect(privately.headers['cache-control']).toBe('private, max-age=7200');
      expect(privately.headers['expires']).toBeDefined();
      const ownMaxAge = await fetchHttp(`${server.url}/expires/page?cc=max-age%3D5`);
      expect(ownMaxAge.headers['cache-control']).toBe('max-age=5');
      expect(ownMaxAge.headers['expires']).toBeUndefined();
      const noStore = await fetchHttp(`${server.url}/expires/page?cc=no-store`);
      expect(noStore.headers['cache-control']).toBe('no-store');
      expect(noStore.headers['expires']).toBeUndefined();
      const ownExpires = await fetchHttp(`${server.url}/expires/page?expires=1`);
      expect(ownExpires.headers['expires']).toBe('Thu, 01 Jan 2037 00:00:00 GMT');
      expect(ownExpires.headers['cache-control']).toBeUndefined();
    });

    it('only GET and HEAD responses get them', async () => {
      const head = await fetchHttp(`${server.url}/expires/page`, { method: 'HEAD' });
      expect(head.headers['cache-control']).toBe('max-age=7200');
      const post = await fetchHttp(`${server.url}/expires/page`, { method: 'POST', body: '' });
      expect(post.status).toBe(200);
      expect(post.headers['cache-control']).toBeUndefined();
      expect(post.headers['expires']).toBeUndefined();
    });

    it('a response without a body, through ExpiresDefault "modification plus 1 day": from its Last-Modified', async () => {
      const response = await fetchHttp(`${server.url}/expires/empty`);
      expect(response.headers['expires']).toBe('Thu, 02 Jan 2020 00:00:00 GMT');
      // The date is past, so max-age is negative, as Tomcat computes it.
      expect(Number(/^max-age=(-\d+)$/.exec(String(response.headers['cache-control']))![1])).toBeLessThan(0);
    });

    it('static files through the DefaultServlet; a 304 is left without them (ExpiresExcludedResponseStatusCodes)', async () => {
      const css = await fetchHttp(`${server.url}/expires/style.css`);
      expect(css.status).toBe(200);
      expect(css.headers['cache-control']).toBe('max-age=3600');
      const notModified = await fetchHttp(`${server.url}/expires/style.css`, {
        headers: { 'if-modified-since': String(css.headers['last-modified']) },
      });
      expect(notModified.status).toBe(304);
      expect(notModified.headers['cache-control']).toBeUndefined();
      expect(notModified.headers['expires']).toBeUndefined();
    });

    it('a static file through "modification plus 1 day": one day after its Last-Modified', async () => {
      const notes = await fetchHttp(`${server.url}/expires/notes.txt`);
      expect(notes.status).toBe(200);
      expect(Date.parse(String(notes.headers['expires'])) - Date.parse(String(notes.headers['last-modified']))).toBe(86_400_000);
    });

    it('built from code with a fixed clock: "access plus 1 month" from 31 January is 28 February', async () => {
      const response = await fetchHttp(`${server.url}/expires-code/page`);
      expect(response.headers['expires']).toBe('Sat, 28 Feb 2026 12:00:00 GMT');
      expect(response.headers['cache-control']).toBe(`max-age=${28 * 86400}`);
    });
  });

  describe('invalid init-params fail their application alone, with a coded error', () => {
    const failure = (app: string): string | undefined => {
      const record = server.logs.find((r) => r.code === 'SV_ERR_DEPLOY_FAILED' && String(r.msg).includes(`Context[${app}]`));
      return record === undefined ? undefined : JSON.stringify(record);
    };

    it('ExpiresFilter: a syntax error names the parameter and the token', async () => {
      expect(failure('bad-expires')).toContain(
        'Init parameter [ExpiresDefault] of filter [bad-expires] (ExpiresFilter) has invalid value [access plus 1 fortnight]: [fortnight] is not a unit',
      );
      expect((await fetchHttp(`${server.url}/bad-expires/index.html`)).status).toBe(404);
    });

    it('CsrfPreventionFilter: an unknown init-param is refused with a suggestion', async () => {
      expect(failure('bad-csrf')).toContain(
        'Filter [bad-csrf] (CsrfPreventionFilter) has no init parameter [entryPoint] (did you mean [entryPoints]?)',
      );
      expect((await fetchHttp(`${server.url}/bad-csrf/index.html`)).status).toBe(404);
    });

    it('RateLimitFilter: bucketRequests below 1 is refused', async () => {
      expect(failure('bad-rate')).toContain('Init parameter [bucketRequests] of filter [bad-rate] (RateLimitFilter) has invalid value [0]');
      expect((await fetchHttp(`${server.url}/bad-rate/index.html`)).status).toBe(404);
    });
  });
});
