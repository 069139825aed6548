import { describe, expect, it } from 'vitest';
import { ContainerError } from '../../../src/errors/container-error.js';
import { sessionType } from '../../../src/servlet/session-type.js';
import { checkStorable, decodeSession, encodeSession, MAX_VALUE_DEPTH, SessionTypes } from '../../../src/session/session-format.js';
import type { SessionSnapshot } from '../../../src/session/session-snapshot.js';

class Cart {
  constructor(readonly items: string[]) {}
  total(): number {
    return this.items.length;
  }
}
class Unregistered {
  x = 1;
}

const cartType = sessionType({
  name: 'shop.Cart',
  type: Cart,
  save: (cart: Cart) => cart.items,
  restore: (items: string[]) => new Cart(items),
});

function session(attributes: Record<string, unknown>, notes: Record<string, unknown> = {}): SessionSnapshot {
  return {
    id: 'ABC123',
    creationTime: 1_700_000_000_000,
    lastAccessedTime: 1_700_000_100_000,
    maxInactiveInterval: 1800,
    isNew: false,
    attributes: Object.entries(attributes),
    notes: Object.entries(notes),
  };
}

function roundTrip(value: unknown, types = new SessionTypes()): unknown {
  const text = encodeSession(session({ v: value }), types);
  return decodeSession(text, types, 'test').attributes[0]?.[1];
}

describe('stored session format (version 1)', () => {
  it('round-trips plain data, Dates, Maps, Sets, Buffers, ArrayBuffers and typed arrays', () => {
    const value = {
      s: 'text',
      n: 42.5,
      odd: [NaN, Infinity, -Infinity, -0],
      b: true,
      nil: null,
      undef: undefined,
      big: 12345678901234567890n,
      date: new Date(1_700_000_000_123),
      invalid: new Date(NaN),
      map: new Map<unknown, unknown>([
        ['a', 1],
        [2, { deep: [new Set([1, 'two'])] }],
      ]),
      set: new Set(['x', 3]),
      buffer: Buffer.from('héllo'),
      arrayBuffer: new Uint8Array([1, 2, 3]).buffer,
      u16: new Uint16Array([1, 65535]),
      f64: new Float64Array([Math.PI]),
      i64: new BigInt64Array([-5n]),
      sliced: new Uint8Array([9, 8, 7, 6]).subarray(1, 3),
      nested: { list: [1, [2, [3]]] },
    };
    const back = roundTrip(value) as typeof value;
    expect(back).toEqual(value);
    expect(Object.is(back.odd[3], -0)).toBe(true);
    expect(back.date).toBeInstanceOf(Date);
    expect(Buffer.isBuffer(back.buffer)).toBe(true);
    expect(back.u16).toBeInstanceOf(Uint16Array);
    expect(Array.from(back.sliced)).toEqual([8, 7]);
  });

  it('keeps the session fields and the notes', () => {
    const stored = session({ a: 1 }, { 'org.apache.catalina.authenticator.PRINCIPAL': { name: 'bob', roles: ['x'] } });
    const back = decodeSession(encodeSession(stored, new SessionTypes()), new SessionTypes(), 'test');
    expect(back).toEqual(stored);
  });

  it('rebuilds a registered class through its SessionType, and only through it', () => {
    const types = new SessionTypes();
    types.register(cartType);
    const back = roundTrip({ cart: new Cart(['apple', 'pear']) }, types) as { cart: Cart };
    expect(back.cart).toBeInstanceOf(Cart);
    expect(back.cart.total()).toBe(2);
  });

  it('leaves out what cannot be stored, saying which attribute and class, and keeps the rest', () => {
    const skipped: string[] = [];
    const selfish: Record<string, unknown> = {};
    selfish['me'] = selfish;
    const text = encodeSession(
      session({ ok: 1, obj: new Unregistered(), fn: () => 1, sym: Symbol('s'), loop: selfish, nested: { inner: new Unregistered() } }),
      new SessionTypes(),
      (name, why) => skipped.push(`${name}: ${why.className}: ${why.reason}`),
    );
    expect(skipped).toEqual([
      'obj: Unregistered: it is an instance of a class no SessionType registers',
      'fn: fn: it is a function',
      'sym: Symbol: it is a symbol',
      'loop: Object: it refers to itself',
      'nested: Unregistered: it is an instance of a class no SessionType registers',
    ]);
    expect(decodeSession(text, new SessionTypes(), 'test').attributes).toEqual([['ok', 1]]);
  });

  it('stores a value shared twice (not a cycle) once per use', () => {
    const shared = { a: 1 };
    expect(roundTrip([shared, shared])).toEqual([{ a: 1 }, { a: 1 }]);
  });

  it('checkStorable answers the distributable check without storing', () => {
    expect(checkStorable({ a: [1, new Date()] }, new SessionTypes())).toBeNull();
    expect(checkStorable(new Unregistered(), new SessionTypes())).toEqual({
      className: 'Unregistered',
      reason: 'it is an instance of a class no SessionType registers',
    });
    let deep: unknown = 1;
    for (let i = 0; i < MAX_VALUE_DEPTH + 1; i++) deep = [deep];
    expect(checkStorable(deep, new SessionTypes())).toMatchObject({ reason: 'it nests deeper than the limit' });
  });

  it('a stored __proto__ key stays a key: decoding never sets a prototype', () => {
    const text = JSON.stringify({
      format: 'serval-session',
      version: 1,
      id: 'X',
      creationTime: 1,
      lastAccessedTime: 1,
      maxInactiveInterval: 1,
      isNew: false,
      attributes: [['a', { $: 'object', v: [['__proto__', { $: 'object', v: [['polluted', true]] }]] }]],
      notes: [],
    });
    const back = decodeSession(text, new SessionTypes(), 'test').attributes[0]![1] as Record<string, unknown>;
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
    expect(Object.hasOwn(back, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('an attribute of a SessionType the application no longer registers is left out with its type name', () => {
    const types = new SessionTypes();
    types.register(cartType);
    const text = encodeSession(session({ cart: new Cart(['a']), n: 1 }), types);
    const skipped: string[] = [];
    const back = decodeSession(text, new SessionTypes(), 'test', (name, type) => skipped.push(`${name}:${type}`));
    expect(skipped).toEqual(['cart:shop.Cart']);
    expect(back.attributes).toEqual([['n', 1]]);
  });

  it('refuses whole, with a coded error, what is not a version-1 session or is malformed', () => {
    const valid = JSON.parse(encodeSession(session({ a: 1 }), new SessionTypes())) as Record<string, unknown>;
    const cases: Array<[string, string]> = [
      ['{not json', 'SV_ERR_SESSION_FORMAT_NOT_JSON'],
      ['', 'SV_ERR_SESSION_FORMAT_NOT_JSON'],
      [JSON.stringify({ ...valid, version: 2 }), 'SV_ERR_SESSION_FORMAT_VERSION'],
      [JSON.stringify({ ...valid, format: 'java' }), 'SV_ERR_SESSION_FORMAT_VERSION'],
      ['[]', 'SV_ERR_SESSION_FORMAT_VERSION'],
      [JSON.stringify({ ...valid, id: 5 }), 'SV_ERR_SESSION_FORMAT_MALFORMED'],
      [JSON.stringify({ ...valid, attributes: {} }), 'SV_ERR_SESSION_FORMAT_MALFORMED'],
      [JSON.stringify({ ...valid, attributes: [['a', { $: 'function', v: 'return process' }]] }), 'SV_ERR_SESSION_FORMAT_MALFORMED'],
      [JSON.stringify({ ...valid, attributes: [['a', { $: 'bigint', v: '1e5' }]] }), 'SV_ERR_SESSION_FORMAT_MALFORMED'],
      [JSON.stringify({ ...valid, attributes: [['a', { $: 'Float64Array', v: 'AAE=' }]] }), 'SV_ERR_SESSION_FORMAT_MALFORMED'],
      [JSON.stringify({ ...valid, attributes: [['a', { $: 'Buffer', v: '!!' }]] }), 'SV_ERR_SESSION_FORMAT_MALFORMED'],
      [JSON.stringify({ ...valid, attributes: [['a', { v: 1 }]] }), 'SV_ERR_SESSION_FORMAT_MALFORMED'],
      [
        JSON.stringify({ ...valid, attributes: [['a', '['.repeat(MAX_VALUE_DEPTH + 2)]] }).replace(
          /"(\[+)"/,
          (_, b: string) => b + ']'.repeat(b.length),
        ),
        'SV_ERR_SESSION_FORMAT_MALFORMED',
      ],
    ];
    for (const [text, code] of cases) {
      let thrown: unknown;
      try {
        decodeSession(text, new SessionTypes(), 'sessions/X.session');
      } catch (error) {
        thrown = error;
      }
      expect(thrown, text.slice(0, 80)).toBeInstanceOf(ContainerError);
      expect((thrown as ContainerError).code, text.slice(0, 80)).toBe(code);
    }
  });

  it('fuzz: any mutation of a stored session either decodes to data or is refused with a coded error', () => {
    const types = new SessionTypes();
    types.register(cartType);
    const text = encodeSession(
      session({ a: { m: new Map([[1, new Set([2])]]), d: new Date(0), b: Buffer.from('x'), c: new Cart(['q']), u: new Uint32Array([7]) } }),
      types,
    );
    let seed = 12345;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const alphabet = '{}[]",:$0123456789abcdefvtnulr-. \\';
    for (let round = 0; round < 3000; round++) {
      const chars = [...text];
      for (let edits = 1 + random(4); edits > 0; edits--) {
        const at = random(chars.length);
        const kind = random(3);
        if (kind === 0) chars[at] = alphabet[random(alphabet.length)]!;
        else if (kind === 1) chars.splice(at, 1);
        else chars.splice(at, 0, alphabet[random(alphabet.length)]!);
      }
      try {
        decodeSession(chars.join(''), types, 'fuzz');
      } catch (error) {
        expect(error).toBeInstanceOf(ContainerError);
      }
    }
  });
});
