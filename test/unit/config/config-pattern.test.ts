import { describe, expect, it } from 'vitest';
import { compileConfigPattern, configPattern } from '../../../src/config/config-pattern.js';

/** Tomcat 10.1's default RemoteIpValve internalProxies, as written for java.util.regex. */
const TOMCAT_INTERNAL_PROXIES =
  '10\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}|192\\.168\\.\\d{1,3}\\.\\d{1,3}|169\\.254\\.\\d{1,3}\\.\\d{1,3}|127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}|100\\.6[4-9]{1}\\.\\d{1,3}\\.\\d{1,3}|172\\.1[6-9]{1}\\.\\d{1,3}\\.\\d{1,3}|0:0:0:0:0:0:0:1|::1|fe[89ab]\\p{XDigit}:.*|f[cd]\\p{XDigit}{2}+:.*';

describe('configuration patterns (linear-time policy)', () => {
  it('refuses a pattern whose backtracking is exponential only if the linear engine cannot run it, and runs (a|a)+$ in linear time', () => {
    const regex = configPattern('(a|a)+$');
    // 30,000 characters: a backtracking engine would never finish; the linear engine answers at once.
    expect(regex.test(`${'a'.repeat(30_000)}b`)).toBe(false);
    expect(regex.test('aaaa')).toBe(true);
  });

  it('refuses backreferences and lookaround with the reason', () => {
    for (const pattern of ['(a+)\\1', '(?=a)a', 'a(?!b)', '(?<=x)y']) {
      const result = compileConfigPattern(pattern);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.reason).toMatch(/linear time/);
    }
  });

  it('refuses invalid syntax with the engine message', () => {
    const result = compileConfigPattern('a(b');
    expect(result).toMatchObject({ ok: false, reason: expect.stringMatching(/not a valid regular expression/) });
  });

  it("translates Tomcat's Java defaults: \\p{XDigit}, possessive {2}+", () => {
    const regex = configPattern(TOMCAT_INTERNAL_PROXIES);
    for (const address of ['10.1.2.3', '127.0.0.1', '::1', 'fe80:0:0:0:0:0:0:1', 'fd12:3456::1', '172.17.0.1'])
      expect(regex.test(address)).toBe(true);
    for (const address of ['11.1.2.3', '8.8.8.8', '2001:db8::1', '10.1.2.3x']) expect(regex.test(address)).toBe(false);
  });

  it('matches the whole input by default and searches with whole=false', () => {
    expect(configPattern('bot').test('Googlebot')).toBe(false);
    expect(configPattern('bot', { whole: false }).test('Googlebot/2.1')).toBe(true);
  });

  it('ignores case by doubling letters, in and out of classes and ranges, and with a leading (?i)', () => {
    const regex = configPattern('.*[bB]ot.*|mozilla[a-c]+x', { ignoreCase: true });
    expect(regex.test('GOOGLEBOT')).toBe(true);
    expect(regex.test('MoZiLLaCBAX')).toBe(true);
    expect(regex.test('mozillad')).toBe(false);
    expect(configPattern('(?i)abc').test('ABC')).toBe(true);
    expect(configPattern('abc').test('ABC')).toBe(false);
  });

  it('keeps \\Q…\\E literal and refuses an unknown \\p{} class', () => {
    expect(configPattern('\\Q*.+\\E').test('*.+')).toBe(true);
    expect(configPattern('\\Q*.+\\E').test('aaa')).toBe(false);
    expect(compileConfigPattern('\\p{Greek}')).toMatchObject({ ok: false });
  });

  it('keeps escapes inside a class', () => {
    const regex = configPattern('[\\]a-]+');
    expect(regex.test(']a-')).toBe(true);
  });
});
