import { describe, expect, it } from 'vitest';
import { readInitParameters } from '../../../src/config/init-parameters.js';
import { ContainerError } from '../../../src/errors/container-error.js';
import {
  addVaryFieldName,
  CorsFilter,
  corsRequestType,
  corsSettings,
  isSameOrigin,
  isValidOrigin,
} from '../../../src/filters/cors-filter.js';
import type { HttpServletRequest } from '../../../src/servlet/http-servlet-request.js';
import type { HttpServletResponse } from '../../../src/servlet/http-servlet-response.js';

function request(method: string, headers: Record<string, string>, scheme = 'http', host = 'app.example', port = 8080): HttpServletRequest {
  const lower = new Map(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  return {
    getMethod: () => method,
    getHeader: (name: string) => lower.get(name.toLowerCase()) ?? null,
    getContentType: () => lower.get('content-type') ?? null,
    getScheme: () => scheme,
    getServerName: () => host,
    getServerPort: () => port,
  } as unknown as HttpServletRequest;
}

/** A response that keeps headers as a Map of lists, as the container does. */
function response(vary: string[] = []): HttpServletResponse & { vary(): string[] } {
  let values = [...vary];
  return {
    getHeaders: () => [...values],
    addHeader: (_: string, value: string) => void values.push(value),
    setHeader: (_: string, value: string) => void (values = [value]),
    vary: () => values,
  } as unknown as HttpServletResponse & { vary(): string[] };
}

const settingsOf = (params: Record<string, string>) =>
  corsSettings(
    readInitParameters(
      'Filter:CorsFilter',
      (name) => params[name] ?? null,
      () => new Error('bad'),
    ),
    'cors',
  );

describe('CorsFilter rules', () => {
  it('validates an Origin as Tomcat does (no %, null and file:// allowed, else a URI with a scheme)', () => {
    for (const origin of [
      'https://a.example',
      'http://a.example:8080',
      'null',
      'file://anything at all',
      'http://[::1]:8080',
      'chrome-extension://abc',
    ]) {
      expect(isValidOrigin(origin), origin).toBe(true);
    }
    for (const origin of [
      'a.example',
      'https://a%2e.example',
      'http://a b',
      'http:',
      'http://',
      '//a.example',
      'http://a.example/<x>',
      'http://[zz]',
    ]) {
      expect(isValidOrigin(origin), origin).toBe(false);
    }
  });

  it('compares the same origin case-sensitively, with or without the default port', () => {
    expect(isSameOrigin(request('GET', {}, 'http', 'app.example', 80), 'http://app.example')).toBe(true);
    expect(isSameOrigin(request('GET', {}, 'http', 'app.example', 80), 'http://app.example:80')).toBe(true);
    expect(isSameOrigin(request('GET', {}, 'https', 'app.example', 443), 'https://app.example')).toBe(true);
    expect(isSameOrigin(request('GET', {}, 'http', 'app.example', 8080), 'http://app.example:8080')).toBe(true);
    expect(isSameOrigin(request('GET', {}, 'http', 'app.example', 8080), 'http://app.example')).toBe(false);
    expect(isSameOrigin(request('GET', {}, 'http', 'app.example', 8080), 'http://APP.example:8080')).toBe(false);
    expect(isSameOrigin(request('GET', {}, 'http', 'app.example', 80), 'https://app.example')).toBe(false);
  });

  it('classifies requests as Tomcat 10.1 does', () => {
    const o = { origin: 'https://other.example' };
    expect(corsRequestType(request('GET', {}))).toBe('NOT_CORS');
    expect(corsRequestType(request('GET', { origin: 'http://app.example:8080' }))).toBe('NOT_CORS');
    expect(corsRequestType(request('GET', { origin: '' }))).toBe('INVALID_CORS');
    expect(corsRequestType(request('GET', o))).toBe('SIMPLE');
    expect(corsRequestType(request('HEAD', o))).toBe('SIMPLE');
    expect(corsRequestType(request('POST', o))).toBe('SIMPLE');
    expect(corsRequestType(request('POST', { ...o, 'content-type': 'Multipart/Form-Data; boundary=x' }))).toBe('SIMPLE');
    expect(corsRequestType(request('POST', { ...o, 'content-type': 'application/json' }))).toBe('ACTUAL');
    expect(corsRequestType(request('PATCH', o))).toBe('ACTUAL');
    expect(corsRequestType(request('OPTIONS', o))).toBe('ACTUAL');
    expect(corsRequestType(request('OPTIONS', { ...o, 'access-control-request-method': 'PUT' }))).toBe('PRE_FLIGHT');
    expect(corsRequestType(request('OPTIONS', { ...o, 'access-control-request-method': '' }))).toBe('INVALID_CORS');
  });

  it("adds to Vary as Tomcat's ResponseUtil does", () => {
    const empty = response();
    addVaryFieldName(empty, 'Origin');
    addVaryFieldName(empty, 'Access-Control-Request-Method');
    addVaryFieldName(empty, 'origin');
    // Existing names come back lower-cased once Vary is re-parsed; a name already there (any case) is not added again.
    expect(empty.vary()).toEqual(['origin,access-control-request-method']);
    const star = response(['*']);
    addVaryFieldName(star, 'Origin');
    expect(star.vary()).toEqual(['*']);
    const listed = response(['Accept-Encoding', 'Accept, *']);
    addVaryFieldName(listed, 'Origin');
    expect(listed.vary()).toEqual(['*']);
  });

  it('reads the settings: trimmed lists, lower-case headers, * alone', () => {
    const settings = settingsOf({
      'cors.allowed.origins': ' https://a.example , https://b.example,,',
      'cors.allowed.headers': 'X-One, x-two',
    });
    expect([...settings.allowedOrigins]).toEqual(['https://a.example', 'https://b.example']);
    expect([...settings.allowedHeaders]).toEqual(['x-one', 'x-two']);
    expect(settings.anyOriginAllowed).toBe(false);
    expect(settingsOf({}).allowedOrigins.size).toBe(0);
    expect(settingsOf({ 'cors.allowed.origins': ' * ' }).anyOriginAllowed).toBe(true);
  });

  it('refuses * with credentials, from web.xml or from code', () => {
    expect(() => settingsOf({ 'cors.allowed.origins': '*', 'cors.support.credentials': 'true' })).toThrow(ContainerError);
    expect(() => new CorsFilter({ allowedOrigins: '*', supportsCredentials: true })).toThrow(
      expect.objectContaining({ code: 'SV_ERR_FILTER_CORS_CREDENTIALS_ANY_ORIGIN' }),
    );
    expect(() => new CorsFilter({ preflightMaxAge: 1.5 })).toThrow(expect.objectContaining({ code: 'SV_ERR_FILTER_INIT_PARAM' }));
  });

  it('turns typed options into the same settings as their init-params', () => {
    const filter = new CorsFilter({
      allowedOrigins: ['https://a.example'],
      allowedMethods: ['GET', 'PUT'],
      supportsCredentials: true,
      preflightMaxAge: 60,
    });
    expect(filter.getSettings()).toEqual(
      settingsOf({
        'cors.allowed.origins': 'https://a.example',
        'cors.allowed.methods': 'GET,PUT',
        'cors.support.credentials': 'true',
        'cors.preflight.maxage': '60',
      }),
    );
  });
});
