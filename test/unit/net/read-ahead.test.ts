import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { skipReadAhead } from '../../../src/net/read-ahead.js';
import { connectedPair } from '../../helpers/socket-pair.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  while (cleanups.length > 0) cleanups.pop()!();
});

/** A connected pair on 127.0.0.1: the server side (what the container reads) and the client. */
async function pair(): Promise<{ server: net.Socket; client: net.Socket }> {
  const { server, client, listener } = await connectedPair();
  cleanups.push(() => {
    client.destroy();
    server.destroy();
    listener.close();
  });
  return { server, client };
}

/** Counts process.nextTick calls whose callback is node's read-ahead (`maybeReadMore_`) while `run` goes on. */
async function readAheadTicks(run: () => Promise<void>): Promise<number> {
  const original = process.nextTick;
  let count = 0;
  process.nextTick = ((callback: (...args: unknown[]) => void, ...args: unknown[]) => {
    if (callback.name === 'maybeReadMore_') count++;
    original(callback, ...args);
  }) as typeof process.nextTick;
  try {
    await run();
  } finally {
    process.nextTick = original;
  }
  return count;
}

/** Sends `chunks` small writes a little apart; resolves with how many 'data' events the server side saw. */
async function exchange(server: net.Socket, client: net.Socket, chunks: number): Promise<number> {
  let received = 0;
  let events = 0;
  server.on('data', (chunk: Buffer) => {
    received += chunk.length;
    events++;
  });
  server.resume();
  let sent = 0;
  for (let i = 0; i < chunks; i++) {
    const line = `request ${i}\n`;
    sent += line.length;
    client.write(line);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  await expect.poll(() => received).toBe(sent);
  return events;
}

describe('skipReadAhead', () => {
  it('leaves out the read-ahead tick a socket otherwise schedules after every chunk', async () => {
    // Chunks that arrive together share one tick, so a plain socket schedules between one and one per event.
    const plain = await pair();
    let plainEvents = 0;
    const plainTicks = await readAheadTicks(async () => {
      plainEvents = await exchange(plain.server, plain.client, 20);
    });
    expect(plainTicks).toBeGreaterThan(0);
    expect(plainTicks).toBeLessThanOrEqual(plainEvents);

    const skipped = await pair();
    skipReadAhead(skipped.server);
    let skippedEvents = 0;
    const skippedTicks = await readAheadTicks(async () => {
      skippedEvents = await exchange(skipped.server, skipped.client, 20);
    });
    expect(skippedEvents).toBeGreaterThan(0);
    expect(skippedTicks).toBe(0);
  });

  it('still stops reading when paused with a full buffer and delivers everything on resume', async () => {
    const { server, client } = await pair();
    skipReadAhead(server);
    const total = 8 * 1024 * 1024;
    let received = 0;
    server.on('data', (chunk: Buffer) => {
      received += chunk.length;
      // Paused after the first chunk: the rest must pile up to the high-water mark and then wait.
      if (received === chunk.length) server.pause();
    });
    server.resume();
    client.write(Buffer.alloc(total, 0x61));
    await expect.poll(() => server.readableLength).toBeGreaterThanOrEqual(server.readableHighWaterMark);
    await new Promise((resolve) => setTimeout(resolve, 50));
    // Backpressure held: the kernel keeps the rest, the stream holds about one high-water mark.
    expect(received + server.readableLength).toBeLessThan(total);
    server.resume();
    await expect.poll(() => received, { timeout: 5000 }).toBe(total);
  });

  it('keeps reading a socket that is resumed after a pause with an empty buffer', async () => {
    const { server, client } = await pair();
    skipReadAhead(server);
    const seen: string[] = [];
    server.on('data', (chunk: Buffer) => seen.push(chunk.toString()));
    server.resume();
    client.write('one');
    await expect.poll(() => seen.join('')).toBe('one');
    server.pause();
    await new Promise((resolve) => setTimeout(resolve, 20));
    server.resume();
    client.write('two');
    await expect.poll(() => seen.join('')).toBe('onetwo');
  });
});
