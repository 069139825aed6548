/**
 * Builds `<Realm>` (with its nested realms and `<CredentialHandler>`) and the `<Resource>`s of
 * `<GlobalNamingResources>` into typed configuration (issue #20), checking classes and attributes against the table.
 */
import type { AttributeValue } from './attributes.js';
import type { ConfigValidator } from './config-validator.js';
import {
  combiningRealms,
  elementChildren,
  implementedCredentialHandlers,
  implementedRealms,
  isModulePath,
  namingResourceTypes,
  NESTED_CREDENTIAL_HANDLER,
} from './element-schema.js';
import type { CredentialHandlerConfig, NamingResourceConfig, RealmConfig } from './server-config.js';
import type { XmlElement } from './xml-document.js';

function named(children: readonly XmlElement[], name: string): XmlElement[] {
  return children.filter((child) => child.name === name);
}

/** A container holds at most one Realm (Tomcat's digester would keep the last; a second one is a mistake). */
export function buildContainerRealm(v: ConfigValidator, children: readonly XmlElement[]): RealmConfig | undefined {
  const realms = named(children, 'Realm');
  for (const extra of realms.slice(1)) {
    v.report(
      'error',
      'SV_ERR_CONFIG_CHILD_COUNT',
      { element: extra.path.slice(0, extra.path.lastIndexOf('/')), child: 'Realm', count: realms.length },
      extra,
    );
  }
  return realms[0] === undefined ? undefined : buildRealm(v, realms[0]);
}

function buildRealm(v: ConfigValidator, element: XmlElement): RealmConfig | undefined {
  const children = v.children(element, elementChildren['Realm']!);
  const component = v.component(element, implementedRealms);
  const nested = named(children, 'Realm');
  const handlers = named(children, 'CredentialHandler');
  if (component === undefined) return undefined;
  if (nested.length > 0 && !combiningRealms.has(component.className) && !isModulePath(component.className)) {
    const hint = `; only [${[...combiningRealms].join(', ')}] nest realms`;
    for (const child of nested) v.report('error', 'SV_ERR_CONFIG_UNKNOWN_ELEMENT', { element: 'Realm', hint }, child);
  }
  for (const extra of handlers.slice(1)) {
    v.report('error', 'SV_ERR_CONFIG_CHILD_COUNT', { element: 'Realm', child: 'CredentialHandler', count: handlers.length }, extra);
  }
  const realms = nested.flatMap((child) => {
    const realm = buildRealm(v, child);
    return realm === undefined ? [] : [realm];
  });
  return { ...component, realms, credentialHandler: handlers[0] === undefined ? undefined : buildCredentialHandler(v, handlers[0]) };
}

function buildCredentialHandler(v: ConfigValidator, element: XmlElement): CredentialHandlerConfig | undefined {
  const children = v.children(element, elementChildren['CredentialHandler']!);
  const component = v.component(element, implementedCredentialHandlers);
  if (component === undefined) return undefined;
  const nested = named(children, 'CredentialHandler');
  if (nested.length > 0 && component.className !== NESTED_CREDENTIAL_HANDLER) {
    const hint = `; only [${NESTED_CREDENTIAL_HANDLER}] nests handlers`;
    for (const child of nested) v.report('error', 'SV_ERR_CONFIG_UNKNOWN_ELEMENT', { element: 'CredentialHandler', hint }, child);
  }
  const handlers = nested.flatMap((child) => {
    const handler = buildCredentialHandler(v, child);
    return handler === undefined ? [] : [handler];
  });
  return { ...component, handlers };
}

/**
 * The resources of `<GlobalNamingResources>` Serval builds: a UserDatabase and a DataSource. Another type is
 * warned about and skipped: a resource grants nothing by itself, and a realm naming it fails to start.
 */
export function buildGlobalNamingResources(v: ConfigValidator, element: XmlElement): NamingResourceConfig[] {
  v.attributes(element, ['GlobalNamingResources']);
  const children = v.children(element, elementChildren['GlobalNamingResources']!);
  const resources: NamingResourceConfig[] = [];
  for (const child of named(children, 'Resource')) {
    v.children(child, elementChildren['Resource']!);
    const rawType = child.attributes.get('type');
    const type = rawType === undefined ? undefined : v.substitute(child, 'type', rawType);
    const owner = type === undefined ? undefined : namingResourceTypes.get(type);
    if (type !== undefined && owner === undefined) {
      v.report(
        'warning',
        'SV_ERR_CONFIG_RESOURCE_TYPE_NOT_IMPLEMENTED',
        { type, known: [...namingResourceTypes.keys()].join(', ') },
        child,
        'type',
      );
      continue;
    }
    const values = v.attributes(child, owner === undefined ? ['NamingResource'] : ['NamingResource', owner]);
    const name = values['name'];
    if (typeof name !== 'string' || type === undefined) continue;
    const first = resources.find((r) => r.name === name);
    if (first !== undefined) {
      v.report(
        'error',
        'SV_ERR_CONFIG_DUPLICATE_NAME',
        { what: 'Resource name', name, owner: 'GlobalNamingResources', ownerName: '' },
        child,
        'name',
      );
      continue;
    }
    const attributes: Record<string, AttributeValue> = {};
    for (const [key, value] of Object.entries(values)) if (value !== undefined) attributes[key] = value;
    resources.push({ name, type, attributes, raw: v.rawAttributes(child, []), location: v.location(child) });
  }
  return resources;
}
