/**
 * The counting behind RateLimitFilter: requests per key (the client address) in fixed time buckets aligned on
 * the epoch, as Tomcat's TimeBucketCounter counts them, with a hard bound on memory.
 *
 * Tomcat keeps one map entry per address and bucket and removes old buckets from a background task; within one
 * bucket nothing bounds it, so a burst from many addresses (trivial with IPv6) grows it without limit. Here:
 * - only the current bucket is kept: the first request of a new bucket drops the previous one whole, so no
 *   timer is needed and nothing of an old bucket survives it;
 * - the current bucket tracks at most `maxKeys` keys. Once it is full, every further key counts on one
 *   shared overflow counter until the bucket ends. Memory therefore stays at `maxKeys` entries whatever
 *   arrives, and a flood of fresh addresses cannot buy itself a fresh allowance per address: together, the
 *   addresses the table has no room for get one address's allowance. Addresses already tracked keep their
 *   own count, so the clients seen before the flood in that bucket are unaffected.
 */

/** Tracked keys per bucket by default: about 10 MB at worst (IPv6 text keys), far above one server's real clients. */
export const DEFAULT_MAX_TRACKED_ADDRESSES = 65_536;

export interface BucketPolicy {
  /** Length of a bucket in milliseconds. */
  readonly bucketMs: number;
  /** Requests allowed per key and bucket. */
  readonly requests: number;
  /** The bucket length as reported (RateLimit-Policy `w=`, logs): whole seconds. */
  readonly durationSeconds: number;
}

/** The smallest power of two at least `value` (Tomcat's nextPowerOf2 for positive ints). */
function nextPowerOf2(value: number): number {
  let power = 1;
  while (power < value) power *= 2;
  return power;
}

/**
 * Tomcat's FastRateLimiter: the bucket is rounded up to a power of two milliseconds, so that its index is a bit
 * shift, and the allowance scaled by the same ratio (rounded to three decimals) so that the rate stays what was
 * asked: 300 per 60 s becomes 328 per 65.536 s (reported as 65 s).
 */
export function fastPolicy(durationSeconds: number, requests: number): BucketPolicy {
  const millis = durationSeconds * 1000;
  const bucketMs = nextPowerOf2(millis);
  const ratio = Math.round((1000 * bucketMs) / millis) / 1000;
  return { bucketMs, requests: Math.round(ratio * requests), durationSeconds: Math.trunc(bucketMs / 1000) };
}

/** Tomcat's ExactRateLimiter: the bucket and the allowance as configured. */
export function exactPolicy(durationSeconds: number, requests: number): BucketPolicy {
  return { bucketMs: durationSeconds * 1000, requests, durationSeconds };
}

export class TimeBucketCounter {
  readonly #bucketMs: number;
  readonly #maxKeys: number;
  readonly #clock: () => number;
  #bucket = Number.NaN;
  #counts = new Map<string, number>();
  #overflow = 0;

  constructor(bucketMs: number, maxKeys: number, clock: () => number) {
    this.#bucketMs = bucketMs;
    this.#maxKeys = maxKeys;
    this.#clock = clock;
  }

  /** Counts one request of `key` in the current bucket and returns its count there (1 for the first). */
  increment(key: string): number {
    const bucket = Math.floor(this.#clock() / this.#bucketMs);
    if (bucket !== this.#bucket) {
      this.#bucket = bucket;
      this.#counts = new Map();
      this.#overflow = 0;
    }
    const count = this.#counts.get(key);
    if (count !== undefined) {
      this.#counts.set(key, count + 1);
      return count + 1;
    }
    if (this.#counts.size < this.#maxKeys) {
      this.#counts.set(key, 1);
      return 1;
    }
    return ++this.#overflow;
  }

  /** Keys tracked in the current bucket (never more than maxKeys). */
  get trackedKeys(): number {
    return this.#counts.size;
  }

  /** Forgets everything (the filter's destroy()). */
  clear(): void {
    this.#counts = new Map();
    this.#overflow = 0;
    this.#bucket = Number.NaN;
  }
}
