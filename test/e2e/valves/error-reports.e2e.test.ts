/**
 * The error report valves of issue #21 over real sockets, each on a Context of server.xml (a Host whose
 * errorReportValveClass is JsonErrorReportValve holds them):
 * - ErrorReportValve's page files: exception class (nearest in the prototype chain) before status before errorCode.0,
 *   read at each error relative to catalina.base, served as text/html; a missing file gives the standard report and
 *   one warning;
 * - JsonErrorReportValve: Tomcat's JSON shape, with and without showReport;
 * - ProxyErrorReportValve against a real node:http error service: the body relayed with the error status and the
 *   service's Content-Type, Tomcat's query parameters, the redirect mode, and the standard report when the service is
 *   down.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchHttp } from '../../helpers/http-fetch.js';
import { REPO_ROOT, startTestServer, type TestServer } from '../../helpers/test-server.js';

const VALVES = 'org.apache.catalina.valves';

describe('error report valves', () => {
  let server: TestServer;
  let errorService: Server;
  let servicePort = 0;
  let closedPort = 0;
  const seen: string[] = [];

  beforeAll(async () => {
    errorService = createServer((request: IncomingMessage, response) => {
      seen.push(request.url ?? '');
      response.setHeader('Content-Type', 'text/x-error-page; charset=utf-8');
      response.end(`from the error service: ${request.url ?? ''}`);
    });
    await new Promise<void>((resolve) => errorService.listen(0, '127.0.0.1', resolve));
    servicePort = (errorService.address() as AddressInfo).port;
    // A port nothing listens on: bound, read, closed.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    closedPort = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));

    const service = `http://127.0.0.1:${servicePort}`;
    server = await startTestServer({
      serverXml: serverXml([
        `<Context path="/files" docBase="app"><Valve className="${VALVES}.ErrorReportValve" errorCode.404="pages/404.html" errorCode.0="pages/any.html" exceptionType.TypeError="pages/type.html" exceptionType.com.example.ValidationError="pages/validation.html" errorCode.500="pages/missing.html"/></Context>`,
        `<Context path="/json" docBase="app"><Valve className="${VALVES}.JsonErrorReportValve"/></Context>`,
        `<Context path="/quiet" docBase="app"><Valve className="${VALVES}.JsonErrorReportValve" showReport="false"/></Context>`,
        `<Context path="/proxy" docBase="app"><Valve className="${VALVES}.ProxyErrorReportValve" errorCode.404="${service}/errors?from=serval" exceptionType.Error="${service}/failure"/></Context>`,
        `<Context path="/redirect" docBase="app"><Valve className="${VALVES}.ProxyErrorReportValve" useRedirect="true" errorCode.0="/errors/page"/></Context>`,
        `<Context path="/down" docBase="app"><Valve className="${VALVES}.ProxyErrorReportValve" errorCode.0="http://127.0.0.1:${closedPort}/errors"/></Context>`,
        `<Context path="/plain" docBase="app"/>`,
      ]),
    });
    const pages = join(server.base, 'pages');
    mkdirSync(pages, { recursive: true });
    for (const name of ['404', 'any', 'type', 'validation']) writeFileSync(join(pages, `${name}.html`), `<p>page ${name}</p>\n`);
  });

  afterAll(async () => {
    await server?.close();
    await new Promise<void>((resolve) => (errorService ? errorService.close(() => resolve()) : resolve()));
  });

  const get = (path: string, headers: Record<string, string> = {}) => fetchHttp(`${server.url}${path}`, { headers });

  describe('ErrorReportValve page files', () => {
    it('serves the page of the status, as text/html in UTF-8, with the error status', async () => {
      const response = await get('/files/nothing-here');
      expect(response.status).toBe(404);
      expect(response.headers['content-type']).toBe('text/html;charset=UTF-8');
      expect(response.body.toString()).toBe('<p>page 404</p>\n');
    });

    it('looks the thrown class up first, by its simple name, through the prototype chain', async () => {
      const type = await get('/files/fail/type');
      expect([type.status, type.body.toString()]).toEqual([500, '<p>page type</p>\n']);
      // exceptionType.com.example.ValidationError names the class ValidationError, whatever its package.
      const validation = await get('/files/fail/validation');
      expect([validation.status, validation.body.toString()]).toEqual([500, '<p>page validation</p>\n']);
    });

    it('falls back to errorCode.0 for a status without a page of its own', async () => {
      const response = await get('/files/fail/status?code=409&msg=conflict');
      expect([response.status, response.body.toString()]).toEqual([409, '<p>page any</p>\n']);
    });

    it('sends the standard report when the page file cannot be read, and warns once', async () => {
      for (let i = 0; i < 2; i++) {
        const response = await get('/files/fail/range');
        expect(response.status).toBe(500);
        expect(response.headers['content-type']).toBe('text/html;charset=utf-8');
        expect(response.body.toString()).toContain('HTTP Status 500 – Internal Server Error');
        expect(response.body.toString()).toContain('out of range');
      }
      const warnings = server.logs.filter((l) => l.code === 'SV_ERR_ERROR_REPORT_PAGE_UNREADABLE');
      expect(warnings).toHaveLength(1);
      expect(warnings[0]!.msg).toContain(join(server.base, 'pages', 'missing.html'));
      expect(warnings[0]!.msg).toContain('ENOENT');
    });
  });

  describe('JsonErrorReportValve', () => {
    it("answers a status report in Tomcat's JSON shape", async () => {
      const response = await get('/json/fail/status?code=404&msg=no%20such%20thing');
      expect(response.status).toBe(404);
      expect(response.headers['content-type']).toBe('application/json;charset=utf-8');
      expect(JSON.parse(response.body.toString())).toEqual({
        status: 404,
        type: 'Status Report',
        message: 'no such thing',
        description:
          'The origin server did not find a current representation for the target resource or is not willing to disclose that one exists.',
      });
    });

    it('reports an exception with its stack lines', async () => {
      const report = JSON.parse((await get('/json/fail/type')).body.toString()) as Record<string, unknown>;
      expect(report).toMatchObject({ status: 500, type: 'Exception Report', message: 'bad <type>' });
      const throwable = report.throwable as string[];
      expect(throwable[0]).toBe('TypeError: bad <type>');
      expect(throwable.some((line) => line.startsWith('at ') && line.includes('Fail.js'))).toBe(true);
    });

    it('says only the status with showReport="false"', async () => {
      const response = await get('/quiet/fail/type');
      expect(response.status).toBe(500);
      expect(JSON.parse(response.body.toString())).toEqual({ status: 500 });
    });

    it("is the Host's report where the Context has none (errorReportValveClass), whatever the client accepts", async () => {
      const response = await get('/plain/nothing-here', { accept: 'text/html' });
      expect(response.status).toBe(404);
      expect(response.headers['content-type']).toBe('application/json;charset=utf-8');
      expect(JSON.parse(response.body.toString())).toMatchObject({ status: 404, type: 'Status Report' });
    });
  });

  describe('ProxyErrorReportValve', () => {
    it("relays the error service's page with the error status and the service's content type", async () => {
      const response = await get('/proxy/fail/status?code=404&msg=gone%20away');
      expect(response.status).toBe(404);
      expect(response.headers['content-type']).toBe('text/x-error-page;charset=utf-8');
      const url = new URL(response.body.toString().replace('from the error service: ', ''), 'http://x');
      expect(url.pathname).toBe('/errors');
      // The configured query is kept and Tomcat's parameters follow it.
      expect([...url.searchParams]).toEqual([
        ['from', 'serval'],
        ['requestUri', '/proxy/fail/status'],
        ['statusCode', '404'],
        ['statusReason', 'Not Found'],
        [
          'statusDescription',
          'The origin server did not find a current representation for the target resource or is not willing to disclose that one exists.',
        ],
        ['message', 'gone away'],
      ]);
    });

    it('chooses the URL by the thrown class and passes the throwable', async () => {
      const response = await get('/proxy/fail/validation');
      expect(response.status).toBe(500);
      const url = new URL(response.body.toString().replace('from the error service: ', ''), 'http://x');
      expect(url.pathname).toBe('/failure');
      expect(url.searchParams.get('throwable')).toBe('Error: invalid input');
      expect(url.searchParams.get('statusReason')).toBe('Internal Server Error');
    });

    it('sends the standard report when no URL applies', async () => {
      const response = await get('/proxy/fail/status?code=403');
      expect(response.status).toBe(403);
      expect(response.body.toString()).toContain('HTTP Status 403 – Forbidden');
    });

    it('redirects to the URL with the parameters when useRedirect="true"', async () => {
      const response = await get('/redirect/fail/status?code=503');
      expect(response.status).toBe(302);
      const location = new URL(response.headers.location ?? '', server.url);
      expect(location.pathname).toBe('/errors/page');
      expect(location.searchParams.get('requestUri')).toBe('/redirect/fail/status');
      expect(location.searchParams.get('statusCode')).toBe('503');
    });

    it('falls back to the standard report, and warns once, when the error service is down', async () => {
      for (let i = 0; i < 2; i++) {
        const response = await get('/down/fail/status?code=404');
        expect(response.status).toBe(404);
        expect(response.headers['content-type']).toBe('text/html;charset=utf-8');
        expect(response.body.toString()).toContain('HTTP Status 404 – Not Found');
      }
      const warnings = server.logs.filter((l) => l.code === 'SV_ERR_ERROR_REPORT_PROXY_FAILED');
      expect(warnings).toHaveLength(1);
      expect(warnings[0]!.msg).toContain(`http://127.0.0.1:${closedPort}/errors?requestUri=`);
    });
  });
});

function serverXml(contexts: readonly string[]): string {
  const appBase = join(REPO_ROOT, 'test', 'fixtures', 'webapps', 'reports');
  return `<?xml version="1.0"?>
<Server port="-1" shutdown="SHUTDOWN">
  <Service name="Catalina">
    <Connector port="0" address="127.0.0.1" protocol="HTTP/1.1"/>
    <Engine name="Catalina" defaultHost="localhost">
      <Host name="localhost" appBase="${appBase}" autoDeploy="false" deployOnStartup="false" errorReportValveClass="${VALVES}.JsonErrorReportValve">
        ${contexts.join('\n        ')}
      </Host>
    </Engine>
  </Service>
</Server>
`;
}
