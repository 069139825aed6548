/**
 * The static-content fixture: copies test/fixtures/webapps/static to a temporary appBase, adds the files
 * that are generated (sizes that matter, symbolic links, compressed siblings, hostile names) and starts the
 * container on it. Also a one-request raw client for exact wire assertions.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { RawHttpClient, type RawResponse } from './raw-http-client.js';
import { REPO_ROOT, startTestServer, type TestServer } from './test-server.js';

/** `/files/a.txt`: 500 bytes, byte i is the letter `a + i % 26`, so any slice is predictable. */
export const A_TXT = Buffer.from(Array.from({ length: 500 }, (_, i) => 97 + (i % 26)));
/** `/files/large.bin`: 3 MiB, streamed rather than cached. */
export const LARGE = Buffer.alloc(3 * 1024 * 1024);
for (let i = 0; i < LARGE.length; i++) LARGE[i] = (i * 7) % 253;
/** `/tuned/app.js` and its precompressed siblings. */
export const APP_JS = Buffer.from(`${'console.log("serval");\n'.repeat(40)}`);
/** `/tuned/latin1.txt`: ISO-8859-1 bytes. */
export const LATIN1 = Buffer.from('caf\u00e9 cr\u00e8me\n', 'latin1');
/** `/tuned/big.txt`: larger than the tuned app's sendfileSize of 1 KiB. */
export const BIG_TXT = Buffer.from('0123456789abcdef'.repeat(512));

/** `/cached/many/f<i>.txt`: 15 KiB each, 1.5 MiB in all, more than the 1 MiB cacheMaxSize of /cached. */
export const CACHED_FILES = 100;

export interface StaticFixture {
  readonly server: TestServer;
  readonly appBase: string;
  /** A directory beside the appBase that no request may reach. */
  readonly outside: string;
  close(): Promise<void>;
}

export async function startStaticServer(): Promise<StaticFixture> {
  const root = mkdtempSync(join(tmpdir(), 'serval-static-'));
  const appBase = join(root, 'webapps');
  const outside = join(root, 'outside');
  cpSync(join(REPO_ROOT, 'test', 'fixtures', 'webapps', 'static'), appBase, { recursive: true });
  mkdirSync(outside);
  writeFileSync(join(outside, 'secret.txt'), 'outside secret\n');

  const files = join(appBase, 'files');
  writeFileSync(join(files, 'a.txt'), A_TXT);
  writeFileSync(join(files, 'empty.txt'), '');
  writeFileSync(join(files, 'large.bin'), LARGE);
  symlinkSync(join(outside, 'secret.txt'), join(files, 'escape.txt'));
  symlinkSync(outside, join(files, 'escape-dir'));
  symlinkSync(join(files, 'a.txt'), join(files, 'alias.txt'));
  symlinkSync(join(files, 'WEB-INF'), join(files, 'conf'));

  const listing = join(appBase, 'listing');
  writeFileSync(join(listing, '<img src=x onerror=alert(1)>.txt'), 'xss');
  writeFileSync(join(listing, 'a&b "q".txt'), 'amp');
  writeFileSync(join(listing, 'Alpha.txt'), 'a'.repeat(2048));
  mkdirSync(join(listing, 'zeta'));

  const tuned = join(appBase, 'tuned');
  writeFileSync(join(tuned, 'app.js'), APP_JS);
  writeFileSync(join(tuned, 'app.js.br'), brotliCompressSync(APP_JS));
  writeFileSync(join(tuned, 'app.js.gz'), gzipSync(APP_JS));
  writeFileSync(join(tuned, 'latin1.txt'), LATIN1);
  writeFileSync(join(tuned, 'big.txt'), BIG_TXT);

  symlinkSync(outside, join(appBase, 'writable', 'out-link'));
  const many = join(appBase, 'cached', 'many');
  mkdirSync(many);
  for (let i = 0; i < CACHED_FILES; i++) writeFileSync(join(many, `f${i}.txt`), Buffer.alloc(15 * 1024, 48 + (i % 10)));

  const server = await startTestServer({
    appBase,
    hostContent: `
      <Context path="/cached" docBase="cached"><Resources cacheTtl="300" cacheMaxSize="1024" cacheObjectMaxSize="16"/></Context>
      <Context path="/tuned" docBase="tuned"><Resources cachingAllowed="false"/></Context>`,
  });
  return {
    server,
    appBase,
    outside,
    async close() {
      await server.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

export interface SendOptions {
  readonly method?: string;
  /** Header lines without CRLF, e.g. `Range: bytes=0-9`. */
  readonly headers?: readonly string[];
  readonly body?: string | Buffer | undefined;
  readonly timeoutMs?: number;
}

/** One request on its own connection; the target is sent exactly as given (no encoding). */
export async function send(port: number, target: string, options: SendOptions = {}): Promise<RawResponse> {
  const method = options.method ?? 'GET';
  const body = options.body === undefined ? null : Buffer.from(options.body);
  const lines = [`${method} ${target} HTTP/1.1`, 'Host: localhost', ...(options.headers ?? [])];
  if (body !== null) lines.push(`Content-Length: ${body.length}`);
  const client = await RawHttpClient.connect(port);
  try {
    const head = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
    await client.write(body === null ? head : Buffer.concat([head, body]));
    return await client.readResponse({ noBody: method === 'HEAD', timeoutMs: options.timeoutMs ?? 5000 });
  } finally {
    client.close();
  }
}

/** The body of a raw response as bytes (the client reads latin1). */
export function bodyBytes(response: RawResponse): Buffer {
  return Buffer.from(response.body, 'latin1');
}
