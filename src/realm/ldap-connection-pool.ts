/**
 * A bounded pool of LDAP connections for JNDIRealm, each connected (StartTLS when asked) and bound as the
 * realm's own identity (connectionName, or anonymous) before it is lent out.
 *
 * ldapts reconnects silently when an operation finds its socket closed, and the new socket has neither TLS
 * nor the bind: a password would then cross the network in clear, or a search would run anonymously. So
 * every operation here first checks, in the same synchronous step as the call into ldapts, that the socket
 * the connection was set up on is still open (ldapts reaches its send without awaiting when it is), and a
 * connection whose socket closed is discarded, never reused. A connection that closed while idle (the
 * directory restarted) is replaced at the next acquire, so authentication recovers with no restart.
 *
 * Unlike Tomcat, which opens an extra connection when all pooled ones are busy and closes it afterwards, the
 * pool never holds more than `size` connections: further callers wait for one, so a burst of logins cannot
 * open an unbounded number of connections to the directory.
 */
import { isIP, type Socket } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import { Client, type SearchOptions, type SearchResult } from 'ldapts';
import { ContainerError } from '../errors/container-error.js';

export interface LdapPoolOptions {
  /** Tried in order when a connection is opened (connectionURL, then alternateURL). */
  readonly urls: readonly string[];
  /** TCP connect timeout in ms; 0 = none. */
  readonly connectTimeout: number;
  /** Time an operation may wait for its response, in ms; 0 = none. A timed-out connection is closed. */
  readonly operationTimeout: number;
  /** RFC 4513 §3: StartTLS before anything else is sent. */
  readonly startTls: boolean;
  /** For StartTLS and ldaps:// (trusted CAs…); the host name checked is the URL's. */
  readonly tls: ConnectionOptions;
  /** The realm's own identity; null = anonymous. */
  readonly bindDn: string | null;
  readonly bindPassword: string | null;
  readonly size: number;
}

/**
 * The socket ldapts is using now. Private in ldapts, read here because its own `isConnected` cannot be trusted
 * after StartTLS: ldapts watches only the plain socket's close, and once the TLS socket replaced it, a closed
 * connection still reads as connected (ldapts 8.0.17). Comparing the socket object also tells a silent
 * reconnection apart. Absent (a changed ldapts) reads as closed, so nothing is ever sent on an unknown socket.
 */
function socketOf(client: Client): Socket | undefined {
  return (client as unknown as { readonly socket?: Socket }).socket;
}

/** One connection, lent out by the pool. Its operations never run on a socket other than the one it was set up on. */
export class LdapConnection {
  readonly url: string;
  readonly #client: Client;
  readonly #pool: LdapPoolOptions;
  /** The socket set up (StartTLS, bind) for this connection; the only one its operations may use. */
  #socket: Socket | undefined;
  #socketClosed = false;
  #adopted = false;
  /** A bind other than the realm's own identity happened (a user's, failed or not): rebind before reuse. */
  #identityChanged = false;

  constructor(url: string, client: Client, pool: LdapPoolOptions) {
    this.url = url;
    this.#client = client;
    this.#pool = pool;
  }

  get isOpen(): boolean {
    return this.#socket !== undefined && !this.#socketClosed && socketOf(this.#client) === this.#socket && this.#client.isConnected;
  }

  /** Binds as `dn`: rejects with ldapts' InvalidCredentialsError (…) when the directory refuses it. */
  // async so that a closed socket rejects rather than throws; the check and the ldapts call still run in one synchronous step.
  async bindAs(dn: string, password: string): Promise<void> {
    this.#identityChanged = true;
    this.#checkOpen();
    return this.#client.bind(dn, password);
  }

  async search(base: string, options: SearchOptions): Promise<SearchResult> {
    this.#checkOpen();
    return this.#client.search(base, options);
  }

  /** Back to the realm's own identity (RFC 4511 §4.2.1: after a failed bind the connection is anonymous). */
  async restoreIdentity(): Promise<void> {
    if (!this.#identityChanged) return;
    this.#checkOpen();
    await this.#client.bind(this.#pool.bindDn ?? '', this.#pool.bindPassword ?? '');
    this.#identityChanged = false;
  }

  /** Connects, StartTLS when asked, binds as the realm. Only the pool calls it. */
  async setUp(): Promise<void> {
    const client = this.#client;
    if (this.#pool.startTls) {
      const host = new URL(this.url).hostname.replace(/^\[|\]$/g, '');
      // Node checks the certificate against `servername`, else `host`; an IP address may not be sent as SNI (RFC 6066 §3).
      await client.startTLS({ ...this.#pool.tls, host, ...(isIP(host) === 0 ? { servername: host } : {}) });
    }
    if (this.#pool.startTls) this.#adopt();
    // Also what connects when there is no StartTLS: an anonymous simple bind (empty name and password) without a connectionName.
    this.#checkOpen();
    await client.bind(this.#pool.bindDn ?? '', this.#pool.bindPassword ?? '');
    if (!this.#pool.startTls) this.#adopt();
    this.#checkOpen();
  }

  /** Takes the socket ldapts uses now as this connection's own, and notices when it closes. */
  #adopt(): void {
    const socket = socketOf(this.#client);
    this.#adopted = true;
    this.#socket = socket;
    socket?.once('close', () => {
      this.#socketClosed = true;
    });
  }

  async close(): Promise<void> {
    try {
      await this.#client.unbind();
    } catch {
      // The socket is gone or the server did not answer the unbind; the connection is closed either way.
    }
  }

  #checkOpen(): void {
    // Before setup adopted a socket, ldapts may connect on its own: nothing has been sent that TLS or a bind should cover.
    if (!this.#adopted) return;
    if (!this.isOpen) {
      throw new ContainerError('SV_ERR_REALM_JNDI_CONNECTION_LOST', { url: this.url });
    }
  }
}

export class LdapConnectionPool {
  readonly options: LdapPoolOptions;
  readonly #idle: LdapConnection[] = [];
  readonly #waiters: (() => void)[] = [];
  #open = 0;
  #created = 0;
  #closed = false;

  constructor(options: LdapPoolOptions) {
    this.options = options;
  }

  /** Connections open now (idle or lent out). */
  get openConnections(): number {
    return this.#open;
  }

  /** Connections opened since the pool was made. */
  get createdConnections(): number {
    return this.#created;
  }

  /** Runs `work` on a pooled connection; a connection whose work failed is closed, not reused. */
  async use<T>(work: (connection: LdapConnection) => Promise<T>): Promise<T> {
    const connection = await this.#acquire();
    let reusable = false;
    try {
      const result = await work(connection);
      await connection.restoreIdentity();
      reusable = true;
      return result;
    } finally {
      this.#release(connection, reusable);
    }
  }

  close(): void {
    this.#closed = true;
    const idle = this.#idle.splice(0);
    this.#open -= idle.length;
    for (const connection of idle) void connection.close();
    for (const wake of this.#waiters.splice(0)) wake();
  }

  async #acquire(): Promise<LdapConnection> {
    for (;;) {
      if (this.#closed) throw new ContainerError('SV_ERR_REALM_JNDI_POOL_CLOSED', { url: this.options.urls.join(' ') });
      const idle = this.#idle.pop();
      if (idle !== undefined) {
        if (idle.isOpen) return idle;
        this.#open--;
        continue;
      }
      if (this.#open < this.options.size) {
        this.#open++;
        try {
          return await this.#create();
        } catch (error) {
          this.#open--;
          this.#waiters.shift()?.();
          throw error;
        }
      }
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
  }

  #release(connection: LdapConnection, reusable: boolean): void {
    if (reusable && connection.isOpen && !this.#closed) {
      this.#idle.push(connection);
    } else {
      this.#open--;
      // Not awaited: on a dead TLS socket ldapts may wait for an unbind answer up to the operation timeout (or forever without one).
      void connection.close();
    }
    this.#waiters.shift()?.();
  }

  async #create(): Promise<LdapConnection> {
    let lastError: unknown;
    for (const url of this.options.urls) {
      const client = new Client({
        url,
        connectTimeout: this.options.connectTimeout,
        timeout: this.options.operationTimeout,
        ...(url.startsWith('ldaps:') ? { tlsOptions: this.options.tls } : {}),
      });
      const connection = new LdapConnection(url, client, this.options);
      try {
        await connection.setUp();
        this.#created++;
        return connection;
      } catch (error) {
        lastError = error;
        await connection.close();
      }
    }
    throw lastError;
  }
}
