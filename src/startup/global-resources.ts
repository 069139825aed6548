/**
 * The resources of `<GlobalNamingResources>` that realms name (`resourceName`, `dataSourceName`): Serval's minimal
 * naming layer, not JNDI. A UserDatabase is one tomcat-users.xml shared by every realm that names it, so an edit
 * of the file is seen by all of them at the next background check. Resources are built when first looked up and
 * released when the server stops.
 */
import type { Logger } from 'pino';
import type { NamingResourceConfig } from '../config/server-config.js';
import { resolveAttributes } from '../config/attribute-values.js';
import { ConfigError } from '../errors/container-error.js';
import { UserDatabase } from '../realm/user-database.js';
import type { DataSource } from '../naming/data-source.js';
import { createDataSource, type PgDataSource } from '../naming/pg-data-source.js';

const USER_DATABASE = 'org.apache.catalina.UserDatabase';
const DATA_SOURCE = 'javax.sql.DataSource';

export class GlobalResources {
  readonly #configs: ReadonlyMap<string, NamingResourceConfig>;
  readonly #catalinaBase: string;
  readonly #logger: Logger;
  readonly #userDatabases = new Map<string, UserDatabase>();
  readonly #dataSources = new Map<string, PgDataSource>();

  constructor(resources: readonly NamingResourceConfig[], catalinaBase: string, logger: Logger) {
    this.#configs = new Map(resources.map((resource) => [resource.name, resource]));
    this.#catalinaBase = catalinaBase;
    this.#logger = logger;
  }

  /** The UserDatabase resource `name`; a realm naming a missing resource, or one of another type, cannot start. */
  userDatabase(name: string, user: string): UserDatabase {
    const existing = this.#userDatabases.get(name);
    if (existing !== undefined) return existing;
    const config = this.#resource(name, USER_DATABASE, user);
    const { pathname, watchSource } = resolveAttributes('Resource:UserDatabase', config.attributes, config.location.path);
    const database = new UserDatabase({
      pathname,
      watchSource,
      catalinaBase: this.#catalinaBase,
      logger: this.#logger,
    });
    this.#userDatabases.set(name, database);
    return database;
  }

  /**
   * The DataSource resource `name`: a pg Pool shared by every realm that names it. Built on first lookup; a server
   * that is down then is not an error (its realm answers 503 until it is back).
   */
  dataSource(name: string, user: string): DataSource {
    const existing = this.#dataSources.get(name);
    if (existing !== undefined) return existing;
    const config = this.#resource(name, DATA_SOURCE, user);
    const dataSource = createDataSource(
      { name, type: config.type, attributes: config.raw, location: config.location },
      { logger: this.#logger },
    );
    this.#dataSources.set(name, dataSource);
    return dataSource;
  }

  /** Releases every resource built (the server stopped). */
  async close(): Promise<void> {
    for (const database of this.#userDatabases.values()) database.close();
    await Promise.all([...this.#dataSources.values()].map((dataSource) => dataSource.end()));
    this.#dataSources.clear();
  }

  #resource(name: string, type: string, user: string): NamingResourceConfig {
    const config = this.#configs.get(name);
    if (config === undefined || config.type !== type) {
      const known = [...this.#configs.values()].filter((c) => c.type === type).map((c) => c.name);
      throw new ConfigError('SV_ERR_NAMING_RESOURCE_NOT_FOUND', { name, type, user, known: known.join(', ') });
    }
    return config;
  }
}
