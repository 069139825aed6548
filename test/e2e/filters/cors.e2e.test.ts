/**
 * CorsFilter named by its Tomcat class name in web.xml, over real sockets: the request table of cors-cases.ts
 * (classification, 403 refusals, pre-flights answered by the filter, Vary), the request attributes, the init
 * errors that keep an app from starting (`*` with credentials, a bad init-param), and a webapp that builds
 * the filter in code from `serval/filters` with typed options.
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchHttp } from '../../helpers/http-fetch.js';
import { startTestServer, type TestServer } from '../../helpers/test-server.js';
import { CORS_APPS, CORS_CASES, SET_VALUED } from './cors-cases.js';
import { FILTERS, writeFilterApps } from './filter-apps.js';

const CODE_FILTER = `const { CorsFilter } = require('serval/filters');
class AppCors extends CorsFilter {
  constructor() {
    super({ allowedOrigins: ['https://code.example'], exposedHeaders: ['X-From-Code'], preflightMaxAge: 0 });
  }
}
module.exports = AppCors;
`;

const cors = (params: Readonly<Record<string, string>>) => ({ filters: [{ name: 'cors', className: `${FILTERS}CorsFilter`, params }] });

function setOf(value: string): string[] {
  return value
    .split(',')
    .map((v) => v.trim().toLowerCase())
    .sort();
}

describe('CorsFilter', () => {
  let server: TestServer;
  let appBase: string;

  beforeAll(async () => {
    appBase = writeFilterApps({
      cors: cors(CORS_APPS.cors),
      corsany: cors(CORS_APPS.corsany),
      anycredentials: cors({ 'cors.allowed.origins': '*', 'cors.support.credentials': 'true' }),
      badmaxage: cors({ 'cors.preflight.maxage': 'soon' }),
      code: {
        filters: [{ name: 'appcors', className: 'AppCors' }],
        files: { 'WEB-INF/classes/AppCors.js': CODE_FILTER },
      },
    });
    server = await startTestServer({ appBase });
  });
  afterAll(async () => {
    await server?.close();
    rmSync(appBase, { recursive: true, force: true });
  });

  for (const c of CORS_CASES) {
    it(c.name, async () => {
      const headers = Object.fromEntries(Object.entries(c.headers).map(([name, value]) => [name, value.replace('{self}', server.url)]));
      const response = await fetchHttp(`${server.url}/${c.app}/resource`, {
        method: c.method,
        headers,
        ...(c.body ? { body: c.body } : {}),
      });
      expect(response.status).toBe(c.status);
      for (const [name, expected] of Object.entries(c.expect)) {
        const actual = response.headers[name];
        if (expected === null) expect(actual, name).toBeUndefined();
        else if (SET_VALUED.has(name)) expect(setOf(String(actual)), name).toEqual(setOf(expected));
        else if (name === 'content-type') expect(String(actual).split(';')[0], name).toBe(expected);
        else expect(actual, name).toBe(expected);
      }
      if (!c.reachesServlet) {
        expect(response.body.length).toBe(0);
        return;
      }
      const seen = JSON.parse(response.body.toString('utf8')) as { corsType: string | null; origin: string | null; isCors: boolean | null };
      expect(seen.corsType).toBe(c.corsType ?? null);
    });
  }

  it('decorates the request: cors.isCorsRequest, cors.request.origin and cors.request.type', async () => {
    const cross = await fetchHttp(`${server.url}/cors/x`, { headers: { origin: 'https://good.example' } });
    expect(JSON.parse(cross.body.toString('utf8'))).toMatchObject({ isCors: true, origin: 'https://good.example', corsType: 'simple' });
    const plain = await fetchHttp(`${server.url}/cors/x`);
    expect(JSON.parse(plain.body.toString('utf8'))).toMatchObject({ isCors: false, origin: null, corsType: null });
    // cors.request.decorate=false: nothing.
    const undecorated = await fetchHttp(`${server.url}/corsany/x`, { headers: { origin: 'https://good.example' } });
    expect(JSON.parse(undecorated.body.toString('utf8'))).toMatchObject({ isCors: null, origin: null, corsType: null });
  });

  it('answers a refusal with an empty body and keeps serving', async () => {
    const refused = await fetchHttp(`${server.url}/cors/x`, { method: 'DELETE', headers: { origin: 'https://good.example' } });
    expect(refused.status).toBe(403);
    expect(refused.body.length).toBe(0);
    expect((await fetchHttp(`${server.url}/cors/x`)).status).toBe(200);
  });

  it('refuses to start an app that allows any origin with credentials, naming the filter', async () => {
    expect((await fetchHttp(`${server.url}/anycredentials/x`, { headers: { origin: 'https://good.example' } })).status).toBe(404);
    const failed = server.logs.find((r) => r.code === 'SV_ERR_DEPLOY_FAILED' && r.webapp === 'anycredentials');
    expect(failed?.msg).toContain('Filter [cors]: cors.support.credentials [true] cannot be combined with cors.allowed.origins [*]');
  });

  it('refuses to start an app with a bad init-param, naming the filter and the parameter', async () => {
    expect((await fetchHttp(`${server.url}/badmaxage/x`)).status).toBe(404);
    const failed = server.logs.find((r) => r.code === 'SV_ERR_DEPLOY_FAILED' && r.webapp === 'badmaxage');
    expect(failed?.msg).toContain('Init parameter [cors.preflight.maxage] of filter [cors] has invalid value [soon]');
  });

  it('works as a class from serval/filters, configured in code with typed options', async () => {
    const allowed = await fetchHttp(`${server.url}/code/x`, { headers: { origin: 'https://code.example' } });
    expect(allowed.status).toBe(200);
    expect(allowed.headers['access-control-allow-origin']).toBe('https://code.example');
    expect(allowed.headers['access-control-expose-headers']).toBe('X-From-Code');
    const preflight = await fetchHttp(`${server.url}/code/x`, {
      method: 'OPTIONS',
      headers: { origin: 'https://code.example', 'access-control-request-method': 'GET' },
    });
    expect(preflight.status).toBe(200);
    // preflightMaxAge: 0 from code: no Access-Control-Max-Age.
    expect(preflight.headers['access-control-max-age']).toBeUndefined();
    const refused = await fetchHttp(`${server.url}/code/x`, { headers: { origin: 'https://good.example' } });
    expect(refused.status).toBe(403);
  });
});
