/**
 * A bounded pool of worker threads for the blocking-style endpoint (Tomcat's executor for BIO connectors):
 * starts up to maxThreads workers from one entry script, keeps minSpareThreads ready, hands out one idle worker
 * per holder (a connection, for its keep-alive life), replaces workers that exit, retires workers above
 * minSpareThreads once they have been idle for maxIdleTime, and drains them on stop.
 * It knows the ready handshake and the per-worker channels; every other message goes to the owner.
 */
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import type { Logger } from 'pino';
import { ContainerError } from '../../errors/container-error.js';
import { errorFromData } from './error-data.js';
import { PortInbox } from './port-inbox.js';
import {
  SIGNAL_BODY,
  SIGNAL_REPLY,
  SIGNAL_SLOTS,
  type BodyMessage,
  type ReplyMessage,
  type WorkerChannelData,
} from '../messages/channel.js';
import { forEachMessage, type MainToWorker, type WorkerPost, type WorkerToMain } from '../messages/worker-messages.js';

export interface WorkerPoolOptions {
  /** Used in thread names and logs (`http-bio-8080`, or the Executor's name). */
  readonly name: string;
  readonly maxThreads: number;
  /** Workers kept started even when idle; the pool starts this many (at most maxThreads) in start(). */
  readonly minSpareThreads: number;
  /** Absolute path of the compiled worker entry script. */
  readonly script: string;
  /** Passed to every worker as workerData.init (must be structured-cloneable). */
  readonly init: unknown;
  readonly logger: Logger;
  /** How long a worker may take to build its container tree and post 'ready'. */
  readonly startTimeoutMs?: number;
  /**
   * Idle time after which a worker above minSpareThreads is stopped (Tomcat's Executor maxIdleTime, default
   * 60000 ms); Infinity keeps every started worker.
   */
  readonly maxIdleTimeMs?: number;
}

/** How long a retired worker may take to stop its container tree before it is terminated. */
const RETIRE_GRACE_MS = 10_000;

export interface WorkerPoolEvents {
  onMessage(worker: PooledWorker, message: WorkerToMain): void;
  /** A worker exited (crash, process.exit in a servlet, or stop); it is already out of the pool. */
  onExit(worker: PooledWorker, exitCode: number, error: Error | undefined): void;
}

export type PooledWorkerState = 'starting' | 'ready' | 'stopping' | 'exited';

/**
 * Messages crossing between the main thread and the pool's workers, one per postMessage (a batch counts once):
 * each wakes the receiving thread, which is most of what a request on a worker costs beyond the servlet.
 */
export interface PoolTraffic {
  toWorkers: number;
  fromWorkers: number;
}

export class PooledWorker {
  readonly id: number;
  readonly thread: Worker;
  readonly #bodyPort: MessagePort;
  readonly #replyPort: MessagePort;
  readonly #signal: Int32Array;
  readonly #traffic: PoolTraffic;
  state: PooledWorkerState = 'starting';
  /** Whoever holds the worker (a connection); null when idle. */
  holder: string | null = null;
  /** Set when the worker reported an error before exiting. */
  error: Error | undefined;
  /** performance.now() when the worker last became idle (ready, or released by its holder). */
  idleSince = 0;

  constructor(id: number, thread: Worker, bodyPort: MessagePort, replyPort: MessagePort, signal: Int32Array, traffic: PoolTraffic) {
    this.id = id;
    this.thread = thread;
    this.#bodyPort = bodyPort;
    this.#replyPort = replyPort;
    this.#signal = signal;
    this.#traffic = traffic;
  }

  get alive(): boolean {
    return this.state === 'ready' || this.state === 'starting';
  }

  post(message: MainToWorker, transfer: readonly ArrayBuffer[] = []): void {
    if (this.state === 'exited') return;
    this.#traffic.toWorkers++;
    this.thread.postMessage(message, transfer);
  }

  /** Body chunks go to the port the worker reads itself (it may be blocked in a synchronous read). */
  postBody(message: BodyMessage, transfer: readonly ArrayBuffer[] = []): void {
    if (this.state === 'exited') return;
    this.#traffic.toWorkers++;
    this.#bodyPort.postMessage(message, transfer);
    PortInbox.notify(this.#signal, SIGNAL_BODY);
  }

  /** The answer to a synchronous call: the worker waits for it in Atomics.wait. */
  reply(message: ReplyMessage): void {
    if (this.state === 'exited') return;
    this.#traffic.toWorkers++;
    this.#replyPort.postMessage(message);
    PortInbox.notify(this.#signal, SIGNAL_REPLY);
  }

  closePorts(): void {
    this.#bodyPort.close();
    this.#replyPort.close();
  }
}

interface Waiter {
  readonly holder: string;
  resolve(worker: PooledWorker): void;
  reject(error: Error): void;
}

export class WorkerPool {
  readonly #options: WorkerPoolOptions;
  readonly #events: WorkerPoolEvents;
  readonly #workers = new Set<PooledWorker>();
  readonly #waiters: Waiter[] = [];
  readonly #exits = new Map<PooledWorker, Promise<void>>();
  #nextId = 0;
  #running = false;
  #startFailures = 0;
  #idleTimer: NodeJS.Timeout | null = null;
  readonly #traffic: PoolTraffic = { toWorkers: 0, fromWorkers: 0 };

  constructor(options: WorkerPoolOptions, events: WorkerPoolEvents) {
    this.#options = options;
    this.#events = events;
  }

  get name(): string {
    return this.#options.name;
  }

  get maxThreads(): number {
    return this.#options.maxThreads;
  }

  /** Workers started or starting. */
  get threads(): number {
    let count = 0;
    for (const worker of this.#workers) if (worker.alive) count++;
    return count;
  }

  /** Workers held by a connection. */
  get busy(): number {
    let count = 0;
    for (const worker of this.#workers) if (worker.holder !== null && worker.alive) count++;
    return count;
  }

  get waiting(): number {
    return this.#waiters.length;
  }

  /** Messages posted each way since the pool was created (a snapshot). */
  get traffic(): Readonly<PoolTraffic> {
    return { ...this.#traffic };
  }

  /** Workers started or starting (a message posted to a starting one is read once it has built its tree). */
  get workers(): readonly PooledWorker[] {
    return [...this.#workers].filter((worker) => worker.alive);
  }

  /** Starts min(minSpareThreads, maxThreads) workers (at least one) and waits until they are ready. */
  async start(): Promise<void> {
    this.#running = true;
    const maxIdle = this.#options.maxIdleTimeMs ?? 60_000;
    if (Number.isFinite(maxIdle)) {
      // A sweep a few times per maxIdleTime: a worker goes at most a quarter of it late (Tomcat's threads time
      // out on their own queue poll; one timer does the same for the whole pool).
      this.#idleTimer = setInterval(() => this.#retireIdle(maxIdle), Math.min(Math.max(maxIdle / 4, 10), 5000));
      this.#idleTimer.unref();
    }
    const count = Math.max(1, Math.min(this.#options.minSpareThreads, this.#options.maxThreads));
    const started = Array.from({ length: count }, () => this.#spawn());
    const results = await Promise.allSettled(started.map((worker) => this.#whenReady(worker)));
    const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failed !== undefined) {
      await this.stop(0);
      throw failed.reason;
    }
  }

  /** An idle ready worker for `holder`, started if needed; waits (FIFO) while all maxThreads are held. */
  acquire(holder: string): Promise<PooledWorker> {
    if (!this.#running) return Promise.reject(this.#stoppedError());
    const idle = this.#idle();
    if (idle !== undefined && this.#waiters.length === 0) {
      idle.holder = holder;
      this.#keepSpares();
      return Promise.resolve(idle);
    }
    return new Promise<PooledWorker>((resolve, reject) => {
      this.#waiters.push({ holder, resolve, reject });
      this.#keepSpares();
    });
  }

  release(worker: PooledWorker): void {
    worker.holder = null;
    worker.idleSince = performance.now();
    this.#serveWaiters();
  }

  /**
   * Graceful stop: no new holders; every worker is asked to finish what it received, stop its container tree
   * and exit; after gracefulMs the ones still running are terminated.
   */
  async stop(gracefulMs: number): Promise<void> {
    this.#running = false;
    if (this.#idleTimer !== null) clearInterval(this.#idleTimer);
    this.#idleTimer = null;
    for (const waiter of this.#waiters.splice(0)) waiter.reject(this.#stoppedError());
    for (const worker of this.#workers) {
      if (worker.state === 'exited') continue;
      worker.state = 'stopping';
      worker.post({ type: 'stop' });
    }
    const exits = [...this.#exits.values()];
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, Math.max(0, gracefulMs));
    });
    await Promise.race([Promise.all(exits), deadline]);
    clearTimeout(timer);
    await Promise.all([...this.#workers].map((worker) => worker.thread.terminate()));
    await Promise.all(exits);
  }

  /**
   * Stops the workers idle for maxIdleTime or longer, longest idle first, while more than minSpareThreads run.
   * One idle worker always stays (the spare #keepSpares would otherwise start again at once).
   */
  #retireIdle(maxIdleMs: number): void {
    if (!this.#running) return;
    const now = performance.now();
    const idle = [...this.#workers]
      .filter((worker) => worker.state === 'ready' && worker.holder === null)
      .sort((a, b) => a.idleSince - b.idleSince);
    let threads = this.threads;
    let unheld = idle.length;
    const floor = Math.min(this.#options.minSpareThreads, this.#options.maxThreads);
    for (const worker of idle) {
      if (threads <= Math.max(floor, 1) || unheld <= 1 || now - worker.idleSince < maxIdleMs) break;
      worker.state = 'stopping';
      worker.post({ type: 'stop' });
      setTimeout(() => void worker.thread.terminate(), RETIRE_GRACE_MS).unref();
      threads--;
      unheld--;
      this.#options.logger.debug(
        { worker: worker.id, pool: this.#options.name },
        `Worker thread idle for [${Math.round(now - worker.idleSince)}] ms retired`,
      );
    }
  }

  #idle(): PooledWorker | undefined {
    for (const worker of this.#workers) if (worker.state === 'ready' && worker.holder === null) return worker;
    return undefined;
  }

  #serveWaiters(): void {
    while (this.#waiters.length > 0) {
      const idle = this.#idle();
      if (idle === undefined) break;
      const waiter = this.#waiters.shift() as Waiter;
      idle.holder = waiter.holder;
      waiter.resolve(idle);
    }
    this.#keepSpares();
  }

  /**
   * Starts workers so that every waiter and one more can be served at once and at least minSpareThreads run
   * (a replaced worker counts), within maxThreads.
   */
  #keepSpares(): void {
    if (!this.#running) return;
    let unheld = 0;
    for (const worker of this.#workers) if (worker.alive && worker.holder === null) unheld++;
    // One idle worker beyond the waiters, so the next connection does not wait for a worker to start.
    const wanted = this.#waiters.length + 1;
    // Workers that keep failing to start are not restarted in a loop: only waiters trigger new attempts.
    const spareGoal = this.#startFailures > 0 ? this.#waiters.length : wanted;
    const floor = this.#startFailures > 0 ? 0 : Math.min(this.#options.minSpareThreads, this.#options.maxThreads);
    let threads = this.threads;
    while ((unheld < spareGoal || threads < floor) && threads < this.#options.maxThreads) {
      // Nobody waits for a spare: its failure to start is logged here (start() throws its own to the caller).
      this.#whenReady(this.#spawn()).catch((error: unknown) => {
        this.#options.logger.error({ err: error, code: 'SV_ERR_WORKER_START_FAILED' }, (error as Error).message);
      });
      unheld++;
      threads++;
    }
  }

  #spawn(): PooledWorker {
    const id = ++this.#nextId;
    const body = new MessageChannel();
    const reply = new MessageChannel();
    const signal = new SharedArrayBuffer(SIGNAL_SLOTS * Int32Array.BYTES_PER_ELEMENT);
    const channel: WorkerChannelData = { workerId: id, bodyPort: body.port2, replyPort: reply.port2, signal };
    const thread = new Worker(this.#options.script, {
      name: `${this.#options.name}-exec-${id}`,
      workerData: { channel, init: this.#options.init },
      transferList: [body.port2, reply.port2],
    });
    const worker = new PooledWorker(id, thread, body.port1, reply.port1, new Int32Array(signal), this.#traffic);
    this.#workers.add(worker);
    thread.on('message', (post: WorkerPost) => {
      this.#traffic.fromWorkers++;
      forEachMessage(post, (message) => this.#onMessage(worker, message));
    });
    thread.on('error', (error) => {
      worker.error = error;
    });
    this.#exits.set(
      worker,
      new Promise<void>((resolve) => {
        thread.once('exit', (code) => {
          this.#onExit(worker, code);
          resolve();
        });
      }),
    );
    return worker;
  }

  #whenReady(worker: PooledWorker): Promise<void> {
    if (worker.state === 'ready') return Promise.resolve();
    const timeoutMs = this.#options.startTimeoutMs ?? 60_000;
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        fail(new ContainerError('SV_ERR_WORKER_START_TIMEOUT', { worker: worker.id, pool: this.#options.name, limit: timeoutMs }));
        // terminate() only fulfils (with the exit code); the exit itself is handled by #onExit.
        void worker.thread.terminate();
      }, timeoutMs);
      const onMessage = (post: WorkerPost): void =>
        forEachMessage(post, (message) => {
          if (message.type === 'ready') done(resolve);
          else if (message.type === 'start-failed') fail(this.#startFailed(worker, errorFromData(message.error)));
        });
      const onExit = (code: number): void => fail(this.#exitedAtStart(worker, code));
      const done = (settle: () => void): void => {
        clearTimeout(timer);
        worker.thread.off('message', onMessage);
        worker.thread.off('exit', onExit);
        settle();
      };
      const fail = (error: ContainerError): void =>
        done(() => {
          this.#startFailures++;
          reject(error);
        });
      worker.thread.on('message', onMessage);
      worker.thread.once('exit', onExit);
    });
  }

  #onMessage(worker: PooledWorker, message: WorkerToMain): void {
    if (message.type === 'ready') {
      if (worker.state === 'starting') worker.state = 'ready';
      worker.idleSince = performance.now();
      this.#startFailures = 0;
      this.#serveWaiters();
      return;
    }
    // 'start-failed' is reported by #whenReady, which every worker start goes through.
    if (message.type === 'start-failed') return;
    this.#events.onMessage(worker, message);
  }

  #onExit(worker: PooledWorker, code: number): void {
    const wasRunning = worker.state === 'ready' || worker.state === 'starting';
    worker.state = 'exited';
    worker.closePorts();
    this.#workers.delete(worker);
    this.#exits.delete(worker);
    this.#events.onExit(worker, code, worker.error);
    if (!this.#running) return;
    if (wasRunning && this.threads === 0 && this.#startFailures > 0) {
      // Nothing left that could ever serve the waiters: fail them instead of hanging.
      const error = this.#exitedAtStart(worker, code);
      for (const waiter of this.#waiters.splice(0)) waiter.reject(error);
      return;
    }
    this.#keepSpares();
  }

  #startFailed(worker: PooledWorker, cause: Error): ContainerError {
    return new ContainerError(
      'SV_ERR_WORKER_START_FAILED',
      { worker: worker.id, pool: this.#options.name, detail: cause.message },
      { cause },
    );
  }

  /** A worker that ended before it was ready: with the error it ended with, if it had one. */
  #exitedAtStart(worker: PooledWorker, code: number): ContainerError {
    if (worker.error !== undefined) return this.#startFailed(worker, worker.error);
    return new ContainerError('SV_ERR_WORKER_EXITED_AT_START', { worker: worker.id, pool: this.#options.name, exitCode: code });
  }

  #stoppedError(): ContainerError {
    return new ContainerError('SV_ERR_WORKER_POOL_STOPPED', { pool: this.#options.name });
  }
}
