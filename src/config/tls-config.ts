/**
 * Tomcat's TLS vocabulary mapped onto node:tls: the `protocols` list syntax, cipher strings with OpenSSL or
 * IANA (JSSE) suite names, and the key size of a negotiated suite. Pure functions; no sockets, no files.
 */
import { constants } from 'node:crypto';
import tls from 'node:tls';

/** The versions node:tls can negotiate, oldest first. */
export const TLS_VERSIONS = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'] as const;
export type TlsVersion = (typeof TLS_VERSIONS)[number];

/** What one `protocols` value means for node:tls. */
export interface ProtocolRange {
  readonly enabled: readonly TlsVersion[];
  readonly minVersion: TlsVersion;
  readonly maxVersion: TlsVersion;
  /** SSL_OP_NO_* bits for versions inside [min, max] that the list left out. */
  readonly secureOptions: number;
}

export type ProtocolsResult =
  | { readonly ok: true; readonly range: ProtocolRange; readonly obsolete: readonly TlsVersion[] }
  | { readonly ok: false; readonly error: string };

const NO_VERSION_FLAG: Readonly<Record<TlsVersion, number>> = {
  TLSv1: constants.SSL_OP_NO_TLSv1,
  'TLSv1.1': constants.SSL_OP_NO_TLSv1_1,
  'TLSv1.2': constants.SSL_OP_NO_TLSv1_2,
  'TLSv1.3': constants.SSL_OP_NO_TLSv1_3,
};

/**
 * `all` in Tomcat is every protocol the JVM permits; a current JVM disables TLSv1 and TLSv1.1
 * (jdk.tls.disabledAlgorithms). The equivalent here is node's own floor, tls.DEFAULT_MIN_VERSION
 * (TLSv1.2 unless node runs with --tls-min-v1.0/--tls-min-v1.1). TLSv1 and TLSv1.1 stay available by name.
 */
function allVersions(): TlsVersion[] {
  const floor = TLS_VERSIONS.indexOf(tls.DEFAULT_MIN_VERSION);
  return TLS_VERSIONS.slice(Math.max(floor, 0));
}

/**
 * Parses Tomcat's `protocols` syntax (config/http.html#SSL_Support_-_SSLHostConfig): tokens separated by
 * `,`, `+` or `-`; a `+` token adds to the list, a `-` token removes from it, a bare token adds; `all` is
 * the whole set. The list starts empty. SSLv2Hello is accepted and ignored (OpenSSL never accepts an
 * SSLv2-format ClientHello); SSLv3 is refused (RFC 7568 forbids it and node's OpenSSL cannot speak it).
 */
export function parseProtocols(value: string): ProtocolsResult {
  const enabled = new Set<TlsVersion>();
  // Split before every separator so each piece keeps its sign.
  const pieces = value.split(/(?=[-+,])/).map((piece) => piece.trim());
  for (const piece of pieces) {
    let sign: '+' | '-' | '' = '';
    let name = piece;
    if (name.startsWith(',')) name = name.slice(1).trim();
    if (name.startsWith('+') || name.startsWith('-')) {
      sign = name[0] as '+' | '-';
      name = name.slice(1).trim();
    }
    if (name === '') continue;
    const versions = protocolToken(name);
    if (versions === 'ignored') continue;
    if (versions === 'sslv3')
      return { ok: false, error: 'SSLv3 is not supported (RFC 7568 deprecates it and node:tls cannot negotiate it)' };
    if (versions === undefined) {
      return { ok: false, error: `unknown protocol [${name}]; use all, TLSv1, TLSv1.1, TLSv1.2 or TLSv1.3` };
    }
    for (const version of versions) {
      if (sign === '-') enabled.delete(version);
      else enabled.add(version);
    }
  }
  const list = TLS_VERSIONS.filter((version) => enabled.has(version));
  if (list.length === 0) return { ok: false, error: `no protocol is left enabled by [${value}]` };
  // RFC 8996 deprecates TLS 1.0 and 1.1: enabled, but the loader warns about them.
  const obsolete = list.filter((version) => version === 'TLSv1' || version === 'TLSv1.1');
  const minVersion = list[0]!;
  const maxVersion = list[list.length - 1]!;
  let secureOptions = 0;
  for (const version of TLS_VERSIONS.slice(TLS_VERSIONS.indexOf(minVersion), TLS_VERSIONS.indexOf(maxVersion) + 1)) {
    if (!enabled.has(version)) secureOptions |= NO_VERSION_FLAG[version];
  }
  return { ok: true, range: { enabled: list, minVersion, maxVersion, secureOptions }, obsolete };
}

function protocolToken(name: string): readonly TlsVersion[] | 'ignored' | 'sslv3' | undefined {
  const lower = name.toLowerCase();
  if (lower === 'all') return allVersions();
  if (lower === 'sslv2hello') return 'ignored';
  if (lower === 'sslv3') return 'sslv3';
  const version = TLS_VERSIONS.find((candidate) => candidate.toLowerCase() === lower);
  return version === undefined ? undefined : [version];
}

/**
 * IANA (JSSE) names of the TLS 1.2 suites a modern configuration lists, with their OpenSSL names
 * (RFC 5289, RFC 7905, RFC 5288). TLS 1.3 suites already have IANA names in OpenSSL (`TLS_AES_…`).
 */
const IANA_TO_OPENSSL: ReadonlyMap<string, string> = new Map([
  ['TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', 'ECDHE-ECDSA-AES128-GCM-SHA256'],
  ['TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384', 'ECDHE-ECDSA-AES256-GCM-SHA384'],
  ['TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', 'ECDHE-RSA-AES128-GCM-SHA256'],
  ['TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384', 'ECDHE-RSA-AES256-GCM-SHA384'],
  ['TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256', 'ECDHE-ECDSA-CHACHA20-POLY1305'],
  ['TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256', 'ECDHE-RSA-CHACHA20-POLY1305'],
  ['TLS_DHE_RSA_WITH_AES_128_GCM_SHA256', 'DHE-RSA-AES128-GCM-SHA256'],
  ['TLS_DHE_RSA_WITH_AES_256_GCM_SHA384', 'DHE-RSA-AES256-GCM-SHA384'],
  ['TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256', 'DHE-RSA-CHACHA20-POLY1305'],
  ['TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256', 'ECDHE-ECDSA-AES128-SHA256'],
  ['TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384', 'ECDHE-ECDSA-AES256-SHA384'],
  ['TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256', 'ECDHE-RSA-AES128-SHA256'],
  ['TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384', 'ECDHE-RSA-AES256-SHA384'],
  ['TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA', 'ECDHE-ECDSA-AES128-SHA'],
  ['TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA', 'ECDHE-ECDSA-AES256-SHA'],
  ['TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA', 'ECDHE-RSA-AES128-SHA'],
  ['TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA', 'ECDHE-RSA-AES256-SHA'],
  ['TLS_RSA_WITH_AES_128_GCM_SHA256', 'AES128-GCM-SHA256'],
  ['TLS_RSA_WITH_AES_256_GCM_SHA384', 'AES256-GCM-SHA384'],
  ['TLS_RSA_WITH_AES_128_CBC_SHA256', 'AES128-SHA256'],
  ['TLS_RSA_WITH_AES_256_CBC_SHA256', 'AES256-SHA256'],
  ['TLS_RSA_WITH_AES_128_CBC_SHA', 'AES128-SHA'],
  ['TLS_RSA_WITH_AES_256_CBC_SHA', 'AES256-SHA'],
]);

const TLS13_SUITES: ReadonlySet<string> = new Set([
  'TLS_AES_128_GCM_SHA256',
  'TLS_AES_256_GCM_SHA384',
  'TLS_CHACHA20_POLY1305_SHA256',
  'TLS_AES_128_CCM_SHA256',
  'TLS_AES_128_CCM_8_SHA256',
]);

export type CiphersResult = { readonly ok: true; readonly ciphers: string } | { readonly ok: false; readonly error: string };

/**
 * Tomcat's `ciphers` value as node's `ciphers` option. An OpenSSL cipher string (`HIGH:!aNULL…`) passes
 * through; a comma-separated list may mix OpenSSL names and IANA names, which are translated (node treats any
 * `TLS_` name as a TLS 1.3 suite). As in Tomcat, a list without TLS 1.3 suites keeps the default TLS 1.3 ones.
 * Whether anything matches at all is only known to OpenSSL: building the SecureContext checks that.
 */
export function toNodeCiphers(value: string): CiphersResult {
  const tokens = value
    .split(value.includes(',') ? ',' : ':')
    .map((token) => token.trim())
    .filter((token) => token !== '');
  if (tokens.length === 0) return { ok: false, error: 'the cipher list is empty' };
  const out: string[] = [];
  for (const token of tokens) {
    // JSSE once prefixed the same names with SSL_ (e.g. SSL_RSA_WITH_AES_128_CBC_SHA).
    const iana = token.startsWith('SSL_') ? `TLS_${token.slice(4)}` : token;
    if (TLS13_SUITES.has(iana)) out.push(iana);
    else if (IANA_TO_OPENSSL.has(iana)) out.push(IANA_TO_OPENSSL.get(iana)!);
    else if (/^(TLS|SSL)_[A-Z0-9_]+$/.test(token)) {
      return {
        ok: false,
        error: `cipher suite [${token}] is unknown or obsolete; use its OpenSSL name (see \`openssl ciphers -stdname\`)`,
      };
    } else out.push(token);
  }
  return { ok: true, ciphers: out.join(':') };
}

/**
 * The symmetric key size in bits of a negotiated suite, from its IANA name, for the
 * `jakarta.servlet.request.key_size` attribute (Servlet 6.0 §3.10). 0 when the name says nothing.
 */
export function keySizeOf(standardName: string): number {
  const name = standardName.toUpperCase();
  const sized = /_(AES|CAMELLIA|ARIA|RC4)_(\d{3})/.exec(name);
  if (sized !== null) return Number(sized[2]);
  if (name.includes('CHACHA20')) return 256;
  if (name.includes('3DES_EDE')) return 168;
  if (name.includes('_DES_')) return 56;
  return 0;
}
