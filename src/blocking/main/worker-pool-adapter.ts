/**
 * The Adapter of a blocking-style connector (Tomcat's BIO endpoint semantics on worker threads): each
 * connection is pinned to one worker of the pool for its keep-alive life, every request of that connection
 * runs there, and the worker is given back when the connection closes. When the share of workers held by
 * connections exceeds disableKeepAlivePercentage, responses close their connection so that connections
 * waiting in the accept queue get a worker (Tomcat's Http11Processor.disableKeepAlive()).
 */
import type { Logger } from 'pino';
import type { PooledWorker } from '../pool/worker-pool.js';
import type { Adapter, Exchange, RejectedRequest } from '../../protocol/exchange.js';
import type { WorkerExecutor } from './worker-executor.js';

interface Pin {
  readonly worker: PooledWorker;
  /** Requests of the connection not yet done (pipelining may queue several). */
  active: number;
  closed: boolean;
}

export interface WorkerPoolAdapterOptions {
  readonly executor: WorkerExecutor;
  /** Index of the connector within its Service: the worker builds the same connector's request settings. */
  readonly connectorIndex: number;
  /** Percent of busy workers above which keep-alive is disabled; 100 or more never disables it. */
  readonly disableKeepAlivePercentage: number;
  /** Rejected requests are logged by the main thread's access logs. */
  readonly rejections: Pick<Adapter, 'logRejected'>;
  readonly logger: Logger;
}

export class WorkerPoolAdapter implements Adapter {
  readonly #options: WorkerPoolAdapterOptions;
  readonly #pins = new Map<string, Pin>();

  constructor(options: WorkerPoolAdapterOptions) {
    this.#options = options;
  }

  /** Connections holding a worker. */
  get pinned(): number {
    return this.#pins.size;
  }

  async service(exchange: Exchange): Promise<void> {
    const pin = await this.#pinFor(exchange);
    if (pin === null) return;
    if (this.#options.disableKeepAlivePercentage < 100 && this.#options.executor.busyPercent > this.#options.disableKeepAlivePercentage) {
      exchange.closeAfterResponse();
    }
    pin.active++;
    try {
      await this.#options.executor.run(pin.worker, exchange, this.#options.connectorIndex);
    } finally {
      pin.active--;
      if (exchange.willClose || exchange.aborted || !pin.worker.alive) pin.closed = true;
      if (pin.closed && pin.active === 0) this.#unpin(exchange.connectionId, pin);
    }
  }

  logRejected(rejected: RejectedRequest): void {
    this.#options.rejections.logRejected(rejected);
  }

  connectionClosed(connectionId: string): void {
    const pin = this.#pins.get(connectionId);
    if (pin === undefined) return;
    pin.closed = true;
    if (pin.active > 0) this.#options.executor.connectionClosed(connectionId);
    else this.#unpin(connectionId, pin);
  }

  async #pinFor(exchange: Exchange): Promise<Pin | null> {
    const id = exchange.connectionId;
    const existing = this.#pins.get(id);
    // A worker that died leaves its connection closing; a request still queued behind it takes a new worker.
    if (existing !== undefined && existing.worker.alive) return existing;
    if (existing !== undefined) this.#pins.delete(id);
    let worker: PooledWorker;
    try {
      worker = await this.#options.executor.acquire(id);
    } catch (error) {
      this.#options.logger.warn({ err: error, connectionId: id }, 'No worker thread for the connection');
      answer503(exchange);
      return null;
    }
    const pin: Pin = { worker, active: 0, closed: false };
    this.#pins.set(id, pin);
    return pin;
  }

  #unpin(connectionId: string, pin: Pin): void {
    if (this.#pins.get(connectionId) === pin) this.#pins.delete(connectionId);
    if (pin.worker.holder === connectionId) this.#options.executor.release(pin.worker);
  }
}

function answer503(exchange: Exchange): void {
  if (exchange.headersSent || exchange.aborted) return;
  const body = Buffer.from('503 Service Unavailable: no worker thread is available\n', 'utf8');
  exchange.closeAfterResponse();
  exchange.writeHead(503, null, [
    ['Content-Type', 'text/plain;charset=utf-8'],
    ['Content-Length', String(body.length)],
  ]);
  exchange.write(body);
  void exchange.end().catch(() => exchange.abort());
}
