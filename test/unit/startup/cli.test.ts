import { describe, expect, it } from 'vitest';
import { main, normalizeArgv, type CliIo } from '../../../src/startup/cli.js';
import { SERVER_INFO } from '../../../src/version/version.js';

function capture(env: NodeJS.ProcessEnv = {}): CliIo & { out: string; err: string } {
  const io = {
    out: '',
    err: '',
    env,
    stdout: (text: string) => {
      io.out += text;
    },
    stderr: (text: string) => {
      io.err += text;
    },
  };
  return io;
}

const argv = (...args: string[]): string[] => ['node', 'catalina', ...args];

describe('normalizeArgv', () => {
  it('turns Tomcat single-dash long options into double-dash ones and leaves everything else alone', () => {
    expect(normalizeArgv(['stop', '10', '-force', '-config', 'conf/x.xml'])).toEqual(['stop', '10', '--force', '--config', 'conf/x.xml']);
    expect(normalizeArgv(['-config=a.xml', '--config', 'b', '-h', '-help', '-V'])).toEqual([
      '--config=a.xml',
      '--config',
      'b',
      '-h',
      '--help',
      '-V',
    ]);
    expect(normalizeArgv(['-forced', '-configs', 'config', 'force'])).toEqual(['-forced', '-configs', 'config', 'force']);
    expect(normalizeArgv(['run', '-security', '-config', 'x.xml'])).toEqual(['run', '--security', '--config', 'x.xml']);
    expect(normalizeArgv(['-securityx', 'security'])).toEqual(['-securityx', 'security']);
  });
});

describe('main', () => {
  it('version prints the server info and exits 0', async () => {
    const io = capture({ CATALINA_HOME: '/opt/serval', CATALINA_BASE: '/srv/site' });
    expect(await main(argv('version'), io)).toBe(0);
    expect(io.out).toContain(`Server version: ${SERVER_INFO}\n`);
    expect(io.out).toContain('Using CATALINA_BASE:   /srv/site\n');
    expect(io.out).toContain('Using CATALINA_HOME:   /opt/serval\n');
    expect(io.out).toContain('Using CATALINA_TMPDIR: /srv/site/temp\n');
  });

  it('--help and -V exit 0; no command, an unknown command or a bad stop wait exit 1', async () => {
    const help = capture();
    expect(await main(argv('--help'), help)).toBe(0);
    expect(help.out).toContain('Usage: catalina');
    const version = capture();
    expect(await main(argv('-V'), version)).toBe(0);
    expect(version.out).toBe(`${SERVER_INFO}\n`);
    expect(await main(argv(), capture())).toBe(1);
    const unknown = capture();
    expect(await main(argv('restart'), unknown)).toBe(1);
    expect(unknown.err).toContain("unknown command 'restart'");
    const badWait = capture();
    expect(await main(argv('stop', '-5'), badWait)).toBe(1);
    const badWord = capture();
    expect(await main(argv('stop', 'ten'), badWord)).toBe(1);
    expect(badWord.err).toContain('[ten] is not a whole number of seconds.');
  });
});
