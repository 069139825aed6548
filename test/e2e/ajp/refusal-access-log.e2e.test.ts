/**
 * A request the AJP connector refuses itself (a wrong secret: 403) never reaches a Host's pipeline, yet the
 * access log still records it, with the request line (query included), the client the front end names and the
 * status, as every response is.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessLogLine } from '../../helpers/access-log-file.js';
import { AjpClient } from '../../helpers/ajp-client.js';
import { SECRET, startAjpServer, type AjpTestServer } from './ajp-server.js';

describe('AJP refusals in the access log', () => {
  let server: AjpTestServer;

  beforeAll(async () => {
    server = await startAjpServer(
      `secret="${SECRET}"`,
      `<Valve className="org.apache.catalina.valves.AccessLogValve" directory="logs" prefix="ajp" suffix=".txt"
             pattern="%a %m %U%q %s %b" buffered="false"/>`,
    );
  });

  afterAll(async () => {
    await server?.close();
  });

  const logLine = (marker: string): Promise<string | undefined> => accessLogLine(join(server.base, 'logs'), 'ajp', marker);

  it('logs a request refused for a wrong secret with its method, target and 403', async () => {
    const client = await AjpClient.connect(server.ajpPort);
    try {
      const refused = await client.request({ method: 'POST', uri: '/echo/refused', query: 'a=1', secret: 'WRONGSECRET' });
      expect(refused.status).toBe(403);
    } finally {
      client.close();
    }
    // %a is the client the front end names (the test client sends 192.0.2.10).
    expect(await logLine('/echo/refused')).toBe('192.0.2.10 POST /echo/refused?a=1 403 -');
  });

  it('logs an accepted request beside it the same way', async () => {
    const client = await AjpClient.connect(server.ajpPort);
    try {
      expect((await client.request({ uri: '/echo/accepted', query: 'b=2', secret: SECRET })).status).toBe(200);
    } finally {
      client.close();
    }
    expect(await logLine('/echo/accepted')).toMatch(/^192\.0\.2\.10 GET \/echo\/accepted\?b=2 200 \d+$/);
  });
});
