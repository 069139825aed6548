import { describe, expect, it } from 'vitest';
import { ContainerError } from '../../../src/errors/container-error.js';
import { CombinedRealm } from '../../../src/realm/combined-realm.js';
import { GenericPrincipal } from '../../../src/realm/generic-principal.js';
import { MemoryRealm } from '../../../src/realm/memory-realm.js';
import { MessageDigestCredentialHandler } from '../../../src/realm/message-digest-credential-handler.js';
import { UserDatabase } from '../../../src/realm/user-database.js';
import { UserDatabaseRealm } from '../../../src/realm/user-database-realm.js';
import { CountingCredentialHandler } from './counting-credential-handler.js';
import { catalinaBaseWithUsers, usersXml } from './users-files.js';

function memoryRealm(body: string, credentialHandler?: CountingCredentialHandler): MemoryRealm {
  const { catalinaBase } = catalinaBaseWithUsers(usersXml(body));
  return new MemoryRealm({ catalinaBase, ...(credentialHandler ? { credentialHandler } : {}) });
}

describe('CombinedRealm', () => {
  it('tries the nested realms in order; the first that authenticates wins', async () => {
    const first = memoryRealm('<user username="shared" password="one" roles="first"/>');
    const second = memoryRealm('<user username="shared" password="two" roles="second"/>\n<user username="only2" password="x" roles="r2"/>');
    const combined = new CombinedRealm([first, second]);
    await combined.start();
    expect(first.realmPath).toBe('/realm0/realm0');
    expect(second.realmPath).toBe('/realm0/realm1');
    expect((await combined.authenticate('shared', 'one'))?.roles).toEqual(['first']);
    expect((await combined.authenticate('shared', 'two'))?.roles).toEqual(['second']);
    expect((await combined.authenticate('only2', 'x'))?.realmPath).toBe('/realm0/realm1');
    expect(await combined.authenticate('only2', 'y')).toBeNull();
    await combined.stop();
    expect(first.state).toBe('STOPPED');
  });

  it('goes on past a nested realm that cannot answer, and passes its failure on only when nobody authenticated the user', async () => {
    class Unreachable extends MemoryRealm {
      override async authenticate(): Promise<GenericPrincipal | null> {
        throw new ContainerError('SV_ERR_REALM_UNAVAILABLE', { realm: 'db', detail: 'connection refused' });
      }
    }
    const { catalinaBase } = catalinaBaseWithUsers(usersXml(''));
    const down = new Unreachable({ catalinaBase });
    const up = memoryRealm('<user username="ann" password="pw" roles="r"/>');
    const combined = new CombinedRealm([down, up]);
    await combined.start();
    expect((await combined.authenticate('ann', 'pw'))?.name).toBe('ann');
    // Not "no such user": the realm that could not answer might know it.
    await expect(combined.authenticate('ann', 'wrong')).rejects.toMatchObject({ code: 'SV_ERR_REALM_UNAVAILABLE' });
    await combined.stop();
  });

  it('asks only the realm that authenticated the principal about its roles', async () => {
    // UserDatabaseRealms look roles up live by user name: asking every realm (Tomcat) would lend "shared" the
    // second database's admin role although the first one authenticated it.
    const databaseRealm = (body: string): UserDatabaseRealm =>
      new UserDatabaseRealm(new UserDatabase({ catalinaBase: catalinaBaseWithUsers(usersXml(body)).catalinaBase }));
    const combined = new CombinedRealm([
      databaseRealm('<user username="shared" password="one" roles="user"/>'),
      databaseRealm('<user username="shared" password="two" roles="admin"/>'),
    ]);
    await combined.start();
    const fromFirst = (await combined.authenticate('shared', 'one'))!;
    expect(combined.hasRole(fromFirst, 'user')).toBe(true);
    expect(combined.hasRole(fromFirst, 'admin')).toBe(false);
    const fromSecond = (await combined.authenticate('shared', 'two'))!;
    expect(combined.hasRole(fromSecond, 'admin')).toBe(true);
    expect(combined.hasRole(fromSecond, 'user')).toBe(false);
    expect(combined.hasRole(new GenericPrincipal('shared', ['admin'], '/elsewhere'), 'admin')).toBe(false);
    // A principal no realm made: Tomcat's rule, any nested realm may grant the role.
    expect(combined.hasRole(new GenericPrincipal('shared', [], ''), 'admin')).toBe(true);
  });

  it('costs an unknown user what a wrong password costs: one check in every nested realm', async () => {
    const h1 = new CountingCredentialHandler(new MessageDigestCredentialHandler());
    const h2 = new CountingCredentialHandler(new MessageDigestCredentialHandler());
    const combined = new CombinedRealm([
      memoryRealm('<user username="u" password="p"/>', h1),
      memoryRealm('<user username="v" password="q"/>', h2),
    ]);
    await combined.start();
    await combined.authenticate('u', 'wrong');
    const wrongPassword = [h1.checked.length, h2.checked.length];
    h1.checked.length = 0;
    h2.checked.length = 0;
    await combined.authenticate('nobody', 'wrong');
    expect([h1.checked.length, h2.checked.length]).toEqual(wrongPassword);
    expect(wrongPassword).toEqual([1, 1]);
  });

  it('leaves out a nested realm that fails to start; the others still authenticate', async () => {
    const broken = new MemoryRealm({ catalinaBase: '/nonexistent-serval-base' });
    const good = memoryRealm('<user username="u" password="p"/>');
    const combined = new CombinedRealm([broken, good]);
    await combined.start();
    expect(combined.realms).toEqual([good]);
    expect(combined.isAvailable()).toBe(true);
    expect(await combined.authenticate('u', 'p')).not.toBeNull();
  });

  it('nests: the inner realms are numbered under the outer path', async () => {
    const inner = memoryRealm('<user username="u" password="p" roles="r"/>');
    const outer = new CombinedRealm([new CombinedRealm([inner])]);
    await outer.start();
    const principal = (await outer.authenticate('u', 'p'))!;
    expect(principal.realmPath).toBe('/realm0/realm0/realm0');
    expect(outer.hasRole(principal, 'r')).toBe(true);
  });
});
