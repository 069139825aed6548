/**
 * RemoteCIDRValve (org.apache.catalina.valves.RemoteCIDRValve): allow/deny by comma separated IPv4 and IPv6
 * CIDR blocks over the client address (filters/request-filter-rules.ts says how IPv4-mapped addresses match).
 * An invalid block is a configuration error naming the element and attribute.
 */
import { resolveAttributes } from '../config/attribute-values.js';
import type { AttributeValue } from '../config/server-config.js';
import type { Request } from '../core/request.js';
import { cidrRules } from '../filters/request-filter-rules.js';
import { rulesOrThrow } from './remote-addr-valve.js';
import { RequestFilterValve } from './request-filter-valve.js';

export const REMOTE_CIDR_VALVE_CLASS = 'org.apache.catalina.valves.RemoteCIDRValve';

export class RemoteCIDRValve extends RequestFilterValve {
  constructor(attributes: Readonly<Record<string, AttributeValue>>, element = 'Valve[RemoteCIDRValve]') {
    const { allow, deny, ...options } = resolveAttributes('Valve:RemoteCIDRValve', attributes, element);
    super({ ...options, rules: rulesOrThrow(cidrRules({ allow, deny }), element, { allow, deny }) });
  }

  protected filteredValue(request: Request): string {
    return this.usePeerAddress ? request.control.remoteAddress : request.getRemoteAddr();
  }
}
