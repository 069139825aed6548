/** OutputBuffer: cached static content goes to the exchange as it is; the application's own bytes are copied. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutputBuffer, type OutputTarget } from '../../../src/connector/output-buffer.js';
import { DEFAULT_RESOURCES, ResourceCache, type FileResource } from '../../../src/resources/resource-cache.js';
import type { Exchange } from '../../../src/protocol/exchange.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'serval-output-buffer-'));
  await writeFile(join(root, 'big.txt'), Buffer.alloc(100 * 1024, 0x61));
  await writeFile(join(root, 'small.txt'), 'small file');
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

function setup(declared: number): { buffer: OutputBuffer; written: Uint8Array[]; commits: Array<number | null> } {
  const written: Uint8Array[] = [];
  const commits: Array<number | null> = [];
  let committed = false;
  const exchange = {
    aborted: false,
    write: (chunk: Uint8Array) => {
      written.push(chunk);
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
    isHead: () => false,
    bodyAllowed: () => true,
    declaredLength: () => declared,
    isSuspended: () => false,
  };
  return { buffer: new OutputBuffer(exchange, target, 8192), written, commits };
}

async function cached(name: string): Promise<Buffer> {
  const cache = new ResourceCache(root, DEFAULT_RESOURCES);
  const resource = (await cache.get(`/${name}`)) as FileResource;
  return (await cache.content(`/${name}`, resource)) as Buffer;
}

describe('OutputBuffer', () => {
  it('a cached file larger than the buffer reaches the exchange in one write, the same bytes, not a copy', async () => {
    const body = await cached('big.txt');
    const { buffer, written, commits } = setup(body.length);
    buffer.write(body);
    expect(written).toHaveLength(1);
    expect(written[0]).toBe(body);
    expect(commits).toEqual([null]);
    expect(buffer.isClosed()).toBe(true);
  });

  it('a small cached file is buffered without a copy and sent as it is at finish', async () => {
    const body = await cached('small.txt');
    const { buffer, written, commits } = setup(-1);
    buffer.write(body);
    expect(written).toHaveLength(0);
    buffer.finish();
    expect(commits).toEqual([body.length]);
    expect(written).toEqual([body]);
    expect(written[0]).toBe(body);
  });

  it("the application's own bytes, large or small, are copied (it may reuse its array)", () => {
    const large = Buffer.alloc(20000, 0x62);
    const { buffer, written } = setup(-1);
    buffer.write(large);
    large.fill(0x63);
    expect(written).toHaveLength(1);
    expect(written[0]).not.toBe(large);
    expect(Buffer.from(written[0] as Uint8Array).every((byte) => byte === 0x62)).toBe(true);
  });
});
