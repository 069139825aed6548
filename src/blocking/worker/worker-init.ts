/** What every worker thread of a blocking-style connector receives to build its own container tree. */
import type { ServerConfig } from '../../config/server-config.js';
import type { ConfigEnvironment } from '../../config/server-xml-loader.js';

export interface WorkerInit {
  /** The same validated configuration the main thread built its tree from. */
  readonly config: ServerConfig;
  readonly serviceIndex: number;
  readonly env: ConfigEnvironment;
  /** pino level of the main logger; worker log lines are relayed to it. */
  readonly logLevel: string;
}
