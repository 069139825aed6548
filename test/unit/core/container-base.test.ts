import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { ContainerBase } from '../../../src/core/container-base.js';
import { ContainerError } from '../../../src/errors/container-error.js';

class Box extends ContainerBase {
  constructor(name: string) {
    super(name, pino({ level: 'silent' }));
  }
  get containerType(): string {
    return 'Box';
  }
}

function thrown(action: () => unknown): ContainerError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(ContainerError);
    return error as ContainerError;
  }
  throw new Error('expected a throw');
}

describe('ContainerBase: children added while the tree is built', () => {
  it('attachChild throws a name clash at once, naming parent and child, instead of rejecting a promise', () => {
    const parent = new Box('engine');
    parent.attachChild(new Box('localhost'));
    const error = thrown(() => parent.attachChild(new Box('localhost')));
    expect(error.code).toBe('SV_ERR_CONTAINER_DUPLICATE_CHILD');
    expect(error.message).toBe('Container [Box[engine]] already has a child named [localhost]; give each child a unique name');
    expect(parent.findChildren().map((child) => child.name)).toEqual(['localhost']);
  });

  it('attached children start with their parent; a started parent refuses attachChild (addChild starts the child)', async () => {
    const parent = new Box('engine');
    const child = new Box('first');
    parent.attachChild(child);
    await parent.start();
    expect(child.state).toBe('STARTED');
    const error = thrown(() => parent.attachChild(new Box('late')));
    expect(error.code).toBe('SV_ERR_LIFECYCLE_INVALID_TRANSITION');
    const late = new Box('late');
    await parent.addChild(late);
    expect(late.state).toBe('STARTED');
    await expect(parent.addChild(new Box('late'))).rejects.toMatchObject({ code: 'SV_ERR_CONTAINER_DUPLICATE_CHILD' });
    await parent.stop();
  });
});
