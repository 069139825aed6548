/**
 * What both event-loop endpoints (HTTP/1.1 and AJP/1.3) do to stop and to report: the acceptor, the
 * maxThreads limiter and the processor's connections, handled in one order.
 */
import type { Acceptor } from '../net/acceptor.js';
import type { ClockTimer, ContainerClock } from '../time/container-clock.js';
import type { InFlightLimiter } from './http11/in-flight-limiter.js';
import type { ProtocolHandlerStats } from './protocol-handler.js';

/** The connection side of an endpoint. */
export interface ConnectionSet {
  readonly connections: number;
  /** Graceful stop: idle connections close now, busy ones after their last response. */
  drain(): void;
  /** Resolves once every connection has closed. */
  whenClosed(): Promise<void>;
  destroyAll(): void;
}

/**
 * Stops accepting, lets requests already accepted finish for up to `gracefulMs` (even if a reload had paused
 * the limiter), then closes whatever is left.
 */
export async function stopEndpoint(
  acceptor: Acceptor,
  limiter: InFlightLimiter,
  connections: ConnectionSet,
  gracefulMs: number,
  clock: ContainerClock,
): Promise<void> {
  acceptor.close();
  limiter.resume();
  connections.drain();
  if (gracefulMs > 0) {
    let timer: ClockTimer | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = clock.setTimer(resolve, gracefulMs);
    });
    await Promise.race([connections.whenClosed(), deadline]);
    clock.clearTimer(timer);
  }
  connections.destroyAll();
  await connections.whenClosed();
}

export function endpointStats(acceptor: Acceptor, limiter: InFlightLimiter, connections: ConnectionSet): ProtocolHandlerStats {
  return {
    connections: connections.connections,
    inFlight: limiter.inFlight,
    queued: limiter.queued + acceptor.queued,
  };
}
