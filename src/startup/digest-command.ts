/**
 * `catalina digest`: Tomcat's bin/digest.sh (RealmBase.main). Prints `password:stored` for each password, the
 * stored form a CredentialHandler configured alike accepts, to paste into tomcat-users.xml. Tomcat's rules
 * for choosing the handler:
 * - neither -a nor -h: MessageDigestCredentialHandler with SHA-512;
 * - -a only: the first of MessageDigest, SecretKey (and Serval's scrypt, `-a scrypt`) that knows the algorithm;
 * - -h: that handler, with its own default algorithm unless -a says otherwise.
 * -i, -s, -k and -e set iterations, saltLength, keyLength and encoding when given.
 */
import type { Command } from 'commander';
import { ConfigError, ContainerError } from '../errors/container-error.js';
import type { CredentialHandler } from '../realm/credential-handler.js';
import { credentialHandlerClass, type CredentialHandlerClass } from '../realm/credential-handler-classes.js';
import { MessageDigestCredentialHandler } from '../realm/message-digest-credential-handler.js';
import { NestedCredentialHandler } from '../realm/nested-credential-handler.js';
import { ScryptCredentialHandler } from '../realm/scrypt-credential-handler.js';
import { SecretKeyCredentialHandler } from '../realm/secret-key-credential-handler.js';

export interface DigestOptions {
  /** -a */
  readonly algorithm?: string;
  /** -e */
  readonly encoding?: string;
  /** -i */
  readonly iterations?: string;
  /** -s */
  readonly saltLength?: string;
  /** -k */
  readonly keyLength?: string;
  /** -h */
  readonly handler?: string;
}

interface DigestIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

/** A whole number as typed; the handler checks its range. */
function whole(handler: string, attribute: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^-?[0-9]{1,10}$/.test(value)) {
    throw new ConfigError('SV_ERR_REALM_CREDENTIAL_ATTRIBUTE', { handler, attribute, value, allowed: 'a whole number' });
  }
  return Number(value);
}

/** An attribute digest.sh would pass to a handler that has no such property: refused rather than ignored. */
function notFor(handler: string, attribute: string, value: string | number): ConfigError {
  return new ConfigError('SV_ERR_REALM_CREDENTIAL_ATTRIBUTE', {
    handler,
    attribute,
    value,
    allowed: 'nothing: this handler has no such attribute',
  });
}

function build(kind: CredentialHandlerClass, options: DigestOptions): CredentialHandler {
  const iterations = whole(kind, 'iterations', options.iterations);
  const saltLength = whole(kind, 'saltLength', options.saltLength);
  const keyLength = whole(kind, 'keyLength', options.keyLength);
  const common = { ...(iterations === undefined ? {} : { iterations }), ...(saltLength === undefined ? {} : { saltLength }) };
  switch (kind) {
    case 'MessageDigestCredentialHandler': {
      // Built first, so that an algorithm it does not know moves the search on before other attributes are judged.
      const handler = new MessageDigestCredentialHandler({
        ...common,
        ...(options.algorithm === undefined ? {} : { algorithm: options.algorithm }),
        ...(options.encoding === undefined ? {} : { encoding: options.encoding }),
      });
      if (keyLength !== undefined) throw notFor(kind, 'keyLength', options.keyLength!);
      return handler;
    }
    case 'SecretKeyCredentialHandler': {
      const handler = new SecretKeyCredentialHandler({
        ...common,
        ...(options.algorithm === undefined ? {} : { algorithm: options.algorithm }),
        ...(keyLength === undefined ? {} : { keyLength }),
      });
      if (options.encoding !== undefined) throw notFor(kind, 'encoding', options.encoding);
      return handler;
    }
    case 'ScryptCredentialHandler':
      if (options.encoding !== undefined) throw notFor(kind, 'encoding', options.encoding);
      if (options.iterations !== undefined) throw notFor(kind, 'iterations', options.iterations);
      if (options.algorithm !== undefined && options.algorithm.toLowerCase() !== 'scrypt')
        throw notFor(kind, 'algorithm', options.algorithm);
      return new ScryptCredentialHandler({
        ...(saltLength === undefined ? {} : { saltLength }),
        ...(keyLength === undefined ? {} : { keyLength }),
      });
    case 'NestedCredentialHandler':
      // Nothing can be nested from the command line: mutate() then reports that it has no handler.
      return new NestedCredentialHandler([]);
  }
}

/** The handler digest.sh would use for these options. */
export function digestHandler(options: DigestOptions): CredentialHandler {
  if (options.handler !== undefined) return build(credentialHandlerClass(options.handler), options);
  if (options.algorithm === undefined) return build('MessageDigestCredentialHandler', { ...options, algorithm: 'SHA-512' });
  if (options.algorithm.toLowerCase() === 'scrypt') return build('ScryptCredentialHandler', options);
  for (const kind of ['MessageDigestCredentialHandler', 'SecretKeyCredentialHandler'] as const) {
    try {
      return build(kind, options);
    } catch (error) {
      // Only "not my algorithm" moves on to the next handler; a bad -i or -s is reported as it is.
      if (!(error instanceof ContainerError) || error.code !== 'SV_ERR_REALM_CREDENTIAL_ALGORITHM') throw error;
    }
  }
  throw new ConfigError('SV_ERR_REALM_CREDENTIAL_ALGORITHM', {
    handler: 'MessageDigestCredentialHandler or SecretKeyCredentialHandler',
    algorithm: options.algorithm,
    supported: 'a MessageDigest name (SHA-256, SHA-512, MD5…), PBKDF2WithHmacSHA1/SHA256/SHA512…, or scrypt',
  });
}

/** `password:stored` for each password, in order. */
export async function digestCredentials(options: DigestOptions, passwords: readonly string[]): Promise<string[]> {
  const handler = digestHandler(options);
  const lines: string[] = [];
  for (const password of passwords) lines.push(`${password}:${await handler.mutate(password)}`);
  return lines;
}

/** Adds `digest` to the CLI. -h is the handler, as in digest.sh, so help is --help only. */
export function registerDigestCommand(program: Command, io: DigestIo, setExitCode: (code: number) => void): void {
  program
    .command('digest')
    .description("print the stored form of each password for tomcat-users.xml (Tomcat's digest.sh)")
    .helpOption('--help', 'display help for command')
    .argument('<password...>', 'passwords to digest (put -- before one that starts with -)')
    .option('-a <algorithm>', 'digest or PBKDF2 algorithm, or scrypt (default SHA-512 with MessageDigestCredentialHandler)')
    .option('-e <encoding>', 'character encoding of the password (MessageDigestCredentialHandler; default UTF-8)')
    .option('-i <iterations>', 'iterations')
    .option('-s <saltLength>', 'bytes of random salt; 0 = none')
    .option('-k <keyLength>', 'bits of key (SecretKeyCredentialHandler, ScryptCredentialHandler)')
    .option('-h <handler>', 'CredentialHandler class name, e.g. org.apache.catalina.realm.SecretKeyCredentialHandler')
    .action(async (passwords: string[], flags: { a?: string; e?: string; i?: string; s?: string; k?: string; h?: string }) => {
      const options: DigestOptions = {
        ...(flags.a === undefined ? {} : { algorithm: flags.a }),
        ...(flags.e === undefined ? {} : { encoding: flags.e }),
        ...(flags.i === undefined ? {} : { iterations: flags.i }),
        ...(flags.s === undefined ? {} : { saltLength: flags.s }),
        ...(flags.k === undefined ? {} : { keyLength: flags.k }),
        ...(flags.h === undefined ? {} : { handler: flags.h }),
      };
      try {
        io.stdout(`${(await digestCredentials(options, passwords)).join('\n')}\n`);
      } catch (error) {
        if (!(error instanceof ContainerError)) throw error;
        io.stderr(`${error.message}\n`);
        setExitCode(1);
      }
    });
}
