/**
 * Credential comparison whose time does not depend on where two values first differ, nor on the length of
 * the stored one: both sides go through SHA-256 first, so crypto.timingSafeEqual always sees two 32-byte
 * buffers. (Comparing raw strings would return at the first differing character, and timingSafeEqual itself
 * throws on unequal lengths, which would tell an attacker the length of a clear-text password.)
 */
import { createHash, timingSafeEqual } from 'node:crypto';

export function constantTimeEquals(a: string, b: string): boolean {
  const left = createHash('sha256').update(a, 'utf8').digest();
  const right = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(left, right);
}

/** Byte strings of any length, by the same route. */
export function constantTimeEqualBytes(a: Uint8Array, b: Uint8Array): boolean {
  const left = createHash('sha256').update(a).digest();
  const right = createHash('sha256').update(b).digest();
  return timingSafeEqual(left, right);
}
