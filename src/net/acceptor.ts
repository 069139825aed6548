/**
 * The connector's accept loop: binds the listening socket, counts live connections against maxConnections
 * and holds the overflow, paused, in a FIFO of up to acceptCount sockets (Tomcat's endpoint limit latch).
 * On a TLS connector each connection is handed over only once its handshake has completed.
 */
import net from 'node:net';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { Logger } from 'pino';
import { ContainerError } from '../errors/container-error.js';
import { formatMessage } from '../errors/codes.js';
import type { ClockTimer, ContainerClock } from '../time/container-clock.js';
import { TlsContexts, type TlsSettings } from './tls-context.js';

export interface AcceptorOptions {
  readonly port: number;
  /** undefined = all addresses. */
  readonly address: string | undefined;
  /** Kernel listen backlog (acceptCount). */
  readonly backlog: number;
  /** Infinity = unlimited. */
  readonly maxConnections: number;
  /** How many accepted sockets may wait for a free slot; beyond that they are closed. */
  readonly acceptQueueLength: number;
  readonly noDelay: boolean;
  /** Set on a TLS connector (SSLEnabled="true"): the SSLHostConfigs and the handshake timeout. */
  readonly tls?: TlsSettings | undefined;
  /** The Server's clock, which bounds the TLS handshake. */
  readonly clock: ContainerClock;
}

/** Called with a socket that owns a slot; the socket is still paused (a TLSSocket, handshake done, on a TLS connector). */
export type ConnectionHandler = (socket: Socket) => void;

/** Node reports IPv4 peers of a dual-stack socket as `::ffff:a.b.c.d`; logs and access checks want `a.b.c.d`. */
export function normalizeAddress(address: string | undefined): string {
  if (address === undefined) return '';
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}

export class Acceptor {
  readonly #options: AcceptorOptions;
  readonly #onConnection: ConnectionHandler;
  readonly #logger: Logger;
  readonly #server: net.Server;
  readonly #tls: TlsContexts | undefined;
  readonly #queue: Socket[] = [];
  readonly #live = new Set<Socket>();
  #paused = false;
  #listening = false;
  #binding = false;
  #refusedLogged = 0;

  constructor(options: AcceptorOptions, onConnection: ConnectionHandler, logger: Logger) {
    this.#options = options;
    this.#onConnection = onConnection;
    this.#logger = logger;
    this.#tls = options.tls === undefined ? undefined : new TlsContexts(options.tls);
    // allowHalfOpen as http.Server does: node:http decides itself what a client's FIN means.
    this.#server = net.createServer({ pauseOnConnect: true, allowHalfOpen: true, noDelay: options.noDelay });
    this.#server.on('connection', (socket) => this.#accept(socket));
    // While listen() is under way its own handler reports a failure (SV_ERR_STARTUP_BIND): not logged twice.
    this.#server.on('error', (error) => {
      if (this.#binding) return;
      this.#logger.error({ err: error }, 'Acceptor error');
    });
  }

  get connections(): number {
    return this.#live.size;
  }

  get queued(): number {
    return this.#queue.length;
  }

  get localPort(): number {
    const address = this.#server.address();
    return address !== null && typeof address === 'object' ? address.port : -1;
  }

  get localAddress(): string {
    const address = this.#server.address();
    return address !== null && typeof address === 'object' ? normalizeAddress(address.address) : '';
  }

  /** True when connections are wrapped in TLS. */
  get secure(): boolean {
    return this.#tls !== undefined;
  }

  /**
   * Binds the port. A TLS connector first loads its certificates, so a broken one fails the start with
   * SV_ERR_TLS_CERTIFICATE naming the file instead of failing every handshake later.
   */
  listen(): Promise<void> {
    const { port, address, backlog } = this.#options;
    try {
      this.#tls?.load();
    } catch (error) {
      return Promise.reject(error);
    }
    this.#binding = true;
    return new Promise((resolve, reject) => {
      const onError = (error: Error): void => {
        this.#binding = false;
        reject(new ContainerError('SV_ERR_STARTUP_BIND', { address: address ?? '0.0.0.0', port, detail: error.message }, { cause: error }));
      };
      this.#server.once('error', onError);
      const listenOptions: net.ListenOptions = { port, backlog: Number.isFinite(backlog) ? backlog : 511 };
      if (address !== undefined) listenOptions.host = address;
      this.#server.listen(listenOptions, () => {
        this.#server.off('error', onError);
        this.#binding = false;
        this.#listening = true;
        resolve();
      });
    });
  }

  /**
   * Re-reads the PEM files of every SSLHostConfig (or of the one named) while running: new connections use
   * the new certificates, established ones keep theirs. On failure nothing changes and the error is thrown.
   */
  reloadTls(hostName?: string): void {
    if (this.#tls === undefined) return;
    this.#tls.load(hostName);
    this.#logger.info({ hostName: hostName ?? '*' }, 'TLS certificates reloaded');
  }

  /** New connections wait in the accept queue instead of being handed over. */
  pause(): void {
    this.#paused = true;
  }

  resume(): void {
    this.#paused = false;
    this.#handOverQueued();
  }

  /** Stops listening and closes the sockets still waiting for a slot; live connections are the caller's. */
  close(): void {
    for (const socket of this.#queue.splice(0)) socket.destroy();
    if (!this.#listening) return;
    this.#listening = false;
    // The listening handle closes at once; close()'s callback would wait for every live connection to end,
    // which is the graceful drain's business, not the acceptor's.
    this.#server.close(() => undefined);
  }

  /** Live sockets, e.g. to destroy what is left after a graceful stop timed out. */
  liveSockets(): readonly Socket[] {
    return [...this.#live];
  }

  #accept(socket: Socket): void {
    // A socket without an 'error' listener turns a client RST into a process crash.
    socket.on('error', () => undefined);
    if (!this.#paused && this.#live.size < this.#options.maxConnections && this.#queue.length === 0) {
      this.#handOver(socket);
      return;
    }
    if (this.#queue.length < this.#options.acceptQueueLength) {
      this.#queue.push(socket);
      socket.once('close', () => {
        const index = this.#queue.indexOf(socket);
        if (index >= 0) this.#queue.splice(index, 1);
      });
      return;
    }
    this.#refuse(socket);
  }

  #handOver(socket: Socket): void {
    this.#live.add(socket);
    socket.once('close', () => {
      this.#live.delete(socket);
      this.#handOverQueued();
    });
    if (this.#tls !== undefined) {
      this.#handshake(socket, this.#tls);
      return;
    }
    try {
      this.#onConnection(socket);
    } catch (error) {
      this.#logger.error({ err: error }, 'Connection handler failed');
      socket.destroy();
    }
  }

  /**
   * Runs the server side of the TLS handshake over an accepted socket, which keeps its slot throughout; the
   * handshake is bounded by connectionTimeout, as Tomcat bounds it by its socket read timeout.
   */
  #handshake(raw: Socket, contexts: TlsContexts): void {
    const remote = `${normalizeAddress(raw.remoteAddress)}:${raw.remotePort ?? ''}`;
    const limit = this.#options.tls?.handshakeTimeout ?? Infinity;
    const clock = this.#options.clock;
    let timer: ClockTimer | undefined;
    const fail = (detail: string): void => {
      clock.clearTimer(timer);
      this.#logger.debug({ code: 'SV_ERR_TLS_HANDSHAKE' }, formatMessage('SV_ERR_TLS_HANDSHAKE', { remote, detail }));
      // Closing the accepted socket closes the TLS socket over it.
      raw.destroy();
    };
    if (Number.isFinite(limit)) {
      timer = clock.setTimer(() => {
        this.#logger.debug({ code: 'SV_ERR_TLS_HANDSHAKE_TIMEOUT' }, formatMessage('SV_ERR_TLS_HANDSHAKE_TIMEOUT', { remote, limit }));
        raw.destroy();
      }, limit);
    }
    raw.once('close', () => clock.clearTimer(timer));
    contexts.handshake(raw, {
      failed: fail,
      secure: (secure: TLSSocket) => {
        clock.clearTimer(timer);
        const problem = contexts.peerProblem(secure);
        if (problem !== undefined) {
          this.#logger.debug(
            { code: 'SV_ERR_TLS_CLIENT_CERT_REJECTED' },
            formatMessage('SV_ERR_TLS_CLIENT_CERT_REJECTED', { remote, ...problem }),
          );
          secure.destroy();
          return;
        }
        try {
          this.#onConnection(secure);
        } catch (error) {
          this.#logger.error({ err: error }, 'Connection handler failed');
          secure.destroy();
        }
      },
    });
  }

  #handOverQueued(): void {
    while (!this.#paused && this.#queue.length > 0 && this.#live.size < this.#options.maxConnections) {
      const socket = this.#queue.shift() as Socket;
      if (socket.destroyed) continue;
      this.#handOver(socket);
    }
  }

  #refuse(socket: Socket): void {
    // Logged at debug and sampled: under overload this fires for every connection attempt.
    if (this.#refusedLogged++ % 1000 === 0) {
      this.#logger.debug(
        { code: 'SV_ERR_HTTP_CONNECTION_REFUSED', refused: this.#refusedLogged },
        formatMessage('SV_ERR_HTTP_CONNECTION_REFUSED', {
          remote: `${normalizeAddress(socket.remoteAddress)}:${socket.remotePort ?? ''}`,
          maxConnections: this.#options.maxConnections,
          acceptCount: this.#options.acceptQueueLength,
        }),
      );
    }
    socket.destroy();
  }
}
