/**
 * What Tomcat's MessageDigest and SecretKey (PBKDF2) handlers share (DigestCredentialHandlerBase): a new
 * stored credential is `hexSalt$iterations$hexEncoded` — except with no salt and one iteration, where it is
 * the bare hex digest Tomcat wrote before salts existed (so old tomcat-users.xml entries keep working and
 * `digest -s 0` output can be pasted into them). Matching reads the salt and the iteration count from the
 * stored value, not from the handler's attributes, so changing the attributes never locks existing users out.
 */
import { randomBytes } from 'node:crypto';
import { ConfigError } from '../errors/container-error.js';
import { constantTimeEquals } from './constant-time.js';
import type { CredentialHandler } from './credential-handler.js';

/** Tomcat's DigestCredentialHandlerBase.DEFAULT_SALT_LENGTH, in bytes. */
export const DEFAULT_SALT_LENGTH = 32;

/** Java's int range, the iteration counts Tomcat can have written. */
const MAX_ITERATIONS = 2 ** 31 - 1;

export interface DigestCredentialHandlerAttributes {
  /** Iterations for new stored credentials. */
  readonly iterations?: number;
  /** Bytes of random salt for new stored credentials; 0 = none. */
  readonly saltLength?: number;
}

export abstract class DigestCredentialHandlerBase implements CredentialHandler {
  readonly iterations: number;
  readonly saltLength: number;

  protected constructor(attributes: DigestCredentialHandlerAttributes, defaultIterations: number) {
    this.iterations = attributes.iterations ?? defaultIterations;
    this.saltLength = attributes.saltLength ?? DEFAULT_SALT_LENGTH;
    this.checkWhole('iterations', this.iterations, 1, MAX_ITERATIONS);
    this.checkWhole('saltLength', this.saltLength, 0, 1024);
  }

  /** The class name used in messages: `MessageDigestCredentialHandler`. */
  abstract get handlerName(): string;

  abstract matches(input: string, stored: string): Promise<boolean>;

  async mutate(input: string): Promise<string> {
    const salt = randomBytes(this.saltLength);
    const encoded = await this.encode(input, salt, this.iterations, this.keyLengthForMutate());
    if (this.saltLength === 0 && this.iterations === 1) return encoded;
    return `${salt.toString('hex')}$${this.iterations}$${encoded}`;
  }

  /** The lower-case hex encoding of `input` under this handler's algorithm. */
  protected abstract encode(input: string, salt: Buffer, iterations: number, keyLengthBits: number): Promise<string>;

  /** The key length of new credentials (only PBKDF2 has one; a digest's length is fixed). */
  protected keyLengthForMutate(): number {
    return 0;
  }

  /**
   * `hexSalt$iterations$hexEncoded`. The encoded part's length gives the key length, so a PBKDF2 credential
   * made with another keyLength than the handler's still matches (Tomcat does the same).
   */
  protected async matchesSaltIterationsEncoded(input: string, stored: string): Promise<boolean> {
    const parts = stored.split('$');
    if (parts.length !== 3) return false;
    const [hexSalt, iterationText, hexEncoded] = parts as [string, string, string];
    if (!/^(?:[0-9a-fA-F]{2})*$/.test(hexSalt) || !/^[0-9a-fA-F]+$/.test(hexEncoded) || hexEncoded.length % 2 !== 0) return false;
    if (!/^[1-9][0-9]{0,9}$/.test(iterationText) || Number(iterationText) > MAX_ITERATIONS) return false;
    const salt = Buffer.from(hexSalt, 'hex');
    const keyLengthBits = hexEncoded.length * 4;
    if (!this.acceptsStored(salt, keyLengthBits)) return false;
    const computed = await this.encode(input, salt, Number(iterationText), keyLengthBits);
    return constantTimeEquals(computed, hexEncoded.toLowerCase());
  }

  /** Whether a stored salt and key length are ones this algorithm can have produced. */
  protected acceptsStored(_salt: Buffer, _keyLengthBits: number): boolean {
    return true;
  }

  protected checkWhole(attribute: string, value: number, min: number, max: number): void {
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new ConfigError('SV_ERR_REALM_CREDENTIAL_ATTRIBUTE', {
        handler: this.handlerName,
        attribute,
        value,
        allowed: `a whole number from ${min} to ${max}`,
      });
    }
  }
}
