/**
 * DefaultServlet's precompressed init param (Tomcat's): a file's `.br` or `.gz` sibling is served in its place
 * when the client accepts that coding (RFC 9110 §12.5.3), highest q first, ties broken by the server's order.
 */

/** Content codings of precompressed siblings, in the server's order of preference: `br=.br,gzip=.gz`. */
export interface CompressionFormat {
  readonly encoding: string;
  readonly extension: string;
}

/** The precompressed init param: `true` (br then gzip), `false`, or an explicit `coding=.ext` list. */
export function parsePrecompressed(value: string | null): CompressionFormat[] | null {
  const text = (value ?? '').trim();
  if (text === '' || text.toLowerCase() === 'false') return [];
  if (text.toLowerCase() === 'true')
    return [
      { encoding: 'br', extension: '.br' },
      { encoding: 'gzip', extension: '.gz' },
    ];
  const formats: CompressionFormat[] = [];
  for (const pair of text.split(',')) {
    const [encoding, extension, extra] = pair.split('=').map((s) => s.trim());
    if (!encoding || !extension || extra !== undefined || !extension.startsWith('.')) return null;
    formats.push({ encoding: encoding.toLowerCase(), extension });
  }
  return formats;
}

/** Accept-Encoding as coding → q (RFC 9110 §12.5.3); `identity` and `*` included as sent. */
export function parseAcceptEncoding(header: string | null): Map<string, number> {
  const accepted = new Map<string, number>();
  for (const element of (header ?? '').split(',')) {
    const [coding, ...params] = element.split(';').map((s) => s.trim());
    if (!coding) continue;
    let q = 1;
    for (const param of params) {
      const match = /^q=([01](?:\.\d{0,3})?)$/i.exec(param);
      if (match) q = Number(match[1]);
    }
    accepted.set(coding.toLowerCase(), q);
  }
  return accepted;
}

/** The preferred acceptable coding among the available ones: highest q, ties broken by the server's order. */
export function chooseEncoding(accepted: ReadonlyMap<string, number>, available: readonly CompressionFormat[]): CompressionFormat | null {
  let best: CompressionFormat | null = null;
  let bestQ = 0;
  for (const format of available) {
    const q = accepted.get(format.encoding) ?? accepted.get('*') ?? 0;
    if (q > bestQ) {
      best = format;
      bestQ = q;
    }
  }
  return best;
}
