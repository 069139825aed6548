/**
 * HostConfig end to end: bundles unpacked into the appBase (or served from the archive), autoDeploy's redeploy / reload /
 * undeploy table, settling of young changes, context descriptors and their defaults, naming rules and
 * deployIgnore, bad input that fails one context and is retried once fixed, and leak clearing on undeploy.
 */
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  bundleBytes,
  dropBundle,
  fixtureCopy,
  logsMatching,
  settle,
  setVersion,
  startDeployServer,
  type DeployServer,
} from './deploy-harness.js';

const scratch: string[] = [];
function copy(fixture: string, version?: string): string {
  const dir = fixtureCopy(fixture, version);
  scratch.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

describe('bundles and autoDeploy (unpackWARs=true)', () => {
  let server: DeployServer;
  beforeAll(async () => {
    server = await startDeployServer({
      hostAttributes: 'deployIgnore="ignored.*"',
      prepare: (appBase) => {
        dropBundle(appBase, 'gen.war', bundleBytes(copy('gen', 'v1')));
        dropBundle(appBase, 'shop#cart.zip', bundleBytes(copy('gen', 'cart')));
        dropBundle(appBase, 'ignored-app.war', bundleBytes(copy('gen', 'never')));
      },
    });
  });
  afterAll(async () => server?.close());

  it('unpacks a .war into appBase/<name>/ and serves it, with META-INF/context.xml applied', async () => {
    expect(await server.get('/gen/gen')).toEqual({ status: 200, body: 'start:v1;end:v1' });
    expect(existsSync(join(server.appBase, 'gen', 'WEB-INF', 'web.xml'))).toBe(true);
    const info = JSON.parse((await server.get('/gen/gen?info')).body) as { params: Record<string, string>; env: Record<string, unknown> };
    expect(info.params).toMatchObject({ fromWebXml: 'web.xml', fromEmbedded: 'META-INF' });
    expect(info.env).toEqual({ greeting: 'hello from META-INF', answer: 42 });
  });

  it('names contexts by Tomcat rules (foo#bar → /foo/bar, .zip too) and honours deployIgnore', async () => {
    expect((await server.get('/shop/cart/gen')).body).toBe('start:cart;end:cart');
    expect((await server.get('/ignored-app/gen')).status).toBe(404);
    expect(existsSync(join(server.appBase, 'ignored-app'))).toBe(false);
  });

  it('deploys a new bundle, redeploys a changed one, undeploys a deleted one', async () => {
    dropBundle(server.appBase, 'late.war', bundleBytes(copy('gen', 'late-1')));
    await server.deployer.check();
    expect((await server.get('/late/gen')).body).toBe('start:late-1;end:late-1');

    dropBundle(server.appBase, 'late.war', bundleBytes(copy('gen', 'late-2')));
    await server.deployer.check();
    expect((await server.get('/late/gen')).body).toBe('start:late-2;end:late-2');
    expect(logsMatching(server, /late\.war\] changed: redeploying \[late\]/)).toHaveLength(1);

    rmSync(join(server.appBase, 'late.war'));
    await server.deployer.check();
    expect((await server.get('/late/gen')).status).toBe(404);
    expect(existsSync(join(server.appBase, 'late'))).toBe(false);
  });

  it('leaves a change younger than one second for the next check', async () => {
    writeFileSync(join(server.appBase, 'young.war'), bundleBytes(copy('gen', 'young')));
    await server.deployer.check();
    expect((await server.get('/young/gen')).status).toBe(404);
    settle(join(server.appBase, 'young.war'));
    await server.deployer.check();
    expect((await server.get('/young/gen')).body).toBe('start:young;end:young');
  });

  it('re-expands when a bundle is added beside a deployed directory', async () => {
    const dir = join(server.appBase, 'side');
    cpSync(copy('gen', 'dir'), dir, { recursive: true });
    await server.deployer.check();
    expect((await server.get('/side/gen')).body).toBe('start:dir;end:dir');
    dropBundle(server.appBase, 'side.war', bundleBytes(copy('gen', 'bundle')));
    await server.deployer.check();
    expect((await server.get('/side/gen')).body).toBe('start:bundle;end:bundle');
  });

  it('a corrupt or half-written bundle is not deployed, the others keep serving, and a fixed one deploys', async () => {
    const whole = bundleBytes(copy('gen', 'fixed'));
    dropBundle(server.appBase, 'half.war', whole.subarray(0, whole.length - 40));
    await server.deployer.check();
    expect((await server.get('/half/gen')).status).toBe(404);
    expect(existsSync(join(server.appBase, 'half'))).toBe(false);
    expect(logsMatching(server, /\[half\] from \[.*half\.war\] was not deployed: Bundle \[half\.war\] cannot be read/)).toHaveLength(1);
    expect((await server.get('/gen/gen')).status).toBe(200);
    await server.deployer.check();
    expect(logsMatching(server, /half\.war\] was not deployed/)).toHaveLength(1);

    dropBundle(server.appBase, 'half.war', whole);
    await server.deployer.check();
    expect((await server.get('/half/gen')).body).toBe('start:fixed;end:fixed');
  });

  it('a zip-slip bundle is refused with nothing written outside or inside the appBase', async () => {
    const { buildZip } = await import('../../../src/deploy/bundle-builder.js');
    dropBundle(
      server.appBase,
      'slip.war',
      buildZip([
        { name: 'WEB-INF/web.xml', data: Buffer.from('<web-app/>') },
        { name: '../slip-escaped.txt', data: Buffer.from('x') },
      ]),
    );
    await server.deployer.check();
    expect(existsSync(join(server.appBase, '..', 'slip-escaped.txt'))).toBe(false);
    expect(existsSync(join(server.appBase, 'slip'))).toBe(false);
    expect(logsMatching(server, /slip\.war\] is refused: entry \[\.\.\/slip-escaped\.txt\]/)).toHaveLength(1);
  });
});

describe('unpackWARs=false', () => {
  let server: DeployServer;
  beforeAll(async () => {
    server = await startDeployServer({
      hostAttributes: 'unpackWARs="false"',
      prepare: (appBase) => dropBundle(appBase, 'packed.war', bundleBytes(copy('gen', 'packed'))),
    });
  });
  afterAll(async () => server?.close());

  it('serves the bundle straight from the archive, leaving the appBase and work/ untouched', async () => {
    expect((await server.get('/packed/gen')).body).toBe('start:packed;end:packed');
    expect(existsSync(join(server.appBase, 'packed'))).toBe(false);
    // Nothing is copied anywhere (unpack-wars-false.e2e.test.ts covers the archive-backed webapp in depth).
    expect(existsSync(join(server.base, 'work', 'Catalina', 'localhost', 'packed'))).toBe(false);
  });
});

describe('context descriptors, reloads and bad input', () => {
  let server: DeployServer;
  let external: string;
  beforeAll(async () => {
    external = copy('gen', 'external');
    server = await startDeployServer();
  });
  afterAll(async () => server?.close());

  function descriptorFile(name: string): string {
    const dir = join(server.base, 'conf', 'Catalina', 'localhost');
    mkdirSync(dir, { recursive: true });
    return join(dir, `${name}.xml`);
  }

  it('deploys conf/<Engine>/<Host>/<name>.xml with a docBase outside the appBase; edits redeploy, deletion undeploys', async () => {
    const file = descriptorFile('ext');
    writeFileSync(
      file,
      `<Context docBase="${external}"><Parameter name="fromDescriptor" value="one"/><Environment name="mode" type="java.lang.String" value="first"/></Context>`,
    );
    settle(file);
    await server.deployer.check();
    const info = JSON.parse((await server.get('/ext/gen?info')).body) as { params: Record<string, string>; env: Record<string, unknown> };
    expect(info.params.fromDescriptor).toBe('one');
    // The external docBase's META-INF/context.xml is not read: the descriptor in configBase wins.
    expect(info.params.fromEmbedded).toBeUndefined();
    expect(info.env).toEqual({ mode: 'first' });

    writeFileSync(file, `<Context docBase="${external}"><Environment name="mode" type="java.lang.String" value="second"/></Context>`);
    settle(file);
    await server.deployer.check();
    expect(JSON.parse((await server.get('/ext/gen?info')).body).env).toEqual({ mode: 'second' });

    rmSync(file);
    await server.deployer.check();
    expect((await server.get('/ext/gen')).status).toBe(404);
    expect(existsSync(external)).toBe(true);
  });

  it('applies conf/context.xml and context.xml.default as defaults under each app', async () => {
    const defaults = join(server.base, 'conf', 'Catalina', 'localhost', 'context.xml.default');
    mkdirSync(join(defaults, '..'), { recursive: true });
    writeFileSync(
      defaults,
      '<Context><Parameter name="hostDefault" value="yes"/><Environment name="tier" type="java.lang.String" value="host"/></Context>',
    );
    settle(defaults);
    cpSync(copy('gen', 'defaults'), join(server.appBase, 'withdefaults'), { recursive: true });
    await server.deployer.check();
    const info = JSON.parse((await server.get('/withdefaults/gen?info')).body) as {
      params: Record<string, string>;
      env: Record<string, unknown>;
    };
    expect(info.params).toMatchObject({ hostDefault: 'yes', fromEmbedded: 'META-INF' });
    expect(info.env).toMatchObject({ tier: 'host', greeting: 'hello from META-INF' });
    rmSync(defaults);
  });

  it('an edit of conf/web.xml (a WatchedResource of conf/context.xml) reloads the apps with the new content', async () => {
    const app = join(server.appBase, 'globalxml');
    cpSync(copy('gen', 'g1'), app, { recursive: true });
    settle(app);
    await server.deployer.check();
    const params = async (): Promise<Record<string, string>> =>
      (JSON.parse((await server.get('/globalxml/gen?info')).body) as { params: Record<string, string> }).params;
    expect(await params()).not.toHaveProperty('fromGlobal');

    const global = join(server.base, 'conf', 'web.xml');
    const original = readFileSync(global, 'utf8');
    try {
      writeFileSync(
        global,
        original.replace(
          '</web-app>',
          '<context-param><param-name>fromGlobal</param-name><param-value>edited</param-value></context-param></web-app>',
        ),
      );
      settle(global);
      await server.deployer.check();
      expect(await params()).toMatchObject({ fromGlobal: 'edited' });
    } finally {
      writeFileSync(global, original);
      settle(global);
      await server.deployer.check();
    }
    expect(await params()).not.toHaveProperty('fromGlobal');
  });

  it('notices a META-INF/context.xml added to a deployed directory app, and redeploys with it', async () => {
    const app = join(server.appBase, 'latemeta');
    cpSync(copy('gen', 'm1'), app, { recursive: true });
    rmSync(join(app, 'META-INF'), { recursive: true, force: true });
    settle(app);
    await server.deployer.check();
    const params = async (): Promise<Record<string, string>> =>
      (JSON.parse((await server.get('/latemeta/gen?info')).body) as { params: Record<string, string> }).params;
    expect(await params()).not.toHaveProperty('added');

    mkdirSync(join(app, 'META-INF'));
    const descriptor = join(app, 'META-INF', 'context.xml');
    writeFileSync(descriptor, '<Context><Parameter name="added" value="later"/></Context>');
    settle(descriptor);
    await server.deployer.check();
    expect(await params()).toMatchObject({ added: 'later' });
    expect(logsMatching(server, /META-INF\/context\.xml\] changed: redeploying \[latemeta\]/)).toHaveLength(1);
  });

  it('reloadable="true" reloads on a class change; the WatchedResource web.xml reloads too', async () => {
    const app = join(server.appBase, 'live');
    cpSync(copy('gen', 'r1'), app, { recursive: true });
    writeFileSync(join(app, 'META-INF', 'context.xml'), '<Context reloadable="true"/>');
    await server.deployer.check();
    expect((await server.get('/live/gen')).body).toBe('start:r1;end:r1');

    setVersion(app, 'r2');
    settle(join(app, 'WEB-INF', 'classes', 'deploy', 'version.js'));
    await server.deployer.check();
    expect((await server.get('/live/gen')).body).toBe('start:r2;end:r2');
    expect(logsMatching(server, /WEB-INF\/classes or WEB-INF\/lib of \[live\] changed: reloading/)).toHaveLength(1);

    const webXml = join(app, 'WEB-INF', 'web.xml');
    writeFileSync(webXml, readFileSync(webXml, 'utf8').replace('/gen<', '/gen2<'));
    settle(webXml);
    await server.deployer.check();
    expect((await server.get('/live/gen2')).body).toBe('start:r2;end:r2');
    expect((await server.get('/live/gen')).status).toBe(404);
  });

  it('malformed web.xml, missing servlet-class and a throwing module fail only their context, logged with file and cause; fixing redeploys', async () => {
    const malformed = join(server.appBase, 'malformed');
    cpSync(copy('gen', 'm'), malformed, { recursive: true });
    const webXml = join(malformed, 'WEB-INF', 'web.xml');
    const goodWebXml = readFileSync(webXml, 'utf8');
    writeFileSync(webXml, '<web-app><servlet>');

    const missing = join(server.appBase, 'missing');
    cpSync(copy('gen', 'x'), missing, { recursive: true });
    writeFileSync(join(missing, 'WEB-INF', 'web.xml'), goodWebXml.replace('deploy.Gen', 'deploy.Nowhere'));

    const throwing = join(server.appBase, 'throwing');
    cpSync(copy('gen', 't'), throwing, { recursive: true });
    const versionJs = join(throwing, 'WEB-INF', 'classes', 'deploy', 'version.js');
    writeFileSync(versionJs, "throw new Error('boom at load');\n");

    await server.deployer.check();
    expect(logsMatching(server, /\[malformed\] .* is FAILED: .*malformed\/WEB-INF\/web\.xml/)).toHaveLength(1);
    expect(
      logsMatching(
        server,
        /\[missing\] .* is FAILED: Servlet class \[deploy\.Nowhere\] was not found at \[WEB-INF\/classes\/deploy\/Nowhere\.js\]/,
      ),
    ).toHaveLength(1);
    expect(logsMatching(server, /\[throwing\] .* is FAILED: .*WEB-INF\/classes\/deploy\/version\.js.*boom at load/)).toHaveLength(1);
    for (const name of ['malformed', 'missing', 'throwing']) expect((await server.get(`/${name}/gen`)).status).not.toBe(200);
    expect((await server.get('/live/gen2')).status).toBe(200);

    writeFileSync(webXml, goodWebXml);
    settle(webXml);
    setVersion(throwing, 'healed');
    settle(versionJs);
    await server.deployer.check();
    expect((await server.get('/malformed/gen')).body).toBe('start:m;end:m');
    expect((await server.get('/throwing/gen')).body).toBe('start:healed;end:healed');
  });
});

describe('leaks cleared on undeploy', () => {
  let server: DeployServer;
  const baseline = process.listenerCount('SIGUSR2');
  beforeAll(async () => {
    server = await startDeployServer({ prepare: (appBase) => cpSync(copy('leaky'), join(appBase, 'leaky'), { recursive: true }) });
  });
  afterAll(async () => server?.close());
  afterEach(() => undefined);

  it('calls the destroy hooks, then clears the interval and process listener the app left, naming them', async () => {
    expect((await server.get('/leaky/state')).body).toBe('size=150000');
    expect(process.listenerCount('SIGUSR2')).toBe(baseline + 1);
    const destroyedBefore = (globalThis as { __servalLeakyDestroyed?: number }).__servalLeakyDestroyed ?? 0;
    rmSync(join(server.appBase, 'leaky'), { recursive: true });
    await server.deployer.check();
    expect((await server.get('/leaky/state')).status).toBe(404);
    expect((globalThis as { __servalLeakyDestroyed?: number }).__servalLeakyDestroyed).toBe(destroyedBefore + 1);
    expect(process.listenerCount('SIGUSR2')).toBe(baseline);
    expect(logsMatching(server, /\[leaky\] left setInterval created by \[WEB-INF\/classes\/deploy\/Leaky\.js\] behind/)).toHaveLength(1);
    expect(
      logsMatching(server, /\[leaky\] left a process listener for \[SIGUSR2\] added by \[WEB-INF\/classes\/deploy\/Leaky\.js\] behind/),
    ).toHaveLength(1);
  });
});

describe('the Host periodic event runs check()', () => {
  let server: DeployServer;
  beforeAll(async () => {
    server = await startDeployServer({ engineAttributes: 'backgroundProcessorDelay="1"' });
  });
  afterAll(async () => server?.close());

  it('deploys a dropped bundle without an explicit check', async () => {
    dropBundle(server.appBase, 'auto.war', bundleBytes(copy('gen', 'auto')));
    let result = await server.get('/auto/gen');
    for (let i = 0; i < 40 && result.status !== 200; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      result = await server.get('/auto/gen');
    }
    expect(result.body).toBe('start:auto;end:auto');
  });
});
