/**
 * Checks the request target's characters against RFC 3986 before anything decodes or maps it (the
 * CVE-2016-6816 class: proxies and caches disagree on what an unencoded `<`, `{` or `"` means), with
 * Tomcat's relaxedPathChars / relaxedQueryChars as the opt-in leniency.
 */

/** The only characters an operator may relax (Tomcat's list: RFC 3986 excludes them, old clients send them). */
export const RELAXABLE_CHARS = '"<>[\\]^`{|}';

export interface TargetViolation {
  /** The offending character, or `%XX` for a byte outside printable ASCII. */
  readonly char: string;
  /** The attribute that would allow it, or a fixed explanation when nothing can. */
  readonly attribute: string;
}

/** RFC 3986 §3.3 pchar minus pct-encoded: unreserved / sub-delims / ":" / "@", plus "/" and "%" (escapes are checked when decoding). */
const PATH_CHARS = asciiTable("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$&'()*+,;=:@/%");
/** RFC 3986 §3.4: query = *( pchar / "/" / "?" ). */
const QUERY_CHARS = asciiTable("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$&'()*+,;=:@/%?");
/** RFC 9112 §3.2.2 absolute-form: scheme "://" authority; the authority may hold an IPv6 literal in brackets. */
const ABSOLUTE_FORM = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([A-Za-z0-9\-._~!$&'()*+,;=:@%[\]]*)/;

export class RequestTargetValidator {
  /** Allowed characters by code (0–127): the RFC 3986 sets plus the relaxed ones. Checked per request, so a table. */
  readonly #pathChars: Uint8Array;
  readonly #queryChars: Uint8Array;

  /** Characters outside RELAXABLE_CHARS in the attributes are ignored, as Tomcat does. */
  constructor(relaxedPathChars: string, relaxedQueryChars: string) {
    this.#pathChars = withRelaxed(PATH_CHARS, relaxedPathChars);
    this.#queryChars = withRelaxed(QUERY_CHARS, relaxedQueryChars);
  }

  /**
   * Returns the first violation in an origin-form or absolute-form target, or null when it is acceptable.
   * The asterisk and authority forms are the processor's business (they depend on the method).
   */
  check(target: string): TargetViolation | null {
    let start = 0;
    if (target.charCodeAt(0) !== 0x2f) {
      const absolute = ABSOLUTE_FORM.exec(target);
      if (absolute === null) {
        return { char: target === '' ? '(empty)' : display(target.charAt(0)), attribute: 'no attribute (the target must start with "/")' };
      }
      start = absolute[0].length;
      if (start === target.length) return null;
      if (target.charCodeAt(start) !== 0x2f) return { char: display(target.charAt(start)), attribute: 'relaxedPathChars' };
    }
    let table = this.#pathChars;
    let attribute = 'relaxedPathChars';
    for (let i = start; i < target.length; i++) {
      const code = target.charCodeAt(i);
      if (code < 128 && table[code] === 1) continue;
      if (code === 0x3f && table === this.#pathChars) {
        table = this.#queryChars;
        attribute = 'relaxedQueryChars';
        continue;
      }
      const char = target.charAt(i);
      // A fragment is never sent (RFC 9112 §3.2); bytes outside ASCII must be percent-encoded (RFC 3986 §2.1).
      if (!RELAXABLE_CHARS.includes(char)) return { char: display(char), attribute: 'no attribute (percent-encode it)' };
      return { char, attribute };
    }
    return null;
  }
}

function asciiTable(chars: string): Uint8Array {
  const table = new Uint8Array(128);
  for (const char of chars) table[char.charCodeAt(0)] = 1;
  return table;
}

function withRelaxed(base: Uint8Array, relaxed: string): Uint8Array {
  const table = Uint8Array.from(base);
  for (const char of relaxed) if (RELAXABLE_CHARS.includes(char)) table[char.charCodeAt(0)] = 1;
  return table;
}

function display(char: string): string {
  const code = char.charCodeAt(0);
  return code > 0x20 && code < 0x7f ? char : `%${code.toString(16).toUpperCase().padStart(2, '0')}`;
}
