// ArchiveResources: a bundle read in place (unpackWARs="false") — entries, implicit directories, ranges,
// corruption found on read, the unpacker's refusals at open, the descriptor's lifetime, and the loader over it.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ArchiveResources } from '../../../src/deploy/archive-resources.js';
import { buildZip, symlinkEntry, type BundleEntry } from '../../../src/deploy/bundle-builder.js';
import { DEFAULT_UNPACK_LIMITS } from '../../../src/deploy/bundle-unpacker.js';
import { WebappLoader } from '../../../src/deploy/webapp-loader.js';
import { ContainerError } from '../../../src/errors/container-error.js';

let dir: string;
const opened: ArchiveResources[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'serval-archive-'));
});
afterEach(() => {
  for (const archive of opened.splice(0)) archive.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Text that deflate shrinks (so buildZip stores it deflated) but not past the ratio limit. */
const compressible = Array.from({ length: 4000 }, (_, i) => `line ${i} of a text file\n`).join('');
/** Bytes written with method 0 (stored). */
const incompressible = randomBytes(5000);

function writeZip(entries: BundleEntry[], name = 'app.war'): string {
  const file = join(dir, name);
  writeFileSync(file, buildZip(entries));
  return file;
}

async function open(file: string, limits = DEFAULT_UNPACK_LIMITS): Promise<ArchiveResources> {
  const archive = await ArchiveResources.open(file, limits);
  opened.push(archive);
  return archive;
}

async function failure(promise: Promise<unknown>): Promise<ContainerError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ContainerError);
  return error as ContainerError;
}

function thrown(fn: () => unknown): ContainerError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ContainerError);
    return error as ContainerError;
  }
  throw new Error('expected an error');
}

async function drain(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Offset of the central directory header of the entry named `name` (APPNOTE §4.3.12). */
function centralHeader(zip: Buffer, name: string): number {
  for (
    let at = zip.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    at >= 0;
    at = zip.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]), at + 4)
  ) {
    const length = zip.readUInt16LE(at + 28);
    if (zip.subarray(at + 46, at + 46 + length).toString('utf8') === name) return at;
  }
  throw new Error(`no central header for ${name}`);
}

describe('ArchiveResources: reading entries', () => {
  it('reads stored and deflated entries byte for byte, whole and as ranges', async () => {
    const zip = buildZip([
      { name: 'text.txt', data: Buffer.from(compressible) },
      { name: 'noise.bin', data: incompressible, store: true },
      { name: 'empty.txt', data: Buffer.alloc(0) },
    ]);
    // The fixture must exercise both methods: deflated text, stored noise.
    expect(zip.readUInt16LE(centralHeader(zip, 'text.txt') + 10)).toBe(8);
    expect(zip.readUInt16LE(centralHeader(zip, 'noise.bin') + 10)).toBe(0);
    const file = join(dir, 'app.war');
    writeFileSync(file, zip);
    const archive = await open(file);

    expect(archive.readFile('/text.txt').toString('utf8')).toBe(compressible);
    expect(archive.readFile('/noise.bin').equals(incompressible)).toBe(true);
    expect(archive.readFile('/empty.txt').length).toBe(0);
    expect(archive.stat('/text.txt')).toEqual({
      isFile: true,
      isDirectory: false,
      size: compressible.length,
      mtimeMs: statSync(file).mtimeMs,
    });

    expect((await drain(archive.createReadStream('/text.txt'))).toString('utf8')).toBe(compressible);
    expect((await drain(archive.createReadStream('/noise.bin'))).equals(incompressible)).toBe(true);
    // Ranges are inclusive, as in fs.createReadStream; a deflated entry is inflated and cut.
    expect((await drain(archive.createReadStream('/text.txt', { start: 70_000, end: 70_099 }))).toString('utf8')).toBe(
      compressible.slice(70_000, 70_100),
    );
    expect((await drain(archive.createReadStream('/noise.bin', { start: 4990 }))).equals(incompressible.subarray(4990))).toBe(true);
    expect((await drain(archive.createReadStream('/empty.txt'))).length).toBe(0);
  });

  it('derives directories from entry names when the archive lists none, and lists them', async () => {
    const archive = await open(
      writeZip([
        { name: 'index.html', data: Buffer.from('<h1>x</h1>') },
        { name: 'WEB-INF/classes/app/Hello.js', data: Buffer.from('module.exports = 1;') },
        { name: 'WEB-INF/lib/dep/package.json', data: Buffer.from('{}') },
        { name: 'static/', data: Buffer.alloc(0) },
      ]),
    );
    expect(archive.stat('/WEB-INF')).toMatchObject({ isFile: false, isDirectory: true, size: 0 });
    expect(archive.stat('/WEB-INF/classes/app/')).toMatchObject({ isDirectory: true });
    expect(archive.stat('/static')).toMatchObject({ isDirectory: true });
    expect(archive.stat('/')).toMatchObject({ isDirectory: true });
    expect(archive.list('/').sort()).toEqual(['WEB-INF', 'index.html', 'static']);
    expect(archive.list('/WEB-INF').sort()).toEqual(['classes', 'lib']);
    expect(archive.list('/static')).toEqual([]);
    expect(archive.list('/index.html')).toEqual([]);
    expect(archive.stat('/missing.txt')).toBeNull();
    // Paths are normalised the same way everywhere and can never climb out of the root.
    expect(archive.stat('/static/../index.html')).toMatchObject({ isFile: true });
    expect(archive.stat('/../index.html')).toBeNull();
    expect(archive.stat('index.html')).toBeNull();
    expect(() => archive.readFile('/missing.txt')).toThrow(expect.objectContaining({ code: 'ENOENT' }));
  });

  it('names entries inside the bundle, never on disk: realPath null, canonical `<bundle>/<path>`, jar: URLs', async () => {
    const file = writeZip([{ name: 'a b/c.txt', data: Buffer.from('c') }]);
    const archive = await open(file);
    expect(archive.realPath()).toBeNull();
    expect(archive.canonicalPath('/a b/c.txt')).toBe(join(file, 'a b', 'c.txt'));
    expect(archive.canonicalPath('/nope')).toBeNull();
    expect(archive.url('/a b/c.txt')?.href).toBe(`jar:file://${file}!/a%20b/c.txt`);
    expect(archive.url('/a b')?.href).toBe(`jar:file://${file}!/a%20b/`);
    expect(archive.url('/nope')).toBeNull();
  });
});

describe('ArchiveResources: corruption is found with a coded error', () => {
  it('refuses a truncated archive and a file that is no zip at all at open', async () => {
    const zip = buildZip([{ name: 'a.txt', data: Buffer.from(compressible) }]);
    const truncated = join(dir, 'truncated.war');
    writeFileSync(truncated, zip.subarray(0, zip.length - 30));
    expect((await failure(ArchiveResources.open(truncated))).code).toBe('SV_ERR_DEPLOY_BUNDLE_CORRUPT');
    const junk = join(dir, 'junk.war');
    writeFileSync(junk, 'this is not a zip archive at all, just text');
    const error = await failure(ArchiveResources.open(junk));
    expect(error.code).toBe('SV_ERR_DEPLOY_BUNDLE_CORRUPT');
    expect(error.message).toContain('[junk.war]');
    expect((await failure(ArchiveResources.open(join(dir, 'absent.war')))).code).toBe('SV_ERR_DEPLOY_BUNDLE_CORRUPT');
  });

  it('a flipped bit in the data fails the CRC-32 check on read, whole or streamed', async () => {
    const zip = buildZip([
      { name: 'noise.bin', data: incompressible, store: true },
      { name: 'ok.txt', data: Buffer.from('fine') },
    ]);
    const local = zip.indexOf(Buffer.from('noise.bin')) + 'noise.bin'.length;
    zip[local + 100] = (zip[local + 100] as number) ^ 0x01;
    const file = join(dir, 'flipped.war');
    writeFileSync(file, zip);
    const archive = await open(file);
    const error = thrown(() => archive.readFile('/noise.bin'));
    expect(error.code).toBe('SV_ERR_DEPLOY_BUNDLE_ENTRY_CRC');
    expect(error.message).toMatch(/^Entry \[noise\.bin\] of bundle \[flipped\.war\] has CRC-32 \[[0-9a-f]+\] where/);
    expect((await failure(drain(archive.createReadStream('/noise.bin')))).code).toBe('SV_ERR_DEPLOY_BUNDLE_ENTRY_CRC');
    // The other entries are unaffected.
    expect(archive.readFile('/ok.txt').toString()).toBe('fine');
  });

  it('an entry that inflates to more or less than the central directory declares is refused', async () => {
    const zip = buildZip([{ name: 'text.txt', data: Buffer.from(compressible) }]);
    const header = centralHeader(zip, 'text.txt');
    const smaller = Buffer.from(zip);
    smaller.writeUInt32LE(compressible.length - 10, header + 24);
    writeFileSync(join(dir, 'smaller.war'), smaller);
    const a = await open(join(dir, 'smaller.war'));
    const declared = compressible.length - 10;
    const more = `Entry [text.txt] of bundle [smaller.war] holds [more than ${declared}] bytes where the central directory declares [${declared}]`;
    expect(thrown(() => a.readFile('/text.txt')).message).toContain(more);
    expect((await failure(drain(a.createReadStream('/text.txt')))).message).toContain(more);

    const larger = Buffer.from(zip);
    larger.writeUInt32LE(compressible.length + 10, header + 24);
    writeFileSync(join(dir, 'larger.war'), larger);
    const b = await open(join(dir, 'larger.war'));
    const error = thrown(() => b.readFile('/text.txt'));
    expect(error.code).toBe('SV_ERR_DEPLOY_BUNDLE_ENTRY_SIZE');
    expect(error.message).toContain(
      `holds [${compressible.length}] bytes where the central directory declares [${compressible.length + 10}]`,
    );
  });

  it('a central directory pointing at no local header is refused on read', async () => {
    const zip = buildZip([
      { name: 'a.txt', data: Buffer.from('aaaa') },
      { name: 'b.txt', data: Buffer.from('bbbb') },
    ]);
    zip.writeUInt32LE(0, zip.indexOf(Buffer.from('b.txt')) - 30);
    writeFileSync(join(dir, 'nolocal.war'), zip);
    const archive = await open(join(dir, 'nolocal.war'));
    expect(thrown(() => archive.readFile('/b.txt')).message).toMatch(
      /^Entry \[b\.txt\] of bundle \[nolocal\.war\] has no local file header at offset \[\d+\]/,
    );
  });

  it('an unsupported compression method is refused at open', async () => {
    const zip = buildZip([{ name: 'a.txt', data: Buffer.from(compressible) }]);
    zip.writeUInt16LE(12, centralHeader(zip, 'a.txt') + 10);
    zip.writeUInt16LE(12, 8);
    writeFileSync(join(dir, 'bzip2.war'), zip);
    const error = await failure(ArchiveResources.open(join(dir, 'bzip2.war')));
    expect(error.code).toBe('SV_ERR_DEPLOY_BUNDLE_COMPRESSION');
    expect(error.message).toContain('Entry [a.txt] of bundle [bzip2.war] uses compression method [12]');
  });
});

describe("ArchiveResources: the unpacker's rules apply at open", () => {
  const cases: [string, BundleEntry[], string, RegExp][] = [
    ['zip-slip', [{ name: '../escape.txt', data: Buffer.from('x') }], 'SV_ERR_DEPLOY_BUNDLE_UNSAFE_ENTRY', /\[\.\.\] segment/],
    ['absolute path', [{ name: '/etc/passwd', data: Buffer.from('x') }], 'SV_ERR_DEPLOY_BUNDLE_UNSAFE_ENTRY', /absolute path/],
    ['backslash', [{ name: 'WEB-INF\\web.xml', data: Buffer.from('x') }], 'SV_ERR_DEPLOY_BUNDLE_UNSAFE_ENTRY', /backslash/],
    ['symbolic link', [symlinkEntry('index.html', '/etc/passwd')], 'SV_ERR_DEPLOY_BUNDLE_UNSAFE_ENTRY', /symbolic link/],
    [
      'file and directory',
      [
        { name: 'a', data: Buffer.from('x') },
        { name: 'a/b.txt', data: Buffer.from('y') },
      ],
      'SV_ERR_DEPLOY_BUNDLE_UNSAFE_ENTRY',
      /both a file and a directory/,
    ],
  ];
  for (const [label, entries, code, message] of cases) {
    it(`refuses a bundle with ${label}`, async () => {
      const error = await failure(ArchiveResources.open(writeZip(entries)));
      expect(error.code).toBe(code);
      expect(error.message).toMatch(message);
    });
  }

  it('applies the entry-count, total-size and ratio limits', async () => {
    const three = writeZip(
      [1, 2, 3].map((n) => ({ name: `f${n}.txt`, data: Buffer.from('x') })),
      'three.war',
    );
    expect((await failure(ArchiveResources.open(three, { ...DEFAULT_UNPACK_LIMITS, maxEntries: 2 }))).message).toMatch(
      /entry count \[3\] exceeds the limit \[2\]/,
    );
    expect((await failure(ArchiveResources.open(three, { ...DEFAULT_UNPACK_LIMITS, maxUnpackedBytes: 2 }))).code).toBe(
      'SV_ERR_DEPLOY_BUNDLE_LIMIT',
    );
    const bomb = writeZip([{ name: 'zeros.bin', data: Buffer.alloc(1024 * 1024) }], 'bomb.war');
    expect((await failure(ArchiveResources.open(bomb))).message).toMatch(/compression ratio of entry \[zeros\.bin\]/);
  });
});

describe('ArchiveResources: the file descriptor', () => {
  it('is closed by close(): reads fail with a coded error, a stream already reading finishes first', async () => {
    // Several 64 KiB chunks: the ones after close() still need the descriptor.
    const big = randomBytes(300_000);
    const archive = await open(
      writeZip([
        { name: 'noise.bin', data: big, store: true },
        { name: 'a.txt', data: Buffer.from('a') },
      ]),
    );
    const stream = archive.createReadStream('/noise.bin');
    const first = await new Promise<Buffer>((resolve) => stream.once('data', (chunk: Buffer) => resolve(chunk)));
    stream.pause();
    expect(first.length).toBeLessThan(big.length);
    archive.close();
    const rest = await drain(stream);
    expect(Buffer.concat([first, rest]).equals(big)).toBe(true);
    const error = thrown(() => archive.readFile('/a.txt'));
    expect(error.code).toBe('SV_ERR_DEPLOY_ARCHIVE_CLOSED');
    expect(error.message).toContain('[a.txt]');
    // The index stays: what exists can still be asked after stop.
    expect(archive.stat('/a.txt')).not.toBeNull();
  });

  it('keeps serving the bundle it opened when the file is replaced on disk', async () => {
    const file = writeZip([{ name: 'v.txt', data: Buffer.from('one') }]);
    const archive = await open(file);
    const replacement = join(dir, 'next.war');
    writeFileSync(replacement, buildZip([{ name: 'v.txt', data: Buffer.from('two!') }]));
    renameSync(replacement, file);
    expect(archive.readFile('/v.txt').toString()).toBe('one');
    const fresh = await open(file);
    expect(fresh.readFile('/v.txt').toString()).toBe('two!');
  });
});

describe('WebappLoader over an archive', () => {
  const shared = new Map<string, unknown>();
  function loaderFor(file: string, resources: ArchiveResources): WebappLoader {
    return new WebappLoader({ docBase: file, name: 'packed', shared, logger: pino({ level: 'silent' }), resources });
  }

  it('loads classes, siblings and WEB-INF/lib packages out of the bundle, named `<bundle>/<path>`', async () => {
    const file = writeZip([
      {
        name: 'WEB-INF/classes/app/Main.js',
        data: Buffer.from(
          "const h = require('./helper'); const dep = require('dep'); module.exports = { Main: class Main {}, value: h() + dep.name, where: __filename };",
        ),
      },
      { name: 'WEB-INF/classes/app/helper.js', data: Buffer.from("module.exports = () => 'helped+';") },
      { name: 'WEB-INF/lib/dep/package.json', data: Buffer.from('{"main": "lib/entry.js"}') },
      { name: 'WEB-INF/lib/dep/lib/entry.js', data: Buffer.from("exports.name = require('../data.json').name;") },
      { name: 'WEB-INF/lib/dep/data.json', data: Buffer.from('{"name": "dep-from-lib"}') },
    ]);
    const loader = loaderFor(file, await open(file));
    const main = loader.require(join(file, 'WEB-INF', 'classes', 'app', 'Main.js')) as { value: string; where: string };
    expect(main.value).toBe('helped+dep-from-lib');
    expect(main.where).toBe(join(file, 'WEB-INF', 'classes', 'app', 'Main.js'));
    expect(loader.loadClass('app.Main').name).toBe('Main');
    expect(loader.listClassFiles()).toEqual([
      join(file, 'WEB-INF', 'classes', 'app', 'Main.js'),
      join(file, 'WEB-INF', 'classes', 'app', 'helper.js'),
    ]);
    loader.close();
  });

  it('refuses a native addon with SV_ERR_DEPLOY_NATIVE_ADDON_IN_BUNDLE naming the file and unpackWARs', async () => {
    const file = writeZip([
      { name: 'WEB-INF/classes/app/Uses.js', data: Buffer.from("module.exports = require('./binding.node');") },
      { name: 'WEB-INF/classes/app/binding.node', data: Buffer.from('\x7fELF not really') },
    ]);
    const loader = loaderFor(file, await open(file));
    const error = thrown(() => loader.loadClass('app.Uses'));
    expect(error.code).toBe('SV_ERR_DEPLOY_NATIVE_ADDON_IN_BUNDLE');
    expect(error.message).toContain('[WEB-INF/classes/app/binding.node]');
    expect(error.message).toContain('unpackWARs="false"');
    loader.close();
  });
});
