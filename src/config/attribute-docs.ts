/**
 * Renders the attribute table, and the built-in servlets' init-parameter table, as the Markdown reference
 * in docs/configuration.md.
 */
import { attributeOwners, attributesOf, type AttributeSpec, type AttributeValue } from './attributes.js';
import { notImplementedElements } from './element-schema.js';
import { initParameterOwners, initParametersOf } from './init-parameters.js';
import { tomcatComponentClasses, tomcatRealmClasses } from './tomcat-classes.js';

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
the default; any other value the type refuses fails the servlet's start.`;

export function renderAttributeDocs(): string {
  const sections = attributeOwners().map((owner) => section(heading(owner), 'attribute', attributesOf(owner)));
  const servlets = initParameterOwners().map((owner) =>
    section(`${owner} init parameters (\`org.apache.catalina.servlets.${owner}\`)`, 'init-param', initParametersOf(owner)),
  );
  const ignored = [...notImplementedElements].map((name) => `\`${name}\``).join(', ');
  const outro = `## Elements not implemented yet\n\nThese Tomcat elements are accepted with one warning each; they and their content are ignored (the attribute names of those listed above are still checked): ${ignored}, and \`Realm\` (see below).`;
  return `${INTRO}\n${[...sections, outro, classesSection(), `## Built-in servlets\n\n${SERVLETS_INTRO}`, ...servlets].join('\n\n')}\n`;
}

/** The fail-closed rule for component classes (architecture decision 11), with the reason given for each class. */
function classesSection(): string {
  const rows = [...tomcatComponentClasses].map(
    ([name, entry]) => `| \`${name}\` | ${entry.kind === 'harmless' ? 'ignored with a warning' : '**refused**'} | ${cell(entry.reason)} |`,
  );
  const realms = [...tomcatRealmClasses].map((name) => `\`${name.slice(name.lastIndexOf('.') + 1)}\``).join(', ');
  return [
    '## Tomcat classes Serval does not implement',
    '',
    'A `<Listener>` or `<Valve>` naming a Tomcat class Serval does not implement is ignored with a warning only when',
    'its absence changes nothing about who may reach what; any other, and any class name that is neither a known',
    'Tomcat class nor a module path, refuses startup (server.xml, conf/context.xml) or the deployment of the',
    'application (META-INF/context.xml), naming file:line and the reason (`SV_ERR_CONFIG_CLASS_REFUSED`,',
    "`SV_ERR_CONFIG_CLASS_UNKNOWN`). A `<Realm>` (Tomcat's " + realms + ') only warns',
    '(`SV_ERR_CONFIG_REALM_NOT_IMPLEMENTED`): it grants nothing by itself, and an application whose',
    '`<security-constraint>` or `<login-config>` would need it refuses to deploy (`SV_ERR_DEPLOY_SECURITY_NOT_ENFORCED`).',
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

function heading(owner: string): string {
  const [element, className] = owner.split(':');
  if (className === undefined) return owner === 'Valve' ? 'Valve (every valve)' : owner;
  const javaPackage = element === 'Realm' ? 'org.apache.catalina.realm' : 'org.apache.catalina.valves';
  return `${element} ${className} (\`${javaPackage}.${className}\`)`;
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
