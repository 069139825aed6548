// unpackWARs="false" on a blocking-style connector: each worker thread builds its own Context over the same
// bundle (opening the archive itself) and follows the main thread's redeploy of a replaced bundle.
import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Host } from '../../../src/core/host.js';
import type { HostConfig } from '../../../src/deploy/host-config.js';
import type { TestServer } from '../../helpers/test-server.js';
import { BLOCKING_APP_BASE, startBlockingServer } from '../blocking/blocking-server.js';
import { bundleBytes, dropBundle } from './deploy-harness.js';

const SHAPE = /^start:(v\d);thread:(\d+);end:\1$/;

describe('unpackWARs="false" on a blocking connector', () => {
  let server: TestServer;
  let appBase: string;
  const copies: string[] = [];

  function appCopy(version: string): string {
    const dir = mkdtempSync(join(tmpdir(), 'serval-generation-'));
    cpSync(join(BLOCKING_APP_BASE, 'generation'), dir, { recursive: true });
    writeFileSync(join(dir, 'WEB-INF', 'classes', 'generation', 'version.js'), `module.exports = ${JSON.stringify(version)};\n`);
    copies.push(dir);
    return dir;
  }

  beforeAll(async () => {
    appBase = mkdtempSync(join(tmpdir(), 'serval-blocking-packed-'));
    dropBundle(appBase, 'gen.war', bundleBytes(appCopy('v1')));
    server = await startBlockingServer({ appBase, hostAttributes: 'autoDeploy="true" unpackWARs="false"' });
  });

  afterAll(async () => {
    await server?.close();
    for (const dir of [...copies, appBase]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('a worker thread serves the bundle from the archive, and the replaced bundle after check()', async () => {
    const first = await fetch(`${server.url}/gen/gen`);
    const body = await first.text();
    expect(body).toMatch(SHAPE);
    expect(SHAPE.exec(body)?.[1]).toBe('v1');
    // Served by a worker thread (thread 0 is the main thread).
    expect(SHAPE.exec(body)?.[2]).not.toBe('0');
    expect(readdirSync(appBase)).toEqual(['gen.war']);

    dropBundle(appBase, 'gen.war', bundleBytes(appCopy('v2')));
    const host = server.catalina.server.services[0]!.engine.findChild('localhost') as Host;
    await (host.deployer as HostConfig).check();
    expect(SHAPE.exec(await (await fetch(`${server.url}/gen/gen`)).text())?.[1]).toBe('v2');
    expect(readdirSync(appBase)).toEqual(['gen.war']);
  });
});
