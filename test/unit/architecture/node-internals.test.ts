// Architecture decision 8: Node internals (and private symbols of libraries) are used only in
// src/net/node-internals/, which checks each one at startup and falls back to a public path. This test fails
// when any other file of src/ names one, in code or in a string (comments do not count).
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const repoRoot = resolve(__dirname, '../../..');
const srcDir = join(repoRoot, 'src');
const INTERNALS_MODULE = 'src/net/node-internals/';

/** Names of Node internals: properties, the module node:http takes its parser from. */
const FORBIDDEN = new Set(['_http_common', '_handle', '_readableState', '_unrefTimer', '_writeState', '_consumed', 'streamSym']);

/** Every use of an internal in a file's source: `name (line)`. Comments are skipped by the TypeScript scanner. */
function internalsNamed(source: string): string[] {
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, /* skipTrivia */ true, ts.LanguageVariant.Standard, source);
  const found: string[] = [];
  const importsPino = /from\s+['"]pino['"]|require\(\s*['"]pino['"]\s*\)/.test(source);
  const at = (): number => source.slice(0, scanner.getTokenStart()).split('\n').length;
  for (let token = scanner.scan(); token !== ts.SyntaxKind.EndOfFileToken; token = scanner.scan()) {
    if (token === ts.SyntaxKind.Identifier || token === ts.SyntaxKind.PrivateIdentifier) {
      const name = scanner.getTokenValue();
      if (FORBIDDEN.has(name)) found.push(`${name} (line ${at()})`);
      // pino's private symbols are reached through pino.symbols.
      else if (name === 'symbols' && importsPino) found.push(`pino symbols (line ${at()})`);
    } else if (
      token === ts.SyntaxKind.StringLiteral ||
      token === ts.SyntaxKind.NoSubstitutionTemplateLiteral ||
      token === ts.SyntaxKind.TemplateHead
    ) {
      const text = scanner.getTokenValue();
      for (const name of FORBIDDEN) if (new RegExp(`(^|[^\\w$])${name}($|[^\\w$])`).test(text)) found.push(`'${name}' (line ${at()})`);
    }
  }
  return found;
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return tsFiles(path);
    return entry.isFile() && entry.name.endsWith('.ts') ? [path] : [];
  });
}

function violations(files: ReadonlyArray<{ readonly file: string; readonly source: string }>): string[] {
  return files
    .filter(({ file }) => !file.startsWith(INTERNALS_MODULE))
    .flatMap(({ file, source }) => internalsNamed(source).map((use) => `${file}: ${use}`));
}

describe('the internals rule (checked on synthetic files)', () => {
  it('finds internals in property accesses, element accesses, require() and destructuring; not in comments', () => {
    const source = [
      'const a = socket._handle;',
      "const b = stream['_readableState'];",
      "const c = require('_http_common');",
      'const { _writeState } = zlibStream;',
      '// socket._unrefTimer() is only mentioned here',
      '/* handle._consumed = true */',
      'const fine = socket.handle;',
      "const alsoFine = 'a _handleX or x_handle';",
      'const t = `${x}`;',
    ].join('\n');
    expect(internalsNamed(source)).toEqual([
      '_handle (line 1)',
      "'_readableState' (line 2)",
      "'_http_common' (line 3)",
      '_writeState (line 4)',
    ]);
  });

  it("finds pino's private symbols only where pino is imported", () => {
    expect(internalsNamed("import pino from 'pino';\nconst s = pino.symbols.streamSym;")).toEqual([
      'pino symbols (line 2)',
      'streamSym (line 2)',
    ]);
    expect(internalsNamed('const symbols = listSymbols();')).toEqual([]);
  });

  it('allows them in the internals module only', () => {
    const files = [
      { file: 'src/net/node-internals/llhttp-binding.ts', source: "createRequire(__filename)('_http_common');" },
      { file: 'src/net/tls-context.ts', source: 'socket._handle.verifyError();' },
    ];
    expect(violations(files)).toEqual(['src/net/tls-context.ts: _handle (line 1)']);
  });
});

describe('src/ names Node internals only in src/net/node-internals/ (architecture decision 8)', () => {
  const files = tsFiles(srcDir).map((path) => ({
    file: relative(repoRoot, path).split(sep).join('/'),
    source: readFileSync(path, 'utf8'),
  }));

  it('reads the real sources, the internals module included (the scan is not vacuous)', () => {
    expect(files.length).toBeGreaterThan(100);
    const inModule = files.filter(({ file }) => file.startsWith(INTERNALS_MODULE));
    expect(inModule.flatMap(({ source }) => internalsNamed(source)).length).toBeGreaterThan(0);
  });

  it('no other file names one', () => {
    const found = violations(files);
    expect(found, `Node internals outside ${INTERNALS_MODULE}:\n  ${found.join('\n  ')}\n`).toEqual([]);
  });
});
