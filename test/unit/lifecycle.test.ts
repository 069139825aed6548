import { describe, expect, it } from 'vitest';
import { LifecycleBase } from '../../src/lifecycle/lifecycle-base.js';
import type { LifecycleEventType } from '../../src/lifecycle/lifecycle-state.js';
import { LifecycleError } from '../../src/errors/container-error.js';

class Component extends LifecycleBase {
  failOn: 'init' | 'start' | 'stop' | null = null;
  get componentName(): string {
    return 'Test[c]';
  }
  protected override async initInternal(): Promise<void> {
    if (this.failOn === 'init') throw new Error('boom');
  }
  protected async startInternal(): Promise<void> {
    if (this.failOn === 'start') throw new Error('boom');
    this.setState('STARTING');
  }
  protected async stopInternal(): Promise<void> {
    this.setState('STOPPING');
  }
}

function record(c: LifecycleBase): LifecycleEventType[] {
  const events: LifecycleEventType[] = [];
  c.addLifecycleListener((e) => events.push(e.type));
  return events;
}

describe('LifecycleBase', () => {
  it('walks NEW → STARTED → STOPPED → DESTROYED firing every event in order', async () => {
    const c = new Component();
    const events = record(c);
    await c.start();
    expect(c.state).toBe('STARTED');
    await c.stop();
    await c.destroy();
    expect(c.state).toBe('DESTROYED');
    expect(events).toEqual([
      'before_init',
      'after_init',
      'before_start',
      'start',
      'after_start',
      'before_stop',
      'stop',
      'after_stop',
      'before_destroy',
      'after_destroy',
    ]);
  });

  it('start() on a started component is a no-op and stop() on NEW goes straight to STOPPED', async () => {
    const c = new Component();
    await c.start();
    await c.start();
    expect(c.state).toBe('STARTED');
    const fresh = new Component();
    await fresh.stop();
    expect(fresh.state).toBe('STOPPED');
  });

  it('an illegal transition throws naming the component and its state', async () => {
    const c = new Component();
    await c.start();
    await c.stop();
    await c.destroy();
    const error = await c.init().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LifecycleError);
    expect((error as LifecycleError).code).toBe('SV_ERR_LIFECYCLE_INVALID_TRANSITION');
    expect((error as Error).message).toContain('[Test[c]]');
    expect((error as Error).message).toContain('[DESTROYED]');
  });

  it('a failing hook puts the component in FAILED and wraps the cause', async () => {
    const c = new Component();
    c.failOn = 'start';
    const error = (await c.start().catch((e: unknown) => e)) as LifecycleError;
    expect(error.code).toBe('SV_ERR_LIFECYCLE_FAILED');
    expect((error.cause as Error).message).toBe('boom');
    expect(c.state).toBe('FAILED');
    c.failOn = null;
    await c.start(); // FAILED → stop → start again
    expect(c.state).toBe('STARTED');
  });

  it('a failing init leaves the component FAILED', async () => {
    const c = new Component();
    c.failOn = 'init';
    await expect(c.init()).rejects.toThrow(/Failed to init component \[Test\[c\]\]/);
    expect(c.state).toBe('FAILED');
  });
});
