/**
 * Beyond Tomcat: scrypt (RFC 7914), memory-hard, so guessing passwords on GPUs or ASICs costs memory as well as
 * time, which PBKDF2 does not. node:crypto computes it on libuv's thread pool. The stored form carries its own
 * parameters in the PHC string format (`$scrypt$ln=15,r=8,p=3$<salt>$<key>`, unpadded base64, as passlib
 * writes it), so raising the defaults later never breaks existing users.
 *
 * Defaults: one of OWASP's Password Storage Cheat Sheet scrypt settings, N = 2^15, r = 8, p = 3: 32 MiB per
 * hash rather than the 128 MiB of its N = 2^17 variant at the same CPU cost, because a server hashes several
 * logins at once (four on libuv's default pool) and an attacker can make it try.
 */
import { randomBytes, scrypt, type ScryptOptions } from 'node:crypto';
import { ConfigError } from '../errors/container-error.js';
import { constantTimeEquals } from './constant-time.js';
import type { CredentialHandler } from './credential-handler.js';

export interface ScryptCredentialHandlerAttributes {
  /** N, the CPU/memory cost: a power of two; default 32768 (2^15). */
  readonly cost?: number;
  /** r; default 8. */
  readonly blockSize?: number;
  /** p; default 3. */
  readonly parallelization?: number;
  /** Bits of key; default 256. */
  readonly keyLength?: number;
  /** Bytes of random salt; default 16 (RFC 7914 §2 asks for at least 16). */
  readonly saltLength?: number;
}

/** Memory a stored credential may make us spend (scrypt needs 128·N·r bytes); more is refused, not computed. */
const MAX_MEMORY_BYTES = 1024 * 1024 * 1024;

const STORED = /^\$scrypt\$ln=([1-9][0-9]?),r=([1-9][0-9]{0,2}),p=([1-9][0-9]{0,2})\$([A-Za-z0-9+/]{11,})\$([A-Za-z0-9+/]{11,})$/;

function scryptAsync(input: string, salt: Buffer, keyLength: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(input, salt, keyLength, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

function memoryOf(cost: number, blockSize: number): number {
  return 128 * cost * blockSize;
}

function unpadded(buffer: Buffer): string {
  return buffer.toString('base64').replace(/=+$/, '');
}

export class ScryptCredentialHandler implements CredentialHandler {
  readonly cost: number;
  readonly blockSize: number;
  readonly parallelization: number;
  readonly keyLength: number;
  readonly saltLength: number;

  constructor(attributes: ScryptCredentialHandlerAttributes = {}) {
    this.cost = attributes.cost ?? 2 ** 15;
    this.blockSize = attributes.blockSize ?? 8;
    this.parallelization = attributes.parallelization ?? 3;
    this.keyLength = attributes.keyLength ?? 256;
    this.saltLength = attributes.saltLength ?? 16;
    const isPowerOfTwo = Number.isInteger(this.cost) && this.cost >= 2 && (this.cost & (this.cost - 1)) === 0;
    this.#check('cost', this.cost, isPowerOfTwo && this.cost <= 2 ** 24, 'a power of two from 2 to 16777216');
    this.#check('blockSize', this.blockSize, Number.isInteger(this.blockSize) && this.blockSize >= 1 && this.blockSize <= 999, '1 to 999');
    this.#check(
      'parallelization',
      this.parallelization,
      Number.isInteger(this.parallelization) && this.parallelization >= 1 && this.parallelization <= 999,
      '1 to 999',
    );
    this.#check(
      'keyLength',
      this.keyLength,
      Number.isInteger(this.keyLength) && this.keyLength >= 128 && this.keyLength % 8 === 0 && this.keyLength <= 8192,
      'a multiple of 8 bits from 128 to 8192',
    );
    this.#check(
      'saltLength',
      this.saltLength,
      Number.isInteger(this.saltLength) && this.saltLength >= 16 && this.saltLength <= 1024,
      '16 to 1024 bytes',
    );
    this.#check(
      'cost',
      this.cost,
      memoryOf(this.cost, this.blockSize) <= MAX_MEMORY_BYTES,
      `with blockSize [${this.blockSize}] at most ${MAX_MEMORY_BYTES / (128 * this.blockSize)} (1 GiB of memory per hash)`,
    );
  }

  async mutate(input: string): Promise<string> {
    const salt = randomBytes(this.saltLength);
    const key = await this.#derive(input, salt, this.cost, this.blockSize, this.parallelization, this.keyLength / 8);
    return `$scrypt$ln=${Math.log2(this.cost)},r=${this.blockSize},p=${this.parallelization}$${unpadded(salt)}$${unpadded(key)}`;
  }

  async matches(input: string, stored: string): Promise<boolean> {
    const match = STORED.exec(stored);
    if (match === null) return false;
    const [, ln, r, p, salt64, key64] = match as unknown as [string, string, string, string, string, string];
    const cost = 2 ** Number(ln);
    const blockSize = Number(r);
    if (Number(ln) > 24 || memoryOf(cost, blockSize) > MAX_MEMORY_BYTES) return false;
    const expected = Buffer.from(key64, 'base64');
    const key = await this.#derive(input, Buffer.from(salt64, 'base64'), cost, blockSize, Number(p), expected.length);
    return constantTimeEquals(key.toString('base64'), expected.toString('base64'));
  }

  #derive(input: string, salt: Buffer, cost: number, blockSize: number, parallelization: number, bytes: number): Promise<Buffer> {
    // maxmem must exceed scrypt's 128·N·r working set (node's default, 32 MiB, is exactly the default's need).
    const maxmem = memoryOf(cost, blockSize) + 1024 * 1024;
    return scryptAsync(input, salt, bytes, { N: cost, r: blockSize, p: parallelization, maxmem });
  }

  #check(attribute: string, value: number, ok: boolean, allowed: string): void {
    if (!ok) throw new ConfigError('SV_ERR_REALM_CREDENTIAL_ATTRIBUTE', { handler: 'ScryptCredentialHandler', attribute, value, allowed });
  }
}
