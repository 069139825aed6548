import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DeployError } from '../../../src/errors/container-error.js';
import { parseWebXml, parseWebXmlString, WebXmlError } from '../../../src/deploy/web-xml-parser.js';

const fixtures = join(__dirname, '..', '..', 'fixtures', 'webxml');
const fixture = (name: string): string => join(fixtures, name);

/** The 1-based line of the first occurrence of `needle` (after `after`, if given) in a fixture. */
function lineOf(name: string, needle: string, after?: string): number {
  const lines = readFileSync(fixture(name), 'utf8').split('\n');
  const start = after === undefined ? 0 : lines.findIndex((l) => l.includes(after)) + 1;
  const index = lines.findIndex((l, i) => i >= start && l.includes(needle));
  if (index < 0) throw new Error(`${needle} not in ${name}`);
  return index + 1;
}

function parseError(name: string): WebXmlError {
  try {
    parseWebXml(fixture(name));
  } catch (error) {
    expect(error).toBeInstanceOf(WebXmlError);
    expect(error).toBeInstanceOf(DeployError);
    return error as WebXmlError;
  }
  throw new Error(`${name} parsed without error`);
}

describe('parseWebXml: the full example', () => {
  const webXml = parseWebXml(fixture('full.xml'));

  it('reads the web-app attributes and top-level scalars', () => {
    expect(webXml.file).toBe(fixture('full.xml'));
    expect(webXml.version).toBe('6.0');
    expect(webXml.metadataComplete).toBe(true);
    expect(webXml.displayName).toBe('Full example');
    expect(webXml.distributable).toBe(true);
    expect([...webXml.contextParams]).toEqual([
      ['greeting', 'hello'],
      ['empty', ''],
    ]);
    expect(webXml.requestCharacterEncoding).toBe('ISO-8859-1');
    expect(webXml.responseCharacterEncoding).toBe('UTF-8');
    expect([...webXml.localeEncodingMappings]).toEqual([['ja', 'Shift_JIS']]);
  });

  it('reads servlets with init params, load-on-startup, enabled, async and raw multipart-config', () => {
    expect([...webXml.servlets.keys()]).toEqual(['hello', 'lazy']);
    const hello = webXml.servlets.get('hello');
    expect(hello).toMatchObject({
      name: 'hello',
      servletClass: 'com.example.Hello',
      loadOnStartup: 2,
      enabled: false,
      asyncSupported: true,
      source: { file: fixture('full.xml'), line: lineOf('full.xml', '<servlet>') },
    });
    expect([...(hello?.initParams ?? [])]).toEqual([
      ['a', '1'],
      ['b', 'spaced'],
    ]);
    expect([...(hello?.multipartConfig ?? [])]).toEqual([
      ['max-file-size', '1048576'],
      ['location', '/tmp'],
    ]);
    expect(webXml.servlets.get('lazy')).toMatchObject({
      servletClass: 'com.example.servlets#Lazy',
      loadOnStartup: null,
      enabled: true,
      asyncSupported: false,
      multipartConfig: null,
    });
  });

  it('reads servlet mappings with several url-patterns, including the empty context-root pattern', () => {
    expect(webXml.servletMappings.map((m) => [m.servletName, m.urlPatterns])).toEqual([
      ['hello', ['/hello', '/hi/*', '*.hello']],
      ['lazy', ['']],
    ]);
  });

  it('reads filters and filter mappings, upper-casing dispatchers and defaulting to REQUEST', () => {
    const log = webXml.filters.get('log');
    expect(log).toMatchObject({ name: 'log', filterClass: 'com.example.LogFilter', asyncSupported: true });
    expect([...(log?.initParams ?? [])]).toEqual([['level', 'debug']]);
    expect(webXml.filterMappings.map(({ source: _source, ...m }) => m)).toEqual([
      { filterName: 'log', urlPatterns: ['/*'], servletNames: ['hello'], dispatcherTypes: ['FORWARD', 'ERROR'] },
      { filterName: 'log', urlPatterns: [], servletNames: ['lazy'], dispatcherTypes: ['REQUEST'] },
    ]);
  });

  it('reads listeners, welcome files, error pages and mime mappings', () => {
    expect(webXml.listeners.map((l) => l.listenerClass)).toEqual(['com.example.Startup']);
    expect(webXml.welcomeFiles).toEqual(['home.html', 'index.html']);
    expect(webXml.errorPages).toEqual([
      { errorCode: 404, exceptionType: null, location: '/errors/404.html' },
      { errorCode: null, exceptionType: 'com.example.BoomError', location: '/errors/boom' },
      { errorCode: null, exceptionType: null, location: '/errors/default' },
    ]);
    expect([...webXml.mimeMappings]).toEqual([['md', 'text/markdown']]);
  });

  it('reads session-config with cookie-config and tracking modes', () => {
    expect(webXml.sessionConfig.sessionTimeout).toBe(15);
    expect(webXml.sessionConfig.trackingModes).toEqual(['COOKIE', 'URL']);
    const cookie = webXml.sessionConfig.cookieConfig;
    expect(cookie).toMatchObject({
      name: 'SID',
      domain: 'example.com',
      path: '/app',
      comment: null,
      httpOnly: true,
      secure: true,
      maxAge: 3600,
    });
    expect([...(cookie?.attributes ?? [])]).toEqual([['SameSite', 'Strict']]);
  });

  it('keeps security elements as data', () => {
    expect(webXml.securityConstraints).toHaveLength(1);
    expect(webXml.securityConstraints[0]).toMatchObject({
      displayName: 'admin area',
      webResourceCollections: [{ name: 'admin', urlPatterns: ['/admin/*'], httpMethods: ['GET'], httpMethodOmissions: [] }],
      authRoles: ['admin'],
      transportGuarantee: 'CONFIDENTIAL',
    });
    expect(webXml.loginConfig).toEqual({
      authMethod: 'FORM',
      realmName: 'Example',
      formLoginPage: '/login.html',
      formErrorPage: '/login-error.html',
      source: { file: fixture('full.xml'), line: lineOf('full.xml', '<login-config>') },
    });
    expect(webXml.securityRoles).toEqual(['admin']);
  });

  it('lists ignored elements as warnings naming file:line, and never for descriptive elements', () => {
    const warnings = webXml.warnings;
    // Security elements are enforced (src/security), so they are no longer warned about.
    expect(warnings).toHaveLength(2);
    expect(warnings.join('\n')).not.toContain('not enforced');
    expect(warnings[0]).toContain(`${fixture('full.xml')}:${lineOf('full.xml', '<resource-ref>')}:`);
    expect(warnings[0]).toContain('<resource-ref> is not supported');
    expect(warnings[1]).toContain(`:${lineOf('full.xml', '<made-up-element/>')}:`);
    expect(warnings[1]).toContain('unknown element <made-up-element>');
  });
});

describe('parseWebXml: namespaces', () => {
  it.each([
    ['javaee.xml', '4.0', false],
    ['no-namespace.xml', '2.4', true],
  ])('reads %s the same way as the Jakarta namespace', (name, version, metadataComplete) => {
    const webXml = parseWebXml(fixture(name));
    expect(webXml.version).toBe(version);
    // Servlet spec §8.1: a descriptor older than 2.5 is metadata-complete without saying so.
    expect(webXml.metadataComplete).toBe(metadataComplete);
    expect(webXml.servlets.get('hello')?.servletClass).toBe('com.example.Hello');
    expect(webXml.servletMappings).toMatchObject([{ servletName: 'hello', urlPatterns: ['/hello'] }]);
    expect(webXml.sessionConfig.sessionTimeout).toBe(5);
    expect(webXml.warnings).toEqual([]);
  });

  it('treats an absent optional section as not declared', () => {
    const webXml = parseWebXmlString('<web-app/>', 'inline.xml');
    expect(webXml.welcomeFiles).toBeNull();
    expect(webXml.sessionConfig).toEqual({ sessionTimeout: null, cookieConfig: null, trackingModes: [] });
    expect(webXml.requestCharacterEncoding).toBeNull();
    expect(webXml.metadataComplete).toBe(false);
  });
});

describe('parseWebXml: invalid descriptors name file:line and the element', () => {
  it('a servlet without servlet-class', () => {
    const error = parseError('error-missing-servlet-class.xml');
    const line = lineOf('error-missing-servlet-class.xml', '<servlet>', '<servlet-class>com.example.Ok');
    expect(error.code).toBe('SV_ERR_DEPLOY_WEBXML_INVALID');
    expect(error.message).toBe(
      `Deployment descriptor [${fixture('error-missing-servlet-class.xml')}:${line}] is invalid: ` +
        'element [web-app/servlet[1]]: servlet [broken] has no servlet-class',
    );
    expect(error.problems).toEqual([{ line, element: 'web-app/servlet[1]', message: 'servlet [broken] has no servlet-class' }]);
  });

  it('a duplicate servlet name', () => {
    const error = parseError('error-duplicate-servlet.xml');
    const line = lineOf('error-duplicate-servlet.xml', '<servlet>', 'com.example.One');
    expect(error.problems[0]?.line).toBe(line);
    expect(error.message).toContain(`error-duplicate-servlet.xml:${line}]`);
    expect(error.message).toContain('element [web-app/servlet[1]]: duplicate servlet-name [twice]');
  });

  it('an error-page location not starting with /', () => {
    const error = parseError('error-location.xml');
    const line = lineOf('error-location.xml', '<location>');
    expect(error.message).toContain(`error-location.xml:${line}]`);
    expect(error.message).toContain(
      'element [web-app/error-page[0]/location[0]]: error-page location [errors/500.html] must start with [/]',
    );
  });

  it('an invalid url-pattern', () => {
    const error = parseError('error-url-pattern.xml');
    const line = lineOf('error-url-pattern.xml', '<url-pattern>hello</url-pattern>');
    expect(error.message).toContain(`error-url-pattern.xml:${line}]`);
    expect(error.message).toContain('element [web-app/servlet-mapping[0]/url-pattern[1]]: url-pattern [hello] is invalid');
  });

  it('one pattern mapped to two servlets', () => {
    const error = parseError('error-duplicate-pattern.xml');
    // The second mapping of /same (the one for b) is the offending element.
    const line = lineOf('error-duplicate-pattern.xml', '<url-pattern>/same', '<url-pattern>/same');
    expect(error.problems[0]?.line).toBe(line);
    expect(error.message).toContain('the servlets named [a] and [b] are both mapped to the url-pattern [/same] which is not permitted');
  });

  it('reports every problem of a file at once', () => {
    const error = parseError('error-several.xml');
    expect(error.problems.map((p) => [p.line, p.element])).toEqual([
      [lineOf('error-several.xml', '<dispatcher>'), 'web-app/filter-mapping[0]/dispatcher[0]'],
      [lineOf('error-several.xml', '<load-on-startup>'), 'web-app/servlet[0]/load-on-startup[0]'],
    ]);
    expect(error.message).toContain('dispatcher [SOMETIMES] is not one of [REQUEST, FORWARD, INCLUDE, ERROR, ASYNC]');
    expect(error.message).toContain(`(and 1 more: line ${lineOf('error-several.xml', '<load-on-startup>')} element`);
    expect(error.message).toContain('<load-on-startup> must be an integer, found [soon]');
  });

  it('an XML syntax error', () => {
    const error = parseError('error-syntax.xml');
    expect(error.problems[0]?.line).toBe(lineOf('error-syntax.xml', '</servlet-oops>'));
    expect(error.message).toContain('XML syntax error');
  });

  it('a missing file', () => {
    expect(() => parseWebXml(fixture('does-not-exist.xml'))).toThrow(/does-not-exist\.xml\] is invalid: .*cannot be read/);
  });

  it('a root element other than web-app', () => {
    expect(() => parseWebXmlString('<web-fragment/>', 'frag.xml')).toThrow(
      'Deployment descriptor [frag.xml:1] is invalid: element [web-fragment]: the root element must be <web-app>, found <web-fragment>',
    );
  });

  it.each([
    ['<error-page><error-code>404</error-code><exception-type>E</exception-type><location>/x</location></error-page>', 'not both'],
    ['<error-page><error-code>abc</error-code><location>/x</location></error-page>', 'error-code [abc] is not an HTTP status code'],
    [
      '<servlet><servlet-name>s</servlet-name><servlet-class>S</servlet-class><async-supported>yes</async-supported></servlet>',
      'must be [true] or [false], found [yes]',
    ],
    ['<servlet><servlet-name>s</servlet-name><jsp-file>/x.jsp</jsp-file></servlet>', 'no JSP engine'],
    ['<filter><filter-name>f</filter-name></filter>', '<filter> is missing a non-empty <filter-class>'],
    ['<filter-mapping><filter-name>f</filter-name></filter-mapping>', 'needs a url-pattern or a servlet-name'],
    ['<servlet-mapping><servlet-name>s</servlet-name></servlet-mapping>', 'has no url-pattern'],
    [
      '<context-param><param-name>p</param-name></context-param><context-param><param-name>p</param-name></context-param>',
      'duplicate context-param [p]',
    ],
    ['<session-config><tracking-mode>SOMETIMES</tracking-mode></session-config>', 'tracking-mode [SOMETIMES]'],
    ['<session-config><session-timeout>ten</session-timeout></session-config>', 'must be an integer'],
    ['<servlet-mapping><servlet-name>s</servlet-name><url-pattern>*.</url-pattern></servlet-mapping>', 'url-pattern [*.] is invalid'],
    ['<servlet-mapping><servlet-name>s</servlet-name><url-pattern>*.a/b</url-pattern></servlet-mapping>', 'may not contain [/]'],
  ])('rejects %s', (body, message) => {
    expect(() => parseWebXmlString(`<web-app>\n${body}\n</web-app>`, 'inline.xml')).toThrow(message);
    expect(() => parseWebXmlString(`<web-app>\n${body}\n</web-app>`, 'inline.xml')).toThrow('[inline.xml:2]');
  });

  it('warns about a url-pattern that contains * but is an exact match', () => {
    const webXml = parseWebXmlString(
      '<web-app><servlet><servlet-name>s</servlet-name><servlet-class>S</servlet-class></servlet>' +
        '<servlet-mapping><servlet-name>s</servlet-name><url-pattern>/a*b</url-pattern></servlet-mapping></web-app>',
      'inline.xml',
    );
    expect(webXml.servletMappings[0]?.urlPatterns).toEqual(['/a*b']);
    expect(webXml.warnings).toEqual([expect.stringContaining('url-pattern [/a*b] contains [*] but is an exact-match pattern')]);
  });
});
