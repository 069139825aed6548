import { writeFileSync, utimesSync, statSync } from 'node:fs';
import pino from 'pino';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { UserDatabase } from '../../../src/realm/user-database.js';
import { UserDatabaseRealm } from '../../../src/realm/user-database-realm.js';
import { catalinaBaseWithUsers, usersXml } from './users-files.js';

const USERS = usersXml(
  [
    '  <role rolename="tomcat" description="the examples role"/>',
    '  <group groupname="staff" roles="staff-role,tomcat"/>',
    '  <user username="alice" password="a" fullName="Alice" roles="manager-gui" groups="staff"/>',
    '  <user username="bob" password="b" groups="contractors"/>',
  ].join('\n'),
);

/** A logger whose records the test can read. */
function recordingLogger(): { logger: pino.Logger; records: Record<string, unknown>[] } {
  const records: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      records.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream), records };
}

/** Rewrites the file so that it is seen as changed even within one clock tick (size and mtime both move). */
function rewrite(file: string, content: string, mtimeSeconds: number): void {
  writeFileSync(file, content);
  utimesSync(file, mtimeSeconds, mtimeSeconds);
}

describe('UserDatabase (tomcat-users.xml)', () => {
  it('has users, groups and roles, creating the ones users and groups name without declaring', () => {
    const { catalinaBase } = catalinaBaseWithUsers(USERS);
    const database = new UserDatabase({ catalinaBase });
    database.open();
    expect([...database.users.keys()]).toEqual(['alice', 'bob']);
    expect(database.findUser('alice')?.fullName).toBe('Alice');
    expect([...database.groups.keys()].sort()).toEqual(['contractors', 'staff']);
    expect([...database.roles.keys()].sort()).toEqual(['manager-gui', 'staff-role', 'tomcat']);
    expect(database.roles.get('tomcat')?.description).toBe('the examples role');
    expect([...database.rolesOf('alice')!].sort()).toEqual(['manager-gui', 'staff-role', 'tomcat']);
    expect([...database.rolesOf('bob')!]).toEqual([]);
    expect(database.rolesOf('carol')).toBeNull();
  });

  it('reads a file with no users (Debian ships every user commented out)', () => {
    const { catalinaBase } = catalinaBaseWithUsers(
      usersXml('<!--\n  <user username="admin" password="<must-be-changed>" roles="manager-gui"/>\n-->'),
    );
    const database = new UserDatabase({ catalinaBase });
    database.open();
    expect(database.users.size).toBe(0);
  });
});

describe('UserDatabaseRealm', () => {
  it('authenticates with the roles of the user and of its groups', async () => {
    const { catalinaBase } = catalinaBaseWithUsers(USERS);
    const realm = new UserDatabaseRealm(new UserDatabase({ catalinaBase }));
    await realm.start();
    const alice = await realm.authenticate('alice', 'a');
    expect(alice?.roles).toEqual(['manager-gui', 'staff-role', 'tomcat']);
    expect(realm.hasRole(alice!, 'staff-role')).toBe(true);
    expect(await realm.authenticate('alice', 'b')).toBeNull();
  });

  it('picks up a changed file on the background check, without a restart; roles are looked up live', async () => {
    const { catalinaBase, file } = catalinaBaseWithUsers(USERS);
    const { logger, records } = recordingLogger();
    const database = new UserDatabase({ catalinaBase, logger });
    const realm = new UserDatabaseRealm(database);
    await realm.start();
    const alice = (await realm.authenticate('alice', 'a'))!;
    const mtime = statSync(file).mtimeMs / 1000;

    rewrite(
      file,
      usersXml('<user username="alice" password="new" roles="manager-gui"/>\n<user username="carol" password="c"/>'),
      mtime + 10,
    );
    // Not before the check: reading happens on the background thread's schedule, not per request.
    expect(await realm.authenticate('alice', 'a')).not.toBeNull();
    realm.backgroundProcess();
    expect(await realm.authenticate('alice', 'a')).toBeNull();
    expect(await realm.authenticate('alice', 'new')).not.toBeNull();
    expect(await realm.authenticate('carol', 'c')).not.toBeNull();
    // The principal from before the change loses the group's role at once.
    expect(realm.hasRole(alice, 'staff-role')).toBe(false);
    expect(realm.hasRole(alice, 'manager-gui')).toBe(true);
    expect(records.map((r) => r['code'])).toEqual(['SV_MSG_REALM_USERS_RELOADED']);

    // An unchanged file is not read again.
    realm.backgroundProcess();
    expect(records).toHaveLength(1);
  });

  it('keeps the previous users when the changed file is broken, and reports it once', async () => {
    const { catalinaBase, file } = catalinaBaseWithUsers(USERS);
    const { logger, records } = recordingLogger();
    const realm = new UserDatabaseRealm(new UserDatabase({ catalinaBase, logger }));
    await realm.start();
    const mtime = statSync(file).mtimeMs / 1000;

    rewrite(file, usersXml('<user username="alice" password="new"'), mtime + 10);
    realm.backgroundProcess();
    realm.backgroundProcess();
    expect(await realm.authenticate('alice', 'a')).not.toBeNull();
    expect(records.map((r) => r['code'])).toEqual(['SV_ERR_REALM_USERS_RELOAD_FAILED']);

    rewrite(file, usersXml('<user username="alice" password="fixed"/>'), mtime + 20);
    realm.backgroundProcess();
    expect(await realm.authenticate('alice', 'fixed')).not.toBeNull();
  });

  it('does not reload with watchSource="false"; useStaticPrincipal fixes the roles at login', async () => {
    const { catalinaBase, file } = catalinaBaseWithUsers(USERS);
    const realm = new UserDatabaseRealm(new UserDatabase({ catalinaBase, watchSource: false }), { useStaticPrincipal: true });
    await realm.start();
    const alice = (await realm.authenticate('alice', 'a'))!;
    rewrite(file, usersXml('<user username="alice" password="new"/>'), statSync(file).mtimeMs / 1000 + 10);
    realm.backgroundProcess();
    expect(await realm.authenticate('alice', 'a')).not.toBeNull();
    expect(realm.hasRole(alice, 'staff-role')).toBe(true);
  });
});
