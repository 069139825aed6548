/**
 * The allow/deny rules RemoteAddr/RemoteHost/RemoteCIDR valves and filters share: Tomcat's decision order,
 * whole-input patterns, CIDR blocks for IPv4 and IPv6 (IPv4-mapped addresses as their IPv4 address), and the
 * configurations refused.
 */
import { describe, expect, it } from 'vitest';
import { cidrRules, parseAddress, parseNetMask, patternRules, type RuleText } from '../../../src/filters/request-filter-rules.js';

function patterns(text: RuleText) {
  const result = patternRules(text);
  if (!result.ok) throw new Error(result.reason);
  return result.rules;
}

function cidrs(text: RuleText) {
  const result = cidrRules(text);
  if (!result.ok) throw new Error(result.reason);
  return result.rules;
}

describe('the decision order (RequestFilterValve.isAllowed)', () => {
  it('deny wins over allow, allow passes, and anything else is refused when allow is set', () => {
    const rules = patterns({ allow: '127\\.\\d+\\.\\d+\\.\\d+', deny: '127\\.0\\.0\\.2' });
    expect(rules.isAllowed('127.0.0.1')).toBe(true);
    expect(rules.isAllowed('127.0.0.2')).toBe(false);
    expect(rules.isAllowed('10.0.0.1')).toBe(false);
  });

  it('with only deny, everything it does not match passes', () => {
    const rules = patterns({ deny: '10\\..*' });
    expect(rules.isAllowed('10.1.2.3')).toBe(false);
    expect(rules.isAllowed('192.168.0.1')).toBe(true);
  });

  it('with neither allow nor deny (or both empty), every request is refused, as Tomcat', () => {
    expect(patterns({}).isAllowed('127.0.0.1')).toBe(false);
    expect(patterns({ allow: '', deny: '' }).isAllowed('127.0.0.1')).toBe(false);
    expect(cidrs({}).isAllowed('127.0.0.1')).toBe(false);
  });

  it('patterns match the whole value (Java matches()), not a part of it', () => {
    const rules = patterns({ allow: '127\\.0\\.0\\.1' });
    expect(rules.isAllowed('127.0.0.1')).toBe(true);
    expect(rules.isAllowed('127.0.0.10')).toBe(false);
    expect(rules.isAllowed('1127.0.0.1')).toBe(false);
  });

  it('with addConnectorPort the value is `address;port`', () => {
    const rules = patterns({ allow: '127\\.0\\.0\\.1;8080|.*;8443' });
    expect(rules.isAllowed('127.0.0.1', 8080)).toBe(true);
    expect(rules.isAllowed('10.0.0.1', 8443)).toBe(true);
    expect(rules.isAllowed('10.0.0.1', 8080)).toBe(false);
    expect(rules.isAllowed('127.0.0.1')).toBe(false);
  });
});

describe('CIDR rules (NetMask)', () => {
  it('match IPv4 blocks by their leading bits', () => {
    const rules = cidrs({ allow: '10.0.0.0/8, 192.168.1.0/25,172.16.5.5' });
    expect(rules.isAllowed('10.255.1.2')).toBe(true);
    expect(rules.isAllowed('11.0.0.1')).toBe(false);
    expect(rules.isAllowed('192.168.1.127')).toBe(true);
    expect(rules.isAllowed('192.168.1.128')).toBe(false);
    expect(rules.isAllowed('172.16.5.5')).toBe(true);
    expect(rules.isAllowed('172.16.5.6')).toBe(false);
  });

  it('match IPv6 blocks, in any spelling of the address', () => {
    const rules = cidrs({ allow: '::1, fe80::/10, 2001:db8:abcd::/48' });
    expect(rules.isAllowed('::1')).toBe(true);
    expect(rules.isAllowed('0:0:0:0:0:0:0:1')).toBe(true);
    expect(rules.isAllowed('::2')).toBe(false);
    expect(rules.isAllowed('fe80::fc:ff:fe00:1')).toBe(true);
    expect(rules.isAllowed('fe80::1%eth0')).toBe(true);
    expect(rules.isAllowed('fec0::1')).toBe(false);
    expect(rules.isAllowed('2001:db8:abcd:12::1')).toBe(true);
    expect(rules.isAllowed('2001:db8:abce::1')).toBe(false);
  });

  it('an IPv4 block never matches an IPv6 address, nor the reverse', () => {
    expect(cidrs({ allow: '0.0.0.0/0' }).isAllowed('::1')).toBe(false);
    expect(cidrs({ allow: '::/0' }).isAllowed('127.0.0.1')).toBe(false);
  });

  it('an IPv4-mapped IPv6 address is its IPv4 address, in the value checked and in the rules', () => {
    const rules = cidrs({ allow: '127.0.0.0/8' });
    expect(rules.isAllowed('::ffff:127.0.0.1')).toBe(true);
    expect(rules.isAllowed('::ffff:7f00:1')).toBe(true);
    expect(rules.isAllowed('::ffff:10.0.0.1')).toBe(false);
    const mapped = cidrs({ allow: '::ffff:10.0.0.0/104' });
    expect(mapped.isAllowed('10.20.30.40')).toBe(true);
    expect(mapped.isAllowed('11.0.0.1')).toBe(false);
  });

  it('a value that is not an IP address is refused', () => {
    const rules = cidrs({ deny: '10.0.0.0/8' });
    expect(rules.isAllowed('192.168.0.1')).toBe(true);
    expect(rules.isAllowed('localhost')).toBe(false);
    expect(rules.isAllowed('')).toBe(false);
  });

  it('with addConnectorPort only blocks with a port pattern match, and only on that port', () => {
    const rules = cidrs({ allow: '127.0.0.0/8;8080|8443, 10.0.0.0/8' });
    expect(rules.isAllowed('127.0.0.1', 8080)).toBe(true);
    expect(rules.isAllowed('127.0.0.1', 9000)).toBe(false);
    expect(rules.isAllowed('10.0.0.1', 8080)).toBe(false);
    // Without a port to check, a block with a port pattern never matches.
    expect(rules.isAllowed('127.0.0.1')).toBe(false);
    expect(rules.isAllowed('10.0.0.1')).toBe(true);
  });
});

describe('invalid rules are refused with the reason', () => {
  it.each([
    ['10.0.0.0/33', /larger than the 32 bits/],
    ['::/129', /larger than the 128 bits/],
    ['10.0.0.0/x', /is not a number/],
    ['10.0.0.256', /not an IPv4 or IPv6 address/],
    ['localhost', /host names are not resolved/],
    ['::ffff:10.0.0.0/8', /from 96 to 128/],
    ['10.0.0.0/8;(', /port pattern/],
  ])('%s', (input, reason) => {
    const parsed = parseNetMask(input);
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? '' : parsed.reason).toMatch(reason);
  });

  it('names the list and the element that is wrong', () => {
    const result = cidrRules({ allow: '127.0.0.1', deny: '10.0.0.0/8, 300.1.1.1' });
    expect(result).toEqual({ ok: false, reason: expect.stringMatching(/^deny: \[300\.1\.1\.1\] /) as unknown });
  });

  it('refuses patterns that could not be matched in linear time, and invalid ones', () => {
    expect(patternRules({ allow: '(a)\\1' }).ok).toBe(false);
    expect(patternRules({ deny: '[' })).toEqual({ ok: false, reason: expect.stringMatching(/^deny: /) as unknown });
  });

  it('a catastrophic pattern runs in linear time: (a|a)+$ against a long input answers at once', () => {
    const rules = patterns({ allow: '(a|a)+$' });
    // A backtracking engine would take exponential time on this input; the linear engine answers in one pass.
    expect(rules.isAllowed(`${'a'.repeat(5000)}!`)).toBe(false);
    expect(rules.isAllowed('aaaa')).toBe(true);
  });
});

describe('parseAddress', () => {
  it('gives 4 bytes for IPv4 and IPv4-mapped IPv6, 16 for IPv6', () => {
    expect([...parseAddress('192.168.0.1')!]).toEqual([192, 168, 0, 1]);
    expect([...parseAddress('::ffff:192.168.0.1')!]).toEqual([192, 168, 0, 1]);
    expect([...parseAddress('2001:db8::ff00:42:8329')!]).toEqual([
      0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0xff, 0x00, 0x00, 0x42, 0x83, 0x29,
    ]);
    expect([...parseAddress('::')!]).toEqual(new Array(16).fill(0));
    expect([...parseAddress('1::')!]).toEqual([0, 1, ...new Array(14).fill(0)]);
    expect([...parseAddress('64:ff9b::1.2.3.4')!]).toEqual([0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4]);
    expect(parseAddress('not-an-address')).toBeNull();
  });
});
