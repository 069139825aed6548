import { describe, expect, it } from 'vitest';
import { equalsIgnoreCase, equalsLowerCase, isFieldName } from '../../../src/protocol/http11/field-name.js';

describe('isFieldName', () => {
  it('matches any spelling of the name, case-insensitively (RFC 9110 §5.1)', () => {
    for (const name of ['Content-Length', 'content-length', 'CONTENT-LENGTH', 'cOnTeNt-LeNgTh']) {
      expect(isFieldName(name, 'content-length', 'Content-Length')).toBe(true);
    }
  });

  it('does not match other names, including ones of the same length or first letter', () => {
    expect(isFieldName('Content-Lengtx', 'content-length', 'Content-Length')).toBe(false);
    expect(isFieldName('X-Examples-Filter', 'transfer-encoding', 'Transfer-Encoding')).toBe(false);
    expect(isFieldName('Accept', 'expect', 'Expect')).toBe(false);
    expect(isFieldName('Hosts', 'host', 'Host')).toBe(false);
    expect(isFieldName('', 'host', 'Host')).toBe(false);
  });
});

describe('equalsLowerCase', () => {
  it('folds ASCII letters only', () => {
    expect(equalsLowerCase('X-Forwarded-For', 'x-forwarded-for')).toBe(true);
    expect(equalsLowerCase('HOST', 'host')).toBe(true);
    // '^' and '~' differ by the same bit as a letter's case: they are different token characters.
    expect(equalsLowerCase('a^b', 'a~b')).toBe(false);
    expect(equalsLowerCase('X@', 'x`')).toBe(false);
    // The Kelvin sign lower-cases to 'k' in Unicode, but it is no token character.
    expect(equalsLowerCase('\u212Aeep-Alive', 'keep-alive')).toBe(false);
  });

  it('needs the same length', () => {
    expect(equalsLowerCase('Host', 'hosts')).toBe(false);
    expect(equalsLowerCase('', '')).toBe(true);
  });
});

describe('equalsIgnoreCase', () => {
  it('matches any spelling on either side, folding ASCII letters only', () => {
    expect(equalsIgnoreCase('If-None-Match', 'if-none-match')).toBe(true);
    expect(equalsIgnoreCase('if-none-match', 'IF-NONE-MATCH')).toBe(true);
    expect(equalsIgnoreCase('Host', 'Host')).toBe(true);
    expect(equalsIgnoreCase('a^b', 'A~B')).toBe(false);
    expect(equalsIgnoreCase('X@', 'x`')).toBe(false);
    expect(equalsIgnoreCase('\u212Aeep-Alive', 'keep-alive')).toBe(false);
    expect(equalsIgnoreCase('keep-alive', '\u212Aeep-Alive')).toBe(false);
  });

  it('needs the same length', () => {
    expect(equalsIgnoreCase('Range', 'Ranges')).toBe(false);
    expect(equalsIgnoreCase('', '')).toBe(true);
  });
});
