/** The Server's shutdown port (Tomcat StandardServer.await) and the client that `catalina stop` uses. */
import { randomInt, timingSafeEqual } from 'node:crypto';
import net from 'node:net';
import { ContainerError } from '../errors/container-error.js';
import { processTimers, type ClockTimers } from '../time/container-clock.js';

export interface ShutdownPortLogger {
  warn(message: string): void;
  debug?(message: string): void;
}

export interface ShutdownPortOptions {
  /** Port to bind (portOffset already applied); negative disables the port, 0 picks an ephemeral one. */
  readonly port: number;
  /** Default `localhost`: the command is unauthenticated, so it is never exposed on all interfaces by default. */
  readonly address?: string | undefined;
  /** The exact, case-sensitive shutdown command (server.xml `shutdown`). */
  readonly command: string;
  readonly logger?: ShutdownPortLogger | undefined;
  /** Tomcat's 10 s socket timeout; configurable only so tests need not wait that long. */
  readonly readTimeoutMs?: number | undefined;
  /**
   * Keep the connection that delivered the accepted command open (never ended by this side), so that the client
   * sees it close only when this process exits: `catalina stop` waits for that (sendShutdownCommandAndWait).
   */
  readonly holdAcceptedConnection?: boolean | undefined;
  /** The clock of the read timeout (tests inject a ManualClock); the process's timers by default. */
  readonly clock?: ClockTimers | undefined;
}

export const DEFAULT_SHUTDOWN_ADDRESS = 'localhost';
const READ_TIMEOUT_MS = 10_000;
/** Tomcat reads at most 1024 characters unless the configured command is longer. */
const BASE_READ_LIMIT = 1024;
/** One connection served plus one waiting: the equivalent of Tomcat's `ServerSocket` backlog of 1. */
const MAX_WAITING = 1;
const LOGGED_COMMAND_CHARS = 64;

export class ShutdownPort {
  readonly #port: number;
  readonly #address: string;
  readonly #command: Buffer;
  readonly #logger: ShutdownPortLogger;
  readonly #readTimeoutMs: number;
  readonly #clock: ClockTimers;
  readonly #holdAccepted: boolean;
  readonly #callbacks: Array<() => void> = [];
  readonly #waiting: net.Socket[] = [];
  #server: net.Server | undefined;
  #current: net.Socket | undefined;
  #triggered = false;

  constructor(options: ShutdownPortOptions) {
    this.#port = options.port;
    this.#address = options.address === undefined || options.address === '' ? DEFAULT_SHUTDOWN_ADDRESS : options.address;
    this.#command = Buffer.from(options.command, 'utf8');
    this.#logger = options.logger ?? { warn: (message) => console.warn(message) };
    this.#readTimeoutMs = options.readTimeoutMs ?? READ_TIMEOUT_MS;
    this.#clock = options.clock ?? processTimers;
    this.#holdAccepted = options.holdAcceptedConnection === true;
  }

  get disabled(): boolean {
    return this.#port < 0;
  }

  /** The bound socket address while listening (for logs and tests); undefined when disabled or closed. */
  get boundAddress(): net.AddressInfo | undefined {
    const bound = this.#server?.address();
    return typeof bound === 'object' && bound !== null ? bound : undefined;
  }

  /** Binds the port; resolves with the bound port (-1 when disabled). */
  listen(): Promise<{ port: number }> {
    if (this.disabled) return Promise.resolve({ port: -1 });
    if (this.#server !== undefined) {
      throw new ContainerError('SV_ERR_LIFECYCLE_INVALID_TRANSITION', {
        action: 'listen',
        component: `ShutdownPort[${this.#address}:${this.#port}]`,
        state: 'LISTENING',
      });
    }
    // pauseOnConnect: nothing is read from a waiting connection until its turn comes.
    // allowHalfOpen: the client ends its side after the command; ours stays open while a held connection waits.
    const server = net.createServer({ pauseOnConnect: true, allowHalfOpen: true }, (socket) => this.#accept(socket));
    this.#server = server;
    return new Promise((resolve, reject) => {
      const onError = (error: NodeJS.ErrnoException): void => {
        this.#server = undefined;
        reject(
          new ContainerError(
            'SV_ERR_STARTUP_SHUTDOWN_BIND',
            { address: this.#address, port: this.#port, detail: error.code ?? error.message },
            { cause: error },
          ),
        );
      };
      server.once('error', onError);
      server.listen({ port: this.#port, host: this.#address, backlog: 1 }, () => {
        server.off('error', onError);
        server.on('error', (error) => this.#logger.warn(`Shutdown port error: ${error.message}`));
        const bound = server.address();
        resolve({ port: typeof bound === 'object' && bound !== null ? bound.port : this.#port });
      });
    });
  }

  /** The callback runs once, when the exact command arrives. */
  onShutdown(callback: () => void): void {
    this.#callbacks.push(callback);
  }

  async close(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    for (const socket of this.#waiting.splice(0)) socket.destroy();
    this.#current?.destroy();
    this.#current = undefined;
    if (server === undefined) return;
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  #accept(socket: net.Socket): void {
    if (this.#server === undefined || this.#triggered) {
      socket.destroy();
      return;
    }
    if (this.#current === undefined) {
      this.#serve(socket);
    } else if (this.#waiting.length < MAX_WAITING) {
      this.#waiting.push(socket);
      // A waiting client that gives up must not keep its place in the queue.
      socket.once('close', () => {
        const index = this.#waiting.indexOf(socket);
        if (index >= 0) this.#waiting.splice(index, 1);
      });
    } else {
      socket.destroy();
    }
  }

  #serve(socket: net.Socket): void {
    this.#current = socket;
    // Tomcat extends the limit by a random amount when the command is longer, so the read length
    // does not reveal the command's length.
    const limit = this.#command.length > BASE_READ_LIMIT ? this.#command.length + randomInt(BASE_READ_LIMIT) : BASE_READ_LIMIT;
    const chunks: Buffer[] = [];
    let received = 0;
    let done = false;
    // A total deadline rather than an idle timeout, so a client dripping one byte at a time cannot
    // hold the (single) connection slot for longer than the read timeout.
    const timer = this.#clock.setTimer(() => finish('timeout'), this.#readTimeoutMs);

    const finish = (reason: 'terminated' | 'timeout' | 'error'): void => {
      if (done) return;
      done = true;
      this.#clock.clearTimer(timer);
      socket.removeAllListeners('data');
      // Served: no longer close()'s to destroy (an accepted connection may be held past it).
      this.#current = undefined;
      const accepted = reason === 'terminated' && this.#evaluate(Buffer.concat(chunks, received));
      if (accepted && this.#holdAccepted) {
        // Left to the process's exit to close; a client that gives up first is no error.
        socket.on('error', () => undefined);
        socket.unref();
      } else {
        socket.destroy();
      }
      if (reason === 'timeout') {
        this.#logger.warn(`Shutdown port: no command received within [${this.#readTimeoutMs}] ms; connection closed`);
      }
      this.#next();
    };

    socket.on('error', () => finish('error'));
    socket.on('end', () => finish('terminated'));
    socket.on('close', () => finish('error'));
    socket.on('data', (data: Buffer) => {
      if (done) return;
      let end = data.length;
      let terminated = false;
      for (let i = 0; i < data.length; i++) {
        const byte = data[i] as number;
        // A control character or DEL ends the command (StandardServer.await).
        if (byte < 0x20 || byte === 0x7f) {
          end = i;
          terminated = true;
          break;
        }
      }
      const room = limit - received;
      if (end >= room) {
        end = room;
        terminated = true;
      }
      chunks.push(data.subarray(0, end));
      received += end;
      if (terminated) finish('terminated');
    });
    socket.resume();
  }

  #next(): void {
    this.#current = undefined;
    if (this.#triggered || this.#server === undefined) return;
    const socket = this.#waiting.shift();
    if (socket === undefined) return;
    if (socket.destroyed) {
      this.#next();
      return;
    }
    this.#serve(socket);
  }

  /** True when `received` is the command (the first time): the shutdown callbacks have run. */
  #evaluate(received: Buffer): boolean {
    if (this.#triggered) return false;
    const matches = received.length === this.#command.length && timingSafeEqual(received, this.#command);
    if (!matches) {
      this.#logger.warn(`Invalid shutdown command received [${describeCommand(received)}]`);
      return false;
    }
    // Like Tomcat's await(), the port stops listening once the command has been accepted.
    this.#triggered = true;
    void this.close();
    for (const callback of this.#callbacks) callback();
    return true;
  }
}

/** Printable form of untrusted bytes for the log: truncated, with non-printables as \xNN escapes. */
function describeCommand(received: Buffer): string {
  const shown = received.subarray(0, LOGGED_COMMAND_CHARS);
  let text = '';
  for (const byte of shown) {
    text += byte >= 0x20 && byte < 0x7f && byte !== 0x5c ? String.fromCharCode(byte) : `\\x${byte.toString(16).padStart(2, '0')}`;
  }
  return received.length > shown.length ? `${text}... (${received.length} bytes)` : text;
}

export interface ShutdownCommandTarget {
  readonly port: number;
  readonly address?: string | undefined;
  readonly command: string;
  readonly timeoutMs?: number | undefined;
}

/** What `catalina stop` does (Catalina.stopServer): connect, write the command, close. */
export async function sendShutdownCommand(target: ShutdownCommandTarget): Promise<void> {
  await deliver(target, undefined);
}

/**
 * Sends the command like sendShutdownCommand, then waits up to `waitMs` for the server to close the connection, which
 * a Serval server does only by exiting (holdAcceptedConnection). Resolves true when it closed within the wait, false
 * when it is still open; rejects when the command could not be sent.
 */
export function sendShutdownCommandAndWait(target: ShutdownCommandTarget, waitMs: number, onSent?: () => void): Promise<boolean> {
  return deliver(target, waitMs, onSent);
}

function deliver(target: ShutdownCommandTarget, waitMs: number | undefined, onSent?: () => void): Promise<boolean> {
  const address = target.address === undefined || target.address === '' ? DEFAULT_SHUTDOWN_ADDRESS : target.address;
  const fail = (detail: string, cause?: unknown): ContainerError =>
    new ContainerError('SV_ERR_STARTUP_SHUTDOWN_PORT', { address, port: target.port, detail }, { cause });
  if (target.port < 0) {
    return Promise.reject(fail('the shutdown port is disabled (Server port is negative)'));
  }
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port: target.port, host: address });
    let settled = false;
    let sent = false;
    const settle = (outcome: boolean | ContainerError): void => {
      if (settled) return;
      settled = true;
      clearTimeout(waitTimer);
      socket.destroy();
      if (outcome instanceof ContainerError) reject(outcome);
      else resolve(outcome);
    };
    let waitTimer: NodeJS.Timeout | undefined;
    socket.setTimeout(target.timeoutMs ?? READ_TIMEOUT_MS, () => {
      if (!sent) settle(fail('timed out'));
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      // Once the command is out, a reset is the server's process going away.
      if (sent) return settle(true);
      const detail =
        error.code === 'ECONNREFUSED' ? 'connection refused (is the server running, and is this its Server port?)' : error.message;
      settle(fail(detail, error));
    });
    socket.once('connect', () => {
      socket.end(Buffer.from(target.command, 'utf8'), () => {
        sent = true;
        onSent?.();
        if (waitMs === undefined) return settle(true);
        socket.setTimeout(0);
        waitTimer = setTimeout(() => settle(false), waitMs);
        socket.resume();
        socket.once('close', () => settle(true));
      });
    });
  });
}
