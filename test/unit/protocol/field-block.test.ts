import { afterEach, describe, expect, it } from 'vitest';
import { ContainerError } from '../../../src/errors/container-error.js';
import { fieldBlock, forgetFieldBlock } from '../../../src/protocol/http11/field-block.js';

describe("fieldBlock: a head's field lines, remembered for the last checked list", () => {
  afterEach(() => {
    forgetFieldBlock();
  });

  const staticFile = ['Accept-Ranges', 'bytes', 'ETag', 'W/"1024-1"', 'Content-Type', 'text/plain;charset=UTF-8', 'Content-Length', '1024'];

  it('writes every field but the framing ones, and reports what the framing needs', () => {
    const block = fieldBlock([...staticFile, 'Date', 'Mon, 01 Jan 2024 00:00:00 GMT', 'Transfer-Encoding', 'gzip, chunked'], true);
    expect(block.lines).toBe(
      'Accept-Ranges: bytes\r\nETag: W/"1024-1"\r\nContent-Type: text/plain;charset=UTF-8\r\nDate: Mon, 01 Jan 2024 00:00:00 GMT\r\n',
    );
    expect(block).toMatchObject({ contentLength: '1024', chunked: true, hasDate: true });
    expect(fieldBlock(['X-A', '1'], true)).toMatchObject({ lines: 'X-A: 1\r\n', contentLength: undefined, chunked: false, hasDate: false });
    // Field names in any case (RFC 9110 §5.1); a coding after chunked is not chunked.
    expect(fieldBlock(['content-LENGTH', '5', 'transfer-encoding', 'chunked, gzip', 'DATE', 'x'], true)).toMatchObject({
      lines: 'DATE: x\r\n',
      contentLength: '5',
      chunked: false,
      hasDate: true,
    });
  });

  it('gives the same block again for the same checked list, and a new one as soon as any value differs', () => {
    const first = fieldBlock([...staticFile], true);
    const again = fieldBlock([...staticFile], true);
    expect(again.lines).toBe(first.lines);
    expect(fieldBlock([...staticFile], true)).toBe(again);

    const otherTag = staticFile.map((v) => (v === 'W/"1024-1"' ? 'W/"1024-2"' : v));
    expect(fieldBlock(otherTag, true).lines).toContain('ETag: W/"1024-2"\r\n');
    const otherLength = staticFile.map((v) => (v === '1024' ? '2048' : v));
    expect(fieldBlock(otherLength, true).contentLength).toBe('2048');
    expect(fieldBlock([...staticFile, 'X-Extra', 'y'], true).lines).toContain('X-Extra: y\r\n');
    expect(fieldBlock(staticFile.slice(0, 4), true).lines).not.toContain('Content-Type');
  });

  it('keeps its own copy of the list: a caller changing its array afterwards gets the new fields', () => {
    const fields = [...staticFile];
    fieldBlock(fields, true);
    fields[3] = 'W/"changed"';
    expect(fieldBlock(fields, true).lines).toContain('ETag: W/"changed"\r\n');
  });

  it('checks an unchecked list every time, even when it equals the remembered one', () => {
    fieldBlock(['X-A', 'ok'], true);
    expect(fieldBlock(['X-A', 'ok'], false).lines).toBe('X-A: ok\r\n');
    // A checked list is trusted as it is; the same list unchecked is still checked.
    fieldBlock(['X-A', 'bad\nvalue'], true);
    expect(() => fieldBlock(['X-A', 'bad\nvalue'], false)).toThrow(ContainerError);
    expect(() => fieldBlock(['X-A', 'bad\r\nInjected: 1'], false)).toThrow(ContainerError);
    expect(() => fieldBlock(['Bad Name', 'v'], false)).toThrow(ContainerError);
    // Nor is an unchecked list remembered for a later checked one.
    fieldBlock(['X-B', 'one'], false);
    expect(fieldBlock(['X-A', 'ok'], true).lines).toBe('X-A: ok\r\n');
  });
});
