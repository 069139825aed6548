/**
 * Error pages end to end (the /errors fixture app): by status, by error type with the nearest base class
 * winning, the default page, the jakarta.servlet.error.* attributes, a static page served for any method,
 * an error page that fails falling back to the ErrorReportValve, and the JSON report for API clients.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bodyBytes, send, startStaticServer, type StaticFixture } from '../../helpers/static-fixture.js';

let fixture: StaticFixture;
let port: number;

beforeAll(async () => {
  fixture = await startStaticServer();
  port = fixture.server.port;
});

afterAll(async () => {
  await fixture?.close();
});

describe('error pages', () => {
  it.each([
    ['/errors/throw/db', 'AppError', 'DbError: connection <lost>', 'DbError'],
    ['/errors/throw/type', 'TypeError', 'TypeError: not a function', 'TypeError'],
    ['/errors/throw/plain', 'Error', 'Error: plain failure', 'Error'],
    ['/errors/throw/string', 'default', 'a thrown string', 'String'],
  ])('%s → the %s page (nearest base class wins), 500, with every error attribute', async (target, page, exception, type) => {
    const response = await send(port, target);
    expect(response.status).toBe(500);
    const info = JSON.parse(response.body) as Record<string, unknown>;
    expect(info).toMatchObject({
      page,
      dispatcherType: 'ERROR',
      status: 500,
      status_code: 500,
      request_uri: target,
      servlet_name: 'thrower',
      exception,
      exception_type: type,
    });
  });

  it('a sendError status goes to the page for that status with the message', async () => {
    const response = await send(port, '/errors/throw/status?code=404');
    expect(response.status).toBe(404);
    expect(JSON.parse(response.body)).toMatchObject({
      page: '404',
      status_code: 404,
      message: 'status on request',
      request_uri: '/errors/throw/status',
      servlet_name: 'thrower',
      exception: null,
    });
  });

  it('a missing static file uses the 404 page; a status without a page uses the default page', async () => {
    const missing = await send(port, '/errors/no-such-file.txt');
    expect(missing.status).toBe(404);
    expect(JSON.parse(missing.body)).toMatchObject({ page: '404', servlet_name: 'default', request_uri: '/errors/no-such-file.txt' });
    // Refused by the Context before any servlet ran: the mapped servlet is still named (Tomcat's getWrapper()).
    const guarded = await send(port, '/errors/WEB-INF/web.xml');
    expect(guarded.status).toBe(404);
    expect(JSON.parse(guarded.body)).toMatchObject({ page: '404', servlet_name: 'default', request_uri: '/errors/WEB-INF/web.xml' });
    const teapot = await send(port, '/errors/throw/status?code=418');
    expect(teapot.status).toBe(418);
    expect(JSON.parse(teapot.body)).toMatchObject({ page: 'default', status_code: 418 });
  });

  it('a static error page is served by the DefaultServlet whatever the failed method', async () => {
    for (const method of ['GET', 'PUT']) {
      const response = await send(port, '/errors/throw/status?code=403', { method, body: method === 'PUT' ? 'x' : undefined });
      expect(response.status).toBe(403);
      expect(response.body).toBe('<h1>static error page</h1>\n');
      expect(response.header('content-type')).toBe('text/html;charset=UTF-8');
    }
  });

  it('an error page that fails falls back to the ErrorReportValve and is logged', async () => {
    const response = await send(port, '/errors/throw/status?code=410');
    expect(response.status).toBe(500);
    expect(response.header('content-type')).toBe('text/html;charset=utf-8');
    expect(response.body).toContain('HTTP Status 500');
    expect(response.body).toContain('the error page broke');
    expect(fixture.server.logs.some((r) => String(r.msg).includes('Error page [/failing-page] failed'))).toBe(true);
  });
});

describe('the ErrorReportValve as JSON', () => {
  it('answers JSON to a client that prefers application/json, HTML otherwise', async () => {
    const json = await send(port, '/files/missing.txt', { headers: ['Accept: application/json, text/html;q=0.5'] });
    expect(json.status).toBe(404);
    expect(json.header('content-type')).toBe('application/json;charset=utf-8');
    expect(json.header('vary')).toBe('accept');
    expect(JSON.parse(json.body)).toMatchObject({ status: 404, reason: 'Not Found', type: 'Status Report', message: '/files/missing.txt' });
    const html = await send(port, '/files/missing.txt', { headers: ['Accept: text/html,application/xhtml+xml,*/*;q=0.8'] });
    expect(html.header('content-type')).toBe('text/html;charset=utf-8');
    expect(bodyBytes(html).toString('utf8')).toContain('HTTP Status 404 – Not Found');
  });
});
