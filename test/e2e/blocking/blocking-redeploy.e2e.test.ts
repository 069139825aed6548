// Redeploy and reload reach every worker thread of a blocking connector (issue #7): the main thread's HostConfig
// decides, each worker applies the same step to its own tree with requests to the app held meanwhile. Several
// keep-alive connections, each pinned to its own worker, keep requesting during the swaps: none may fail, each
// response comes wholly from one generation, and every request sent after check() resolved gets the new one.
import { cpSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Host } from '../../../src/core/host.js';
import type { HostConfig } from '../../../src/deploy/host-config.js';
import { RawHttpClient } from '../../helpers/raw-http-client.js';
import type { TestServer } from '../../helpers/test-server.js';
import { bundleBytes, dropBundle } from '../deploy/deploy-harness.js';
import { BLOCKING_APP_BASE, startBlockingServer } from './blocking-server.js';

const CONNECTIONS = 3;
const GET = 'GET /gen/gen HTTP/1.1\r\nHost: localhost\r\n\r\n';
const SHAPE = /^start:(v\d);thread:(\d+);end:\1$/;

interface Answer {
  readonly connection: number;
  /** The step (0 before any, 1 after the redeploy's check(), 2 after the reload's) done when it was sent. */
  readonly sentAfter: number;
  readonly status: number;
  readonly body: string;
}

function appCopy(version: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'serval-generation-'));
  cpSync(join(BLOCKING_APP_BASE, 'generation'), dir, { recursive: true });
  writeFileSync(join(dir, 'WEB-INF', 'classes', 'generation', 'version.js'), `module.exports = ${JSON.stringify(version)};\n`);
  return dir;
}

describe('redeploy and reload on a blocking connector', () => {
  let server: TestServer;
  let appBase: string;
  let deployer: HostConfig;
  const copies: string[] = [];
  const clients: RawHttpClient[] = [];

  beforeAll(async () => {
    copies.push(appCopy('v1'), appCopy('v2'));
    appBase = mkdtempSync(join(tmpdir(), 'serval-blocking-appbase-'));
    dropBundle(appBase, 'gen.war', bundleBytes(copies[0]!));
    server = await startBlockingServer({
      appBase,
      connectorAttributes: `maxThreads="${CONNECTIONS}" minSpareThreads="${CONNECTIONS}" disableKeepAlivePercentage="100"`,
      hostAttributes: 'autoDeploy="true"',
    });
    const host = server.catalina.server.services[0]!.engine.findChild('localhost') as Host;
    deployer = host.deployer as HostConfig;
  });

  afterAll(async () => {
    for (const client of clients) client.close();
    await server?.close();
    for (const dir of [...copies, appBase]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('every worker answers with the new generation after check(), with no failed request during the swaps', async () => {
    for (let i = 0; i < CONNECTIONS; i++) clients.push(await RawHttpClient.connect(server.port));
    const answers: Answer[] = [];
    const failures: string[] = [];
    let step = 0;
    let stop = false;
    const load = clients.map(async (client, connection) => {
      for (let n = 0; n < 2000 && !stop; n++) {
        const sentAfter = step;
        try {
          await client.write(GET);
          const response = await client.readResponse({ timeoutMs: 10_000 });
          answers.push({ connection, sentAfter, status: response.status, body: response.body });
        } catch (error) {
          failures.push(`connection ${connection}: ${String(error)}`);
          return;
        }
      }
    });
    const waitFor = async (count: number): Promise<void> => {
      for (let i = 0; i < 500 && answers.length < count; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    };

    await waitFor(30);
    // Each keep-alive connection holds its own worker thread.
    const threadsBefore = new Set(answers.map((a) => SHAPE.exec(a.body)?.[2]));
    expect(threadsBefore.size).toBe(CONNECTIONS);
    expect(threadsBefore.has('0')).toBe(false);

    // A new bundle, no descriptor: redeploy.
    dropBundle(appBase, 'gen.war', bundleBytes(copies[1]!));
    await deployer.check();
    step = 1;
    const afterRedeploy = answers.length;
    await waitFor(afterRedeploy + 30);

    // New code in the expanded directory, then WEB-INF/web.xml touched (a WatchedResource): reload.
    writeFileSync(join(appBase, 'gen', 'WEB-INF', 'classes', 'generation', 'version.js'), `module.exports = 'v3';\n`);
    const past = (Date.now() - 5000) / 1000;
    utimesSync(join(appBase, 'gen', 'WEB-INF', 'web.xml'), past, past);
    await deployer.check();
    step = 2;
    const afterReload = answers.length;
    await waitFor(afterReload + 30);
    stop = true;
    await Promise.all(load);

    expect(failures).toEqual([]);
    expect(answers.filter((a) => a.status !== 200 || !SHAPE.test(a.body))).toEqual([]);
    const versionOf = (a: Answer): string => SHAPE.exec(a.body)![1]!;
    // Requests sent after a check() resolved are served by the new generation on every worker.
    // (one sent between the two checks may be held by the reload and answered by v3)
    expect(
      answers
        .filter((a) => a.sentAfter === 1)
        .map(versionOf)
        .filter((v) => v === 'v1'),
    ).toEqual([]);
    expect(
      answers
        .filter((a) => a.sentAfter === 2)
        .map(versionOf)
        .filter((v) => v !== 'v3'),
    ).toEqual([]);
    for (const sentAfter of [1, 2]) {
      const connections = new Set(answers.filter((a) => a.sentAfter === sentAfter).map((a) => a.connection));
      expect(connections.size).toBe(CONNECTIONS);
      const threads = new Set(answers.filter((a) => a.sentAfter === sentAfter).map((a) => SHAPE.exec(a.body)![2]));
      expect(threads).toEqual(threadsBefore);
    }
    expect(new Set(answers.map(versionOf))).toEqual(new Set(['v1', 'v2', 'v3']));
    expect(server.logs.filter((r) => /could not apply/.test(r.msg))).toEqual([]);
  });
});
