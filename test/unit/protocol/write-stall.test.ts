/**
 * A connection whose response stalled is given connectionTimeout to drain, counted from the stall on a timer of
 * its own (Http11Connection.watchWriteStall): a drain ends the watch, a later stall starts a new one.
 */
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { describe, expect, it, vi } from 'vitest';
import { Http11Connection } from '../../../src/protocol/http11/http11-connection.js';
import { ManualClock } from '../../../src/time/manual-clock.js';

function connection(): { connection: Http11Connection; socket: EventEmitter; clock: ManualClock } {
  const clock = new ManualClock();
  const socket = Object.assign(new EventEmitter(), { remoteAddress: '127.0.0.1', remotePort: 1, localAddress: '127.0.0.1', localPort: 2 });
  return { connection: new Http11Connection('c-1', socket as unknown as Socket, clock), socket, clock };
}

describe('Http11Connection.watchWriteStall', () => {
  it('times out exactly the limit after the stall when the socket never drains', () => {
    const { connection: c, clock } = connection();
    const onTimeout = vi.fn();
    c.watchWriteStall(1000, onTimeout);
    clock.advance(999);
    expect(onTimeout).not.toHaveBeenCalled();
    // Further stalls while the watch runs do not restart it.
    c.watchWriteStall(1000, onTimeout);
    clock.advance(1);
    expect(onTimeout).toHaveBeenCalledTimes(1);
  });

  it('ends the watch on a drain; a later stall gets the whole limit again; no listener is left behind', () => {
    const { connection: c, socket, clock } = connection();
    const onTimeout = vi.fn();
    for (let i = 0; i < 20; i++) {
      c.watchWriteStall(1000, onTimeout);
      clock.advance(900);
      socket.emit('drain');
    }
    clock.advance(5000);
    expect(onTimeout).not.toHaveBeenCalled();
    expect(socket.listenerCount('drain')).toBe(0);
    expect(socket.listenerCount('close')).toBe(0);
    c.watchWriteStall(1000, onTimeout);
    socket.emit('close');
    clock.advance(5000);
    expect(onTimeout).not.toHaveBeenCalled();
  });
});
