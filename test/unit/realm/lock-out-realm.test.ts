import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { LockOutRealm, type LockOutRealmOptions } from '../../../src/realm/lock-out-realm.js';
import { MemoryRealm } from '../../../src/realm/memory-realm.js';
import { MessageDigestCredentialHandler } from '../../../src/realm/message-digest-credential-handler.js';
import { CountingCredentialHandler } from './counting-credential-handler.js';
import { catalinaBaseWithUsers, usersXml } from './users-files.js';

/** A LockOutRealm over one MemoryRealm, a clock the test moves, and the codes it logged. */
async function lockOut(options: Omit<LockOutRealmOptions, 'now' | 'logger'> = {}) {
  const clock = { ms: 1_000_000 };
  const codes: string[] = [];
  const logger = pino(
    { level: 'info' },
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        codes.push(String((JSON.parse(chunk.toString()) as { code: string }).code));
        done();
      },
    }),
  );
  const handler = new CountingCredentialHandler(new MessageDigestCredentialHandler());
  const { catalinaBase } = catalinaBaseWithUsers(
    usersXml('<user username="alice" password="right" roles="r"/>\n<user username="bob" password="b"/>'),
  );
  const realm = new LockOutRealm([new MemoryRealm({ catalinaBase, credentialHandler: handler })], {
    ...options,
    now: () => clock.ms,
    logger,
  });
  await realm.start();
  const advance = (seconds: number): void => {
    clock.ms += seconds * 1000;
  };
  return { realm, handler, codes, advance };
}

async function fail(realm: LockOutRealm, username: string, times: number): Promise<void> {
  for (let i = 0; i < times; i++) expect(await realm.authenticate(username, 'wrong')).toBeNull();
}

describe('LockOutRealm', () => {
  it("has Tomcat's defaults", async () => {
    const { realm } = await lockOut();
    expect([realm.failureCount, realm.lockOutTime, realm.cacheSize, realm.cacheRemovalWarningTime, realm.caseSensitive]).toEqual([
      5,
      300,
      1000,
      3600,
      false,
    ]);
  });

  it('locks a user after failureCount failures; the right password then gets the same null as a wrong one', async () => {
    const { realm, codes } = await lockOut();
    await fail(realm, 'alice', 4);
    expect(realm.isLocked('alice')).toBe(false);
    expect(await realm.authenticate('alice', 'right')).not.toBeNull();
    // Success cleared the count: four more failures still do not lock.
    await fail(realm, 'alice', 4);
    expect(realm.isLocked('alice')).toBe(false);
    await fail(realm, 'alice', 1);
    expect(realm.isLocked('alice')).toBe(true);
    expect(await realm.authenticate('alice', 'right')).toBeNull();
    expect(codes).toContain('SV_MSG_REALM_LOCKED_USER');
    // Others are not affected.
    expect(await realm.authenticate('bob', 'b')).not.toBeNull();
  });

  it('still does the full check for a locked user, so the answer time does not show the lock', async () => {
    const { realm, handler } = await lockOut();
    await fail(realm, 'alice', 5);
    handler.checked.length = 0;
    expect(await realm.authenticate('alice', 'right')).toBeNull();
    expect(handler.checked).toEqual(['right']);
  });

  it('unlocks lockOutTime seconds after the last failure; each failure while locked restarts the wait', async () => {
    const { realm, advance } = await lockOut({ lockOutTime: 300 });
    await fail(realm, 'alice', 5);
    advance(299);
    expect(realm.isLocked('alice')).toBe(true);
    await fail(realm, 'alice', 1);
    advance(299);
    expect(await realm.authenticate('alice', 'right')).toBeNull();
    advance(301);
    expect(realm.isLocked('alice')).toBe(false);
    expect(await realm.authenticate('alice', 'right')).not.toBeNull();
  });

  it('starts a new count after an expired lock', async () => {
    const { realm, advance } = await lockOut({ failureCount: 2, lockOutTime: 10 });
    await fail(realm, 'alice', 2);
    advance(11);
    await fail(realm, 'alice', 1);
    expect(realm.isLocked('alice')).toBe(false);
    await fail(realm, 'alice', 1);
    expect(realm.isLocked('alice')).toBe(true);
  });

  it('counts user names case-insensitively unless caseSensitive', async () => {
    const insensitive = (await lockOut({ failureCount: 2 })).realm;
    await fail(insensitive, 'Alice', 1);
    await fail(insensitive, 'ALICE', 1);
    expect(insensitive.isLocked('alice')).toBe(true);
    const sensitive = (await lockOut({ failureCount: 2, caseSensitive: true })).realm;
    await fail(sensitive, 'Alice', 1);
    await fail(sensitive, 'ALICE', 1);
    expect(sensitive.isLocked('alice')).toBe(false);
  });

  it('locks unknown user names too, so locking does not reveal who exists', async () => {
    const { realm } = await lockOut({ failureCount: 1 });
    await fail(realm, 'nobody', 1);
    expect(realm.isLocked('nobody')).toBe(true);
  });

  it('forgets the least recently used user beyond cacheSize, and warns when that user failed recently', async () => {
    const { realm, codes, advance } = await lockOut({ failureCount: 1, lockOutTime: 30, cacheSize: 2, cacheRemovalWarningTime: 60 });
    await fail(realm, 'u1', 1);
    advance(61);
    await fail(realm, 'u2', 1);
    // Reading u1 makes it the most recently used: u2 is the one forgotten next.
    expect(realm.isLocked('u1')).toBe(false);
    await fail(realm, 'u3', 1);
    expect(codes.filter((c) => c === 'SV_MSG_REALM_LOCKOUT_CACHE_EVICTION')).toHaveLength(1);
    expect(realm.isLocked('u2')).toBe(false);
    expect(realm.isLocked('u3')).toBe(true);
    advance(61);
    await fail(realm, 'u4', 1);
    // u1 (failed 122 s ago) was forgotten without a warning.
    expect(codes.filter((c) => c === 'SV_MSG_REALM_LOCKOUT_CACHE_EVICTION')).toHaveLength(1);
  });

  it('unlock() lifts a lock at once', async () => {
    const { realm } = await lockOut();
    await fail(realm, 'alice', 5);
    realm.unlock('ALICE');
    expect(await realm.authenticate('alice', 'right')).not.toBeNull();
  });

  it('refuses a verified (certificate) login of a locked user without counting a failure', async () => {
    const { realm } = await lockOut({ failureCount: 2 });
    expect(await realm.authenticateVerified('alice')).not.toBeNull();
    await fail(realm, 'alice', 2);
    expect(await realm.authenticateVerified('alice')).toBeNull();
  });

  it('refuses attributes out of range', () => {
    expect(() => new LockOutRealm([], { failureCount: 0 })).toThrow(/failureCount/);
    expect(() => new LockOutRealm([], { cacheSize: 1.5 })).toThrow(/cacheSize/);
  });
});
