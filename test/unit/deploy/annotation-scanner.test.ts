import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { scanAnnotations } from '../../../src/deploy/annotation-scanner.js';
import { mergeWebXml } from '../../../src/deploy/web-xml-merge.js';
import { parseWebXml, parseWebXmlString, WebXmlError } from '../../../src/deploy/web-xml-parser.js';
import { WebappLoader } from '../../../src/deploy/webapp-loader.js';
import { servletMappingTable } from '../../../src/deploy/web-xml.js';
import * as servletApi from '../../../src/servlet/index.js';

const webapps = join(__dirname, '..', '..', 'fixtures', 'webapps');
const shared = new Map<string, unknown>([['serval/servlet', servletApi]]);
const open: WebappLoader[] = [];
function loader(app: string): WebappLoader {
  const created = new WebappLoader({ docBase: join(webapps, app), name: app, shared, logger: pino({ level: 'silent' }) });
  open.push(created);
  return created;
}
afterEach(() => {
  for (const l of open.splice(0)) l.close();
});

describe('scanAnnotations', () => {
  it('describes @WebServlet classes: name = class name, patterns, load-on-startup, async, init params', () => {
    const webXml = scanAnnotations(loader('loader-annotations'));
    const hello = webXml.servlets.get('com.example.HelloServlet');
    expect(hello).toMatchObject({
      servletClass: 'com.example.HelloServlet',
      loadOnStartup: 2,
      asyncSupported: true,
      enabled: true,
      source: { file: 'WEB-INF/classes/com/example/HelloServlet.js', line: null },
    });
    expect(Object.fromEntries(hello?.initParams ?? [])).toEqual({ greeting: 'hi' });
    expect(Object.fromEntries(servletMappingTable(webXml))).toEqual({
      '/hello': 'com.example.HelloServlet',
      '/hi/*': 'com.example.HelloServlet',
      '/report': 'report',
      '*.rpt': 'report',
    });
  });

  it('records a default export under the module name and a named export as module#Export', () => {
    const webXml = scanAnnotations(loader('loader-annotations'));
    expect(webXml.servlets.get('report')?.servletClass).toBe('com.example.Report');
    expect([...webXml.filters.values()].map((f) => [f.name, f.filterClass])).toEqual([
      ['com.example.filters#AuthFilter', 'com.example.filters#AuthFilter'],
      ['byName', 'com.example.filters#NamedFilter'],
    ]);
    expect(webXml.listeners.map((l) => l.listenerClass)).toEqual(['com.example.filters#StartupListener']);
  });

  it('records filter mappings with dispatcher types (REQUEST by default) and servlet names', () => {
    const webXml = scanAnnotations(loader('loader-annotations'));
    expect(webXml.filterMappings.map(({ source: _source, ...m }) => m)).toEqual([
      {
        filterName: 'com.example.filters#AuthFilter',
        urlPatterns: ['/secure/*'],
        servletNames: [],
        dispatcherTypes: ['REQUEST', 'FORWARD'],
      },
      { filterName: 'byName', urlPatterns: [], servletNames: ['com.example.HelloServlet'], dispatcherTypes: ['REQUEST'] },
    ]);
    expect(Object.fromEntries(webXml.filters.get('com.example.filters#AuthFilter')?.initParams ?? [])).toEqual({ realm: 'x' });
  });

  it('records class names that loadClass reads back to the very classes', () => {
    const l = loader('loader-annotations');
    const webXml = scanAnnotations(l);
    const names = [
      ...[...webXml.servlets.values()].map((s) => s.servletClass),
      ...[...webXml.filters.values()].map((f) => f.filterClass),
      ...webXml.listeners.map((x) => x.listenerClass),
    ];
    expect(names).toHaveLength(5);
    for (const name of names) {
      const cls = l.loadClass(name);
      const annotations = servletApi.readAnnotations(cls);
      expect(Boolean(annotations.servlet ?? annotations.filter ?? annotations.listener)).toBe(true);
    }
    expect(l.loadClass('com.example.filters#StartupListener').name).toBe('StartupListener');
  });

  it('feeds the merge: web.xml overrides an annotated servlet by name, and the defaults stay under both', () => {
    const l = loader('loader-annotations');
    const app = parseWebXmlString(
      '<web-app><servlet><servlet-name>report</servlet-name><servlet-class>com.example.Report</servlet-class>' +
        '<load-on-startup>7</load-on-startup></servlet></web-app>',
      'web.xml',
    );
    const merged = mergeWebXml(parseWebXml(join(__dirname, '..', '..', '..', 'conf', 'web.xml')), app, scanAnnotations(l));
    expect(merged.servlets.get('report')?.loadOnStartup).toBe(7);
    expect(servletMappingTable(merged).get('/report')).toBe('report');
    expect(servletMappingTable(merged).get('/')).toBe('default');
  });

  it('rejects an annotated servlet without url patterns, naming the class file', () => {
    let caught: unknown;
    try {
      scanAnnotations(loader('loader-annotations-bad'));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(WebXmlError);
    expect((caught as Error).message).toBe(
      'Deployment descriptor [WEB-INF/classes/NoPattern.js] is invalid: element [@WebServlet(NoPattern)]: declares no url pattern (urlPatterns or value)',
    );
  });

  it('finds nothing in an app whose classes carry no annotations', () => {
    const webXml = scanAnnotations(loader('loader-version-1'));
    expect(webXml.servlets.size).toBe(0);
    expect(webXml.filters.size).toBe(0);
    expect(webXml.listeners).toEqual([]);
  });
});
