import type { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ConnectionRegistry } from '../../../src/protocol/connection-registry.js';

function fakeConnection(): { socket: Socket; destroyed: () => boolean } {
  let destroyed = false;
  const socket = {
    destroy: () => {
      destroyed = true;
    },
  } as unknown as Socket;
  return { socket, destroyed: () => destroyed };
}

describe('ConnectionRegistry', () => {
  it('whenClosed resolves at once when empty, and only after the last connection is removed otherwise', async () => {
    const registry = new ConnectionRegistry<{ socket: Socket }>();
    await registry.whenClosed();
    const a = fakeConnection();
    const b = fakeConnection();
    registry.add(a);
    registry.add(b);
    expect(registry.size).toBe(2);
    expect(registry.get(a.socket)).toBe(a);
    let closed = false;
    const waiting = registry.whenClosed().then(() => (closed = true));
    registry.remove(a);
    await Promise.resolve();
    expect(closed).toBe(false);
    registry.remove(b);
    await waiting;
    expect(closed).toBe(true);
    expect(registry.size).toBe(0);
  });

  it('destroyAll destroys every registered socket', () => {
    const registry = new ConnectionRegistry<{ socket: Socket }>();
    const connections = [fakeConnection(), fakeConnection()];
    for (const connection of connections) registry.add(connection);
    registry.destroyAll();
    expect(connections.map((connection) => connection.destroyed())).toEqual([true, true]);
  });
});
