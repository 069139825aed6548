// No getter or setter in an object literal under src/. V8 stores a literal's accessor functions in the
// object's hidden class (its map), outside the young generation: a literal made per request with a getter
// closing over the request kept every request reachable from old space until the next full collection
// (the compressed-body output of http-exchange.ts; bench/RESULTS.md 2026-11-22 03:53). Classes define their
// accessors once on the prototype and are not affected.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const repoRoot = resolve(__dirname, '../..');

function sourceFiles(dir: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...sourceFiles(path));
    else if (entry.name.endsWith('.ts')) files.push(path);
  }
  return files;
}

/** `file:line: text` of every get/set accessor written directly in an object literal. */
export function literalAccessors(fileName: string, source: string): string[] {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isGetAccessorDeclaration(node) || ts.isSetAccessorDeclaration(node)) && ts.isObjectLiteralExpression(node.parent)) {
      const { line } = file.getLineAndCharacterOfPosition(node.getStart(file));
      found.push(`${fileName}:${line + 1}: ${node.getText(file).split('\n')[0]}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

describe('object literals in src/', () => {
  it('the check finds a getter or setter in a literal, and ignores class accessors', () => {
    const source = [
      'class A { get x() { return 1; } set x(v) {} }',
      'const o = { a: 1, get b() { return 2; } };',
      'const p = { set c(v: number) {} };',
    ].join('\n');
    expect(literalAccessors('sample.ts', source)).toEqual(['sample.ts:2: get b() { return 2; }', 'sample.ts:3: set c(v: number) {}']);
  });

  it('have no getters or setters (use a function property or a class)', () => {
    const found = sourceFiles(join(repoRoot, 'src')).flatMap((path) =>
      literalAccessors(relative(repoRoot, path), readFileSync(path, 'utf8')),
    );
    expect(found).toEqual([]);
  });
});
