import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { ContainerBase } from '../../../src/core/container-base.js';
import { ContainerError } from '../../../src/errors/container-error.js';
import { NullRealm } from '../../../src/realm/null-realm.js';

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

describe('ContainerBase: realms', () => {
  it('a container uses its own realm, else its parent’s (Engine → Host → Context), with the policy beside it', () => {
    const engine = new Box('engine');
    const host = new Box('host');
    const context = new Box('context');
    engine.attachChild(host);
    host.attachChild(context);
    const engineRealm = new NullRealm();
    engine.setRealm(engineRealm);
    expect([host.realm, context.realm]).toEqual([engineRealm, engineRealm]);
    expect(context.realmPolicy.allRolesMode).toBe('strict');
    const hostRealm = new NullRealm();
    host.setRealm(hostRealm, { allRolesMode: 'authOnly', transportGuaranteeRedirectStatus: 301, x509UsernameRetriever: undefined });
    expect([engine.realm, host.realm, context.realm]).toEqual([engineRealm, hostRealm, hostRealm]);
    expect(context.realmPolicy.transportGuaranteeRedirectStatus).toBe(301);
    expect(new Box('alone').realm).toBeNull();
  });

  it('starts its realm before its children and stops it after them; its background tick reaches the realm', async () => {
    const order: string[] = [];
    class Recording extends NullRealm {
      protected override async startInternal(): Promise<void> {
        order.push('realm start');
        await super.startInternal();
      }
      protected override async stopInternal(): Promise<void> {
        order.push('realm stop');
        await super.stopInternal();
      }
      override backgroundProcess(): void {
        order.push('realm tick');
      }
    }
    class Child extends Box {
      protected override async startInternal(): Promise<void> {
        order.push('child start');
        await super.startInternal();
      }
      protected override async stopInternal(): Promise<void> {
        order.push('child stop');
        await super.stopInternal();
      }
    }
    const parent = new Box('host');
    parent.setRealm(new Recording());
    parent.attachChild(new Child('context'));
    await parent.start();
    parent.backgroundProcess();
    await parent.stop();
    expect(order).toEqual(['realm start', 'child start', 'realm tick', 'child stop', 'realm stop']);
  });
});
