// Issue #3: multipart/form-data through the real container: getParts()/getPart(), fields as parameters, a 3 MB
// file streamed to disk and checksummed, temporary files removed at request end, each limit on the wire.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RawHttpClient } from '../../helpers/raw-http-client.js';
import { REPO_ROOT, startTestServer, type TestServer } from '../../helpers/test-server.js';

const APP_BASE = join(REPO_ROOT, 'test', 'fixtures', 'webapps', 'multipart');
const BOUNDARY = 'e2eBoundary9f3a';

interface Field {
  readonly name: string;
  readonly content: Buffer | string;
  readonly fileName?: string;
  readonly type?: string;
  /** Extra header lines (without CRLF). */
  readonly extra?: readonly string[];
}

function encode(fields: readonly Field[]): Buffer {
  const chunks: Buffer[] = [];
  for (const field of fields) {
    const lines = [
      `Content-Disposition: form-data; name="${field.name}"${field.fileName === undefined ? '' : `; filename="${field.fileName}"`}`,
    ];
    if (field.type !== undefined) lines.push(`Content-Type: ${field.type}`);
    lines.push(...(field.extra ?? []));
    chunks.push(Buffer.from(`--${BOUNDARY}\r\n${lines.join('\r\n')}\r\n\r\n`), Buffer.from(field.content), Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${BOUNDARY}--\r\n`));
  return Buffer.concat(chunks);
}

function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

interface PartReport {
  name: string;
  fileName: string | null;
  contentType: string | null;
  size: number;
  sha256: string;
  headerNames: string[];
  temporaryFile: string | null;
  onDisk: boolean;
}

function post(port: number, path: string, body: Buffer): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: 'POST',
        agent: false,
        headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}`, 'content-length': body.length },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

/** The raw request head of a multipart POST. */
function head(path: string, length: number): string {
  return `POST ${path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: multipart/form-data; boundary=${BOUNDARY}\r\nContent-Length: ${length}\r\n\r\n`;
}

describe('multipart/form-data end to end', () => {
  let server: TestServer;
  const clients: RawHttpClient[] = [];

  beforeAll(async () => {
    server = await startTestServer({ appBase: APP_BASE, connectorAttributes: 'maxPartCount="5" maxPostSize="1000"' });
  });
  afterEach(() => {
    for (const client of clients.splice(0)) client.close();
  });
  afterAll(async () => {
    await server?.close();
  });

  /** `closed`: whether the server closed the connection after an error answer (not waited for on success). */
  async function rawPost(path: string, body: Buffer): Promise<{ status: number; closed: boolean; body: string }> {
    const client = await RawHttpClient.connect(server.port);
    clients.push(client);
    await client.write(Buffer.concat([Buffer.from(head(path, body.length)), body]));
    const response = await client.readResponse();
    const closed = response.status >= 400 ? await client.waitForClose(2000) : client.closed;
    return { status: response.status, closed, body: response.body };
  }

  it('small text parts and a 3 MB file: parts in order, the file streamed to disk and checksummed, fields as parameters', async () => {
    const file = randomBytes(3 * 1024 * 1024 + 17);
    const response = await post(
      server.port,
      '/upload?q=1',
      encode([
        { name: 'title', content: 'Grüße' },
        { name: 'note', content: 'small', type: 'text/plain; charset=UTF-8' },
        { name: 'doc', content: file, fileName: 'big.bin', type: 'application/octet-stream', extra: ['X-Custom: yes'] },
      ]),
    );
    expect(response.status).toBe(200);
    const report = JSON.parse(response.body) as { parts: PartReport[]; parameters: Record<string, string[]>; firstTitle: string | null };
    expect(report.parts.map((p) => [p.name, p.fileName, p.contentType])).toEqual([
      ['title', null, null],
      ['note', null, 'text/plain; charset=UTF-8'],
      ['doc', 'big.bin', 'application/octet-stream'],
    ]);
    expect(report.parts[0]!.sha256).toBe(sha256('Grüße'));
    const doc = report.parts[2]!;
    expect(doc.size).toBe(file.length);
    expect(doc.sha256).toBe(sha256(file));
    expect(doc.headerNames).toEqual(['Content-Disposition', 'Content-Type', 'X-Custom']);
    // Above the 1024-byte fileSizeThreshold: a temporary file in the configured location (relative → per Context).
    expect(doc.onDisk).toBe(true);
    expect(doc.temporaryFile).toContain(join('localhost', 'ROOT', 'e2e-uploads'));
    // …and it is removed once the request is over (just after the response: poll, bounded).
    for (let i = 0; i < 100 && existsSync(doc.temporaryFile!); i++) await new Promise((r) => setTimeout(r, 20));
    expect(existsSync(doc.temporaryFile!)).toBe(false);
    expect(report.parameters).toEqual({ q: ['1'], title: ['Grüße'], note: ['small'] });
    expect(report.firstTitle).toBe('title');
  });

  it('a servlet without a multipart config cannot call getParts() and sees no form fields', async () => {
    const response = await post(server.port, '/plain', encode([{ name: 'title', content: 'x' }]));
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toEqual({ error: 'SV_ERR_REQUEST_NO_MULTIPART_CONFIG', title: null });
  });

  it('@MultipartConfig on an annotated servlet: maxFileSize 100 passes at 100 bytes, 101 gets 413 and a close', async () => {
    const ok = await post(server.port, '/annotated', encode([{ name: 'f', content: Buffer.alloc(100, 7), fileName: 'f.bin' }]));
    expect(ok.status).toBe(200);
    expect((JSON.parse(ok.body) as { parts: PartReport[] }).parts[0]!.size).toBe(100);
    const over = await rawPost('/annotated', encode([{ name: 'f', content: Buffer.alloc(101, 7), fileName: 'f.bin' }]));
    expect(over.status).toBe(413);
    expect(over.body).toContain('maxFileSize');
    expect(over.closed).toBe(true);
  });

  it('maxPartCount="5": five parts are served, six get 400 and a close', async () => {
    const fields = (n: number): Field[] => Array.from({ length: n }, (_, i) => ({ name: `p${i}`, content: String(i) }));
    const five = await rawPost('/upload', encode(fields(5)));
    expect(five.status).toBe(200);
    expect(five.closed).toBe(false);
    const six = await rawPost('/upload', encode(fields(6)));
    expect(six.status).toBe(400);
    expect(six.body).toContain('maxPartCount');
    expect(six.closed).toBe(true);
  });

  it('maxPartHeaderSize (512 by default): a 512-byte part header is served, 513 bytes get 400 and a close', async () => {
    // Header section = disposition line + CRLF + X-Pad line + CRLF + CRLF.
    const disposition = 'Content-Disposition: form-data; name="f"';
    const pad = (size: number): string => 'p'.repeat(size - disposition.length - 2 - 'X-Pad: '.length - 4);
    const at = await rawPost('/upload', encode([{ name: 'f', content: 'x', extra: [`X-Pad: ${pad(512)}`] }]));
    expect(at.status).toBe(200);
    const over = await rawPost('/upload', encode([{ name: 'f', content: 'x', extra: [`X-Pad: ${pad(513)}`] }]));
    expect(over.status).toBe(400);
    expect(over.body).toContain('maxPartHeaderSize');
    expect(over.closed).toBe(true);
  });

  it('maxRequestSize: a declared length above it gets 413 before the body is read', async () => {
    const client = await RawHttpClient.connect(server.port);
    clients.push(client);
    // Only the head is sent: the answer cannot wait for 5 MB that never come.
    await client.write(head('/upload', 5_000_001));
    const response = await client.readResponse();
    expect(response.status).toBe(413);
    expect(response.body).toContain('maxRequestSize');
    expect(await client.waitForClose(2000)).toBe(true);
  });

  it('maxPostSize="1000" bounds the form fields: 1000 bytes pass, 1001 get 413', async () => {
    // name "t" + "=" + value + "&": value of 997 → 1000.
    expect((await rawPost('/upload', encode([{ name: 't', content: 'v'.repeat(997) }]))).status).toBe(200);
    const over = await rawPost('/upload', encode([{ name: 't', content: 'v'.repeat(998) }]));
    expect(over.status).toBe(413);
    expect(over.body).toContain('maxPostSize');
  });

  it('a malformed body (no closing boundary) gets 400 and the server keeps serving', async () => {
    const body = encode([{ name: 'f', content: 'x' }]);
    const cut = body.subarray(0, body.length - 10);
    const client = await RawHttpClient.connect(server.port);
    clients.push(client);
    await client.write(Buffer.concat([Buffer.from(head('/upload', cut.length)), cut]));
    expect((await client.readResponse()).status).toBe(400);
    expect((await post(server.port, '/upload', encode([{ name: 'title', content: 'ok' }]))).status).toBe(200);
  });
});
