// The shared protocol suite over HTTP/1.1 straight to the container.
import http from 'node:http';
import { fetchHttp } from '../helpers/http-fetch.js';
import { startAjpServer } from '../e2e/ajp/ajp-server.js';
import { runProtocolSuite } from './protocol-suite.js';

runProtocolSuite({
  name: 'HTTP/1.1 direct',
  async makeClient() {
    const server = await startAjpServer();
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    return {
      request: (target, options = {}) => fetchHttp(`http://127.0.0.1:${server.httpPort}${target}`, { agent, ...options }),
      async close() {
        agent.destroy();
        await server.close();
      },
    };
  },
});
