// The worker pool: start, one holder per worker, FIFO waiting at maxThreads, replacement of exited workers, stop.
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { RequestMessage } from '../../../src/blocking/messages/exchange-messages.js';
import type { WorkerToMain } from '../../../src/blocking/messages/worker-messages.js';
import { WorkerPool, type PooledWorker } from '../../../src/blocking/pool/worker-pool.js';

const SCRIPT = join(__dirname, '..', '..', 'fixtures', 'worker-pool', 'test-worker.js');
const pools: WorkerPool[] = [];

afterEach(async () => {
  for (const pool of pools.splice(0)) await pool.stop(1000);
});

function makePool(maxThreads: number, minSpareThreads: number, init: object = {}, maxIdleTimeMs?: number) {
  const exits: number[] = [];
  const messages: WorkerToMain[] = [];
  const logs: Array<{ level: number; code?: string; msg: string }> = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => logs.push(JSON.parse(line) as (typeof logs)[number]) });
  const pool = new WorkerPool(
    {
      name: 'test',
      maxThreads,
      minSpareThreads,
      script: SCRIPT,
      init,
      logger,
      ...(maxIdleTimeMs === undefined ? {} : { maxIdleTimeMs }),
    },
    { onMessage: (_worker, message) => messages.push(message), onExit: (_worker, code) => exits.push(code) },
  );
  pools.push(pool);
  return { pool, exits, messages, logs };
}

function request(id: number, target: string): RequestMessage {
  return {
    type: 'request',
    id,
    connector: 0,
    protocol: 'HTTP/1.1',
    method: 'GET',
    target,
    rawHeaders: [],
    connection: {
      id: 'c',
      remoteAddress: '',
      remotePort: 0,
      localAddress: '',
      localPort: 0,
      secure: false,
      scheme: 'http',
      tls: undefined,
    },
    startTime: 0n,
    willClose: false,
    bodyEnded: true,
    forwarded: undefined,
  };
}

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(condition()).toBe(true);
}

describe('WorkerPool', () => {
  it('starts minSpareThreads workers (at most maxThreads) and gives each holder its own', async () => {
    const { pool } = makePool(2, 5);
    await pool.start();
    expect(pool.threads).toBe(2);
    const a = await pool.acquire('conn-a');
    const b = await pool.acquire('conn-b');
    expect(a).not.toBe(b);
    expect(a.holder).toBe('conn-a');
    expect(pool.busy).toBe(2);
  });

  it('a holder beyond maxThreads waits until a worker is released, in arrival order', async () => {
    const { pool } = makePool(1, 1);
    await pool.start();
    const first = await pool.acquire('one');
    const order: string[] = [];
    const second = pool.acquire('two').then((worker) => {
      order.push('two');
      return worker;
    });
    const third = pool.acquire('three').then((worker) => {
      order.push('three');
      return worker;
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(order).toEqual([]);
    expect(pool.waiting).toBe(2);
    pool.release(first);
    const got = await second;
    expect(got).toBe(first);
    expect(got.holder).toBe('two');
    pool.release(got);
    expect((await third).holder).toBe('three');
    expect(order).toEqual(['two', 'three']);
  });

  it('starts more workers on demand up to maxThreads, keeping one spare', async () => {
    const { pool } = makePool(3, 1);
    await pool.start();
    await pool.acquire('a');
    await pool.acquire('b');
    await until(() => pool.threads === 3);
    await pool.acquire('c');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(pool.threads).toBe(3);
  });

  it('a worker that exits is reported and replaced', async () => {
    const { pool, exits, messages } = makePool(2, 2);
    await pool.start();
    const worker: PooledWorker = await pool.acquire('victim');
    worker.post(request(1, '/exit'));
    await until(() => exits.includes(5));
    expect(worker.alive).toBe(false);
    await until(() => pool.threads === 2);
    const next = await pool.acquire('next');
    expect(next).not.toBe(worker);
    expect(messages.filter((m) => m.type === 'ready')).toEqual([]);
  });

  it('a batch posted by a worker is delivered message by message, in order, and counts as one post', async () => {
    const { pool, messages } = makePool(1, 1);
    await pool.start();
    const worker = await pool.acquire('batcher');
    const before = pool.traffic;
    worker.post(request(2, '/batch'));
    await until(() => messages.some((m) => m.type === 'done'));
    expect(messages.map((m) => m.type)).toEqual(['head', 'end', 'done']);
    expect(pool.traffic).toEqual({ toWorkers: before.toWorkers + 1, fromWorkers: before.fromWorkers + 1 });
  });

  it('rejects start with SV_ERR_WORKER_START_FAILED when the workers cannot start', async () => {
    const { pool } = makePool(2, 1, { fail: true });
    await expect(pool.start()).rejects.toMatchObject({ code: 'SV_ERR_WORKER_START_FAILED' });
    expect(pool.threads).toBe(0);
  });

  it('a spare that fails to start is logged once with its code, and the pool keeps serving', async () => {
    const { pool, logs } = makePool(2, 1, { failAfter: 1, started: new SharedArrayBuffer(4) });
    await pool.start();
    // Taking the only worker asks for a spare; nobody awaits that start, so its failure must reach the log.
    const first = await pool.acquire('one');
    await until(() => logs.some((line) => line.code === 'SV_ERR_WORKER_START_FAILED'));
    expect(logs.filter((line) => line.code === 'SV_ERR_WORKER_START_FAILED').map((line) => line.msg)).toEqual([
      'Worker thread [2] of pool [test] failed to start: cannot start',
    ]);
    pool.release(first);
    expect((await pool.acquire('two')).id).toBe(first.id);
  });

  it('stop ends every worker and refuses new holders', async () => {
    const { pool, exits } = makePool(2, 2);
    await pool.start();
    await pool.stop(1000);
    expect(pool.threads).toBe(0);
    expect(exits).toEqual([0, 0]);
    await expect(pool.acquire('late')).rejects.toMatchObject({ code: 'SV_ERR_WORKER_POOL_STOPPED' });
  });

  it('retires workers above minSpareThreads once idle for maxIdleTime, never below it', async () => {
    const { pool, exits } = makePool(4, 2, {}, 100);
    await pool.start();
    const held = await Promise.all(['a', 'b', 'c', 'd'].map((holder) => pool.acquire(holder)));
    expect(pool.threads).toBe(4);
    // Held workers are never retired, however long they are held.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(pool.threads).toBe(4);
    for (const worker of held) pool.release(worker);
    await until(() => pool.threads === 2);
    // Retired workers stop gracefully (exit code 0), shortly after they stop counting.
    await until(() => exits.length === 2);
    expect(exits).toEqual([0, 0]);
    // Well past maxIdleTime again: minSpareThreads stay.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(pool.threads).toBe(2);
    expect(exits).toHaveLength(2);
    // The ones left still serve.
    expect((await pool.acquire('e')).holder).toBe('e');
  });

  it('keeps every started worker while they are younger than maxIdleTime', async () => {
    const { pool } = makePool(3, 1, {}, 60_000);
    await pool.start();
    const held = await Promise.all(['a', 'b', 'c'].map((holder) => pool.acquire(holder)));
    for (const worker of held) pool.release(worker);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(pool.threads).toBe(3);
  });
});
