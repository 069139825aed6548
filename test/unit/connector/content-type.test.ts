import { describe, expect, it } from 'vitest';
import { lookupCharset, parseContentType } from '../../../src/connector/content-type.js';
import { validateHeaderName, validateHeaderValue } from '../../../src/connector/header-validation.js';
import { ContainerError } from '../../../src/errors/container-error.js';

describe('parseContentType', () => {
  it('extracts the charset and keeps the other parameters', () => {
    expect(parseContentType('Text/HTML; charset="UTF-8"; level=1')).toEqual({
      mediaType: 'text/html',
      charset: 'UTF-8',
      withoutCharset: 'Text/HTML;level=1',
    });
  });

  it('does not split on ; inside quoted strings', () => {
    const parsed = parseContentType('multipart/form-data; boundary="a;charset=x"');
    expect(parsed.charset).toBeNull();
    expect(parsed.withoutCharset).toBe('multipart/form-data;boundary="a;charset=x"');
  });

  it('returns a null charset when there is none', () => {
    expect(parseContentType('application/json').charset).toBeNull();
  });
});

describe('lookupCharset', () => {
  it('gives ISO-8859-1 its Java meaning, not windows-1252', () => {
    const latin1 = lookupCharset('iso-8859-1')!;
    expect(latin1.name).toBe('ISO-8859-1');
    expect(latin1.decode(Uint8Array.of(0x80, 0xe9))).toBe('\u0080é');
    expect([...latin1.encode('é€')]).toEqual([0xe9, 0x3f]);
  });

  it('decodes US-ASCII high bytes as replacement characters', () => {
    expect(lookupCharset('US-ASCII')!.decode(Uint8Array.of(0x41, 0xe9))).toBe('A\ufffd');
  });

  it('encodes and decodes single-byte legacy charsets', () => {
    expect([...lookupCharset('windows-1252')!.encode('€é')]).toEqual([0x80, 0xe9]);
    expect(lookupCharset('cp1252')!.decode(Uint8Array.of(0x41, 0x80, 0x9f))).toBe('A€Ÿ');
    expect(lookupCharset('ISO-8859-2')!.decode(Uint8Array.of(0xa1))).toBe('Ą');
    expect([...lookupCharset('ISO-8859-2')!.encode('Ą')]).toEqual([0xa1]);
  });

  it('encodes UTF-16 big-endian with a BOM, as Java does', () => {
    expect([...lookupCharset('UTF-16')!.encode('A')]).toEqual([0xfe, 0xff, 0x00, 0x41]);
    expect(lookupCharset('UTF-16')!.decode(Uint8Array.of(0xfe, 0xff, 0x00, 0x41))).toBe('A');
  });

  it('decodes but cannot encode multi-byte legacy charsets', () => {
    const sjis = lookupCharset('Shift_JIS')!;
    expect(sjis.canEncode).toBe(false);
    expect(sjis.decode(Uint8Array.of(0x82, 0xa0))).toBe('あ');
  });

  it('returns null for unknown names', () => {
    expect(lookupCharset('no-such-charset')).toBeNull();
    expect(lookupCharset('')).toBeNull();
  });

  it('decodes UTF-8 split at every byte boundary', () => {
    const bytes = Buffer.from('aé€😀z', 'utf8');
    for (let split = 0; split <= bytes.length; split++) {
      const decoder = lookupCharset('UTF-8')!.newDecoder();
      const text = decoder.write(bytes.subarray(0, split)) + decoder.write(bytes.subarray(split)) + decoder.end();
      expect(text).toBe('aé€😀z');
    }
  });
});

describe('header validation', () => {
  it('accepts tokens and rejects other names', () => {
    expect(() => validateHeaderName('X-Custom_1')).not.toThrow();
    for (const bad of ['', 'Bad Name', 'X:Y', 'X\r\nY', 'é']) {
      expect(() => validateHeaderName(bad)).toThrow(ContainerError);
    }
  });

  it('rejects CR, LF and NUL in values and replaces other unsendable characters', () => {
    for (const bad of ['a\rb', 'a\nb', 'a\0b']) {
      expect(() => validateHeaderValue('X', bad)).toThrow(/Invalid value for response header \[X\]/);
    }
    expect(validateHeaderValue('X', 'a\tb\u0001c€')).toBe('a\tb c?');
    expect(validateHeaderValue('X', 'café')).toBe('café');
  });
});
