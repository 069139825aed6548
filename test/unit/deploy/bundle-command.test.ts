import { mkdtempSync, readFileSync, rmSync, symlinkSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { unpackBundle } from '../../../src/deploy/bundle-unpacker.js';
import { main } from '../../../src/startup/cli.js';
import { REPO_ROOT } from '../../helpers/test-server.js';

const fixture = join(REPO_ROOT, 'test', 'fixtures', 'webapps', 'deploy', 'gen');

describe('catalina bundle <dir> [-o name.war]', () => {
  let dir: string;
  let out: string[];
  let err: string[];
  const io = () => ({ stdout: (t: string) => void out.push(t), stderr: (t: string) => void err.push(t), env: {} });
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'serval-bundle-cmd-'));
    out = [];
    err = [];
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes a bundle that unpacks to the same webapp', async () => {
    const war = join(dir, 'gen.war');
    expect(await main(['node', 'catalina', 'bundle', fixture, '-o', war], io())).toBe(0);
    expect(out.join('')).toMatch(/^Wrote \[.*gen\.war\]: \[\d+\] entries, \[\d+\] bytes\n$/);
    await unpackBundle(war, join(dir, 'unpacked'));
    for (const rel of ['WEB-INF/web.xml', 'WEB-INF/classes/deploy/Gen.js', 'META-INF/context.xml']) {
      expect(readFileSync(join(dir, 'unpacked', rel), 'utf8')).toBe(readFileSync(join(fixture, rel), 'utf8'));
    }
  });

  it('defaults to <dir>.war beside the directory', async () => {
    const app = join(dir, 'myapp');
    cpSync(fixture, app, { recursive: true });
    expect(await main(['node', 'catalina', 'bundle', app], io())).toBe(0);
    expect(readFileSync(join(dir, 'myapp.war')).subarray(0, 4)).toEqual(Buffer.from([0x50, 0x4b, 0x03, 0x04]));
  });

  it('fails with exit code 1 and a clear message for a symbolic link', async () => {
    const app = join(dir, 'linked');
    cpSync(fixture, app, { recursive: true });
    symlinkSync('/etc/hostname', join(app, 'host.txt'));
    expect(await main(['node', 'catalina', 'bundle', app], io())).toBe(1);
    expect(err.join('')).toContain('entry [host.txt] is a symbolic link');
  });
});
