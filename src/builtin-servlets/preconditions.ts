/** Entity tags and the conditional request headers of RFC 9110 §13, evaluated the way Tomcat's DefaultServlet does. */
import { createHash } from 'node:crypto';

/** Weak validator `W/"<length>-<mtimeMillis>"`, as Tomcat builds it (RFC 9110 §8.8.3). */
export function weakETag(size: number, mtimeMs: number): string {
  return `W/"${size}-${Math.trunc(mtimeMs)}"`;
}

/** Strong validator: the SHA-256 of the bytes, so equal tags mean byte-for-byte equal content (useStrongETags). */
export function strongETag(content: Uint8Array): string {
  return `"${createHash('sha256').update(content).digest('hex')}"`;
}

export interface EntityTag {
  readonly weak: boolean;
  /** The quoted opaque tag, quotes included. */
  readonly opaque: string;
}

/**
 * Parses an If-Match / If-None-Match value: `*`, or a comma list of entity-tags (RFC 9110 §8.8.3,
 * §13.1.1). Returns null when the value is malformed (→ 400, as Tomcat does), `*` mixed with tags included.
 */
export function parseEntityTags(value: string): EntityTag[] | '*' | null {
  const trimmed = value.trim();
  if (trimmed === '*') return '*';
  const tags: EntityTag[] = [];
  let i = 0;
  const n = value.length;
  const skipSpace = (): void => {
    while (i < n && (value[i] === ' ' || value[i] === '\t')) i++;
  };
  while (i < n) {
    skipSpace();
    if (i >= n) break;
    if (value[i] === ',') {
      i++;
      continue;
    }
    let weak = false;
    if (value.startsWith('W/', i)) {
      weak = true;
      i += 2;
    }
    if (value[i] !== '"') return null;
    const start = i;
    i++;
    // etagc = %x21 / %x23-7E / obs-text
    while (i < n && value[i] !== '"') {
      const c = value.charCodeAt(i);
      if (c < 0x21 || c === 0x7f) return null;
      i++;
    }
    if (i >= n) return null;
    i++;
    tags.push({ weak, opaque: value.slice(start, i) });
    skipSpace();
    if (i < n && value[i] !== ',') return null;
  }
  return tags;
}

/** Exactly one entity-tag, else null. */
export function parseETag(tag: string): EntityTag | null {
  const parsed = parseEntityTags(tag);
  return Array.isArray(parsed) && parsed.length === 1 ? parsed[0]! : null;
}

/** Weak comparison: opaque tags equal, W/ ignored (RFC 9110 §8.8.3.2). */
export function weakMatch(a: EntityTag, b: EntityTag): boolean {
  return a.opaque === b.opaque;
}

/** Strong comparison: neither weak and opaque tags equal. */
export function strongMatch(a: EntityTag, b: EntityTag): boolean {
  return !a.weak && !b.weak && a.opaque === b.opaque;
}

export interface PreconditionInput {
  readonly method: string;
  /** Raw header values joined with `,`; null when absent. */
  readonly ifMatch: string | null;
  readonly ifNoneMatch: string | null;
  /** Epoch ms; null when absent, invalid or list-valued (those are ignored, RFC 9110 §13.1.3). */
  readonly ifModifiedSince: number | null;
  readonly ifUnmodifiedSince: number | null;
  /** The current validator; null when the resource does not exist (PUT creating it). */
  readonly etag: string | null;
  readonly lastModifiedMs: number;
}

export type PreconditionResult = 'proceed' | 304 | 400 | 412;

/** Evaluates the conditional headers in the order of RFC 9110 §13.2.2. */
export function evaluatePreconditions(input: PreconditionInput): PreconditionResult {
  const exists = input.etag !== null;
  const current = input.etag === null ? null : parseETag(input.etag);
  // HTTP dates have one-second resolution (RFC 9110 §5.6.7).
  const lastModified = Math.floor(input.lastModifiedMs / 1000) * 1000;
  const safe = input.method === 'GET' || input.method === 'HEAD';
  if (input.ifMatch !== null) {
    const tags = parseEntityTags(input.ifMatch);
    if (tags === null) return 400;
    // `*` matches any current representation, and nothing when there is none (§13.1.1).
    if (tags === '*' ? !exists : current === null || !tags.some((tag) => strongMatch(tag, current))) return 412;
  } else if (exists && input.ifUnmodifiedSince !== null && lastModified > input.ifUnmodifiedSince) {
    return 412;
  }
  if (input.ifNoneMatch !== null) {
    const tags = parseEntityTags(input.ifNoneMatch);
    if (tags === null) return 400;
    const matched = tags === '*' ? exists : current !== null && tags.some((tag) => weakMatch(tag, current));
    if (matched) return safe ? 304 : 412;
  } else if (exists && safe && input.ifModifiedSince !== null && lastModified <= input.ifModifiedSince) {
    return 304;
  }
  return 'proceed';
}
