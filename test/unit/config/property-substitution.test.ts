import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseJavaProperties, PropertySource, substituteProperties } from '../../../src/config/property-substitution.js';

const lookup = (name: string): string | undefined => (({ a: 'A', empty: '', loop: '${loop}' }) as Record<string, string>)[name];

describe('substituteProperties', () => {
  const cases: [string, string][] = [
    ['plain', 'plain'],
    ['${a}', 'A'],
    ['x${a}y${a}z', 'xAyAz'],
    ['${empty}', ''],
    ['${missing:-fallback}', 'fallback'],
    ['${missing:-}', ''],
    ['${a:-fallback}', 'A'],
    ['${empty:-fallback}', ''],
    ['${missing:-a:-b}', 'a:-b'],
    ['$a and $', '$a and $'],
    ['${unclosed', '${unclosed'],
    ['${loop}', '${loop}'],
  ];
  for (const [input, expected] of cases) {
    it(`${input} → ${expected}`, () => expect(substituteProperties(input, lookup)).toEqual({ ok: true, value: expected }));
  }
  it('names the first undefined property', () => {
    expect(substituteProperties('${a}/${nope}/${other}', lookup)).toEqual({ ok: false, undefinedProperty: 'nope' });
  });
});

describe('parseJavaProperties', () => {
  it('reads the forms catalina.properties uses', () => {
    const text = [
      '# comment',
      '! also a comment',
      'a=1',
      '  b : 2',
      'c 3',
      'list=one,\\',
      '     two,\\',
      '     three',
      'escaped\\=key=v\\tw',
      'unicode=\\u0041',
      'empty=',
      'trailing=x\\\\',
      '',
    ].join('\n');
    expect(Object.fromEntries(parseJavaProperties(text))).toEqual({
      a: '1',
      b: '2',
      c: '3',
      list: 'one,two,three',
      'escaped=key': 'v\tw',
      unicode: 'A',
      empty: '',
      trailing: 'x\\',
    });
  });
});

describe('PropertySource', () => {
  const base = mkdtempSync(join(tmpdir(), 'serval-props-'));
  afterAll(() => rmSync(base, { recursive: true, force: true }));
  mkdirSync(join(base, 'conf'));
  writeFileSync(join(base, 'conf', 'catalina.properties'), 'from.file=file\nshared=file\ncatalina.base=/wrong\n');

  it('layers catalina.properties, caller properties, catalina.base/home and env', () => {
    const source = new PropertySource({ catalinaHome: '/home', catalinaBase: base, properties: { shared: 'caller' }, env: { PORT: '9' } });
    expect(source.get('from.file')).toBe('file');
    expect(source.get('shared')).toBe('caller');
    expect(source.get('catalina.base')).toBe(base);
    expect(source.get('catalina.home')).toBe('/home');
    expect(source.get('env.PORT')).toBe('9');
    expect(source.get('env.NOPE')).toBeUndefined();
    expect(source.get('user.dir')).toBe(process.cwd());
    expect(source.substitute('${catalina.base}/conf:${env.PORT}')).toEqual({ ok: true, value: `${base}/conf:9` });
  });

  it('works without a catalina.properties file', () => {
    const source = new PropertySource({ catalinaHome: '/h', catalinaBase: join(base, 'none'), env: {} });
    expect(source.get('from.file')).toBeUndefined();
    expect(source.substitute('${from.file}')).toEqual({ ok: false, undefinedProperty: 'from.file' });
  });
});
