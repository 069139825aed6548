/**
 * A steady, bounded load on one app while its bundle is replaced (redeploy) and while it is reloaded
 * (WatchedResource): no request may fail, and every response must come wholly from one generation.
 */
import { rmSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleBytes, dropBundle, fixtureCopy, startDeployServer, type DeployServer } from './deploy-harness.js';

const WORKERS = 6;
const MAX_REQUESTS = 1500;

describe('redeploy and reload under load', () => {
  let server: DeployServer;
  const apps: string[] = [];
  beforeAll(async () => {
    apps.push(fixtureCopy('gen', 'v1'), fixtureCopy('gen', 'v2'));
    server = await startDeployServer({ prepare: (appBase) => dropBundle(appBase, 'busy.war', bundleBytes(apps[0]!)) });
  });
  afterAll(async () => {
    await server?.close();
    for (const dir of apps) rmSync(dir, { recursive: true, force: true });
  });

  it('serves every request, each wholly from the old or the new generation', async () => {
    const results: { status: number; body: string }[] = [];
    const failures: string[] = [];
    let stop = false;
    const worker = async (): Promise<void> => {
      while (!stop && results.length + failures.length < MAX_REQUESTS) {
        try {
          results.push(await server.get('/busy/gen'));
        } catch (error) {
          failures.push(String(error));
        }
      }
    };
    const load = Promise.all(Array.from({ length: WORKERS }, worker));
    const waitFor = async (count: number): Promise<void> => {
      for (let i = 0; i < 200 && results.length < count; i++) await new Promise((r) => setTimeout(r, 10));
    };

    await waitFor(50);
    dropBundle(server.appBase, 'busy.war', bundleBytes(apps[1]!));
    await server.deployer.check(); // bundle changed, no descriptor → redeploy
    const afterRedeploy = results.length;
    await waitFor(afterRedeploy + 50);

    const webXml = join(server.appBase, 'busy', 'WEB-INF', 'web.xml');
    const past = (Date.now() - 5000) / 1000;
    utimesSync(webXml, past, past);
    await server.deployer.check(); // WatchedResource changed → reload of the same Context
    const afterReload = results.length;
    await waitFor(afterReload + 50);
    stop = true;
    await load;

    expect(failures).toEqual([]);
    expect(server.logs.filter((r) => /changed: redeploying \[busy\]/.test(r.msg))).toHaveLength(1);
    expect(server.logs.filter((r) => /changed: reloading \[busy\]/.test(r.msg))).toHaveLength(1);
    const bad = results.filter((r) => r.status !== 200 || !/^start:(v\d);end:\1$/.test(r.body));
    expect(bad).toEqual([]);
    const versions = new Set(results.map((r) => r.body.slice(6, 8)));
    expect(versions).toEqual(new Set(['v1', 'v2']));
    expect(results.length).toBeGreaterThan(afterReload);
  });
});
