/**
 * CLIENT-CERT: the user name a verified client certificate stands for, as the Realm attribute
 * `X509UsernameRetrieverClassName` selects it in Tomcat. Tomcat ships one retriever, X509SubjectDnRetriever
 * (the default): the whole subject DN in the form of Java's X500Principal.toString(). Serval adds the
 * mappings a Node user expects: the common name, the e-mail address, the Windows UPN.
 *
 * The certificate's DER bytes are read directly (node:crypto's X509Certificate and tls.PeerCertificate both
 * carry them as `raw`): node's own `subject` string has OpenSSL's order and escaping, not Java's, and loses
 * the value types. Certificates arrive verified by the TLS layer, but the reader still returns null rather
 * than throwing on any byte string.
 */

/** What is read from a certificate: node:crypto's X509Certificate or tls.PeerCertificate (empty without one). */
export interface ClientCertificate {
  readonly raw?: Uint8Array | undefined;
}

/** A certificate → user name mapping; null when the certificate has no such name (no user then). */
export type X509UsernameRetriever = (certificate: ClientCertificate) => string | null;

export const DEFAULT_X509_USERNAME_RETRIEVER_CLASS = 'org.apache.catalina.realm.X509SubjectDnRetriever';

/** The retrievers by class name, for validating and resolving `X509UsernameRetrieverClassName`. */
export const X509_USERNAME_RETRIEVERS: ReadonlyMap<string, X509UsernameRetriever> = new Map<string, X509UsernameRetriever>([
  [DEFAULT_X509_USERNAME_RETRIEVER_CLASS, subjectDnUsername],
  ['serval.realm.X509CommonNameRetriever', commonNameUsername],
  ['serval.realm.X509EmailRetriever', emailUsername],
  ['serval.realm.X509UpnRetriever', userPrincipalNameUsername],
]);

/** The retriever for a class name, full or short (after the last dot); null when there is none. */
export function x509UsernameRetriever(className: string): X509UsernameRetriever | null {
  const full = X509_USERNAME_RETRIEVERS.get(className);
  if (full !== undefined) return full;
  for (const [name, retriever] of X509_USERNAME_RETRIEVERS) if (name.slice(name.lastIndexOf('.') + 1) === className) return retriever;
  return null;
}

/**
 * The subject DN as Java's X500Principal.toString() writes it, which Tomcat's X509SubjectDnRetriever returns:
 * RDNs from the most specific (the last one encoded) to the least, joined by `, `; the attributes of a
 * multi-valued RDN joined by ` + `; Java's keywords (CN, C, L, ST, O, OU, T, IP, STREET, DC, DNQ, SURNAME,
 * GIVENNAME, INITIALS, GENERATION, EMAILADDRESS, UID, SERIALNUMBER), `OID.n.n…` for others; RFC 1779 quoting.
 * Example: `CN=alice, OU=dev, O=Example, C=US`. Null when the subject is empty or cannot be read.
 */
export function subjectDnUsername(certificate: ClientCertificate): string | null {
  const subject = readCertificate(certificate)?.subject;
  if (subject === undefined || subject.length === 0) return null;
  const parts: string[] = [];
  for (let i = subject.length - 1; i >= 0; i--) parts.push((subject[i] ?? []).map(javaAvaString).join(' + '));
  return parts.join(', ');
}

/** The most specific common name (2.5.4.3) of the subject. */
export function commonNameUsername(certificate: ClientCertificate): string | null {
  return lastSubjectString(certificate, OID_COMMON_NAME);
}

/** The first rfc822Name of the subjectAltName extension, else the subject's emailAddress attribute. */
export function emailUsername(certificate: ClientCertificate): string | null {
  const parsed = readCertificate(certificate);
  if (parsed === null) return null;
  const san = parsed.altNames.find((name) => name.kind === 'email');
  if (san !== undefined) return san.value;
  return lastSubjectString(certificate, OID_EMAIL_ADDRESS);
}

/** The Microsoft User Principal Name (otherName 1.3.6.1.4.1.311.20.2.3) of subjectAltName, as smart cards carry it. */
export function userPrincipalNameUsername(certificate: ClientCertificate): string | null {
  return readCertificate(certificate)?.altNames.find((name) => name.kind === 'upn')?.value ?? null;
}

const OID_COMMON_NAME = '2.5.4.3';
const OID_EMAIL_ADDRESS = '1.2.840.113549.1.9.1';
const OID_SUBJECT_ALT_NAME = '2.5.29.17';
const OID_UPN = '1.3.6.1.4.1.311.20.2.3';

/** Java's AVAKeyword table; where it has two keywords for one OID, the one it prints (its last). */
const JAVA_KEYWORDS: ReadonlyMap<string, string> = new Map([
  [OID_COMMON_NAME, 'CN'],
  ['2.5.4.6', 'C'],
  ['2.5.4.7', 'L'],
  ['2.5.4.8', 'ST'],
  ['2.5.4.10', 'O'],
  ['2.5.4.11', 'OU'],
  ['2.5.4.12', 'T'],
  ['1.3.6.1.4.1.42.2.11.2.1', 'IP'],
  ['2.5.4.9', 'STREET'],
  ['0.9.2342.19200300.100.1.25', 'DC'],
  ['2.5.4.46', 'DNQ'],
  ['2.5.4.4', 'SURNAME'],
  ['2.5.4.42', 'GIVENNAME'],
  ['2.5.4.43', 'INITIALS'],
  ['2.5.4.44', 'GENERATION'],
  [OID_EMAIL_ADDRESS, 'EMAILADDRESS'],
  ['0.9.2342.19200300.100.1.1', 'UID'],
  ['2.5.4.5', 'SERIALNUMBER'],
]);

interface Ava {
  readonly oid: string;
  /** The value as Java reads a string type; null for other types. */
  readonly text: string | null;
  /** The value's whole DER encoding (tag, length, content). */
  readonly encoded: Uint8Array;
}

interface AltName {
  readonly kind: 'email' | 'upn';
  readonly value: string;
}

interface ParsedCertificate {
  /** RDNs in encoded order (least specific first). */
  readonly subject: readonly (readonly Ava[])[];
  readonly altNames: readonly AltName[];
}

function lastSubjectString(certificate: ClientCertificate, oid: string): string | null {
  const subject = readCertificate(certificate)?.subject ?? [];
  for (let i = subject.length - 1; i >= 0; i--) {
    for (const ava of subject[i] ?? []) if (ava.oid === oid && ava.text !== null && ava.text !== '') return ava.text;
  }
  return null;
}

/** AVA.toString() of Java (toKeywordValueString): RFC 1779 style, quoting the whole value when needed. */
function javaAvaString(ava: Ava): string {
  const keyword = JAVA_KEYWORDS.get(ava.oid) ?? `OID.${ava.oid}`;
  if (ava.text === null) return `${keyword}=#${Buffer.from(ava.encoded).toString('hex')}`;
  const value = ava.text;
  const alreadyQuoted = value.length > 1 && value.startsWith('"') && value.endsWith('"');
  let out = '';
  let quoteNeeded = false;
  let previousWhite = false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charAt(i);
    if (alreadyQuoted && (i === 0 || i === value.length - 1)) {
      out += c;
      continue;
    }
    const escapee = JAVA_ESCAPEES.includes(c);
    if (isPrintableStringChar(c) || escapee) {
      const white = c === ' ' || c === '\n';
      // Quoted for a leading space, a special character, or two whitespace characters in a row.
      if ((i === 0 && white) || escapee) quoteNeeded = true;
      if (white) {
        if (previousWhite) quoteNeeded = true;
        previousWhite = true;
      } else {
        if (c === '"' || c === '\\') out += '\\';
        previousWhite = false;
      }
      out += c;
    } else {
      previousWhite = false;
      out += c;
    }
  }
  if (out.endsWith(' ') || out.endsWith('\n')) quoteNeeded = true;
  return `${keyword}=${!alreadyQuoted && quoteNeeded ? `"${out}"` : out}`;
}

const JAVA_ESCAPEES = ',+=\n<>#;\\"';

/** ASN.1 PrintableString's characters (X.680 §41.4). */
function isPrintableStringChar(c: string): boolean {
  return /^[A-Za-z0-9 '()+,\-./:=?]$/.test(c);
}

// --- a minimal DER reader: only what the paths to the subject and the subjectAltName need ---

interface Tlv {
  readonly tag: number;
  readonly start: number;
  readonly contentStart: number;
  readonly end: number;
}

const SEQUENCE = 0x30;
const SET = 0x31;
const OID = 0x06;
const OCTET_STRING = 0x04;
const BOOLEAN = 0x01;

function readCertificate(certificate: ClientCertificate): ParsedCertificate | null {
  const der = certificate.raw;
  if (!(der instanceof Uint8Array) || der.length === 0) return null;
  const outer = readTlv(der, 0, der.length);
  if (outer === null || outer.tag !== SEQUENCE || outer.end !== der.length) return null;
  const tbs = readTlv(der, outer.contentStart, outer.end);
  if (tbs === null || tbs.tag !== SEQUENCE) return null;
  const fields = children(der, tbs);
  if (fields === null) return null;
  // TBSCertificate (RFC 5280 §4.1): [0] version?, serialNumber, signature, issuer, validity, subject, spki, [1]?, [2]?, [3] extensions?
  let index = fields[0]?.tag === 0xa0 ? 1 : 0;
  index += 4;
  const subjectTlv = fields[index];
  if (subjectTlv === undefined || subjectTlv.tag !== SEQUENCE) return null;
  const subject = readName(der, subjectTlv);
  if (subject === null) return null;
  const extensionsTlv = fields.slice(index + 2).find((field) => field.tag === 0xa3);
  const altNames = extensionsTlv === undefined ? [] : readAltNames(der, extensionsTlv);
  if (altNames === null) return null;
  return { subject, altNames };
}

/** Name = SEQUENCE OF RelativeDistinguishedName (SET OF AttributeTypeAndValue). */
function readName(der: Uint8Array, name: Tlv): Ava[][] | null {
  const rdns = children(der, name);
  if (rdns === null) return null;
  const result: Ava[][] = [];
  for (const rdn of rdns) {
    if (rdn.tag !== SET) return null;
    const avas = children(der, rdn);
    if (avas === null || avas.length === 0) return null;
    const rdnAvas: Ava[] = [];
    for (const avaTlv of avas) {
      if (avaTlv.tag !== SEQUENCE) return null;
      const parts = children(der, avaTlv);
      if (parts === null || parts.length !== 2) return null;
      const [type, value] = parts as [Tlv, Tlv];
      if (type.tag !== OID) return null;
      const oid = readOid(der, type);
      if (oid === null) return null;
      rdnAvas.push({ oid, text: decodeDirectoryString(der, value), encoded: der.subarray(value.start, value.end) });
    }
    result.push(rdnAvas);
  }
  return result;
}

/** [3] EXPLICIT Extensions; from subjectAltName the rfc822Names and UPN otherNames. */
function readAltNames(der: Uint8Array, explicit: Tlv): AltName[] | null {
  const inner = children(der, explicit);
  if (inner === null || inner.length !== 1 || inner[0]?.tag !== SEQUENCE) return null;
  const extensions = children(der, inner[0]);
  if (extensions === null) return null;
  const names: AltName[] = [];
  for (const extension of extensions) {
    if (extension.tag !== SEQUENCE) return null;
    const parts = children(der, extension);
    if (parts === null || parts.length < 2 || parts[0]?.tag !== OID) return null;
    if (readOid(der, parts[0]) !== OID_SUBJECT_ALT_NAME) continue;
    const valueTlv = parts[parts.length - 1];
    if (valueTlv === undefined || valueTlv.tag !== OCTET_STRING || (parts.length === 3 && parts[1]?.tag !== BOOLEAN)) return null;
    const generalNames = readTlv(der, valueTlv.contentStart, valueTlv.end);
    if (generalNames === null || generalNames.tag !== SEQUENCE || generalNames.end !== valueTlv.end) return null;
    const entries = children(der, generalNames);
    if (entries === null) return null;
    for (const entry of entries) {
      if (entry.tag === 0x81) {
        // rfc822Name [1] IMPLICIT IA5String
        names.push({ kind: 'email', value: ascii(der.subarray(entry.contentStart, entry.end)) });
      } else if (entry.tag === 0xa0) {
        // otherName [0] { type-id OID, value [0] EXPLICIT ANY }
        const upn = readUpn(der, entry);
        if (upn !== null) names.push({ kind: 'upn', value: upn });
      }
    }
  }
  return names;
}

function readUpn(der: Uint8Array, otherName: Tlv): string | null {
  const parts = children(der, otherName);
  if (parts === null || parts.length !== 2 || parts[0]?.tag !== OID || parts[1]?.tag !== 0xa0) return null;
  if (readOid(der, parts[0]) !== OID_UPN) return null;
  const value = children(der, parts[1]);
  if (value === null || value.length !== 1 || value[0] === undefined) return null;
  return decodeDirectoryString(der, value[0]);
}

/**
 * The string types Java's DerValue.getAsString reads: UTF8String, T61String (ISO-8859-1), PrintableString,
 * IA5String, GeneralString (US-ASCII), UniversalString (UTF-32BE), BMPString (UTF-16BE); null for others
 * (NumericString, VisibleString… are shown as #hex, as Java does).
 */
function decodeDirectoryString(der: Uint8Array, value: Tlv): string | null {
  const content = Buffer.from(der.subarray(value.contentStart, value.end));
  switch (value.tag) {
    case 0x0c:
      return content.toString('utf8');
    case 0x14:
      return content.toString('latin1');
    case 0x13:
    case 0x16:
    case 0x1b:
      return ascii(content);
    case 0x1e:
      return UTF16BE.decode(content);
    case 0x1c:
      return decodeUtf32be(content);
    default:
      return null;
  }
}

const UTF16BE = new TextDecoder('utf-16be');

/** US-ASCII as Java decodes it: a byte above 0x7f becomes U+FFFD. */
function ascii(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => (byte < 0x80 ? String.fromCharCode(byte) : '\ufffd')).join('');
}

function decodeUtf32be(bytes: Uint8Array): string {
  let text = '';
  for (let i = 0; i < bytes.length; i += 4) {
    if (i + 4 > bytes.length) {
      text += '\ufffd';
      break;
    }
    const code = (((bytes[i] ?? 0) << 24) | ((bytes[i + 1] ?? 0) << 16) | ((bytes[i + 2] ?? 0) << 8) | (bytes[i + 3] ?? 0)) >>> 0;
    text += code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff) ? '\ufffd' : String.fromCodePoint(code);
  }
  return text;
}

/** Dotted OID text; null for a malformed or absurdly large arc. */
function readOid(der: Uint8Array, oid: Tlv): string | null {
  if (oid.end === oid.contentStart) return null;
  const arcs: number[] = [];
  let value = 0;
  let first = true;
  for (let i = oid.contentStart; i < oid.end; i++) {
    const byte = der[i] ?? 0;
    // X.690 §8.19.2: no leading 0x80 padding in a subidentifier.
    if (value === 0 && byte === 0x80) return null;
    value = value * 128 + (byte & 0x7f);
    if (value > Number.MAX_SAFE_INTEGER / 128) return null;
    if ((byte & 0x80) !== 0) continue;
    if (first) {
      // X.690 §8.19.4: the first subidentifier packs the first two arcs.
      const top = value < 40 ? 0 : value < 80 ? 1 : 2;
      arcs.push(top, value - top * 40);
      first = false;
    } else {
      arcs.push(value);
    }
    value = 0;
  }
  if ((der[oid.end - 1] ?? 0) & 0x80) return null;
  return arcs.join('.');
}

/** The TLVs that exactly fill a constructed value; null if they do not. */
function children(der: Uint8Array, parent: Tlv): Tlv[] | null {
  if ((parent.tag & 0x20) === 0) return null;
  const result: Tlv[] = [];
  let offset = parent.contentStart;
  while (offset < parent.end) {
    const child = readTlv(der, offset, parent.end);
    if (child === null) return null;
    result.push(child);
    offset = child.end;
  }
  return result;
}

/** One DER TLV at `offset` that ends by `limit`: single-byte tags, definite lengths of up to 4 bytes. */
function readTlv(der: Uint8Array, offset: number, limit: number): Tlv | null {
  if (offset + 2 > limit) return null;
  const tag = der[offset] ?? 0;
  if ((tag & 0x1f) === 0x1f) return null;
  const first = der[offset + 1] ?? 0;
  let length: number;
  let contentStart: number;
  if (first < 0x80) {
    length = first;
    contentStart = offset + 2;
  } else {
    const lengthBytes = first & 0x7f;
    // 0x80 is BER's indefinite length, which DER forbids.
    if (lengthBytes === 0 || lengthBytes > 4 || offset + 2 + lengthBytes > limit) return null;
    length = 0;
    for (let i = 0; i < lengthBytes; i++) length = length * 256 + (der[offset + 2 + i] ?? 0);
    contentStart = offset + 2 + lengthBytes;
  }
  const end = contentStart + length;
  if (end > limit) return null;
  return { tag, start: offset, contentStart, end };
}
