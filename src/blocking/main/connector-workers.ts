/**
 * What a blocking-style Connector is handed (connector/connector.ts ConnectorWorkers): its pool, and the
 * adapter that pins each connection to a worker of it. Built here so the connector never imports this folder.
 */
import type { Logger } from 'pino';
import type { ConnectorWorkers, PoolAdapter } from '../../connector/connector.js';
import type { Adapter } from '../../protocol/exchange.js';
import type { WorkerExecutor } from './worker-executor.js';
import { WorkerPoolAdapter } from './worker-pool-adapter.js';

const executors = new WeakMap<ConnectorWorkers, WorkerExecutor>();

export function connectorWorkers(executor: WorkerExecutor, connectorIndex: number): ConnectorWorkers {
  const workers: ConnectorWorkers = {
    maxThreads: executor.maxThreads,
    createAdapter(rejections: Pick<Adapter, 'logRejected'>, logger: Logger, disableKeepAlivePercentage: number): PoolAdapter {
      return new WorkerPoolAdapter({ executor, connectorIndex, disableKeepAlivePercentage, rejections, logger });
    },
    start: () => executor.start(),
    stop: (gracefulStopMs) => executor.stop(gracefulStopMs),
  };
  executors.set(workers, executor);
  return workers;
}

/** The pool behind a connector's workers, for its statistics (tests, and later the manager). */
export function executorOf(workers: ConnectorWorkers | null): WorkerExecutor | null {
  return workers === null ? null : (executors.get(workers) ?? null);
}
