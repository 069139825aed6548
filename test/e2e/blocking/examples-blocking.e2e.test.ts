// The shipped examples webapp through a blocking-style connector: the servlets run on worker threads, with the
// same observable behaviour as on the event-loop endpoint (test/e2e/core/examples.e2e.test.ts).
import { executorOf } from '../../../src/blocking/main/connector-workers.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../../helpers/test-server.js';
import { startBlockingServer } from './blocking-server.js';

let server: TestServer;

beforeAll(async () => {
  server = await startBlockingServer({ connectorAttributes: 'maxThreads="3" minSpareThreads="2"' });
});

afterAll(async () => {
  await server?.close();
});

describe('examples webapp on the blocking endpoint', () => {
  it('runs on a worker pool, not inline', () => {
    const connector = server.catalina.server.services[0]!.connectors[0]!;
    expect(connector.config.style).toBe('blocking');
    expect(connector.componentName).toMatch(/http-bio-/);
    expect(executorOf(connector.workers)?.stats.threads).toBeGreaterThanOrEqual(2);
  });

  it('GET /examples/hello answers exactly Hello, World! through the filter', async () => {
    const response = await fetch(`${server.url}/examples/hello`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(response.headers.get('content-length')).toBe('13');
    expect(response.headers.get('x-examples-filter')).toBe('on');
    expect(await response.text()).toBe('Hello, World!');
  });

  it('GET /examples/request-info describes the request as the worker saw it', async () => {
    const response = await fetch(`${server.url}/examples/request-info/a/b?x=1&x=2`, { headers: { 'X-Test': 'yes' } });
    expect(response.status).toBe(200);
    const info = (await response.json()) as Record<string, unknown>;
    expect(info).toMatchObject({
      method: 'GET',
      requestURI: '/examples/request-info/a/b',
      contextPath: '/examples',
      servletPath: '/request-info',
      pathInfo: '/a/b',
      queryString: 'x=1&x=2',
      parameters: { x: ['1', '2'] },
      remoteAddr: '127.0.0.1',
      scheme: 'http',
      serverPort: server.port,
    });
    expect((info.headers as Record<string, string[]>)['x-test']).toEqual(['yes']);
  });

  it('the session counter counts across requests on different connections (sessions live on the main thread)', async () => {
    const first = await fetch(`${server.url}/examples/session`, { headers: { Connection: 'close' } });
    expect(await first.json()).toEqual({ count: 1 });
    const cookie = first.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^JSESSIONID=[0-9A-F]{32}; Path=\/examples; HttpOnly$/);
    const id = cookie.split(';')[0]!;
    for (let expected = 2; expected <= 5; expected++) {
      // A new connection each time: it may be pinned to any worker.
      const next = await fetch(`${server.url}/examples/session`, { headers: { Cookie: id, Connection: 'close' } });
      expect(await next.json()).toEqual({ count: expected });
      expect(next.headers.get('set-cookie')).toBeNull();
    }
    // The main thread's Manager holds the session the workers changed.
    const context = server.catalina.server.services[0]!.engine.findChild('localhost')!.findChild('examples') as unknown as {
      sessionManager: { findSession(id: string): { getAttribute(name: string): unknown } | null };
    };
    const owned = context.sessionManager.findSession(id.split('=')[1]!);
    expect(owned).not.toBeNull();
    const stranger = await fetch(`${server.url}/examples/session`, { headers: { Cookie: 'JSESSIONID=0123456789ABCDEF0123456789ABCDEF' } });
    expect(await stranger.json()).toEqual({ count: 1 });
    expect(stranger.headers.get('set-cookie')).not.toContain('0123456789ABCDEF0123456789ABCDEF');
  });

  it('POST /examples/form returns the urlencoded parameters', async () => {
    const response = await fetch(`${server.url}/examples/form?q=1`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'name=Serval&tags=a&tags=b+c&e=%E2%82%AC',
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ q: ['1'], name: ['Serval'], tags: ['a', 'b c'], e: ['€'] });
  });

  it('/examples/forward and /examples/include dispatch inside the worker', async () => {
    const forwarded = (await (await fetch(`${server.url}/examples/forward?orig=1`)).json()) as Record<string, unknown>;
    expect(forwarded).toMatchObject({
      requestURI: '/examples/request-info/forwarded',
      servletPath: '/request-info',
      pathInfo: '/forwarded',
      parameters: { via: ['forward'], orig: ['1'] },
    });
    const included = await fetch(`${server.url}/examples/include`);
    expect(await included.text()).toBe('before include\nHello, World!\nafter include\n');
  });

  it('/examples/fail is answered by the web.xml error page; the worker log reaches the main logger', async () => {
    const response = await fetch(`${server.url}/examples/fail`);
    expect(response.status).toBe(500);
    expect(await response.json()).toMatchObject({
      errorPage: true,
      status: 500,
      requestUri: '/examples/fail',
      servletName: 'fail',
      exception: 'ExampleFailure: This servlet always fails, to show error pages',
    });
    const logged = server.logs.filter((r) => r.code === 'SV_ERR_SERVLET_EXCEPTION');
    expect(logged.length).toBeGreaterThanOrEqual(1);
    expect(logged[0]!.worker).toEqual(expect.any(Number));
    expect(logged[0]!.err?.stack).toContain('ExampleFailure');
  });

  it('an unmapped path gets the 404 error page and the context root redirects', async () => {
    const missing = await fetch(`${server.url}/examples/nothing-here`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ errorPage: true, status: 404 });
    const redirect = await fetch(`${server.url}/examples?x=1`, { redirect: 'manual' });
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get('location')).toBe('/examples/?x=1');
  });
});
