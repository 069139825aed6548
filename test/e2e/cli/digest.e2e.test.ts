/**
 * `catalina digest` through the real bin/catalina: the output format of Tomcat's digest.sh (`password:stored`),
 * credentials the realm's handlers accept, and — where no random salt is involved — the very same output as
 * Tomcat 10.1's own digest.sh for the same arguments (the tomcat10 package, which .ci/run installs).
 */
import { execFile, execFileSync } from 'node:child_process';
import { createHash, pbkdf2Sync } from 'node:crypto';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { MessageDigestCredentialHandler } from '../../../src/realm/message-digest-credential-handler.js';
import { ScryptCredentialHandler } from '../../../src/realm/scrypt-credential-handler.js';

const BIN = resolve(__dirname, '../../..', 'bin', 'catalina');
const DIGEST_SH = join(process.env['TOMCAT_HOME'] ?? '/usr/share/tomcat10', 'bin', 'digest.sh');
const run = promisify(execFile);

interface Result {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

async function catalinaDigest(...args: string[]): Promise<Result> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, 'digest', ...args], { timeout: 15_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

/** `password:stored` lines → [password, stored] pairs. */
function pairs(stdout: string, passwords: readonly string[]): [string, string][] {
  const lines = stdout.trimEnd().split('\n');
  expect(lines).toHaveLength(passwords.length);
  return lines.map((line, index) => {
    const password = passwords[index]!;
    expect(line.startsWith(`${password}:`), line).toBe(true);
    return [password, line.slice(password.length + 1)];
  });
}

describe('catalina digest', () => {
  it("defaults to Tomcat's: salted SHA-512, one iteration, 32 bytes of salt", async () => {
    const result = await catalinaDigest('secret');
    expect(result.code).toBe(0);
    const [[, stored]] = pairs(result.stdout, ['secret']) as [[string, string]];
    const [salt, iterations, digest] = stored.split('$') as [string, string, string];
    expect(salt).toMatch(/^[0-9a-f]{64}$/);
    expect(iterations).toBe('1');
    expect(digest).toBe(createHash('sha512').update(Buffer.from(salt, 'hex')).update('secret').digest('hex'));
    expect(await new MessageDigestCredentialHandler({ algorithm: 'SHA-512' }).matches('secret', stored)).toBe(true);
  });

  it('prints one line per password; -h picks the handler, -i the iterations (PBKDF2 here)', async () => {
    const passwords = ['a', 'pässwörd', '-starts-with-dash'];
    const result = await catalinaDigest('-h', 'org.apache.catalina.realm.SecretKeyCredentialHandler', '-i', '1000', '--', ...passwords);
    expect(result.code).toBe(0);
    for (const [password, stored] of pairs(result.stdout, passwords)) {
      const [salt, iterations, key] = stored.split('$') as [string, string, string];
      expect(iterations).toBe('1000');
      expect(key).toBe(pbkdf2Sync(password, Buffer.from(salt, 'hex'), 1000, 20, 'sha1').toString('hex'));
    }
  });

  it('with -a alone takes the first handler that knows the algorithm, so a PBKDF2 name (and -k) reaches SecretKeyCredentialHandler', async () => {
    const result = await catalinaDigest('-a', 'PBKDF2WithHmacSHA512', '-k', '512', '-i', '10', 'pw');
    expect(result.code).toBe(0);
    const [[, stored]] = pairs(result.stdout, ['pw']) as [[string, string]];
    const [salt, iterations, key] = stored.split('$') as [string, string, string];
    expect(iterations).toBe('10');
    expect(key).toBe(pbkdf2Sync('pw', Buffer.from(salt, 'hex'), 10, 64, 'sha512').toString('hex'));
  });

  it('makes scrypt credentials with -a scrypt', async () => {
    const result = await catalinaDigest('-a', 'scrypt', 'pw');
    expect(result.code).toBe(0);
    const [[, stored]] = pairs(result.stdout, ['pw']) as [[string, string]];
    expect(stored).toMatch(/^\$scrypt\$ln=15,r=8,p=3\$/);
    expect(await new ScryptCredentialHandler().matches('pw', stored)).toBe(true);
  });

  it('prints exactly what Tomcat 10.1 prints for unsalted digests', async () => {
    for (const args of [
      ['-a', 'SHA-256', '-s', '0'],
      ['-a', 'MD5', '-s', '0', '-i', '4', '-e', 'ISO-8859-1'],
    ]) {
      const passwords = ['secret', 'pässwörd'];
      const tomcat = execFileSync(DIGEST_SH, [...args, ...passwords], {
        encoding: 'utf8',
        env: { ...process.env, LANG: 'C.UTF-8' },
        stdio: ['ignore', 'pipe', 'ignore'],
      });
      const serval = await catalinaDigest(...args, ...passwords);
      expect(serval.stdout, args.join(' ')).toBe(tomcat);
    }
  }, 30_000);

  it('reports a bad algorithm or attribute with its code text and exit status 1, printing nothing', async () => {
    const unknown = await catalinaDigest('-a', 'ROT13', 'pw');
    expect(unknown.code).toBe(1);
    expect(unknown.stdout).toBe('');
    expect(unknown.stderr).toMatch(/does not support algorithm \[ROT13\]/);
    const badSalt = await catalinaDigest('-h', 'SecretKeyCredentialHandler', '-s', '0', 'pw');
    expect(badSalt.code).toBe(1);
    expect(badSalt.stderr).toMatch(/attribute \[saltLength\] has invalid value \[0\]/);
    const noPassword = await catalinaDigest('-a', 'MD5');
    expect(noPassword.code).toBe(1);
    expect(noPassword.stderr).toMatch(/missing required argument/);
  });

  it('keeps -h for the handler, as digest.sh does: help is --help', async () => {
    const help = await catalinaDigest('--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/-h <handler>\s+CredentialHandler class name/);
  });
});
