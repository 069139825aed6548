// Every error src/ raises comes from the catalogue, except the places listed in uncodedErrors with a reason.
// The sources are read with the TypeScript parser (as layering.test.ts reads imports), so a `new Error(` in a
// comment or a string does not count and one split over lines does.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { uncodedErrors, type UncodedError } from '../../../src/errors/error-docs.js';

const root = resolve(__dirname, '../../..');
const srcDir = join(root, 'src');

/** Error constructors of the language and the Servlet API; a container error must be a ContainerError instead. */
const WATCHED = new Set([
  'Error',
  'TypeError',
  'RangeError',
  'SyntaxError',
  'ReferenceError',
  'EvalError',
  'URIError',
  'AggregateError',
  'ServletException',
]);

/** The classes allowed to extend Error directly: the container's base class and the Servlet API's. */
const ERROR_BASES = ['src/errors/container-error.ts: ContainerError', 'src/servlet/servlet-exception.ts: ServletException'];

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return tsFiles(path);
    return entry.isFile() && entry.name.endsWith('.ts') ? [path] : [];
  });
}

interface Scan {
  /** `new TypeError(…)`, and `Error(…)` called without new (which constructs just the same). */
  readonly constructions: string[];
  /** Names of classes whose `extends` clause names Error. */
  readonly errorSubclasses: string[];
}

function scan(source: string, fileName = 'source.ts'): Scan {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.ES2022, true);
  const constructions: string[] = [];
  const errorSubclasses: string[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isNewExpression(node) || ts.isCallExpression(node)) && ts.isIdentifier(node.expression) && WATCHED.has(node.expression.text)) {
      constructions.push(node.expression.text);
    }
    if ((ts.isClassDeclaration(node) || ts.isClassExpression(node)) && node.heritageClauses !== undefined) {
      const extendsError = node.heritageClauses.some(
        (clause) =>
          clause.token === ts.SyntaxKind.ExtendsKeyword &&
          clause.types.some((type) => ts.isIdentifier(type.expression) && type.expression.text === 'Error'),
      );
      if (extendsError) errorSubclasses.push(node.name?.text ?? '(anonymous)');
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return { constructions, errorSubclasses };
}

function scanSrc(): { sites: Map<string, number>; errorSubclasses: string[] } {
  const sites = new Map<string, number>();
  const errorSubclasses: string[] = [];
  for (const path of tsFiles(srcDir)) {
    const file = relative(root, path).split('\\').join('/');
    const found = scan(readFileSync(path, 'utf8'), file);
    for (const name of found.constructions) sites.set(`${file}: ${name}`, (sites.get(`${file}: ${name}`) ?? 0) + 1);
    for (const name of found.errorSubclasses) errorSubclasses.push(`${file}: ${name}`);
  }
  return { sites, errorSubclasses };
}

const key = (site: UncodedError): string => `${site.file}: ${site.constructs}`;

describe('the scan', () => {
  it('counts constructions in code, with or without new, and not in comments or strings', () => {
    const source = [
      "// new Error('in a comment')",
      'const text = "new TypeError(\'in a string\')";',
      "throw new Error('one');",
      "const two = Error('two');",
      'const three = new RangeError(',
      "  'split over lines',",
      ');',
      "const coded = new ContainerError('SV_ERR_X', {});",
    ].join('\n');
    expect(scan(source).constructions).toEqual(['Error', 'Error', 'RangeError']);
  });

  it('finds classes that extend Error, and only those', () => {
    const source = 'class A extends Error {}\nconst B = class Named extends Error {};\nclass C extends A {}\ninterface D extends Error {}';
    expect(scan(source).errorSubclasses).toEqual(['A', 'Named']);
  });
});

describe('errors raised by src/', () => {
  const { sites, errorSubclasses } = scanSrc();

  it('come from the catalogue, except the sites listed in uncodedErrors (src/errors/error-docs.ts)', () => {
    const listed = new Map(uncodedErrors.map((site) => [key(site), site.count]));
    const unlisted = [...sites].filter(([site, count]) => listed.get(site) !== count).map(([site, count]) => `${site} ×${count}`);
    expect(unlisted, 'use a ContainerError with a catalogue code, or list the site with its reason').toEqual([]);
    const stale = [...listed].filter(([site, count]) => sites.get(site) !== count).map(([site, count]) => `${site} ×${count}`);
    expect(stale, 'listed in uncodedErrors but no longer in the source').toEqual([]);
  });

  it('list each site once, with a reason', () => {
    expect(new Set(uncodedErrors.map(key)).size).toBe(uncodedErrors.length);
    for (const site of uncodedErrors) {
      expect(site.count, key(site)).toBeGreaterThan(0);
      expect(site.reason.length, key(site)).toBeGreaterThan(40);
    }
  });

  it('subclass ContainerError, not Error (only the two base classes extend Error)', () => {
    expect(errorSubclasses.sort()).toEqual([...ERROR_BASES].sort());
  });
});
