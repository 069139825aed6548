/**
 * Renders the attribute table, and the built-in servlets' init-parameter table, as the Markdown reference
 * in docs/configuration.md.
 */
import { attributeOwners, attributesOf, type AttributeSpec, type AttributeValue } from './attributes.js';
import { notImplementedElements } from './element-schema.js';
import { initParameterOwners, initParametersOf } from './init-parameters.js';

const INTRO = `# Configuration reference

Generated from \`src/config/attributes.ts\` and \`src/config/init-parameters.ts\` by \`renderAttributeDocs()\`;
do not edit by hand (run the config tests with \`SERVAL_UPDATE_DOCS=1\` to refresh it).

Values may use \`\${name}\` and \`\${name:-default}\`: \`catalina.base\`, \`catalina.home\`, keys of
\`conf/catalina.properties\`, system properties given at start, and \`env.NAME\` for environment variables.
An attribute marked *Tomcat only* is accepted because Tomcat has it, but is not implemented yet: using it
gives a warning and it is ignored. Any other unknown attribute is an error. Times keep Tomcat's units.
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
  const outro = `## Elements not implemented yet\n\nThese Tomcat elements are accepted with one warning each; they and their content are ignored: ${ignored}.`;
  return `${INTRO}\n${[...sections, outro, `## Built-in servlets\n\n${SERVLETS_INTRO}`, ...servlets].join('\n\n')}\n`;
}

function section(title: string, column: string, specs: readonly AttributeSpec[]): string {
  const rows = specs.map(
    (spec) => `| \`${spec.name}\` | ${cell(typeOf(spec))} | ${cell(defaultCell(spec))} | ${spec.unit ?? ''} | ${cell(describe(spec))} |`,
  );
  return [`## ${title}`, '', `| ${column} | type | default | unit | description |`, '|---|---|---|---|---|', ...rows].join('\n');
}

function heading(owner: string): string {
  const [element, className] = owner.split(':');
  if (className === undefined) return owner === 'Valve' ? 'Valve (every valve)' : owner;
  return `${element} ${className} (\`org.apache.catalina.valves.${className}\`)`;
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
  if (spec.tomcatOnly === true) parts.push('*Tomcat only (not implemented yet).*');
  if (spec.protocol === 'ajp') parts.push('AJP only.');
  parts.push(spec.doc);
  if (spec.formerNames !== undefined) parts.push(`Formerly ${spec.formerNames.map((n) => `\`${n}\``).join(', ')}.`);
  return parts.join(' ');
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}
