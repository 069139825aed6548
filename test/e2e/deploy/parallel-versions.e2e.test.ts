/**
 * Parallel deployment end to end (reference §5): `app##1` and `app##2` serve the same path side by side; a
 * request whose session lives in a version keeps going there, every other request goes to the newest version
 * (string order: `##2` is newer than `##11`); undeployOldVersions removes an old version once its sessions
 * are gone. Also the Host's unpack limits: a lowered limit refuses a bundle with a log line naming it.
 */
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildZip } from '../../../src/deploy/bundle-builder.js';
import { bundleBytes, dropBundle, fixtureCopy, logsMatching, setVersion, startDeployServer, type DeployServer } from './deploy-harness.js';

const scratch: string[] = [];
function versioned(version: string): Buffer {
  const dir = fixtureCopy('versioned');
  scratch.push(dir);
  setVersion(dir, version);
  return bundleBytes(dir);
}
afterAll(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

interface Answer {
  readonly status: number;
  readonly body: string;
  /** The JSESSIONID the response set, if any. */
  readonly session: string | null;
}

async function get(server: DeployServer, path: string, session?: string): Promise<Answer> {
  const response = await fetch(server.url + path, session === undefined ? {} : { headers: { cookie: `JSESSIONID=${session}` } });
  const cookie = response.headers.getSetCookie().find((c) => c.startsWith('JSESSIONID='));
  return {
    status: response.status,
    body: await response.text(),
    session: cookie ? cookie.slice('JSESSIONID='.length).split(';')[0]! : null,
  };
}

describe('parallel versions with undeployOldVersions="true"', () => {
  let server: DeployServer;
  beforeAll(async () => {
    server = await startDeployServer({
      hostAttributes: 'undeployOldVersions="true"',
      prepare: (appBase) => {
        dropBundle(appBase, 'app##1.war', versioned('v1'));
      },
    });
  });
  afterAll(async () => server?.close());
  let aliceId = '';
  let bobId = '';

  it('keeps a session on the version that created it while new clients get the newest version', async () => {
    const alice = await get(server, '/app/who?login=alice');
    expect(alice.body).toBe('v1 alice');
    expect(alice.session).not.toBeNull();
    aliceId = alice.session!;

    dropBundle(server.appBase, 'app##2.war', versioned('v2'));
    await server.deployer.check();
    expect(server.deployer.findContext('app##2')?.state).toBe('STARTED');
    // v1 still holds alice's session, so undeployOldVersions leaves it alone.
    expect(server.deployer.findContext('app##1')?.state).toBe('STARTED');

    expect((await get(server, '/app/who', aliceId)).body).toBe('v1 alice');
    expect((await get(server, `/app/who;jsessionid=${aliceId}`)).body).toBe('v1 alice');
    expect((await get(server, '/app/who')).body).toBe('v2 anonymous');
    expect((await get(server, '/app/who', 'no-such-session')).body).toBe('v2 anonymous');

    const bob = await get(server, '/app/who?login=bob');
    expect(bob.body).toBe('v2 bob');
    bobId = bob.session!;
    expect((await get(server, '/app/who', bobId)).body).toBe('v2 bob');
    expect((await get(server, '/app/who', aliceId)).body).toBe('v1 alice');
  });

  it('undeploys the old version on the next check once its last session is invalidated, and deletes its files', async () => {
    const v1 = server.deployer.findContext('app##1')!;
    expect(v1.sessionManager.getActiveSessionCount()).toBe(1);
    await server.deployer.check();
    expect(server.deployer.findContext('app##1')).toBe(v1);

    expect((await get(server, '/app/who?logout', aliceId)).body).toBe('v1 logged-out');
    expect(v1.sessionManager.getActiveSessionCount()).toBe(0);
    await server.deployer.check();
    expect(server.deployer.findContext('app##1')).toBeNull();
    expect(logsMatching(server, /Undeploying old version \[app##1\]/)).toHaveLength(1);
    expect(existsSync(join(server.appBase, 'app##1.war'))).toBe(false);
    expect(existsSync(join(server.appBase, 'app##1'))).toBe(false);
    expect((await get(server, '/app/who', aliceId)).body).toBe('v2 anonymous');

    // Its files are gone, so the next scan does not bring it back; v2 and its sessions are untouched.
    await server.deployer.check();
    expect(server.deployer.findContext('app##1')).toBeNull();
    expect(server.deployer.findContext('app##2')?.state).toBe('STARTED');
    expect((await get(server, '/app/who', bobId)).body).toBe('v2 bob');
  });

  it('orders versions as strings: ##2 is newer than ##11, so ##11 is the old one', async () => {
    dropBundle(server.appBase, 'ord##11.war', versioned('eleven'));
    dropBundle(server.appBase, 'ord##2.war', versioned('two'));
    await server.deployer.check();
    expect((await get(server, '/ord/who')).body).toBe('two anonymous');
    // ##11 never had a session: the next check undeploys it as the older version.
    await server.deployer.check();
    expect(server.deployer.findContext('ord##11')).toBeNull();
    expect(server.deployer.findContext('ord##2')?.state).toBe('STARTED');
    expect(existsSync(join(server.appBase, 'ord##11.war'))).toBe(false);
    expect(existsSync(join(server.appBase, 'ord##2.war'))).toBe(true);
  });
});

describe('unpack limits as Host attributes', () => {
  let server: DeployServer;
  beforeAll(async () => {
    server = await startDeployServer({
      hostAttributes: 'maxUnpackEntries="3" maxUnpackCompressionRatio="-1"',
      prepare: (appBase) => {
        dropBundle(appBase, 'small.war', buildZip([{ name: 'index.html', data: Buffer.from('small app') }]));
        dropBundle(appBase, 'big.war', versioned('big'));
      },
    });
  });
  afterAll(async () => server?.close());

  it('takes the limits from the Host (-1 means none) and refuses a bundle over them with a log line naming the attribute', async () => {
    expect(server.deployer.unpackLimits).toMatchObject({
      maxEntries: 3,
      maxUnpackedBytes: 1024 * 1024 * 1024,
      maxCompressionRatio: Infinity,
    });
    expect(await server.get('/small/index.html')).toEqual({ status: 200, body: 'small app' });
    expect((await server.get('/big/who')).status).toBe(404);
    expect(existsSync(join(server.appBase, 'big'))).toBe(false);
    const lines = logsMatching(server, /Web application \[big\] from \[.*big\.war\] was not deployed/);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/entry count \[\d+\] exceeds the limit \[3\] \(Host attribute maxUnpackEntries\); nothing was unpacked/);
  });
});
