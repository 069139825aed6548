import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveCatalinaEnv } from '../../../src/startup/catalina-env.js';
import { PACKAGE_ROOT } from '../../../src/version/version.js';

describe('resolveCatalinaEnv', () => {
  it('defaults CATALINA_HOME to the package root and CATALINA_BASE to HOME', () => {
    const env = resolveCatalinaEnv({});
    expect(env.catalinaHome).toBe(PACKAGE_ROOT);
    expect(env.catalinaBase).toBe(PACKAGE_ROOT);
    expect(env.configFile).toBe(path.join(PACKAGE_ROOT, 'conf', 'server.xml'));
    expect(env.catalinaOut).toBe(path.join(PACKAGE_ROOT, 'logs', 'catalina.out'));
    expect(env.catalinaTmpdir).toBe(path.join(PACKAGE_ROOT, 'temp'));
    expect(env.catalinaPid).toBeUndefined();
    expect('catalinaPid' in env).toBe(false);
  });

  it('the package root is the directory holding package.json and bin/', () => {
    expect(path.join(PACKAGE_ROOT, 'package.json')).toBe(path.resolve(__dirname, '../../../package.json'));
  });

  it('derives conf, logs and temp from CATALINA_BASE, not HOME', () => {
    const env = resolveCatalinaEnv({ CATALINA_HOME: '/opt/serval', CATALINA_BASE: '/srv/site' });
    expect(env.catalinaHome).toBe('/opt/serval');
    expect(env.catalinaBase).toBe('/srv/site');
    expect(env.configFile).toBe('/srv/site/conf/server.xml');
    expect(env.catalinaOut).toBe('/srv/site/logs/catalina.out');
    expect(env.catalinaTmpdir).toBe('/srv/site/temp');
  });

  it('CATALINA_BASE defaults to an explicit CATALINA_HOME', () => {
    const env = resolveCatalinaEnv({ CATALINA_HOME: '/opt/serval' });
    expect(env.catalinaBase).toBe('/opt/serval');
    expect(env.configFile).toBe('/opt/serval/conf/server.xml');
  });

  it('honours CATALINA_OUT, CATALINA_TMPDIR and CATALINA_PID', () => {
    const env = resolveCatalinaEnv({
      CATALINA_BASE: '/srv/site',
      CATALINA_OUT: '/var/log/serval.out',
      CATALINA_TMPDIR: '/tmp/serval',
      CATALINA_PID: '/run/serval.pid',
    });
    expect(env.catalinaOut).toBe('/var/log/serval.out');
    expect(env.catalinaTmpdir).toBe('/tmp/serval');
    expect(env.catalinaPid).toBe('/run/serval.pid');
  });

  it('resolves relative values against the working directory and treats empty values as unset', () => {
    const env = resolveCatalinaEnv({ CATALINA_BASE: 'site', CATALINA_PID: 'run/x.pid', CATALINA_HOME: '  ' }, { cwd: '/work/dir' });
    expect(env.catalinaBase).toBe('/work/dir/site');
    expect(env.catalinaPid).toBe('/work/dir/run/x.pid');
    expect(env.catalinaHome).toBe(PACKAGE_ROOT);
  });

  it('-config overrides conf/server.xml; a relative path resolves against CATALINA_BASE', () => {
    expect(resolveCatalinaEnv({ CATALINA_BASE: '/srv/site' }, { config: '/etc/serval/server.xml' }).configFile).toBe(
      '/etc/serval/server.xml',
    );
    expect(resolveCatalinaEnv({ CATALINA_BASE: '/srv/site' }, { config: 'conf/alt.xml' }).configFile).toBe('/srv/site/conf/alt.xml');
    expect(resolveCatalinaEnv({ CATALINA_BASE: '/srv/site' }, { config: '' }).configFile).toBe('/srv/site/conf/server.xml');
  });
});
