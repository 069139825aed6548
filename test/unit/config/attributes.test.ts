import { describe, expect, it } from 'vitest';
import { attributeOwners, attributesOf, attributeTable, type AttributeSpec } from '../../../src/config/attributes.js';
import { convertAttribute } from '../../../src/config/config-validator.js';
import { implementedValves } from '../../../src/config/element-schema.js';

function spec(owner: string, name: string): AttributeSpec {
  const found = attributesOf(owner).find((s) => s.name === name);
  if (!found) throw new Error(`no ${owner}.${name}`);
  return found;
}

describe('attribute table', () => {
  it('is frozen, entries included', () => {
    expect(Object.isFrozen(attributeTable)).toBe(true);
    expect(attributeTable.every((s) => Object.isFrozen(s))).toBe(true);
    expect(() => (attributeTable as AttributeSpec[]).push(attributeTable[0]!)).toThrow();
  });

  it('declares each attribute once per owner, with a doc sentence', () => {
    const keys = attributeTable.map((s) => `${s.owner}.${s.name}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const s of attributeTable) expect(s.doc, `${s.owner}.${s.name}`).toMatch(/^\S.*\.$/);
  });

  it('has defaults that pass their own validation', () => {
    for (const s of attributeTable) {
      for (const value of [s.default, s.ajpDefault]) {
        if (value === undefined) continue;
        expect(convertAttribute(s, String(value)).ok, `${s.owner}.${s.name}=${String(value)}`).toBe(true);
      }
    }
  });

  it('never makes a required attribute default, tomcat-only, or inherited', () => {
    for (const s of attributeTable.filter((x) => x.required === true)) {
      expect(s.default, s.name).toBeUndefined();
      expect(s.tomcatOnly, s.name).toBeUndefined();
      expect(s.inherits, s.name).toBeUndefined();
    }
  });

  it('points every inherits at an attribute of the same owner and type', () => {
    const inheriting = attributeTable.filter((s) => s.inherits !== undefined);
    expect(inheriting.map((s) => s.name)).toContain('keepAliveTimeout');
    for (const s of inheriting) expect(spec(s.owner, s.inherits!).type).toBe(s.type);
  });

  it('covers every implemented valve', () => {
    for (const owner of implementedValves.values()) expect(attributeOwners()).toContain(owner);
  });

  it('records Tomcat 10.1 defaults and units', () => {
    expect(spec('Connector', 'connectionTimeout')).toMatchObject({ default: 60000, ajpDefault: -1, unit: 'ms', unlimited: -1 });
    expect(spec('Connector', 'maxParameterCount').default).toBe(10000);
    expect(spec('Connector', 'maxConnections')).toMatchObject({ default: 8192, unlimited: -1 });
    expect(spec('Connector', 'port')).toMatchObject({ required: true, min: 0, max: 65535 });
    expect(spec('Connector', 'SSLEnabled')).toMatchObject({ default: false, protocol: 'http11' });
    expect(spec('Connector', 'useVirtualThreads').tomcatOnly).toBe(true);
    expect(spec('SSLHostConfig', 'ciphers').default).toBe('HIGH:!aNULL:!eNULL:!EXPORT:!DES:!RC4:!MD5:!kRSA');
    expect(spec('SSLHostConfig', 'sessionTimeout')).toMatchObject({ default: 86400, unit: 's' });
    expect(spec('Engine', 'backgroundProcessorDelay')).toMatchObject({ default: 10, unit: 's' });
    expect(spec('Host', 'backgroundProcessorDelay').default).toBe(-1);
    expect(spec('Server', 'shutdown').required).toBe(true);
    expect(spec('Valve:AccessLogValve', 'fileDateFormat').default).toBe('.yyyy-MM-dd');
  });
});

describe('convertAttribute', () => {
  it('converts integers within bounds and maps the unlimited value to Infinity', () => {
    const maxConnections = spec('Connector', 'maxConnections');
    expect(convertAttribute(maxConnections, '10')).toEqual({ ok: true, value: 10 });
    expect(convertAttribute(maxConnections, '-1')).toEqual({ ok: true, value: Infinity });
    expect(convertAttribute(maxConnections, '+7')).toEqual({ ok: true, value: 7 });
    for (const bad of ['0', '-2', '1.5', '', ' 5', '0x10', '1e3', '2147483648', '99999999999999999999']) {
      expect(convertAttribute(maxConnections, bad).ok, bad).toBe(false);
    }
  });

  it('accepts exact bounds only', () => {
    const port = spec('Connector', 'port');
    expect(convertAttribute(port, '0').ok).toBe(true);
    expect(convertAttribute(port, '65535').ok).toBe(true);
    expect(convertAttribute(port, '65536')).toEqual({ ok: false, allowed: 'an integer from 0 to 65535' });
    expect(convertAttribute(port, '-1').ok).toBe(false);
    const serverPort = spec('Server', 'port');
    expect(convertAttribute(serverPort, '-1')).toEqual({ ok: true, value: -1 });
  });

  it('converts booleans, enums, paths, regexes and strings', () => {
    expect(convertAttribute(spec('Connector', 'secure'), 'False')).toEqual({ ok: true, value: false });
    expect(convertAttribute(spec('Connector', 'secure'), '1')).toEqual({ ok: false, allowed: 'true or false' });
    expect(convertAttribute(spec('Connector', 'encodedSolidusHandling'), 'PASSTHROUGH')).toEqual({ ok: true, value: 'passthrough' });
    expect(convertAttribute(spec('Host', 'appBase'), '')).toEqual({ ok: false, allowed: 'a non-empty path' });
    expect(convertAttribute(spec('Host', 'deployIgnore'), '^\\.git$')).toEqual({ ok: true, value: '^\\.git$' });
    expect(convertAttribute(spec('Host', 'deployIgnore'), '[')).toMatchObject({ ok: false });
    expect(convertAttribute(spec('Connector', 'server'), '')).toEqual({ ok: true, value: '' });
  });
});
