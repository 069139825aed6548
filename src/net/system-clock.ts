/**
 * The production ContainerClock: the process's own clocks and timers, and a socket's idle timer is
 * socket.setTimeout itself (refreshed through node-internals, as a read through 'data' events would), so the
 * default path does no work for the clock beyond one call.
 */
import type { Socket } from 'node:net';
import { processTimers, type ContainerClock } from '../time/container-clock.js';
import { refreshIdleTimer } from './node-internals/index.js';

export const systemClock: ContainerClock = {
  ...processTimers,
  setIdleTimeout(socket: Socket, ms: number): void {
    socket.setTimeout(ms);
  },
  refreshIdle: refreshIdleTimer,
};
