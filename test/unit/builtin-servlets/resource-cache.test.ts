import { mkdir, mkdtemp, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { resetSecondClock } from '../../../src/time/second-clock.js';
import {
  DEFAULT_RESOURCES,
  isSharedContent,
  ResourceCache,
  type FileResource,
  type ResourcesSettings,
} from '../../../src/resources/resource-cache.js';

let root: string;
let docBase: string;
let outside: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'serval-resource-cache-'));
  docBase = join(root, 'app');
  outside = join(root, 'outside');
  await mkdir(join(docBase, 'WEB-INF'), { recursive: true });
  await mkdir(join(docBase, 'sub'));
  await mkdir(outside);
  await writeFile(join(docBase, 'small.txt'), 'small');
  await writeFile(join(docBase, 'big.bin'), Buffer.alloc(40 * 1024, 1));
  await writeFile(join(docBase, 'WEB-INF', 'web.xml'), '<web-app/>');
  await writeFile(join(outside, 'secret.txt'), 'secret');
  await symlink(join(outside, 'secret.txt'), join(docBase, 'out.txt'));
  await symlink(outside, join(docBase, 'out-dir'));
  await symlink(join(docBase, 'WEB-INF'), join(docBase, 'alias-web-inf'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const settings = (overrides: Partial<ResourcesSettings> = {}): ResourcesSettings => ({ ...DEFAULT_RESOURCES, ...overrides });

describe('ResourceCache', () => {
  it('resolves files and directories, and refuses links out of the docBase and into WEB-INF', async () => {
    const cache = new ResourceCache(docBase, settings());
    expect((await cache.get('/small.txt')).kind).toBe('file');
    expect((await cache.get('/sub')).kind).toBe('directory');
    expect((await cache.get('/missing')).kind).toBe('missing');
    expect((await cache.get('/out.txt')).kind).toBe('missing');
    expect((await cache.get('/out-dir/secret.txt')).kind).toBe('missing');
    expect((await cache.get('/alias-web-inf/web.xml')).kind).toBe('missing');
    expect((await cache.get('/WEB-INF/web.xml')).kind).toBe('missing');
  });

  it('follows links out of the docBase only with allowLinking', async () => {
    const cache = new ResourceCache(docBase, settings({ allowLinking: true }));
    expect(await cache.get('/out.txt')).toMatchObject({ kind: 'file', size: 6 });
  });

  it('serves small files from memory and accounts for them; big ones are left to streaming', async () => {
    const cache = new ResourceCache(docBase, settings({ cacheObjectMaxSizeBytes: 16 * 1024 }));
    const small = (await cache.get('/small.txt')) as FileResource;
    const first = await cache.content('/small.txt', small);
    expect(first?.toString()).toBe('small');
    expect(await cache.content('/small.txt', small)).toBe(first);
    expect(cache.sizeBytes).toBeGreaterThanOrEqual(5);
    const big = (await cache.get('/big.bin')) as FileResource;
    expect(await cache.content('/big.bin', big)).toBeNull();
  });

  it('evicts the least recently used entries to stay within cacheMaxSize', async () => {
    const dir = join(docBase, 'many');
    await mkdir(dir, { recursive: true });
    for (let i = 0; i < 30; i++) await writeFile(join(dir, `f${i}`), Buffer.alloc(1000, i));
    const cache = new ResourceCache(docBase, settings({ cacheMaxSizeBytes: 10 * 1024, cacheObjectMaxSizeBytes: 2048 }));
    for (let i = 0; i < 30; i++) {
      const path = `/many/f${i}`;
      await cache.content(path, (await cache.get(path)) as FileResource);
      expect(cache.sizeBytes).toBeLessThanOrEqual(10 * 1024);
    }
    expect(cache.sizeBytes).toBeGreaterThan(5 * 1024);
  });

  it('trusts an entry for cacheTtl, and past it notices the change on disk', async () => {
    const file = join(docBase, 'changing.txt');
    await writeFile(file, 'one');
    const trusting = new ResourceCache(docBase, settings({ cacheTtlMs: 60_000 }));
    const checking = new ResourceCache(docBase, settings({ cacheTtlMs: 0 }));
    const before = (await trusting.get('/changing.txt')) as FileResource;
    const checkedBefore = await checking.get('/changing.txt');
    await writeFile(file, 'three');
    await utimes(file, new Date(), new Date(Date.now() + 10_000));
    expect(await trusting.get('/changing.txt')).toBe(before);
    const after = (await checking.get('/changing.txt')) as FileResource;
    expect(after).not.toBe(checkedBefore);
    expect(after.size).toBe(5);
  });

  it('keeps the same entry (and its bytes) when a revalidation finds the file unchanged', async () => {
    const cache = new ResourceCache(docBase, settings({ cacheTtlMs: 0 }));
    const first = (await cache.get('/small.txt')) as FileResource;
    const bytes = await cache.content('/small.txt', first);
    const again = (await cache.get('/small.txt')) as FileResource;
    expect(again).toBe(first);
    expect(await cache.content('/small.txt', again)).toBe(bytes);
  });

  it('invalidate() forgets a path at once; cachingAllowed=false stores nothing', async () => {
    const cache = new ResourceCache(docBase, settings());
    const first = await cache.get('/small.txt');
    cache.invalidate('/small.txt');
    expect(await cache.get('/small.txt')).not.toBe(first);
    const uncached = new ResourceCache(docBase, settings({ cachingAllowed: false }));
    await uncached.get('/small.txt');
    expect(uncached.sizeBytes).toBe(0);
  });

  it('decides where a PUT may write', async () => {
    const cache = new ResourceCache(docBase, settings());
    expect(await cache.writableTarget('/new.txt')).toMatch(/app[/\\]new\.txt$/);
    expect(await cache.writableTarget('/sub/new.txt')).toMatch(/sub[/\\]new\.txt$/);
    for (const path of [
      '/new/',
      '/sub',
      '/no-dir/x',
      '/out-dir/x.txt',
      '/out.txt',
      '/WEB-INF/x',
      '/web-inf/x',
      '/alias-web-inf/x',
      '/META-INF/x',
    ]) {
      expect(await cache.writableTarget(path), path).toBeNull();
    }
  });

  it('peek and cachedContent answer from memory only: nothing before the first lookup and read, the same objects after', async () => {
    const cache = new ResourceCache(docBase, settings());
    expect(cache.peek('/small.txt')).toBeUndefined();
    const resource = (await cache.get('/small.txt')) as FileResource;
    expect(cache.peek('/small.txt')).toBe(resource);
    expect(cache.cachedContent('/small.txt', resource)).toBeNull();
    const content = await cache.content('/small.txt', resource);
    expect(cache.cachedContent('/small.txt', resource)).toBe(content);
    // The bytes are shared read-only with responses (sent without a copy); other buffers are not.
    expect(isSharedContent(content as Buffer)).toBe(true);
    expect(isSharedContent(Buffer.from('small'))).toBe(false);
  });

  it('peek expires with cacheTtl, so a changed file is looked up again', async () => {
    const cache = new ResourceCache(docBase, settings({ cacheTtlMs: 0 }));
    await cache.get('/small.txt');
    expect(cache.peek('/small.txt')).toBeUndefined();
  });

  it('from a cacheTtl of 2 s up, times entries to the second and never trusts one longer than cacheTtl', async () => {
    vi.useFakeTimers({ toFake: ['Date', 'setTimeout', 'clearTimeout'] });
    try {
      // Loaded at 10.999: trusted until 14.000, cacheTtl less 1 s after the start of its second (3.001 s here).
      vi.setSystemTime(new Date('2026-03-05T07:08:10.999Z'));
      resetSecondClock();
      const cache = new ResourceCache(docBase, settings({ cacheTtlMs: 5000 }));
      await cache.get('/small.txt');
      vi.advanceTimersByTime(3000);
      expect(cache.peek('/small.txt')?.kind).toBe('file');
      vi.advanceTimersByTime(1);
      expect(cache.peek('/small.txt')).toBeUndefined();

      // Below 2 s the clock is read on every lookup: exactly cacheTtl.
      vi.setSystemTime(new Date('2026-03-05T07:09:00.500Z'));
      const precise = new ResourceCache(docBase, settings({ cacheTtlMs: 1500 }));
      await precise.get('/small.txt');
      vi.setSystemTime(new Date('2026-03-05T07:09:01.999Z'));
      expect(precise.peek('/small.txt')?.kind).toBe('file');
      vi.setSystemTime(new Date('2026-03-05T07:09:02.000Z'));
      expect(precise.peek('/small.txt')).toBeUndefined();
    } finally {
      vi.useRealTimers();
      resetSecondClock();
    }
  });
});
