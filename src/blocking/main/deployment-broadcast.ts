/**
 * Deployment on the blocking style: every running worker applies each step of the main thread's HostConfig
 * (deploy, undeploy, reload, the pause around a redeploy) to its own container tree, and the step counts as done
 * once all have, so that the next step and the next request see it.
 */
import type { Logger } from 'pino';
import { ContainerError } from '../../errors/container-error.js';
import type { DeploymentData } from '../messages/deployment-messages.js';
import type { PooledWorker } from '../pool/worker-pool.js';

/**
 * How long the main thread's deployment queue waits for a worker to apply a step. A worker blocked in a servlet
 * holds the swap up to this; after it, the deployment goes on and the worker catches up when it can.
 */
const DEPLOYMENT_WAIT_MS = 60_000;

export class DeploymentBroadcast {
  readonly #logger: Logger;
  #nextId = 0;
  /** Steps posted to a worker and not yet applied by it: id → worker and how to settle. */
  readonly #pending = new Map<number, { readonly worker: PooledWorker; readonly settle: (error?: Error) => void }>();

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  /** Never rejects: a worker that fails is logged and keeps serving what it has; a worker that exits is done. */
  async apply(workers: readonly PooledWorker[], host: string, event: DeploymentData): Promise<void> {
    await Promise.all(workers.map((worker) => this.#applyOn(worker, host, event)));
  }

  /** The worker's 'deployment-done' for step `id`. */
  applied(id: number, error: Error | undefined): void {
    this.#pending.get(id)?.settle(error);
  }

  /** A replacement builds its tree from the files as they are now: nothing left for this one to apply. */
  workerExited(worker: PooledWorker): void {
    for (const pending of [...this.#pending.values()]) if (pending.worker === worker) pending.settle();
  }

  #applyOn(worker: PooledWorker, host: string, event: DeploymentData): Promise<void> {
    return new Promise<void>((resolve) => {
      const id = ++this.#nextId;
      const timer = setTimeout(
        () =>
          settle(
            new ContainerError('SV_ERR_WORKER_DEPLOYMENT_TIMEOUT', {
              worker: worker.id,
              event: event.type,
              name: event.name,
              limit: DEPLOYMENT_WAIT_MS,
            }),
          ),
        DEPLOYMENT_WAIT_MS,
      );
      const settle = (error?: Error): void => {
        clearTimeout(timer);
        this.#pending.delete(id);
        if (error !== undefined) {
          this.#logger.error(
            { err: error, worker: worker.id, host, webapp: event.name },
            `Worker thread could not apply [${event.type}] of [${event.name}]`,
          );
        }
        resolve();
      };
      this.#pending.set(id, { worker, settle });
      worker.post({ type: 'deployment', id, host, event });
    });
  }
}
