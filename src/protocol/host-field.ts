/**
 * The Host field's syntax (RFC 9112 §3.2, RFC 9110 §7.2: `uri-host [ ":" port ]`, RFC 3986 §3.2.2), checked
 * before the value is used to choose a virtual host or build an absolute URL. The empty value is valid (a
 * target without an authority). A name is kept to the characters of DNS names and IPv4 addresses (letters,
 * digits, `-`, `.`, `_`), as Tomcat's parser does, rather than RFC 3986's whole reg-name: a sub-delimiter
 * or percent-escape in a host name is more likely an attack on whatever later reads it than a real name.
 */

/** Name or bracketed IPv6 literal, then an optional port of up to five digits (range checked below). */
const HOST = /^(?:[A-Za-z0-9._-]*|\[[0-9A-Fa-f:.]+\])(?::([0-9]{0,5}))?$/;

/** Whether `value` is a valid Host field value. */
export function isValidHostField(value: string): boolean {
  const match = HOST.exec(value);
  if (match === null) return false;
  const port = match[1];
  return port === undefined || port === '' || Number(port) <= 65535;
}
