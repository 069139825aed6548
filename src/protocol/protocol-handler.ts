/** What a Connector drives: one protocol endpoint (HTTP/1.1 or AJP) that accepts connections and feeds the Adapter. */

export interface ProtocolHandlerStats {
  /** Live connections (owning a maxConnections slot). */
  readonly connections: number;
  /** Requests inside Adapter.service(). */
  readonly inFlight: number;
  /** Requests waiting for a maxThreads slot plus connections waiting in the accept queue. */
  readonly queued: number;
}

export interface ProtocolHandler {
  /**
   * Binds the listening socket without serving (Tomcat's bindOnInit): connections wait in the accept queue
   * (acceptCount) until start(). Rejects with SV_ERR_STARTUP_BIND, naming the address and port, when the
   * address is taken, so that a server that cannot listen fails before any webapp is deployed.
   */
  bind(): Promise<void>;
  /** Serves: binds first if bind() was not called. */
  start(): Promise<void>;
  /** Stop taking new requests (they wait) without closing the listener; used during reloads. */
  pause(): void;
  resume(): void;
  /**
   * Stop accepting, close idle connections at once, let requests already accepted finish (their responses
   * carry `Connection: close`), then after gracefulMs destroy what remains.
   */
  stop(gracefulMs: number): Promise<void>;
  /**
   * TLS connectors: re-read the certificate files of every SSLHostConfig, or of the one named, without a
   * restart; new connections use them. Throws (keeping the old ones) when a file is broken.
   */
  reloadSslHostConfigs?(hostName?: string): void;
  readonly localPort: number;
  readonly localAddress: string;
  stats(): ProtocolHandlerStats;
}
