import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mergeWebXml } from '../../../src/deploy/web-xml-merge.js';
import { parseWebXml, parseWebXmlString, WebXmlError } from '../../../src/deploy/web-xml-parser.js';
import { emptyWebXml, servletMappingTable, type WebXml } from '../../../src/deploy/web-xml.js';

const confWebXml = join(__dirname, '..', '..', '..', 'conf', 'web.xml');
const defaults = parseWebXml(confWebXml);

const app = (body: string, attrs = ''): WebXml =>
  parseWebXmlString(`<web-app ${attrs}>\n${body}\n</web-app>`, '/apps/demo/WEB-INF/web.xml');

function annotations(partial: Partial<WebXml>): WebXml {
  return { ...emptyWebXml('annotations'), ...partial };
}

describe('conf/web.xml', () => {
  it('declares the default servlet on / with listings=false, readonly=true, load-on-startup 1', () => {
    expect(defaults.warnings).toEqual([]);
    const def = defaults.servlets.get('default');
    expect(def?.servletClass).toBe('org.apache.catalina.servlets.DefaultServlet');
    expect(def?.loadOnStartup).toBe(1);
    expect(Object.fromEntries(def?.initParams ?? [])).toEqual({ listings: 'false', readonly: 'true' });
    expect([...servletMappingTable(defaults)]).toEqual([['/', 'default']]);
    expect(defaults.servlets.has('jsp')).toBe(false);
  });

  it('sets session timeout 30, UTF-8 encodings, index.html/index.htm and common mime types', () => {
    expect(defaults.sessionConfig.sessionTimeout).toBe(30);
    expect(defaults.requestCharacterEncoding).toBe('UTF-8');
    expect(defaults.responseCharacterEncoding).toBe('UTF-8');
    expect(defaults.welcomeFiles).toEqual(['index.html', 'index.htm']);
    expect(defaults.mimeMappings.size).toBeGreaterThanOrEqual(30);
    expect(defaults.mimeMappings.get('html')).toBe('text/html');
    expect(defaults.mimeMappings.get('css')).toBe('text/css');
    expect(defaults.mimeMappings.get('json')).toBe('application/json');
    expect(defaults.mimeMappings.get('png')).toBe('image/png');
  });
});

describe('mergeWebXml: defaults under the app', () => {
  it('an app without a descriptor gets every default', () => {
    const merged = mergeWebXml(defaults, emptyWebXml('/apps/demo/WEB-INF/web.xml'), null);
    expect(merged.file).toBe('/apps/demo/WEB-INF/web.xml');
    expect([...merged.servlets.keys()]).toEqual(['default']);
    expect([...servletMappingTable(merged)]).toEqual([['/', 'default']]);
    expect(merged.welcomeFiles).toEqual(['index.html', 'index.htm']);
    expect(merged.sessionConfig.sessionTimeout).toBe(30);
    expect(merged.requestCharacterEncoding).toBe('UTF-8');
    expect(merged.mimeMappings).toEqual(defaults.mimeMappings);
  });

  it("a servlet named default in the app replaces the container's, and keeps the / mapping", () => {
    const merged = mergeWebXml(
      defaults,
      app('<servlet><servlet-name>default</servlet-name><servlet-class>com.example.Static</servlet-class></servlet>'),
      null,
    );
    expect(merged.servlets.get('default')?.servletClass).toBe('com.example.Static');
    expect(merged.servlets.get('default')?.initParams.size).toBe(0);
    expect(servletMappingTable(merged).get('/')).toBe('default');
  });

  it('an app mapping of / wins over the default mapping; the default servlet stays declared', () => {
    const merged = mergeWebXml(
      defaults,
      app(
        '<servlet><servlet-name>front</servlet-name><servlet-class>com.example.Front</servlet-class></servlet>' +
          '<servlet-mapping><servlet-name>front</servlet-name><url-pattern>/</url-pattern></servlet-mapping>',
      ),
      null,
    );
    expect([...servletMappingTable(merged)]).toEqual([['/', 'front']]);
    expect(merged.servlets.has('default')).toBe(true);
  });

  it('an app may map more patterns to the default servlet it does not declare', () => {
    const merged = mergeWebXml(
      defaults,
      app('<servlet-mapping><servlet-name>default</servlet-name><url-pattern>*.txt</url-pattern></servlet-mapping>'),
      null,
    );
    expect(Object.fromEntries(servletMappingTable(merged))).toEqual({ '*.txt': 'default', '/': 'default' });
  });

  it('merges mime mappings with the app winning, and takes the app welcome files, timeout and encodings', () => {
    const merged = mergeWebXml(
      defaults,
      app(`
        <mime-mapping><extension>json</extension><mime-type>application/vnd.demo+json</mime-type></mime-mapping>
        <mime-mapping><extension>demo</extension><mime-type>application/x-demo</mime-type></mime-mapping>
        <welcome-file-list><welcome-file>start.html</welcome-file></welcome-file-list>
        <session-config><session-timeout>5</session-timeout></session-config>
        <request-character-encoding>ISO-8859-1</request-character-encoding>`),
      null,
    );
    expect(merged.mimeMappings.get('json')).toBe('application/vnd.demo+json');
    expect(merged.mimeMappings.get('demo')).toBe('application/x-demo');
    expect(merged.mimeMappings.get('css')).toBe('text/css');
    expect(merged.welcomeFiles).toEqual(['start.html']);
    expect(merged.sessionConfig.sessionTimeout).toBe(5);
    expect(merged.requestCharacterEncoding).toBe('ISO-8859-1');
    expect(merged.responseCharacterEncoding).toBe('UTF-8');
  });

  it('an empty welcome-file-list in the app still replaces the defaults', () => {
    const merged = mergeWebXml(defaults, app('<welcome-file-list/>'), null);
    expect(merged.welcomeFiles).toEqual([]);
  });

  it('keeps the app identity fields and adds default error pages only for keys the app leaves open', () => {
    const base = parseWebXmlString(
      '<web-app><error-page><error-code>404</error-code><location>/d404</location></error-page>' +
        '<error-page><error-code>500</error-code><location>/d500</location></error-page>' +
        '<context-param><param-name>p</param-name><param-value>default</param-value></context-param></web-app>',
      'defaults.xml',
    );
    const merged = mergeWebXml(
      base,
      app(
        '<display-name>Demo</display-name><error-page><error-code>404</error-code><location>/a404</location></error-page>' +
          '<context-param><param-name>p</param-name><param-value>app</param-value></context-param>',
        'version="6.0" metadata-complete="true"',
      ),
      null,
    );
    expect(merged.displayName).toBe('Demo');
    expect(merged.version).toBe('6.0');
    expect(merged.metadataComplete).toBe(true);
    expect(merged.errorPages).toEqual([
      { errorCode: 404, exceptionType: null, location: '/a404' },
      { errorCode: 500, exceptionType: null, location: '/d500' },
    ]);
    expect(merged.contextParams.get('p')).toBe('app');
  });

  it('rejects a mapping to a servlet nobody declares, naming the app file and line', () => {
    const descriptor = join(__dirname, '..', '..', 'fixtures', 'webxml', 'error-unknown-servlet.xml');
    let caught: unknown;
    try {
      mergeWebXml(defaults, parseWebXml(descriptor), null);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(WebXmlError);
    const error = caught as WebXmlError;
    expect(error.code).toBe('SV_ERR_DEPLOY_WEBXML_INVALID');
    expect(error.message).toContain(`[${descriptor}:7]`);
    expect(error.message).toContain('servlet-name [nobody] is not declared by any <servlet>');
  });

  it('rejects a filter mapping to an undeclared filter', () => {
    expect(() =>
      mergeWebXml(defaults, app('<filter-mapping><filter-name>ghost</filter-name><url-pattern>/*</url-pattern></filter-mapping>'), null),
    ).toThrow(/WEB-INF\/web.xml:2\].*filter-name \[ghost\] is not declared/);
  });
});

describe('mergeWebXml: annotations under the app', () => {
  const annotated = annotations({
    servlets: new Map([
      [
        'hello',
        {
          name: 'hello',
          servletClass: 'com.example.AnnotatedHello',
          initParams: new Map([
            ['fromAnnotation', 'a'],
            ['shared', 'annotation'],
          ]),
          loadOnStartup: 3,
          asyncSupported: true,
          enabled: true,
          multipartConfig: null,
          source: null,
        },
      ],
      [
        'extra',
        {
          name: 'extra',
          servletClass: 'com.example.Extra',
          initParams: new Map(),
          loadOnStartup: null,
          asyncSupported: false,
          enabled: true,
          multipartConfig: null,
          source: null,
        },
      ],
    ]),
    servletMappings: [
      { servletName: 'hello', urlPatterns: ['/from-annotation'], source: null },
      { servletName: 'extra', urlPatterns: ['/extra'], source: null },
    ],
    filters: new Map([
      ['audit', { name: 'audit', filterClass: 'com.example.Audit', initParams: new Map(), asyncSupported: false, source: null }],
    ]),
    filterMappings: [{ filterName: 'audit', urlPatterns: ['/*'], servletNames: [], dispatcherTypes: ['REQUEST'], source: null }],
    listeners: [
      { listenerClass: 'com.example.Listener', source: null },
      { listenerClass: 'com.example.OnlyAnnotated', source: null },
    ],
  });

  it('web.xml wins for a same-named servlet; annotation init params fill the gaps', () => {
    const merged = mergeWebXml(
      defaults,
      app(
        '<servlet><servlet-name>hello</servlet-name><servlet-class>com.example.XmlHello</servlet-class>' +
          '<init-param><param-name>shared</param-name><param-value>xml</param-value></init-param></servlet>' +
          '<listener><listener-class>com.example.Listener</listener-class></listener>',
      ),
      annotated,
    );
    const hello = merged.servlets.get('hello');
    expect(hello?.servletClass).toBe('com.example.XmlHello');
    expect(hello?.loadOnStartup).toBeNull();
    expect(Object.fromEntries(hello?.initParams ?? [])).toEqual({ fromAnnotation: 'a', shared: 'xml' });
    expect(merged.servlets.get('extra')?.servletClass).toBe('com.example.Extra');
    expect(merged.listeners.map((l) => l.listenerClass)).toEqual(['com.example.Listener', 'com.example.OnlyAnnotated']);
    expect(merged.filters.has('audit')).toBe(true);
  });

  it('annotation url patterns apply only when web.xml maps that servlet nowhere', () => {
    const unmapped = mergeWebXml(
      defaults,
      app('<servlet><servlet-name>hello</servlet-name><servlet-class>com.example.XmlHello</servlet-class></servlet>'),
      annotated,
    );
    expect(servletMappingTable(unmapped).get('/from-annotation')).toBe('hello');

    const mapped = mergeWebXml(
      defaults,
      app(
        '<servlet><servlet-name>hello</servlet-name><servlet-class>com.example.XmlHello</servlet-class></servlet>' +
          '<servlet-mapping><servlet-name>hello</servlet-name><url-pattern>/from-xml</url-pattern></servlet-mapping>',
      ),
      annotated,
    );
    const table = servletMappingTable(mapped);
    expect(table.get('/from-xml')).toBe('hello');
    expect(table.has('/from-annotation')).toBe(false);
    expect(table.get('/extra')).toBe('extra');
  });

  it('annotation filter mappings apply only when web.xml maps that filter nowhere', () => {
    const merged = mergeWebXml(
      defaults,
      app('<filter-mapping><filter-name>audit</filter-name><url-pattern>/only/*</url-pattern></filter-mapping>'),
      annotated,
    );
    expect(merged.filterMappings.map((m) => m.urlPatterns)).toEqual([['/only/*']]);
  });

  it('an annotation mapping a pattern web.xml gives to another servlet fails the deployment', () => {
    expect(() =>
      mergeWebXml(
        defaults,
        app(
          '<servlet><servlet-name>mine</servlet-name><servlet-class>com.example.Mine</servlet-class></servlet>' +
            '<servlet-mapping><servlet-name>mine</servlet-name><url-pattern>/extra</url-pattern></servlet-mapping>',
        ),
        annotated,
      ),
    ).toThrow('The servlets named [mine] and [extra] are both mapped to the url-pattern [/extra] which is not permitted');
  });
});
