/** Reading what an AccessLogValve wrote, for end-to-end tests. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sleep } from './raw-http-client.js';

/**
 * The first line containing `marker` in today's file of the valve with this prefix (`<logs>/<prefix>.<yyyy-MM-dd>.txt`,
 * the default fileDateFormat), waited for up to 2 s; undefined if it never came.
 */
export async function accessLogLine(logsDir: string, prefix: string, marker: string): Promise<string | undefined> {
  const file = join(logsDir, `${prefix}.${new Date().toISOString().slice(0, 10)}.txt`);
  for (let attempt = 0; attempt < 100; attempt++) {
    const line = existsSync(file)
      ? readFileSync(file, 'utf8')
          .split('\n')
          .find((l) => l.includes(marker))
      : undefined;
    if (line !== undefined) return line;
    await sleep(20);
  }
  return undefined;
}
