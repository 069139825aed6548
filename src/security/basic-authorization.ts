/**
 * TEMPORARY minimal RFC 7617 parser; replaced by helper C's full implementation at merge.
 */
export function parseBasicAuthorization(header: string): { username: string; password: string } | 'malformed' | 'not-basic' {
  const match = /^basic +([A-Za-z0-9+/]+={0,2}) *$/i.exec(header);
  if (match === null) return /^basic(\s|$)/i.test(header) ? 'malformed' : 'not-basic';
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return 'malformed';
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

export function basicChallenge(realmName: string): string {
  return `Basic realm="${realmName.replace(/["\\]/g, '\\$&')}", charset="UTF-8"`;
}
