// The worker's self-read inbox: messages taken with receiveMessageOnPort, waits on a shared counter.
import { MessageChannel } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { PortInbox } from '../../../src/blocking/pool/port-inbox.js';
import { errorFromData, errorToData } from '../../../src/blocking/pool/error-data.js';
import { ownedCopy } from '../../../src/blocking/messages/channel.js';
import { ContainerError, ProtocolError } from '../../../src/errors/container-error.js';

function channel() {
  const { port1, port2 } = new MessageChannel();
  const signal = new Int32Array(new SharedArrayBuffer(8));
  const inbox = new PortInbox<{ n: number }>(port2, signal, 0);
  const send = (n: number): void => {
    port1.postMessage({ n });
    PortInbox.notify(signal, 0);
  };
  const close = (): void => {
    port1.close();
    port2.close();
  };
  return { inbox, send, signal, close };
}

describe('PortInbox', () => {
  it('takes messages in order without message events', () => {
    const { inbox, send, close } = channel();
    expect(inbox.poll()).toBeUndefined();
    send(1);
    send(2);
    expect(inbox.takeSync(100)).toEqual({ n: 1 });
    expect(inbox.poll()).toEqual({ n: 2 });
    close();
  });

  it('takeSync gives up after its timeout when nothing arrives', () => {
    const { inbox, close } = channel();
    expect(inbox.takeSync(20)).toBeUndefined();
    close();
  });

  it('whenChanged resolves on the next notify without blocking the event loop', async () => {
    const { inbox, send, signal, close } = channel();
    const seen = inbox.mark();
    const waiting = inbox.whenChanged(seen);
    setTimeout(() => send(7), 10);
    await waiting;
    expect(Atomics.load(signal, 0)).toBe(seen + 1);
    expect(inbox.poll()).toEqual({ n: 7 });
    close();
  });
});

describe('cross-thread values', () => {
  it('coded errors keep class, code, params and status', () => {
    const original = new ProtocolError('SV_ERR_HTTP_BODY_TIMEOUT', { limit: 20 });
    const copy = errorFromData(structuredClone(errorToData(original)));
    expect(copy).toBeInstanceOf(ProtocolError);
    expect(copy).toMatchObject({ code: 'SV_ERR_HTTP_BODY_TIMEOUT', status: original.status, message: original.message });
    const plain = errorFromData(errorToData(new Error('boom')));
    expect(plain).not.toBeInstanceOf(ContainerError);
    expect(plain.message).toBe('boom');
  });

  it('ownedCopy leaves the caller buffer usable after the copy is transferred', () => {
    const pooled = Buffer.from('hello world');
    const view = pooled.subarray(6);
    const owned = ownedCopy(view);
    const { port1, port2 } = new MessageChannel();
    port1.postMessage(owned, [owned]);
    expect(owned.byteLength).toBe(0);
    expect(view.toString()).toBe('world');
    port1.close();
    port2.close();
  });
});
