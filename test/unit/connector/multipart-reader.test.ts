// Issue #3: multipart bodies read into Parts with busboy: memory vs temporary file by fileSizeThreshold,
// and every size limit exactly at its boundary.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ContainerPart } from '../../../src/connector/multipart-part.js';
import { readMultipart, uploadFolder, type MultipartLimits } from '../../../src/connector/multipart-reader.js';
import { ContainerError } from '../../../src/errors/container-error.js';

const BOUNDARY = 'XyZzy42';
const CONTENT_TYPE = `multipart/form-data; boundary=${BOUNDARY}`;

interface Field {
  name: string;
  content: Buffer | string;
  fileName?: string;
  type?: string;
}

function encode(fields: Field[]): Buffer {
  const chunks: Buffer[] = [];
  for (const field of fields) {
    let head = `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${field.name}"`;
    if (field.fileName !== undefined) head += `; filename="${field.fileName}"`;
    head += '\r\n';
    if (field.type !== undefined) head += `Content-Type: ${field.type}\r\n`;
    chunks.push(Buffer.from(`${head}\r\n`), Buffer.from(field.content), Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${BOUNDARY}--\r\n`));
  return Buffer.concat(chunks);
}

/** The body as an exchange would give it: a stream fed in small chunks. */
function stream(bytes: Buffer, chunk = 1000): PassThrough {
  const body = new PassThrough();
  let offset = 0;
  const feed = (): void => {
    while (offset < bytes.length) {
      const more = body.write(bytes.subarray(offset, offset + chunk));
      offset += chunk;
      if (!more) {
        body.once('drain', feed);
        return;
      }
    }
    body.end();
  };
  setImmediate(feed);
  return body;
}

async function readAll(part: ContainerPart): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of part.getInputStream()) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function failure(promise: Promise<unknown>): Promise<ContainerError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ContainerError);
  return error as ContainerError;
}

describe('readMultipart', () => {
  let dir: string;
  let limits: MultipartLimits;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'serval-multipart-'));
    limits = {
      maxPartCount: 50,
      maxPartHeaderSize: 512,
      maxPostSize: 2097152,
      maxFileSize: Infinity,
      maxRequestSize: Infinity,
      fileSizeThreshold: 1024,
      location: join(dir, 'uploads'),
      servletName: 'upload',
    };
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const read = (bytes: Buffer, override: Partial<MultipartLimits> = {}): Promise<ContainerPart[]> =>
    readMultipart(stream(bytes), CONTENT_TYPE, bytes.length, { ...limits, ...override });

  it('keeps fields and small files in memory, spools a file above fileSizeThreshold, in wire order', async () => {
    const big = randomBytes(200_000);
    const parts = await read(
      encode([
        { name: 'title', content: 'héllo' },
        { name: 'small', content: 'tiny', fileName: 'a.txt', type: 'text/plain' },
        { name: 'big', content: big, fileName: 'big.bin', type: 'application/octet-stream' },
        { name: 'last', content: '' },
      ]),
    );
    expect(parts.map((p) => p.getName())).toEqual(['title', 'small', 'big', 'last']);
    const [title, small, file, last] = parts as [ContainerPart, ContainerPart, ContainerPart, ContainerPart];
    expect(title.getSubmittedFileName()).toBeNull();
    expect(title.getContentType()).toBeNull();
    expect(title.bytesIfInMemory()?.toString('utf8')).toBe('héllo');
    expect(title.getHeader('CONTENT-DISPOSITION')).toBe('form-data; name="title"');
    expect(small.getSubmittedFileName()).toBe('a.txt');
    expect(small.getContentType()).toBe('text/plain');
    expect(small.temporaryFile).toBeNull();
    expect(small.getHeaderNames()).toEqual(['Content-Disposition', 'Content-Type']);
    expect(file.getSize()).toBe(big.length);
    expect(file.temporaryFile).not.toBeNull();
    expect(file.temporaryFile!.startsWith(limits.location)).toBe(true);
    expect(createHash('sha256').update(readFileSync(file.temporaryFile!)).digest('hex')).toBe(
      createHash('sha256').update(big).digest('hex'),
    );
    expect((await readAll(file)).equals(big)).toBe(true);
    expect(last.getSize()).toBe(0);

    await file.write('kept.bin');
    expect(file.temporaryFile).toBeNull();
    expect(readFileSync(join(limits.location, 'kept.bin')).equals(big)).toBe(true);
    await small.write(join(dir, 'small.txt'));
    expect(readFileSync(join(dir, 'small.txt'), 'utf8')).toBe('tiny');
  });

  it('fileSizeThreshold is exclusive: a file of exactly the threshold stays in memory, one byte more goes to disk', async () => {
    const parts = await read(
      encode([
        { name: 'at', content: Buffer.alloc(1024, 1), fileName: 'at.bin' },
        { name: 'over', content: Buffer.alloc(1025, 2), fileName: 'over.bin' },
      ]),
    );
    expect(parts[0]!.temporaryFile).toBeNull();
    expect(parts[1]!.temporaryFile).not.toBeNull();
    await parts[1]!.delete();
    expect(readdirSync(limits.location)).toEqual([]);
  });

  it('maxFileSize: a part of exactly the limit passes, one byte more is 413 and leaves no file behind', async () => {
    const exact = await read(encode([{ name: 'f', content: Buffer.alloc(5000, 3), fileName: 'f.bin' }]), { maxFileSize: 5000 });
    expect(exact[0]!.getSize()).toBe(5000);
    const over = await failure(read(encode([{ name: 'f', content: Buffer.alloc(5001, 3), fileName: 'f.bin' }]), { maxFileSize: 5000 }));
    expect(over.code).toBe('SV_ERR_HTTP_MULTIPART_FILE_TOO_LARGE');
    expect(over.status).toBe(413);
    expect(existsSync(limits.location) ? readdirSync(limits.location).filter((f) => f !== basenameOf(exact[0]!)) : []).toEqual([]);
    // A form field is bounded by maxFileSize too.
    expect((await failure(read(encode([{ name: 'text', content: 'x'.repeat(11) }]), { maxFileSize: 10 }))).code).toBe(
      'SV_ERR_HTTP_MULTIPART_FILE_TOO_LARGE',
    );
  });

  it('maxRequestSize: a body of exactly the limit passes, one byte more is 413 (declared or streamed)', async () => {
    const bytes = encode([{ name: 'f', content: Buffer.alloc(3000, 4), fileName: 'f.bin' }]);
    expect(await read(bytes, { maxRequestSize: bytes.length })).toHaveLength(1);
    const declared = await failure(read(bytes, { maxRequestSize: bytes.length - 1 }));
    expect(declared.code).toBe('SV_ERR_HTTP_MULTIPART_REQUEST_TOO_LARGE');
    expect(declared.status).toBe(413);
    // Chunked: no Content-Length, the count while reading decides.
    const streamed = await failure(readMultipart(stream(bytes), CONTENT_TYPE, -1, { ...limits, maxRequestSize: bytes.length - 1 }));
    expect(streamed.code).toBe('SV_ERR_HTTP_MULTIPART_REQUEST_TOO_LARGE');
  });

  it('maxPostSize bounds the form fields as name=value& (Tomcat arithmetic), not the files', async () => {
    // "a" + "=" + 8 bytes + "&" = 11 bytes.
    const field = encode([
      { name: 'a', content: '12345678' },
      { name: 'file', content: Buffer.alloc(100), fileName: 'f' },
    ]);
    expect(await read(field, { maxPostSize: 11 })).toHaveLength(2);
    const over = await failure(read(field, { maxPostSize: 10 }));
    expect(over.code).toBe('SV_ERR_HTTP_POST_TOO_LARGE');
    expect(over.status).toBe(413);
  });

  it('maxPartCount and maxPartHeaderSize come from the connector', async () => {
    const fields = Array.from({ length: 4 }, (_, i) => ({ name: `p${i}`, content: String(i) }));
    expect(await read(encode(fields), { maxPartCount: 4 })).toHaveLength(4);
    const tooMany = await failure(read(encode(fields), { maxPartCount: 3 }));
    expect(tooMany.code).toBe('SV_ERR_HTTP_MULTIPART_TOO_MANY_PARTS');
    expect(tooMany.status).toBe(400);
    const longName = encode([{ name: 'n'.repeat(600), content: 'x' }]);
    expect((await failure(read(longName))).code).toBe('SV_ERR_HTTP_MULTIPART_HEADER_TOO_LARGE');
    expect(await read(longName, { maxPartHeaderSize: Infinity })).toHaveLength(1);
  });

  it('a body cut before its closing boundary, or without a boundary parameter, is 400 malformed', async () => {
    const bytes = encode([{ name: 'f', content: Buffer.alloc(5000, 1), fileName: 'f.bin' }]);
    const cut = bytes.subarray(0, bytes.length - 20);
    const error = await failure(read(cut));
    // busboy sees the cut first and says so; its reason is the detail of SV_ERR_HTTP_MULTIPART_PARSER.
    expect(error.code).toBe('SV_ERR_HTTP_MULTIPART_PARSER');
    expect(error.message).toBe('The multipart/form-data body cannot be parsed (RFC 7578): Unexpected end of form');
    expect(error.status).toBe(400);
    expect(existsSync(limits.location) ? readdirSync(limits.location) : []).toEqual([]);
    expect((await failure(readMultipart(stream(bytes), 'multipart/form-data', -1, limits))).message).toBe(
      'The multipart/form-data body cannot be parsed (RFC 7578): the Content-Type has no boundary parameter',
    );
  });

  it('places temporary files per Context under the OS temporary folder unless the location is absolute', () => {
    expect(uploadFolder('localhost', 'shop', '')).toBe(join(tmpdir(), 'serval-work', 'localhost', 'shop'));
    expect(uploadFolder('localhost', '', 'up')).toBe(join(tmpdir(), 'serval-work', 'localhost', 'ROOT', 'up'));
    expect(uploadFolder('h', 'c', '/var/uploads')).toBe('/var/uploads');
  });
});

function basenameOf(part: ContainerPart): string {
  return part.temporaryFile?.split('/').at(-1) ?? '';
}
