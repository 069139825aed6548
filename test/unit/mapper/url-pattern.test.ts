import { describe, expect, it } from 'vitest';
import { ContainerError, DeployError } from '../../../src/errors/container-error.js';
import { parseUrlPattern, urlPatternMatches } from '../../../src/mapper/url-pattern.js';

describe('parseUrlPattern (Servlet 6 §12.2)', () => {
  it.each([
    ['', { type: 'context-root', pattern: '', adjusted: false }],
    ['/', { type: 'default', pattern: '/', adjusted: false }],
    ['/*', { type: 'path-prefix', pattern: '/*', prefix: '', adjusted: false }],
    ['/foo/bar/*', { type: 'path-prefix', pattern: '/foo/bar/*', prefix: '/foo/bar', adjusted: false }],
    ['*.bop', { type: 'extension', pattern: '*.bop', extension: 'bop', adjusted: false }],
    ['*.tar.gz', { type: 'extension', pattern: '*.tar.gz', extension: 'tar.gz', adjusted: false }],
    ['/catalog', { type: 'exact', pattern: '/catalog', path: '/catalog', adjusted: false }],
    ['/a/b.html', { type: 'exact', pattern: '/a/b.html', path: '/a/b.html', adjusted: false }],
  ] as const)('classifies %j', (pattern, expected) => {
    expect(parseUrlPattern(pattern)).toMatchObject({ ...expected, original: pattern });
  });

  it('adds a missing leading / and says so (Tomcat compatibility)', () => {
    expect(parseUrlPattern('catalog')).toMatchObject({ type: 'exact', pattern: '/catalog', original: 'catalog', adjusted: true });
    expect(parseUrlPattern('foo/*')).toMatchObject({ type: 'path-prefix', prefix: '/foo', adjusted: true });
    expect(parseUrlPattern('/x').adjusted).toBe(false);
  });

  it.each(['*.a/b', '/a*', '/a/*/b', '/*.do', '*.', '*.a*', '**', 'a*', '*', '/a\nb', '/a\r'])('rejects %j', (pattern) => {
    let caught: unknown;
    try {
      parseUrlPattern(pattern);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(DeployError);
    expect((caught as ContainerError).code).toBe('SV_ERR_DEPLOY_URL_PATTERN_INVALID');
    expect((caught as ContainerError).message).toContain(`[${pattern}]`);
  });
});

describe('urlPatternMatches (filter mapping)', () => {
  const m = (pattern: string, path: string): boolean => urlPatternMatches(parseUrlPattern(pattern), path);
  it('matches exact, prefix on a / boundary and extension on the last segment', () => {
    expect(m('/catalog', '/catalog')).toBe(true);
    expect(m('/catalog', '/catalog/')).toBe(false);
    expect(m('/foo/*', '/foo')).toBe(true);
    expect(m('/foo/*', '/foo/x/y')).toBe(true);
    expect(m('/foo/*', '/foobar')).toBe(false);
    expect(m('/*', '/anything')).toBe(true);
    expect(m('*.do', '/a/b.do')).toBe(true);
    expect(m('*.do', '/a.do/b')).toBe(false);
    expect(m('*.do', '/a/b.dox')).toBe(false);
    expect(m('/', '/')).toBe(true);
    expect(m('/', '/x')).toBe(false);
    expect(m('', '/')).toBe(true);
  });
});
