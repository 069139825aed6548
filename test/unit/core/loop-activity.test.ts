import type { Logger } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { FaultOwner, FaultRequest } from '../../../src/core/faults.js';
import {
  activityBuffer,
  activityView,
  announceOwnersTo,
  clearRunning,
  MAX_REQUEST_CHARS,
  publishRunning,
  readHeartbeat,
  readOwner,
  readRequest,
  startHeartbeat,
} from '../../../src/core/loop-activity.js';

const view = activityView(activityBuffer);
const owner = (name: string): FaultOwner => ({ name, logger: {} as Logger });
const request = (method: string, uri: string): FaultRequest => ({ getMethod: () => method, getRequestURI: () => uri });

afterEach(() => {
  clearRunning();
  vi.useRealTimers();
});

describe('loop-activity: what the watchdog thread reads from the shared buffer', () => {
  it('names the app by an id announced once, and the request line', () => {
    const announced: Array<[number, string]> = [];
    const stop = announceOwnersTo((id, name) => announced.push([id, name]));
    const shop = owner('shop');
    publishRunning(shop, request('POST', '/shop/cart'));
    const id = readOwner(view);
    expect(id).toBeGreaterThan(0);
    expect(readRequest(view)).toBe('POST /shop/cart');
    publishRunning(shop, request('GET', '/shop/'));
    expect(readOwner(view)).toBe(id);
    expect(readRequest(view)).toBe('GET /shop/');
    expect(announced.filter(([, name]) => name === 'shop')).toEqual([[id, 'shop']]);

    // A listener that comes later learns the ids assigned before it.
    const late: Array<[number, string]> = [];
    const stopLate = announceOwnersTo((i, name) => late.push([i, name]));
    expect(late).toContainEqual([id, 'shop']);
    stop();
    stopLate();
  });

  it('a callback outside any request has no request line; clearRunning() says nothing of an app runs', () => {
    publishRunning(owner('timers'), null);
    expect(readOwner(view)).toBeGreaterThan(0);
    expect(readRequest(view)).toBeNull();
    clearRunning();
    expect(readOwner(view)).toBe(0);
  });

  it('cuts a request line longer than the buffer holds', () => {
    const uri = `/${'x'.repeat(2 * MAX_REQUEST_CHARS)}`;
    publishRunning(owner('long'), request('GET', uri));
    expect(readRequest(view)).toBe(`GET ${uri}`.slice(0, MAX_REQUEST_CHARS));
  });

  it('the heartbeat advances once per interval while the loop turns, and stops when told', () => {
    vi.useFakeTimers();
    const before = readHeartbeat(view);
    const stop = startHeartbeat(100);
    vi.advanceTimersByTime(350);
    expect(readHeartbeat(view) - before).toBe(3);
    stop();
    vi.advanceTimersByTime(1000);
    expect(readHeartbeat(view) - before).toBe(3);
  });
});
