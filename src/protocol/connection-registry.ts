/** The open connections of one endpoint, so that a stop can close them and wait until the last one is gone. */
import type { Socket } from 'node:net';

export class ConnectionRegistry<C extends { readonly socket: Socket }> {
  readonly #bySocket = new Map<Socket, C>();
  readonly #closeWaiters: Array<() => void> = [];

  get size(): number {
    return this.#bySocket.size;
  }

  get(socket: Socket): C | undefined {
    return this.#bySocket.get(socket);
  }

  values(): IterableIterator<C> {
    return this.#bySocket.values();
  }

  add(connection: C): void {
    this.#bySocket.set(connection.socket, connection);
  }

  /** The connection's socket closed; the last one to go wakes whenClosed(). */
  remove(connection: C): void {
    this.#bySocket.delete(connection.socket);
    if (this.#bySocket.size === 0) for (const wake of this.#closeWaiters.splice(0)) wake();
  }

  /** Resolves once every connection has closed. */
  whenClosed(): Promise<void> {
    if (this.#bySocket.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#closeWaiters.push(resolve));
  }

  destroyAll(): void {
    for (const connection of this.#bySocket.values()) connection.socket.destroy();
  }
}
