/**
 * Case-insensitive field-name comparison (RFC 9110 §5.1) for the hot paths that pick a few names out of many:
 * most names arrive in their usual spelling, and a differing first letter settles most of the rest, so the
 * lower-cased copy is made only when neither shortcut decides.
 */
export function isFieldName(name: string, lower: string, usual: string): boolean {
  if (name === usual || name === lower) return true;
  if (name.length !== lower.length || (name.charCodeAt(0) | 0x20) !== lower.charCodeAt(0)) return false;
  return name.toLowerCase() === lower;
}
