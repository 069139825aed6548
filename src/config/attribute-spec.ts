/**
 * What a declared attribute is (AttributeSpec), the builders that declare them keeping their names and types
 * as literal types, and the mapped type (TypedValues) that turns a table of them into the typed object it
 * configures. Shared by the server.xml attribute table (attributes.ts) and the built-in servlets'
 * init-parameter table (init-parameters.ts).
 */
import type { ParamsOf } from '../errors/codes.js';

export type AttributeValue = string | number | boolean;
/** Why ignoring a Tomcat-only attribute is safe: one of the phrases of SV_ERR_CONFIG_ATTRIBUTE_NOT_IMPLEMENTED. */
export type IgnoredReason = ParamsOf<'SV_ERR_CONFIG_ATTRIBUTE_NOT_IMPLEMENTED'>['reason'];
/** Why a Tomcat-only attribute cannot be ignored: one of the phrases of SV_ERR_CONFIG_ATTRIBUTE_REFUSED. */
export type RefusedReason = ParamsOf<'SV_ERR_CONFIG_ATTRIBUTE_REFUSED'>['reason'];
export type ConnectorProtocol = 'http11' | 'ajp';
export type EndpointStyle = 'event-loop' | 'blocking';
export type AttributeType = 'int' | 'bool' | 'string' | 'enum' | 'path' | 'regex';
export type AttributeUnit = 'ms' | 's' | 'bytes' | 'KiB';

/** What a computed default may depend on. */
export interface DefaultContext {
  /** The Connector's protocol; other elements have none (and count as HTTP/1.1 for protocol-only attributes). */
  readonly protocol?: ConnectorProtocol | undefined;
  readonly style?: EndpointStyle | undefined;
}

/** A default that depends on where the element is used, with the sentence that documents it. */
export interface ComputedDefault {
  /** Shown after the plain default in docs/configuration.md, e.g. `blocking style: twice the available cores`. */
  readonly doc: string;
  /** The default in this context, in the table's units (-1 = unlimited allowed); undefined = the plain default. */
  readonly value: (context: DefaultContext) => AttributeValue | undefined;
}

export interface AttributeSpec {
  /** The element (`Connector`, `Host`, `Valve` for every valve, `Valve:AccessLogValve`…) or the servlet (`DefaultServlet`) it configures. */
  readonly owner: string;
  readonly name: string;
  readonly type: AttributeType;
  /** Allowed values of an `enum`; matched case-insensitively and stored as written here. */
  readonly values?: readonly string[];
  /** The value as Tomcat documents it (so `-1`, not Infinity); absent = unset. */
  readonly default?: AttributeValue;
  /** The default when the Connector speaks AJP/1.3. */
  readonly ajpDefault?: AttributeValue;
  /** A default computed where the element is loaded; it wins over `default` and `ajpDefault` when it gives one. */
  readonly computed?: ComputedDefault;
  readonly min?: number;
  readonly max?: number;
  readonly unit?: AttributeUnit;
  readonly required?: boolean;
  readonly doc: string;
  /** Accepted because Tomcat has it, but not implemented yet: using it gives a warning and it is ignored. */
  readonly tomcatOnly?: boolean;
  /** Why ignoring it is safe; set on every `tomcatOnly` entry, and the warning says it. */
  readonly ignoredBecause?: IgnoredReason;
  /** Set instead of ignoredBecause when ignoring it could let through what the configuration meant to stop: it is an error. */
  readonly refusedBecause?: RefusedReason;
  /**
   * The name is a prefix: every attribute that starts with it is this entry (`socket.` for `socket.soKeepAlive`,
   * `errorCode.` for `errorCode.404`); docs show it as `socket.*`.
   */
  readonly prefix?: true;
  /** When not set, the value of this other attribute of the same element is used. */
  readonly inherits?: string;
  /** This value means "no limit" and becomes Infinity. */
  readonly unlimited?: -1;
  /** Only valid on connectors speaking this protocol. */
  readonly protocol?: ConnectorProtocol;
  /** Names Tomcat used before, offered as a hint when someone still writes them. */
  readonly formerNames?: readonly string[];
}

export type Extra = Omit<Partial<AttributeSpec>, 'owner' | 'name' | 'type' | 'doc' | 'default' | 'values'>;

/**
 * Compile-time only: the value type of an attribute in the typed configuration and whether it is always set
 * (required, defaulted or inherited) or may be undefined. The key is a symbol that exists in no object.
 */
export declare const typing: unique symbol;
export type Presence = 'required' | 'defaulted' | 'optional';
export interface Typed<V, P extends Presence> {
  readonly [typing]?: readonly [V, P];
}
export type PresenceOf<D, E> = E extends { readonly required: true }
  ? 'required'
  : E extends { readonly inherits: string }
    ? 'defaulted'
    : [D] extends [undefined]
      ? 'optional'
      : 'defaulted';
/** Keeps the marks the typed configuration filters on (protocol, Tomcat only) as literal types. */
export type Marks<E> = (E extends { readonly protocol: infer P } ? { readonly protocol: P } : unknown) &
  (E extends { readonly tomcatOnly: true } ? { readonly tomcatOnly: true } : unknown);
export type Declared<O extends string, N extends string, V, D, E> = AttributeSpec & {
  readonly owner: O;
  readonly name: N;
} & Typed<V, PresenceOf<D, E>> &
  Marks<E>;

export const INT_MAX = 2147483647;

/** The declarations of one owner: `int(name, default, doc, extra)`, `bool(…)`, `str(…)`, `path(…)`, `regex(…)`, `enum(…)`. */
export function builder<const O extends string>(owner: O) {
  const make = (
    type: AttributeType,
    name: string,
    def: AttributeValue | undefined,
    doc: string,
    extra: Extra & { readonly values?: readonly string[] },
  ): AttributeSpec => {
    const spec: AttributeSpec = { owner, name, type, doc, ...extra, ...(def === undefined ? {} : { default: def }) };
    if (type === 'int') return { min: 0, max: INT_MAX, ...spec };
    return spec;
  };
  return {
    int: <const N extends string, const D extends number | undefined, const E extends Extra = Record<never, never>>(
      name: N,
      def: D,
      doc: string,
      extra?: E,
    ) => make('int', name, def, doc, extra ?? {}) as Declared<O, N, number, D, E>,
    bool: <const N extends string, const E extends Extra = Record<never, never>>(name: N, def: boolean, doc: string, extra?: E) =>
      make('bool', name, def, doc, extra ?? {}) as Declared<O, N, boolean, boolean, E>,
    str: <const N extends string, const D extends string | undefined, const E extends Extra = Record<never, never>>(
      name: N,
      def: D,
      doc: string,
      extra?: E,
    ) => make('string', name, def, doc, extra ?? {}) as Declared<O, N, string, D, E>,
    path: <const N extends string, const D extends string | undefined, const E extends Extra = Record<never, never>>(
      name: N,
      def: D,
      doc: string,
      extra?: E,
    ) => make('path', name, def, doc, extra ?? {}) as Declared<O, N, string, D, E>,
    /** A pattern; `extra.default` gives it a default (RemoteIpValve's internalProxies), validated like a written value. */
    regex: <const N extends string, const E extends Extra & { readonly default?: string } = Record<never, never>>(
      name: N,
      doc: string,
      extra?: E,
    ) =>
      make('regex', name, extra?.default, doc, extra ?? {}) as Declared<
        O,
        N,
        string,
        E extends { readonly default: string } ? string : undefined,
        E
      >,
    enum: <const N extends string, const V extends string, const D extends V | undefined, const E extends Extra = Record<never, never>>(
      name: N,
      values: readonly V[],
      def: D,
      doc: string,
      extra?: E,
    ) => make('enum', name, def, doc, { values, ...extra }) as Declared<O, N, V, D, E>,
  };
}

type ValueOf<S> = S extends Typed<infer V, infer P> ? (P extends 'optional' ? V | undefined : V) : never;
/** Implemented by Serval, and valid on this protocol (P = never: on no protocol-specific attribute). */
type Applies<S, P> = S extends { readonly tomcatOnly: true }
  ? false
  : S extends { readonly protocol: infer Q }
    ? [Q] extends [P]
      ? true
      : false
    : true;

/**
 * The typed values of one owner's entries (of a Connector speaking P): one readonly field per entry Serval
 * implements, typed by its declaration (`int` → number with Infinity for -1, `bool` → boolean, `enum` → the
 * union of its values, the rest → string) and `| undefined` only when it has no default.
 */
export type TypedValues<Entry, O extends string, P extends ConnectorProtocol = never> = {
  readonly [
    S in Entry as S extends { readonly owner: O; readonly name: infer N extends string } ? (Applies<S, P> extends true ? N : never) : never
  ]: ValueOf<S>;
};

/** The names of one owner's required entries. */
export type RequiredNames<Entry, O extends string> = Extract<
  Entry,
  { readonly owner: O; readonly name: string } & Typed<unknown, 'required'>
>['name'];
