/**
 * From the attribute table to values: converts written values to their types, and fills what was not
 * written (plain, AJP and computed defaults, then inherited values). The server.xml loader and the
 * components built from attributes (the valves) both go through here, so a default is stated only in the table.
 */
import { ConfigError } from '../errors/container-error.js';
import { compileConfigPattern } from './config-pattern.js';
import {
  attributesOf,
  type AttributeOwner,
  type AttributeSpec,
  type AttributeValue,
  type ConnectorProtocol,
  type DefaultContext,
  type ElementAttributes,
  type ElementDefaults,
} from './attributes.js';

export type AttributeValues = Record<string, AttributeValue | undefined>;

export type Conversion = { readonly ok: true; readonly value: AttributeValue } | { readonly ok: false; readonly allowed: string };

/** Converts one written value to its typed form, or says what would have been allowed. */
export function convertAttribute(spec: AttributeSpec, value: string): Conversion {
  switch (spec.type) {
    case 'int': {
      const min = spec.min ?? 0;
      const max = spec.max ?? Number.MAX_SAFE_INTEGER;
      const range = `an integer from ${min} to ${max}`;
      const allowed = spec.unlimited === undefined ? range : `${spec.unlimited} (unlimited) or ${range}`;
      if (!/^[+-]?\d{1,16}$/.test(value)) return { ok: false, allowed };
      const number = Number(value);
      if (spec.unlimited !== undefined && number === spec.unlimited) return { ok: true, value: Infinity };
      return number >= min && number <= max ? { ok: true, value: number } : { ok: false, allowed };
    }
    case 'bool': {
      const lower = value.toLowerCase();
      return lower === 'true' || lower === 'false' ? { ok: true, value: lower === 'true' } : { ok: false, allowed: 'true or false' };
    }
    case 'enum': {
      const values = spec.values ?? [];
      const match = values.find((v) => v.toLowerCase() === value.toLowerCase());
      return match === undefined ? { ok: false, allowed: `one of [${values.join(', ')}]` } : { ok: true, value: match };
    }
    case 'path':
      return value === '' ? { ok: false, allowed: 'a non-empty path' } : { ok: true, value };
    case 'regex': {
      const compiled = compileConfigPattern(value);
      return compiled.ok
        ? { ok: true, value }
        : { ok: false, allowed: `a regular expression Serval can match in linear time: ${compiled.reason}` };
    }
    case 'string':
      return { ok: true, value };
  }
}

/** Whether the attribute belongs to an element used with this protocol (elements other than Connector count as HTTP/1.1). */
export function appliesTo(spec: AttributeSpec, protocol: ConnectorProtocol | undefined): boolean {
  return spec.protocol === undefined || spec.protocol === (protocol ?? 'http11');
}

/** The default of one attribute in this context, as the configuration holds it (-1 = unlimited is Infinity). */
export function defaultOf(spec: AttributeSpec, context: DefaultContext = {}): AttributeValue | undefined {
  const value =
    spec.computed?.value(context) ?? (context.protocol === 'ajp' && spec.ajpDefault !== undefined ? spec.ajpDefault : spec.default);
  return spec.unlimited !== undefined && value === spec.unlimited ? Infinity : value;
}

/**
 * Fills every attribute of `specs` that was not written: its default for the context, then the value of the
 * attribute it inherits. Required and Tomcat-only attributes are left alone. Every implemented attribute ends
 * up a key of `values` (undefined when it has no value), so the typed object has its whole shape.
 */
export function fillDefaults(
  specs: readonly AttributeSpec[],
  values: AttributeValues,
  written: ReadonlySet<string>,
  context: DefaultContext,
): void {
  for (const spec of specs) {
    if (spec.tomcatOnly === true || written.has(spec.name)) continue;
    values[spec.name] = spec.required === true ? undefined : defaultOf(spec, context);
  }
  // After every plain default, so that inheriting from a defaulted attribute works whatever the table order.
  for (const spec of specs) {
    if (spec.inherits !== undefined && spec.tomcatOnly !== true && !written.has(spec.name)) values[spec.name] = values[spec.inherits];
  }
}

/** The implemented attributes of one owner on this protocol, in table order. */
export function implementedAttributes(owner: string, protocol?: ConnectorProtocol): AttributeSpec[] {
  return attributesOf(owner).filter((spec) => spec.tomcatOnly !== true && appliesTo(spec, protocol));
}

/** The table's defaults of an element, typed: what a component or a test starts from when nothing is written. */
export function defaultsOf<O extends AttributeOwner, P extends ConnectorProtocol = never>(
  owner: O,
  context: DefaultContext & { readonly protocol?: P } = {},
): ElementDefaults<O, P> {
  const values: AttributeValues = {};
  const specs = implementedAttributes(owner, context.protocol);
  fillDefaults(
    specs.filter((spec) => spec.required !== true),
    values,
    new Set(),
    context,
  );
  return values as unknown as ElementDefaults<O, P>;
}

/**
 * The attributes a component was built with, typed and defaulted by the table. They come validated from
 * server.xml, or as written (strings) from a hand-built configuration: those are converted here, and a value
 * the table refuses is a ConfigError naming the attribute. Names the table does not know are ignored.
 */
export function resolveAttributes<O extends AttributeOwner>(
  owner: O,
  given: Readonly<Record<string, AttributeValue | undefined>>,
  element: string,
): ElementAttributes<O> {
  const specs = implementedAttributes(owner);
  const values: AttributeValues = {};
  const written = new Set<string>();
  for (const spec of specs) {
    const value = Object.hasOwn(given, spec.name) ? given[spec.name] : undefined;
    if (value === undefined) continue;
    const converted = typedValue(spec, value);
    if (!converted.ok) {
      throw new ConfigError('SV_ERR_CONFIG_INVALID_VALUE', {
        attribute: spec.name,
        element,
        value: String(value),
        allowed: converted.allowed,
      });
    }
    values[spec.name] = converted.value;
    written.add(spec.name);
  }
  fillDefaults(specs, values, written, {});
  return values as unknown as ElementAttributes<O>;
}

/** A value already converted by the loader passes as it is; anything else is read as its written form. */
function typedValue(spec: AttributeSpec, value: AttributeValue): Conversion {
  if (value === Infinity && spec.unlimited !== undefined) return { ok: true, value };
  if (typeof value === 'boolean' && spec.type === 'bool') return { ok: true, value };
  return convertAttribute(spec, String(value));
}
