import { describe, expect, it } from 'vitest';
import { lowerCaseName } from '../../../src/connector/header-name.js';
import { isToken, validateHeaderValue } from '../../../src/connector/header-validation.js';

describe('lowerCaseName', () => {
  it('lower-cases names, the same on a repeat (remembered) call', () => {
    for (const name of ['Content-Type', 'X-Examples-Filter', 'HOST', 'accept']) {
      expect(lowerCaseName(name)).toBe(name.toLowerCase());
      expect(lowerCaseName(name)).toBe(name.toLowerCase());
    }
  });

  it('stays correct for more distinct and longer names than it remembers', () => {
    for (let i = 0; i < 1000; i++) expect(lowerCaseName(`X-Name-${i}-ABC`)).toBe(`x-name-${i}-abc`);
    const long = `X-${'A'.repeat(100)}`;
    expect(lowerCaseName(long)).toBe(long.toLowerCase());
  });
});

describe('isToken remembers valid names only', () => {
  it('a name refused once is refused again; a valid one is accepted again', () => {
    expect(isToken('Bad Name')).toBe(false);
    expect(isToken('Bad Name')).toBe(false);
    expect(isToken('Good-Name')).toBe(true);
    expect(isToken('Good-Name')).toBe(true);
    expect(isToken('')).toBe(false);
  });
});

describe('validateHeaderValue with its single-test fast path', () => {
  it('plain values (visible ASCII, SP, HTAB, obs-text) come back unchanged', () => {
    for (const value of ['text/plain;charset=UTF-8', 'a\tb c', 'caf\u00e9', '']) expect(validateHeaderValue('X', value)).toBe(value);
  });

  it('CR, LF and NUL are refused; other controls and non-Latin-1 characters are replaced', () => {
    for (const value of ['a\r\nb', 'a\nb', 'a\rb', 'a\u0000b']) {
      expect(() => validateHeaderValue('X', value)).toThrow(expect.objectContaining({ code: 'SV_ERR_HTTP_INVALID_HEADER_VALUE' }));
    }
    expect(validateHeaderValue('X', 'a\u0001b\u007fc')).toBe('a b c');
    expect(validateHeaderValue('X', 'snow\u2603man')).toBe('snow?man');
  });
});

describe('validateHeaderValue remembers plain values only', () => {
  it('a remembered value is still returned as it is; a bad one is refused however often it comes', () => {
    for (let i = 0; i < 3; i++) {
      expect(validateHeaderValue('ETag', 'W/"1024-1763800000000"')).toBe('W/"1024-1763800000000"');
      expect(() => validateHeaderValue('X', 'a\r\nSet-Cookie: x=1')).toThrow(
        expect.objectContaining({ code: 'SV_ERR_HTTP_INVALID_HEADER_VALUE' }),
      );
      expect(validateHeaderValue('X', 'a\u0001b')).toBe('a b');
    }
  });

  it('stays correct past its size bound (it starts over) and for values too long to remember', () => {
    for (let i = 0; i < 3000; i++) expect(validateHeaderValue('X', `value-${i}`)).toBe(`value-${i}`);
    const long = 'v'.repeat(500);
    expect(validateHeaderValue('X', long)).toBe(long);
    expect(() => validateHeaderValue('X', `${'v'.repeat(500)}\n`)).toThrow(
      expect.objectContaining({ code: 'SV_ERR_HTTP_INVALID_HEADER_VALUE' }),
    );
    expect(validateHeaderValue('X', 'value-7')).toBe('value-7');
  });
});
