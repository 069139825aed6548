/**
 * LoadBalancerDrainingValve (issue #21) behind a real httpd mod_jk load balancer: node1 is disabled
 * (`worker.node1.activation=D`), node2 is active, both reach the same AJP connector. mod_jk still sends node1 the
 * requests whose session cookie names its route, with JK_LB_ACTIVATION=DIS: the valve sends those whose session
 * this node does not hold back to the balancer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchHttp } from '../../helpers/http-fetch.js';
import { startHttpd, type Httpd } from '../../helpers/httpd.js';
import { SECRET, startAjpServer, type AjpTestServer } from '../ajp/ajp-server.js';

describe('LoadBalancerDrainingValve behind mod_jk with node1 disabled', () => {
  let server: AjpTestServer;
  let httpd: Httpd;

  beforeAll(async () => {
    server = await startAjpServer(
      `secret="${SECRET}"`,
      '<Valve className="org.apache.catalina.valves.LoadBalancerDrainingValve" ignoreCookieName="lb-test" ignoreCookieValue="let-me-in"/>',
    );
    const member = (name: string): string[] => [
      `worker.${name}.type=ajp13`,
      `worker.${name}.host=127.0.0.1`,
      `worker.${name}.port=${server.ajpPort}`,
      `worker.${name}.secret=${SECRET}`,
      `worker.${name}.recovery_options=0`,
    ];
    httpd = await startHttpd({
      frontEnd: 'mod-jk',
      backendPort: server.ajpPort,
      jkWorkers: {
        mount: 'balancer',
        lines: [
          'worker.list=balancer',
          'worker.balancer.type=lb',
          'worker.balancer.balance_workers=node1,node2',
          'worker.balancer.sticky_session=true',
          ...member('node1'),
          'worker.node1.activation=D',
          ...member('node2'),
        ],
      },
    });
  });
  afterAll(async () => {
    await httpd?.stop();
    await server?.close();
  });

  it('redirects a request for a session node1 does not hold (307, same URI and query) and expires its cookie', async () => {
    const response = await fetchHttp(`${httpd.url}/echo/page?x=1`, { headers: { cookie: 'JSESSIONID=0123456789ABCDEF.node1' } });
    expect(response.status, response.body.toString()).toBe(307);
    expect(response.headers.location).toBe('/echo/page?x=1');
    const cookie = String(response.headers['set-cookie']);
    expect(cookie).toMatch(/^JSESSIONID=;/);
    expect(cookie).toMatch(/Max-Age=0/i);
  });

  it('drops a ;jsessionid path parameter from the redirect', async () => {
    const response = await fetchHttp(`${httpd.url}/echo/page;jsessionid=0123456789ABCDEF.node1?x=2`);
    expect(response.status, response.body.toString()).toBe(307);
    expect(response.headers.location).toBe('/echo/page?x=2');
  });

  it('lets a tester with the ignore cookie through to the disabled node', async () => {
    const response = await fetchHttp(`${httpd.url}/echo/page`, {
      headers: { cookie: 'JSESSIONID=0123456789ABCDEF.node1; lb-test=let-me-in' },
    });
    expect(response.status).toBe(200);
  });

  it('serves requests that the balancer sends to the active node', async () => {
    const response = await fetchHttp(`${httpd.url}/echo/page`);
    expect(response.status).toBe(200);
  });
});
