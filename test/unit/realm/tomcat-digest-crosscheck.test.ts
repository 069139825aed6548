/**
 * The strongest check of the stored formats: credentials written by Tomcat's own RealmBase (bin/digest.sh of
 * the Debian tomcat10 package, which .ci/run installs), freshly salted, must match here. Plus fixed values
 * Tomcat 10.1.60 wrote once, so the formats stay pinned even where the JVM is slow.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CredentialHandler } from '../../../src/realm/credential-handler.js';
import { MessageDigestCredentialHandler } from '../../../src/realm/message-digest-credential-handler.js';
import { SecretKeyCredentialHandler } from '../../../src/realm/secret-key-credential-handler.js';

const TOMCAT_HOME = process.env['TOMCAT_HOME'] ?? '/usr/share/tomcat10';
const DIGEST_SH = join(TOMCAT_HOME, 'bin', 'digest.sh');

/** `digest.sh <args> <passwords…>` → password → stored credential (Tomcat prints `password:stored` per line). */
function tomcatDigest(args: readonly string[], passwords: readonly string[]): Map<string, string> {
  const out = execFileSync(DIGEST_SH, [...args, ...passwords], {
    encoding: 'utf8',
    env: { ...process.env, LANG: 'C.UTF-8' },
    // Tomcat logs a stack trace for every property it cannot set (-h without -a); only stdout matters.
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const result = new Map<string, string>();
  for (const line of out.trim().split('\n')) {
    const password = passwords.find((p) => line.startsWith(`${p}:`));
    if (password !== undefined) result.set(password, line.slice(password.length + 1));
  }
  expect([...result.keys()]).toEqual(passwords);
  return result;
}

async function expectAllMatch(handler: CredentialHandler, stored: Map<string, string>): Promise<void> {
  for (const [password, credential] of stored) {
    expect(await handler.matches(password, credential), `${password}:${credential}`).toBe(true);
    expect(await handler.matches(`${password}x`, credential), `${password}x:${credential}`).toBe(false);
  }
}

describe("credentials written by Tomcat 10.1's digest.sh", () => {
  it('needs tomcat10 (apt-get install tomcat10, as .ci/run does)', () => {
    expect(existsSync(DIGEST_SH), `${DIGEST_SH} is missing; set TOMCAT_HOME or install tomcat10`).toBe(true);
  });

  // tool-wrapper.sh re-splits its arguments, so no spaces or shell characters here.
  const passwords = ['secret', 'pässwörd', 'correct-horse_42'];

  it('MessageDigestCredentialHandler: salted SHA-256 with iterations, bare SHA-512, iterated MD5 without salt', async () => {
    await expectAllMatch(
      new MessageDigestCredentialHandler({ algorithm: 'SHA-256' }),
      tomcatDigest(['-a', 'SHA-256', '-i', '3'], passwords),
    );
    await expectAllMatch(new MessageDigestCredentialHandler({ algorithm: 'SHA-512' }), tomcatDigest(['-s', '0'], passwords));
    await expectAllMatch(
      new MessageDigestCredentialHandler({ algorithm: 'MD5' }),
      tomcatDigest(['-a', 'MD5', '-s', '0', '-i', '4'], passwords),
    );
  }, 30_000);

  it('SecretKeyCredentialHandler: the PBKDF2 defaults and PBKDF2WithHmacSHA256 with another key length', async () => {
    const handler = 'org.apache.catalina.realm.SecretKeyCredentialHandler';
    await expectAllMatch(new SecretKeyCredentialHandler(), tomcatDigest(['-h', handler], passwords));
    await expectAllMatch(
      new SecretKeyCredentialHandler({ algorithm: 'PBKDF2WithHmacSHA256' }),
      tomcatDigest(['-a', 'PBKDF2WithHmacSHA256', '-i', '1000', '-s', '8', '-k', '256'], passwords),
    );
  }, 30_000);

  it('fixed values Tomcat 10.1.60 wrote', async () => {
    const sha256 = new MessageDigestCredentialHandler({ algorithm: 'SHA-256' });
    expect(
      await sha256.matches(
        'secret',
        'c2d5129915c955b543ce333fa6e413ff942ae0385fb629e0ef9bc707d23e4436$1$b307afe662aa92aa321336cf83844405a16fef6e34802f46053901e3c0d4a6c6',
      ),
    ).toBe(true);
    expect(await sha256.matches('secret', '2bb80d537b1da3e38bd30361aa855686bde0eacd7162fef6a25fe97bf527a25b')).toBe(true);
    expect(await sha256.matches('secret', '$3$1690316bcf298df9b9f082e155979c90a5cfd663c6aa9117ebf16bf49ee16b6e')).toBe(true);
    const latin1 = new MessageDigestCredentialHandler({ algorithm: 'MD5', encoding: 'ISO-8859-1' });
    expect(await latin1.matches('pässwörd', '2ca67a2dbf3a2f52ef5126a2ae8f8a2f')).toBe(true);
    expect(
      await new SecretKeyCredentialHandler().matches(
        'secret',
        '9928685cf10aeb75a106f3a7f6522d6d9d3d014810793cf6b37076104e972046$20000$4d8eac34053cec0e208082b04975f6bc0d2529b5',
      ),
    ).toBe(true);
    expect(
      await new SecretKeyCredentialHandler({ algorithm: 'PBKDF2WithHmacSHA256' }).matches(
        'pässwörd',
        'a5766f40$2$b911e32a29750a242016b439641975c73298ffca7102cc85359e4b87c9962ce3',
      ),
    ).toBe(true);
  });
});
