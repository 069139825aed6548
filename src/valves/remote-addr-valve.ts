/** RemoteAddrValve (org.apache.catalina.valves.RemoteAddrValve): allow/deny by a regular expression over the client address. */
import { resolveAttributes } from '../config/attribute-values.js';
import type { AttributeValue } from '../config/server-config.js';
import type { Request } from '../core/request.js';
import { ConfigError } from '../errors/container-error.js';
import { patternRules, type RequestFilterRules, type RulesResult } from '../filters/request-filter-rules.js';
import { RequestFilterValve } from './request-filter-valve.js';

export const REMOTE_ADDR_VALVE_CLASS = 'org.apache.catalina.valves.RemoteAddrValve';

export class RemoteAddrValve extends RequestFilterValve {
  /** `element` names where the valve was configured (file:line and path) in a configuration error. */
  constructor(attributes: Readonly<Record<string, AttributeValue>>, element = 'Valve[RemoteAddrValve]') {
    const { allow, deny, ...options } = resolveAttributes('Valve:RemoteAddrValve', attributes, element);
    super({ ...options, rules: rulesOrThrow(patternRules({ allow, deny }), element, { allow, deny }) });
  }

  protected filteredValue(request: Request): string {
    return this.usePeerAddress ? request.control.remoteAddress : request.getRemoteAddr();
  }
}

/** The rules, or the configuration error that names the attribute and the element. */
export function rulesOrThrow(
  result: RulesResult,
  element: string,
  written: { readonly allow?: string | undefined; readonly deny?: string | undefined },
): RequestFilterRules {
  if (result.ok) return result.rules;
  const attribute = result.reason.startsWith('deny') ? 'deny' : 'allow';
  throw new ConfigError('SV_ERR_CONFIG_INVALID_VALUE', {
    attribute,
    element,
    value: written[attribute] ?? '',
    allowed: result.reason.slice(attribute.length + 2),
  });
}
