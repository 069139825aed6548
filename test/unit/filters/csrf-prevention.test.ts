/**
 * CsrfPreventionFilter's pure parts (noNonceURLPatterns, the nonce added to URLs) and the typed options of the
 * four filters of this area: a value the init-param table refuses is a coded error naming the parameter.
 */
import { describe, expect, it } from 'vitest';
import { ContainerError } from '../../../src/errors/container-error.js';
import { addNonce, noNoncePredicates } from '../../../src/filters/csrf-prevention-filter.js';
import { generateNonce, sameNonce } from '../../../src/filters/csrf-nonce.js';
import { CsrfPreventionFilter, ExpiresFilter, RateLimitFilter, RestCsrfPreventionFilter } from '../../../src/filters/index.js';

const mime = (url: string): string | null => (url.endsWith('.png') ? 'image/png' : url.endsWith('.html') ? 'text/html' : null);

function matcher(patterns: string): (url: string) => boolean {
  const predicates = noNoncePredicates(patterns, mime);
  if (typeof predicates === 'string') throw new Error(predicates);
  return (url) => predicates.some((p) => p(url));
}

function codeOf(build: () => unknown): string {
  try {
    build();
  } catch (error) {
    if (error instanceof ContainerError) return `${error.code}: ${error.message}`;
    throw error;
  }
  throw new Error('no error');
}

describe('noNoncePredicates', () => {
  it("Tomcat's default list: the static resource suffixes", () => {
    const matches = matcher('*.css, *.js, *.gif, *.png, *.jpg, *.svg, *.ico, *.jpeg, *.mjs');
    expect(matches('/app/site.css')).toBe(true);
    expect(matches('logo.png')).toBe(true);
    expect(matches('/app/action')).toBe(false);
    expect(matches('/app/site.css?x=1')).toBe(false);
  });

  it('prefix*, /regex/ (whole match), mime: + a pattern; a value wholly between slashes is one regex', () => {
    const matches = matcher('/static/*, /.*\\.txt/, mime:image/*');
    expect(matches('/static/a')).toBe(true);
    expect(matches('/notes.txt')).toBe(true);
    expect(matches('/notes.txt.bak')).toBe(false);
    expect(matches('/pic.png')).toBe(true);
    expect(matches('/page.html')).toBe(false);
    const one = matcher('/\\/(a|b),c/');
    expect(one('/a,c')).toBe(true);
    expect(one('/a')).toBe(false);
    expect(matcher('  ')('/anything')).toBe(false);
  });

  it('refuses an entry of no known form, an empty mime:, and a regex that cannot run in linear time', () => {
    expect(noNoncePredicates('*.css, plain', mime)).toContain('[plain] is not *suffix, prefix*, /regex/ or mime:<pattern>');
    expect(noNoncePredicates('mime:', mime)).toContain('names no MIME type pattern');
    expect(noNoncePredicates('/(a)\\1/', mime)).toContain('linear time');
  });
});

describe('addNonce', () => {
  it('appends to the query, before the fragment', () => {
    expect(addNonce('a', 'n', 'X')).toBe('a?n=X');
    expect(addNonce('a?b=1', 'n', 'X')).toBe('a?b=1&n=X');
    expect(addNonce('a?b=1#f?g', 'n', 'X')).toBe('a?b=1&n=X#f?g');
    expect(addNonce('#top', 'n', 'X')).toBe('?n=X#top');
  });
});

describe('nonces', () => {
  it('are 32 upper-case hex digits, fresh each time, compared exactly', () => {
    const a = generateNonce();
    expect(a).toMatch(/^[0-9A-F]{32}$/);
    expect(generateNonce()).not.toBe(a);
    expect(sameNonce(a, a)).toBe(true);
    expect(sameNonce(a.toLowerCase(), a)).toBe(false);
    expect(sameNonce(a.slice(1), a)).toBe(false);
  });
});

describe('typed options', () => {
  it('are checked by the init-param table, with the filter-group code and the parameter named', () => {
    expect(codeOf(() => new CsrfPreventionFilter({ nonceCacheSize: 0 }))).toBe(
      'SV_ERR_CSRF_FILTER_INIT_PARAM: Init parameter [nonceCacheSize] of filter [CsrfPreventionFilter] (CsrfPreventionFilter) has invalid value [0]; allowed: an integer from 1 to 1000',
    );
    expect(codeOf(() => new CsrfPreventionFilter({ noNonceURLPatterns: 'nope' }))).toContain('SV_ERR_CSRF_FILTER_INIT_PARAM');
    expect(codeOf(() => new RestCsrfPreventionFilter({ denyStatus: 42 }))).toContain(
      'Init parameter [denyStatus] of filter [RestCsrfPreventionFilter] (RestCsrfPreventionFilter) has invalid value [42]',
    );
    expect(codeOf(() => new RateLimitFilter({ bucketDuration: 0 }))).toContain('SV_ERR_RATE_LIMIT_FILTER_INIT_PARAM');
    expect(codeOf(() => new RateLimitFilter({ maxTrackedAddresses: 0 }))).toContain('[maxTrackedAddresses]');
    expect(codeOf(() => new ExpiresFilter({ ExpiresByType: { 'text/css': 'later' } }))).toBe(
      'SV_ERR_EXPIRES_FILTER_INIT_PARAM: Init parameter [ExpiresByType text/css] of filter [ExpiresFilter] (ExpiresFilter) has invalid value [later]: starting point [later] is not access, now, modification, A<seconds> or M<seconds>',
    );
    expect(codeOf(() => new ExpiresFilter({ ExpiresActive: 'maybe' }))).toContain('[ExpiresActive]');
    expect(codeOf(() => new ExpiresFilter({ ExpiresExcludedResponseStatusCodes: '304,x' }))).toContain(
      '[ExpiresExcludedResponseStatusCodes]',
    );
  });

  it('valid options construct the filters', () => {
    expect(new CsrfPreventionFilter({ entryPoints: '/home', enforce: false })).toBeInstanceOf(CsrfPreventionFilter);
    expect(new RateLimitFilter({ bucketRequests: 5, rateLimitClassName: 'org.apache.catalina.util.ExactRateLimiter' })).toBeInstanceOf(
      RateLimitFilter,
    );
    expect(new ExpiresFilter({ ExpiresExcludedResponseStatusCodes: [304, 404], ExpiresActive: false })).toBeInstanceOf(ExpiresFilter);
  });
});
