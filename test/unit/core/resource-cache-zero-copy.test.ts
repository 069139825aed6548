/**
 * Zero-copy cached file bodies through the real response path: DefaultServlet → ContainerResponse →
 * OutputBuffer → Exchange hands over the cache's own Buffer, never writes into it, and a changed file is
 * served from new bytes.
 */
import { mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContainerRequest } from '../../../src/connector/container-request.js';
import { ContainerResponse } from '../../../src/connector/container-response.js';
import type { ContextBinding } from '../../../src/core/context-binding.js';
import {
  DEFAULT_RESOURCES,
  isSharedContent,
  publishResourceCache,
  ResourceCache,
  type FileResource,
  type ResourcesSettings,
} from '../../../src/resources/resource-cache.js';
import { emptyMappingData } from '../../../src/mapper/mapping-data.js';
import type { ContainerMapping } from '../../../src/core/request.js';
import type { ServletConfig } from '../../../src/servlet/servlet.js';
import type { ServletContext } from '../../../src/servlet/servlet-context.js';
import { DefaultServlet } from '../../../src/builtin-servlets/default-servlet.js';
import { BufferExchange, testConnectorConfig, type BufferExchangeOptions } from '../../helpers/buffer-exchange.js';

/** Keeps the very objects handed to write() (BufferExchange itself stores copies). */
class IdentityExchange extends BufferExchange {
  readonly chunks: Uint8Array[] = [];
  override write(chunk: Uint8Array): boolean {
    this.chunks.push(chunk);
    return super.write(chunk);
  }
}

const SMALL = 'a small cached file\n';
const MEDIUM = Buffer.alloc(40 * 1024);
for (let i = 0; i < MEDIUM.length; i++) MEDIUM[i] = (i * 7) % 256;

let docBase: string;

beforeAll(async () => {
  docBase = await mkdtemp(join(tmpdir(), 'serval-zero-copy-'));
  await writeFile(join(docBase, 'small.txt'), SMALL);
  await writeFile(join(docBase, 'medium.bin'), MEDIUM);
});
afterAll(async () => {
  await rm(docBase, { recursive: true, force: true });
});

async function servletOver(cache: ResourceCache): Promise<DefaultServlet> {
  const context = {
    getAttribute: () => null,
    getRealPath: (path: string) => join(docBase, path),
    getMimeType: (file: string) => (file.endsWith('.txt') ? 'text/plain' : 'application/octet-stream'),
    log: () => undefined,
  } as unknown as ServletContext;
  if (cache !== null) publishResourceCache(context, cache);
  const config: ServletConfig = {
    getServletName: () => 'default',
    getServletContext: () => context,
    getInitParameter: () => null,
    getInitParameterNames: () => [],
  };
  const servlet = new DefaultServlet();
  await servlet.init(config);
  return servlet;
}

/** One request through a real ContainerRequest/ContainerResponse pair, finished as the container would. */
async function serve(servlet: DefaultServlet, path: string, options: BufferExchangeOptions = {}): Promise<IdentityExchange> {
  const exchange = new IdentityExchange({ target: path, ...options });
  const response = new ContainerResponse(exchange, {});
  const request = new ContainerRequest(exchange, testConnectorConfig(), response);
  response.attach(request);
  const mapping: ContainerMapping = {
    ...emptyMappingData(),
    servletPath: path,
    requestPath: path,
    pattern: '/',
    matchType: 'DEFAULT' as const,
  };
  const binding = {
    contextPath: '',
    useRelativeRedirects: true,
    responseCharacterEncoding: null,
    requestCharacterEncoding: null,
  } as unknown as ContextBinding;
  request.setMapping(mapping, binding, path, null);
  await servlet.service(request, response);
  await response.finish();
  return exchange;
}

const settings = (overrides: Partial<ResourcesSettings> = {}): ResourcesSettings => ({ ...DEFAULT_RESOURCES, ...overrides });

describe('cached static file bodies are sent without a copy', () => {
  it.each([
    ['/small.txt', Buffer.from(SMALL)],
    ['/medium.bin', MEDIUM],
  ])("%s: every response hands the cache's own Buffer to the exchange, once", async (path, content) => {
    const cache = new ResourceCache(docBase, settings({ cacheTtlMs: 60_000 }));
    const servlet = await servletOver(cache);
    const first = await serve(servlet, path);
    const resource = cache.peek(path) as FileResource;
    const cached = cache.cachedContent(path, resource);
    expect(cached).not.toBeNull();
    expect(isSharedContent(cached as Buffer)).toBe(true);

    const second = await serve(servlet, path);
    for (const exchange of [first, second]) {
      expect(exchange.head?.status).toBe(200);
      expect(exchange.header('Content-Length')).toBe(String(content.length));
      expect(exchange.chunks).toHaveLength(1);
      // The very object in the cache: no copy anywhere between the cache and the exchange.
      expect(exchange.chunks[0]).toBe(cached);
      expect(exchange.output.equals(content)).toBe(true);
      expect(exchange.events).toEqual(['writeHead', 'write', 'end']);
    }
  });

  it('the response path never writes into the cached bytes (GET, HEAD, ranges, an If-None-Match miss)', async () => {
    const cache = new ResourceCache(docBase, settings({ cacheTtlMs: 60_000 }));
    const servlet = await servletOver(cache);
    await serve(servlet, '/medium.bin');
    const cached = cache.cachedContent('/medium.bin', cache.peek('/medium.bin') as FileResource) as Buffer;
    const snapshot = Buffer.from(cached);

    await serve(servlet, '/medium.bin', { method: 'HEAD' });
    const ranged = await serve(servlet, '/medium.bin', {
      headers: [
        ['Host', 'x'],
        ['Range', 'bytes=10-19,100-109'],
      ],
    });
    expect(ranged.head?.status).toBe(206);
    const single = await serve(servlet, '/medium.bin', {
      headers: [
        ['Host', 'x'],
        ['Range', 'bytes=5-14'],
      ],
    });
    expect(single.output.equals(MEDIUM.subarray(5, 15))).toBe(true);
    await serve(servlet, '/medium.bin', {
      headers: [
        ['Host', 'x'],
        ['If-None-Match', '"nope"'],
      ],
    });

    expect(cache.cachedContent('/medium.bin', cache.peek('/medium.bin') as FileResource)).toBe(cached);
    expect(cached.equals(snapshot)).toBe(true);
    expect(cached.equals(MEDIUM)).toBe(true);
    const last = await serve(servlet, '/medium.bin');
    expect(last.output.equals(MEDIUM)).toBe(true);
  });

  it('a changed file is served from new bytes; the old buffer (maybe still on a socket) is left as it was', async () => {
    const file = join(docBase, 'changing.txt');
    await writeFile(file, 'version one');
    const cache = new ResourceCache(docBase, settings({ cacheTtlMs: 0 }));
    const servlet = await servletOver(cache);
    const before = await serve(servlet, '/changing.txt');
    expect(before.output.toString()).toBe('version one');
    const oldBytes = before.chunks[0] as Buffer;
    expect(isSharedContent(oldBytes)).toBe(true);

    await writeFile(file, 'version two, longer');
    // A later mtime as well, so the change is seen even on a coarse-grained file system clock.
    await utimes(file, new Date(), new Date(Date.now() + 10_000));
    const after = await serve(servlet, '/changing.txt');
    expect(after.output.toString()).toBe('version two, longer');
    expect(after.header('Content-Length')).toBe('19');
    expect(after.chunks[0]).not.toBe(oldBytes);
    expect(isSharedContent(after.chunks[0] as Buffer)).toBe(true);
    expect(oldBytes.toString()).toBe('version one');

    // Served again while unchanged: the new bytes, still without a copy.
    const again = await serve(servlet, '/changing.txt');
    expect(again.chunks[0]).toBe(after.chunks[0]);
  });

  it('a rewrite of the same size is caught by its mtime', async () => {
    const file = join(docBase, 'same-size.txt');
    await writeFile(file, 'AAAA');
    await utimes(file, new Date(1_000_000_000), new Date(1_000_000_000));
    const cache = new ResourceCache(docBase, settings({ cacheTtlMs: 0 }));
    const servlet = await servletOver(cache);
    expect((await serve(servlet, '/same-size.txt')).output.toString()).toBe('AAAA');
    await writeFile(file, 'BBBB');
    await utimes(file, new Date(1_000_002_000), new Date(1_000_002_000));
    expect((await serve(servlet, '/same-size.txt')).output.toString()).toBe('BBBB');
  });
});
