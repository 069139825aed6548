/**
 * Renders the attribute table, and the built-in servlets' init-parameter table, as the Markdown reference
 * in docs/configuration.md.
 */
import { attributeOwners, attributesOf, type AttributeSpec, type AttributeValue } from './attributes.js';
import { implementedValves, namingResourceTypes, notImplementedElements } from './element-schema.js';
import { initParameterOwners, initParametersOf } from './init-parameters.js';
import { tomcatComponentClasses } from './tomcat-classes.js';

const INTRO = `# Configuration reference

Generated from \`src/config/attributes.ts\` and \`src/config/init-parameters.ts\` by \`renderAttributeDocs()\`;
do not edit by hand (run the config tests with \`SERVAL_UPDATE_DOCS=1\` to refresh it).

Values may use \`\${name}\` and \`\${name:-default}\`: \`catalina.base\`, \`catalina.home\`, keys of
\`conf/catalina.properties\`, system properties given at start, and \`env.NAME\` for environment variables.
An attribute marked *Tomcat only* is accepted because Tomcat has it, but is not implemented yet: using it
gives a warning that says why ignoring it is safe, and it is ignored. One marked *Refused* is a Tomcat attribute
that cannot be ignored without letting through what the configuration means to stop: using it is an error. Any
other unknown attribute is an error, with a "did you mean". Times keep Tomcat's units.
`;

const SERVLETS_INTRO = `The built-in servlets read these \`<init-param>\`s from \`conf/web.xml\` (or from a webapp's
\`WEB-INF/web.xml\` that declares a servlet of the same name). A value is trimmed; an absent or empty one takes
the default; any other value the type refuses fails the servlet's start. Tomcat's filters, named by their class
names in a webapp's web.xml (or built in code from \`serval/filters\` with typed options), read theirs the same
way: a refused value fails the filter's init(), so the webapp does not start (\`SV_ERR_FILTER_INIT_PARAM\`).`;

/** `DefaultServlet` is a servlet of org.apache.catalina.servlets; `Filter:RemoteAddrFilter` a filter of org.apache.catalina.filters. */
function initParameterHeading(owner: string): string {
  const filter = owner.startsWith('Filter:') ? owner.slice('Filter:'.length) : null;
  return filter === null
    ? `${owner} init parameters (\`org.apache.catalina.servlets.${owner}\`)`
    : `${filter} init parameters (\`org.apache.catalina.filters.${filter}\`)`;
}

export function renderAttributeDocs(): string {
  const sections = attributeOwners().map((owner) => section(ownerHeading(owner), 'attribute', attributesOf(owner)));
  const servlets = initParameterOwners().map((owner) => section(initParameterHeading(owner), 'init-param', initParametersOf(owner)));
  const ignored = [...notImplementedElements].map((name) => `\`${name}\``).join(', ');
  const outro = `## Elements not implemented yet\n\nThese Tomcat elements are accepted with one warning each; they and their content are ignored (the attribute names of those listed above are still checked): ${ignored}. A \`<Resource>\` is built only inside \`<GlobalNamingResources>\`, for the types listed above (\`Resource:…\`); another type is skipped with a warning (\`SV_ERR_CONFIG_RESOURCE_TYPE_NOT_IMPLEMENTED\`).`;
  return `${INTRO}\n${[...sections, outro, classesSection(), `## Built-in servlets\n\n${SERVLETS_INTRO}`, ...servlets].join('\n\n')}\n`;
}

/** The fail-closed rule for component classes (architecture decision 11), with the reason given for each class. */
function classesSection(): string {
  const rows = [...tomcatComponentClasses].map(
    ([name, entry]) => `| \`${name}\` | ${entry.kind === 'harmless' ? 'ignored with a warning' : '**refused**'} | ${cell(entry.reason)} |`,
  );
  return [
    '## Tomcat classes Serval does not implement',
    '',
    'A `<Listener>` or `<Valve>` naming a Tomcat class Serval does not implement is ignored with a warning only when',
    'its absence changes nothing about who may reach what; any other, and any class name that is neither a known',
    'Tomcat class nor a module path, refuses startup (server.xml, conf/context.xml) or the deployment of the',
    'application (META-INF/context.xml), naming file:line and the reason (`SV_ERR_CONFIG_CLASS_REFUSED`,',
    '`SV_ERR_CONFIG_CLASS_UNKNOWN`). The same holds for `<Realm>` and `<CredentialHandler>` classes.',
    '',
    '| class | without it | why |',
    '|---|---|---|',
    ...rows,
  ].join('\n');
}

/** `socket.*` for a prefix entry. */
export function displayName(spec: AttributeSpec): string {
  return spec.prefix === true ? `${spec.name}*` : spec.name;
}

function section(title: string, column: string, specs: readonly AttributeSpec[]): string {
  const rows = specs.map(
    (spec) =>
      `| \`${displayName(spec)}\` | ${cell(typeOf(spec))} | ${cell(defaultCell(spec))} | ${spec.unit ?? ''} | ${cell(describe(spec))} |`,
  );
  return [`## ${title}`, '', `| ${column} | type | default | unit | description |`, '|---|---|---|---|---|', ...rows].join('\n');
}

const COMMON_HEADINGS: Readonly<Record<string, string>> = {
  Valve: 'Valve (every valve)',
  Realm: 'Realm (every realm)',
  CredentialHandler: 'CredentialHandler (every handler)',
  NamingResource: 'Resource of GlobalNamingResources (every type)',
};

/** The Java package of a `Element:Class` owner's class, or the resource type of a `Resource:` owner. */
function qualified(element: string, className: string): string {
  switch (element) {
    case 'Valve':
      // The class the valve is configured by (valves.rewrite.RewriteValve, authenticator.SingleSignOn…).
      return [...implementedValves].find(([, owner]) => owner === `Valve:${className}`)?.[0] ?? `org.apache.catalina.valves.${className}`;
    case 'Resource':
      return `type="${[...namingResourceTypes].find(([, owner]) => owner === `Resource:${className}`)?.[0] ?? className}"`;
    case 'CredentialHandler':
      return className === 'ScryptCredentialHandler' ? `serval.realm.${className}` : `org.apache.catalina.realm.${className}`;
    default:
      return `org.apache.catalina.realm.${className}`;
  }
}

export function ownerHeading(owner: string): string {
  const [element, className] = owner.split(':');
  if (className === undefined) return COMMON_HEADINGS[owner] ?? owner;
  return `${element} ${className} (\`${qualified(element!, className)}\`)`;
}

function typeOf(spec: AttributeSpec): string {
  switch (spec.type) {
    case 'enum':
      return `enum: ${(spec.values ?? []).join(' | ')}`;
    case 'int':
      return `int ${spec.min}–${spec.max}${spec.unlimited === undefined ? '' : `, ${spec.unlimited} = unlimited`}`;
    default:
      return spec.type;
  }
}

/** The plain default, then the ones that depend on where the element is used. */
function defaultCell(spec: AttributeSpec): string {
  if (spec.required === true) return 'required';
  let text = spec.inherits !== undefined ? `= ${spec.inherits}` : spec.default === undefined ? 'unset' : show(spec.default);
  if (spec.ajpDefault !== undefined) text += ` (AJP: ${show(spec.ajpDefault)})`;
  if (spec.computed !== undefined) text += ` (${spec.computed.doc})`;
  return text;
}

function show(value: AttributeValue): string {
  return typeof value === 'string' ? (value === '' ? '""' : `\`${value}\``) : String(value);
}

function describe(spec: AttributeSpec): string {
  const parts: string[] = [];
  if (spec.refusedBecause !== undefined) parts.push(`*Tomcat only, refused:* ${spec.refusedBecause}.`);
  else if (spec.tomcatOnly === true) parts.push('*Tomcat only (not implemented yet).*');
  if (spec.protocol === 'ajp') parts.push('AJP only.');
  parts.push(spec.doc);
  if (spec.ignoredBecause !== undefined) parts.push(`Ignored, which is safe because ${spec.ignoredBecause}.`);
  if (spec.formerNames !== undefined) parts.push(`Formerly ${spec.formerNames.map((n) => `\`${n}\``).join(', ')}.`);
  return parts.join(' ');
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}
