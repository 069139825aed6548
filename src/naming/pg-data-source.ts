/**
 * The DataSource a `<Resource type="javax.sql.DataSource">` becomes: a pg Pool configured by
 * dataSourceSettings(), with what DBCP does around it that pg-pool does not: validation of a connection
 * before use (testOnBorrow/testOnCreate with validationQuery), statements run on every new connection
 * (connectionInitSqls), connections opened at start (initialSize), and a connect timeout of its own
 * (pgjdbc connectTimeout) apart from the wait for a free connection (DBCP maxWaitMillis).
 *
 * A pg Pool emits 'error' when an idle connection fails (the server restarted, a network cut); with no
 * listener that event would end the process. Here it is logged and the connection dropped; a connection that
 * fails while lent to a query is dropped too, so the next query after an outage opens a fresh one.
 */
import { readFileSync } from 'node:fs';
import type { Logger } from 'pino';
import pg from 'pg';
import { ContainerError } from '../errors/container-error.js';
import { logCoded } from '../logging/logger.js';
import type { DataSource } from './data-source.js';
import { dataSourceSettings, type DataSourceSettings } from './pg-settings.js';
import type { ResourceConfig } from './resource-config.js';

export interface PgDataSourceOptions {
  /** Where dropped connections and a failed warm-up are logged; without one they are dropped silently. */
  readonly logger?: Logger;
}

/**
 * Creates the DataSource of a `<Resource type="javax.sql.DataSource">`. Throws a ConfigError for a resource
 * whose attributes cannot be honoured (nothing is connected then). Connections are opened on first use, or
 * in the background when initialSize is set; a server that is down at start is not an error here.
 */
export function createDataSource(resource: ResourceConfig, options: PgDataSourceOptions = {}): PgDataSource {
  return new PgDataSource(dataSourceSettings(resource), options);
}

export class PgDataSource implements DataSource {
  readonly name: string;
  readonly settings: DataSourceSettings;
  readonly #pool: pg.Pool;
  readonly #logger: Logger | undefined;
  /** Settles once the initialSize connections are open, or their failure is logged; never rejects. */
  readonly warmedUp: Promise<void>;
  /** Connections that have been lent out before: on their next use they count as borrowed, not created (DBCP's testOnBorrow vs testOnCreate). */
  readonly #used = new WeakSet<pg.PoolClient>();

  constructor(settings: DataSourceSettings, options: PgDataSourceOptions = {}) {
    this.name = settings.name;
    this.settings = settings;
    this.#logger = options.logger;
    const config: pg.PoolConfig = { ...settings.pool };
    if (settings.sslRootCertFile !== null && config.ssl !== false && config.ssl !== undefined && config.ssl !== true) {
      config.ssl = { ...config.ssl, ca: readSslFile(settings, settings.sslRootCertFile) };
      // verify-ca: the chain is checked, the host name is not (pgjdbc and libpq alike).
    }
    if (settings.sslMode === 'verify-ca' && typeof config.ssl === 'object')
      config.ssl = { ...config.ssl, checkServerIdentity: () => undefined };
    config.Client = clientWithConnectTimeout(settings.connectTimeoutMillis);
    this.#pool = new pg.Pool(config);
    this.#pool.on('error', (error) => {
      if (this.#logger !== undefined) {
        logCoded(this.#logger, 'warn', {
          code: 'SV_MSG_NAMING_CONNECTION_DROPPED',
          params: { resource: this.name, detail: error.message },
        });
      }
    });
    this.warmedUp = settings.initialSize > 0 ? this.#warmUp(settings.initialSize) : Promise.resolve();
  }

  async query<R>(text: string, values?: unknown[]): Promise<{ rows: R[] }> {
    const client = await this.#borrow();
    try {
      const result = await client.query(text, values);
      this.#giveBack(client, false);
      return { rows: result.rows as R[] };
    } catch (error) {
      this.#giveBack(client, isConnectionFailure(error));
      throw error;
    }
  }

  async end(): Promise<void> {
    if (!this.#pool.ending) await this.#pool.end();
  }

  /** Connections open now (idle or in use), for tests and diagnostics. */
  get totalCount(): number {
    return this.#pool.totalCount;
  }

  /**
   * A connection ready for a statement. A borrowed one that fails validation is dropped and another taken (so
   * the first query after a server restart does not fail on a dead pooled connection); a new one that fails is
   * an error, as in DBCP.
   */
  async #borrow(): Promise<pg.PoolClient> {
    for (;;) {
      const client = await this.#pool.connect();
      // While lent out the pool listens to nothing on it; an 'error' without a listener would end the process.
      client.on('error', ignoreWhileLent);
      const created = !this.#used.has(client);
      this.#used.add(client);
      try {
        // DBCP runs connectionInitSqls once on each new connection, before it is validated or used.
        if (created) for (const sql of this.settings.connectionInitSqls) await client.query(sql);
        if (!(created ? this.settings.testOnCreate : this.settings.testOnBorrow)) return client;
        const timeout = this.settings.validationQueryTimeoutMillis;
        await client.query({ text: this.settings.validationQuery ?? '', ...(timeout > 0 ? { query_timeout: timeout } : {}) });
        return client;
      } catch (error) {
        this.#giveBack(client, true);
        if (created) throw error;
      }
    }
  }

  /** Returns a connection to the pool, or closes it when it can no longer be trusted. */
  #giveBack(client: pg.PoolClient, broken: boolean): void {
    client.removeListener('error', ignoreWhileLent);
    client.release(broken);
  }

  async #warmUp(count: number): Promise<void> {
    const clients: pg.PoolClient[] = [];
    try {
      for (let i = 0; i < count; i++) clients.push(await this.#borrow());
    } catch (error) {
      if (this.#logger !== undefined) {
        logCoded(this.#logger, 'warn', {
          code: 'SV_MSG_NAMING_WARM_UP_FAILED',
          params: { resource: this.name, count, detail: error instanceof Error ? error.message : String(error) },
        });
      }
    } finally {
      for (const client of clients) this.#giveBack(client, false);
    }
  }
}

function ignoreWhileLent(): void {
  // The query running on the connection rejects with the same failure; the connection is dropped on return.
}

/** An SQL error leaves the connection usable; anything else (closed socket, timeout, protocol error) does not. */
function isConnectionFailure(error: unknown): boolean {
  return !(error instanceof pg.DatabaseError);
}

/**
 * pg-pool passes its own connectionTimeoutMillis (the wait for a free connection, DBCP maxWaitMillis) to every
 * client it creates; pgjdbc limits opening a connection separately (connectTimeout). The pool's options object
 * hides the password as a non-enumerable property, so it is copied with its descriptors.
 */
function clientWithConnectTimeout(connectTimeoutMillis: number): typeof pg.Client {
  return class extends pg.Client {
    constructor(config?: pg.ClientConfig) {
      const copy = Object.defineProperties({}, Object.getOwnPropertyDescriptors(config ?? {})) as pg.ClientConfig;
      copy.connectionTimeoutMillis = connectTimeoutMillis;
      super(copy);
    }
  };
}

function readSslFile(settings: DataSourceSettings, file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new ContainerError(
      'SV_ERR_NAMING_SSL_FILE',
      { resource: settings.name, parameter: 'sslrootcert', file, detail: (error as Error).message },
      { cause: error },
    );
  }
}
