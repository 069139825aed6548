/**
 * The blocking-style executor's watches for the Engine's and Hosts' StuckThreadDetectionValves, derived from
 * server.xml: a hung worker cannot report itself, so the main thread watches the requests those valves would see.
 */
import type { EngineConfig } from '../../config/server-config.js';
import type { StuckWatchSpec } from './stuck-watches.js';
import type { Exchange } from '../../protocol/exchange.js';
import { STUCK_THREAD_DETECTION_VALVE_CLASS, stuckPolicyOf } from '../../valves/stuck-thread-detection-valve.js';

/**
 * What the main thread watches on the workers for the Engine's and Hosts' StuckThreadDetectionValves. A Host's
 * valve sees the requests its Host would map (RFC 9110 §7.2 Host, names and aliases case-insensitive; the
 * default Host takes the rest), as the Engine's mapping on the worker does.
 */
export function stuckWatchSpecs(engine: EngineConfig): StuckWatchSpec[] {
  const specs: StuckWatchSpec[] = [];
  for (const valve of engine.valves) {
    if (valve.className === STUCK_THREAD_DETECTION_VALVE_CLASS) specs.push({ policy: stuckPolicyOf(valve.attributes) });
  }
  const known = new Set(engine.hosts.flatMap((host) => [host.name, ...host.aliases].map((name) => name.toLowerCase())));
  for (const host of engine.hosts) {
    const names = new Set([host.name, ...host.aliases].map((name) => name.toLowerCase()));
    const isDefault = host.name.toLowerCase() === engine.defaultHost.toLowerCase();
    for (const valve of host.valves) {
      if (valve.className !== STUCK_THREAD_DETECTION_VALVE_CLASS) continue;
      specs.push({
        policy: stuckPolicyOf(valve.attributes),
        appliesTo: (exchange) => {
          const name = hostName(exchange);
          return names.has(name) || (isDefault && !known.has(name));
        },
      });
    }
  }
  return specs;
}

/** The Host header's name, lower case, without its port (an IPv6 literal keeps its brackets). */
function hostName(exchange: Exchange): string {
  const headers = exchange.rawHeaders;
  for (let i = 0; i + 1 < headers.length; i += 2) {
    if (headers[i]!.toLowerCase() !== 'host') continue;
    const value = headers[i + 1]!.trim().toLowerCase();
    const end = value.startsWith('[') ? value.indexOf(']') + 1 : value.indexOf(':');
    return end > 0 ? value.slice(0, end) : value;
  }
  return '';
}
