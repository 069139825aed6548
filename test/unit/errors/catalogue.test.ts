import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { codes, formatUnchecked, type ErrorCode } from '../../../src/errors/codes.js';
import { errorDocs, renderErrorDocs, retiredCodes } from '../../../src/errors/error-docs.js';

const root = resolve(__dirname, '../../..');
const srcDir = join(root, 'src');
const codesFile = join(srcDir, 'errors/codes.ts');
const docsFile = join(root, 'docs/errors.md');
const CODE_NAME = /^SV_(ERR|MSG)_[A-Z0-9]+(_[A-Z0-9]+)+$/;
const allCodes = Object.keys(codes) as ErrorCode[];

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return tsFiles(path);
    return entry.isFile() && entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Every `SV_ERR_…` token of every src/**\/*.ts file, with where it was seen. */
function codeTokensInSrc(): Map<string, string[]> {
  const seen = new Map<string, string[]>();
  for (const file of tsFiles(srcDir)) {
    const lines = readFileSync(file, 'utf8').split('\n');
    lines.forEach((line, index) => {
      for (const match of line.matchAll(/SV_(?:ERR|MSG)_[A-Z0-9_]*/g)) {
        const where = `${relative(root, file)}:${index + 1}`;
        seen.set(match[0], [...(seen.get(match[0]) ?? []), where]);
      }
    });
  }
  return seen;
}

describe('error catalogue (src/errors/codes.ts)', () => {
  it('has codes, each named SV_ERR_<AREA>_<DETAIL> or SV_MSG_<AREA>_<DETAIL>', () => {
    expect(allCodes.length).toBeGreaterThan(10);
    const badNames = allCodes.filter((code) => !CODE_NAME.test(code));
    expect(badNames).toEqual([]);
  });

  it('declares each code once in the source (a duplicate key would silently replace the first at runtime)', () => {
    const source = readFileSync(codesFile, 'utf8');
    const declared = [...source.matchAll(/^\s*['"]?(SV_(?:ERR|MSG)_[A-Z0-9_]+)['"]?\s*:/gm)].map((m) => m[1] as string);
    const duplicates = declared.filter((code, i) => declared.indexOf(code) !== i);
    expect(duplicates).toEqual([]);
    expect([...declared].sort()).toEqual([...allCodes].sort());
  });

  it('has templates whose {placeholders} and [brackets] are balanced', () => {
    const problems: string[] = [];
    for (const code of allCodes) {
      const message = codes[code].message;
      if (message.trim() === '') problems.push(`${code}: empty message`);
      // Valid placeholders are `{word}`; any brace left once they are removed is unbalanced or malformed.
      if (/[{}]/.test(message.replace(/\{\w+\}/g, ''))) problems.push(`${code}: unbalanced or malformed {placeholder} in "${message}"`);
      let depth = 0;
      for (const ch of message) {
        if (ch === '[') depth++;
        if (ch === ']' && --depth < 0) break;
      }
      if (depth !== 0) problems.push(`${code}: unbalanced [brackets] in "${message}"`);
    }
    expect(problems).toEqual([]);
  });

  it('fills every placeholder of every template when all parameters are given', () => {
    for (const code of allCodes) {
      const names = [...codes[code].message.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string);
      const params = Object.fromEntries(names.map((name) => [name, `<${name}>`]));
      const text = formatUnchecked(code, params);
      expect(text, code).not.toMatch(/\{\w+\}/);
      for (const name of names) expect(text, code).toContain(`<${name}>`);
    }
  });

  it('maps statuses and close modes to real values', () => {
    for (const code of allCodes) {
      const { status, close } = codes[code];
      if (status !== undefined) expect(status >= 400 && status <= 599, `${code} status ${status}`).toBe(true);
      if (close !== undefined) expect(['keep', 'close-clean', 'close-now'], code).toContain(close);
    }
  });
});

describe('error docs (src/errors/error-docs.ts)', () => {
  it('documents every code with a meaning and a fix, and nothing else', () => {
    const missing = allCodes.filter((code) => !Object.hasOwn(errorDocs, code));
    expect(missing, 'codes without an entry in errorDocs').toEqual([]);
    const unknown = Object.keys(errorDocs).filter((code) => !Object.hasOwn(codes, code));
    expect(unknown, 'errorDocs entries for codes not in the catalogue').toEqual([]);
    for (const code of allCodes) {
      const { meaning, fix } = errorDocs[code];
      expect(meaning, `${code} meaning`).toMatch(/^\S[\s\S]*[.)]$/);
      expect(fix, `${code} fix`).toMatch(/^\S[\s\S]*[.)]$/);
      expect(meaning.length, `${code} meaning`).toBeGreaterThan(20);
      expect(fix.length, `${code} fix`).toBeGreaterThan(10);
    }
  });

  it('renders one table row per code, in catalogue order, with status and connection', () => {
    const rendered = renderErrorDocs();
    const rows = rendered.split('\n').filter((line) => /^\| `SV_(ERR|MSG)_/.test(line));
    expect(rows.map((row) => /^\| `(SV_(?:ERR|MSG)_[A-Z0-9_]+)` \|/.exec(row)?.[1])).toEqual(allCodes);
    // Every row has exactly the five columns (an unescaped `|` in a text would add one).
    for (const row of rows) expect(row.replace(/\\\|/g, '').split('|').length, row).toBe(7);
    expect(rendered).toContain('| Code | Status | Connection | Meaning | How to fix |');
    expect(rows.find((r) => r.startsWith('| `SV_ERR_HTTP_HEADER_TOO_LARGE` |'))).toMatch(
      /^\| `SV_ERR_HTTP_HEADER_TOO_LARGE` \| 431 \| closed after the response \| /,
    );
    expect(rows.find((r) => r.startsWith('| `SV_ERR_HTTP_HEADER_TIMEOUT` |'))).toContain('| 408 | closed at once |');
    expect(rows.find((r) => r.startsWith('| `SV_ERR_URI_INVALID` |'))).toContain('| 400 | kept open |');
    expect(rows.find((r) => r.startsWith('| `SV_ERR_LIFECYCLE_FAILED` |'))).toContain('| — | — |');
    for (const code of allCodes) {
      const row = rows.find((r) => r.startsWith(`| \`${code}\` |`)) ?? '';
      expect(row, code).toContain(errorDocs[code].meaning.replace(/\|/g, '\\|'));
      expect(row, code).toContain(errorDocs[code].fix.replace(/\|/g, '\\|'));
    }
  });

  it('docs/errors.md is up to date (SERVAL_UPDATE_DOCS=1 rewrites it)', () => {
    const rendered = renderErrorDocs();
    if (process.env['SERVAL_UPDATE_DOCS'] === '1') writeFileSync(docsFile, rendered);
    expect(readFileSync(docsFile, 'utf8')).toBe(rendered);
  });
});

describe('codes used in src/', () => {
  it('exist in the catalogue', () => {
    const unknown: string[] = [];
    for (const [token, places] of codeTokensInSrc()) {
      if (Object.hasOwn(codes, token)) continue;
      // `startsWith('SV_ERR_HTTP_')` style prefixes are fine as long as some code has that prefix.
      if (token.endsWith('_') && token !== 'SV_ERR_' && allCodes.some((code) => code.startsWith(token))) continue;
      // The retired list names codes that no longer exist, by design.
      if (retiredCodes.includes(token) && places.every((p) => p.startsWith('src/errors/error-docs.ts:'))) continue;
      unknown.push(`${token} (${places.join(', ')})`);
    }
    expect(unknown, 'codes used in src/ but missing from src/errors/codes.ts').toEqual([]);
  });

  it('finds the codes actually thrown (the scan itself works)', () => {
    const tokens = codeTokensInSrc();
    expect(tokens.get('SV_ERR_LIFECYCLE_INVALID_TRANSITION')?.some((p) => p.startsWith('src/lifecycle/'))).toBe(true);
    expect(tokens.get('SV_ERR_URI_INVALID')?.some((p) => p.startsWith('src/mapper/'))).toBe(true);
  });
});

describe('retired codes', () => {
  it('are well-formed, listed once, and never reappear in the catalogue or in src/', () => {
    expect(new Set(retiredCodes).size).toBe(retiredCodes.length);
    for (const code of retiredCodes) expect(code).toMatch(CODE_NAME);
    expect(retiredCodes.filter((code) => Object.hasOwn(codes, code))).toEqual([]);
    const tokens = codeTokensInSrc();
    const reused = retiredCodes.flatMap((code) =>
      (tokens.get(code) ?? []).filter((p) => !p.startsWith('src/errors/error-docs.ts:')).map((p) => `${code} (${p})`),
    );
    expect(reused).toEqual([]);
  });

  it('are listed in docs/errors.md', () => {
    const rendered = renderErrorDocs();
    expect(rendered).toContain('## Retired codes');
    for (const code of retiredCodes) expect(rendered).toContain(`- \`${code}\``);
    if (retiredCodes.length === 0) expect(rendered).toContain('None yet.');
  });
});
