/**
 * RemoteHostValve (org.apache.catalina.valves.RemoteHostValve): allow/deny by a regular expression over the
 * client's host name, getRemoteHost(). Serval makes no reverse DNS lookup (Tomcat's enableLookups="false", its
 * default): the host name is the address, so the rules are written for addresses, exactly as under such a Tomcat.
 */
import { resolveAttributes } from '../config/attribute-values.js';
import type { AttributeValue } from '../config/server-config.js';
import type { Request } from '../core/request.js';
import { patternRules } from '../filters/request-filter-rules.js';
import { rulesOrThrow } from './remote-addr-valve.js';
import { RequestFilterValve } from './request-filter-valve.js';

export const REMOTE_HOST_VALVE_CLASS = 'org.apache.catalina.valves.RemoteHostValve';

export class RemoteHostValve extends RequestFilterValve {
  constructor(attributes: Readonly<Record<string, AttributeValue>>, element = 'Valve[RemoteHostValve]') {
    const { allow, deny, ...options } = resolveAttributes('Valve:RemoteHostValve', attributes, element);
    super({ ...options, rules: rulesOrThrow(patternRules({ allow, deny }), element, { allow, deny }) });
  }

  protected filteredValue(request: Request): string {
    return this.usePeerAddress ? request.control.remoteAddress : request.getRemoteHost();
  }
}
