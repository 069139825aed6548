/**
 * RemoteAddrValve, RemoteHostValve and RemoteCIDRValve through a real server and real sockets, where users put
 * them (a Context in server.xml, a webapp's META-INF/context.xml as Tomcat's manager ships, the Host), and their
 * filter twins named by web.xml. Clients bind 127.0.0.2 (or ::1) to be someone other than 127.0.0.1.
 */
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getFrom } from '../../helpers/from-address.js';
import { REPO_ROOT, startTestServer, type TestServer } from '../../helpers/test-server.js';
import { testServerXml } from '../../helpers/test-server-xml.js';

const appBase = join(REPO_ROOT, 'test', 'fixtures', 'webapps', 'request-filtering');
const open = join(appBase, 'open');
const VALVES = 'org.apache.catalina.valves';

function context(path: string, valve: string): string {
  return `<Context path="${path}" docBase="${open}"><Valve className="${VALVES}.${valve}/></Context>`;
}

describe('request filtering valves on a Context, and filters in web.xml', () => {
  let server: TestServer;
  const get = (from: string, path: string) => getFrom(from, server.port, path);

  beforeAll(async () => {
    server = await startTestServer({
      appBase,
      hostContent: [
        context('/addr', 'RemoteAddrValve" allow="127\\.0\\.0\\.1"'),
        context('/deny', 'RemoteAddrValve" deny="127\\.0\\.0\\.2" denyStatus="404"'),
        context('/none', 'RemoteAddrValve"'),
        context('/cidr', 'RemoteCIDRValve" allow="127.0.0.0/31, ::1"'),
        context('/host', 'RemoteHostValve" allow="127\\.0\\.0\\.2"'),
        context('/port', 'RemoteAddrValve" addConnectorPort="true" allow="127\\.0\\.0\\.1;\\d+"'),
        context('/portless', 'RemoteAddrValve" addConnectorPort="true" allow="127\\.0\\.0\\.1"'),
        context('/cidrport', 'RemoteCIDRValve" addConnectorPort="true" allow="127.0.0.2;\\d+, 127.0.0.1"'),
        context('/auth', 'RemoteAddrValve" allow="127\\.0\\.0\\.1" invalidAuthenticationWhenDeny="true"'),
        context('/peer', 'RemoteCIDRValve" allow="127.0.0.1" usePeerAddress="true"'),
      ].join('\n'),
    });
  });

  afterAll(async () => {
    await server?.close();
  });

  it('RemoteAddrValve: the allowed address passes, any other gets 403', async () => {
    expect(await get('127.0.0.1', '/addr/hello.txt')).toMatchObject({ status: 200, body: 'open\n' });
    const refused = await get('127.0.0.2', '/addr/hello.txt');
    expect(refused.status).toBe(403);
    expect(refused.body).not.toContain('open');
  });

  it('deny alone refuses what it matches with denyStatus and lets the rest through', async () => {
    expect((await get('127.0.0.1', '/deny/hello.txt')).status).toBe(200);
    expect((await get('127.0.0.2', '/deny/hello.txt')).status).toBe(404);
  });

  it('a valve with neither allow nor deny refuses everyone (fail closed, as Tomcat)', async () => {
    expect((await get('127.0.0.1', '/none/hello.txt')).status).toBe(403);
  });

  it('RemoteCIDRValve matches the block', async () => {
    expect((await get('127.0.0.1', '/cidr/hello.txt')).status).toBe(200);
    expect((await get('127.0.0.2', '/cidr/hello.txt')).status).toBe(403);
  });

  it('RemoteHostValve matches getRemoteHost(), which is the address (no reverse lookups)', async () => {
    expect((await get('127.0.0.2', '/host/hello.txt')).status).toBe(200);
    expect((await get('127.0.0.1', '/host/hello.txt')).status).toBe(403);
  });

  it('addConnectorPort: the rules see `address;port`', async () => {
    expect((await get('127.0.0.1', '/port/hello.txt')).status).toBe(200);
    expect((await get('127.0.0.2', '/port/hello.txt')).status).toBe(403);
    // A pattern written for the address alone no longer matches.
    expect((await get('127.0.0.1', '/portless/hello.txt')).status).toBe(403);
    // CIDR: only blocks with a port pattern can match.
    expect((await get('127.0.0.2', '/cidrport/hello.txt')).status).toBe(200);
    expect((await get('127.0.0.1', '/cidrport/hello.txt')).status).toBe(403);
  });

  it('invalidAuthenticationWhenDeny without preemptive authentication still refuses with denyStatus', async () => {
    expect((await get('127.0.0.1', '/auth/hello.txt')).status).toBe(200);
    expect((await get('127.0.0.2', '/auth/hello.txt')).status).toBe(403);
  });

  it('usePeerAddress checks the TCP peer', async () => {
    expect((await get('127.0.0.1', '/peer/hello.txt')).status).toBe(200);
    expect((await get('127.0.0.2', '/peer/hello.txt')).status).toBe(403);
  });

  it("a webapp's META-INF/context.xml RemoteAddrValve (Tomcat's manager) is enforced", async () => {
    expect(await get('127.0.0.1', '/manager/hello.txt')).toMatchObject({ status: 200, body: 'manager\n' });
    expect((await get('127.0.0.2', '/manager/hello.txt')).status).toBe(403);
    // The neighbour has no such valve.
    expect((await get('127.0.0.2', '/open/hello.txt')).status).toBe(200);
  });

  it('RemoteAddrFilter, RemoteCIDRFilter and RemoteHostFilter named in web.xml', async () => {
    expect(await get('127.0.0.1', '/filtered/addr/hello.txt')).toMatchObject({ status: 200, body: 'addr\n' });
    expect((await get('127.0.0.2', '/filtered/addr/hello.txt')).status).toBe(403);
    expect((await get('127.0.0.1', '/filtered/cidr/hello.txt')).status).toBe(200);
    expect((await get('127.0.0.2', '/filtered/cidr/hello.txt')).status).toBe(403);
    expect((await get('127.0.0.2', '/filtered/host/hello.txt')).status).toBe(200);
    expect((await get('127.0.0.1', '/filtered/host/hello.txt')).status).toBe(404);
  });

  it('a filter with an invalid CIDR block fails its application, with a coded error naming the filter and init-param', async () => {
    expect((await get('127.0.0.1', '/badfilter/hello.txt')).status).toBe(404);
    const log = server.logs.map((record) => JSON.stringify(record)).join('\n');
    // The deployment failure is logged with the error's message (SV_ERR_REQUEST_FILTER_INIT_PARAM's).
    expect(log).toContain(
      'Init parameter [allow] of filter [cidr] has invalid value [10.0.0.0/33]; allowed: [10.0.0.0/33] its prefix length [33] is larger than the 32 bits',
    );
    expect((await get('127.0.0.1', '/open/hello.txt')).status).toBe(200);
  });
});

const hasIpv6Loopback = Object.values(networkInterfaces())
  .flat()
  .some((address) => address?.address === '::1');

// Where the machine has no IPv6 loopback, IPv6 matching is covered by test/unit/filters/request-filter-rules.test.ts.
describe.runIf(hasIpv6Loopback)('RemoteCIDRValve on the Host of a dual-stack connector', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({
      serverXml: testServerXml({
        appBase,
        hostContent: `<Valve className="${VALVES}.RemoteCIDRValve" allow="127.0.0.1/32, ::1/128"/>
          <Context path="/v6only" docBase="${open}"><Valve className="${VALVES}.RemoteCIDRValve" allow="::1"/></Context>`,
      }).replace('address="127.0.0.1"', 'address="::"'),
    });
  });

  afterAll(async () => {
    await server?.close();
  });

  it('IPv4 peers (reported as ::ffff:a.b.c.d by the dual-stack socket) match IPv4 blocks; IPv6 peers IPv6 blocks', async () => {
    expect((await getFrom('127.0.0.1', server.port, '/open/hello.txt')).status).toBe(200);
    expect((await getFrom('::1', server.port, '/open/hello.txt')).status).toBe(200);
    expect((await getFrom('127.0.0.2', server.port, '/open/hello.txt')).status).toBe(403);
  });

  it('an IPv6-only block refuses IPv4 clients', async () => {
    expect((await getFrom('::1', server.port, '/v6only/hello.txt')).status).toBe(200);
    expect((await getFrom('127.0.0.1', server.port, '/v6only/hello.txt')).status).toBe(403);
  });
});

describe('invalid configuration of a request filtering valve', () => {
  async function startupError(hostContent: string): Promise<string> {
    try {
      const server = await startTestServer({ appBase, hostContent });
      await server.close();
    } catch (error) {
      return String((error as Error).message);
    }
    throw new Error('the server started');
  }

  it('an invalid CIDR block is a configuration error naming file:line, element and attribute', async () => {
    const message = await startupError(`\n<Valve className="${VALVES}.RemoteCIDRValve" allow="127.0.0.1, 10.0.0.0/33"/>`);
    expect(message).toMatch(/server\.xml:\d+ Server\/Service\[0\]\/Engine\[0\]\/Host\[0\]\/Valve\[0\]/);
    expect(message).toContain('Attribute [allow]');
    expect(message).toContain('[10.0.0.0/33] its prefix length [33] is larger than the 32 bits of the address');
  });

  it('a pattern that cannot run in linear time is refused when server.xml loads, with file:line', async () => {
    const message = await startupError(`\n<Valve className="${VALVES}.RemoteAddrValve" allow="(a)\\1"/>`);
    expect(message).toMatch(/conf\/server\.xml:\d+: Server\/Service\[0\]\/Engine\[0\]\/Host\[0\]\/Valve\[0\] \[allow\]/);
    expect(message).toContain('linear time');
  });
});
