/**
 * Tomcat's MessageDigestCredentialHandler, the default CredentialHandler of every Realm. Without an algorithm
 * the stored credential is the clear-text password (Tomcat's default; compared in constant time). With one,
 * it accepts every stored form Tomcat does:
 * - `hexSalt$iterations$hexDigest`: digest of salt then password, digested again iterations − 1 times;
 * - a bare hex digest (no salt, one iteration): what Tomcat wrote before salts, and `digest -s 0` writes;
 * - `{MD5}base64`, `{SHA}base64` and `{SSHA}base64(digest ‖ salt)`: the forms LDAP directories store.
 * Unlike Tomcat, which digests a `{MD5}`/`{SHA}` value with the configured algorithm (so they only ever match
 * when that algorithm is the prefix's), the prefix chooses the digest here, and the password is encoded with
 * `encoding` rather than always ISO-8859-1 — as the tools that write these values do.
 */
import { createHash, getHashes } from 'node:crypto';
import { ConfigError } from '../errors/container-error.js';
import { constantTimeEqualBytes, constantTimeEquals } from './constant-time.js';
import { credentialEncoder, type CredentialEncoder } from './credential-encoding.js';
import { DigestCredentialHandlerBase, type DigestCredentialHandlerAttributes } from './digest-credential-handler-base.js';

export interface MessageDigestCredentialHandlerAttributes extends DigestCredentialHandlerAttributes {
  /** A java.security.MessageDigest name (`SHA-256`, `MD5`, `SHA-512`…); unset = clear text. */
  readonly algorithm?: string;
  /** Java charset name for turning the password into bytes; default UTF-8. */
  readonly encoding?: string;
  /** RFC 3112's order, password then salt, instead of Tomcat's salt then password (Tomcat 10.1.x: default false). */
  readonly digestInRfc3112Order?: boolean;
}

/** Java's MessageDigest names → node:crypto's. */
const JAVA_DIGESTS: ReadonlyMap<string, string> = new Map([
  ['MD5', 'md5'],
  ['SHA', 'sha1'],
  ['SHA-1', 'sha1'],
  ['SHA1', 'sha1'],
  ['SHA-224', 'sha224'],
  ['SHA-256', 'sha256'],
  ['SHA-384', 'sha384'],
  ['SHA-512', 'sha512'],
  ['SHA-512/224', 'sha512-224'],
  ['SHA-512/256', 'sha512-256'],
  ['SHA3-224', 'sha3-224'],
  ['SHA3-256', 'sha3-256'],
  ['SHA3-384', 'sha3-384'],
  ['SHA3-512', 'sha3-512'],
]);

/** The node:crypto digest for a Java name, or null when node has none by that name. */
export function nodeDigestName(algorithm: string): string | null {
  const known = JAVA_DIGESTS.get(algorithm.toUpperCase());
  if (known !== undefined) return getHashes().includes(known) ? known : null;
  return null;
}

const SHA1_LENGTH = 20;

export class MessageDigestCredentialHandler extends DigestCredentialHandlerBase {
  /** The algorithm as configured (Java name), or undefined for clear text. */
  readonly algorithm: string | undefined;
  readonly encoding: string;
  readonly digestInRfc3112Order: boolean;
  readonly #digest: string | null;
  readonly #encode: CredentialEncoder;

  constructor(attributes: MessageDigestCredentialHandlerAttributes = {}) {
    super(attributes, 1);
    this.algorithm = attributes.algorithm;
    this.encoding = attributes.encoding ?? 'UTF-8';
    this.digestInRfc3112Order = attributes.digestInRfc3112Order ?? false;
    this.#encode = credentialEncoder(this.handlerName, this.encoding);
    if (this.algorithm === undefined) {
      this.#digest = null;
    } else {
      this.#digest = nodeDigestName(this.algorithm);
      if (this.#digest === null) {
        throw new ConfigError('SV_ERR_REALM_CREDENTIAL_ALGORITHM', {
          handler: this.handlerName,
          algorithm: this.algorithm,
          supported: [...JAVA_DIGESTS.keys()].filter((name) => nodeDigestName(name) !== null).join(', '),
        });
      }
    }
  }

  get handlerName(): string {
    return 'MessageDigestCredentialHandler';
  }

  /** The node:crypto digest name in use, or null for clear text (the DIGEST authenticator needs to know). */
  get digestName(): string | null {
    return this.#digest;
  }

  override async mutate(input: string): Promise<string> {
    // Clear text stays clear text whatever saltLength says (Tomcat: mutate returns the input unchanged).
    if (this.#digest === null) return input;
    return super.mutate(input);
  }

  async matches(input: string, stored: string): Promise<boolean> {
    if (this.#digest === null) return constantTimeEquals(input, stored);
    if (stored.startsWith('{MD5}')) return this.#matchesBase64('md5', input, stored.slice(5));
    if (stored.startsWith('{SHA}')) return this.#matchesBase64('sha1', input, stored.slice(5));
    if (stored.startsWith('{SSHA}')) return this.#matchesSaltedSha1(input, stored.slice(6));
    if (stored.includes('$')) return this.matchesSaltIterationsEncoded(input, stored);
    if (!/^[0-9a-fA-F]+$/.test(stored)) return false;
    const computed = await this.encode(input, Buffer.alloc(0), 1);
    // Hex digests compare case-insensitively, as in Tomcat: some tools write upper case.
    return constantTimeEquals(computed, stored.toLowerCase());
  }

  protected async encode(input: string, salt: Buffer, iterations: number): Promise<string> {
    const digest = this.#digest!;
    const password = this.#encode(input);
    const first = createHash(digest);
    if (this.digestInRfc3112Order) first.update(password).update(salt);
    else first.update(salt).update(password);
    let result = first.digest();
    for (let round = 1; round < iterations; round++) result = createHash(digest).update(result).digest();
    return result.toString('hex');
  }

  #matchesBase64(digest: string, input: string, base64: string): boolean {
    const computed = createHash(digest).update(this.#encode(input)).digest('base64');
    return constantTimeEquals(computed, base64);
  }

  /** `{SSHA}` (RFC 3112's LDAP form): base64 of SHA-1(password ‖ salt) followed by the salt. */
  #matchesSaltedSha1(input: string, base64: string): boolean {
    const decoded = Buffer.from(base64, 'base64');
    if (decoded.length <= SHA1_LENGTH) return false;
    const salt = decoded.subarray(SHA1_LENGTH);
    const computed = createHash('sha1').update(this.#encode(input)).update(salt).digest();
    return constantTimeEqualBytes(computed, decoded.subarray(0, SHA1_LENGTH));
  }
}
