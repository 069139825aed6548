/**
 * The small filters of Tomcat named by their class names in web.xml, over real sockets:
 * SetCharacterEncodingFilter, AddDefaultCharsetFilter, RequestDumperFilter (to the server's log, never the
 * response), FailedRequestFilter (with the parameter parse failure attributes it reads) and
 * SessionInitializerFilter; a bad init-param keeps the app from starting with a coded error.
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchHttp } from '../../helpers/http-fetch.js';
import { startTestServer, type TestServer } from '../../helpers/test-server.js';
import { FILTERS, writeFilterApps } from './filter-apps.js';

const one = (simpleName: string, params: Readonly<Record<string, string>> = {}) => ({
  filters: [{ name: 'f', className: `${FILTERS}${simpleName}`, params }],
});
const FORM = 'application/x-www-form-urlencoded';

interface Echo {
  encoding: string | null;
  q: string | null;
  session: boolean;
  parseFailure: string | null;
}

describe('SetCharacterEncodingFilter, AddDefaultCharsetFilter, RequestDumperFilter, FailedRequestFilter, SessionInitializerFilter', () => {
  let server: TestServer;
  let appBase: string;

  beforeAll(async () => {
    appBase = writeFilterApps({
      enc: one('SetCharacterEncodingFilter', { encoding: 'ISO-8859-1' }),
      encignore: one('SetCharacterEncodingFilter', { encoding: 'ISO-8859-1', ignore: 'true' }),
      encbad: one('SetCharacterEncodingFilter', { encoding: 'no-such-charset' }),
      charset: {
        filters: [
          { name: 'latin', className: `${FILTERS}AddDefaultCharsetFilter`, urlPattern: '/latin/*' },
          { name: 'system', className: `${FILTERS}AddDefaultCharsetFilter`, params: { encoding: 'system' }, urlPattern: '/system/*' },
          { name: 'cp', className: `${FILTERS}AddDefaultCharsetFilter`, params: { encoding: 'windows-1252' }, urlPattern: '/cp/*' },
        ],
      },
      charsetbad: one('AddDefaultCharsetFilter', { encoding: 'no-such-charset' }),
      dumper: one('RequestDumperFilter'),
      failed: one('FailedRequestFilter'),
      session: one('SessionInitializerFilter'),
    });
    server = await startTestServer({ appBase });
  });
  afterAll(async () => {
    await server?.close();
    rmSync(appBase, { recursive: true, force: true });
  });

  async function echo(
    path: string,
    options: Parameters<typeof fetchHttp>[1] = {},
  ): Promise<{ status: number; echo: Echo; contentType: string }> {
    const response = await fetchHttp(server.url + path, options);
    expect(response.status).toBe(200);
    return {
      status: response.status,
      echo: JSON.parse(response.body.toString('utf8')) as Echo,
      contentType: String(response.headers['content-type']),
    };
  }
  const failure = (webapp: string): string | undefined =>
    server.logs.find((r) => r.code === 'SV_ERR_DEPLOY_FAILED' && r.webapp === webapp)?.msg;

  describe('SetCharacterEncodingFilter', () => {
    it('leaves an encoding the request already has: declared by the client, or the context default (conf/web.xml)', async () => {
      const declared = await echo('/enc/x', { method: 'POST', headers: { 'content-type': `${FORM}; charset=UTF-8` }, body: 'q=%C3%A9' });
      expect(declared.echo).toMatchObject({ encoding: 'UTF-8', q: 'é' });
      // conf/web.xml's <request-character-encoding>UTF-8 answers getCharacterEncoding(), as in Tomcat 10.1.
      const defaulted = await echo('/enc/x', { method: 'POST', headers: { 'content-type': FORM }, body: 'q=%C3%A9' });
      expect(defaulted.echo).toMatchObject({ encoding: 'UTF-8', q: 'é' });
    });

    it('with ignore, replaces it before the parameters are read', async () => {
      for (const contentType of [FORM, `${FORM}; charset=UTF-8`]) {
        const { echo: seen } = await echo('/encignore/x', { method: 'POST', headers: { 'content-type': contentType }, body: 'q=%E9t%E9' });
        expect(seen, contentType).toMatchObject({ encoding: 'ISO-8859-1', q: 'été' });
      }
    });

    it('refuses to start with an encoding Node.js cannot decode', async () => {
      expect((await fetchHttp(`${server.url}/encbad/x`)).status).toBe(404);
      expect(failure('encbad')).toContain('Init parameter [encoding] of filter [f] has invalid value [no-such-charset]');
    });
  });

  describe('AddDefaultCharsetFilter', () => {
    const normalised = (contentType: string): string => contentType.replace(/\s/g, '').toLowerCase();

    it('adds ISO-8859-1 (the default) to a text type that names no charset, and writes in it', async () => {
      const response = await fetchHttp(`${server.url}/charset/latin/x?type=text/plain`);
      expect(normalised(String(response.headers['content-type']))).toBe('text/plain;charset=iso-8859-1');
      // The echo's JSON is ASCII; what matters is that the declared charset is the one the writer used.
      expect(JSON.parse(response.body.toString('latin1'))).toMatchObject({ method: 'GET' });
    });

    it('leaves a charset the application named, and types that are not text', async () => {
      const named = await fetchHttp(`${server.url}/charset/latin/x?type=${encodeURIComponent('text/html;charset=UTF-8')}`);
      expect(normalised(String(named.headers['content-type']))).toBe('text/html;charset=utf-8');
      const json = await fetchHttp(`${server.url}/charset/latin/x?type=application/json`);
      expect(normalised(String(json.headers['content-type']))).not.toContain('iso-8859-1');
    });

    it('takes `system` as UTF-8 and any charset Node.js knows', async () => {
      const system = await fetchHttp(`${server.url}/charset/system/x?type=text/plain`);
      expect(normalised(String(system.headers['content-type']))).toBe('text/plain;charset=utf-8');
      const cp = await fetchHttp(`${server.url}/charset/cp/x?type=text/plain`);
      expect(normalised(String(cp.headers['content-type']))).toBe('text/plain;charset=windows-1252');
    });

    it('refuses to start with an unknown charset', async () => {
      expect((await fetchHttp(`${server.url}/charsetbad/x`)).status).toBe(404);
      expect(failure('charsetbad')).toContain('Init parameter [encoding] of filter [f] has invalid value [no-such-charset]');
    });
  });

  describe('RequestDumperFilter', () => {
    it('logs the request before and the response after the chain, and leaves the response alone', async () => {
      const response = await fetchHttp(`${server.url}/dumper/x?q=dumped`, { headers: { 'x-dump-me': 'yes' } });
      expect(response.status).toBe(200);
      expect(JSON.parse(response.body.toString('utf8'))).toMatchObject({ q: 'dumped' });
      expect(response.body.toString('utf8')).not.toContain('requestURI');
      const lines = server.logs.map((r) => r.msg).filter((msg) => typeof msg === 'string');
      const start = lines.findIndex((msg) => msg.endsWith('        requestURI=/dumper/x'));
      expect(start).toBeGreaterThanOrEqual(0);
      const dump = lines.slice(start - 1, start + 60);
      expect(dump[0]).toMatch(/ START TIME {8}=\d{2}-[A-Z][a-z]{2}-\d{4} \d{2}:\d{2}:\d{2}$/);
      expect(dump).toContainEqual(expect.stringMatching(/ {12}header=x-dump-me=yes$/));
      expect(dump).toContainEqual(expect.stringMatching(/ {9}parameter=q=dumped$/));
      expect(dump).toContainEqual(expect.stringMatching(/ {12}method=GET$/));
      expect(dump).toContainEqual(expect.stringMatching(/ {12}status=200$/));
      expect(dump).toContainEqual(expect.stringMatching(/ {7}contentType=application\/json/));
      expect(dump).toContainEqual(expect.stringMatching(/ END TIME {10}=/));
    });
  });

  describe('FailedRequestFilter', () => {
    it('passes a request whose parameters all parsed', async () => {
      expect((await echo('/failed/x?q=fine')).echo).toMatchObject({ q: 'fine', parseFailure: null });
    });

    it('answers 400 when a parameter had a malformed %-escape or no name, in the query or the form body', async () => {
      for (const [path, options] of [
        ['/failed/x?q=%zz', {}],
        ['/failed/x?=nameless&q=1', {}],
        ['/failed/x', { method: 'POST', headers: { 'content-type': FORM }, body: 'q=1&bad=%G1' }],
      ] as const) {
        const response = await fetchHttp(server.url + path, options);
        expect(response.status, path).toBe(400);
        expect(response.body.toString('utf8'), path).not.toContain('"method"');
      }
    });

    it("exposes the failure as Tomcat's request attributes to an application without the filter", async () => {
      expect((await echo('/session/x?q=%zz&q=1')).echo).toMatchObject({ q: '1', parseFailure: 'URL_DECODING' });
      expect((await echo('/session/x?=v&q=2')).echo).toMatchObject({ q: '2', parseFailure: 'NO_NAME' });
      expect((await echo('/session/x?&&q=3')).echo).toMatchObject({ q: '3', parseFailure: null });
    });
  });

  describe('SessionInitializerFilter', () => {
    it('creates the session before the servlet runs', async () => {
      const response = await fetchHttp(`${server.url}/session/x`);
      expect(String(response.headers['set-cookie'])).toMatch(/^JSESSIONID=[0-9A-F]{32}/);
      expect(JSON.parse(response.body.toString('utf8'))).toMatchObject({ session: true });
      const without = await fetchHttp(`${server.url}/enc/x`);
      expect(without.headers['set-cookie']).toBeUndefined();
    });
  });
});
