/**
 * Static files around and above 64 KiB over TLS, several per connection: a response larger than 64 KiB leaves
 * in two writes (head with the first 64 KiB, then the rest; http-exchange.ts FIRST_WRITE_BYTES), which on a
 * TLS socket are two rounds of records. Every byte must arrive, in order, and the connection must stay usable.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPki, type Pki } from '../../helpers/tls-certificates.js';
import { startTestServer, type TestServer } from '../../helpers/test-server.js';

const SIZES = [65_000, 65_536, 100_000, 1_048_576];

describe('TLS: static files larger than one 64 KiB write', () => {
  let pki: Pki;
  let dir: string;
  let server: TestServer;
  const files = new Map<number, Buffer>();

  beforeAll(async () => {
    pki = createPki();
    dir = mkdtempSync(join(tmpdir(), 'serval-tls-large-'));
    const docBase = join(dir, 'files');
    mkdirSync(join(dir, 'apps'));
    mkdirSync(docBase);
    for (const size of SIZES) {
      const bytes = randomBytes(size);
      files.set(size, bytes);
      writeFileSync(join(docBase, `${size}.bin`), bytes);
    }
    server = await startTestServer({
      appBase: join(dir, 'apps'),
      connectorAttributes: 'SSLEnabled="true"',
      connectorContent: `<SSLHostConfig><Certificate certificateFile="${pki.localhostCert}" certificateKeyFile="${pki.localhostKey}"/></SSLHostConfig>`,
      hostContent: `<Context path="/files" docBase="${docBase}"/>`,
    });
  });

  afterAll(async () => {
    await server?.close();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    pki?.remove();
  });

  it('every size arrives whole, twice each on one kept-alive connection', async () => {
    const agent = new https.Agent({ keepAlive: true, maxSockets: 1, ca: readFileSync(pki.caCert) });
    try {
      const sockets = new Set<unknown>();
      for (const round of [1, 2]) {
        for (const size of SIZES) {
          const { status, length, body, socket } = await fetchFile(server.port, agent, `/files/${size}.bin`);
          sockets.add(socket);
          expect(status, `${size} bytes, round ${round}`).toBe(200);
          expect(length).toBe(String(size));
          expect(body.length).toBe(size);
          expect(sha256(body)).toBe(sha256(files.get(size)!));
        }
      }
      expect(sockets.size).toBe(1);
    } finally {
      agent.destroy();
    }
  });
});

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function fetchFile(
  port: number,
  agent: https.Agent,
  path: string,
): Promise<{ status: number; length: string | undefined; body: Buffer; socket: unknown }> {
  return new Promise((resolve, reject) => {
    const request = https.request({ host: '127.0.0.1', port, path, agent, servername: 'localhost', timeout: 10_000 }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          length: response.headers['content-length'],
          body: Buffer.concat(chunks),
          socket: response.socket,
        }),
      );
      response.on('error', reject);
    });
    request.on('timeout', () => request.destroy(new Error('timed out')));
    request.on('error', reject);
    request.end();
  });
}
