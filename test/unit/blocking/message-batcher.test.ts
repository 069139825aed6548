// The worker's outbox: the messages of one event-loop turn leave in one postMessage, in order, with their
// transfer lists joined; flush() sends at once (before the thread blocks); big bodies do not pile up.
import { describe, expect, it } from 'vitest';
import { MessageBatcher } from '../../../src/blocking/pool/message-batcher.js';

interface Sent {
  readonly messages: string[];
  readonly transfer: ArrayBuffer[];
}

/** A batcher whose scheduled flushes run only when the test says so. */
function manual(maxBytes?: number) {
  const sent: Sent[] = [];
  const scheduled: Array<() => void> = [];
  const batcher = new MessageBatcher<string>((messages, transfer) => sent.push({ messages, transfer }), {
    ...(maxBytes === undefined ? {} : { maxBytes }),
    schedule: (flush) => scheduled.push(flush),
  });
  const runScheduled = (): void => {
    for (const flush of scheduled.splice(0)) flush();
  };
  return { batcher, sent, scheduled, runScheduled };
}

describe('MessageBatcher', () => {
  it('sends the messages of one turn as one batch, in posting order, when the turn is over', () => {
    const { batcher, sent, scheduled, runScheduled } = manual();
    batcher.post('head');
    batcher.post('data');
    batcher.post('end');
    batcher.post('done');
    expect(sent).toEqual([]);
    expect(batcher.pending).toBe(4);
    // One scheduled flush for the whole turn, not one per message.
    expect(scheduled).toHaveLength(1);
    runScheduled();
    expect(sent.map((batch) => batch.messages)).toEqual([['head', 'data', 'end', 'done']]);
    expect(batcher.pending).toBe(0);
  });

  it('joins the transfer lists of the batched messages', () => {
    const { batcher, sent, runScheduled } = manual();
    const a = new ArrayBuffer(3);
    const b = new ArrayBuffer(5);
    batcher.post('data a', [a]);
    batcher.post('end');
    batcher.post('data b', [b]);
    runScheduled();
    expect(sent).toHaveLength(1);
    expect(sent[0]!.transfer).toEqual([a, b]);
    expect(sent[0]!.transfer[0]).toBe(a);
    expect(sent[0]!.transfer[1]).toBe(b);
  });

  it('flush() sends at once; the flush scheduled earlier then has nothing to send', () => {
    const { batcher, sent, scheduled, runScheduled } = manual();
    batcher.post('head');
    batcher.post('session-call');
    batcher.flush();
    expect(sent.map((batch) => batch.messages)).toEqual([['head', 'session-call']]);
    expect(scheduled).toHaveLength(1);
    runScheduled();
    expect(sent).toHaveLength(1);
  });

  it('a post after a scheduled flush ran schedules the next one', () => {
    const { batcher, sent, scheduled, runScheduled } = manual();
    batcher.post('one');
    runScheduled();
    batcher.post('two');
    expect(scheduled).toHaveLength(1);
    runScheduled();
    expect(sent.map((batch) => batch.messages)).toEqual([['one'], ['two']]);
  });

  it('goes out as soon as it holds more than maxBytes of transferred buffers', () => {
    const { batcher, sent, runScheduled } = manual(100);
    batcher.post('head');
    batcher.post('data 60', [new ArrayBuffer(60)]);
    expect(sent).toHaveLength(0);
    batcher.post('data 50', [new ArrayBuffer(50)]);
    expect(sent.map((batch) => batch.messages)).toEqual([['head', 'data 60', 'data 50']]);
    // The count starts again with the next batch.
    batcher.post('data 60 again', [new ArrayBuffer(60)]);
    expect(sent).toHaveLength(1);
    runScheduled();
    expect(sent.map((batch) => batch.messages)).toEqual([['head', 'data 60', 'data 50'], ['data 60 again']]);
  });

  it('flush() with nothing waiting sends nothing', () => {
    const { batcher, sent } = manual();
    batcher.flush();
    expect(sent).toEqual([]);
  });

  it('by default flushes after the microtasks of the turn (setImmediate), so awaits in between still batch', async () => {
    const sent: string[][] = [];
    const batcher = new MessageBatcher<string>((messages) => sent.push(messages));
    batcher.post('end');
    await Promise.resolve();
    await Promise.resolve();
    batcher.post('done');
    expect(sent).toEqual([]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(sent).toEqual([['end', 'done']]);
  });
});
