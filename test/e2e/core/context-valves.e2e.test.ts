/**
 * A Context's own <Valve> and <Listener> elements (StandardContext's pipeline and lifecycle listeners):
 * valves run for that Context's requests only, ahead of its basic valve, in document order; an AccessLogValve
 * there logs only that Context's requests; listeners see the Context's lifecycle; a valve class that cannot
 * be loaded fails that one deployment, naming the file and line. A webapp's META-INF/context.xml can name
 * valves too.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, startTestServer, type TestServer } from '../../helpers/test-server.js';

const appBase = join(REPO_ROOT, 'test', 'fixtures', 'webapps', 'core');
const valve = join(REPO_ROOT, 'test', 'fixtures', 'valves', 'header-valve.js');
const recorder = join(REPO_ROOT, 'test', 'fixtures', 'listeners', 'context-event-recorder.js');

describe('valves and listeners nested in a Context', () => {
  let server: TestServer;

  beforeAll(async () => {
    (globalThis as { __servalContextEvents?: string[] }).__servalContextEvents = [];
    server = await startTestServer({
      appBase,
      hostContent: `
        <Context path="/valved" docBase="${join(appBase, 'features')}">
          <Valve className="${valve}" header="X-First"/>
          <Valve className="${valve}" header="X-Second"/>
          <Valve className="org.apache.catalina.valves.AccessLogValve" directory="logs" prefix="valved_access"
                 suffix=".txt" pattern="%m %U %s" buffered="false"/>
          <Listener className="${recorder}" tag="valved"/>
        </Context>
        <Context path="/misconfigured" docBase="${join(appBase, 'shop#cart')}">
          <Valve className="./no/such/valve.js"/>
        </Context>`,
    });
  });

  afterAll(async () => {
    await server?.close();
  });

  it('runs the Context valves, in order, for that Context only', async () => {
    const valved = await fetch(`${server.url}/valved/info`);
    expect(valved.status).toBe(200);
    expect(valved.headers.get('x-first')).toBe('passed');
    expect(valved.headers.get('x-second')).toBe('passed');
    // Another webapp of the same Host has no such valves.
    const plain = await fetch(`${server.url}/slow/sleep?ms=1`);
    expect(await plain.text()).toBe('slept 1');
    expect(plain.headers.get('x-first')).toBeNull();
  });

  it('a Context AccessLogValve logs that Context requests and no others', async () => {
    await (await fetch(`${server.url}/valved/info?x=1`)).text();
    await (await fetch(`${server.url}/slow/sleep?ms=1`)).text();
    const files = readdirSync(join(server.base, 'logs')).filter((name) => name.startsWith('valved_access'));
    expect(files).toHaveLength(1);
    const lines = readFileSync(join(server.base, 'logs', files[0]!), 'utf8')
      .trim()
      .split('\n');
    expect(lines).toContain('GET /valved/info 200');
    expect(lines.every((line) => line.includes('/valved/'))).toBe(true);
  });

  it('a Context Listener sees that Context start', () => {
    const events = (globalThis as { __servalContextEvents?: string[] }).__servalContextEvents ?? [];
    expect(events).toEqual(expect.arrayContaining(['valved:before_start', 'valved:start', 'valved:after_start']));
  });

  it('a Context valve that cannot be loaded fails that deployment alone, with where it was configured', async () => {
    const failure = server.logs.find((r) => r.code === 'SV_ERR_DEPLOY_FAILED' && JSON.stringify(r).includes('no/such/valve.js'));
    expect(failure).toBeDefined();
    // The message names the app and the element (file:line and path) the class was configured on.
    expect(String(failure?.msg)).toMatch(/Web application \[misconfigured\] .* was not deployed/);
    expect(String(failure?.msg)).toMatch(/server\.xml:\d+ .*Context\[1\]\/Valve\[0\]/);
    expect((await fetch(`${server.url}/misconfigured/`)).status).toBe(404);
    expect((await fetch(`${server.url}/valved/info`)).status).toBe(200);
  });
});

describe("valves named by a webapp's META-INF/context.xml", () => {
  let server: TestServer;

  beforeAll(async () => {
    process.env.SERVAL_FIXTURE_VALVE = valve;
    server = await startTestServer({ appBase: join(REPO_ROOT, 'test', 'fixtures', 'webapps', 'context-valves') });
  });

  afterAll(async () => {
    await server?.close();
    delete process.env.SERVAL_FIXTURE_VALVE;
  });

  it('run for that webapp and not for its neighbour', async () => {
    const described = await fetch(`${server.url}/described/hello.txt`);
    expect(await described.text()).toBe('described\n');
    expect(described.headers.get('x-descriptor-valve')).toBe('passed');
    const plain = await fetch(`${server.url}/plain/hello.txt`);
    expect(await plain.text()).toBe('plain\n');
    expect(plain.headers.get('x-descriptor-valve')).toBeNull();
  });
});
