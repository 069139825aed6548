/**
 * HealthCheckValve, SemaphoreValve, ParameterLimitValve and CrawlerSessionManagerValve through a real server and
 * real sockets, on the Engine, the Host and Contexts (server.xml and a webapp's META-INF/context.xml).
 * The gate servlet holds requests until the test lets them go (globalThis.__servalGate), so concurrency is
 * observed, never timed.
 */
import net from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ContainerBase } from '../../../src/core/container-base.js';
import { getFrom } from '../../helpers/from-address.js';
import { REPO_ROOT, startTestServer, type TestServer } from '../../helpers/test-server.js';
import { CrawlerSessionManagerValve } from '../../../src/valves/crawler-session-manager-valve.js';
import { SemaphoreValve } from '../../../src/valves/semaphore-valve.js';

const appBase = join(REPO_ROOT, 'test', 'fixtures', 'webapps', 'load-valves');
const gateDir = join(appBase, 'gate');
const VALVES = 'org.apache.catalina.valves';
const gate = (): Array<() => void> => ((globalThis as { __servalGate?: Array<() => void> }).__servalGate ??= []);

describe('load valves', () => {
  let server: TestServer;
  const get = (path: string, headers?: Record<string, string>) => getFrom('127.0.0.1', server.port, path, { headers });
  const host = (): ContainerBase => server.catalina.server.services[0]!.engine.findChild('localhost')!;
  const valveOf = <T>(type: new (...args: never[]) => T, context?: string): T => {
    const container = context === undefined ? host() : host().findChild(context)!;
    return container.pipeline.getValves().find((v) => v instanceof type) as T;
  };

  beforeAll(async () => {
    server = await startTestServer({
      appBase,
      engineContent: `<Valve className="${VALVES}.HealthCheckValve" path="/engine-health" checkContainersAvailable="false"/>`,
      hostContent: `
        <Valve className="${VALVES}.HealthCheckValve"/>
        <Valve className="${VALVES}.CrawlerSessionManagerValve" crawlerIps="127\\.0\\.0\\.2"/>
        <Valve className="${VALVES}.ParameterLimitValve" urlPatternLimits="/params/host/.*=0"/>
        <Context path="/healthy" docBase="${join(appBase, 'ROOT')}"><Valve className="${VALVES}.HealthCheckValve"/></Context>
        <Context path="/sem" docBase="${gateDir}"><Valve className="${VALVES}.SemaphoreValve" concurrency="1"/></Context>
        <Context path="/refuse" docBase="${gateDir}">
          <Valve className="${VALVES}.SemaphoreValve" concurrency="1" block="false" highConcurrencyStatus="503"/>
        </Context>
        <Context path="/empty" docBase="${gateDir}"><Valve className="${VALVES}.SemaphoreValve" concurrency="1" block="false"/></Context>`,
    });
  });

  afterAll(async () => {
    for (const release of gate().splice(0)) release();
    await server?.close();
  });

  describe('HealthCheckValve', () => {
    it("answers Tomcat's DOWN body with 503 when a webapp of the Host failed to start", async () => {
      const response = await get('/health');
      expect(response.status).toBe(503);
      expect(response.headers['content-type']).toBe('application/json');
      expect(response.body).toBe('{\n  "status": "DOWN",\n  "checks": []\n}');
    });

    it('on a Context, matches the path within the Context and checks that Context only: UP', async () => {
      const response = await get('/healthy/health');
      expect(response.status).toBe(200);
      expect(response.body).toBe('{\n  "status": "UP",\n  "checks": []\n}');
    });

    it('with checkContainersAvailable="false" (here on the Engine) answers UP whatever the containers', async () => {
      const response = await get('/engine-health');
      expect(response).toMatchObject({ status: 200, body: '{\n  "status": "UP",\n  "checks": []\n}' });
    });

    it('lets other paths through', async () => {
      expect(await get('/index.txt')).toMatchObject({ status: 200, body: 'root\n' });
    });
  });

  describe('SemaphoreValve', () => {
    it('block="true": a request beyond concurrency waits for the permit, then runs', async () => {
      const valve = valveOf(SemaphoreValve, 'sem');
      const first = get('/sem/wait');
      await vi.waitFor(() => expect(gate()).toHaveLength(1));
      const second = get('/sem/wait');
      await vi.waitFor(() => expect(valve.waiting).toBe(1));
      // The second request is queued in the valve, not in the servlet.
      expect(gate()).toHaveLength(1);
      gate().shift()!();
      expect(await first).toMatchObject({ status: 200, body: 'passed' });
      await vi.waitFor(() => expect(gate()).toHaveLength(1));
      expect(valve.waiting).toBe(0);
      gate().shift()!();
      expect(await second).toMatchObject({ status: 200, body: 'passed' });
      expect(valve.availablePermits).toBe(1);
    });

    it('a client that disconnects while queued gives up its place', async () => {
      const valve = valveOf(SemaphoreValve, 'sem');
      const holder = get('/sem/wait');
      await vi.waitFor(() => expect(gate()).toHaveLength(1));
      const socket = net.connect({ host: '127.0.0.1', port: server.port });
      await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
      socket.write('GET /sem/wait HTTP/1.1\r\nHost: localhost\r\n\r\n');
      await vi.waitFor(() => expect(valve.waiting).toBe(1));
      socket.destroy();
      await vi.waitFor(() => expect(valve.waiting).toBe(0));
      gate().shift()!();
      expect((await holder).status).toBe(200);
      // The permit went back to the pool, not to the departed client: the next request runs at once.
      expect(valve.availablePermits).toBe(1);
      const next = get('/sem/wait');
      await vi.waitFor(() => expect(gate()).toHaveLength(1));
      gate().shift()!();
      expect((await next).status).toBe(200);
    });

    it('block="false": a request beyond concurrency gets highConcurrencyStatus at once', async () => {
      const holder = get('/refuse/wait');
      await vi.waitFor(() => expect(gate()).toHaveLength(1));
      expect((await get('/refuse/wait')).status).toBe(503);
      gate().shift()!();
      expect((await holder).status).toBe(200);
      expect(valveOf(SemaphoreValve, 'refuse').availablePermits).toBe(1);
    });

    it('block="false" with the default highConcurrencyStatus (-1): nothing is written, an empty 200 as Tomcat', async () => {
      const holder = get('/empty/wait');
      await vi.waitFor(() => expect(gate()).toHaveLength(1));
      expect(await get('/empty/wait')).toMatchObject({ status: 200, body: '' });
      gate().shift()!();
      expect((await holder).status).toBe(200);
    });
  });

  describe('ParameterLimitValve', () => {
    it("applies the webapp's WEB-INF/parameter_limit.config, with the connector's 400", async () => {
      expect((await get('/params/api/hello.txt?a=1&b=2')).status).toBe(200);
      const refused = await get('/params/api/hello.txt?a=1&b=2&c=3');
      expect(refused.status).toBe(400);
      expect(refused.body).toContain('Request has more than maxParameterCount [2] parameters');
    });

    it('applies urlPatternLimits of META-INF/context.xml; other paths keep the Connector limit', async () => {
      expect((await get('/params/limited/hello.txt?a=1')).status).toBe(200);
      expect((await get('/params/limited/hello.txt?a=1&a=2')).status).toBe(400);
      expect((await get('/params/hello.txt?a=1&b=2&c=3&d=4')).status).toBe(200);
    });

    it('on the Host, matches the decoded request URI', async () => {
      expect((await get('/params/host/hello.txt')).status).toBe(200);
      expect((await get('/params/host/hello.txt?x=1')).status).toBe(400);
    });
  });

  describe('CrawlerSessionManagerValve', () => {
    it('gives a crawler without cookies one session, with sessionInactiveInterval', async () => {
      const bot = { 'user-agent': 'Mozilla/5.0 (compatible; Googlebot/2.1)' };
      const first = (await get('/gate/session', bot)).body.split(' ');
      const second = (await get('/gate/session', bot)).body.split(' ');
      expect(second[0]).toBe(first[0]);
      expect(second[1]).toBe('60');
      // A browser without cookies gets a new session each time.
      const browser = { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0' };
      const a = (await get('/gate/session', browser)).body.split(' ')[0];
      const b = (await get('/gate/session', browser)).body.split(' ')[0];
      expect(a).not.toBe(b);
      expect(a).not.toBe(first[0]);
    });

    it('recognises crawlerIps, and forgets a crawler when its session ends (bounded memory)', async () => {
      const valve = valveOf(CrawlerSessionManagerValve);
      const before = valve.crawlerCount;
      const browser = { 'user-agent': 'Mozilla/5.0 Firefox/120.0' };
      const one = await getFrom('127.0.0.2', server.port, '/gate/session', { headers: browser });
      const two = await getFrom('127.0.0.2', server.port, '/gate/session', { headers: browser });
      expect(two.body.split(' ')[0]).toBe(one.body.split(' ')[0]);
      expect(valve.crawlerCount).toBe(before + 1);
      await getFrom('127.0.0.2', server.port, '/gate/invalidate', { headers: browser });
      expect(valve.crawlerCount).toBe(before);
    });

    it('several User-Agent headers are not a crawler (as Tomcat)', async () => {
      const headers = { 'user-agent': ['Googlebot/2.1', 'Googlebot/2.1'] } as unknown as Record<string, string>;
      const a = (await get('/gate/session', headers)).body.split(' ')[0];
      const b = (await get('/gate/session', headers)).body.split(' ')[0];
      expect(a).not.toBe(b);
    });
  });
});
