// The shared protocol suite over HTTP/1.1 to a blocking-style connector (servlets on worker threads, issue #7).
import http from 'node:http';
import { expect } from 'vitest';
import { fetchHttp } from '../helpers/http-fetch.js';
import { AJP_APP_BASE, SECRET } from '../e2e/ajp/ajp-server.js';
import { startBlockingAjpServer } from '../e2e/blocking/blocking-server.js';
import { runProtocolSuite } from './protocol-suite.js';

runProtocolSuite({
  name: 'HTTP/1.1 direct, blocking endpoint',
  async makeClient() {
    const server = await startBlockingAjpServer(AJP_APP_BASE, SECRET);
    const connector = server.catalina.server.services[0]!.connectors[1]!;
    expect(connector.config.style).toBe('blocking');
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
