/**
 * OutputBuffer's zero-copy path for cached (shared, read-only) content: the shared Buffer goes to the exchange
 * as it is and exactly once; whatever the application writes around it is still copied.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutputBuffer, type OutputTarget } from '../../../src/connector/output-buffer.js';
import { DEFAULT_RESOURCES, isSharedContent, ResourceCache, type FileResource } from '../../../src/resources/resource-cache.js';
import type { Exchange } from '../../../src/protocol/exchange.js';

let root: string;
let cache: ResourceCache;
const SMALL = Buffer.from('shared small body');
const LARGE = Buffer.alloc(20 * 1024, 0x4c);

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'serval-output-shared-'));
  await writeFile(join(root, 'small.txt'), SMALL);
  await writeFile(join(root, 'large.bin'), LARGE);
  cache = new ResourceCache(root, DEFAULT_RESOURCES);
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function shared(name: string): Promise<Buffer> {
  const resource = (await cache.get(`/${name}`)) as FileResource;
  const bytes = (await cache.content(`/${name}`, resource)) as Buffer;
  expect(isSharedContent(bytes)).toBe(true);
  return bytes;
}

interface Setup {
  readonly buffer: OutputBuffer;
  /** The objects handed to exchange.write, as they were handed. */
  readonly written: Uint8Array[];
  readonly commits: Array<number | null>;
  /** What the wire would carry: copied at the moment each write happened. */
  wire(): Buffer;
}

function setup(options: { declared?: number; bufferSize?: number; head?: boolean } = {}): Setup {
  const written: Uint8Array[] = [];
  const snapshots: Buffer[] = [];
  const commits: Array<number | null> = [];
  let committed = false;
  const exchange = {
    aborted: false,
    write: (chunk: Uint8Array) => {
      written.push(chunk);
      snapshots.push(Buffer.from(chunk));
      return true;
    },
    drain: () => Promise.resolve(),
  } as unknown as Exchange;
  const target: OutputTarget = {
    commit: (length) => {
      committed = true;
      commits.push(length);
    },
    isCommitted: () => committed,
    isHead: () => options.head === true,
    bodyAllowed: () => true,
    declaredLength: () => options.declared ?? -1,
    isSuspended: () => false,
  };
  return {
    buffer: new OutputBuffer(exchange, target, options.bufferSize ?? 8192),
    written,
    commits,
    wire: () => Buffer.concat(snapshots),
  };
}

describe('OutputBuffer: shared cached content', () => {
  it("a shared buffer followed by application bytes: the shared one as it is, once; the application's copied", async () => {
    const body = await shared('small.txt');
    const { buffer, written, commits, wire } = setup();
    buffer.write(body);
    const own = Buffer.from(' + trailer written by the application');
    buffer.write(own);
    // The application reuses its array as soon as write() returned.
    own.fill(0x21);
    buffer.finish();
    expect(commits).toEqual([body.length + 37]);
    expect(written).toHaveLength(2);
    expect(written[0]).toBe(body);
    expect(written[1]).not.toBe(own);
    expect(wire().toString()).toBe('shared small body + trailer written by the application');
    expect(Buffer.from(written[1] as Uint8Array).toString()).toBe(' + trailer written by the application');
  });

  it('application bytes that overflow the buffer after a shared one: committed, the shared one sent once, the rest copied', async () => {
    const body = await shared('small.txt');
    const { buffer, written, commits, wire } = setup({ bufferSize: 64 });
    buffer.write(body);
    const own = Buffer.alloc(100, 0x61);
    buffer.write(own);
    own.fill(0x7a);
    expect(commits).toEqual([null]);
    expect(written[0]).toBe(body);
    expect(written.filter((chunk) => chunk === body)).toHaveLength(1);
    expect(written[1]).not.toBe(own);
    buffer.finish();
    expect(wire().equals(Buffer.concat([SMALL, Buffer.alloc(100, 0x61)]))).toBe(true);
  });

  it('a shared buffer larger than the buffer goes straight through, and later application bytes are copied', async () => {
    const body = await shared('large.bin');
    const { buffer, written, wire } = setup();
    buffer.write(body);
    expect(written).toEqual([body]);
    expect(written[0]).toBe(body);
    const own = Buffer.alloc(10_000, 0x62);
    buffer.write(own);
    own.fill(0x63);
    buffer.finish();
    expect(written.filter((chunk) => chunk === body)).toHaveLength(1);
    expect(wire().equals(Buffer.concat([LARGE, Buffer.alloc(10_000, 0x62)]))).toBe(true);
  });

  it('a shared buffer written twice is sent twice (the bytes the application wrote), never merged or dropped', async () => {
    const body = await shared('small.txt');
    const { buffer, written, wire } = setup();
    buffer.write(body);
    buffer.write(body);
    buffer.finish();
    expect(written).toHaveLength(2);
    expect(wire().toString()).toBe(`${SMALL.toString()}${SMALL.toString()}`);
  });

  it('cut to the declared Content-Length: exactly the declared bytes, and the cached bytes stay whole', async () => {
    const body = await shared('large.bin');
    const { buffer, wire, commits } = setup({ declared: 1000 });
    buffer.write(body);
    buffer.write(Buffer.from('ignored'));
    expect(buffer.isClosed()).toBe(true);
    expect(commits).toEqual([null]);
    expect(wire().equals(LARGE.subarray(0, 1000))).toBe(true);
    expect(body.length).toBe(LARGE.length);
    expect(body.equals(LARGE)).toBe(true);
  });

  it('reset() drops buffered shared content: nothing of it is sent', async () => {
    const body = await shared('small.txt');
    const { buffer, written, wire } = setup();
    buffer.write(body);
    buffer.reset();
    buffer.write(Buffer.from('after reset'));
    buffer.finish();
    expect(written.includes(body)).toBe(false);
    expect(wire().toString()).toBe('after reset');
  });

  it('HEAD: shared content is counted for Content-Length, never sent', async () => {
    const body = await shared('small.txt');
    const { buffer, written, commits } = setup({ head: true });
    buffer.write(body);
    buffer.finish();
    expect(written).toEqual([]);
    expect(commits).toEqual([body.length]);
  });
});
