/**
 * The main thread's half of a worker pool (Tomcat's executor for blocking connectors), shared by the
 * Connectors that name the same `<Executor>`: runs exchanges on pooled workers by forwarding the request head,
 * streaming the body on demand with flow control, and playing the worker's response onto the real exchange.
 * It also answers the workers' session and realm calls (SessionOwner, RealmOwner), relays their log lines (log-relay.ts), has every
 * worker apply the main thread's deployment steps (deployment-broadcast.ts) and watches their requests for
 * StuckThreadDetectionValves (stuck-watches.ts). A worker that exits mid-request is replaced; its requests get a
 * 500, or their connection is dropped if the response had started.
 */
import type { Logger } from 'pino';
import type { Context } from '../../core/context.js';
import type { Service } from '../../core/service.js';
import { formatMessage } from '../../errors/codes.js';
import { ContainerError } from '../../errors/container-error.js';
import { errorToData } from '../pool/error-data.js';
import { errorFromData } from '../pool/error-data.js';
import { RESPONSE_ACK_STEP } from '../messages/channel.js';
import type { DeploymentData } from '../messages/deployment-messages.js';
import type { ManagerKey } from '../messages/session-messages.js';
import type { WorkerToMain } from '../messages/worker-messages.js';
import { WorkerPool, type PooledWorker } from '../pool/worker-pool.js';
import type { StuckPolicy } from '../../valves/stuck-request-watch.js';
import type { Exchange } from '../../protocol/exchange.js';
import { SessionOwner } from '../session/session-owner.js';
import { RealmOwner, realmOf } from '../realm/realm-owner.js';
import { SignOnOwner } from '../sign-on/sign-on-owner.js';
import type { SignOnKey } from '../messages/sign-on-messages.js';
import type { RealmCall, RealmKey } from '../messages/realm-messages.js';
import type { SessionManager } from '../../session/session-manager.js';
import { BodyPump } from './body-pump.js';
import { DeploymentBroadcast } from './deployment-broadcast.js';
import type { InFlight } from './in-flight.js';
import { relayLog } from './log-relay.js';
import { requestMessage } from './request-message.js';
import { StuckWatches, type StuckWatchSpec } from './stuck-watches.js';
import { WorkerConnectionCache } from './worker-connection-cache.js';

export interface WorkerExecutorOptions {
  readonly name: string;
  readonly maxThreads: number;
  readonly minSpareThreads: number;
  /** Idle time after which workers above minSpareThreads stop (Executor maxIdleTime). */
  readonly maxIdleTimeMs?: number;
  readonly script: string;
  /** workerData.init for every worker (the configuration it builds its container tree from). */
  readonly init: unknown;
  /** The main thread's Service: its Contexts own the sessions. */
  readonly service: Service;
  readonly logger: Logger;
  /**
   * StuckThreadDetectionValves of the Service's Engine and Hosts: the main thread watches the requests on the
   * workers for them; `appliesTo` picks a Host's requests (undefined: every request, an Engine valve).
   */
  readonly stuck?: readonly StuckWatchSpec[];
}

export class WorkerExecutor {
  readonly #options: WorkerExecutorOptions;
  readonly #pool: WorkerPool;
  readonly #requests = new Map<number, InFlight>();
  readonly #sessions: SessionOwner;
  readonly #realms: RealmOwner;
  readonly #signOns: SignOnOwner;
  readonly #connections = new WorkerConnectionCache<PooledWorker>();
  readonly #logger: Logger;
  #nextId = 0;
  readonly #deployments: DeploymentBroadcast;
  #users = 0;
  #starting: Promise<void> | null = null;
  #stopping = false;
  readonly #stuck: StuckWatches;

  constructor(options: WorkerExecutorOptions) {
    this.#options = options;
    this.#logger = options.logger;
    this.#stuck = new StuckWatches(options.stuck ?? [], options.logger, (request, policy) => this.#interrupt(request, policy));
    this.#deployments = new DeploymentBroadcast(options.logger);
    this.#pool = new WorkerPool(
      {
        name: options.name,
        maxThreads: options.maxThreads,
        minSpareThreads: options.minSpareThreads,
        ...(options.maxIdleTimeMs === undefined ? {} : { maxIdleTimeMs: options.maxIdleTimeMs }),
        script: options.script,
        init: options.init,
        logger: options.logger,
      },
      {
        onMessage: (worker, message) => this.#guard(() => this.#onMessage(worker, message)),
        onExit: (worker, code, error) => this.#guard(() => this.#onExit(worker, code, error)),
      },
    );
    this.#sessions = new SessionOwner((key) => managerOf(options.service, key));
    this.#realms = new RealmOwner((key) => realmOf(options.service, key));
    this.#signOns = new SignOnOwner(options.service);
  }

  get name(): string {
    return this.#options.name;
  }

  get maxThreads(): number {
    return this.#options.maxThreads;
  }

  /** Share of maxThreads held by connections, in percent (Tomcat's thread ratio for disableKeepAlivePercentage). */
  get busyPercent(): number {
    return (this.#pool.busy * 100) / this.#options.maxThreads;
  }

  /** The pool's state, and the messages posted each way so far (one per postMessage: a batch counts once). */
  get stats(): {
    readonly threads: number;
    readonly busy: number;
    readonly waiting: number;
    readonly inFlight: number;
    readonly postsToWorkers: number;
    readonly postsFromWorkers: number;
  } {
    const traffic = this.#pool.traffic;
    return {
      threads: this.#pool.threads,
      busy: this.#pool.busy,
      waiting: this.#pool.waiting,
      inFlight: this.#requests.size,
      postsToWorkers: traffic.toWorkers,
      postsFromWorkers: traffic.fromWorkers,
    };
  }

  /** Each connector using the executor starts it; the first start starts the workers. */
  async start(): Promise<void> {
    if (this.#users++ === 0) {
      this.#stopping = false;
      this.#starting = this.#pool.start();
      this.#stuck.start();
    }
    try {
      await this.#starting;
    } catch (error) {
      this.#users--;
      throw error;
    }
  }

  /** The last connector to stop drains the workers (they finish what they received, then exit). */
  async stop(gracefulMs: number): Promise<void> {
    if (this.#users === 0 || --this.#users > 0) return;
    this.#stopping = true;
    this.#stuck.stop();
    await this.#pool.stop(gracefulMs);
  }

  acquire(holder: string): Promise<PooledWorker> {
    return this.#pool.acquire(holder);
  }

  release(worker: PooledWorker): void {
    this.#pool.release(worker);
  }

  /** Runs one exchange on `worker`; resolves once the worker is done with it (or has died). */
  run(worker: PooledWorker, exchange: Exchange, connector: number): Promise<void> {
    const id = ++this.#nextId;
    return new Promise<void>((resolve) => {
      const request: InFlight = {
        id,
        worker,
        exchange,
        resolve,
        uri: exchange.target,
        connection: exchange.connectionId,
        thread: `${this.#options.name}-exec-${worker.id}`,
        body: null,
        contextWatches: null,
        endRequested: false,
        unacknowledged: 0,
        draining: false,
      };
      this.#requests.set(id, request);
      this.#stuck.add(request);
      worker.post(requestMessage(id, connector, exchange, this.#connections.dataFor(worker, exchange)));
    });
  }

  /**
   * Has every running worker apply one deployment step to its own tree (deploy, undeploy, reload, or the pause
   * around a redeploy) and resolves when all have, so that the next step and the next request see it done.
   * Never rejects: a worker that fails is logged and keeps serving what it has; a worker that exits is done.
   */
  async applyDeployment(host: string, event: DeploymentData): Promise<void> {
    if (this.#users === 0 || this.#stopping) return;
    await this.#deployments.apply(this.#pool.workers, host, event);
  }

  /** The connection went away: tell the workers serving it, so that their writes stop early. */
  connectionClosed(connectionId: string): void {
    for (const request of this.#requests.values()) {
      if (request.exchange.connectionId === connectionId) request.worker.post({ type: 'aborted', id: request.id });
    }
  }

  #onMessage(worker: PooledWorker, message: WorkerToMain): void {
    switch (message.type) {
      case 'session-call':
        this.#answerSyncCall(worker, message.call, message.manager, () => this.#sessions.call(message.manager, message.request));
        return;
      case 'realm-call':
        this.#answerRealmCall(worker, message.call, message.realm, message.request);
        return;
      case 'sign-on-call':
        this.#answerSyncCall(worker, message.call, message.valve, () => this.#signOns.call(message.valve, message.request));
        return;
      case 'session-access':
        this.#sessions.access(message.manager, message.id);
        return;
      case 'session-commit':
        this.#sessions.commit(message.manager, message.commit);
        return;
      case 'log':
        relayLog(this.#logger, worker.id, message.line);
        return;
      case 'deployment-done':
        this.#deployments.applied(message.id, message.error === undefined ? undefined : errorFromData(message.error));
        return;
      case 'ready':
      case 'start-failed':
        return;
      default:
        // The messages about one request, below.
        break;
    }
    const request = this.#requests.get(message.id);
    if (request === undefined || request.worker !== worker) return;
    const exchange = request.exchange;
    switch (message.type) {
      case 'head':
        try {
          exchange.writeHead(message.status, message.reason, message.headers);
        } catch (error) {
          this.#logger.error({ err: error, connectionId: exchange.connectionId }, 'Response head from a worker could not be sent');
          exchange.abort(error instanceof Error ? error : undefined);
          worker.post({ type: 'aborted', id: request.id });
        }
        return;
      case 'data':
        this.#written(request, message.chunk.byteLength, exchange.write(new Uint8Array(message.chunk)));
        return;
      case 'end':
        request.endRequested = true;
        exchange.end(message.trailers).catch((error: unknown) => {
          // The worker has moved on (it does not wait for the end): the connection cannot carry on either.
          this.#logger.debug({ err: error, connectionId: exchange.connectionId }, 'Response from a worker could not be completed');
          exchange.abort(error instanceof Error ? error : undefined);
        });
        return;
      case 'close-after':
        exchange.closeAfterResponse();
        return;
      case 'abort':
        exchange.abort(
          new ContainerError('SV_ERR_WORKER_RESPONSE_ABORTED', {
            uri: request.uri,
            worker: worker.id,
            detail: message.message ?? 'no reason given',
          }),
        );
        return;
      case 'body-demand':
        request.body ??= new BodyPump(request);
        return;
      case 'stuck-watch':
        this.#stuck.addForContext(request, message.valve, message.policy);
        return;
      case 'body-credit':
        request.body?.credit(message.bytes);
        return;
      case 'done':
        this.#finish(request);
        return;
    }
  }

  /**
   * Flow control of the response: the worker may have RESPONSE_WINDOW bytes on their way; they are
   * acknowledged once the connection took RESPONSE_ACK_STEP of them (or after it drained), so a small
   * response costs no message back at all.
   */
  #written(request: InFlight, bytes: number, accepted: boolean): void {
    request.unacknowledged += bytes;
    if (!accepted && !request.draining) {
      request.draining = true;
      void request.exchange.drain().then(() => {
        request.draining = false;
        this.#acknowledge(request);
      });
      return;
    }
    if (!request.draining && request.unacknowledged >= RESPONSE_ACK_STEP) this.#acknowledge(request);
  }

  #acknowledge(request: InFlight): void {
    const bytes = request.unacknowledged;
    if (bytes === 0 || request.endRequested || this.#requests.get(request.id) !== request) return;
    request.unacknowledged = 0;
    request.worker.post({ type: 'ack', id: request.id, bytes });
  }

  /** A session or single sign-on call, answered at once from the main thread's own state. */
  #answerSyncCall(worker: PooledWorker, call: number, about: ManagerKey | SignOnKey, answer: () => unknown): void {
    try {
      worker.reply({ call, ok: true, value: answer() });
    } catch (error) {
      // Also a value that cannot be cloned back (set by an event-loop connector's request): the call fails.
      worker.reply({ call, ok: false, error: errorToData(error) });
      this.#logger.debug({ err: error, about }, 'Session or single sign-on call from a worker failed');
    }
  }

  /**
   * Realms answer asynchronously (a database, a directory, a slow hash); the worker waits for the reply. A
   * realm's coded error (SV_ERR_REALM_UNAVAILABLE) crosses with its code, so the worker's authenticator answers
   * 503 as the main thread's would.
   */
  #answerRealmCall(worker: PooledWorker, call: number, realm: RealmKey, request: RealmCall): void {
    this.#realms.call(realm, request).then(
      (value) => worker.reply({ call, ok: true, value }),
      (error: unknown) => {
        worker.reply({ call, ok: false, error: errorToData(error) });
        this.#logger.debug({ err: error, realm }, 'Realm call from a worker failed');
      },
    );
  }

  #finish(request: InFlight): void {
    if (this.#requests.get(request.id) !== request) return;
    this.#requests.delete(request.id);
    this.#stuck.remove(request);
    request.body?.detach();
    request.resolve();
  }

  #onExit(worker: PooledWorker, code: number, error: Error | undefined): void {
    this.#deployments.workerExited(worker);
    const lost = [...this.#requests.values()].filter((request) => request.worker === worker);
    if (lost.length > 0 || (!this.#stopping && (code !== 0 || error !== undefined))) {
      const params = { worker: worker.id, pool: this.#options.name, exitCode: code, requests: lost.length };
      if (error === undefined) {
        this.#logger.error({ code: 'SV_ERR_WORKER_EXITED', ...params }, formatMessage('SV_ERR_WORKER_EXITED', params));
      } else {
        const message = formatMessage('SV_ERR_WORKER_CRASHED', { ...params, detail: error.message });
        this.#logger.error({ code: 'SV_ERR_WORKER_CRASHED', err: error, ...params }, message);
      }
    }
    for (const request of lost) {
      failExchange(request);
      this.#finish(request);
    }
  }

  /**
   * StuckThreadDetectionValve's interrupt: terminate() stops the worker's thread even in a busy loop; its exit
   * then takes the crash path (the requests it held get a 500 or a closed connection, and it is replaced).
   */
  #interrupt(request: InFlight, policy: StuckPolicy): void {
    const worker = request.worker;
    if (!worker.alive || this.#requests.get(request.id) !== request) return;
    worker.error ??= new ContainerError('SV_ERR_WORKER_INTERRUPTED', {
      worker: worker.id,
      uri: request.uri,
      threshold: policy.interruptThreadThreshold,
    });
    // terminate() only fulfils (with the exit code); the exit takes the crash path of #onExit.
    void worker.thread.terminate();
  }

  #guard(action: () => void): void {
    try {
      action();
    } catch (error) {
      this.#logger.error({ err: error }, `Worker pool [${this.#options.name}] failure`);
    }
  }
}

/** The worker died with the request: a 500 if nothing was sent yet, else the connection is dropped. */
function failExchange(request: InFlight): void {
  const exchange = request.exchange;
  if (request.endRequested || exchange.aborted) return;
  if (exchange.headersSent) {
    exchange.abort(new ContainerError('SV_ERR_WORKER_EXITED_MID_RESPONSE', { worker: request.worker.id, uri: request.uri }));
    return;
  }
  const body = Buffer.from('500 Internal Server Error: the worker thread serving this request exited\n', 'utf8');
  try {
    exchange.closeAfterResponse();
    exchange.writeHead(500, null, [
      ['Content-Type', 'text/plain;charset=utf-8'],
      ['Content-Length', String(body.length)],
    ]);
    exchange.write(body);
    void exchange.end().catch(() => exchange.abort());
  } catch {
    exchange.abort();
  }
}

function managerOf(service: Service, key: ManagerKey): SessionManager | null {
  const context = service.engine.findChild(key.host)?.findChild(key.context) as Context | undefined;
  if (context === undefined || context.state !== 'STARTED') return null;
  return context.sessionManager;
}
