// Issue #3: maxPartCount / maxPartHeaderSize enforced while a multipart body streams, at every split point.
import { describe, expect, it } from 'vitest';
import { ContainerError } from '../../../src/errors/container-error.js';
import { multipartBoundary, MultipartScanner, type PartHeaders } from '../../../src/connector/multipart-scanner.js';

const BOUNDARY = '----serval7MA4YWxk';

function part(headers: string, content: string): string {
  return `--${BOUNDARY}\r\n${headers}\r\n${content}\r\n`;
}

function body(parts: string[]): Buffer {
  return Buffer.from(`${parts.join('')}--${BOUNDARY}--\r\n`, 'utf8');
}

function scan(
  bytes: Buffer,
  limits = { maxPartCount: 50, maxPartHeaderSize: 512 },
  splits: number[] = [],
): { sections: PartHeaders[]; complete: boolean } {
  const sections: PartHeaders[] = [];
  const scanner = new MultipartScanner(BOUNDARY, limits, (headers) => sections.push(headers));
  let start = 0;
  for (const split of [...splits, bytes.length]) {
    scanner.push(bytes.subarray(start, split));
    start = split;
  }
  return { sections, complete: scanner.complete };
}

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return error instanceof ContainerError ? error.code : 'not a ContainerError';
  }
  return undefined;
}

/** A header section of exactly `size` bytes including its closing blank line (CRLF CRLF). */
function headerOfSize(size: number): string {
  const prefix = 'Content-Disposition: form-data; name="f"\r\nX-Pad: ';
  const padding = size - Buffer.byteLength(prefix) - 4;
  return `${prefix}${'p'.repeat(padding)}\r\n`;
}

describe('MultipartScanner', () => {
  const sample = body([
    part('Content-Disposition: form-data; name="a"\r\n', 'one'),
    part(
      'Content-Disposition: form-data; name="file"; filename="x.txt"\r\nContent-Type: text/plain\r\n',
      `line\r\n--${BOUNDARY.slice(0, 5)} not a boundary`,
    ),
    part('', 'no headers at all'),
  ]);

  it('reports every header section with its fields, and the end', () => {
    const { sections, complete } = scan(sample);
    expect(complete).toBe(true);
    expect(sections).toEqual([
      [['Content-Disposition', 'form-data; name="a"']],
      [
        ['Content-Disposition', 'form-data; name="file"; filename="x.txt"'],
        ['Content-Type', 'text/plain'],
      ],
      [],
    ]);
  });

  it('gives the same result however the bytes are split (every split point, and every pair)', () => {
    const whole = scan(sample);
    for (let i = 0; i <= sample.length; i++) expect(scan(sample, undefined, [i])).toEqual(whole);
    for (let i = 0; i <= sample.length; i += 7) {
      for (let j = i; j <= sample.length; j += 5) expect(scan(sample, undefined, [i, j])).toEqual(whole);
    }
  });

  it('ignores a preamble and an epilogue (RFC 2046 §5.1.1)', () => {
    const bytes = Buffer.concat([Buffer.from('preamble text\r\n'), sample, Buffer.from('epilogue --' + BOUNDARY + '\r\n')]);
    expect(scan(bytes).sections).toHaveLength(3);
  });

  it('maxPartCount: exactly the limit is accepted, one more is refused before its content', () => {
    const three = body([1, 2, 3].map((n) => part(`Content-Disposition: form-data; name="p${n}"\r\n`, String(n))));
    expect(scan(three, { maxPartCount: 3, maxPartHeaderSize: 512 }).sections).toHaveLength(3);
    expect(codeOf(() => scan(three, { maxPartCount: 2, maxPartHeaderSize: 512 }))).toBe('SV_ERR_HTTP_MULTIPART_TOO_MANY_PARTS');
    // The breach is seen as soon as the third part's boundary line ends, with none of its bytes.
    const cut = three.indexOf(Buffer.from('name="p3"'));
    const sections: PartHeaders[] = [];
    const scanner = new MultipartScanner(BOUNDARY, { maxPartCount: 2, maxPartHeaderSize: 512 }, (h) => sections.push(h));
    expect(codeOf(() => scanner.push(three.subarray(0, cut)))).toBe('SV_ERR_HTTP_MULTIPART_TOO_MANY_PARTS');
  });

  it('maxPartHeaderSize: a 512-byte header section passes, 513 bytes is refused, whole or split', () => {
    const ok = body([part(headerOfSize(512), 'x')]);
    const over = body([part(headerOfSize(513), 'x')]);
    expect(scan(ok).sections[0]![1]![0]).toBe('X-Pad');
    expect(codeOf(() => scan(over))).toBe('SV_ERR_HTTP_MULTIPART_HEADER_TOO_LARGE');
    for (let i = 0; i <= over.length; i += 13) {
      expect(codeOf(() => scan(over, undefined, [i]))).toBe('SV_ERR_HTTP_MULTIPART_HEADER_TOO_LARGE');
      expect(codeOf(() => scan(ok, undefined, [i]))).toBeUndefined();
    }
  });

  it('an endless header section is refused once it passes the limit, without waiting for its end', () => {
    const scanner = new MultipartScanner(BOUNDARY, { maxPartCount: 50, maxPartHeaderSize: 512 }, () => undefined);
    scanner.push(Buffer.from(`--${BOUNDARY}\r\nX: `));
    expect(codeOf(() => scanner.push(Buffer.alloc(600, 0x61)))).toBe('SV_ERR_HTTP_MULTIPART_HEADER_TOO_LARGE');
  });

  it('refuses a boundary line followed by garbage and a header line without a name', () => {
    expect(codeOf(() => scan(Buffer.from(`--${BOUNDARY}XX\r\n`)))).toBe('SV_ERR_HTTP_MULTIPART_MALFORMED');
    expect(codeOf(() => scan(body([part(': no name\r\n', 'x')])))).toBe('SV_ERR_HTTP_MULTIPART_MALFORMED');
  });

  it('is not complete when the closing boundary never came', () => {
    expect(scan(Buffer.from(part('Content-Disposition: form-data; name="a"\r\n', 'x'))).complete).toBe(false);
  });

  it('reads the boundary parameter, quoted or not', () => {
    expect(multipartBoundary('multipart/form-data; boundary=abc123')).toBe('abc123');
    expect(multipartBoundary('multipart/form-data; charset=utf-8; boundary="a b:c"')).toBe('a b:c');
    expect(multipartBoundary('multipart/form-data')).toBeNull();
  });
});
