/**
 * Checks one element at a time against the attribute table and the element schema, collecting every
 * problem instead of stopping at the first, and returns validated, defaulted values.
 */
import { resolve } from 'node:path';
import { formatUnchecked, type CodedMessage, type ErrorCode, type ParamsOf } from '../errors/codes.js';
import {
  attributesOf,
  type AttributeOwner,
  type AttributeSpec,
  type AttributeValue,
  type ConnectorProtocol,
  type DefaultContext,
  type ElementAttributes,
} from './attributes.js';
import { appliesTo, convertAttribute, fillDefaults, type AttributeValues } from './attribute-values.js';
import { didYouMean } from './did-you-mean.js';
import { classifyClassName, implementedValves, notImplementedElements } from './element-schema.js';
import { genericRefusal, knownTomcatClassNames, tomcatComponentClasses, type RefusalReason } from './tomcat-classes.js';
import type { IgnoredReason } from './attribute-spec.js';
import type { PropertySource } from './property-substitution.js';
import type { ComponentConfig, ConfigProblem, SourceLocation } from './server-config.js';
import type { XmlElement } from './xml-document.js';

export { convertAttribute, type AttributeValues } from './attribute-values.js';

/** The error report valves a Host may name as its errorReportValveClass (each renders at least the full report). */
const ERROR_REPORT_VALVES: ReadonlySet<string> = new Set(
  ['ErrorReportValve', 'JsonErrorReportValve', 'ProxyErrorReportValve'].map((name) => `org.apache.catalina.valves.${name}`),
);
const ERROR_PAGES: RefusalReason =
  'it replaces the error pages, so without it the default error report (with exception details) would be shown instead';
const NOT_OFFERED: IgnoredReason = 'the feature it configures is not offered by Serval, so there is nothing for it to change';

/**
 * The entry for an attribute name: the one of that name, or the prefix entry it extends (`socket.` for
 * `socket.soKeepAlive`; the bare prefix names nothing).
 */
function lookup(specs: ReadonlyMap<string, AttributeSpec>, name: string): AttributeSpec | undefined {
  const exact = specs.get(name);
  if (exact !== undefined) return exact.prefix === true ? undefined : exact;
  for (const spec of specs.values()) if (spec.prefix === true && name.startsWith(spec.name)) return spec;
  return undefined;
}

const PROTOCOL_LABEL: Readonly<Record<ConnectorProtocol, string>> = { http11: 'HTTP/1.1', ajp: 'AJP/1.3' };

export class ConfigValidator {
  readonly problems: ConfigProblem[] = [];
  readonly #file: string;
  readonly #properties: PropertySource;
  readonly #catalinaBase: string;

  constructor(file: string, properties: PropertySource, catalinaBase: string) {
    this.#file = file;
    this.#properties = properties;
    this.#catalinaBase = catalinaBase;
  }

  get hasErrors(): boolean {
    return this.problems.some((p) => p.severity === 'error');
  }

  location(element: XmlElement): SourceLocation {
    return { file: this.#file, line: element.line, path: element.path };
  }

  report<C extends ErrorCode>(
    severity: ConfigProblem['severity'],
    code: C,
    // A code typed as the whole union would accept any code's parameters.
    params: [ErrorCode] extends [C] ? never : ParamsOf<C>,
    at: { readonly line: number; readonly path: string },
    attribute?: string,
  ): void {
    const problem: ConfigProblem = {
      severity,
      code,
      message: formatUnchecked(code, params),
      file: this.#file,
      line: at.line,
      path: at.path,
      ...(attribute === undefined ? {} : { attribute }),
    };
    this.problems.push(problem);
  }

  /** report() for a code and parameters handed over as one value (a rule's finding). */
  reportMessage(
    severity: ConfigProblem['severity'],
    message: CodedMessage,
    at: { readonly line: number; readonly path: string },
    attribute?: string,
  ): void {
    this.problems.push({
      severity,
      code: message.code,
      message: formatUnchecked(message.code, message.params ?? {}),
      file: this.#file,
      line: at.line,
      path: at.path,
      ...(attribute === undefined ? {} : { attribute }),
    });
  }

  /** `${…}` replacement for one attribute; undefined (and an error) when a property is not defined. */
  substitute(element: XmlElement, attribute: string, raw: string): string | undefined {
    const result = this.#properties.substitute(raw);
    if (result.ok) return result.value;
    this.report('error', 'SV_ERR_CONFIG_UNDEFINED_PROPERTY', { property: result.undefinedProperty, attribute }, element, attribute);
    return undefined;
  }

  /** The element's text content after substitution; empty text is an error for elements that need it. */
  text(element: XmlElement): string | undefined {
    const value = this.substitute(element, '#text', element.text);
    if (value === '') {
      this.report('error', 'SV_ERR_CONFIG_VALUE_MISSING', { element: element.name }, element);
      return undefined;
    }
    return value;
  }

  /**
   * Validates every attribute of the element against the table entries of `owners`, reports missing
   * required ones, then fills defaults (for the context: AJP, blocking style) and inherited values.
   */
  attributes(element: XmlElement, owners: readonly string[], context: DefaultContext = {}): AttributeValues {
    const all = owners.flatMap((owner) => attributesOf(owner));
    const protocol = context.protocol;
    const specs = new Map(all.filter((spec) => appliesTo(spec, protocol)).map((spec) => [spec.name, spec]));
    const values: AttributeValues = {};
    const given = new Set<string>();

    for (const [name, raw] of element.attributes) {
      given.add(name);
      const spec = lookup(specs, name);
      if (spec === undefined) {
        const hint = this.#unknownAttributeHint(name, all, [...specs.keys()], protocol);
        this.report('error', 'SV_ERR_CONFIG_UNKNOWN_ATTRIBUTE', { attribute: name, element: element.name, hint }, element, name);
        continue;
      }
      if (spec.refusedBecause !== undefined) {
        const params = { attribute: name, element: element.name, reason: spec.refusedBecause };
        this.report('error', 'SV_ERR_CONFIG_ATTRIBUTE_REFUSED', params, element, name);
        continue;
      }
      if (spec.tomcatOnly === true) {
        const params = { attribute: name, element: element.name, doc: spec.doc, reason: spec.ignoredBecause ?? NOT_OFFERED };
        this.report('warning', 'SV_ERR_CONFIG_ATTRIBUTE_NOT_IMPLEMENTED', params, element, name);
        continue;
      }
      const value = this.substitute(element, name, raw);
      if (value === undefined) continue;
      const converted = convertAttribute(spec, value);
      if (converted.ok) values[name] = converted.value;
      else {
        const params = { attribute: name, element: element.name, value, allowed: converted.allowed };
        this.report('error', 'SV_ERR_CONFIG_INVALID_VALUE', params, element, name);
      }
    }

    for (const spec of specs.values()) {
      if (spec.required === true && spec.tomcatOnly !== true && !given.has(spec.name)) {
        this.report('error', 'SV_ERR_CONFIG_MISSING_ATTRIBUTE', { attribute: spec.name, element: element.name }, element, spec.name);
      }
    }
    // A value refused above is defaulted too: the load fails anyway, but the tree is still built with typed values.
    fillDefaults([...specs.values()], values, new Set(Object.keys(values)), context);
    return values;
  }

  /**
   * The element's attributes typed as the table declares them: the one place where the table's values at run
   * time are taken for its types. When a problem was reported the load fails, so no half-typed object escapes.
   */
  element<O extends AttributeOwner, P extends ConnectorProtocol = never>(
    element: XmlElement,
    owner: O,
    context: DefaultContext & { readonly protocol?: P } = {},
  ): ElementAttributes<O, P> {
    return this.attributes(element, [owner], context) as unknown as ElementAttributes<O, P>;
  }

  /** Every attribute except the skipped ones, substituted but otherwise as written (user components). */
  rawAttributes(element: XmlElement, skip: readonly string[]): Record<string, string> {
    const values: Record<string, string> = {};
    for (const [name, raw] of element.attributes) {
      if (skip.includes(name)) continue;
      const value = this.substitute(element, name, raw);
      if (value !== undefined) values[name] = value;
    }
    return values;
  }

  /**
   * The children Serval implements. Tomcat elements it does not implement get one warning each (their
   * content is skipped); anything not allowed here is an error with a suggestion.
   */
  children(element: XmlElement, allowed: readonly string[]): XmlElement[] {
    const kept: XmlElement[] = [];
    for (const child of element.children) {
      if (!allowed.includes(child.name)) {
        const suggestion = didYouMean(child.name, allowed);
        const hint =
          suggestion !== undefined
            ? `; did you mean [${suggestion}]?`
            : `; allowed inside [${element.name}]: ${allowed.length === 0 ? 'none' : `[${allowed.join(', ')}]`}`;
        this.report('error', 'SV_ERR_CONFIG_UNKNOWN_ELEMENT', { element: child.name, hint }, child);
      } else if (notImplementedElements.has(child.name) && !(child.name === 'Resource' && element.name === 'GlobalNamingResources')) {
        this.report('warning', 'SV_ERR_CONFIG_ELEMENT_NOT_IMPLEMENTED', { element: child.name }, child);
        this.#attributeNames(child);
      } else {
        kept.push(child);
      }
    }
    return kept;
  }

  /**
   * A Listener or Valve. Known classes are validated against the table (`implemented` maps className to its table
   * owner); module paths are user components whose attributes pass through as strings. A Tomcat class Serval does
   * not implement is skipped with a warning only when it is on the harmless list (tomcat-classes.ts); any other
   * class refuses the file (architecture decision 11: fail closed).
   */
  component(element: XmlElement, implemented: ReadonlyMap<string, string>): ComponentConfig | undefined {
    const className = this.#className(element);
    if (className === undefined) return undefined;
    const location = this.location(element);
    const kind = classifyClassName(className, implemented);
    switch (kind) {
      case 'implemented': {
        const values = this.attributes(element, [element.name, implemented.get(className)!]);
        // The component gets what has a value; it resolves the rest from the table itself (resolveAttributes).
        const attributes: Record<string, AttributeValue> = {};
        for (const [name, value] of Object.entries(values)) if (value !== undefined && name !== 'className') attributes[name] = value;
        return { className, attributes, location };
      }
      case 'module':
        return { className: resolve(this.#catalinaBase, className), attributes: this.rawAttributes(element, ['className']), location };
      case 'harmless': {
        const known = tomcatComponentClasses.get(className);
        if (known?.kind === 'harmless') {
          this.report(
            'warning',
            'SV_ERR_CONFIG_CLASS_NOT_IMPLEMENTED',
            { className, element: element.name, reason: known.reason },
            element,
            'className',
          );
        }
        return undefined;
      }
      case 'refused': {
        const known = tomcatComponentClasses.get(className);
        const reason = known?.kind === 'refused' ? known.reason : genericRefusal(element.name);
        this.report('error', 'SV_ERR_CONFIG_CLASS_REFUSED', { className, element: element.name, reason }, element, 'className');
        return undefined;
      }
      case 'unknown':
        this.#unknownClass(element, className, implemented);
        return undefined;
    }
  }

  /**
   * Host `errorReportValveClass`: Serval renders error pages with its own error report valves only. Another class (or none,
   * the empty value) would have shown less, so it is refused rather than replaced by the full report.
   */
  errorReportValveClass(element: XmlElement, className: string): void {
    if (ERROR_REPORT_VALVES.has(className)) return;
    const known = tomcatComponentClasses.get(className);
    const reason = known?.kind === 'refused' ? known.reason : ERROR_PAGES;
    this.report('error', 'SV_ERR_CONFIG_CLASS_REFUSED', { className, element: element.name, reason }, element, 'errorReportValveClass');
  }

  /**
   * The attribute names of an element Serval skips, checked against the table when it lists the element: a
   * misspelt one is still an error. Their values are not examined (the element's warning covers them).
   */
  #attributeNames(element: XmlElement): void {
    const specs = attributesOf(element.name);
    if (specs.length === 0) return;
    const known = new Map(specs.map((spec) => [spec.name, spec]));
    for (const name of element.attributes.keys()) {
      if (lookup(known, name) !== undefined) continue;
      const hint = this.#unknownAttributeHint(name, specs, [...known.keys()], undefined);
      this.report('error', 'SV_ERR_CONFIG_UNKNOWN_ATTRIBUTE', { attribute: name, element: element.name, hint }, element, name);
    }
  }

  #className(element: XmlElement): string | undefined {
    const raw = element.attributes.get('className');
    if (raw === undefined) {
      this.report('error', 'SV_ERR_CONFIG_MISSING_ATTRIBUTE', { attribute: 'className', element: element.name }, element, 'className');
      return undefined;
    }
    return this.substitute(element, 'className', raw);
  }

  #unknownClass(element: XmlElement, className: string, implemented: ReadonlyMap<string, string>): void {
    const suggestion = didYouMean(className, [...implementedValves.keys(), ...implemented.keys(), ...knownTomcatClassNames()]);
    const hint = suggestion === undefined ? '' : `; did you mean [${suggestion}]?`;
    this.report('error', 'SV_ERR_CONFIG_CLASS_UNKNOWN', { className, element: element.name, hint }, element, 'className');
  }

  #unknownAttributeHint(
    name: string,
    all: readonly AttributeSpec[],
    known: readonly string[],
    protocol: ConnectorProtocol | undefined,
  ): string {
    const other = all.find((spec) => spec.name === name);
    if (other?.protocol !== undefined) {
      return `; it is only valid on ${PROTOCOL_LABEL[other.protocol]} connectors, this one speaks ${PROTOCOL_LABEL[protocol ?? 'http11']}`;
    }
    const renamed = all.find((spec) => spec.formerNames?.includes(name));
    if (renamed !== undefined) return `; it was renamed to [${renamed.name}]`;
    const suggestion = didYouMean(name, known);
    return suggestion === undefined ? '' : `; did you mean [${suggestion}]?`;
  }
}
