/**
 * What RemoteAddrValve, RemoteHostValve and RemoteCIDRValve share (Tomcat's RequestFilterValve): the value
 * checked (the client address or host name, the TCP peer's with usePeerAddress, `;port` appended with
 * addConnectorPort) and what a refused request gets (sendError(denyStatus)). The allow/deny decision itself is
 * the filters' (filters/request-filter-rules.ts), so valve and filter can never disagree.
 *
 * invalidAuthenticationWhenDeny: Tomcat lets a refused request go on with an invalid Authorization header only
 * when its Context has preemptiveAuthentication, which Serval does not implement; a refused request therefore
 * always gets denyStatus, which is what Tomcat does for a Context without preemptiveAuthentication.
 */
import type { Request } from '../core/request.js';
import type { Response } from '../core/response.js';
import { ContainerValveBase, type ValveResult } from '../core/valve.js';
import type { RequestFilterRules } from '../filters/request-filter-rules.js';

export interface RequestFilterValveOptions {
  readonly rules: RequestFilterRules;
  readonly denyStatus: number;
  readonly addConnectorPort: boolean;
  readonly usePeerAddress: boolean;
}

export abstract class RequestFilterValve extends ContainerValveBase {
  readonly #rules: RequestFilterRules;
  readonly #denyStatus: number;
  readonly #addConnectorPort: boolean;
  protected readonly usePeerAddress: boolean;

  constructor(options: RequestFilterValveOptions) {
    super();
    this.#rules = options.rules;
    this.#denyStatus = options.denyStatus;
    this.#addConnectorPort = options.addConnectorPort;
    this.usePeerAddress = options.usePeerAddress;
  }

  /** The value the rules see for this request. */
  protected abstract filteredValue(request: Request): string;

  /** Whether a request with this value (and local port, with addConnectorPort) may pass. */
  isAllowed(value: string, port?: number): boolean {
    return this.#rules.isAllowed(value, port);
  }

  invoke(request: Request, response: Response): ValveResult {
    // The connector port as the connection sees it: the one that was bound (with port="0" or portOffset too).
    const port = this.#addConnectorPort ? request.getLocalPort() : undefined;
    if (this.#rules.isAllowed(this.filteredValue(request), port)) return this.next!.invoke(request, response);
    response.sendError(this.#denyStatus);
  }
}
