/**
 * RateLimitFilter (Tomcat 10.1's org.apache.catalina.filters.RateLimitFilter): at most bucketRequests requests
 * per client address (getRemoteAddr(), so behind a proxy map it after RemoteIpFilter) in each time bucket of
 * bucketDuration seconds; the next ones are answered with statusCode (429) through sendError, or, with
 * enforce=false, only counted. Every request carries its count in the request attribute
 * `org.apache.catalina.filters.RateLimitFilter.Count`.
 *
 * Memory is bounded whatever the traffic (rate-limit-counter.ts): one bucket at a time, at most
 * `maxTrackedAddresses` addresses in it, the rest sharing one counter.
 */
import { ContainerError } from '../errors/container-error.js';
import type { Filter, FilterChain, FilterConfig } from '../servlet/filter.js';
import { isHttpResponse } from '../servlet/http-servlet.js';
import type { ServletRequest } from '../servlet/http-servlet-request.js';
import type { ServletResponse } from '../servlet/http-servlet-response.js';
import type { InitParameters } from '../config/init-parameters.js';
import { readFilterSettings, unknownInitParameter, type FilterOptions } from './option-params.js';
import { DEFAULT_MAX_TRACKED_ADDRESSES, exactPolicy, fastPolicy, TimeBucketCounter, type BucketPolicy } from './rate-limit-counter.js';

export const RATE_LIMIT_ATTRIBUTE_COUNT = 'org.apache.catalina.filters.RateLimitFilter.Count';
export const HEADER_RATE_LIMIT_POLICY = 'RateLimit-Policy';
export const HEADER_RATE_LIMIT = 'RateLimit';

const OWNER = 'Filter:RateLimitFilter';

/** The typed options of `new RateLimitFilter({...})`: its init-params, plus what only code can give. */
export interface RateLimitFilterOptions extends FilterOptions<typeof OWNER> {
  /** Addresses tracked per bucket before the rest share one counter (the memory bound). Default 65536. */
  readonly maxTrackedAddresses?: number;
  /** Epoch milliseconds now; tests inject a clock that they move. */
  readonly clock?: () => number;
}

type Settings = InitParameters<typeof OWNER>;

/** Tomcat numbers the default policy names of all its rate limiters in one sequence (fast-1, exact-2, …). */
let policySequence = 0;

export class RateLimitFilter implements Filter {
  readonly #options: RateLimitFilterOptions;
  readonly #clock: () => number;
  readonly #maxTracked: number;
  #name = 'RateLimitFilter';
  #settings: Settings;
  #policy: BucketPolicy;
  #counter: TimeBucketCounter;
  #policyName: string | null = null;
  #context: { log(message: string): void } | null = null;
  /** The bucket whose first refusal was logged: one line per bucket, never one per refused request. */
  #loggedBucket = Number.NaN;

  constructor(options: RateLimitFilterOptions = {}) {
    this.#options = options;
    this.#clock = options.clock ?? Date.now;
    const maxTracked = options.maxTrackedAddresses ?? DEFAULT_MAX_TRACKED_ADDRESSES;
    if (!Number.isInteger(maxTracked) || maxTracked < 1) {
      throw this.#invalid('maxTrackedAddresses', String(maxTracked), 'an integer of at least 1');
    }
    this.#maxTracked = maxTracked;
    this.#settings = this.#read(null);
    this.#policy = this.#policyOf(this.#settings);
    this.#counter = new TimeBucketCounter(this.#policy.bucketMs, this.#maxTracked, this.#clock);
  }

  #invalid(name: string, value: string, allowed: string): ContainerError {
    return new ContainerError('SV_ERR_RATE_LIMIT_FILTER_INIT_PARAM', { name, filter: this.#name, value, allowed });
  }

  #read(config: FilterConfig | null): Settings {
    const { maxTrackedAddresses: _max, clock: _clock, ...params } = this.#options;
    return readFilterSettings(OWNER, params, config, (name, value, allowed) => this.#invalid(name, value, allowed));
  }

  #policyOf(settings: Settings): BucketPolicy {
    return settings.rateLimitClassName === 'org.apache.catalina.util.ExactRateLimiter'
      ? exactPolicy(settings.bucketDuration, settings.bucketRequests)
      : fastPolicy(settings.bucketDuration, settings.bucketRequests);
  }

  init(config: FilterConfig): void {
    this.#name = config.getFilterName();
    // Tomcat's RateLimitFilter treats a configuration problem as fatal: a misspelt limit never goes unnoticed.
    const unknown = unknownInitParameter(OWNER, config);
    if (unknown !== null) throw new ContainerError('SV_ERR_RATE_LIMIT_FILTER_UNKNOWN_INIT_PARAM', { filter: this.#name, ...unknown });
    this.#settings = this.#read(config);
    this.#policy = this.#policyOf(this.#settings);
    this.#counter = new TimeBucketCounter(this.#policy.bucketMs, this.#maxTracked, this.#clock);
    this.#context = config.getServletContext();
    this.#context.log(
      `RateLimitFilter [${this.#name}] initialized with [${this.#settings.bucketRequests}] requests per [${this.#settings.bucketDuration}] seconds. ` +
        `Actual is [${this.#policy.requests}] per [${this.#policy.durationSeconds}] seconds. [${this.#settings.enforce ? '' : 'Not '}enforcing].`,
    );
  }

  /** The policy as the headers name it: policyName, or Tomcat's `fast-<n>` / `exact-<n>`. */
  #policyNameOf(): string {
    if (this.#policyName === null) {
      const written = this.#settings.policyName?.trim();
      const base = this.#settings.rateLimitClassName === 'org.apache.catalina.util.ExactRateLimiter' ? 'exact' : 'fast';
      this.#policyName = written !== undefined && written !== '' ? written : `${base}-${++policySequence}`;
    }
    return this.#policyName;
  }

  doFilter(request: ServletRequest, response: ServletResponse, chain: FilterChain): void | Promise<void> {
    const address = request.getRemoteAddr();
    const count = this.#counter.increment(address);
    request.setAttribute(RATE_LIMIT_ATTRIBUTE_COUNT, count);
    const { requests, durationSeconds } = this.#policy;
    const http = isHttpResponse(response) ? response : null;
    if (this.#settings.exposeHeaders && http !== null) {
      const name = this.#policyNameOf();
      // draft-ietf-httpapi-ratelimit-headers: quota q per window w seconds; r = what is left of it.
      http.addHeader(HEADER_RATE_LIMIT_POLICY, `"${name}";q=${requests};w=${durationSeconds}`);
      if (this.#settings.enforce) http.addHeader(HEADER_RATE_LIMIT, `"${name}";r=${count > requests ? 0 : requests - count}`);
    }
    if (count > requests) {
      this.#logRefusal(address, count);
      if (this.#settings.enforce) {
        http?.sendError(this.#settings.statusCode, this.#settings.statusMessage);
        return;
      }
    }
    return chain.doFilter(request, response);
  }

  #logRefusal(address: string, count: number): void {
    const bucket = Math.floor(this.#clock() / this.#policy.bucketMs);
    if (bucket === this.#loggedBucket) return;
    this.#loggedBucket = bucket;
    this.#context?.log(
      `RateLimitFilter [${this.#name}]: [${count}] requests from [${address}] have exceeded the maximum allowed of [${this.#policy.requests}] ` +
        `in a [${this.#policy.durationSeconds}] second window; further ones in this window are not logged`,
    );
  }

  destroy(): void {
    this.#counter.clear();
  }
}
