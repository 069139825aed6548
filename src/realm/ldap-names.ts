/**
 * Putting a user name into LDAP filters and DNs without letting it change their structure, and Tomcat's
 * `{0}` pattern substitution. Every value that comes from a client goes through escapeFilterValue or
 * escapeDnValue before it reaches a template, so `*`, `)(` or `,ou=admins` are matched literally.
 */

/**
 * RFC 4515 §3: in a filter's assertion value, `*`, `(`, `)`, `\` and NUL must be written as `\XX`. Nothing
 * else is escaped: ldapts decodes each `\XX` as one character, so hex-escaping the bytes of a UTF-8
 * character would corrupt it, while the character written as itself is sent as UTF-8 unchanged.
 */
export function escapeFilterValue(value: string): string {
  return value.replace(/[*()\\\0]/g, (c) => `\\${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/**
 * RFC 4514 §2.4: in an attribute value of a DN, `"`, `+`, `,`, `;`, `<`, `>`, `\` are escaped with a
 * backslash, as is `=` (allowed by the `special` production, and it keeps a value from reading as another
 * attribute=value pair to a lenient parser); NUL becomes `\00`; a leading space or `#` and a trailing space
 * are escaped so they survive.
 */
export function escapeDnValue(value: string): string {
  const chars = [...value];
  return chars
    .map((c, i) => {
      if (c === '\0') return '\\00';
      if ('"+,;<>\\='.includes(c)) return `\\${c}`;
      if ((i === 0 && (c === ' ' || c === '#')) || (i === chars.length - 1 && c === ' ')) return `\\${c}`;
      return c;
    })
    .join('');
}

/**
 * Replaces `{0}`, `{1}`, `{2}`… by the (already escaped) arguments, as Tomcat's MessageFormat use does for
 * userPattern, userSearch and roleSearch. A placeholder without an argument becomes empty.
 */
export function formatPattern(pattern: string, args: readonly string[]): string {
  return pattern.replace(/\{(\d+)\}/g, (_, index: string) => args[Number(index)] ?? '');
}

/**
 * Tomcat's userPattern may list several patterns, each in parentheses: `(uid={0},ou=a,dc=x)(uid={0},ou=b,dc=x)`
 * (JNDIRealm.parseUserPatternString). A value that does not start with `(` is one pattern. Parentheses inside
 * a pattern are balanced by depth. Returns null when the parentheses do not balance.
 */
export function splitUserPatterns(value: string): string[] | null {
  const trimmed = value.trim();
  if (!trimmed.startsWith('(')) return [trimmed];
  const patterns: string[] = [];
  let depth = 0;
  let start = -1;
  for (let i = 0; i < trimmed.length; i++) {
    const c = trimmed[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === '(') {
      if (depth === 0) start = i + 1;
      depth++;
    } else if (c === ')') {
      depth--;
      if (depth < 0) return null;
      if (depth === 0) patterns.push(trimmed.slice(start, i));
    } else if (depth === 0 && c !== undefined && c.trim() !== '') {
      return null;
    }
  }
  return depth === 0 && patterns.length > 0 ? patterns : null;
}
