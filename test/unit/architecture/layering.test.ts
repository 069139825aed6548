// Enforces the layering the README's Architecture section describes, and that no two folders of src/ import each
// other (directly or round a cycle), by reading the imports of src/.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, posix, relative, resolve, sep } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const srcDir = resolve(__dirname, '../../../src');

interface ImportEdge {
  /** The importing file, relative to the repo root: `src/core/host.ts`. */
  readonly file: string;
  /** The specifier as written: `../protocol/exchange.js`. */
  readonly specifier: string;
  /** For a relative specifier, the target relative to src/ without extension (`protocol/exchange`); else null. */
  readonly target: string | null;
}

interface Rule {
  readonly name: string;
  readonly appliesTo: (file: string) => boolean;
  readonly forbids: (edge: ImportEdge) => boolean;
}

/**
 * Every module specifier a file names: static imports (type-only too), `export … from`, side-effect imports,
 * `import x = require()`, `require()`, `import()` and `import('…')` types. The TypeScript scanner is used
 * rather than regexes so comments and strings that merely look like imports are not counted.
 */
function specifiersOf(source: string): string[] {
  return ts.preProcessFile(source, true, true).importedFiles.map((f) => f.fileName);
}

/** `src/core/host.ts` + `../protocol/exchange.js` → `protocol/exchange` (paths relative to src/, posix). */
function resolveTarget(file: string, specifier: string): string | null {
  if (!specifier.startsWith('./') && !specifier.startsWith('../')) return null;
  const fromDir = posix.dirname(file.replace(/^src\//, ''));
  return posix.normalize(posix.join(fromDir, specifier)).replace(/\.(js|ts|cjs|mjs|json)$/, '');
}

function edgesOf(file: string, source: string): ImportEdge[] {
  return specifiersOf(source).map((specifier) => ({ file, specifier, target: resolveTarget(file, specifier) }));
}

/** `protocol/http11/x` → `protocol`; a target above src/ (`../package`) has no area. */
function areaOf(target: string): string | null {
  return target.startsWith('../') || target === '..' ? null : (target.split('/')[0] ?? null);
}

function inArea(...areas: string[]): (file: string) => boolean {
  return (file) => areas.some((area) => file.startsWith(`src/${area}/`));
}

function importsArea(...areas: string[]): (edge: ImportEdge) => boolean {
  return (edge) => edge.target !== null && areas.includes(areaOf(edge.target) ?? '');
}

/** Folders that are the container's upper layers: nothing below them may import them. */
const CONTAINER = ['core', 'valves', 'builtin-servlets', 'deploy', 'connector', 'blocking', 'startup', 'filters'];

const rules: readonly Rule[] = [
  {
    name: 'protocol/ and net/ never import the container (core, servlet, session, connector, valves, builtin-servlets, deploy, blocking, startup)',
    appliesTo: inArea('protocol', 'net'),
    forbids: importsArea('servlet', 'session', ...CONTAINER),
  },
  {
    // The Servlet API is what webapps import: pulling container code in would leak internals into every webapp.
    name: 'servlet/ imports nothing from the container but servlet/ itself',
    appliesTo: inArea('servlet'),
    forbids: (edge) =>
      edge.target === null ? edge.specifier === 'serval' || edge.specifier.startsWith('serval/') : areaOf(edge.target) !== 'servlet',
  },
  {
    name: 'mapper/ never imports core, connector, servlet or protocol',
    appliesTo: inArea('mapper'),
    forbids: importsArea('core', 'connector', 'servlet', 'protocol'),
  },
  {
    // Tomcat lets catalina core use the connector's Request; here core owns the Request/Response/Valve contracts
    // (core/request.ts, core/response.ts, core/valve.ts) and the connector implements them.
    name: 'core/ never imports protocol, net, connector, valves, builtin-servlets, deploy, blocking or startup',
    appliesTo: inArea('core'),
    forbids: importsArea('protocol', 'net', 'connector', 'valves', 'builtin-servlets', 'deploy', 'blocking', 'startup'),
  },
  {
    name: 'valves/ and builtin-servlets/ never import connector, deploy, blocking or startup (they see core contracts only)',
    appliesTo: inArea('valves', 'builtin-servlets'),
    forbids: importsArea('connector', 'deploy', 'blocking', 'startup'),
  },
  {
    // A blocking-style Connector is handed its worker pool (ConnectorWorkers) by startup; it never builds one.
    name: 'connector/ never imports valves, builtin-servlets, deploy, blocking or startup',
    appliesTo: inArea('connector'),
    forbids: importsArea('valves', 'builtin-servlets', 'deploy', 'blocking', 'startup'),
  },
  {
    name: 'deploy/ never imports connector, blocking or startup',
    appliesTo: inArea('deploy'),
    forbids: importsArea('connector', 'blocking', 'startup'),
  },
  {
    // Sessions are the container's own vocabulary; how a worker thread reaches the owner's copy is blocking/'s.
    name: 'session/ never imports net, protocol, blocking or the container above core',
    appliesTo: inArea('session'),
    forbids: importsArea('net', 'protocol', ...CONTAINER),
  },
  {
    // The blocking style (servlets on worker threads) is a mechanism; the composition roots (the CLI, the worker
    // entry startup/worker-main.ts) assemble it.
    name: 'blocking/ never imports startup',
    appliesTo: inArea('blocking'),
    forbids: importsArea('startup'),
  },
  {
    name: 'the foundations (errors, time, version, lifecycle, logging, config, resources) never import the container',
    appliesTo: inArea('errors', 'time', 'version', 'lifecycle', 'logging', 'config', 'resources'),
    forbids: importsArea('protocol', 'net', 'servlet', 'session', 'realm', 'naming', ...CONTAINER),
  },
  {
    // Realms are what the container's security (authenticators, constraints, request.login) will call: they sit
    // beside the sessions, below core, and see no request.
    name: 'realm/ imports only the foundations and servlet/ (never mapper, protocol, net, session or the container)',
    appliesTo: inArea('realm'),
    forbids: importsArea('mapper', 'protocol', 'net', 'session', ...CONTAINER),
  },
  {
    // The authenticators enforce a Context's security through core's contracts (Request, Valve, Authenticator) and
    // the realms; deploy/ builds them from the descriptors.
    name: 'security/ never imports connector, deploy, blocking, startup, valves or builtin-servlets',
    appliesTo: inArea('security'),
    forbids: importsArea('connector', 'deploy', 'blocking', 'startup', 'valves', 'builtin-servlets', 'protocol', 'net'),
  },
  {
    // Tomcat's filters are built on the Servlet API alone (webapps can use them from code through serval/filters),
    // so they can never reach into the container; the valve twins (RemoteAddrValve…) may share their rules.
    name: 'filters/ imports only servlet, config, errors, time and logging (and itself)',
    appliesTo: inArea('filters'),
    forbids: (edge) =>
      edge.target !== null && !['filters', 'servlet', 'config', 'errors', 'time', 'logging'].includes(areaOf(edge.target) ?? ''),
  },
  {
    // The minimal naming layer (GlobalNamingResources → DataSource) is a service realms and stores use: it sees
    // only the foundations it needs, so it can be handed to any of them.
    name: 'naming/ imports only errors, logging and lifecycle (and itself)',
    appliesTo: inArea('naming'),
    forbids: (edge) => edge.target !== null && !['naming', 'errors', 'logging', 'lifecycle'].includes(areaOf(edge.target) ?? ''),
  },
];

/** Folder → the folders it imports (type-only imports included), from the edges of src/. */
function folderGraph(edges: readonly ImportEdge[]): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const edge of edges) {
    const from = edge.file.replace(/^src\//, '').split('/');
    const source = from.length > 1 ? (from[0] as string) : '.';
    const target = edge.target === null ? null : edge.target.includes('/') ? areaOf(edge.target) : '.';
    if (target === null || target === source) continue;
    let targets = graph.get(source);
    if (targets === undefined) graph.set(source, (targets = new Set()));
    targets.add(target);
  }
  return graph;
}

/** Every folder-level cycle, each as `a → b → … → a` starting from its smallest folder name. */
function folderCycles(graph: ReadonlyMap<string, ReadonlySet<string>>): string[] {
  const cycles = new Set<string>();
  const walk = (start: string, node: string, path: string[]): void => {
    for (const next of graph.get(node) ?? []) {
      if (next === start) cycles.add([...path, start].join(' → '));
      else if (!path.includes(next) && next > start) walk(start, next, [...path, next]);
    }
  };
  for (const start of [...graph.keys()].sort()) walk(start, start, [start]);
  return [...cycles];
}

/**
 * File → the files of the same `folder` (relative to src/) it imports, type-only imports included, each named
 * relative to src/ without extension. folderCycles() finds the cycles of this graph as well.
 */
function fileGraph(edges: readonly ImportEdge[], folder: string): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  const inFolder = (path: string): boolean => path.startsWith(`${folder}/`) && !path.slice(folder.length + 1).includes('/');
  for (const edge of edges) {
    const source = edge.file.replace(/^src\//, '').replace(/\.ts$/, '');
    if (!inFolder(source) || edge.target === null || !inFolder(edge.target) || edge.target === source) continue;
    let targets = graph.get(source);
    if (targets === undefined) graph.set(source, (targets = new Set()));
    targets.add(edge.target);
  }
  return graph;
}

function violations(rule: Rule, edges: readonly ImportEdge[]): string[] {
  return edges.filter((edge) => rule.appliesTo(edge.file) && rule.forbids(edge)).map((edge) => `${edge.file} → ${edge.specifier}`);
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return tsFiles(path);
    return entry.isFile() && entry.name.endsWith('.ts') ? [path] : [];
  });
}

function srcEdges(): ImportEdge[] {
  const repoRoot = dirname(srcDir);
  return tsFiles(srcDir).flatMap((path) => edgesOf(relative(repoRoot, path).split(sep).join('/'), readFileSync(path, 'utf8')));
}

describe('import extraction', () => {
  it('finds every import form, type-only and multi-line ones included, and ignores comments and strings', () => {
    const source = [
      "import type { A } from './a.js';",
      'import {',
      '  b,',
      '  type B,',
      "} from '../b.js';",
      "export * from './c.js';",
      "export type { D } from './d.js';",
      "import './side-effect.js';",
      "const e = require('./e.js');",
      "import f = require('./f.js');",
      "const g = await import('./g.js');",
      "type H = import('./h.js').H;",
      "// import x from './commented.js';",
      "/* export * from './block-commented.js'; */",
      'const s = "import y from \'./in-a-string.js\'";',
      "import * as path from 'node:path';",
    ].join('\n');
    expect(specifiersOf(source)).toEqual([
      './a.js',
      '../b.js',
      './c.js',
      './d.js',
      './side-effect.js',
      './e.js',
      './f.js',
      './g.js',
      './h.js',
      'node:path',
    ]);
  });

  it('resolves relative specifiers to src/ areas', () => {
    expect(resolveTarget('src/core/host.ts', '../protocol/exchange.js')).toBe('protocol/exchange');
    expect(resolveTarget('src/protocol/http11/x.ts', '../../core/valve.js')).toBe('core/valve');
    expect(resolveTarget('src/protocol/http11/x.ts', './y.js')).toBe('protocol/http11/y');
    expect(resolveTarget('src/servlet/index.ts', '../../package.json')).toBe('../package');
    expect(resolveTarget('src/servlet/index.ts', 'node:events')).toBeNull();
    expect(areaOf('../package')).toBeNull();
  });
});

describe('layering rules (checked on a synthetic tree)', () => {
  const fake: ImportEdge[] = [
    ...edgesOf('src/protocol/http11/p.ts', "import { Host } from '../../core/host.js';\nimport type { E } from '../exchange.js';"),
    ...edgesOf('src/net/acceptor.ts', "export { V } from '../valves/v.js';"),
    ...edgesOf('src/servlet/filter.ts', "import type { Request } from '../connector/request.js';\nimport type { S } from './servlet.js';"),
    ...edgesOf('src/servlet/index.ts', "const p = require('../../package.json');\nimport { EventEmitter } from 'node:events';"),
    ...edgesOf(
      'src/mapper/mapper.ts',
      "import type { Wrapper } from '../core/wrapper.js';\nimport { ContainerError } from '../errors/container-error.js';",
    ),
    ...edgesOf(
      'src/core/context.ts',
      "import type { Exchange } from '../protocol/exchange.js';\nimport type { M } from '../mapper/mapper.js';",
    ),
    ...edgesOf('src/connector/adapter.ts', "import '../protocol/exchange.js';\nimport '../core/engine.js';"),
    ...edgesOf('src/valves/v.ts', "import type { R } from '../core/request.js';\nimport '../connector/container-response.js';"),
    ...edgesOf('src/core/valve.ts', "import type { Request } from '../connector/request.js';"),
    ...edgesOf('src/deploy/d.ts', "import '../startup/catalina.js';"),
    ...edgesOf('src/connector/c.ts', "import '../valves/error-report-valve.js';"),
    ...edgesOf('src/config/t.ts', "import '../net/tls-config.js';"),
    ...edgesOf('src/session/s.ts', "import type { M } from '../net/worker-pool/worker-messages.js';\nimport '../servlet/http-session.js';"),
    ...edgesOf('src/blocking/main/e.ts', "import '../../startup/server-factory.js';\nimport '../../connector/connector.js';"),
    ...edgesOf('src/realm/r.ts', "import '../core/context.js';\nimport type { Principal } from '../servlet/principal.js';"),
    ...edgesOf('src/security/a.ts', "import '../deploy/web-xml.js';\nimport type { Request } from '../core/request.js';"),
    ...edgesOf('src/filters/f.ts', "import '../core/request.js';\nimport type { Filter } from '../servlet/filter.js';"),
    ...edgesOf(
      'src/naming/n.ts',
      "import '../config/attributes.js';\nimport type { E } from '../errors/codes.js';\nimport './data-source.js';",
    ),
  ];

  it('reports each forbidden edge as file → import, and only those', () => {
    expect(rules.map((rule) => violations(rule, fake))).toEqual([
      ['src/protocol/http11/p.ts → ../../core/host.js', 'src/net/acceptor.ts → ../valves/v.js'],
      ['src/servlet/filter.ts → ../connector/request.js', 'src/servlet/index.ts → ../../package.json'],
      ['src/mapper/mapper.ts → ../core/wrapper.js'],
      ['src/core/context.ts → ../protocol/exchange.js', 'src/core/valve.ts → ../connector/request.js'],
      ['src/valves/v.ts → ../connector/container-response.js'],
      ['src/connector/c.ts → ../valves/error-report-valve.js'],
      ['src/deploy/d.ts → ../startup/catalina.js'],
      ['src/session/s.ts → ../net/worker-pool/worker-messages.js'],
      ['src/blocking/main/e.ts → ../../startup/server-factory.js'],
      ['src/config/t.ts → ../net/tls-config.js'],
      ['src/realm/r.ts → ../core/context.js'],
      ['src/security/a.ts → ../deploy/web-xml.js'],
      ['src/filters/f.ts → ../core/request.js'],
      ['src/naming/n.ts → ../config/attributes.js'],
    ]);
  });

  it('finds folder cycles through type-only imports too, once each', () => {
    const graph = folderGraph([
      ...edgesOf('src/core/a.ts', "import type { D } from '../deploy/d.js';"),
      ...edgesOf('src/deploy/d.ts', "import { C } from '../core/c.js';"),
      ...edgesOf('src/valves/v.ts', "import { C } from '../core/c.js';"),
      ...edgesOf('src/index.ts', "export * from './startup/s.js';"),
    ]);
    expect(folderCycles(graph)).toEqual(['core → deploy → core']);
  });

  it('finds file cycles within one folder, type-only imports included, and ignores files of other folders', () => {
    const graph = fileGraph(
      [
        ...edgesOf('src/protocol/http11/a.ts', "import type { B } from './b.js';\nimport '../exchange.js';"),
        ...edgesOf('src/protocol/http11/b.ts', "import type { A } from './a.js';\nimport './c.js';"),
        ...edgesOf('src/protocol/http11/c.ts', "import '../../net/x.js';"),
        ...edgesOf('src/protocol/exchange.ts', "import './http11/c.js';"),
      ],
      'protocol/http11',
    );
    expect(folderCycles(graph)).toEqual(['protocol/http11/a → protocol/http11/b → protocol/http11/a']);
  });
});

describe('layering of src/ (README, Architecture)', () => {
  const edges = srcEdges();

  it('reads the real imports (the scan is not vacuous)', () => {
    const files = new Set(edges.map((e) => e.file));
    expect(files.size).toBeGreaterThan(50);
    // The connector is the one layer allowed to see both sides: if the scan works it must show both edges.
    const connectorAreas = new Set(edges.filter((e) => e.file.startsWith('src/connector/') && e.target).map((e) => areaOf(e.target!)));
    expect(connectorAreas).toContain('protocol');
    expect(connectorAreas).toContain('core');
  });

  for (const rule of rules) {
    it(rule.name, () => {
      const found = violations(rule, edges);
      expect(found, `layering violations:\n  ${found.join('\n  ')}\n`).toEqual([]);
    });
  }

  it('has no cycle between folders (type-only imports included)', () => {
    const graph = folderGraph(edges);
    expect(graph.get('connector')?.has('core')).toBe(true);
    expect(folderCycles(graph)).toEqual([]);
  });
});
