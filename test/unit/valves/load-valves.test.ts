/**
 * The pure parts of the request filtering and load valves: attribute validation (bad input is a configuration
 * error naming the element and attribute), ParameterLimitValve's rule lines, and the filters built from code.
 */
import { describe, expect, it } from 'vitest';
import { RemoteAddrFilter, RemoteCIDRFilter } from '../../../src/filters/index.js';
import type { FilterConfig } from '../../../src/servlet/filter.js';
import { CrawlerSessionManagerValve } from '../../../src/valves/crawler-session-manager-valve.js';
import { parseParameterLimits, ParameterLimitValve } from '../../../src/valves/parameter-limit-valve.js';
import { RemoteAddrValve } from '../../../src/valves/remote-addr-valve.js';
import { RemoteCIDRValve } from '../../../src/valves/remote-cidr-valve.js';
import { SemaphoreValve } from '../../../src/valves/semaphore-valve.js';

const ELEMENT = 'conf/server.xml:12 Server/Service[0]/Engine[0]/Host[0]/Valve[1]';

describe('request filtering valves built from attributes', () => {
  it('take Tomcat defaults and check the rules they were given', () => {
    const valve = new RemoteAddrValve({ allow: '127\\.0\\.0\\.1' }, ELEMENT);
    expect(valve.isAllowed('127.0.0.1')).toBe(true);
    expect(valve.isAllowed('127.0.0.2')).toBe(false);
    expect(new RemoteCIDRValve({ deny: '10.0.0.0/8' }).isAllowed('192.0.2.1')).toBe(true);
  });

  it('refuse an invalid CIDR block or pattern with the element and attribute', () => {
    expect(() => new RemoteCIDRValve({ allow: '::1', deny: '10.0.0.0/8, 1.2.3' }, ELEMENT)).toThrow(
      /Attribute \[deny\] on element \[conf\/server\.xml:12 .*Valve\[1\]\] has invalid value \[10\.0\.0\.0\/8, 1\.2\.3\]; allowed: \[1\.2\.3\] it is not an IPv4 or IPv6 address/,
    );
    expect(() => new RemoteAddrValve({ allow: '(?<=a)b' }, ELEMENT)).toThrow(/Attribute \[allow\] .* linear time/);
    expect(() => new RemoteAddrValve({ allow: '.*', denyStatus: '42' }, ELEMENT)).toThrow(/Attribute \[denyStatus\]/);
  });

  it('SemaphoreValve and CrawlerSessionManagerValve refuse what they cannot use', () => {
    expect(() => new SemaphoreValve({ concurrency: '0' }, ELEMENT)).toThrow(/Attribute \[concurrency\]/);
    expect(new SemaphoreValve({}).availablePermits).toBe(10);
    expect(() => new CrawlerSessionManagerValve({ crawlerUserAgents: '(bot)\\1' }, ELEMENT)).toThrow(
      /Attribute \[crawlerUserAgents\] .* linear time/,
    );
    expect(() => new CrawlerSessionManagerValve({ crawlerIps: '[' }, ELEMENT)).toThrow(/Attribute \[crawlerIps\]/);
  });
});

describe('ParameterLimitValve rule lines', () => {
  it('parses url-regex=limit lines, skipping blanks and comments, %-decoding the pattern', () => {
    const parsed = parseParameterLimits('# limits\n\n/api/.*=150\r\n /admin%2F.*  =  5 \n');
    expect(parsed.ok).toBe(true);
    const rules = parsed.ok ? parsed.rules : [];
    expect(rules.map((r) => r.limit)).toEqual([150, 5]);
    expect(rules[1]!.pattern.test('/admin/users')).toBe(true);
    expect(rules[0]!.pattern.test('/x/api/y')).toBe(false);
  });

  it.each([
    ['/api/.*', /no `=`/],
    ['/api/.*=lots', /is not a number/],
    ['/api/.*=10,5,1024', /multipart limits are not supported/],
    ['/(a)\\1=3', /cannot be used/],
    ['/%zz=3', /invalid %-escape/],
  ])('refuses [%s] with the line and why', (line, problem) => {
    const parsed = parseParameterLimits(`/ok=1\n${line}`);
    expect(parsed).toMatchObject({ ok: false, line: 2, text: line.trim() });
    expect(parsed.ok ? '' : parsed.problem).toMatch(problem);
  });

  it('an invalid urlPatternLimits attribute is a configuration error naming the element', () => {
    expect(() => new ParameterLimitValve({ urlPatternLimits: '/a=1,2,3' }, '/tmp', ELEMENT)).toThrow(
      /Attribute \[urlPatternLimits\] on element \[conf\/server\.xml:12 .*\] has invalid value \[\/a=1,2,3\]/,
    );
  });
});

describe('filters built from code with typed options', () => {
  const config = (params: Record<string, string>): FilterConfig => ({
    getFilterName: () => 'f',
    getServletContext: () => {
      throw new Error('not needed');
    },
    getInitParameter: (name) => params[name] ?? null,
    getInitParameterNames: () => Object.keys(params),
  });

  it('refuse invalid options at construction with the coded error', () => {
    expect(() => new RemoteCIDRFilter({ allow: '10.0.0.0/99' })).toThrow(
      'Init parameter [allow] of filter [RemoteCIDRFilter] has invalid value [10.0.0.0/99]',
    );
    expect(() => new RemoteAddrFilter({ allow: '.*', denyStatus: 99 })).toThrow(/Init parameter \[denyStatus\]/);
  });

  it('read init-params when built without options (web.xml), and refuse bad ones', () => {
    expect(() => new RemoteAddrFilter().init(config({ allow: '127\\.0\\.0\\.1' }))).not.toThrow();
    expect(() => new RemoteAddrFilter().init(config({ deny: '(x)\\1' }))).toThrow(/Init parameter \[deny\] of filter \[f\]/);
  });
});
