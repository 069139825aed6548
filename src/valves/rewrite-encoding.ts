/**
 * The URL encodings of the RewriteValve, as Tomcat's: rules see the mapped (decoded) path with its literal `%`, `;`
 * and `?` written as `%25`, `%3B` and `%3F`, so a `?` a rule writes starts a query and a `%nn` a rule writes is
 * never encoded again. What the rules produce is encoded with the path and query encoders below, which are
 * Tomcat's URLEncoder.DEFAULT and URLEncoder.QUERY with `%` kept as it is (RFC 3986 §3.3 pchar for the path; the
 * application/x-www-form-urlencoded set for the query).
 */

/** Characters besides letters and digits that the path encoder keeps: unreserved, sub-delims, `:`, `@`, `/`, and `%`. */
const PATH_SAFE = new Set("-._~!$&'()*+,;=:@/%");
/** Characters besides letters and digits that the query encoder keeps (a space becomes `+`). */
const QUERY_SAFE = new Set('*-._=&%');

function isAlphanumeric(code: number): boolean {
  return (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a);
}

function encodeWith(value: string, safe: ReadonlySet<string>, spaceAsPlus: boolean): string {
  let out = '';
  let mark = 0;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (isAlphanumeric(code) || safe.has(value[i] as string)) continue;
    out += value.slice(mark, i);
    if (code === 0x20 && spaceAsPlus) {
      out += '+';
      mark = i + 1;
      continue;
    }
    // A surrogate pair is one character: encode both halves together (a lone half becomes U+FFFD, as Java's encoder does).
    const pair = code >= 0xd800 && code <= 0xdbff && i + 1 < value.length ? 2 : 1;
    for (const byte of Buffer.from(value.slice(i, i + pair), 'utf8')) out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    i += pair - 1;
    mark = i + 1;
  }
  return mark === 0 ? value : out + value.slice(mark);
}

/** A rewritten path, encoded (Tomcat's REWRITE_DEFAULT_ENCODER). */
export function encodeRewritePath(path: string): string {
  return encodeWith(path, PATH_SAFE, false);
}

/** A rewritten query string, encoded (Tomcat's REWRITE_QUERY_ENCODER). */
export function encodeRewriteQuery(query: string): string {
  return encodeWith(query, QUERY_SAFE, true);
}

/** A back-reference escaped by the B flag (Tomcat's URLEncoder.DEFAULT: `%` is encoded too). */
export function escapeBackReference(value: string): string {
  return encodeWith(value, PATH_SAFE_NO_PERCENT, false);
}

const PATH_SAFE_NO_PERCENT = new Set([...PATH_SAFE].filter((c) => c !== '%'));

/** The mapped path as rules see it: literal `%`, `;` and `?` written in %nn form (Tomcat's encodeForRewrite). */
export function encodeForRewrite(path: string): string {
  let out = '';
  let mark = 0;
  for (let i = 0; i < path.length; i++) {
    const c = path[i];
    if (c !== '%' && c !== ';' && c !== '?') continue;
    out += `${path.slice(mark, i)}${c === '%' ? '%25' : c === ';' ? '%3B' : '%3F'}`;
    mark = i + 1;
  }
  return mark === 0 ? path : out + path.slice(mark);
}

/**
 * %nn sequences decoded as UTF-8 (the NE flag's redirect, the `unescape` map); a `%` not followed by two hex
 * digits stays as it is, and bytes that are not UTF-8 become U+FFFD, so decoding never fails.
 */
export function decodePercent(value: string): string {
  if (!value.includes('%')) return value;
  const bytes: number[] = [];
  let out = '';
  const flush = (): void => {
    if (bytes.length > 0) out += Buffer.from(bytes).toString('utf8');
    bytes.length = 0;
  };
  for (let i = 0; i < value.length; i++) {
    const c = value[i] as string;
    if (c === '%' && /^[0-9A-Fa-f]{2}$/.test(value.slice(i + 1, i + 3))) {
      bytes.push(Number.parseInt(value.slice(i + 1, i + 3), 16));
      i += 2;
      continue;
    }
    flush();
    out += c;
  }
  flush();
  return out;
}
