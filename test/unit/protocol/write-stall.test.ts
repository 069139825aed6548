/**
 * A connection whose response stalled is given connectionTimeout to drain, counted from the stall on a timer of
 * its own (Http11Connection.watchWriteStall): a drain ends the watch, a later stall starts a new one.
 */
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Http11Connection } from '../../../src/protocol/http11/http11-connection.js';

function connection(): { connection: Http11Connection; socket: EventEmitter } {
  const socket = Object.assign(new EventEmitter(), { remoteAddress: '127.0.0.1', remotePort: 1, localAddress: '127.0.0.1', localPort: 2 });
  return { connection: new Http11Connection('c-1', socket as unknown as Socket), socket };
}

describe('Http11Connection.watchWriteStall', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('times out exactly the limit after the stall when the socket never drains', () => {
    const { connection: c } = connection();
    const onTimeout = vi.fn();
    c.watchWriteStall(1000, onTimeout);
    vi.advanceTimersByTime(999);
    expect(onTimeout).not.toHaveBeenCalled();
    // Further stalls while the watch runs do not restart it.
    c.watchWriteStall(1000, onTimeout);
    vi.advanceTimersByTime(1);
    expect(onTimeout).toHaveBeenCalledTimes(1);
  });

  it('ends the watch on a drain; a later stall gets the whole limit again; no listener is left behind', () => {
    const { connection: c, socket } = connection();
    const onTimeout = vi.fn();
    for (let i = 0; i < 20; i++) {
      c.watchWriteStall(1000, onTimeout);
      vi.advanceTimersByTime(900);
      socket.emit('drain');
    }
    vi.advanceTimersByTime(5000);
    expect(onTimeout).not.toHaveBeenCalled();
    expect(socket.listenerCount('drain')).toBe(0);
    expect(socket.listenerCount('close')).toBe(0);
    c.watchWriteStall(1000, onTimeout);
    socket.emit('close');
    vi.advanceTimersByTime(5000);
    expect(onTimeout).not.toHaveBeenCalled();
  });
});
