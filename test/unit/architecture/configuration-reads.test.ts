// Architecture decision 4, configuration declared once: outside src/config/ no component reads a configuration
// attribute by name from an untyped record (`attributes['maxTrailerSize']`, usually with its default restated
// beside it); it reads the typed field the attribute table derives (`config.maxTrailerSize`).
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const repoRoot = resolve(__dirname, '../../..');

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return tsFiles(path);
    return entry.isFile() && entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** `file:line: text` of every `attributes['name']` / `x.attributes["name"]` read (a literal name indexing `attributes`). */
export function namedAttributeReads(fileName: string, source: string): string[] {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isElementAccessExpression(node) && ts.isStringLiteralLike(node.argumentExpression)) {
      const target = node.expression;
      const name = ts.isIdentifier(target) ? target.text : ts.isPropertyAccessExpression(target) ? target.name.text : '';
      if (name === 'attributes') {
        const { line } = file.getLineAndCharacterOfPosition(node.getStart(file));
        found.push(`${fileName}:${line + 1}: ${node.getText(file)}`);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

describe('configuration reads', () => {
  it('the check finds a named read of an attributes record, and ignores typed fields and other records', () => {
    const source = [
      "const a = config.attributes['maxTrailerSize'];",
      'const b = attributes["compression"] ?? "off";',
      'const c = config.maxTrailerSize;',
      "const d = headers['content-type'];",
      'const e = attributes[name];',
    ].join('\n');
    expect(namedAttributeReads('x.ts', source)).toEqual([
      "x.ts:1: config.attributes['maxTrailerSize']",
      'x.ts:2: attributes["compression"]',
    ]);
  });

  it('no component outside src/config reads an attribute by name', () => {
    const files = tsFiles(join(repoRoot, 'src')).filter((path) => !path.includes(`${sep}src${sep}config${sep}`));
    expect(files.length).toBeGreaterThan(50);
    const reads = files.flatMap((path) => namedAttributeReads(relative(repoRoot, path).split(sep).join('/'), readFileSync(path, 'utf8')));
    expect(reads, `read the typed field instead:\n  ${reads.join('\n  ')}\n`).toEqual([]);
  });
});
