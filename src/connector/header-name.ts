/**
 * Lower-cased header names, remembered: applications and the container pass the same few literal names
 * ('Content-Type', 'Host') on every request, and a map hit on such a string is cheaper than lower-casing it
 * again (header names are case-insensitive, RFC 9110 §5.1).
 */
const lowerCased = new Map<string, string>();
/** Bounded so that names taken from requests cannot grow it without limit. */
const MAX_ENTRIES = 512;
const MAX_NAME_LENGTH = 64;

export function lowerCaseName(name: string): string {
  let lower = lowerCased.get(name);
  if (lower === undefined) {
    lower = name.toLowerCase();
    if (lowerCased.size < MAX_ENTRIES && name.length <= MAX_NAME_LENGTH) lowerCased.set(name, lower);
  }
  return lower;
}
