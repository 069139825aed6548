/**
 * Serval's stored session format, version 1: what is written when sessions outlive the process that holds them
 * (a restart with the Manager's `pathname`, a reload, a swap to a Store, a shared store between instances).
 * docs/session-format.md describes it for anyone who reads or writes it outside Serval.
 *
 * It is JSON text, so any Node version reads what any other wrote (v8.serialize's format belongs to the V8
 * that wrote it, and a cluster is upgraded one instance at a time). It carries data, never code: decoding builds
 * plain values, and an application's class is rebuilt only through a SessionType the application registered
 * (servlet/session-type.ts). Java serialisation, which rebuilds any class a stored stream names, is what made
 * CVE-2020-9484 possible; nothing a stored session says can choose which code runs here.
 *
 * Values: a string, a boolean, null and a finite number other than -0 are themselves; an array is a JSON array
 * of encoded values; everything else is an object `{"$": tag, …}` (a plain object is tagged too, so no stored
 * object is ever mistaken for a tag). Shared references are stored once per use; a value that refers to itself
 * cannot be stored.
 */
import { ContainerError } from '../errors/container-error.js';
import type { SessionType } from '../servlet/session-type.js';
import type { SessionSnapshot } from './session-snapshot.js';

export const SESSION_FORMAT = 'serval-session';
export const SESSION_FORMAT_VERSION = 1;

/** Deeper values are not stored (and a deeper stored value is refused): bounds recursion on crafted input. */
export const MAX_VALUE_DEPTH = 200;

/** Why a value cannot be stored (Tomcat skips a non-Serializable attribute; with `<distributable/>` setAttribute throws). */
export type NotStorableReason =
  | 'it is an instance of a class no SessionType registers'
  | 'it refers to itself'
  | 'it is a function'
  | 'it is a symbol'
  | 'it nests deeper than the limit'
  | 'its class is not allowed by sessionAttributeValueClassNameFilter';

export interface NotStorable {
  /** The constructor name of the value (or of the part of it) that cannot be stored. */
  readonly className: string;
  readonly reason: NotStorableReason;
}

/** The SessionTypes of one application, looked up by class (to store) and by name (to restore). */
export class SessionTypes {
  readonly #byName = new Map<string, SessionType>();

  /** Registers a type; a second type under the same name replaces the first (a reloaded application's). */
  register(type: SessionType): void {
    this.#byName.set(type.name, type);
  }

  typeOf(value: object): SessionType | undefined {
    for (const type of this.#byName.values()) if (value instanceof type.type) return type;
    return undefined;
  }

  named(name: string): SessionType | undefined {
    return this.#byName.get(name);
  }
}

const TYPED_ARRAYS = {
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  Float32Array,
  Float64Array,
  BigInt64Array,
  BigUint64Array,
} as const;
type TypedArrayName = keyof typeof TYPED_ARRAYS;

type Encoded = string | number | boolean | null | Encoded[] | { readonly $: string; readonly [key: string]: unknown };

const NOT_STORABLE_REASONS: readonly NotStorableReason[] = [
  'it is an instance of a class no SessionType registers',
  'it refers to itself',
  'it is a function',
  'it is a symbol',
  'it nests deeper than the limit',
  'its class is not allowed by sessionAttributeValueClassNameFilter',
];

function unstorable(detail: NotStorable): ContainerError {
  return new ContainerError('SV_ERR_SESSION_VALUE_NOT_STORABLE', detail);
}

/** The NotStorable an encoding error carries, or null when it is another error. */
function notStorableOf(error: unknown): NotStorable | null {
  if (!(error instanceof ContainerError) || error.code !== 'SV_ERR_SESSION_VALUE_NOT_STORABLE') return null;
  const { className, reason } = error.params as { className: string; reason: NotStorableReason };
  return NOT_STORABLE_REASONS.includes(reason) ? { className, reason } : null;
}

/** Whether `value` can be stored, and if not, why (for the distributable check and the skip warning). */
export function checkStorable(value: unknown, types: SessionTypes): NotStorable | null {
  try {
    encodeValue(value, { types, allowClass: undefined }, new Set(), 0);
    return null;
  } catch (error) {
    const why = notStorableOf(error);
    if (why === null) throw error;
    return why;
  }
}

/**
 * The session as stored text. An attribute (or note) that cannot be stored is left out and reported through
 * `skipped`, as Tomcat leaves out and logs a non-Serializable attribute.
 */
export function encodeSession(
  session: SessionSnapshot,
  types: SessionTypes,
  skipped: (name: string, why: NotStorable) => void = () => {},
  options: { readonly allowClass?: ((className: string) => boolean) | undefined } = {},
): string {
  const encoder: Encoder = { types, allowClass: options.allowClass };
  const pairs = (entries: SessionSnapshot['attributes']): [string, Encoded][] => {
    const out: [string, Encoded][] = [];
    for (const [name, value] of entries) {
      try {
        out.push([name, encodeValue(value, encoder, new Set(), 0)]);
      } catch (error) {
        const why = notStorableOf(error);
        if (why === null) throw error;
        skipped(name, why);
      }
    }
    return out;
  };
  return JSON.stringify({
    format: SESSION_FORMAT,
    version: SESSION_FORMAT_VERSION,
    id: session.id,
    creationTime: session.creationTime,
    lastAccessedTime: session.lastAccessedTime,
    maxInactiveInterval: session.maxInactiveInterval,
    isNew: session.isNew,
    attributes: pairs(session.attributes),
    notes: pairs(session.notes),
  });
}

/**
 * Reads stored text back. `source` names it in errors (a file, a row, a key). Malformed text is a coded error,
 * never a partial session; an attribute whose type the application no longer registers is left out and reported
 * through `skipped` (its class name is the stored type name).
 */
export function decodeSession(
  text: string,
  types: SessionTypes,
  source: string,
  skipped: (name: string, typeName: string) => void = () => {},
): SessionSnapshot {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ContainerError('SV_ERR_SESSION_FORMAT_NOT_JSON', { source, detail: (error as Error).message });
  }
  if (!isRecord(parsed) || parsed['format'] !== SESSION_FORMAT || parsed['version'] !== SESSION_FORMAT_VERSION) {
    const format = isRecord(parsed) ? String(parsed['format']) : typeof parsed;
    const version = isRecord(parsed) ? String(parsed['version']) : '';
    throw new ContainerError('SV_ERR_SESSION_FORMAT_VERSION', { source, format, version });
  }
  const { id, creationTime, lastAccessedTime, maxInactiveInterval, isNew } = parsed;
  if (
    typeof id !== 'string' ||
    typeof creationTime !== 'number' ||
    typeof lastAccessedTime !== 'number' ||
    typeof maxInactiveInterval !== 'number' ||
    typeof isNew !== 'boolean'
  ) {
    throw malformed(source, 'session', 'a missing or invalid session field');
  }
  const pairs = (field: 'attributes' | 'notes'): [string, unknown][] => {
    const list = parsed[field];
    if (!Array.isArray(list)) throw malformed(source, field, 'a missing or invalid session field');
    const out: [string, unknown][] = [];
    for (const entry of list as unknown[]) {
      if (!Array.isArray(entry) || entry.length !== 2 || typeof entry[0] !== 'string')
        throw malformed(source, field, 'a missing or invalid session field');
      const name = entry[0];
      try {
        out.push([name, decodeValue(entry[1], types, source, `${field}.${name}`, 0)]);
      } catch (error) {
        if (!(error instanceof ContainerError) || error.code !== 'SV_ERR_SESSION_TYPE_NOT_REGISTERED') throw error;
        skipped(name, String(error.params['type']));
      }
    }
    return out;
  };
  return { id, creationTime, lastAccessedTime, maxInactiveInterval, isNew, attributes: pairs('attributes'), notes: pairs('notes') };
}

interface Encoder {
  readonly types: SessionTypes;
  /** sessionAttributeValueClassNameFilter: whether an object of this constructor name may be stored. */
  readonly allowClass: ((className: string) => boolean) | undefined;
}

function encodeValue(value: unknown, encoder: Encoder, path: Set<object>, depth: number): Encoded {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      if (Object.is(value, -0)) return { $: 'number', v: '-0' };
      return Number.isFinite(value) ? value : { $: 'number', v: String(value) };
    case 'bigint':
      return { $: 'bigint', v: value.toString() };
    case 'undefined':
      return { $: 'undefined' };
    case 'function':
      throw unstorable({ className: value.name || 'Function', reason: 'it is a function' });
    case 'symbol':
      throw unstorable({ className: 'Symbol', reason: 'it is a symbol' });
    case 'object':
      break;
  }
  if (value === null) return null;
  const object: object = value;
  if (depth >= MAX_VALUE_DEPTH) throw unstorable({ className: classNameOf(object), reason: 'it nests deeper than the limit' });
  if (path.has(object)) throw unstorable({ className: classNameOf(object), reason: 'it refers to itself' });
  if (encoder.allowClass !== undefined && !encoder.allowClass(classNameOf(object)))
    throw unstorable({ className: classNameOf(object), reason: 'its class is not allowed by sessionAttributeValueClassNameFilter' });
  path.add(object);
  try {
    return encodeObject(object, encoder, path, depth + 1);
  } finally {
    path.delete(object);
  }
}

function encodeObject(object: object, encoder: Encoder, path: Set<object>, depth: number): Encoded {
  const inner = (v: unknown): Encoded => encodeValue(v, encoder, path, depth);
  if (Array.isArray(object)) return Array.from(object as unknown[], inner);
  const proto: unknown = Object.getPrototypeOf(object);
  if (proto === Object.prototype || proto === null) {
    const entries = Object.keys(object).map((key) => [key, inner((object as Record<string, unknown>)[key])] as const);
    return proto === null ? { $: 'object', null: true, v: entries } : { $: 'object', v: entries };
  }
  if (object instanceof Date) return { $: 'date', v: Number.isNaN(object.getTime()) ? null : object.getTime() };
  if (object instanceof Map) return { $: 'map', v: Array.from(object, ([k, v]) => [inner(k), inner(v)]) };
  if (object instanceof Set) return { $: 'set', v: Array.from(object, inner) };
  if (Buffer.isBuffer(object)) return { $: 'Buffer', v: object.toString('base64') };
  if (object instanceof ArrayBuffer) return { $: 'ArrayBuffer', v: Buffer.from(object).toString('base64') };
  if (ArrayBuffer.isView(object) && !(object instanceof DataView)) {
    const bytes = Buffer.from(object.buffer, object.byteOffset, object.byteLength);
    const type: unknown = object.constructor;
    const name = (type as { name: string }).name;
    if (Object.hasOwn(TYPED_ARRAYS, name) && type === TYPED_ARRAYS[name as TypedArrayName]) return { $: name, v: bytes.toString('base64') };
  }
  const type = encoder.types.typeOf(object);
  if (type !== undefined) return { $: 'type', name: type.name, v: inner(type.save(object)) };
  throw unstorable({ className: classNameOf(object), reason: 'it is an instance of a class no SessionType registers' });
}

function decodeValue(encoded: unknown, types: SessionTypes, source: string, where: string, depth: number): unknown {
  if (encoded === null || typeof encoded === 'string' || typeof encoded === 'boolean' || typeof encoded === 'number') return encoded;
  if (depth >= MAX_VALUE_DEPTH) throw malformed(source, where, 'nesting deeper than the limit');
  const inner = (v: unknown): unknown => decodeValue(v, types, source, where, depth + 1);
  if (Array.isArray(encoded)) return encoded.map(inner);
  if (!isRecord(encoded) || typeof encoded.$ !== 'string') throw malformed(source, where, 'a value of the wrong shape');
  const v = encoded['v'];
  const tag = encoded.$;
  switch (tag) {
    case 'object': {
      if (!Array.isArray(v)) throw malformed(source, where, 'a value of the wrong shape');
      // Own data properties only (defineProperty): a stored `__proto__` key is a key, never a prototype.
      const out: Record<string, unknown> = encoded['null'] === true ? (Object.create(null) as Record<string, unknown>) : {};
      for (const entry of v as unknown[]) {
        if (!Array.isArray(entry) || entry.length !== 2 || typeof entry[0] !== 'string')
          throw malformed(source, where, 'a value of the wrong shape');
        Object.defineProperty(out, entry[0], { value: inner(entry[1]), enumerable: true, writable: true, configurable: true });
      }
      return out;
    }
    case 'number':
      if (v === 'NaN' || v === 'Infinity' || v === '-Infinity' || v === '-0') return Number(v);
      throw malformed(source, where, 'a value of the wrong shape');
    case 'bigint':
      if (typeof v === 'string' && /^-?\d{1,10000}$/.test(v)) return BigInt(v);
      throw malformed(source, where, 'a value of the wrong shape');
    case 'undefined':
      return undefined;
    case 'date':
      if (v === null) return new Date(NaN);
      if (typeof v === 'number') return new Date(v);
      throw malformed(source, where, 'a value of the wrong shape');
    case 'map': {
      if (!Array.isArray(v)) throw malformed(source, where, 'a value of the wrong shape');
      const map = new Map<unknown, unknown>();
      for (const entry of v as unknown[]) {
        if (!Array.isArray(entry) || entry.length !== 2) throw malformed(source, where, 'a value of the wrong shape');
        map.set(inner(entry[0]), inner(entry[1]));
      }
      return map;
    }
    case 'set':
      if (!Array.isArray(v)) throw malformed(source, where, 'a value of the wrong shape');
      return new Set((v as unknown[]).map(inner));
    case 'Buffer':
      return Buffer.from(base64(v, source, where), 'base64');
    case 'ArrayBuffer': {
      const bytes = Buffer.from(base64(v, source, where), 'base64');
      return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    }
    case 'type': {
      const name = encoded['name'];
      if (typeof name !== 'string') throw malformed(source, where, 'a value of the wrong shape');
      const type = types.named(name);
      if (type === undefined) throw new ContainerError('SV_ERR_SESSION_TYPE_NOT_REGISTERED', { source, type: name });
      return type.restore(inner(v));
    }
    default: {
      if (!Object.hasOwn(TYPED_ARRAYS, tag)) throw malformed(source, where, 'an unknown value tag');
      const View = TYPED_ARRAYS[tag as TypedArrayName];
      const bytes = Buffer.from(base64(v, source, where), 'base64');
      if (bytes.byteLength % View.BYTES_PER_ELEMENT !== 0) throw malformed(source, where, 'a value of the wrong shape');
      // A copy at offset 0, so the element alignment the view needs holds.
      const copy = new ArrayBuffer(bytes.byteLength);
      new Uint8Array(copy).set(bytes);
      return new View(copy);
    }
  }
}

function base64(value: unknown, source: string, where: string): string {
  if (typeof value !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(value)) throw malformed(source, where, 'a value of the wrong shape');
  return value;
}

function malformed(
  source: string,
  path: string,
  reason: 'an unknown value tag' | 'a value of the wrong shape' | 'nesting deeper than the limit' | 'a missing or invalid session field',
): ContainerError {
  return new ContainerError('SV_ERR_SESSION_FORMAT_MALFORMED', { source, path, reason });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The constructor name of a value (`Object` for a null-prototype object, the typeof of a primitive). */
export function classNameOf(value: unknown): string {
  if (typeof value !== 'object' || value === null) return value === null ? 'null' : typeof value;
  const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === 'string' && name !== '' ? name : 'Object';
}
