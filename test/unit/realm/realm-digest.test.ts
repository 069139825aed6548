/**
 * DIGEST support in the realms (RFC 7616 §3.4.1). Expected responses are the RFC's own examples (§3.9.1)
 * where they apply, else computed here with node:crypto.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MemoryRealm } from '../../../src/realm/memory-realm.js';
import { MessageDigestCredentialHandler } from '../../../src/realm/message-digest-credential-handler.js';
import type { DigestCredentials } from '../../../src/realm/realm.js';
import { ScryptCredentialHandler } from '../../../src/realm/scrypt-credential-handler.js';
import { catalinaBaseWithUsers, usersXml } from './users-files.js';

const md5 = (text: string): string => createHash('md5').update(text).digest('hex');

// RFC 7616 §3.9.1: user Mufasa, password "Circle of Life", GET /dir/index.html.
const RFC_EXAMPLE = {
  username: 'Mufasa',
  realmName: 'http-auth@example.org',
  nonce: '7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v',
  nc: '00000001',
  cnonce: 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ',
  qop: 'auth',
} as const;

function credentials(algorithm: DigestCredentials['algorithm'], response: string): DigestCredentials {
  const hash = algorithm === 'MD5' ? 'md5' : 'sha256';
  return { ...RFC_EXAMPLE, algorithm, response, digestA2: createHash(hash).update('GET:/dir/index.html').digest('hex') };
}

async function realmWith(
  password: string,
  credentialHandler?: MessageDigestCredentialHandler | ScryptCredentialHandler,
): Promise<MemoryRealm> {
  const { catalinaBase } = catalinaBaseWithUsers(usersXml(`<user username="Mufasa" password="${password}" roles="lion"/>`));
  const realm = new MemoryRealm({ catalinaBase, ...(credentialHandler ? { credentialHandler } : {}) });
  await realm.start();
  return realm;
}

describe('Realm DIGEST (RFC 7616)', () => {
  it("accepts the RFC's example responses over a clear-text password, SHA-256 and MD5", async () => {
    const realm = await realmWith('Circle of Life');
    const sha256 = await realm.authenticateDigest(
      credentials('SHA-256', '753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1'),
    );
    expect(sha256?.roles).toEqual(['lion']);
    expect(await realm.authenticateDigest(credentials('MD5', '8ca523f5e9506fed4657c9700eebdbec'))).not.toBeNull();
    expect(await realm.authenticateDigest(credentials('MD5', '8ca523f5e9506fed4657c9700eebdbed'))).toBeNull();
    expect(await realm.authenticateDigest({ ...credentials('MD5', '8ca523f5e9506fed4657c9700eebdbec'), username: 'Simba' })).toBeNull();
    expect(realm.supportsDigest('SHA-256')).toBe(true);
  });

  it('uses a stored H(username:realm:password) as Tomcat does when the handler digests with that algorithm, unsalted', async () => {
    const ha1 = md5('Mufasa:http-auth@example.org:Circle of Life');
    const realm = await realmWith(ha1, new MessageDigestCredentialHandler({ algorithm: 'MD5', saltLength: 0 }));
    expect(await realm.authenticateDigest(credentials('MD5', '8ca523f5e9506fed4657c9700eebdbec'))).not.toBeNull();
    expect(realm.supportsDigest('MD5')).toBe(true);
    expect(realm.supportsDigest('SHA-256')).toBe(false);
    expect(
      await realm.authenticateDigest(credentials('SHA-256', '753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1')),
    ).toBeNull();
  });

  it('without qop: H(HA1:nonce:HA2) (RFC 2069 compatibility)', async () => {
    const realm = await realmWith('Circle of Life');
    const ha1 = md5('Mufasa:http-auth@example.org:Circle of Life');
    const ha2 = md5('GET:/dir/index.html');
    const response = md5(`${ha1}:${RFC_EXAMPLE.nonce}:${ha2}`);
    const request = { ...credentials('MD5', response), nc: null, cnonce: null, qop: null };
    expect(await realm.authenticateDigest(request)).not.toBeNull();
  });

  it('cannot work over salted or slow stored credentials, and says so', async () => {
    const realm = await realmWith('x', new ScryptCredentialHandler({ cost: 16, blockSize: 1, parallelization: 1 }));
    expect(realm.supportsDigest('MD5')).toBe(false);
    expect(realm.supportsDigest('SHA-256')).toBe(false);
    expect(await realm.authenticateDigest(credentials('MD5', '8ca523f5e9506fed4657c9700eebdbec'))).toBeNull();
    const salted = await realmWith('x', new MessageDigestCredentialHandler({ algorithm: 'MD5' }));
    expect(salted.supportsDigest('MD5')).toBe(false);
  });
});
