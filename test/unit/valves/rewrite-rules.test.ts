/**
 * The RewriteValve's pure parts: rewrite.config parsing (every error coded, with file and line), rule and condition
 * evaluation (OR groups, NC, negation, back-references, maps), Tomcat's URL encoders, and the maps.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors/container-error.js';
import { decodePercent, encodeForRewrite, encodeRewritePath, encodeRewriteQuery } from '../../../src/valves/rewrite-encoding.js';
import { rewriteMapSource } from '../../../src/valves/rewrite-maps.js';
import { evaluateRule, parseRewriteConfig, tokenize, type RewriteResolver } from '../../../src/valves/rewrite-rules.js';

const dir = mkdtempSync(join(tmpdir(), 'serval-rewrite-unit-'));
const maps = rewriteMapSource(dir);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const parse = (text: string) => parseRewriteConfig(text, 'rewrite.config', maps);

function resolver(headers: Record<string, string> = {}, variables: Record<string, string> = {}): RewriteResolver {
  return {
    variable: (name) => variables[name] ?? null,
    env: () => null,
    http: (name) => headers[name.toLowerCase()] ?? '',
    ssl: () => null,
    resource: (kind, path) => kind === 'f' && path === '/exists.txt',
  };
}

function refusal(text: string): ConfigError {
  try {
    parse(text);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error(`expected [${text}] to be refused`);
}

/** Applies the only rule of `text` to `input`. */
function apply(text: string, input: string, using: RewriteResolver = resolver()): string | null {
  const rule = parse(text).rules.at(-1);
  if (rule === undefined) throw new Error('no rule');
  return evaluateRule(rule, input, using)?.value ?? null;
}

describe('rewrite.config parsing', () => {
  it('splits words on white space and keeps quoted words whole', () => {
    expect(tokenize('  RewriteCond  %{HTTP:X}  "a b"   [NC]')).toEqual(['RewriteCond', '%{HTTP:X}', 'a b', '[NC]']);
    expect(tokenize('# comment')).toEqual(['#', 'comment']);
  });

  it('reads rules, conditions, comments and blank lines', () => {
    const config = parse(
      '# c\n\nRewriteCond %{HTTP:X} =1 [OR]\nRewriteCond %{HTTP:Y} =1\nRewriteRule ^/a$ /b [L,R=301]\nRewriteRule ^/c$ - [F]\n',
    );
    expect(config.rules.map((r) => [r.line, r.conditions.length, r.last, r.redirect, r.forbidden, r.substitution === null])).toEqual([
      [5, 2, true, 301, false, false],
      [6, 0, false, 0, true, true],
    ]);
  });

  it.each([
    ['RewriteEngine on', 'SV_ERR_REWRITE_UNKNOWN_DIRECTIVE', 1],
    ['RewriteRule ^/a$', 'SV_ERR_REWRITE_ARGUMENTS', 1],
    ['RewriteRule ^/a$ /b [L] extra', 'SV_ERR_REWRITE_ARGUMENTS', 1],
    ['# ok\nRewriteRule ^/a$ /b [l]', 'SV_ERR_REWRITE_UNKNOWN_FLAG', 2],
    ['RewriteRule ^/a$ /b [Last]', 'SV_ERR_REWRITE_UNKNOWN_FLAG', 1],
    ['RewriteRule ^/a$ /b [L=1]', 'SV_ERR_REWRITE_UNKNOWN_FLAG', 1],
    ['RewriteCond %{HTTP:X} =1 [L]\nRewriteRule ^/a$ /b', 'SV_ERR_REWRITE_UNKNOWN_FLAG', 1],
    ['RewriteRule ^/a$ /b [R=200]', 'SV_ERR_REWRITE_FLAG_VALUE', 1],
    ['RewriteRule ^/a$ /b [S=0]', 'SV_ERR_REWRITE_FLAG_VALUE', 1],
    ['RewriteRule ^/a$ /b [E=novalue]', 'SV_ERR_REWRITE_FLAG_VALUE', 1],
    ['RewriteRule ^/a$ /b [CO=name]', 'SV_ERR_REWRITE_FLAG_VALUE', 1],
    ['RewriteRule ^/a$ /b [T=]', 'SV_ERR_REWRITE_FLAG_VALUE', 1],
    ['RewriteRule ^/a$ http://b/ [P]', 'SV_ERR_REWRITE_PROXY_REFUSED', 1],
    ['RewriteRule ^/a$ http://b/ [proxy]', 'SV_ERR_REWRITE_PROXY_REFUSED', 1],
    ['RewriteRule ^/(a$ /b', 'SV_ERR_REWRITE_PATTERN', 1],
    ['RewriteRule (?=a)b /b', 'SV_ERR_REWRITE_PATTERN', 1],
    ['RewriteCond %{HTTP:X} (a)\\1\nRewriteRule ^/a$ /b', 'SV_ERR_REWRITE_PATTERN', 1],
    ['RewriteRule ^/a$ /b$', 'SV_ERR_REWRITE_SUBSTITUTION', 1],
    ['RewriteRule ^/a$ /b%x', 'SV_ERR_REWRITE_SUBSTITUTION', 1],
    ['RewriteRule ^/a$ /b%{HTTP_HOST', 'SV_ERR_REWRITE_SUBSTITUTION', 1],
    ['RewriteRule ^/a$ /b\\', 'SV_ERR_REWRITE_SUBSTITUTION', 1],
    ['RewriteRule ^/a$ /${nomap:x}', 'SV_ERR_REWRITE_UNKNOWN_MAP', 1],
    ['RewriteRule ^/a$ /%{FOO:x}', 'SV_ERR_REWRITE_VARIABLE_TYPE', 1],
    ['RewriteMap m prg:/bin/cat', 'SV_ERR_REWRITE_MAP_REFUSED', 1],
    ['RewriteMap m dbm:/tmp/x', 'SV_ERR_REWRITE_MAP_REFUSED', 1],
    ['RewriteMap m int:reverse', 'SV_ERR_REWRITE_INTERNAL_MAP', 1],
    ['RewriteMap m txt:missing.txt', 'SV_ERR_REWRITE_MAP_FILE', 1],
    ['RewriteMap m ./no-such-module.js', 'SV_ERR_REWRITE_MAP_MODULE', 1],
    ['RewriteRule ^/a$ /b\n\nRewriteCond %{HTTP:X} =1', 'SV_ERR_REWRITE_DANGLING_CONDITION', 3],
  ])('refuses %j with %s at its line', (text, code, line) => {
    const error = refusal(text);
    expect(error.code).toBe(code);
    if (code !== 'SV_ERR_REWRITE_MAP_FILE_LINE') expect(error.params.line).toBe(line);
    expect(error.message).toContain(`rewrite.config:${line}:`);
  });

  it('a map may be declared after the rule that uses it, as in Tomcat', () => {
    const config = parse('RewriteRule ^/(.*)$ /${up:$1}\nRewriteMap up int:toupper');
    expect(evaluateRule(config.rules[0]!, '/abc', resolver())?.value).toBe('/ABC');
  });

  it('reports server variables it does not know, with their line', () => {
    expect(parse('RewriteCond %{REQUEST_SCHEME} =https\nRewriteRule ^/a$ /b').unknownVariables).toEqual([
      { line: 1, name: 'REQUEST_SCHEME' },
    ]);
  });

  it('QSD wins over QSA', () => {
    const [rule] = parse('RewriteRule ^/a$ /b [QSA,QSD]').rules;
    expect([rule?.qsappend, rule?.qsdiscard]).toEqual([false, true]);
  });

  it('a txt: map line without a value is refused with the map file and its line', () => {
    writeFileSync(join(dir, 'bad.txt'), '# comment\ngood value\nlonely\n');
    const error = refusal('RewriteMap m txt:bad.txt');
    expect([error.code, error.params.mapLine, error.params.text]).toEqual(['SV_ERR_REWRITE_MAP_FILE_LINE', 3, 'lonely']);
  });

  it('a module without lookup() is refused', () => {
    writeFileSync(join(dir, 'no-lookup.js'), 'module.exports = class { get(key) { return key; } };');
    expect(refusal(`RewriteMap m ${join(dir, 'no-lookup.js')}`).code).toBe('SV_ERR_REWRITE_MAP_NO_LOOKUP');
  });
});

describe('rule evaluation', () => {
  it('matches the whole input (Java matches()), case-insensitively with NC', () => {
    expect(apply('RewriteRule ^/a /x', '/ab')).toBeNull();
    expect(apply('RewriteRule /a.* /x', '/a/b')).toBe('/x');
    expect(apply('RewriteRule ^/A/(.*)$ /x/$1 [NC]', '/a/Q')).toBe('/x/Q');
    expect(apply('RewriteRule ^/A/(.*)$ /x/$1', '/a/Q')).toBeNull();
  });

  it('a negated pattern matches what the pattern does not; `-` leaves the URL as it is', () => {
    expect(apply('RewriteRule !^/keep$ /other', '/else')).toBe('/other');
    expect(apply('RewriteRule !^/keep$ /other', '/keep')).toBeNull();
    expect(apply('RewriteRule ^/same$ -', '/same')).toBe('/same');
  });

  it('OR joins a condition to the next; the groups are and-ed (mod_rewrite)', () => {
    const rules = 'RewriteCond %{HTTP:A} =1 [OR]\nRewriteCond %{HTTP:B} =1\nRewriteCond %{HTTP:C} =1\nRewriteRule ^/x$ /y';
    expect(apply(rules, '/x', resolver({ a: '1', c: '1' }))).toBe('/y');
    expect(apply(rules, '/x', resolver({ b: '1', c: '1' }))).toBe('/y');
    expect(apply(rules, '/x', resolver({ a: '1', b: '1' }))).toBeNull();
    expect(apply(rules, '/x', resolver({ c: '1' }))).toBeNull();
  });

  it('lexical, resource and negated conditions', () => {
    const rule = (cond: string): string => `RewriteCond ${cond}\nRewriteRule ^/x$ /y`;
    expect(apply(rule('%{HTTP:V} >5'), '/x', resolver({ v: '6' }))).toBe('/y');
    expect(apply(rule('%{HTTP:V} >5'), '/x', resolver({ v: '10' }))).toBeNull();
    expect(apply(rule('%{HTTP:V} <b'), '/x', resolver({ v: 'a' }))).toBe('/y');
    expect(apply(rule('/exists.txt -f'), '/x')).toBe('/y');
    expect(apply(rule('/missing.txt -f'), '/x')).toBeNull();
    expect(apply(rule('/missing.txt !-f'), '/x')).toBe('/y');
    expect(apply(rule('%{HTTP:V} =Abc [NC]'), '/x', resolver({ v: 'aBC' }))).toBe('/y');
  });

  it('back-references: $N of the rule, %N of the last matching condition (lower-cased under NC)', () => {
    const rules = 'RewriteCond %{HTTP:Host} ^([A-Z]+)\\.example$ [NC]\nRewriteRule ^/(.*)$ /%1/$1';
    expect(apply(rules, '/Page', resolver({ host: 'WWW.example' }))).toBe('/www/Page');
    expect(apply('RewriteRule ^/(a)(b)?$ /$1-$2-$9', '/a')).toBe('/a--');
  });

  it('variables, maps with defaults and nested keys, escapes, and the B flag', () => {
    writeFileSync(join(dir, 'people.txt'), 'ann Ann Smith\n');
    const using = resolver({}, { HTTP_HOST: 'h' });
    expect(apply('RewriteRule ^/(.*)$ /%{HTTP_HOST}/%{REMOTE_USER}/$1', '/p', using)).toBe('/h//p');
    expect(apply('RewriteMap p txt:people.txt\nRewriteRule ^/(.*)$ /${p:$1|nobody}', '/ann')).toBe('/Ann Smith');
    expect(apply('RewriteMap p txt:people.txt\nRewriteRule ^/(.*)$ /${p:$1|no-%{HTTP_HOST}}', '/zoe', using)).toBe('/no-h');
    expect(apply('RewriteMap u int:toupper\nRewriteRule ^/(.*)$ /${u:%{HTTP_HOST}-$1}', '/x', using)).toBe('/H-X');
    expect(apply('RewriteRule ^/(.*)$ /\\$1\\%2', '/x')).toBe('/$1%2');
    expect(apply('RewriteRule ^/(.*)$ /b?v=$1 [B]', '/a b&c')).toBe('/b?v=a%20b&c');
  });

  it('E and CO values are substitutions too', () => {
    const [rule] = parse('RewriteRule ^/(.*)$ - [E=who:$1,CO=c:v-$1:example.com:60:/:true:true]').rules;
    const result = evaluateRule(rule!, '/me', resolver());
    expect(result?.env).toEqual([['who', 'me']]);
    expect(result?.cookieValue).toBe('v-me');
    expect(rule?.cookie).toMatchObject({ name: 'c', domain: 'example.com', maxAge: 60, path: '/', secure: true, httpOnly: true });
  });

  it('int: and rnd: maps', () => {
    writeFileSync(join(dir, 'choices.txt'), 'k a|b|c\n');
    const values = new Set<string>();
    const rules = 'RewriteMap r rnd:choices.txt\nRewriteRule ^/(.*)$ /${r:$1}';
    for (let i = 0; i < 200; i++) values.add(apply(rules, '/k') ?? '');
    expect([...values].sort()).toEqual(['/a', '/b', '/c']);
    expect(apply('RewriteMap e int:escape\nRewriteRule ^/(.*)$ /${e:$1}', '/a b%')).toBe('/a%20b%25');
    expect(apply('RewriteMap e int:unescape\nRewriteRule ^/(.*)$ /${e:$1}', '/a%20b')).toBe('/a b');
  });
});

describe("Tomcat's rewrite encoders", () => {
  it('the path encoder keeps pchar and %, the query encoder the form set', () => {
    expect(encodeRewritePath("/a b/é;x=1:@!$&'()*+,~%41")).toBe("/a%20b/%C3%A9;x=1:@!$&'()*+,~%41");
    expect(encodeRewriteQuery('a b=1&c/d?e%41')).toBe('a+b=1&c%2Fd%3Fe%41');
  });

  it('rules see literal %, ; and ? in %nn form', () => {
    expect(encodeForRewrite('/50%;a?b')).toBe('/50%25%3Ba%3Fb');
    expect(encodeForRewrite('/plain')).toBe('/plain');
  });

  it('decoding never fails: a stray % stays, invalid UTF-8 becomes U+FFFD', () => {
    expect(decodePercent('/a%20b%zz%')).toBe('/a b%zz%');
    expect(decodePercent('%C3%A9%FF')).toBe('é\uFFFD');
  });
});
