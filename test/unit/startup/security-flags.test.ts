import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadServerConfig } from '../../../src/config/server-xml-loader.js';
import { resolveCatalinaEnv } from '../../../src/startup/catalina-env.js';
import { permissionFlags, permissionGrants, shellWords } from '../../../src/startup/security-flags.js';

let root: string;

beforeAll(() => {
  root = realpathSync(mkdtempSync(join(os.tmpdir(), 'serval-flags-')));
  for (const dir of ['home', 'modules-elsewhere', 'base/conf', 'base/webapps', 'apps', 'docs/shop', 'tls'])
    mkdirSync(join(root, dir), { recursive: true });
  symlinkSync(join(root, 'modules-elsewhere'), join(root, 'home/node_modules'));
  writeFileSync(join(root, 'tls/cert.pem'), '');
  writeFileSync(join(root, 'tls/key.pem'), '');
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

function grantsFor(serverXml: string): ReturnType<typeof permissionGrants> {
  writeFileSync(join(root, 'base/conf/server.xml'), serverXml);
  const env = resolveCatalinaEnv({ CATALINA_HOME: join(root, 'home'), CATALINA_BASE: join(root, 'base') });
  const config = loadServerConfig(env.configFile, { catalinaHome: env.catalinaHome, catalinaBase: env.catalinaBase });
  return permissionGrants(env, config);
}

describe('permissionGrants', () => {
  it('reads: home, base, node, what server.xml names outside them, real paths too; writes: logs, work, temp, appBases', () => {
    const grants = grantsFor(`<?xml version="1.0"?>
<Server port="-1" shutdown="SHUTDOWN">
  <Service name="Catalina">
    <Connector port="0" protocol="HTTP/1.1" SSLEnabled="true">
      <SSLHostConfig><Certificate certificateFile="${root}/tls/cert.pem" certificateKeyFile="${root}/tls/key.pem"/></SSLHostConfig>
    </Connector>
    <Engine name="Catalina" defaultHost="localhost">
      <Host name="localhost" appBase="webapps"/>
      <Host name="other" appBase="${root}/apps">
        <Context path="/shop" docBase="${root}/docs/shop"/>
      </Host>
    </Engine>
  </Service>
</Server>
`);
    expect(grants.read).toContain(join(root, 'home'));
    expect(grants.read).toContain(join(root, 'modules-elsewhere'));
    expect(grants.read).toContain(join(root, 'base'));
    expect(grants.read).toContain(join(root, 'apps'));
    expect(grants.read).toContain(join(root, 'docs/shop'));
    expect(grants.read).toContain(join(root, 'tls/cert.pem'));
    expect(grants.read).toContain(join(root, 'tls/key.pem'));
    expect(grants.read).toContain(realpathSync(process.execPath));
    // Inside a granted directory: nothing of its own.
    expect(grants.read).not.toContain(join(root, 'base/webapps'));
    expect([...grants.write].sort()).toEqual(
      [join(root, 'apps'), join(root, 'base/logs'), join(root, 'base/temp'), join(root, 'base/webapps'), join(root, 'base/work')].sort(),
    );
  });
});

describe('permissionFlags', () => {
  it('one --allow-fs-read per path, /dir/* for a directory, workers allowed, nothing for processes or addons', () => {
    const flags = permissionFlags({ read: [join(root, 'base'), join(root, 'tls/cert.pem')], write: [join(root, 'base/logs')] });
    expect(flags).toEqual([
      '--experimental-permission',
      '--allow-worker',
      `--allow-fs-read=${root}/base/*`,
      `--allow-fs-read=${root}/tls/cert.pem`,
      `--allow-fs-write=${root}/base/logs/*`,
    ]);
  });
});

describe('shellWords', () => {
  it("quotes words for a POSIX shell's eval: spaces, quotes, $ and backslashes arrive unchanged", () => {
    const words = ['--allow-fs-read=/a b/*', "it's", '$HOME', 'back\\slash', '"double"', ''];
    const result = spawnSync('sh', ['-c', `eval "set -- $1"; printf '%s\\n' "$@"`, 'sh', shellWords(words)], { encoding: 'utf8' });
    expect(result.stdout).toBe(words.map((word) => `${word}\n`).join(''));
  });
});
