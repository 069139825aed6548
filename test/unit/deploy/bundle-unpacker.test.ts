import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildBundle, buildZip, collectDirectory, crc32, symlinkEntry, type BundleEntry } from '../../../src/deploy/bundle-builder.js';
import { DEFAULT_UNPACK_LIMITS, unpackBundle, unsafeName } from '../../../src/deploy/bundle-unpacker.js';
import { ContainerError } from '../../../src/errors/container-error.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'serval-unpack-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function writeZip(name: string, entries: BundleEntry[]): string {
  const file = join(dir, name);
  writeFileSync(file, buildZip(entries));
  return file;
}

async function refusal(promise: Promise<unknown>): Promise<ContainerError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ContainerError);
  return error as ContainerError;
}

/** Nothing but the bundle itself may be left in `dir` after a refusal. */
function expectNothingWritten(bundle: string): void {
  expect(readdirSync(dir)).toEqual([bundle]);
}

describe('crc32', () => {
  it('matches the ISO 3309 check value and continues across chunks', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
    expect(crc32(Buffer.from('6789'), crc32(Buffer.from('12345')))).toBe(0xcbf43926);
  });
});

describe('bundle round trip', () => {
  it('unpacks what collectDirectory + buildZip packed, byte for byte', async () => {
    const app = join(dir, 'app');
    mkdirSync(join(app, 'WEB-INF', 'classes', 'a'), { recursive: true });
    writeFileSync(join(app, 'index.html'), '<h1>hi</h1>');
    writeFileSync(join(app, 'WEB-INF', 'web.xml'), '<web-app/>');
    writeFileSync(join(app, 'WEB-INF', 'classes', 'a', 'S.js'), 'module.exports = class S {};\n'.repeat(200));
    writeFileSync(join(app, 'empty.txt'), '');
    const { file, entries } = buildBundle(app, join(dir, 'app.war'));
    expect(entries).toBe(7);
    const result = await unpackBundle(file, join(dir, 'out'));
    expect(result.entries).toBe(7);
    for (const rel of ['index.html', 'WEB-INF/web.xml', 'WEB-INF/classes/a/S.js', 'empty.txt']) {
      expect(readFileSync(join(dir, 'out', rel))).toEqual(readFileSync(join(app, rel)));
    }
  });

  it('refuses to bundle a directory holding a symbolic link', () => {
    const app = join(dir, 'linked');
    mkdirSync(app);
    symlinkSync('/etc/passwd', join(app, 'passwd'));
    expect(() => collectDirectory(app)).toThrow(/symbolic link/);
  });
});

describe('unsafe entries are refused and nothing is written', () => {
  const cases: [string, BundleEntry, RegExp][] = [
    ['zip-slip', { name: '../evil.txt', data: Buffer.from('x') }, /\[\.\.\] segment/],
    ['nested zip-slip', { name: 'WEB-INF/../../evil.txt', data: Buffer.from('x') }, /\[\.\.\] segment/],
    ['absolute path', { name: '/tmp/evil.txt', data: Buffer.from('x') }, /absolute path/],
    ['drive letter', { name: 'C:/evil.txt', data: Buffer.from('x') }, /drive letter/],
    ['backslash', { name: '..\\evil.txt', data: Buffer.from('x') }, /backslash/],
    ['symbolic link', symlinkEntry('WEB-INF/link', '/etc/passwd'), /symbolic link/],
  ];
  for (const [label, bad, message] of cases) {
    it(label, async () => {
      const file = writeZip('bad.war', [{ name: 'index.html', data: Buffer.from('ok') }, bad]);
      const error = await refusal(unpackBundle(file, join(dir, 'out')));
      expect(error.code).toBe('SV_ERR_DEPLOY_BUNDLE_UNSAFE_ENTRY');
      expect(error.message).toMatch(message);
      expect(error.message).toContain('bad.war');
      expectNothingWritten('bad.war');
    });
  }

  it('names safe and unsafe paths correctly', () => {
    expect(unsafeName('WEB-INF/classes/a.js')).toBeNull();
    expect(unsafeName('dir/')).toBeNull();
    expect(unsafeName('a/./b')).toMatch(/segment/);
    expect(unsafeName('a//b')).toMatch(/segment/);
    expect(unsafeName('a\0b')).toMatch(/NUL/);
    expect(unsafeName('..')).toMatch(/\.\./);
  });
});

describe('limits', () => {
  it('refuses more entries than maxEntries', async () => {
    const file = writeZip(
      'many.zip',
      Array.from({ length: 5 }, (_, i) => ({ name: `f${i}.txt`, data: Buffer.from('x') })),
    );
    const error = await refusal(unpackBundle(file, join(dir, 'out'), { ...DEFAULT_UNPACK_LIMITS, maxEntries: 4 }));
    expect(error.code).toBe('SV_ERR_DEPLOY_BUNDLE_LIMIT');
    expect(error.message).toContain('entry count [5] exceeds the limit [4]');
    expectNothingWritten('many.zip');
  });

  it('refuses a total unpacked size over maxUnpackedBytes', async () => {
    const file = writeZip('big.zip', [
      { name: 'a.bin', data: Buffer.alloc(600, 1), store: true },
      { name: 'b.bin', data: Buffer.alloc(600, 2), store: true },
    ]);
    const error = await refusal(unpackBundle(file, join(dir, 'out'), { ...DEFAULT_UNPACK_LIMITS, maxUnpackedBytes: 1000 }));
    expect(error.message).toContain('total unpacked size in bytes [1200] exceeds the limit [1000]');
    expectNothingWritten('big.zip');
  });

  it('refuses an entry with a zip-bomb compression ratio', async () => {
    const file = writeZip('bomb.war', [{ name: 'zeros.bin', data: Buffer.alloc(4 * 1024 * 1024) }]);
    const error = await refusal(unpackBundle(file, join(dir, 'out')));
    expect(error.code).toBe('SV_ERR_DEPLOY_BUNDLE_LIMIT');
    expect(error.message).toMatch(/compression ratio of entry \[zeros\.bin\] \[\d+\] exceeds the limit \[100\]/);
    expectNothingWritten('bomb.war');
  });

  it('accepts the same content below the ratio threshold', async () => {
    const file = writeZip('small.war', [{ name: 'zeros.bin', data: Buffer.alloc(1000) }]);
    await unpackBundle(file, join(dir, 'out'));
    expect(readFileSync(join(dir, 'out', 'zeros.bin')).length).toBe(1000);
  });
});

describe('corrupt archives', () => {
  it('refuses a truncated (half-copied) bundle', async () => {
    const whole = buildZip([{ name: 'a.txt', data: Buffer.from('hello '.repeat(1000)) }]);
    const file = join(dir, 'half.war');
    writeFileSync(file, whole.subarray(0, Math.floor(whole.length / 2)));
    const error = await refusal(unpackBundle(file, join(dir, 'out')));
    expect(error.code).toBe('SV_ERR_DEPLOY_BUNDLE_CORRUPT');
    expectNothingWritten('half.war');
  });

  it('refuses data whose CRC does not match, leaving nothing behind', async () => {
    const zip = buildZip([
      { name: 'first.txt', data: Buffer.from('fine'), store: true },
      { name: 'second.txt', data: Buffer.from('PAYLOAD'), store: true },
    ]);
    const at = zip.indexOf('PAYLOAD');
    zip[at] = 'X'.charCodeAt(0);
    const file = join(dir, 'flipped.war');
    writeFileSync(file, zip);
    const error = await refusal(unpackBundle(file, join(dir, 'out')));
    expect(error.code).toBe('SV_ERR_DEPLOY_BUNDLE_ENTRY_CRC');
    expect(error.message).toMatch(
      /^Entry \[second\.txt\] of bundle \[flipped\.war\] has CRC-32 \[[0-9a-f]+\] where the central directory declares \[[0-9a-f]+\]/,
    );
    expect(existsSync(join(dir, 'out'))).toBe(false);
    expectNothingWritten('flipped.war');
  });

  it('refuses a file that is not a zip at all', async () => {
    const file = join(dir, 'text.war');
    writeFileSync(file, 'this is not a zip file');
    expect((await refusal(unpackBundle(file, join(dir, 'out')))).code).toBe('SV_ERR_DEPLOY_BUNDLE_CORRUPT');
  });
});
