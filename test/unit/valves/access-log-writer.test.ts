import { mkdir, mkdtemp, readFile, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors/container-error.js';
import { AccessLogWriter, type AccessLogWriterOptions } from '../../../src/valves/access-log-writer.js';

const DAY1 = Date.UTC(2026, 10, 21, 23, 59, 58);
const DAY2 = Date.UTC(2026, 10, 22, 0, 0, 1);

let savedTz: string | undefined;
beforeAll(() => {
  savedTz = process.env.TZ;
  process.env.TZ = 'UTC';
});
afterAll(() => {
  if (savedTz === undefined) delete process.env.TZ;
  else process.env.TZ = savedTz;
});

let dir: string;
let now: number;
const writers: AccessLogWriter[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'serval-access-log-'));
  now = DAY1;
});
afterEach(async () => {
  for (const writer of writers.splice(0)) await writer.close();
  await rm(dir, { recursive: true, force: true });
});

function writer(overrides: Partial<AccessLogWriterOptions> = {}): AccessLogWriter {
  const created = new AccessLogWriter({
    directory: join(dir, 'logs'),
    prefix: 'access_log',
    suffix: '.txt',
    fileDateFormat: '.yyyy-MM-dd',
    rotatable: true,
    renameOnRotate: false,
    buffered: true,
    encoding: 'utf8',
    maxDays: -1,
    clock: () => now,
    flushIntervalMs: 3_600_000,
    ...overrides,
  });
  writers.push(created);
  return created;
}

const read = (name: string): Promise<string> => readFile(join(dir, 'logs', name), 'utf8');

async function waitFor(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('condition not reached within 2 s');
}

describe('AccessLogWriter', () => {
  it('creates the directory and the dated file on open', async () => {
    const w = writer();
    await w.open();
    expect(await readdir(join(dir, 'logs'))).toEqual(['access_log.2026-11-21.txt']);
    expect(w.currentPath).toBe(join(dir, 'logs', 'access_log.2026-11-21.txt'));
  });

  it('keeps lines in memory until flush or close when buffered', async () => {
    const w = writer();
    await w.open();
    w.write('one');
    w.write('two');
    await new Promise((resolve) => setImmediate(resolve));
    expect(await read('access_log.2026-11-21.txt')).toBe('');
    await w.close();
    expect(await read('access_log.2026-11-21.txt')).toBe('one\ntwo\n');
    w.write('after close');
    await w.flush();
    expect(await read('access_log.2026-11-21.txt')).toBe('one\ntwo\n');
  });

  it('writes soon without an explicit flush when unbuffered', async () => {
    const w = writer({ buffered: false });
    await w.open();
    w.write('immediate');
    await waitFor(async () => (await read('access_log.2026-11-21.txt')) === 'immediate\n');
  });

  it('flushes by itself once the size threshold is reached', async () => {
    const w = writer({ flushThresholdBytes: 16 });
    await w.open();
    w.write('short');
    await new Promise((resolve) => setImmediate(resolve));
    expect(await read('access_log.2026-11-21.txt')).toBe('');
    w.write('long enough to cross');
    await waitFor(async () => (await read('access_log.2026-11-21.txt')) === 'short\nlong enough to cross\n');
  });

  it('flushes on its timer', async () => {
    const w = writer({ flushIntervalMs: 20 });
    await w.open();
    w.write('timed');
    await waitFor(async () => (await read('access_log.2026-11-21.txt')) === 'timed\n');
  });

  it('rotates to a new dated file when the date changes, even before the flush', async () => {
    const w = writer();
    await w.open();
    w.write('late on day 1');
    now = DAY2;
    w.write('early on day 2');
    expect(w.currentPath).toBe(join(dir, 'logs', 'access_log.2026-11-22.txt'));
    await w.flush();
    expect(await read('access_log.2026-11-21.txt')).toBe('late on day 1\n');
    expect(await read('access_log.2026-11-22.txt')).toBe('early on day 2\n');
  });

  it('with renameOnRotate writes to prefix+suffix and renames it on rotation', async () => {
    const w = writer({ renameOnRotate: true });
    await w.open();
    w.write('day 1');
    await w.flush();
    expect(await readdir(join(dir, 'logs'))).toEqual(['access_log.txt']);
    now = DAY2;
    w.write('day 2');
    await w.flush();
    expect((await readdir(join(dir, 'logs'))).sort()).toEqual(['access_log.2026-11-21.txt', 'access_log.txt']);
    expect(await read('access_log.2026-11-21.txt')).toBe('day 1\n');
    expect(await read('access_log.txt')).toBe('day 2\n');
  });

  it('with renameOnRotate moves a stale file from an earlier run aside on open', async () => {
    await mkdir(join(dir, 'logs'));
    await writeFile(join(dir, 'logs', 'access_log.txt'), 'old run\n');
    const old = new Date(Date.UTC(2026, 10, 19, 12));
    await utimes(join(dir, 'logs', 'access_log.txt'), old, old);
    const w = writer({ renameOnRotate: true });
    await w.open();
    w.write('new run');
    await w.flush();
    expect(await read('access_log.2026-11-19.txt')).toBe('old run\n');
    expect(await read('access_log.txt')).toBe('new run\n');
  });

  it('with rotatable=false uses one undated file across days', async () => {
    const w = writer({ rotatable: false });
    await w.open();
    w.write('a');
    now = DAY2;
    w.write('b');
    await w.flush();
    expect(await readdir(join(dir, 'logs'))).toEqual(['access_log.txt']);
    expect(await read('access_log.txt')).toBe('a\nb\n');
  });

  it('deletes files older than maxDays and keeps the rest', async () => {
    const logs = join(dir, 'logs');
    await mkdir(logs);
    const aged = async (name: string, days: number): Promise<void> => {
      await writeFile(join(logs, name), 'x');
      const when = new Date(now - days * 86_400_000 - 60_000);
      await utimes(join(logs, name), when, when);
    };
    await aged('access_log.2026-11-01.txt', 20);
    await aged('access_log.2026-11-15.txt', 6);
    await aged('access_log.2026-11-18.txt', 3);
    await aged('other.2026-11-01.txt', 20);
    await aged('access_log.2026-11-01.bak', 20);
    const w = writer({ maxDays: 5 });
    await w.open();
    await w.deleteOldFiles();
    expect((await readdir(logs)).sort()).toEqual([
      'access_log.2026-11-01.bak',
      'access_log.2026-11-18.txt',
      'access_log.2026-11-21.txt',
      'other.2026-11-01.txt',
    ]);
  });

  it('keeps every file when maxDays is not positive', async () => {
    const logs = join(dir, 'logs');
    await mkdir(logs);
    await writeFile(join(logs, 'access_log.2020-01-01.txt'), 'x');
    const when = new Date(Date.UTC(2020, 0, 1));
    await utimes(join(logs, 'access_log.2020-01-01.txt'), when, when);
    const w = writer({ maxDays: -1 });
    await w.open();
    await w.deleteOldFiles();
    expect(await readdir(logs)).toContain('access_log.2020-01-01.txt');
  });

  it('never throws on write failures and reports them once', async () => {
    await writeFile(join(dir, 'blocked'), 'a file, not a directory');
    const reports: string[] = [];
    const w = writer({ directory: join(dir, 'blocked', 'logs'), onError: (message) => reports.push(message) });
    await w.open();
    w.write('lost');
    await w.flush();
    w.write('lost too');
    await w.flush();
    await w.close();
    expect(reports).toHaveLength(1);
    expect(reports[0]).toContain(join(dir, 'blocked', 'logs'));
  });

  it('encodes lines with the configured encoding', async () => {
    const w = writer({ encoding: 'latin1' });
    await w.open();
    w.write('caf\u00e9');
    await w.close();
    const bytes = await readFile(join(dir, 'logs', 'access_log.2026-11-21.txt'));
    expect([...bytes]).toEqual([0x63, 0x61, 0x66, 0xe9, 0x0a]);
  });

  it('rejects an unsupported fileDateFormat', () => {
    expect(() => writer({ fileDateFormat: 'yyyy-ww' })).toThrow(ConfigError);
  });
});

describe('AccessLogWriter: lines encoded in batches', () => {
  it('keeps every byte and the order across many batches, multi-byte text and a very long line', async () => {
    const log = writer({ flushThresholdBytes: 10 * 1024 * 1024 });
    await log.open();
    const lines: string[] = [];
    for (let i = 0; i < 3000; i++) lines.push(`line ${i} ${'é€'.repeat(i % 40)} ${'x'.repeat(i % 97)}`);
    lines.splice(1500, 0, `long ${'€'.repeat(70_000)}`);
    for (const line of lines) log.write(line);
    await log.flush();
    expect(await read('access_log.2026-11-21.txt')).toBe(`${lines.join('\n')}\n`);
  });

  it('writes ISO-8859-1 as one byte per character', async () => {
    const log = writer({ encoding: 'latin1' });
    await log.open();
    log.write('café');
    await log.flush();
    const bytes = await readFile(join(dir, 'logs', 'access_log.2026-11-21.txt'));
    expect([...bytes]).toEqual([0x63, 0x61, 0x66, 0xe9, 0x0a]);
  });
});
