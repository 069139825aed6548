/**
 * 50 redeploys of an app holding several MB of module state (and leaving an interval and a process listener
 * behind) must not grow the heap: each generation's module registry must become collectable. Runs the
 * compiled server in a child process started with --expose-gc, so GC is exact and only there.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../helpers/test-server.js';
import { FIXTURES } from './deploy-harness.js';

const MB = 1024 * 1024;

describe('redeploying 50 times', () => {
  it('keeps the heap within a small bound of the first generation', async () => {
    for (const built of ['dist/startup/catalina.js', 'dist/deploy/bundle-builder.js']) {
      if (!existsSync(join(REPO_ROOT, built)))
        throw new Error(`The heap test needs the build: [${built}] is missing. Run \`npm run build\` first.`);
    }
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--expose-gc', join(__dirname, 'heap-probe.cjs'), join(FIXTURES, 'leaky')],
      { timeout: 60_000, maxBuffer: MB },
    );
    const result = JSON.parse(stdout.trim().split('\n').at(-1)!) as { first: number; last: number; generations: number; warnings: number };
    expect(result.generations).toBe(50);
    // Every undeploy (49 redeploys + the final stop) cleared the interval and the process listener: two warnings each.
    expect(result.warnings).toBe(2 * 50);
    // One generation holds ~10 MB (150k objects); keeping even one in ten would exceed this bound.
    expect(
      result.last - result.first,
      `heap after GC: generation 1 ${result.first} bytes, generation 50 ${result.last} bytes`,
    ).toBeLessThan(8 * MB);
  }, 90_000);
});
