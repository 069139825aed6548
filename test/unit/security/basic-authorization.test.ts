// RFC 7617: the Basic credentials a client sends, and the challenge that asks for them.
import { describe, expect, it } from 'vitest';
import { basicChallenge, parseBasicAuthorization, quotedString } from '../../../src/security/basic-authorization.js';

const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');
/** The header as node's parser hands it over: one latin1 character per byte. */
const wire = (text: string): string => Buffer.from(text, 'utf8').toString('latin1');

describe('parseBasicAuthorization', () => {
  it('reads the RFC 7617 §2 example', () => {
    expect(parseBasicAuthorization('Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==')).toEqual({ username: 'Aladdin', password: 'open sesame' });
  });

  it.each(['basic', 'BASIC', 'bAsIc'])('takes the scheme %s case-insensitively (RFC 7235 §2.1)', (scheme) => {
    expect(parseBasicAuthorization(`${scheme} ${b64('u:p')}`)).toEqual({ username: 'u', password: 'p' });
  });

  it('decodes user-pass as UTF-8 (RFC 7617 §2.1, the test vector of §2.1)', () => {
    expect(parseBasicAuthorization('Basic dGVzdDoxMjPCow==')).toEqual({ username: 'test', password: '123£' });
    expect(parseBasicAuthorization(`Basic ${b64('jäsøn:пароль')}`)).toEqual({ username: 'jäsøn', password: 'пароль' });
  });

  it('splits at the first colon: the password may contain colons, the user-id cannot', () => {
    expect(parseBasicAuthorization(`Basic ${b64('user:pa:ss:')}`)).toEqual({ username: 'user', password: 'pa:ss:' });
    expect(parseBasicAuthorization(`Basic ${b64(':')}`)).toEqual({ username: '', password: '' });
  });

  it('tolerates surrounding whitespace and several spaces after the scheme', () => {
    expect(parseBasicAuthorization(`  Basic    ${b64('u:p')} \t`)).toEqual({ username: 'u', password: 'p' });
  });

  it.each([
    ['another scheme', 'Bearer abc'],
    ['digest', 'Digest username="a"'],
    ['a longer scheme name', `Basicx ${b64('u:p')}`],
    ['nothing', ''],
    ['only whitespace', '   '],
    ['no scheme', `${b64('u:p')}`],
  ])('%s is not-basic', (_name, header) => {
    expect(parseBasicAuthorization(header)).toBe('not-basic');
  });

  it.each([
    ['no credentials', 'Basic'],
    ['no credentials after the space', 'Basic '],
    ['a tab instead of a space', `Basic\t${b64('u:p')}`],
    ['two tokens', `Basic ${b64('u:p')} ${b64('x:y')}`],
    ['no colon', `Basic ${b64('user')}`],
    ['empty decoded value', 'Basic ===='],
    ['invalid character', 'Basic dXNl*jpw'],
    ['base64url alphabet', `Basic ${Buffer.from('u:p?>?', 'utf8').toString('base64url')}`],
    ['a length that is not a multiple of 4', 'Basic dTp'],
    ['padding left out', 'Basic dTphYg'],
    ['too much padding', 'Basic dTp4===='],
    ['padding in the middle', 'Basic dT=wdTpw'],
    ['auth-params instead of a token68', 'Basic realm="x"'],
    ['invalid UTF-8', `Basic ${Buffer.from([0x75, 0x3a, 0xff, 0xfe]).toString('base64')}`],
    ['overlong UTF-8', `Basic ${Buffer.from([0x75, 0x3a, 0xc0, 0xaf]).toString('base64')}`],
    ['a NUL in the password', `Basic ${b64('u:p\u0000')}`],
    ['a newline in the user-id', `Basic ${b64('u\n:p')}`],
    ['DEL', `Basic ${b64('u:\u007f')}`],
    ['a C1 control', `Basic ${b64('u:\u0085')}`],
    ['a non-latin1 character in the header', 'Basic dTp\u0100'],
  ])('%s is malformed', (_name, header) => {
    expect(parseBasicAuthorization(header)).toBe('malformed');
  });

  it('refuses non-canonical encodings whose unused bits are set, which a lenient decoder accepts', () => {
    // Two `=`: the last data character carries 2 bits; "g" (100000) is canonical, "h" (100001) is not.
    expect(b64('u:ab')).toBe('dTphYg==');
    expect(Buffer.from('dTphYh==', 'base64').toString()).toBe('u:ab');
    expect(parseBasicAuthorization('Basic dTphYg==')).toEqual({ username: 'u', password: 'ab' });
    expect(parseBasicAuthorization('Basic dTphYh==')).toBe('malformed');
    // One `=`: 4 bits; "M" (001100) is canonical, "N" (001101) is not.
    expect(b64('u:abc')).toBe('dTphYmM=');
    expect(parseBasicAuthorization('Basic dTphYmM=')).toEqual({ username: 'u', password: 'abc' });
    expect(parseBasicAuthorization('Basic dTphYmN=')).toBe('malformed');
  });
});

describe('basicChallenge', () => {
  it('names the realm and charset UTF-8 (RFC 7617 §2.1)', () => {
    expect(basicChallenge('WallyWorld')).toBe('Basic realm="WallyWorld", charset="UTF-8"');
  });

  it('escapes quotes and backslashes in the realm', () => {
    expect(basicChallenge('a "b" \\c')).toBe('Basic realm="a \\"b\\" \\\\c", charset="UTF-8"');
  });

  it('turns control characters into spaces, as Tomcat does with header values', () => {
    expect(quotedString('a\r\nb\u0000c\td\u007f')).toBe('"a  b c\td "');
  });

  it('sends non-ASCII as UTF-8 bytes on a latin1 header line', () => {
    expect(quotedString('Zone protégée 保护')).toBe(`"${wire('Zone protégée 保护')}"`);
  });
});
