// The shared protocol suite through Apache httpd (mod_proxy_ajp) → a blocking-style AJP/1.3 connector (issue #7).
import http from 'node:http';
import { expect } from 'vitest';
import { fetchHttp } from '../helpers/http-fetch.js';
import { startHttpd } from '../helpers/httpd.js';
import { AJP_APP_BASE, SECRET } from '../e2e/ajp/ajp-server.js';
import { startBlockingAjpServer } from '../e2e/blocking/blocking-server.js';
import { runProtocolSuite } from './protocol-suite.js';

runProtocolSuite({
  name: 'httpd mod_proxy_ajp → AJP/1.3, blocking endpoint',
  async makeClient() {
    const server = await startBlockingAjpServer(AJP_APP_BASE, SECRET);
    expect(server.catalina.server.services[0]!.connectors[0]!.config.style).toBe('blocking');
    const httpd = await startHttpd({ frontEnd: 'proxy-ajp', backendPort: server.ajpPort, secret: SECRET });
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    return {
      request: (target, options = {}) => fetchHttp(`${httpd.url}${target}`, { agent, ...options }),
      async close() {
        agent.destroy();
        await httpd.stop();
        await server.close();
      },
    };
  },
});
