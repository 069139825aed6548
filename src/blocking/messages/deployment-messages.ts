/** Deployment on the blocking style: every worker applies the main thread's deployment steps to its own tree. */
import type { DeploymentEvent } from '../../deploy/host-config.js';
import type { ErrorData } from '../pool/error-data.js';

/**
 * One step of a deployment change the main thread's HostConfig carried out (its DeploymentEvent), for a
 * worker to apply to its own tree: the Context is named by its base name within the Host.
 */
export type DeploymentData = DeploymentEvent;

/** Apply a deployment step to the worker's own tree; answered by 'deployment-done' with the same id. */
export interface DeploymentToWorker {
  readonly type: 'deployment';
  readonly id: number;
  readonly host: string;
  readonly event: DeploymentData;
}

/** The deployment step with this id has been applied (error set when it failed; the worker keeps serving). */
export interface DeploymentDone {
  readonly type: 'deployment-done';
  readonly id: number;
  readonly error: ErrorData | undefined;
}
