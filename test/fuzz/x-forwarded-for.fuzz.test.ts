/**
 * RemoteIpValve's X-Forwarded-For handling on hostile lists, against one long-lived server (issue #21): every
 * request from the internal proxy gets an answer, and the client address the application sees is exactly what
 * the rules (filters/remote-ip.ts, unit-tested against Tomcat's examples) give; the server keeps serving.
 */
import http from 'node:http';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateForwarded, remoteIpRules, type RemoteIpRules } from '../../src/filters/remote-ip.js';
import { REPO_ROOT, startTestServer, type TestServer } from '../helpers/test-server.js';

const FC_SEED = 20_261_207;
const NUM_RUNS = 300;
const APP_BASE = join(REPO_ROOT, 'test', 'fixtures', 'webapps', 'proxy');
const INTERNAL = '127\\.0\\.0\\.1';
const TRUSTED = '10\\.0\\.0\\.\\d+';

function get(agent: http.Agent, port: number, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(`http://127.0.0.1:${port}/client/x`, { agent, headers }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.setTimeout(20_000, () => request.destroy(new Error('timed out')));
    request.on('error', reject);
    request.end();
  });
}

describe('X-Forwarded-For under fuzzing (one server)', () => {
  let server: TestServer;
  let agent: http.Agent;
  let rules: RemoteIpRules;

  beforeAll(async () => {
    server = await startTestServer({
      appBase: APP_BASE,
      engineContent: `<Valve className="org.apache.catalina.valves.RemoteIpValve" internalProxies="${INTERNAL}" trustedProxies="${TRUSTED}" portHeader="X-Forwarded-Port"/>`,
    });
    agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const compiled = remoteIpRules({ internalProxies: INTERNAL, trustedProxies: TRUSTED, portHeader: 'X-Forwarded-Port' });
    if (!compiled.ok) throw new Error(compiled.error.reason);
    rules = compiled.rules;
  });
  afterAll(async () => {
    agent?.destroy();
    await server?.close();
  });

  // Addresses the rules treat differently, and the bytes that break naive list parsers.
  const entry = fc.oneof(
    fc.constantFrom('127.0.0.1', '10.0.0.1', '10.0.0.254', '198.51.100.7', '::1', '', ' ', 'unknown', '_hidden', '[2001:db8::1]:443'),
    fc.string({ unit: fc.constantFrom(...'0123456789.:abcdef,; "\'()[]|*+?\\\t'.split('')), maxLength: 24 }),
  );
  const list = fc.array(entry, { maxLength: 40 }).map((entries) => entries.join(','));

  it('answers every list, and the client is what the rules say', async () => {
    await fc.assert(
      fc.asyncProperty(
        list,
        fc.option(fc.constantFrom('https', 'http', 'HTTPS, https', ',', 'ftp'), { nil: undefined }),
        fc.option(fc.string({ maxLength: 8 }), { nil: undefined }),
        async (xff, proto, port) => {
          const headers: Record<string, string> = { 'X-Forwarded-For': xff };
          if (proto !== undefined) headers['X-Forwarded-Proto'] = proto;
          // Header values travel trimmed and without control characters: only what a client can send is sent.
          if (port !== undefined && /^[\x20-\x7e]*$/.test(port)) headers['X-Forwarded-Port'] = port;
          const reply = await get(agent, server.port, headers);
          expect(reply.status).toBe(200);
          const seen = JSON.parse(reply.body) as { remoteAddr: string; secure: boolean; serverPort: number };
          const expected = evaluateForwarded(rules, '127.0.0.1', (name) => {
            const value = Object.entries(headers).find(([key]) => key.toLowerCase() === name.toLowerCase())?.[1];
            // The server sees a field value without its surrounding white space (RFC 9110 §5.5).
            return value === undefined ? [] : [value.trim()];
          });
          expect(seen.remoteAddr).toBe(expected?.remoteAddr ?? '127.0.0.1');
          if (expected?.secure !== undefined) expect(seen.secure).toBe(expected.secure);
          if (expected?.serverPort !== undefined) expect(seen.serverPort).toBe(expected.serverPort);
        },
      ),
      { seed: FC_SEED, numRuns: NUM_RUNS },
    );
  });

  it('answers huge lists (thousands of entries up to the header limit) and keeps serving', async () => {
    for (const xff of [
      `198.51.100.1, ${'10.0.0.1, '.repeat(700)}10.0.0.2`,
      ','.repeat(7000),
      `${'a'.repeat(3000)}, ${'127.0.0.1,'.repeat(400)}`,
    ]) {
      const reply = await get(agent, server.port, { 'X-Forwarded-For': xff });
      expect(reply.status).toBe(200);
    }
    expect(JSON.parse((await get(agent, server.port, {})).body)).toMatchObject({ remoteAddr: '127.0.0.1' });
  });
});
