/**
 * Case-insensitive field-name comparison (RFC 9110 §5.1) for the hot paths that pick a few names out of many:
 * most names arrive in their usual spelling; any other spelling is compared letter by letter without a copy.
 */
export function isFieldName(name: string, lower: string, usual: string): boolean {
  if (name === usual || name === lower) return true;
  return equalsLowerCase(name, lower);
}

/**
 * Whether `name` lower-cased (ASCII letters only, as field names are tokens) equals `lower`, compared in place:
 * no lower-cased copy is allocated for a name that is spelled another way.
 */
export function equalsLowerCase(name: string, lower: string): boolean {
  const length = name.length;
  if (length !== lower.length) return false;
  for (let i = 0; i < length; i++) {
    let code = name.charCodeAt(i);
    if (code >= 0x41 && code <= 0x5a) code |= 0x20;
    if (code !== lower.charCodeAt(i)) return false;
  }
  return true;
}

/**
 * Whether two field names are equal ignoring ASCII letter case, compared in place: for scanning a request's few
 * fields for one name, where neither side need be lower-cased first (a name with other letters is no token and
 * matches nothing that arrived).
 */
export function equalsIgnoreCase(a: string, b: string): boolean {
  const length = a.length;
  if (length !== b.length) return false;
  for (let i = 0; i < length; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0x41 && x <= 0x5a) x |= 0x20;
    if (y >= 0x41 && y <= 0x5a) y |= 0x20;
    if (x !== y) return false;
  }
  return true;
}
