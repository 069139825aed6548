// Realms shared between worker threads and the main thread: the worker's proxy (WorkerRealm), the owner's
// answers (RealmOwner over real realms), what crosses between them (plain data, coded errors), and the
// backend-less shape a worker builds from a <Realm> to answer supportsDigest.
import { join } from 'node:path';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { RealmCall, RealmKey } from '../../../src/blocking/messages/realm-messages.js';
import { errorFromData, errorToData } from '../../../src/blocking/pool/error-data.js';
import { RealmOwner } from '../../../src/blocking/realm/realm-owner.js';
import { WorkerRealm } from '../../../src/blocking/realm/worker-realm.js';
import type { RealmConfig } from '../../../src/config/server-config.js';
import { ContainerError } from '../../../src/errors/container-error.js';
import { GenericPrincipal } from '../../../src/realm/generic-principal.js';
import { LockOutRealm } from '../../../src/realm/lock-out-realm.js';
import { MemoryRealm } from '../../../src/realm/memory-realm.js';
import { NullRealm } from '../../../src/realm/null-realm.js';
import type { Realm } from '../../../src/realm/realm.js';
import { createRealmShape } from '../../../src/startup/realm-factory.js';
import { REPO_ROOT } from '../../helpers/test-server.js';

const logger = pino({ level: 'silent' });
const USERS = join(REPO_ROOT, 'test', 'fixtures', 'auth', 'users.xml');
const ENGINE: RealmKey = { host: null, context: null };

async function lockOut(): Promise<Realm> {
  const realm = new LockOutRealm([new MemoryRealm({ pathname: USERS, catalinaBase: REPO_ROOT, logger })], { logger, failureCount: 2 });
  await realm.start();
  return realm;
}

/**
 * A worker's realm whose link answers from a RealmOwner as the main thread does, the value structured-cloned
 * (the owner's promise is settled before the worker reads it: the unit test plays the blocking wait).
 */
function workerOver(owner: RealmOwner): { realm: WorkerRealm; calls: RealmCall[]; answer: () => Promise<void> } {
  const calls: RealmCall[] = [];
  let pending: Promise<unknown> | null = null;
  let settled: { ok: true; value: unknown } | { ok: false; error: ReturnType<typeof errorToData> } | null = null;
  const realm = new WorkerRealm({
    key: ENGINE,
    shape: new NullRealm(),
    link: (key, request) => {
      calls.push(request);
      if (settled === null) {
        pending = owner.call(key, structuredClone(request));
        throw new Error('not answered yet');
      }
      const answer = settled;
      settled = null;
      if (!answer.ok) throw errorFromData(answer.error);
      return structuredClone(answer.value);
    },
  });
  const answer = async (): Promise<void> => {
    try {
      settled = { ok: true, value: await pending };
    } catch (error) {
      settled = { ok: false, error: errorToData(error) };
    }
  };
  return { realm, calls, answer };
}

/** Runs one call of the worker realm against the owner: first to send it, then to read the settled answer. */
async function ask<T>(worker: ReturnType<typeof workerOver>, call: () => Promise<T>): Promise<T> {
  await expect(call()).rejects.toThrow('not answered yet');
  await worker.answer();
  return call();
}

describe('worker realms', () => {
  it('the owner authenticates with the main thread realm and answers plain data the worker makes a principal again', async () => {
    const main = await lockOut();
    const realmOwner = new RealmOwner((key) => (key.host === null ? main : null));
    const worker = workerOver(realmOwner);
    const principal = await ask(worker, () => worker.realm.authenticate('alice', 'alice-pw'));
    expect(principal).toBeInstanceOf(GenericPrincipal);
    expect(principal).toMatchObject({ name: 'alice', roles: ['admin', 'user'] });
    expect(await ask(worker, () => worker.realm.authenticate('alice', 'wrong'))).toBeNull();
    expect(worker.calls.map((call) => call.op)).toEqual(['authenticate', 'authenticate', 'authenticate', 'authenticate']);
  });

  it("one LockOutRealm for every worker: failures on two workers' proxies add up on the owner", async () => {
    const main = await lockOut();
    const realmOwner = new RealmOwner(() => main);
    const a = workerOver(realmOwner);
    const b = workerOver(realmOwner);
    expect(await ask(a, () => a.realm.authenticate('bob', 'bad'))).toBeNull();
    expect(await ask(b, () => b.realm.authenticate('bob', 'bad'))).toBeNull();
    // failureCount="2": locked, even with the right password, on either worker.
    expect(await ask(a, () => a.realm.authenticate('bob', 'bob-pw'))).toBeNull();
    expect(await ask(b, () => b.realm.authenticate('bob', 'bob-pw'))).toBeNull();
  });

  it('hasRole is asked of the owner each time (a UserDatabaseRealm grants the roles it has now, not those of the login)', async () => {
    const asked: string[] = [];
    const main = {
      hasRole: (principal: GenericPrincipal, role: string) => {
        asked.push(`${principal.name}@${principal.realmPath}:${role}`);
        return role === 'granted-now';
      },
    } as unknown as Realm;
    const realmOwner = new RealmOwner(() => main);
    const sent: RealmCall[] = [];
    const realm = new WorkerRealm({
      key: ENGINE,
      shape: new NullRealm(),
      link: (_key, request) => {
        sent.push(request);
        // What the owner would answer (checked against RealmOwner below).
        return request.op === 'hasRole' && request.role === 'granted-now';
      },
    });
    const ann = new GenericPrincipal('ann', ['granted-at-login'], '/realm0/realm1');
    expect(realm.hasRole(ann, 'granted-at-login')).toBe(false);
    expect(realm.hasRole(ann, 'granted-now')).toBe(true);
    expect(sent[0]).toEqual({
      op: 'hasRole',
      principal: { name: 'ann', roles: ['granted-at-login'], realmPath: '/realm0/realm1' },
      role: 'granted-at-login',
    });
    expect(await realmOwner.call(ENGINE, sent[0]!)).toBe(false);
    expect(await realmOwner.call(ENGINE, sent[1]!)).toBe(true);
    expect(asked).toEqual(['ann@/realm0/realm1:granted-at-login', 'ann@/realm0/realm1:granted-now']);
  });

  it('a realm that cannot answer reaches the worker as the same coded error (503), never as a principal', async () => {
    const down = {
      authenticate: () =>
        Promise.reject(new ContainerError('SV_ERR_REALM_UNAVAILABLE', { realm: 'DataSourceRealm', detail: 'ECONNREFUSED' })),
    } as unknown as Realm;
    const worker = workerOver(new RealmOwner(() => down));
    const failure = await ask(worker, () => worker.realm.authenticate('alice', 'alice-pw')).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ContainerError);
    expect(failure).toMatchObject({ code: 'SV_ERR_REALM_UNAVAILABLE', status: 503 });
  });

  it('a container the main thread does not have is a coded error', async () => {
    await expect(
      new RealmOwner(() => null).call({ host: 'h', context: 'gone' }, { op: 'authenticateVerified', username: 'x' }),
    ).rejects.toMatchObject({
      code: 'SV_ERR_WORKER_REALM_OWNER_MISSING',
    });
  });

  describe('the shape a worker builds from <Realm> (supportsDigest, no backend)', () => {
    const location = { file: 'server.xml', line: 1, path: 'Server/Service/Engine/Realm' };
    const realmConfig = (className: string, attributes: Record<string, string>, credentialHandler?: RealmConfig): RealmConfig => ({
      className: `org.apache.catalina.realm.${className}`,
      attributes,
      location,
      realms: [],
      credentialHandler: credentialHandler === undefined ? undefined : { ...credentialHandler, handlers: [] },
    });

    it('a DataSourceRealm or UserDatabaseRealm is built without looking its resource up, with the same digest rule', () => {
      for (const config of [
        realmConfig('DataSourceRealm', {
          dataSourceName: 'jdbc/none',
          userTable: 'users',
          userNameCol: 'n',
          userCredCol: 'c',
          userRoleTable: 'r',
          roleNameCol: 'role',
        }),
        realmConfig('UserDatabaseRealm', { resourceName: 'NoSuchDatabase' }),
      ]) {
        const { realm } = createRealmShape(config, { catalinaBase: REPO_ROOT, logger });
        // Clear-text credentials: DIGEST can work.
        expect(realm.supportsDigest('SHA-256')).toBe(true);
        expect(realm.supportsDigest('MD5')).toBe(true);
      }
      // PBKDF2 (salted, iterated): DIGEST cannot work, and the app asking for it refuses to deploy.
      const hashed = realmConfig('UserDatabaseRealm', { resourceName: 'NoSuchDatabase' }, realmConfig('SecretKeyCredentialHandler', {}));
      const shape = createRealmShape(hashed, { catalinaBase: REPO_ROOT, logger });
      // Nested in a LockOutRealm, as in Tomcat's server.xml.
      const nested = createRealmShape({ ...realmConfig('LockOutRealm', {}), realms: [hashed] }, { catalinaBase: REPO_ROOT, logger });
      expect(nested.realm.supportsDigest('SHA-256')).toBe(false);
      expect(shape.realm.supportsDigest('SHA-256')).toBe(false);
    });

    it('the worker realm answers supportsDigest from its shape, without a call', () => {
      const calls: unknown[] = [];
      const { realm: shape } = createRealmShape(realmConfig('UserDatabaseRealm', { resourceName: 'UserDatabase' }), {
        catalinaBase: REPO_ROOT,
        logger,
      });
      const realm = new WorkerRealm({ key: ENGINE, shape, link: (_key, request) => calls.push(request) });
      expect(realm.supportsDigest('SHA-256')).toBe(true);
      expect(calls).toEqual([]);
    });
  });
});
