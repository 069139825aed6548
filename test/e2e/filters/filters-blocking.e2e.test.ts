/**
 * The same filters behind a blocking-style connector, where the webapps run on worker threads (from dist/):
 * CorsFilter by its Tomcat class name and built in code from `serval/filters`, HttpHeaderSecurityFilter,
 * FailedRequestFilter and the parse failure it reads.
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchHttp } from '../../helpers/http-fetch.js';
import type { TestServer } from '../../helpers/test-server.js';
import { startBlockingServer } from '../blocking/blocking-server.js';
import { FILTERS, writeFilterApps } from './filter-apps.js';

const CODE_FILTER = `const { CorsFilter } = require('serval/filters');
module.exports = class AppCors extends CorsFilter {
  constructor() {
    super({ allowedOrigins: ['https://code.example'] });
  }
};
`;

describe('filters on a blocking-style connector', () => {
  let server: TestServer;
  let appBase: string;

  beforeAll(async () => {
    appBase = writeFilterApps({
      cors: {
        filters: [
          { name: 'headers', className: `${FILTERS}HttpHeaderSecurityFilter` },
          { name: 'cors', className: `${FILTERS}CorsFilter`, params: { 'cors.allowed.origins': 'https://good.example' } },
          { name: 'failed', className: `${FILTERS}FailedRequestFilter` },
        ],
      },
      code: { filters: [{ name: 'appcors', className: 'AppCors' }], files: { 'WEB-INF/classes/AppCors.js': CODE_FILTER } },
    });
    server = await startBlockingServer({ appBase, connectorAttributes: 'maxThreads="2" minSpareThreads="1"' });
  });
  afterAll(async () => {
    await server?.close();
    rmSync(appBase, { recursive: true, force: true });
  });

  it('answers a pre-flight, passes an allowed request with the security headers and refuses another origin', async () => {
    const preflight = await fetchHttp(`${server.url}/cors/x`, {
      method: 'OPTIONS',
      headers: { origin: 'https://good.example', 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(200);
    expect(preflight.headers['access-control-allow-origin']).toBe('https://good.example');
    expect(preflight.body.length).toBe(0);
    const allowed = await fetchHttp(`${server.url}/cors/x`, { headers: { origin: 'https://good.example' } });
    expect(allowed.status).toBe(200);
    expect(allowed.headers['x-frame-options']).toBe('DENY');
    expect(JSON.parse(allowed.body.toString('utf8'))).toMatchObject({ isCors: true, corsType: 'simple' });
    expect((await fetchHttp(`${server.url}/cors/x`, { headers: { origin: 'https://evil.example' } })).status).toBe(403);
  });

  it('refuses a request whose parameters did not parse', async () => {
    expect((await fetchHttp(`${server.url}/cors/x?q=%zz`)).status).toBe(400);
    expect((await fetchHttp(`${server.url}/cors/x?q=ok`)).status).toBe(200);
  });

  it('runs a filter a webapp built in code from serval/filters', async () => {
    const allowed = await fetchHttp(`${server.url}/code/x`, { headers: { origin: 'https://code.example' } });
    expect(allowed.status).toBe(200);
    expect(allowed.headers['access-control-allow-origin']).toBe('https://code.example');
    expect((await fetchHttp(`${server.url}/code/x`, { headers: { origin: 'https://good.example' } })).status).toBe(403);
  });
});
