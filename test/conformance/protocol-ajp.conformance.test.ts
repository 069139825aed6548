// The shared protocol suite through Apache httpd (mod_proxy_ajp) → the AJP/1.3 connector.
import http from 'node:http';
import { fetchHttp } from '../helpers/http-fetch.js';
import { startHttpd } from '../helpers/httpd.js';
import { SECRET, startAjpServer } from '../e2e/ajp/ajp-server.js';
import { runProtocolSuite } from './protocol-suite.js';

runProtocolSuite({
  name: 'httpd mod_proxy_ajp → AJP/1.3',
  async makeClient() {
    const server = await startAjpServer();
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
