/**
 * Builds the Realm a `<Realm>` element describes, with its nested realms and CredentialHandler, the way Tomcat's
 * digester rules do: Tomcat's realm classes by name, or a module of the user's that implements the Realm contract.
 * The attribute values were validated against the table when the file was loaded.
 */
import type { Logger } from 'pino';
import { resolveAttributes } from '../config/attribute-values.js';
import type { ComponentConfig, CredentialHandlerConfig, RealmConfig } from '../config/server-config.js';
import { isModulePath } from '../config/element-schema.js';
import { ConfigError } from '../errors/container-error.js';
import { AuthenticatedUserRealm } from '../realm/authenticated-user-realm.js';
import { CombinedRealm } from '../realm/combined-realm.js';
import { DataSourceRealm } from '../realm/datasource-realm.js';
import { JNDIRealm } from '../realm/jndi-realm.js';
import type { CredentialHandler } from '../realm/credential-handler.js';
import { LockOutRealm } from '../realm/lock-out-realm.js';
import { MemoryRealm } from '../realm/memory-realm.js';
import { MessageDigestCredentialHandler } from '../realm/message-digest-credential-handler.js';
import { NestedCredentialHandler } from '../realm/nested-credential-handler.js';
import { NullRealm } from '../realm/null-realm.js';
import type { RealmBaseOptions } from '../realm/realm-base.js';
import type { Realm, RealmPolicy } from '../realm/realm.js';
import { ScryptCredentialHandler } from '../realm/scrypt-credential-handler.js';
import { SecretKeyCredentialHandler } from '../realm/secret-key-credential-handler.js';
import { UserDatabaseRealm } from '../realm/user-database-realm.js';
import { loadUserComponent } from './component-factory.js';
import type { GlobalResources } from './global-resources.js';

const REALMS = 'org.apache.catalina.realm.';

export interface RealmDependencies {
  readonly catalinaBase: string;
  readonly resources: GlobalResources;
  readonly logger: Logger;
}

/** The realm of a container and the policy attributes of its outermost `<Realm>` element. */
export function createRealm(config: RealmConfig, dependencies: RealmDependencies): { realm: Realm; policy: RealmPolicy } {
  return { realm: buildRealm(config, dependencies), policy: realmPolicyOf(config) };
}

/**
 * The same `<Realm>` without its backend, for a worker thread of a blocking-style connector, whose realm calls
 * the main thread's (blocking/realm/worker-realm.ts) but answers supportsDigest itself: the same classes and
 * CredentialHandlers, never started; a UserDatabaseRealm or DataSourceRealm is a NullRealm with the same
 * CredentialHandler (RealmBase's supportsDigest is theirs), so no user database is read and no pool is made.
 */
export function createRealmShape(
  config: RealmConfig,
  dependencies: Omit<RealmDependencies, 'resources'>,
): { realm: Realm; policy: RealmPolicy } {
  return { realm: buildRealm(config, { ...dependencies, resources: null }), policy: realmPolicyOf(config) };
}

function realmPolicyOf(config: RealmConfig): RealmPolicy {
  const common = resolveAttributes('Realm', config.attributes, elementOf(config));
  return {
    allRolesMode: common.allRolesMode,
    transportGuaranteeRedirectStatus: common.transportGuaranteeRedirectStatus,
    x509UsernameRetriever: common.X509UsernameRetrieverClassName,
  };
}

/** `resources` null: a shape without backends (createRealmShape). */
type BuildDependencies = Omit<RealmDependencies, 'resources'> & { readonly resources: GlobalResources | null };

function buildRealm(config: RealmConfig, dependencies: BuildDependencies): Realm {
  const { logger, resources } = dependencies;
  const handler = config.credentialHandler === undefined ? undefined : createCredentialHandler(config.credentialHandler, dependencies);
  const base: RealmBaseOptions = handler === undefined ? { logger } : { logger, credentialHandler: handler };
  const nested = (): Realm[] => config.realms.map((realm) => buildRealm(realm, dependencies));
  const element = elementOf(config);
  switch (config.className) {
    case `${REALMS}MemoryRealm`: {
      const { pathname } = resolveAttributes('Realm:MemoryRealm', config.attributes, element);
      return new MemoryRealm({ ...base, pathname, catalinaBase: dependencies.catalinaBase });
    }
    case `${REALMS}UserDatabaseRealm`: {
      const { resourceName, useStaticPrincipal } = resolveAttributes('Realm:UserDatabaseRealm', config.attributes, element);
      if (resources === null) return new NullRealm(base);
      const database = resources.userDatabase(resourceName, `Realm [${config.className}] at ${element}`);
      return new UserDatabaseRealm(database, { ...base, useStaticPrincipal });
    }
    case `${REALMS}DataSourceRealm`: {
      const { dataSourceName, userTable, userNameCol, userCredCol, userRoleTable, roleNameCol } = resolveAttributes(
        'Realm:DataSourceRealm',
        config.attributes,
        element,
      );
      if (resources === null) return new NullRealm(base);
      const dataSource = resources.dataSource(dataSourceName, `Realm [${config.className}] at ${element}`);
      const allRolesMode = resolveAttributes('Realm', config.attributes, element).allRolesMode;
      return new DataSourceRealm(dataSource, { ...base, userTable, userNameCol, userCredCol, userRoleTable, roleNameCol, allRolesMode });
    }
    case `${REALMS}JNDIRealm`: {
      const attributes = resolveAttributes('Realm:JNDIRealm', config.attributes, element);
      return new JNDIRealm({ ...attributes, ...base, catalinaBase: dependencies.catalinaBase });
    }
    case `${REALMS}CombinedRealm`:
      return new CombinedRealm(nested(), { logger });
    case `${REALMS}LockOutRealm`: {
      const options = resolveAttributes('Realm:LockOutRealm', config.attributes, element);
      return new LockOutRealm(nested(), { logger, ...options });
    }
    case `${REALMS}NullRealm`:
      return new NullRealm(base);
    case `${REALMS}AuthenticatedUserRealm`:
      return new AuthenticatedUserRealm(base);
    default:
      return userRealm(config, dependencies.catalinaBase);
  }
}

/** A realm module of the user's (`className="./my-realm.js"`): it must implement the Realm contract. */
function userRealm(config: RealmConfig, catalinaBase: string): Realm {
  if (!isModulePath(config.className)) {
    throw new ConfigError('SV_ERR_CONFIG_CLASS_NOT_FOUND', {
      className: config.className,
      element: elementOf(config),
      detail: 'this version of Serval does not build it',
    });
  }
  const realm = loadUserComponent(config, catalinaBase) as Partial<Realm>;
  for (const method of [
    'authenticate',
    'authenticateVerified',
    'authenticateDigest',
    'supportsDigest',
    'hasRole',
    'start',
    'stop',
  ] as const) {
    if (typeof realm[method] !== 'function') {
      throw new ConfigError('SV_ERR_CONFIG_NOT_A_REALM', {
        className: config.className,
        element: elementOf(config),
        method,
      });
    }
  }
  return realm as Realm;
}

export function createCredentialHandler(
  config: CredentialHandlerConfig,
  dependencies: Pick<RealmDependencies, 'catalinaBase'>,
): CredentialHandler {
  const element = elementOf(config);
  switch (config.className) {
    case `${REALMS}MessageDigestCredentialHandler`: {
      const { algorithm, ...rest } = resolveAttributes('CredentialHandler:MessageDigestCredentialHandler', config.attributes, element);
      return new MessageDigestCredentialHandler(algorithm === undefined ? rest : { ...rest, algorithm });
    }
    case `${REALMS}SecretKeyCredentialHandler`:
      return new SecretKeyCredentialHandler(resolveAttributes('CredentialHandler:SecretKeyCredentialHandler', config.attributes, element));
    case 'serval.realm.ScryptCredentialHandler':
      return new ScryptCredentialHandler(resolveAttributes('CredentialHandler:ScryptCredentialHandler', config.attributes, element));
    case `${REALMS}NestedCredentialHandler`:
      return new NestedCredentialHandler(config.handlers.map((nested) => createCredentialHandler(nested, dependencies)));
    default: {
      const handler = loadUserComponent(config, dependencies.catalinaBase) as Partial<CredentialHandler>;
      if (typeof handler.matches !== 'function' || typeof handler.mutate !== 'function') {
        throw new ConfigError('SV_ERR_CONFIG_NOT_A_REALM', {
          className: config.className,
          element,
          method: typeof handler.matches !== 'function' ? 'matches' : 'mutate',
        });
      }
      return handler as CredentialHandler;
    }
  }
}

/** The element as file:line and path, since a component's error is raised after the file was validated. */
function elementOf(component: ComponentConfig): string {
  return `${component.location.file}:${component.location.line} ${component.location.path}`;
}
