// Issue #18: webapp code sees only the Servlet API. A probe webapp keeps every object the container hands it
// (ServletConfig, FilterConfig, FilterChain, requests and responses of each dispatch type, ServletContext,
// HttpSession, RequestDispatcher, Part, listener and binding events) and walks everything reachable from them
// (test/fixtures/webapps/facades/probe/WEB-INF/classes/walker.js). On both connector styles the walk must find
// no container object and no internal key, and it must have reached every facade.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContainerRequest } from '../../../src/connector/container-request.js';
import { ContainerResponse } from '../../../src/connector/container-response.js';
import { ContainerPart } from '../../../src/connector/multipart-part.js';
import { ApplicationContext } from '../../../src/core/application-context.js';
import { Context } from '../../../src/core/context.js';
import { Engine } from '../../../src/core/engine.js';
import { Host } from '../../../src/core/host.js';
import { Server } from '../../../src/core/server.js';
import { Service } from '../../../src/core/service.js';
import { Wrapper } from '../../../src/core/wrapper.js';
import { HttpExchange } from '../../../src/protocol/http11/http-exchange.js';
import { ResourceCache } from '../../../src/resources/resource-cache.js';
import { StandardManager } from '../../../src/session/standard-manager.js';
import { StandardSession } from '../../../src/session/standard-session.js';
import { WorkerSession } from '../../../src/blocking/session/worker-session.js';
import { fetchHttp } from '../../helpers/http-fetch.js';
import { REPO_ROOT, startTestServer, type TestServer } from '../../helpers/test-server.js';
import { startBlockingServer } from '../blocking/blocking-server.js';

const APP_BASE = join(REPO_ROOT, 'test', 'fixtures', 'webapps', 'facades');
const WALKER = join(APP_BASE, 'probe', 'WEB-INF', 'classes', 'walker.js');
const { walk, FORBIDDEN_CLASSES } = createRequire(__filename)(WALKER) as {
  walk(roots: Array<[string, unknown]>): WalkReport;
  FORBIDDEN_CLASSES: string[];
};

interface WalkReport {
  visited: number;
  classes: string[];
  violations: string[];
}

/** Every object kind the issue names, as the classes the walk must have reached. */
const FACADES = [
  'RequestFacade',
  'ResponseFacade',
  'ServletContextFacade',
  'ServletConfigFacade',
  'HttpSessionFacade',
  'PartFacade',
  'ApplicationDispatcher',
  'DispatchedRequest',
  'IncludedResponse',
  'ChainStep',
];

function multipartBody(boundary: string): string {
  return [
    `--${boundary}`,
    'Content-Disposition: form-data; name="field"',
    '',
    'value',
    `--${boundary}`,
    'Content-Disposition: form-data; name="upload"; filename="a.txt"',
    'Content-Type: text/plain',
    '',
    'file content',
    `--${boundary}--`,
    '',
  ].join('\r\n');
}

async function probe(server: TestServer): Promise<WalkReport> {
  const base = `${server.url}/probe`;
  expect((await fetchHttp(`${base}/forward`)).status).toBe(200);
  expect((await fetchHttp(`${base}/forward?error=1`)).status).toBe(418);
  const boundary = 'facade-probe-boundary';
  const response = await fetchHttp(`${base}/probe`, {
    method: 'POST',
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
    body: multipartBody(boundary),
  });
  expect(response.status).toBe(200);
  return JSON.parse(response.body.toString('utf8')) as WalkReport;
}

describe('the walker', () => {
  it('names the real container classes', () => {
    const real = [ContainerRequest, ContainerResponse, ContainerPart, ApplicationContext, Context, Engine, Host, Server, Service, Wrapper];
    const more = [HttpExchange, ResourceCache, StandardManager, StandardSession, WorkerSession];
    for (const type of [...real, ...more]) expect(FORBIDDEN_CLASSES).toContain(type.name);
  });

  it('reports a container object and the keys that lead to internals', () => {
    const context = { exchange: {}, nested: { parent: new Map([['x', new ResourceCache('/nowhere')]]) } };
    const report = walk([['root', context]]);
    expect(report.violations).toEqual(
      expect.arrayContaining([
        'root: has key [exchange] (Object)',
        'root.nested: has key [parent] (Object)',
        'root.nested.parent.get(x): an instance of ResourceCache',
      ]),
    );
  });
});

describe.each([
  ['event-loop connector', () => startTestServer({ appBase: APP_BASE })],
  // One worker thread, so that every request (and so every kept object) lands on the same thread.
  ['blocking connector', () => startBlockingServer({ appBase: APP_BASE, connectorAttributes: 'maxThreads="1" minSpareThreads="1"' })],
])('objects handed to webapp code (%s)', (_name, start) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await start();
  });
  afterAll(async () => {
    await server.close();
  });

  it('lead to nothing but the Servlet API', async () => {
    const report = await probe(server);
    expect(report.violations).toEqual([]);
    expect(report.classes).toEqual(expect.arrayContaining(FACADES));
    expect(report.visited).toBeGreaterThan(100);
  });

  it('an HttpFilter wraps them in HttpServletRequestWrapper and HttpServletResponseWrapper subclasses', async () => {
    const response = await fetchHttp(`${server.url}/probe/wrapped?name=x`);
    expect(response.status).toBe(200);
    expect(response.headers['x-echo']).toBe('yes');
    expect(response.headers['x-wrapped-by']).toBe('MarkedHeaders');
    expect(JSON.parse(response.body.toString('utf8'))).toEqual({
      name: 'pre-x',
      wrapped: true,
      wrapsTheContainersRequest: true,
      method: 'GET',
      path: '/wrapped',
    });
  });
});
