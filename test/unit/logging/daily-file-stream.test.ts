import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DailyFileStream, localDate, REOPEN_DELAY_MS } from '../../../src/logging/daily-file-stream.js';
import { REPO_ROOT } from '../../helpers/test-server.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'serval-daily-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('localDate', () => {
  it('formats the local calendar date with zero padding', () => {
    expect(localDate(new Date(2026, 0, 5, 23, 59, 59, 999).getTime())).toBe('2026-01-05');
    expect(localDate(new Date(2026, 10, 21, 0, 0, 0, 0).getTime())).toBe('2026-11-21');
  });
});

describe('DailyFileStream', () => {
  it('writes to catalina.<date>.log and rolls over exactly at local midnight', async () => {
    const clock = { now: new Date(2026, 10, 21, 23, 59, 59, 998).getTime() };
    const stream = new DailyFileStream({ dir: path.join(dir, 'nested', 'logs'), now: () => clock.now });
    stream.write('one\n');
    clock.now += 1; // 23:59:59.999, same day
    stream.write('two\n');
    expect(stream.currentFile).toBe(path.join(dir, 'nested', 'logs', 'catalina.2026-11-21.log'));
    clock.now += 1; // midnight
    stream.write('three\n');
    expect(stream.currentFile).toBe(path.join(dir, 'nested', 'logs', 'catalina.2026-11-22.log'));
    await stream.close();

    const logs = path.join(dir, 'nested', 'logs');
    expect((await readdir(logs)).sort()).toEqual(['catalina.2026-11-21.log', 'catalina.2026-11-22.log']);
    expect(await readFile(path.join(logs, 'catalina.2026-11-21.log'), 'utf8')).toBe('one\ntwo\n');
    expect(await readFile(path.join(logs, 'catalina.2026-11-22.log'), 'utf8')).toBe('three\n');
  });

  it('appends to an existing file of the same day and drops writes after close', async () => {
    const now = (): number => new Date(2026, 2, 1, 12).getTime();
    const first = new DailyFileStream({ dir, now });
    first.write('a\n');
    await first.close();
    const second = new DailyFileStream({ dir, now, prefix: 'catalina' });
    second.write('b\n');
    await second.close();
    expect(second.write('late\n')).toBe(false);
    await second.close();
    expect(await readFile(path.join(dir, 'catalina.2026-03-01.log'), 'utf8')).toBe('a\nb\n');
  });

  it('flushes many buffered records written just before close', async () => {
    const stream = new DailyFileStream({ dir, now: () => new Date(2026, 5, 1).getTime() });
    for (let i = 0; i < 5000; i++) stream.write(`record ${i}\n`);
    await stream.close();
    const lines = (await readFile(path.join(dir, 'catalina.2026-06-01.log'), 'utf8')).split('\n');
    expect(lines.length).toBe(5001);
    expect(lines[4999]).toBe('record 4999');
  });

  it('reports an unwritable directory instead of crashing', async () => {
    const errors: Error[] = [];
    const blocker = path.join(dir, 'file');
    await writeFile(blocker, 'not a directory');
    const stream = new DailyFileStream({ dir: path.join(blocker, 'logs'), onError: (e) => errors.push(e) });
    stream.write('x\n');
    await stream.close();
    expect(errors.length).toBeGreaterThan(0);
  });

  it('drops records while the file cannot be opened and opens it again after REOPEN_DELAY_MS', async () => {
    const errors: Error[] = [];
    const blocker = path.join(dir, 'file');
    await writeFile(blocker, 'not a directory');
    const clock = { now: new Date(2026, 6, 1, 12).getTime() };
    const stream = new DailyFileStream({ dir: blocker, now: () => clock.now, onError: (e) => errors.push(e) });
    stream.write('lost\n');
    await expect.poll(() => errors.length).toBe(1);
    expect(stream.write('dropped\n')).toBe(false);
    clock.now += REOPEN_DELAY_MS - 1;
    expect(stream.write('still dropped\n')).toBe(false);

    await rm(blocker);
    clock.now += 1;
    expect(stream.write('kept\n')).toBe(true);
    await stream.close();
    expect(await readFile(path.join(blocker, 'catalina.2026-07-01.log'), 'utf8')).toBe('kept\n');
    expect(errors.length).toBe(1);
  });

  it('lets the process exit cleanly after a file that never opened', async () => {
    // pino's exit hook calls flushSync on every destination still registered; on one that never opened it throws.
    const built = path.join(REPO_ROOT, 'dist/logging/daily-file-stream.js');
    if (!existsSync(built)) throw new Error(`This test runs the build: [${built}] is missing. Run \`npm run build\` first.`);
    const blocker = path.join(dir, 'file');
    await writeFile(blocker, 'not a directory');
    const script = `
      const { DailyFileStream } = require(${JSON.stringify(built)});
      // Exits once the failed open has been reported (however slow the machine), else fails with code 3.
      const stream = new DailyFileStream({
        dir: ${JSON.stringify(path.join(blocker, 'logs'))},
        onError: () => setImmediate(() => process.exit(0)),
      });
      globalThis.keep = stream;
      stream.write('x\\n');
      setTimeout(() => process.exit(3), 8000);
    `;
    const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      execFile(process.execPath, ['-e', script], { timeout: 10_000 }, (error, _stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stderr }),
      );
    });
    expect(result.stderr).not.toContain('sonic boom');
    expect(result.code).toBe(0);
  });
});
