import { describe, expect, it } from 'vitest';
import {
  DEFAULT_INTERNAL_PROXIES,
  evaluateForwarded,
  hostName,
  isForwardedProtoSecure,
  remoteIpRules,
  splitCommaSeparated,
  type RemoteIpOptions,
  type RemoteIpRules,
} from '../../../src/filters/remote-ip.js';

function rules(options: RemoteIpOptions = {}): RemoteIpRules {
  const compiled = remoteIpRules(options);
  if (!compiled.ok) throw new Error(compiled.error.reason);
  return compiled.rules;
}

/** Header lookup over a plain record, names case-insensitive (a value array stands for repeated fields). */
function headers(fields: Record<string, string | string[]>): (name: string) => readonly string[] {
  const byName = new Map(Object.entries(fields).map(([k, v]) => [k.toLowerCase(), Array.isArray(v) ? v : [v]]));
  return (name) => byName.get(name.toLowerCase()) ?? [];
}

describe("RemoteIpValve/RemoteIpFilter rules (Tomcat's mod_remoteip port)", () => {
  it("loads Tomcat 10.1's default internalProxies and matches exactly its private, loopback and link-local ranges", () => {
    const { internalProxies } = rules();
    expect(internalProxies).not.toBeNull();
    for (const inside of [
      '10.0.0.1',
      '192.168.1.2',
      '169.254.3.4',
      '127.0.0.2',
      '100.64.0.1',
      '100.127.255.1',
      '172.16.0.1',
      '172.31.9.9',
      '::1',
      '0:0:0:0:0:0:0:1',
      'fe80::1',
      'fd12:3456::1',
    ]) {
      expect(internalProxies!.test(inside), inside).toBe(true);
    }
    for (const outside of [
      '8.8.8.8',
      '172.32.0.1',
      '100.128.0.1',
      '100.63.0.1',
      '192.169.0.1',
      '2001:db8::1',
      '127.0.0.1.evil',
      ' 127.0.0.1',
    ]) {
      expect(internalProxies!.test(outside), outside).toBe(false);
    }
    expect(DEFAULT_INTERNAL_PROXIES).toContain('f[cd]\\p{XDigit}{2}+:.*');
  });

  it('takes the client from X-Forwarded-For when the peer is an internal proxy, and removes the header', () => {
    const result = evaluateForwarded(rules(), '192.168.0.10', headers({ 'x-forwarded-for': '140.211.11.130, 192.168.0.10' }));
    expect(result).toMatchObject({ remoteAddr: '140.211.11.130', proxies: [], remainingRemoteIp: [] });
  });

  it('ignores every header from a peer that is neither internal nor trusted (a spoofed X-Forwarded-For)', () => {
    const spoofed = headers({ 'x-forwarded-for': '1.2.3.4', 'x-forwarded-proto': 'https' });
    expect(evaluateForwarded(rules(), '203.0.113.9', spoofed)).toBeNull();
    expect(evaluateForwarded(rules({ internalProxies: '' }), '127.0.0.1', spoofed)).toBeNull();
  });

  it('records trusted proxies in the proxies header, left to right, and stops at the first untrusted entry', () => {
    const r = rules({ internalProxies: '192\\.168\\.0\\.10|192\\.168\\.0\\.11', trustedProxies: 'proxy1|proxy2|proxy3' });
    expect(evaluateForwarded(r, '192.168.0.10', headers({ 'X-Forwarded-For': '140.211.11.130, proxy1, proxy2' }))).toMatchObject({
      remoteAddr: '140.211.11.130',
      proxies: ['proxy1', 'proxy2'],
      remainingRemoteIp: [],
    });
    // A client that wrote its own entries left of an untrusted hop: only the untrusted hop is believed.
    expect(
      evaluateForwarded(r, '192.168.0.10', headers({ 'X-Forwarded-For': '6.6.6.6, 140.211.11.130, untrusted-proxy, proxy1' })),
    ).toMatchObject({ remoteAddr: 'untrusted-proxy', proxies: ['proxy1'], remainingRemoteIp: ['6.6.6.6', '140.211.11.130'] });
    // A trusted (not internal) peer is itself the last proxy.
    expect(evaluateForwarded(r, 'proxy3', headers({ 'X-Forwarded-For': '140.211.11.130, 192.168.0.11, proxy2' }))).toMatchObject({
      remoteAddr: '140.211.11.130',
      proxies: ['proxy2', 'proxy3'],
      remainingRemoteIp: [],
    });
  });

  it('joins repeated X-Forwarded-For fields into one list, as Tomcat does', () => {
    const result = evaluateForwarded(rules(), '127.0.0.1', headers({ 'x-forwarded-for': ['198.51.100.7, 10.0.0.1', '10.0.0.2'] }));
    expect(result).toMatchObject({ remoteAddr: '198.51.100.7', remainingRemoteIp: [] });
  });

  it('keeps the address when the header is absent, and still applies the protocol header', () => {
    const result = evaluateForwarded(rules(), '127.0.0.1', headers({ 'x-forwarded-proto': 'https' }));
    expect(result).toMatchObject({ remoteAddr: undefined, secure: true, scheme: 'https', serverPort: 443 });
  });

  it('is secure only when every forwarded protocol is the https value, and takes the port from portHeader', () => {
    expect(isForwardedProtoSecure('HTTPS', 'https')).toBe(true);
    expect(isForwardedProtoSecure('https, https', 'https')).toBe(true);
    expect(isForwardedProtoSecure('https, http', 'https')).toBe(false);
    expect(isForwardedProtoSecure(',', 'https')).toBe(false);
    const r = rules({ portHeader: 'x-forwarded-port', changeLocalPort: true, httpServerPort: 8081 });
    expect(evaluateForwarded(r, '127.0.0.1', headers({ 'x-forwarded-proto': 'http' }))).toMatchObject({
      secure: false,
      scheme: 'http',
      serverPort: 8081,
      localPort: 8081,
    });
    expect(evaluateForwarded(r, '127.0.0.1', headers({ 'x-forwarded-proto': 'https', 'x-forwarded-port': '8443' }))).toMatchObject({
      serverPort: 8443,
    });
    expect(evaluateForwarded(r, '127.0.0.1', headers({ 'x-forwarded-proto': 'https', 'x-forwarded-port': 'eighty' }))).toMatchObject({
      serverPort: 443,
    });
    expect(evaluateForwarded(rules({ protocolHeader: '' }), '127.0.0.1', headers({ 'x-forwarded-proto': 'https' }))).toMatchObject({
      secure: undefined,
      scheme: undefined,
    });
  });

  it('takes the server name from hostHeader without its port, and ignores a value that is not a host', () => {
    const r = rules({ hostHeader: 'x-forwarded-host', changeLocalName: true });
    expect(evaluateForwarded(r, '127.0.0.1', headers({ 'x-forwarded-host': 'www.example.org:8443' }))).toMatchObject({
      serverName: 'www.example.org',
      localName: 'www.example.org',
    });
    expect(evaluateForwarded(r, '127.0.0.1', headers({ 'x-forwarded-host': 'evil.org/path?x' }))).toMatchObject({ serverName: undefined });
    expect(hostName('[::1]:80')).toBe('[::1]');
    expect(hostName('')).toBeNull();
  });

  it("splits lists as Tomcat's StringUtils.splitCommaSeparated: parts trimmed, trailing empty parts dropped", () => {
    expect(splitCommaSeparated('')).toEqual([]);
    expect(splitCommaSeparated(' a ,b,, c')).toEqual(['a', 'b', '', 'c']);
    expect(splitCommaSeparated('a,b,,')).toEqual(['a', 'b']);
    expect(splitCommaSeparated('a, ')).toEqual(['a', '']);
    expect(splitCommaSeparated(',a')).toEqual(['', 'a']);
  });

  it('never throws on malformed lists: empty entries, garbage, control characters, a huge list', () => {
    const r = rules({ trustedProxies: 'proxy\\d+' });
    for (const value of [
      '',
      ',',
      ', , ,',
      '\u0000\u0001',
      'garbage, ;;;, "quoted"',
      '1.2.3.4,,,,127.0.0.1',
      '[',
      '\\',
      '(a|a)+$'.repeat(100),
    ]) {
      expect(() => evaluateForwarded(r, '127.0.0.1', headers({ 'x-forwarded-for': value }))).not.toThrow();
    }
    const huge = Array.from({ length: 20_000 }, (_, i) => `proxy${i}`).join(', ');
    const result = evaluateForwarded(r, '127.0.0.1', headers({ 'x-forwarded-for': `9.9.9.9, ${huge}` }));
    expect(result?.remoteAddr).toBe('9.9.9.9');
    expect(result?.proxies).toHaveLength(20_000);
    // An empty entry is an address no pattern matches, so it is the client (Tomcat behaves the same).
    expect(evaluateForwarded(r, '127.0.0.1', headers({ 'x-forwarded-for': '1.2.3.4, ' }))?.remoteAddr).toBe('');
  });

  it('names an option whose pattern cannot be used', () => {
    const bad = remoteIpRules({ trustedProxies: '(a+)\\1' });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error).toMatchObject({ name: 'trustedProxies', value: '(a+)\\1' });
    const invalid = remoteIpRules({ internalProxies: '10\\.(' });
    expect(invalid.ok).toBe(false);
    if (!invalid.ok) expect(invalid.error.name).toBe('internalProxies');
  });
});
