/** One request the main thread has handed to a worker, from its head until the worker says it is done. */
import type { Exchange } from '../../protocol/exchange.js';
import type { StuckRequestWatch } from '../../valves/stuck-request-watch.js';
import type { PooledWorker } from '../pool/worker-pool.js';
import type { BodyPump } from './body-pump.js';

export interface InFlight {
  readonly id: number;
  readonly worker: PooledWorker;
  readonly exchange: Exchange;
  readonly resolve: () => void;
  /** For the stuck-request log lines. */
  readonly uri: string;
  readonly connection: string;
  readonly thread: string;
  body: BodyPump | null;
  /** The watches of Context StuckThreadDetectionValves this request entered (null: none). */
  contextWatches: Array<StuckRequestWatch<InFlight>> | null;
  endRequested: boolean;
  /** Response bytes the connection took that the worker has not been told about yet. */
  unacknowledged: number;
  /** Waiting for the connection to drain; acknowledgements wait with it. */
  draining: boolean;
}
