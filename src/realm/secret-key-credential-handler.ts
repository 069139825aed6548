/**
 * Tomcat's SecretKeyCredentialHandler: PBKDF2 (RFC 8018 §5.2) through node:crypto, off the event loop. Stored
 * form `hexSalt$iterations$hexKey`, the key length read back from the stored key. Tomcat's defaults
 * (PBKDF2WithHmacSHA1, 160-bit key, 20000 iterations, 32 bytes of salt) are kept for compatibility; they are
 * weak by today's measure, which is why docs/security.md recommends ScryptCredentialHandler for new users.
 */
import { pbkdf2 } from 'node:crypto';
import { promisify } from 'node:util';
import { ConfigError } from '../errors/container-error.js';
import { DigestCredentialHandlerBase, type DigestCredentialHandlerAttributes } from './digest-credential-handler-base.js';

const pbkdf2Async = promisify(pbkdf2);

export interface SecretKeyCredentialHandlerAttributes extends DigestCredentialHandlerAttributes {
  /** A javax.crypto.SecretKeyFactory PBKDF2 name; default PBKDF2WithHmacSHA1. */
  readonly algorithm?: string;
  /** Bits of key for new stored credentials; default 160. */
  readonly keyLength?: number;
}

/** SecretKeyFactory names → the HMAC digest node's pbkdf2 takes. */
const PBKDF2_DIGESTS: ReadonlyMap<string, string> = new Map([
  ['PBKDF2WITHHMACSHA1', 'sha1'],
  ['PBKDF2WITHHMACSHA224', 'sha224'],
  ['PBKDF2WITHHMACSHA256', 'sha256'],
  ['PBKDF2WITHHMACSHA384', 'sha384'],
  ['PBKDF2WITHHMACSHA512', 'sha512'],
]);

export const DEFAULT_PBKDF2_ALGORITHM = 'PBKDF2WithHmacSHA1';

export class SecretKeyCredentialHandler extends DigestCredentialHandlerBase {
  readonly algorithm: string;
  readonly keyLength: number;
  readonly #digest: string;

  constructor(attributes: SecretKeyCredentialHandlerAttributes = {}) {
    super(attributes, 20000);
    this.algorithm = attributes.algorithm ?? DEFAULT_PBKDF2_ALGORITHM;
    this.keyLength = attributes.keyLength ?? 160;
    const digest = PBKDF2_DIGESTS.get(this.algorithm.toUpperCase());
    if (digest === undefined) {
      throw new ConfigError('SV_ERR_REALM_CREDENTIAL_ALGORITHM', {
        handler: this.handlerName,
        algorithm: this.algorithm,
        supported: 'PBKDF2WithHmacSHA1, PBKDF2WithHmacSHA224, PBKDF2WithHmacSHA256, PBKDF2WithHmacSHA384, PBKDF2WithHmacSHA512',
      });
    }
    this.#digest = digest;
    if (!Number.isInteger(this.keyLength) || this.keyLength < 8 || this.keyLength % 8 !== 0 || this.keyLength > 8192) {
      throw new ConfigError('SV_ERR_REALM_CREDENTIAL_ATTRIBUTE', {
        handler: this.handlerName,
        attribute: 'keyLength',
        value: this.keyLength,
        allowed: 'a multiple of 8 bits from 8 to 8192',
      });
    }
    // Java's PBEKeySpec refuses an empty salt, so Tomcat can never produce or check one; say so up front.
    if (this.saltLength === 0) {
      throw new ConfigError('SV_ERR_REALM_CREDENTIAL_ATTRIBUTE', {
        handler: this.handlerName,
        attribute: 'saltLength',
        value: 0,
        allowed: 'at least 1 byte (PBKDF2 needs salt)',
      });
    }
  }

  get handlerName(): string {
    return 'SecretKeyCredentialHandler';
  }

  /** Only the salted form: PBKDF2 has no legacy bare form (Tomcat: matchesSaltIterationsEncoded alone). */
  async matches(input: string, stored: string): Promise<boolean> {
    return this.matchesSaltIterationsEncoded(input, stored);
  }

  protected override keyLengthForMutate(): number {
    return this.keyLength;
  }

  /** An empty salt would be accepted by node but never by Java: such a stored value is not Tomcat's, so no match. */
  protected override acceptsStored(salt: Buffer, keyLengthBits: number): boolean {
    return salt.length > 0 && keyLengthBits % 8 === 0;
  }

  protected async encode(input: string, salt: Buffer, iterations: number, keyLengthBits: number): Promise<string> {
    // Java's PBKDF2 turns the password's chars into UTF-8 bytes, as node does with a string.
    const key = await pbkdf2Async(input, salt, iterations, keyLengthBits / 8, this.#digest);
    return key.toString('hex');
  }
}
