/**
 * HealthCheckValve (org.apache.catalina.valves.HealthCheckValve): answers `path` itself for load balancers and
 * orchestrators, with Tomcat's exact body: 200 `UP`, or 503 `DOWN` when checkContainersAvailable is on and the
 * container the valve sits in, or any container below it (Hosts, Contexts, Wrappers), is not available (a
 * webapp that failed to start, one being stopped). Other paths go on down the pipeline.
 *
 * On a Context the path is matched within the Context (`/health` is `/app/health`); on a Host or the Engine it
 * is the decoded request URI. A request reaches a Host's or the Engine's pipeline only once the mapper found a
 * Context for it, so there the path must fall under a deployed webapp (a ROOT webapp takes every path).
 */
import { resolveAttributes } from '../config/attribute-values.js';
import type { AttributeValue } from '../config/server-config.js';
import { ContainerBase } from '../core/container-base.js';
import { Context } from '../core/context.js';
import type { Request } from '../core/request.js';
import type { Response } from '../core/response.js';
import { ContainerValveBase, type ValveResult } from '../core/valve.js';
import { isAvailable } from '../lifecycle/lifecycle-state.js';

export const HEALTH_CHECK_VALVE_CLASS = 'org.apache.catalina.valves.HealthCheckValve';

// Tomcat's bodies, byte for byte (monitoring scripts compare them).
const UP = Buffer.from('{\n  "status": "UP",\n  "checks": []\n}', 'utf8');
const DOWN = Buffer.from('{\n  "status": "DOWN",\n  "checks": []\n}', 'utf8');

export class HealthCheckValve extends ContainerValveBase {
  readonly path: string;
  readonly checkContainersAvailable: boolean;

  constructor(attributes: Readonly<Record<string, AttributeValue>>, element = 'Valve[HealthCheckValve]') {
    super();
    const { path, checkContainersAvailable } = resolveAttributes('Valve:HealthCheckValve', attributes, element);
    this.path = path;
    this.checkContainersAvailable = checkContainersAvailable;
  }

  invoke(request: Request, response: Response): ValveResult {
    const container = this.container;
    const uri = request.getDecodedRequestURI();
    const path = container instanceof Context ? uri.slice(request.getContextPath().length) : uri;
    if (path !== this.path) return this.next!.invoke(request, response);
    const up = !this.checkContainersAvailable || !(container instanceof ContainerBase) || available(container);
    response.setContentType('application/json');
    if (!up) response.setStatus(503);
    response.getOutputStream().write(up ? UP : DOWN);
  }
}

/** The container and everything below it accept requests (Tomcat's HealthCheckValve.isAvailable). */
function available(container: ContainerBase): boolean {
  return isAvailable(container.state) && container.findChildren().every(available);
}
