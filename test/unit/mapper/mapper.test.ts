import { describe, expect, it } from 'vitest';
import { ContainerError, DeployError } from '../../../src/errors/container-error.js';
import { Mapper, normaliseServerName, type ContextMappingOptions } from '../../../src/mapper/mapper.js';
import { emptyMappingData, type MappingData } from '../../../src/mapper/mapping-data.js';

type Data = MappingData<string, string, string>;

function ctxOptions(over: Partial<ContextMappingOptions> = {}): ContextMappingOptions {
  return { welcomeFiles: [], resourceExists: () => false, mapperContextRootRedirectEnabled: true, ...over };
}

function mapOf(mapper: Mapper<string, string, string>, host: string | null, path: string): Data {
  const out = emptyMappingData<string, string, string>();
  mapper.map(host, path, out);
  return out;
}

/** One host `localhost` (default) with a ROOT context. */
function basic(rootOptions: Partial<ContextMappingOptions> = {}): Mapper<string, string, string> {
  const mapper = new Mapper<string, string, string>();
  mapper.addHost('localhost', [], 'H:localhost');
  mapper.setDefaultHostName('localhost');
  mapper.addContext('localhost', '', 'C:ROOT', ctxOptions(rootOptions));
  return mapper;
}

describe('Mapper: Servlet 6 §12.2.2 example', () => {
  const mapper = basic();
  mapper.addWrapper('localhost', '', '/foo/bar/*', 'W:s1', 's1');
  mapper.addWrapper('localhost', '', '/baz/*', 'W:s2', 's2');
  mapper.addWrapper('localhost', '', '/catalog', 'W:s3', 's3');
  mapper.addWrapper('localhost', '', '*.bop', 'W:s4', 's4');
  mapper.addWrapper('localhost', '', '/', 'W:default', 'default');

  it.each([
    ['/foo/bar/index.html', 'W:s1', 'PATH', '/foo/bar', '/index.html', '/foo/bar/*'],
    ['/foo/bar/index.bop', 'W:s1', 'PATH', '/foo/bar', '/index.bop', '/foo/bar/*'],
    ['/baz', 'W:s2', 'PATH', '/baz', null, '/baz/*'],
    ['/baz/index.html', 'W:s2', 'PATH', '/baz', '/index.html', '/baz/*'],
    ['/catalog', 'W:s3', 'EXACT', '/catalog', null, '/catalog'],
    ['/catalog/index.html', 'W:default', 'DEFAULT', '/catalog/index.html', null, '/'],
    ['/catalog/racecar.bop', 'W:s4', 'EXTENSION', '/catalog/racecar.bop', null, '*.bop'],
    ['/index.bop', 'W:s4', 'EXTENSION', '/index.bop', null, '*.bop'],
  ] as const)('%s → %s', (path, wrapper, matchType, servletPath, pathInfo, pattern) => {
    const d = mapOf(mapper, 'localhost', path);
    expect(d).toMatchObject({
      host: 'H:localhost',
      context: 'C:ROOT',
      contextPath: '',
      wrapper,
      matchType,
      servletPath,
      pathInfo,
      pattern,
    });
    expect(d.requestPath).toBe(path);
    expect(d.redirectPath).toBeNull();
  });
});

describe('Mapper: wrapper rules', () => {
  const mapper = basic();
  mapper.addWrapper('localhost', '', '/a/*', 'W:a', 'a');
  mapper.addWrapper('localhost', '', '/a/b/*', 'W:ab', 'ab');
  mapper.addWrapper('localhost', '', '/x', 'W:x', 'x');
  mapper.addWrapper('localhost', '', '*.bar', 'W:bar', 'bar');
  mapper.addWrapper('localhost', '', '/', 'W:default', 'default');

  it('picks the longest path prefix on a / boundary', () => {
    expect(mapOf(mapper, null, '/a/b/c')).toMatchObject({ wrapper: 'W:ab', servletPath: '/a/b', pathInfo: '/c' });
    expect(mapOf(mapper, null, '/a/bc')).toMatchObject({ wrapper: 'W:a', servletPath: '/a', pathInfo: '/bc' });
    expect(mapOf(mapper, null, '/a/')).toMatchObject({ wrapper: 'W:a', servletPath: '/a', pathInfo: '/' });
    expect(mapOf(mapper, null, '/ab')).toMatchObject({ wrapper: 'W:default', servletPath: '/ab', pathInfo: null });
  });

  it('matches exact before extension, and is case-sensitive', () => {
    expect(mapOf(mapper, null, '/x').wrapper).toBe('W:x');
    expect(mapOf(mapper, null, '/X').wrapper).toBe('W:default');
    expect(mapOf(mapper, null, '/x/').wrapper).toBe('W:default');
    expect(mapOf(mapper, null, '/p/q.BAR').wrapper).toBe('W:default');
  });

  it('takes the extension from the last segment only', () => {
    expect(mapOf(mapper, null, '/foo/.bar')).toMatchObject({ wrapper: 'W:bar', matchType: 'EXTENSION' });
    expect(mapOf(mapper, null, '/q.bar/z').wrapper).toBe('W:default');
    expect(mapOf(mapper, null, '/z.bar.').wrapper).toBe('W:default');
  });

  it('/* takes everything with an empty servlet path', () => {
    const m = basic();
    m.addWrapper('localhost', '', '/*', 'W:all', 'all');
    m.addWrapper('localhost', '', '*.jsp', 'W:jsp', 'jsp');
    expect(mapOf(m, null, '/x/y.jsp')).toMatchObject({ wrapper: 'W:all', servletPath: '', pathInfo: '/x/y.jsp', pattern: '/*' });
    expect(mapOf(m, null, '/')).toMatchObject({ wrapper: 'W:all', servletPath: '', pathInfo: '/' });
  });

  it('leaves wrapper null when nothing matches and there is no default servlet', () => {
    const m = basic();
    m.addWrapper('localhost', '', '/only', 'W:only', 'only');
    expect(mapOf(m, null, '/other')).toMatchObject({ context: 'C:ROOT', wrapper: null, matchType: null, requestPath: '/other' });
  });

  it('removeWrapper falls back to the next rule', () => {
    const m = basic();
    m.addWrapper('localhost', '', '/x', 'W:x', 'x');
    m.addWrapper('localhost', '', '/', 'W:default', 'default');
    m.removeWrapper('localhost', '', '/x');
    expect(mapOf(m, null, '/x').wrapper).toBe('W:default');
  });
});

describe('Mapper: hosts', () => {
  function hosts(): Mapper<string, string, string> {
    const m = new Mapper<string, string, string>();
    m.addHost('localhost', [], 'H:localhost');
    m.addHost('www.example.com', ['example.com', '*.example.org'], 'H:example');
    m.addHost('*.net', [], 'H:net');
    m.setDefaultHostName('localhost');
    return m;
  }

  it.each([
    ['WWW.Example.COM', 'H:example'],
    ['example.com', 'H:example'],
    ['example.com:8080', 'H:example'],
    ['foo.example.org', 'H:example'],
    ['a.b.example.org', 'H:localhost'], // `*.` covers exactly one label
    ['example.org', 'H:localhost'],
    ['foo.net', 'H:net'],
    ['FOO.NET:80', 'H:net'],
    ['a.foo.net', 'H:localhost'],
    ['unknown.host', 'H:localhost'],
    ['[::1]:8080', 'H:localhost'],
    ['', 'H:localhost'],
    [null, 'H:localhost'],
  ] as const)('%j → %s', (serverName, host) => {
    expect(mapOf(hosts(), serverName, '/').host).toBe(host);
  });

  it('the same server name asked again after a change is answered from the new configuration', () => {
    const m = new Mapper<string, string, string>();
    m.addHost('localhost', [], 'H:localhost');
    m.setDefaultHostName('localhost');
    const name = 'shop.example.com:8080';
    expect(mapOf(m, name, '/').host).toBe('H:localhost');
    expect(mapOf(m, name, '/').host).toBe('H:localhost');
    m.addHost('shop.example.com', [], 'H:shop');
    expect(mapOf(m, name, '/').host).toBe('H:shop');
    m.removeHost('shop.example.com');
    expect(mapOf(m, name, '/').host).toBe('H:localhost');
    m.addHostAlias('localhost', 'shop.example.com');
    expect(mapOf(m, 'other.example.com', '/').host).toBe('H:localhost');
    expect(mapOf(m, name, '/').host).toBe('H:localhost');
  });

  it('normalises server names', () => {
    expect(normaliseServerName('[::1]:8080')).toBe('::1');
    expect(normaliseServerName('[FE80::1]')).toBe('fe80::1');
    expect(normaliseServerName('::1')).toBe('::1');
    expect(normaliseServerName('Host:8080')).toBe('host');
  });

  it('maps an IPv6 literal host name', () => {
    const m = hosts();
    m.addHost('::1', [], 'H:v6');
    expect(mapOf(m, '[::1]:8443', '/').host).toBe('H:v6');
  });

  it('with no default host, an unknown name maps to nothing', () => {
    const m = hosts();
    m.setDefaultHostName('missing');
    expect(mapOf(m, 'nope', '/')).toMatchObject({ host: null, context: null, wrapper: null });
    m.setDefaultHostName('LOCALHOST');
    expect(mapOf(m, 'nope', '/').host).toBe('H:localhost');
  });

  it('adds and removes aliases and hosts', () => {
    const m = hosts();
    m.addHostAlias('localhost', 'Alias.Local');
    expect(mapOf(m, 'alias.local', '/').host).toBe('H:localhost');
    m.removeHost('www.example.com');
    expect(mapOf(m, 'example.com', '/').host).toBe('H:localhost');
    expect(mapOf(m, 'foo.example.org', '/').host).toBe('H:localhost');
    m.addHost('www.example.com', [], 'H:example2');
    expect(mapOf(m, 'www.example.com', '/').host).toBe('H:example2');
    expect(mapOf(m, 'example.com', '/').host).toBe('H:localhost');
    m.removeHostAlias('alias.local');
    m.setDefaultHostName('www.example.com');
    expect(mapOf(m, 'alias.local', '/').host).toBe('H:example2');
  });

  it('refuses an alias that already names another host, with a warning', () => {
    const warnings: string[] = [];
    const m = new Mapper<string, string, string>({ warn: (w) => warnings.push(w) });
    m.addHost('a', [], 'H:a');
    m.addHost('b', ['a'], 'H:b');
    expect(mapOf(m, 'a', '/').host).toBe('H:a');
    expect(warnings.join('\n')).toContain('[a]');
  });

  it('keeps contexts when a host is re-registered', () => {
    const m = hosts();
    m.addContext('localhost', '/app', 'C:app', ctxOptions());
    m.addHost('localhost', ['lh'], 'H:localhost2');
    expect(mapOf(m, 'lh', '/app/x')).toMatchObject({ host: 'H:localhost2', context: 'C:app' });
  });
});

describe('Mapper: contexts', () => {
  function nested(withRoot: boolean): Mapper<string, string, string> {
    const m = new Mapper<string, string, string>();
    m.addHost('localhost', ['alias'], 'H');
    m.setDefaultHostName('localhost');
    if (withRoot) m.addContext('localhost', '', 'C:ROOT', ctxOptions());
    m.addContext('localhost', '/a', 'C:a', ctxOptions());
    m.addContext('localhost', '/a/b', 'C:ab', ctxOptions());
    m.addContext('localhost', '/ab', 'C:ab2', ctxOptions());
    return m;
  }

  it.each([
    ['/a/b/c', 'C:ab', '/a/b', '/c'],
    ['/a/b/', 'C:ab', '/a/b', '/'],
    ['/a/bc', 'C:a', '/a', '/bc'],
    ['/a/', 'C:a', '/a', '/'],
    ['/ab/x', 'C:ab2', '/ab', '/x'],
    ['/abc', 'C:ROOT', '', '/abc'],
    ['/A/b', 'C:ROOT', '', '/A/b'],
    ['/', 'C:ROOT', '', '/'],
  ] as const)('%s → %s', (path, context, contextPath, requestPath) => {
    expect(mapOf(nested(true), 'localhost', path)).toMatchObject({ context, contextPath, requestPath });
  });

  it('without ROOT an unmatched path has no context', () => {
    expect(mapOf(nested(false), 'localhost', '/zzz')).toMatchObject({ host: 'H', context: null, wrapper: null });
  });

  it('findContext looks up an exact path by host name or alias', () => {
    const m = nested(true);
    expect(m.findContext('localhost', '/a/b')).toBe('C:ab');
    expect(m.findContext('ALIAS', '/a')).toBe('C:a');
    expect(m.findContext('localhost', '/')).toBe('C:ROOT');
    expect(m.findContext('localhost', '/a/b/c')).toBeNull();
    expect(m.findContext('other', '/a')).toBeNull();
    expect(m.findContext('localhost', 'bad/')).toBeNull();
  });

  it('removeContext lets the parent context take over', () => {
    const m = nested(true);
    m.removeContext('localhost', '/a/b');
    expect(mapOf(m, 'localhost', '/a/b/c')).toMatchObject({ context: 'C:a', requestPath: '/b/c' });
    expect(m.findContext('localhost', '/a/b')).toBeNull();
  });

  it('rejects bad context paths and unknown hosts', () => {
    const m = nested(true);
    expect(() => m.addContext('localhost', 'x', 'C:x', ctxOptions())).toThrow(
      expect.objectContaining({ code: 'SV_ERR_DEPLOY_CONTEXT_PATH_INVALID' }),
    );
    expect(() => m.addContext('localhost', '/x/', 'C:x', ctxOptions())).toThrow(DeployError);
    expect(() => m.addContext('nohost', '/x', 'C:x', ctxOptions())).toThrow(
      'Host [nohost] is not registered with the Mapper, so web application [/x] cannot be mapped there',
    );
    expect(() => m.addWrapper('localhost', '/nope', '/', 'W', 'w')).toThrow(
      expect.objectContaining({ code: 'SV_ERR_MAPPER_UNKNOWN_CONTEXT' }),
    );
  });

  it('a redeployed context object starts with no wrappers; the same object keeps them', () => {
    const m = nested(true);
    m.addWrapper('localhost', '/a', '/', 'W:default', 'default');
    m.addContext('localhost', '/a', 'C:a', ctxOptions());
    expect(mapOf(m, 'localhost', '/a/x').wrapper).toBe('W:default');
    m.addContext('localhost', '/a', 'C:a-v2', ctxOptions());
    expect(mapOf(m, 'localhost', '/a/x')).toMatchObject({ context: 'C:a-v2', wrapper: null });
  });
});

describe('Mapper: context root', () => {
  function app(redirect: boolean): Mapper<string, string, string> {
    const m = new Mapper<string, string, string>();
    m.addHost('localhost', [], 'H');
    m.setDefaultHostName('localhost');
    m.addContext('localhost', '/app', 'C:app', ctxOptions({ mapperContextRootRedirectEnabled: redirect }));
    m.addWrapper('localhost', '/app', '', 'W:root', 'root');
    m.addWrapper('localhost', '/app', '/', 'W:default', 'default');
    return m;
  }

  it('the "" pattern matches the context root: servletPath "", pathInfo "/"', () => {
    expect(mapOf(app(true), null, '/app/')).toMatchObject({
      context: 'C:app',
      contextPath: '/app',
      wrapper: 'W:root',
      matchType: 'CONTEXT_ROOT',
      servletPath: '',
      pathInfo: '/',
      pattern: '',
      requestPath: '/',
    });
    expect(mapOf(app(true), null, '/app/x').wrapper).toBe('W:default');
  });

  it('/app redirects to /app/ when mapperContextRootRedirectEnabled', () => {
    expect(mapOf(app(true), null, '/app')).toMatchObject({ context: 'C:app', wrapper: null, redirectPath: '/app/' });
  });

  it('/app goes to the default servlet with an empty servlet path when the redirect is disabled', () => {
    expect(mapOf(app(false), null, '/app')).toMatchObject({
      wrapper: 'W:default',
      redirectPath: null,
      servletPath: '',
      matchType: 'DEFAULT',
    });
  });

  it('no redirect when /* already matched the empty path', () => {
    const m = app(true);
    m.addWrapper('localhost', '/app', '/*', 'W:all', 'all');
    expect(mapOf(m, null, '/app')).toMatchObject({ wrapper: 'W:all', servletPath: '', pathInfo: null, redirectPath: null });
  });

  it('ROOT has no redirect and its "" pattern matches /', () => {
    const m = basic();
    m.addWrapper('localhost', '', '', 'W:root', 'root');
    expect(mapOf(m, null, '/')).toMatchObject({ wrapper: 'W:root', matchType: 'CONTEXT_ROOT', redirectPath: null });
  });
});

describe('Mapper: welcome files', () => {
  function withFiles(files: readonly string[], directories: readonly string[] = []): Mapper<string, string, string> {
    const m = basic({
      welcomeFiles: ['index.html', 'index.jsp', 'index.do'],
      resourceExists: (p) => files.includes(p) || directories.includes(p),
      isDirectory: (p) => directories.includes(p),
    });
    m.addWrapper('localhost', '', '/', 'W:default', 'default');
    m.addWrapper('localhost', '', '*.jsp', 'W:jsp', 'jsp', { resourceOnly: true });
    return m;
  }

  it('4a: exact match on path + welcome file', () => {
    const m = withFiles([]);
    m.addWrapper('localhost', '', '/docs/index.html', 'W:exact', 'exact');
    expect(mapOf(m, null, '/docs/')).toMatchObject({
      wrapper: 'W:exact',
      matchType: 'EXACT',
      servletPath: '/docs/index.html',
      requestPath: '/docs/index.html',
    });
  });

  it('4b: prefix match on path + welcome file', () => {
    const m = withFiles([]);
    m.addWrapper('localhost', '', '/docs/index.jsp/*', 'W:prefix', 'prefix');
    expect(mapOf(m, null, '/docs/')).toMatchObject({
      wrapper: 'W:prefix',
      matchType: 'PATH',
      servletPath: '/docs/index.jsp',
      pathInfo: null,
      requestPath: '/docs/index.jsp',
    });
  });

  it('4c: a physical welcome file goes to its extension servlet, else to the default servlet', () => {
    expect(mapOf(withFiles(['/docs/index.jsp']), null, '/docs/')).toMatchObject({
      wrapper: 'W:jsp',
      matchType: 'EXTENSION',
      servletPath: '/docs/index.jsp',
      requestPath: '/docs/index.jsp',
    });
    expect(mapOf(withFiles(['/docs/index.html', '/docs/index.jsp']), null, '/docs/')).toMatchObject({
      wrapper: 'W:default',
      matchType: 'DEFAULT',
      servletPath: '/docs/index.html',
      pathInfo: null,
      pattern: '/',
      requestPath: '/docs/index.html',
    });
  });

  it('4c: a directory named like a welcome file is not a physical file', () => {
    const d = mapOf(withFiles(['/docs/index.jsp'], ['/docs/index.html']), null, '/docs/');
    expect(d).toMatchObject({ wrapper: 'W:jsp', requestPath: '/docs/index.jsp' });
  });

  it('second pass: an extension-mapped welcome file needs no physical file, but resource-only servlets are skipped', () => {
    const m = withFiles([]);
    expect(mapOf(m, null, '/docs/')).toMatchObject({ wrapper: 'W:default', servletPath: '/docs/', requestPath: '/docs/' });
    m.addWrapper('localhost', '', '*.do', 'W:do', 'do');
    expect(mapOf(m, null, '/docs/')).toMatchObject({
      wrapper: 'W:do',
      matchType: 'EXTENSION',
      servletPath: '/docs/index.do',
      requestPath: '/docs/index.do',
    });
  });

  it('physical files win over the second pass', () => {
    const m = withFiles(['/index.html']);
    m.addWrapper('localhost', '', '*.do', 'W:do', 'do');
    expect(mapOf(m, null, '/')).toMatchObject({ wrapper: 'W:default', requestPath: '/index.html' });
  });

  it('only applies to paths ending in /', () => {
    const m = withFiles(['/docs/index.jsp']);
    expect(mapOf(m, null, '/docs')).toMatchObject({ wrapper: 'W:default', requestPath: '/docs', servletPath: '/docs' });
  });

  it('setWelcomeFiles replaces the list', () => {
    const m = withFiles(['/docs/index.jsp', '/docs/home.html']);
    m.setWelcomeFiles('localhost', '', ['home.html']);
    expect(mapOf(m, null, '/docs/')).toMatchObject({ wrapper: 'W:default', requestPath: '/docs/home.html' });
  });
});

describe('Mapper: duplicate and invalid mappings', () => {
  it('two servlets on one pattern fail with SV_ERR_DEPLOY_DUPLICATE_MAPPING naming both; nothing changes', () => {
    const m = basic();
    m.addWrapper('localhost', '', '/x/*', 'W:first', 'first');
    let caught: unknown;
    try {
      m.addWrapper('localhost', '', '/x/*', 'W:second', 'second');
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(DeployError);
    const e = caught as ContainerError;
    expect(e.code).toBe('SV_ERR_DEPLOY_DUPLICATE_MAPPING');
    expect(e.message).toContain('[first]');
    expect(e.message).toContain('[second]');
    expect(e.message).toContain('[/x/*]');
    expect(mapOf(m, null, '/x/y').wrapper).toBe('W:first');
  });

  it('a pattern without / collides with its adjusted form', () => {
    const m = basic();
    m.addWrapper('localhost', '', '/x', 'W:first', 'first');
    expect(() => m.addWrapper('localhost', '', 'x', 'W:second', 'second')).toThrow(/both mapped/);
  });

  it('the same servlet may be registered twice on a pattern', () => {
    const m = basic();
    m.addWrapper('localhost', '', '/x', 'W:1', 'same');
    m.addWrapper('localhost', '', '/x', 'W:2', 'same');
    expect(mapOf(m, null, '/x').wrapper).toBe('W:2');
  });

  it('warns when it adds a missing leading /', () => {
    const warnings: string[] = [];
    const m = new Mapper<string, string, string>({ warn: (w) => warnings.push(w) });
    m.addHost('h', [], 'H');
    m.addContext('h', '', 'C', ctxOptions());
    m.addWrapper('h', '', 'legacy/*', 'W', 'legacy');
    expect(mapOf(m, 'h', '/legacy/a')).toMatchObject({ wrapper: 'W', pattern: '/legacy/*', servletPath: '/legacy' });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('[legacy/*]');
  });

  it('rejects an invalid pattern', () => {
    const m = basic();
    expect(() => m.addWrapper('localhost', '', '*.a/b', 'W', 'w')).toThrow(/SV_ERR|invalid/);
    expect(() => m.addWrapper('localhost', '', '/a*', 'W', 'w')).toThrow(DeployError);
  });
});

describe('Mapper: mapWithinContext (RequestDispatcher)', () => {
  it('applies the same wrapper rules inside a known context, without redirects', () => {
    const m = new Mapper<string, string, string>();
    m.addHost('h', [], 'H');
    m.addContext('h', '/app', 'C:app', ctxOptions({ welcomeFiles: ['index.do'] }));
    m.addWrapper('h', '/app', '*.do', 'W:do', 'do');
    m.addWrapper('h', '/app', '/s/*', 'W:s', 's');
    const out = emptyMappingData<string, string, string>();
    m.mapWithinContext('C:app', '/s/x', out);
    expect(out).toMatchObject({ host: 'H', context: 'C:app', contextPath: '/app', wrapper: 'W:s', servletPath: '/s', pathInfo: '/x' });
    m.mapWithinContext('C:app', '/', out);
    expect(out).toMatchObject({ wrapper: 'W:do', requestPath: '/index.do', pathInfo: null });
    m.mapWithinContext('C:app', '', out);
    expect(out.redirectPath).toBeNull();
    m.removeContext('h', '/app');
    m.mapWithinContext('C:app', '/s/x', out);
    expect(out).toMatchObject({ context: null, wrapper: null, host: null });
  });
});

describe('Mapper: copy-on-write consistency', () => {
  it('a change made during map() is not seen by that call, and is seen by the next', () => {
    let mutate: (() => void) | null = null;
    const m = basic({
      welcomeFiles: ['index.html'],
      resourceExists: () => {
        mutate?.();
        mutate = null;
        return true;
      },
    });
    m.addWrapper('localhost', '', '/', 'W:default', 'default');
    m.addContext('localhost', '/app', 'C:app', ctxOptions());
    mutate = () => {
      m.removeWrapper('localhost', '', '/');
      m.addWrapper('localhost', '', '/', 'W:new-default', 'new');
      m.removeHost('localhost');
    };
    const first = mapOf(m, 'localhost', '/');
    expect(first).toMatchObject({ host: 'H:localhost', context: 'C:ROOT', wrapper: 'W:default', requestPath: '/index.html' });
    expect(mapOf(m, 'localhost', '/')).toMatchObject({ host: null, context: null, wrapper: null });
  });

  it('a failed addWrapper leaves the previous state untouched', () => {
    const m = basic();
    m.addWrapper('localhost', '', '/a', 'W:a', 'a');
    expect(() => m.addWrapper('localhost', '', '/a', 'W:b', 'b')).toThrow(DeployError);
    m.addWrapper('localhost', '', '/b', 'W:b', 'b');
    expect(mapOf(m, null, '/a').wrapper).toBe('W:a');
    expect(mapOf(m, null, '/b').wrapper).toBe('W:b');
  });

  it('interleaved add/remove between map() calls always yields a coherent host/context/wrapper triple', () => {
    const m = new Mapper<string, string, string>();
    m.addHost('h', [], 'H');
    m.setDefaultHostName('h');
    m.addContext('h', '', 'C:ROOT', ctxOptions());
    m.addWrapper('h', '', '/', 'W:ROOT', 'd');
    const out = emptyMappingData<string, string, string>();
    for (let i = 0; i < 200; i++) {
      const version = `v${i % 3}`;
      if (i % 2 === 0) {
        m.addContext('h', '/app', `C:${version}`, ctxOptions());
        m.addWrapper('h', '/app', '/', `W:${version}`, 'd');
      } else {
        m.removeContext('h', '/app');
      }
      m.map('h', '/app/x', out);
      const expected = i % 2 === 0 ? version : 'ROOT';
      expect(out.context).toBe(`C:${expected}`);
      expect(out.wrapper).toBe(`W:${expected}`);
      expect(out.contextPath).toBe(i % 2 === 0 ? '/app' : '');
    }
  });

  it('map() clears stale fields of a reused MappingData', () => {
    const m = basic();
    m.addWrapper('localhost', '', '/s/*', 'W:s', 's');
    const out = emptyMappingData<string, string, string>();
    m.map(null, '/s/a', out);
    expect(out.pathInfo).toBe('/a');
    m.map(null, '/other', out);
    expect(out).toEqual({ ...emptyMappingData(), host: 'H:localhost', context: 'C:ROOT', requestPath: '/other' });
  });
});

describe('Mapper: parallel versions (reference §5)', () => {
  function versioned(...versions: string[]): Mapper<string, string, string> {
    const m = new Mapper<string, string, string>();
    m.addHost('h', [], 'H');
    m.setDefaultHostName('h');
    m.addContext('h', '', 'C:ROOT', ctxOptions());
    for (const version of versions) {
      m.addContext('h', '/app', `C:app##${version}`, ctxOptions(), version);
      m.addWrapper('h', '/app', '/', `W:${version}`, 'default', { version });
    }
    return m;
  }

  function mapWith(m: Mapper<string, string, string>, path: string, chooser?: (context: string) => boolean): Data {
    const out = emptyMappingData<string, string, string>();
    m.map('h', path, out, chooser);
    return out;
  }

  it('without a chooser the newest version serves, each with its own wrappers', () => {
    const m = versioned('1', '2');
    expect(mapWith(m, '/app/x')).toMatchObject({ context: 'C:app##2', wrapper: 'W:2', contextPath: '/app' });
  });

  it('versions compare as strings: "" < "11" < "2", whatever the order they were added in', () => {
    const m = versioned('2', '11');
    m.addContext('h', '/app', 'C:app', ctxOptions());
    expect(m.findContextVersions('h', '/app').map((v) => v.version)).toEqual(['', '11', '2']);
    expect(mapWith(m, '/app/x').context).toBe('C:app##2');
    expect(m.findContext('h', '/app')).toBe('C:app##2');
  });

  it('the newest version the chooser accepts wins; none accepted → the newest', () => {
    const m = versioned('1', '2', '3');
    const asked: string[] = [];
    const holdsSession = new Set(['C:app##1', 'C:app##2']);
    expect(mapWith(m, '/app/x', (c) => (asked.push(c), holdsSession.has(c)))).toMatchObject({ context: 'C:app##2', wrapper: 'W:2' });
    expect(asked).toEqual(['C:app##3', 'C:app##2']);
    expect(mapWith(m, '/app/x', (c) => c === 'C:app##1')).toMatchObject({ context: 'C:app##1', wrapper: 'W:1' });
    expect(mapWith(m, '/app/x', () => false).context).toBe('C:app##3');
  });

  it('a single version never consults the chooser', () => {
    const m = versioned('1');
    let calls = 0;
    expect(mapWith(m, '/app/x', () => (calls++, false)).context).toBe('C:app##1');
    expect(mapWith(m, '/other', () => (calls++, false)).context).toBe('C:ROOT');
    expect(calls).toBe(0);
  });

  it('removing one version leaves the others serving; removing the last falls back to the parent path', () => {
    const m = versioned('1', '2');
    m.removeContext('h', '/app', '2');
    expect(mapWith(m, '/app/x')).toMatchObject({ context: 'C:app##1', wrapper: 'W:1' });
    m.removeContext('h', '/app', '3');
    m.removeContext('h', '/app');
    expect(mapWith(m, '/app/x').context).toBe('C:app##1');
    m.removeContext('h', '/app', '1');
    expect(mapWith(m, '/app/x')).toMatchObject({ context: 'C:ROOT', contextPath: '' });
    expect(m.findContextVersions('h', '/app')).toEqual([]);
  });

  it('re-adding one version replaces only that version; wrappers and welcome files are per version', () => {
    const m = versioned('1', '2');
    m.addContext('h', '/app', 'C:app##1-redeployed', ctxOptions(), '1');
    expect(mapWith(m, '/app/x', (c) => c.startsWith('C:app##1'))).toMatchObject({ context: 'C:app##1-redeployed', wrapper: null });
    expect(mapWith(m, '/app/x')).toMatchObject({ context: 'C:app##2', wrapper: 'W:2' });
    m.setWelcomeFiles('h', '/app', ['w.html'], '2');
    expect(() => m.setWelcomeFiles('h', '/app', ['w.html'], '9')).toThrow(
      'No web application [/app##9] is registered at path [/app] on Host [h]',
    );
    m.removeWrapper('h', '/app', '/', '2');
    expect(mapWith(m, '/app/x')).toMatchObject({ context: 'C:app##2', wrapper: null });
  });

  it('ROOT has versions too, and a nested context path still wins over them', () => {
    const m = new Mapper<string, string, string>();
    m.addHost('h', [], 'H');
    m.addContext('h', '/', 'C:ROOT##a', ctxOptions(), 'a');
    m.addContext('h', '', 'C:ROOT##b', ctxOptions(), 'b');
    m.addContext('h', '/a/b', 'C:a#b##1', ctxOptions(), '1');
    expect(mapOf(m, 'h', '/x')).toMatchObject({ context: 'C:ROOT##b', contextPath: '' });
    const out = emptyMappingData<string, string, string>();
    m.map('h', '/x', out, (c) => c === 'C:ROOT##a');
    expect(out.context).toBe('C:ROOT##a');
    expect(mapOf(m, 'h', '/a/b/c')).toMatchObject({ context: 'C:a#b##1', contextPath: '/a/b' });
  });

  it('mapWithinContext follows the version of the context object it is given', () => {
    const m = versioned('1', '2');
    const out = emptyMappingData<string, string, string>();
    m.mapWithinContext('C:app##1', '/y', out);
    expect(out).toMatchObject({ context: 'C:app##1', wrapper: 'W:1' });
    m.removeContext('h', '/app', '1');
    m.mapWithinContext('C:app##1', '/y', out);
    expect(out.context).toBeNull();
    m.mapWithinContext('C:app##2', '/y', out);
    expect(out.wrapper).toBe('W:2');
  });
});

describe('Mapper: the context of a path (a scan up to 16 context paths, prefix lookups beyond)', () => {
  /** The longest context path that is the whole path or ends where one of its segments ends; '' is ROOT. */
  function expectedContext(paths: readonly string[], path: string): string | null {
    let best: string | null = null;
    for (const p of paths) {
      const matches = p === '' || path === p || path.startsWith(`${p}/`);
      if (matches && (best === null || p.length > best.length)) best = p;
    }
    return best;
  }

  const names = ['a', 'ab', 'abc', 'b', 'shop', 'shop-admin', 'x'];
  const requestPaths = [
    '/',
    '/a',
    '/a/',
    '/ab',
    '/abc/d',
    '/abcd',
    '/a/b/c',
    '/b/a',
    '/shop',
    '/shop/',
    '/shop-admin/x',
    '/shopping',
    '/x/y/z',
    '/x.y',
    '/ab/c/d',
    '/unknown/path',
    '/b',
    '/shop/admin',
    '/a/ab/abc',
  ];

  for (const count of [3, 16, 17, 40]) {
    for (const withRoot of [true, false]) {
      it(`${count} contexts${withRoot ? ' and ROOT' : ', no ROOT'}: every path maps to its longest segment prefix`, () => {
        const mapper = new Mapper<string, string, string>();
        mapper.addHost('localhost', [], 'H:localhost');
        mapper.setDefaultHostName('localhost');
        const paths: string[] = [];
        if (withRoot) paths.push('');
        for (let i = 0; paths.length < count + (withRoot ? 1 : 0); i++) {
          const base = names[i % names.length] as string;
          const depth = Math.floor(i / names.length);
          // Nested paths too (`/a`, `/a/ab`, …), so longer prefixes compete with shorter ones.
          paths.push(depth === 0 ? `/${base}` : `/${names[(i + depth) % names.length]}/${base}${depth > 1 ? depth : ''}`);
        }
        const unique = [...new Set(paths)];
        for (const p of unique) mapper.addContext('localhost', p, `C:${p}`, ctxOptions());
        for (const path of [...requestPaths, ...unique.map((p) => `${p}/file.txt`)]) {
          const expected = expectedContext(unique, path);
          const out = mapOf(mapper, 'localhost', path);
          expect(out.context, path).toBe(expected === null ? null : `C:${expected}`);
          if (expected !== null) expect(out.contextPath, path).toBe(expected);
        }
      });
    }
  }

  it('follows contexts removed and added: the scan list is rebuilt with the map', () => {
    const mapper = basic();
    mapper.addContext('localhost', '/app', 'C:/app', ctxOptions());
    mapper.addContext('localhost', '/app/admin', 'C:/app/admin', ctxOptions());
    expect(mapOf(mapper, 'localhost', '/app/admin/x').context).toBe('C:/app/admin');
    mapper.removeContext('localhost', '/app/admin');
    expect(mapOf(mapper, 'localhost', '/app/admin/x').context).toBe('C:/app');
    mapper.removeContext('localhost', '/app');
    expect(mapOf(mapper, 'localhost', '/app/admin/x').context).toBe('C:ROOT');
    mapper.addHost('localhost', [], 'H:localhost-2');
    mapper.addContext('localhost', '/app', 'C:/app-2', ctxOptions());
    expect(mapOf(mapper, 'localhost', '/app/x').context).toBe('C:/app-2');
  });
});
