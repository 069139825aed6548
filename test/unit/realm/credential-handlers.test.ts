import { createHash, pbkdf2Sync, scryptSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ContainerError } from '../../../src/errors/container-error.js';
import { credentialHandlerClass } from '../../../src/realm/credential-handler-classes.js';
import { MessageDigestCredentialHandler } from '../../../src/realm/message-digest-credential-handler.js';
import { NestedCredentialHandler } from '../../../src/realm/nested-credential-handler.js';
import { ScryptCredentialHandler } from '../../../src/realm/scrypt-credential-handler.js';
import { SecretKeyCredentialHandler } from '../../../src/realm/secret-key-credential-handler.js';

const sha = (algorithm: string, ...parts: (string | Buffer)[]): Buffer => {
  const hash = createHash(algorithm);
  for (const part of parts) hash.update(part);
  return hash.digest();
};

function codeOf(action: () => unknown): string | undefined {
  try {
    action();
  } catch (error) {
    return error instanceof ContainerError ? error.code : `not coded: ${String(error)}`;
  }
  return undefined;
}

describe('MessageDigestCredentialHandler', () => {
  it('without an algorithm compares clear text, and mutate leaves the password as it is (Tomcat default)', async () => {
    const handler = new MessageDigestCredentialHandler();
    expect(await handler.matches('secret', 'secret')).toBe(true);
    expect(await handler.matches('secret', 'Secret')).toBe(false);
    expect(await handler.matches('secret', 'secret ')).toBe(false);
    expect(await handler.matches('', 'secret')).toBe(false);
    expect(await handler.mutate('secret')).toBe('secret');
  });

  it('writes hexSalt$iterations$hex: SHA-256 of salt then password, digested again iterations − 1 times', async () => {
    const handler = new MessageDigestCredentialHandler({ algorithm: 'SHA-256', iterations: 3, saltLength: 8 });
    const stored = await handler.mutate('pässwörd');
    const [salt, iterations, encoded] = stored.split('$') as [string, string, string];
    expect(salt).toMatch(/^[0-9a-f]{16}$/);
    expect(iterations).toBe('3');
    let expected = sha('sha256', Buffer.from(salt, 'hex'), Buffer.from('pässwörd', 'utf8'));
    expected = sha('sha256', expected);
    expected = sha('sha256', expected);
    expect(encoded).toBe(expected.toString('hex'));
    expect(await handler.matches('pässwörd', stored)).toBe(true);
    expect(await handler.matches('passwort', stored)).toBe(false);
  });

  it('uses fresh salt for every mutate, and the defaults (1 iteration, 32 bytes of salt)', async () => {
    const handler = new MessageDigestCredentialHandler({ algorithm: 'SHA-512' });
    const one = await handler.mutate('x');
    const two = await handler.mutate('x');
    expect(one).not.toBe(two);
    expect(one).toMatch(/^[0-9a-f]{64}\$1\$[0-9a-f]{128}$/);
  });

  it('writes the bare hex digest with no salt and one iteration, and reads it case-insensitively', async () => {
    const handler = new MessageDigestCredentialHandler({ algorithm: 'MD5', saltLength: 0, iterations: 1 });
    const expected = sha('md5', 'secret').toString('hex');
    expect(await handler.mutate('secret')).toBe(expected);
    expect(await handler.matches('secret', expected.toUpperCase())).toBe(true);
    expect(await handler.matches('secreT', expected)).toBe(false);
  });

  it('with no salt and several iterations writes $n$hex, as Tomcat does', async () => {
    const handler = new MessageDigestCredentialHandler({ algorithm: 'SHA-1', saltLength: 0, iterations: 2 });
    const stored = await handler.mutate('secret');
    expect(stored).toBe(`$2$${sha('sha1', sha('sha1', 'secret')).toString('hex')}`);
    expect(await handler.matches('secret', stored)).toBe(true);
  });

  it('reads the salt and iterations from the stored value, not from its own attributes', async () => {
    const writer = new MessageDigestCredentialHandler({ algorithm: 'SHA-256', iterations: 7, saltLength: 4 });
    const reader = new MessageDigestCredentialHandler({ algorithm: 'SHA-256' });
    expect(await reader.matches('pw', await writer.mutate('pw'))).toBe(true);
  });

  it('accepts {MD5}, {SHA} and {SSHA} base64 values as LDAP stores them', async () => {
    const handler = new MessageDigestCredentialHandler({ algorithm: 'SHA-256' });
    expect(await handler.matches('secret', `{MD5}${sha('md5', 'secret').toString('base64')}`)).toBe(true);
    expect(await handler.matches('secret', `{SHA}${sha('sha1', 'secret').toString('base64')}`)).toBe(true);
    expect(await handler.matches('wrong', `{SHA}${sha('sha1', 'secret').toString('base64')}`)).toBe(false);
    const salt = Buffer.from('a1b2c3d4', 'hex');
    const ssha = Buffer.concat([sha('sha1', 'secret', salt), salt]).toString('base64');
    expect(await handler.matches('secret', `{SSHA}${ssha}`)).toBe(true);
    expect(await handler.matches('secrets', `{SSHA}${ssha}`)).toBe(false);
    expect(await handler.matches('secret', '{SSHA}AAAA')).toBe(false);
  });

  it('digests in RFC 3112 order (password, then salt) when digestInRfc3112Order is set', async () => {
    const handler = new MessageDigestCredentialHandler({ algorithm: 'SHA-1', saltLength: 4, digestInRfc3112Order: true });
    const stored = await handler.mutate('pw');
    const [salt, , encoded] = stored.split('$') as [string, string, string];
    expect(encoded).toBe(sha('sha1', 'pw', Buffer.from(salt, 'hex')).toString('hex'));
  });

  it('encodes the password with the configured charset, Java-style ? for what it cannot hold', async () => {
    const latin1 = new MessageDigestCredentialHandler({ algorithm: 'MD5', saltLength: 0, encoding: 'ISO-8859-1' });
    expect(await latin1.mutate('pässwörd')).toBe(sha('md5', Buffer.from('pässwörd', 'latin1')).toString('hex'));
    expect(await latin1.mutate('€')).toBe(sha('md5', '?').toString('hex'));
    const utf16 = new MessageDigestCredentialHandler({ algorithm: 'MD5', saltLength: 0, encoding: 'UTF-16BE' });
    expect(await utf16.mutate('a')).toBe(sha('md5', Buffer.from([0, 0x61])).toString('hex'));
  });

  it('treats malformed stored values as a mismatch, never a throw', async () => {
    const handler = new MessageDigestCredentialHandler({ algorithm: 'SHA-256' });
    for (const stored of ['', 'zz$1$00', '00$x$00', '00$0$00', '0$1$00', '00$1$zz', '00$1$0', 'a$b$c$d', 'not hex', '$scrypt$ln=1']) {
      expect(await handler.matches('pw', stored), stored).toBe(false);
    }
  });

  it('refuses an unknown algorithm or encoding when built', () => {
    expect(codeOf(() => new MessageDigestCredentialHandler({ algorithm: 'MD2' }))).toBe('SV_ERR_REALM_CREDENTIAL_ALGORITHM');
    expect(codeOf(() => new MessageDigestCredentialHandler({ algorithm: 'MD5', encoding: 'EBCDIC' }))).toBe(
      'SV_ERR_REALM_CREDENTIAL_ATTRIBUTE',
    );
    expect(codeOf(() => new MessageDigestCredentialHandler({ algorithm: 'MD5', iterations: 0 }))).toBe('SV_ERR_REALM_CREDENTIAL_ATTRIBUTE');
    expect(codeOf(() => new MessageDigestCredentialHandler({ algorithm: 'MD5', saltLength: -1 }))).toBe(
      'SV_ERR_REALM_CREDENTIAL_ATTRIBUTE',
    );
    expect(codeOf(() => new MessageDigestCredentialHandler({ algorithm: 'sha-256' }))).toBeUndefined();
  });
});

describe('SecretKeyCredentialHandler (PBKDF2)', () => {
  it("keeps Tomcat's defaults: PBKDF2WithHmacSHA1, 20000 iterations, 32 bytes of salt, 160-bit key", async () => {
    const handler = new SecretKeyCredentialHandler();
    const stored = await handler.mutate('secret');
    const [salt, iterations, key] = stored.split('$') as [string, string, string];
    expect(salt).toMatch(/^[0-9a-f]{64}$/);
    expect(iterations).toBe('20000');
    expect(key).toBe(pbkdf2Sync('secret', Buffer.from(salt, 'hex'), 20000, 20, 'sha1').toString('hex'));
    expect(await handler.matches('secret', stored)).toBe(true);
    expect(await handler.matches('secreT', stored)).toBe(false);
  });

  it('supports the SHA-2 variants, reading the key length from the stored key', async () => {
    const writer = new SecretKeyCredentialHandler({ algorithm: 'PBKDF2WithHmacSHA512', keyLength: 512, iterations: 10, saltLength: 16 });
    const stored = await writer.mutate('pw');
    const [salt, , key] = stored.split('$') as [string, string, string];
    expect(key).toBe(pbkdf2Sync('pw', Buffer.from(salt, 'hex'), 10, 64, 'sha512').toString('hex'));
    // A reader with the default key length still checks a 512-bit key.
    expect(await new SecretKeyCredentialHandler({ algorithm: 'PBKDF2WithHmacSHA512' }).matches('pw', stored)).toBe(true);
    // The algorithm is the reader's: the same value under HMAC-SHA1 does not match.
    expect(await new SecretKeyCredentialHandler().matches('pw', stored)).toBe(false);
  });

  it('has no bare form and needs salt, as Java PBKDF2 does', async () => {
    const handler = new SecretKeyCredentialHandler();
    expect(await handler.matches('pw', pbkdf2Sync('pw', '', 1, 20, 'sha1').toString('hex'))).toBe(false);
    expect(await handler.matches('pw', `$1$${pbkdf2Sync('pw', '', 1, 20, 'sha1').toString('hex')}`)).toBe(false);
    expect(codeOf(() => new SecretKeyCredentialHandler({ saltLength: 0 }))).toBe('SV_ERR_REALM_CREDENTIAL_ATTRIBUTE');
    expect(codeOf(() => new SecretKeyCredentialHandler({ keyLength: 100 }))).toBe('SV_ERR_REALM_CREDENTIAL_ATTRIBUTE');
    expect(codeOf(() => new SecretKeyCredentialHandler({ algorithm: 'PBKDF2WithHmacMD5' }))).toBe('SV_ERR_REALM_CREDENTIAL_ALGORITHM');
  });
});

describe('ScryptCredentialHandler', () => {
  const cheap = { cost: 1024, blockSize: 8, parallelization: 1 };

  it('writes the PHC form with its parameters, and the key node:crypto scrypt gives', async () => {
    const handler = new ScryptCredentialHandler(cheap);
    const stored = await handler.mutate('pässwörd');
    const match = /^\$scrypt\$ln=10,r=8,p=1\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/.exec(stored);
    expect(match).not.toBeNull();
    const salt = Buffer.from(match![1]!, 'base64');
    expect(salt).toHaveLength(16);
    const key = scryptSync('pässwörd', salt, 32, { N: 1024, r: 8, p: 1 });
    expect(match![2]).toBe(key.toString('base64').replace(/=+$/, ''));
    expect(await handler.matches('pässwörd', stored)).toBe(true);
    expect(await handler.matches('passwörd', stored)).toBe(false);
  });

  it('checks with the parameters of the stored value, so stronger defaults later keep old users working', async () => {
    const old = await new ScryptCredentialHandler({ cost: 16, blockSize: 1, parallelization: 1 }).mutate('pw');
    expect(await new ScryptCredentialHandler(cheap).matches('pw', old)).toBe(true);
  });

  it('uses sound defaults (N 2^15, r 8, p 3, 256-bit key, 16 bytes of salt)', async () => {
    const handler = new ScryptCredentialHandler();
    const stored = await handler.mutate('pw');
    expect(stored).toMatch(/^\$scrypt\$ln=15,r=8,p=3\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(await handler.matches('pw', stored)).toBe(true);
  });

  it('refuses stored values that would cost more than 1 GiB, and malformed ones, without throwing', async () => {
    const handler = new ScryptCredentialHandler(cheap);
    const salt = 'AAAAAAAAAAAAAAAAAAAAAA';
    const key = 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
    expect(await handler.matches('pw', `$scrypt$ln=24,r=8,p=1$${salt}$${key}`)).toBe(false);
    for (const stored of ['', '$scrypt$', `$scrypt$ln=0,r=8,p=1$${salt}$${key}`, `$scrypt$ln=10,r=8$${salt}$${key}`, 'a$1$b']) {
      expect(await handler.matches('pw', stored), stored).toBe(false);
    }
  });

  it('refuses weak or impossible parameters when built', () => {
    expect(codeOf(() => new ScryptCredentialHandler({ cost: 1000 }))).toBe('SV_ERR_REALM_CREDENTIAL_ATTRIBUTE');
    expect(codeOf(() => new ScryptCredentialHandler({ saltLength: 8 }))).toBe('SV_ERR_REALM_CREDENTIAL_ATTRIBUTE');
    expect(codeOf(() => new ScryptCredentialHandler({ cost: 2 ** 24, blockSize: 8 }))).toBe('SV_ERR_REALM_CREDENTIAL_ATTRIBUTE');
    expect(codeOf(() => new ScryptCredentialHandler({ keyLength: 64 }))).toBe('SV_ERR_REALM_CREDENTIAL_ATTRIBUTE');
  });
});

describe('NestedCredentialHandler', () => {
  it('matches when any nested handler matches, and mutates with the first', async () => {
    const md5 = new MessageDigestCredentialHandler({ algorithm: 'MD5', saltLength: 0 });
    const scrypt = new ScryptCredentialHandler({ cost: 16, blockSize: 1, parallelization: 1 });
    const nested = new NestedCredentialHandler([scrypt, md5]);
    expect(await nested.matches('pw', sha('md5', 'pw').toString('hex'))).toBe(true);
    const fresh = await nested.mutate('pw');
    expect(fresh.startsWith('$scrypt$')).toBe(true);
    expect(await nested.matches('pw', fresh)).toBe(true);
    expect(await nested.matches('other', fresh)).toBe(false);
  });

  it('with no nested handler matches nothing and refuses to mutate', async () => {
    const nested = new NestedCredentialHandler([]);
    expect(await nested.matches('pw', 'pw')).toBe(false);
    await expect(nested.mutate('pw')).rejects.toMatchObject({ code: 'SV_ERR_REALM_NESTED_HANDLER_EMPTY' });
  });
});

describe('credential handler class names', () => {
  it("takes Tomcat's full and short names and Serval's scrypt handler", () => {
    expect(credentialHandlerClass('org.apache.catalina.realm.SecretKeyCredentialHandler')).toBe('SecretKeyCredentialHandler');
    expect(credentialHandlerClass('MessageDigestCredentialHandler')).toBe('MessageDigestCredentialHandler');
    expect(credentialHandlerClass('serval.realm.ScryptCredentialHandler')).toBe('ScryptCredentialHandler');
    expect(codeOf(() => credentialHandlerClass('org.apache.catalina.realm.Foo'))).toBe('SV_ERR_REALM_CREDENTIAL_HANDLER_UNKNOWN');
  });
});
