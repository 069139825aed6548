import { describe, expect, it } from 'vitest';
import { AddDefaultCharsetFilter, CorsFilter, HttpHeaderSecurityFilter, SetCharacterEncodingFilter } from '../../../src/filters/index.js';
import { securityHeaders } from '../../../src/filters/http-header-security-filter.js';
import { readInitParameters } from '../../../src/config/init-parameters.js';
import type { FilterConfig } from '../../../src/servlet/filter.js';
import type { HttpServletRequest } from '../../../src/servlet/http-servlet-request.js';
import type { HttpServletResponse } from '../../../src/servlet/http-servlet-response.js';
import type { ServletContext } from '../../../src/servlet/servlet-context.js';

function config(name: string, params: Record<string, string>): FilterConfig {
  return {
    getFilterName: () => name,
    getServletContext: () => ({}) as ServletContext,
    getInitParameter: (param) => params[param] ?? null,
    getInitParameterNames: () => Object.keys(params),
  };
}

const code = (error: unknown): string | undefined => (error as { code?: string }).code;
const thrown = (make: () => unknown): unknown => {
  try {
    make();
  } catch (error) {
    return error;
  }
  return undefined;
};

describe('built-in filters from code', () => {
  it('refuses a bad option in the constructor with the init-param it stands for', () => {
    const bad = [
      () => new HttpHeaderSecurityFilter({ antiClickJackingOption: 'ALLOW-FROM' }),
      () => new HttpHeaderSecurityFilter({ hstsMaxAgeSeconds: Number.NaN }),
      () => new SetCharacterEncodingFilter({ encoding: 'no-such-charset' }),
      () => new AddDefaultCharsetFilter({ encoding: 'no-such-charset' }),
    ];
    for (const make of bad) expect(code(thrown(make)), make.toString()).toBe('SV_ERR_FILTER_INIT_PARAM');
    expect(String(thrown(() => new SetCharacterEncodingFilter({ encoding: 'no-such-charset' })))).toContain(
      'Init parameter [encoding] of filter [SetCharacterEncodingFilter]',
    );
  });

  it('lets an init-param from web.xml win over the option of the same meaning', async () => {
    const filter = new CorsFilter({ allowedOrigins: ['https://code.example'], preflightMaxAge: 10 });
    await filter.init(config('cors', { 'cors.preflight.maxage': '20' }));
    expect(filter.getSettings().preflightMaxAge).toBe(20);
    expect([...filter.getSettings().allowedOrigins]).toEqual(['https://code.example']);
  });

  it('names the filter of web.xml in an init error', () => {
    const error = thrown(() => new CorsFilter().init(config('api-cors', { 'cors.support.credentials': 'yes' })));
    expect(String(error)).toContain('Init parameter [cors.support.credentials] of filter [api-cors] has invalid value [yes]');
  });
});

describe('HttpHeaderSecurityFilter header values', () => {
  const headersOf = (params: Record<string, string>) =>
    securityHeaders(
      readInitParameters(
        'Filter:HttpHeaderSecurityFilter',
        (name) => params[name] ?? null,
        () => new Error('bad'),
      ),
      'headers',
    );

  it("builds Tomcat's values", () => {
    expect(headersOf({})).toEqual({ hsts: 'max-age=0', frameOptions: 'DENY', contentTypeOptions: 'nosniff', xssProtection: null });
    expect(headersOf({ hstsMaxAgeSeconds: '-5', hstsPreload: 'true' }).hsts).toBe('max-age=0;preload');
    expect(headersOf({ antiClickJackingOption: 'sameorigin' }).frameOptions).toBe('SAMEORIGIN');
    expect(headersOf({ antiClickJackingOption: 'ALLOW-FROM', antiClickJackingUri: '/frames' }).frameOptions).toBe('ALLOW-FROM /frames');
  });

  it('refuses a URI that is none', () => {
    expect(code(thrown(() => headersOf({ antiClickJackingOption: 'ALLOW-FROM', antiClickJackingUri: 'https://a b/' })))).toBe(
      'SV_ERR_FILTER_INIT_PARAM',
    );
  });
});

describe('HttpHeaderSecurityFilter on a committed response', () => {
  it('fails the request rather than answer without its headers, as Tomcat does', async () => {
    const filter = new HttpHeaderSecurityFilter();
    await filter.init(config('headers', {}));
    const request = { isSecure: () => true, getMethod: () => 'GET' } as unknown as HttpServletRequest;
    const set: string[] = [];
    const response = {
      isCommitted: () => true,
      sendError: () => {},
      setHeader: (name: string) => void set.push(name),
    } as unknown as HttpServletResponse;
    let chained = false;
    const chain = { doFilter: () => ((chained = true), Promise.resolve()) };
    expect(code(thrown(() => filter.doFilter(request, response, chain)))).toBe('SV_ERR_FILTER_HEADERS_COMMITTED');
    expect(chained).toBe(false);
    expect(set).toEqual([]);
  });
});
