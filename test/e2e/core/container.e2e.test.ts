/**
 * The container core end to end on fixture webapps: deployment isolation, listeners, filters and
 * dispatcher types, load-on-startup, error pages, unavailable servlets, user valves and listeners from
 * server.xml, the access log, jvmRoute, session expiry through background processing, graceful stop.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, startTestServer, type TestServer } from '../../helpers/test-server.js';

const appBase = join(REPO_ROOT, 'test', 'fixtures', 'webapps', 'core');
const valve = join(REPO_ROOT, 'test', 'fixtures', 'valves', 'header-valve.js');
const recorder = join(REPO_ROOT, 'test', 'fixtures', 'listeners', 'lifecycle-recorder.js');

describe('container core on fixture webapps', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({
      appBase,
      serverContent: `<Listener className="${recorder}" tag="rec"/>`,
      engineAttributes: 'jvmRoute="node7"',
      hostContent: `
        <Valve className="${valve}" header="X-Host-Valve"/>
        <Valve className="org.apache.catalina.valves.AccessLogValve" directory="logs" prefix="access" suffix=".txt"
               pattern="%h %m %U%q %s %b" buffered="false"/>`,
    });
  });

  afterAll(async () => {
    await server?.close();
  });

  it('a webapp whose servlet class is missing fails alone, logged with its cause; the others serve', async () => {
    const failure = server.logs.find((r) => r.code === 'SV_ERR_DEPLOY_FAILED' && String(r.msg).includes('Context[broken]'));
    expect(failure).toBeDefined();
    expect(JSON.stringify(failure)).toContain('com.example.Missing');
    const broken = await fetch(`${server.url}/broken/x`);
    expect(broken.status).toBe(404);
    const slow = await fetch(`${server.url}/slow/sleep?ms=1`);
    expect(await slow.text()).toBe('slept 1');
    expect(server.catalina.summary(0)).toMatch(/Context {4}\/broken → .* \[FAILED\]/);
  });

  it('deploys directories by Tomcat naming: ROOT is "" and shop#cart is /shop/cart', async () => {
    expect(await (await fetch(`${server.url}/`)).text()).toBe('root\n');
    const nested = await fetch(`${server.url}/shop/cart/`);
    expect(nested.status).toBe(200);
    expect(await nested.text()).toBe('nested context\n');
    expect((await fetch(`${server.url}/shop/cart`, { redirect: 'manual' })).headers.get('location')).toBe('/shop/cart/');
  });

  it('runs listeners, load-on-startup, decorated init params, filters and context params', async () => {
    const response = await fetch(`${server.url}/features/info`);
    expect(response.status).toBe(200);
    expect(response.headers.get('x-trace')).toBe('trace:REQUEST');
    expect(response.headers.get('x-host-valve')).toBe('passed');
    const info = (await response.json()) as Record<string, unknown>;
    expect(info).toMatchObject({
      mode: 'decorated',
      initCount: 1,
      started: 'yes',
      seenByListener: 'yes',
      mime: 'application/x-serval',
      realPath: null,
    });
    // contextInitialized ran before the load-on-startup servlet was initialised.
    expect((info.events as string[]).slice(0, 2)).toEqual(['contextInitialized:hello', 'init:decorated']);
  });

  it('forward runs FORWARD filters, and writes after a forward are ignored', async () => {
    const response = await fetch(`${server.url}/features/forward`);
    expect(response.headers.get('x-trace')).toBe('trace:REQUEST,trace:FORWARD');
    const text = await response.text();
    expect(text).not.toContain('ignored after forward');
    expect(JSON.parse(text)).toMatchObject({ mode: 'decorated' });
  });

  it('sendError goes to the error page mapped to its status, with the status kept', async () => {
    const response = await fetch(`${server.url}/features/send-error?status=418`);
    expect(response.status).toBe(418);
    expect(await response.json()).toMatchObject({ mode: 'decorated' });
  });

  it('sendError without an error page is rendered by the ErrorReportValve with the message escaped', async () => {
    const response = await fetch(`${server.url}/features/send-error?status=409`);
    expect(response.status).toBe(409);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await response.text();
    expect(html).toContain('HTTP Status 409');
    expect(html).toContain('as requested &#60;b&#62;');
    expect(html).not.toContain('as requested <b>');
  });

  it('sendError after the response is committed is logged and ignored, not thrown (issue #4)', async () => {
    const response = await fetch(`${server.url}/features/send-error-after-commit`);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('partial and the rest');
    const ignored = server.logs.filter((r) => String(r.msg).includes('Cannot call sendError(500) after the response has been committed'));
    expect(ignored).toHaveLength(1);
    expect(String(ignored[0]!.msg)).toContain('SV_ERR_RESPONSE_COMMITTED');
    // Nothing was thrown out of the servlet: no servlet exception and no aborted connection.
    expect(server.logs.some((r) => r.code === 'SV_ERR_SERVLET_EXCEPTION' && JSON.stringify(r).includes('send-error-after-commit'))).toBe(
      false,
    );
    expect(JSON.stringify(server.logs)).not.toContain('SendErrorAfterCommit');
  });

  it('an UnavailableException answers 503 with Retry-After', async () => {
    const response = await fetch(`${server.url}/features/unavailable`);
    expect(response.status).toBe(503);
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('sendRedirect gives a path-absolute Location and collapses a leading //', async () => {
    const relative = await fetch(`${server.url}/features/redirect/a/b?to=c`, { redirect: 'manual' });
    expect(relative.status).toBe(302);
    expect(relative.headers.get('location')).toBe('/features/redirect/a/c');
    const sneaky = await fetch(`${server.url}/features/redirect/x?to=${encodeURIComponent('/\\/evil.example/')}`, { redirect: 'manual' });
    expect(sneaky.headers.get('location')?.startsWith('//')).toBe(false);
  });

  it('session ids carry the Engine jvmRoute and expire through background processing', async () => {
    const first = await fetch(`${server.url}/features/short-session`);
    const id = await first.text();
    expect(id).toMatch(/^[0-9A-F]{32}\.node7$/);
    expect(first.headers.get('set-cookie')).toBe(`JSESSIONID=${id}; Path=/features; HttpOnly`);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    // processExpiresFrequency is 6: six background ticks run one expiry pass.
    for (let i = 0; i < 6; i++) server.catalina.server.services[0]!.engine.processTree();
    const again = await fetch(`${server.url}/features/short-session`, { headers: { Cookie: `JSESSIONID=${id}` } });
    expect(await again.text()).not.toBe(id);
  });

  it('the AccessLogValve writes one line per request, including rejected ones', async () => {
    await fetch(`${server.url}/slow/sleep?ms=1`);
    await fetch(`${server.url}/nothing/%2F`);
    const file = join(server.base, 'logs', `access.${new Date().toISOString().slice(0, 10)}.txt`);
    let lines: string[] = [];
    for (let attempt = 0; attempt < 50 && !lines.some((l) => l.includes('/nothing/')); attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      lines = existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n') : [];
    }
    expect(lines).toContain('127.0.0.1 GET /slow/sleep?ms=1 200 7');
    expect(lines.some((l) => /^127\.0\.0\.1 GET \/nothing\/%2F 400 \d+$/.test(l))).toBe(true);
  });

  it('logs the startup summary as a catalogued message with its code', () => {
    const summary = server.logs.find((r) => r.code === 'SV_MSG_STARTUP_STARTED');
    expect(summary?.msg).toMatch(/^Serval\/\S+ started in \[\d+\] ms/);
    expect(summary?.msg).toMatch(/Connector {2}http-nio-127\.0\.0\.1-0: HTTP\/1\.1 \(event-loop\) on 127\.0\.0\.1:\d+ \[STARTED\]/);
    expect(summary?.msg).toContain('/features →');
  });

  it('server.xml listeners receive the Server lifecycle events', () => {
    const events = (globalThis as { __servalLifecycleEvents?: string[] }).__servalLifecycleEvents;
    expect(events?.slice(0, 5)).toEqual(['rec:before_init', 'rec:after_init', 'rec:before_start', 'rec:start', 'rec:after_start']);
  });
});

describe('graceful stop', () => {
  it('lets an in-flight request finish and closes idle keep-alive connections', async () => {
    const server = await startTestServer({ appBase });
    const inFlight = fetch(`${server.url}/slow/sleep?ms=400`).then(async (r) => ({ status: r.status, body: await r.text() }));
    await new Promise((resolve) => setTimeout(resolve, 100));
    await server.close();
    expect(await inFlight).toEqual({ status: 200, body: 'slept 400' });
    await expect(fetch(`${server.url}/slow/sleep?ms=1`)).rejects.toThrow();
  });
});
