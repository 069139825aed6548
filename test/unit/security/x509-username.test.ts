// CLIENT-CERT: certificate → user name, as Tomcat's X509UsernameRetrieverClassName selects it. Real
// certificates come from the openssl command; edge cases of the DN syntax from DER built here. The expected
// subject DNs were checked once against Java's own X500Principal.toString() (OpenJDK 17) on the same DER.
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  commonNameUsername,
  DEFAULT_X509_USERNAME_RETRIEVER_CLASS,
  emailUsername,
  subjectDnUsername,
  userPrincipalNameUsername,
  X509_USERNAME_RETRIEVERS,
  x509UsernameRetriever,
} from '../../../src/security/x509-username.js';

// --- DER building, for subjects openssl will not write ---
function tlv(tag: number, content: Uint8Array): Buffer {
  const length = content.length;
  const header = length < 0x80 ? [tag, length] : length < 0x100 ? [tag, 0x81, length] : [tag, 0x82, length >> 8, length & 0xff];
  return Buffer.concat([Buffer.from(header), content]);
}
const seq = (...items: Uint8Array[]): Buffer => tlv(0x30, Buffer.concat(items));
const set = (...items: Uint8Array[]): Buffer => tlv(0x31, Buffer.concat(items));
function oid(dotted: string): Buffer {
  const [a = 0, b = 0, ...rest] = dotted.split('.').map(Number);
  const bytes: number[] = [];
  for (const arc of [a * 40 + b, ...rest]) {
    const groups = [arc & 0x7f];
    for (let v = Math.floor(arc / 128); v > 0; v = Math.floor(v / 128)) groups.unshift((v & 0x7f) | 0x80);
    bytes.push(...groups);
  }
  return tlv(0x06, Buffer.from(bytes));
}
const utf8 = (text: string): Buffer => tlv(0x0c, Buffer.from(text, 'utf8'));
const printable = (text: string): Buffer => tlv(0x13, Buffer.from(text, 'latin1'));
const ava = (type: string, value: Buffer): Buffer => seq(oid(type), value);
const rdn = (...avas: Buffer[]): Buffer => set(...avas);

/** A certificate-shaped DER (never verified here): version, serial, algorithm, issuer, validity, subject, key, extensions. */
function certificate(subject: Buffer[], extensions: Buffer[] = []): { raw: Buffer } {
  const algorithm = seq(oid('1.2.840.10045.4.3.2'));
  const tbs = seq(
    tlv(0xa0, tlv(0x02, Buffer.from([2]))),
    tlv(0x02, Buffer.from([1])),
    algorithm,
    seq(rdn(ava('2.5.4.3', utf8('CA')))),
    seq(tlv(0x17, Buffer.from('250101000000Z')), tlv(0x17, Buffer.from('350101000000Z'))),
    seq(...subject),
    seq(algorithm, tlv(0x03, Buffer.from([0, 1, 2]))),
    ...(extensions.length === 0 ? [] : [tlv(0xa3, seq(...extensions))]),
  );
  return { raw: seq(tbs, algorithm, tlv(0x03, Buffer.from([0, 9]))) };
}
function subjectAltName(...names: Buffer[]): Buffer {
  return seq(oid('2.5.29.17'), tlv(0x04, seq(...names)));
}

describe('the subject DN in Java X500Principal.toString() form (X509SubjectDnRetriever)', () => {
  it('lists RDNs most specific first, joined by ", ", with Java’s keywords', () => {
    const cert = certificate([
      rdn(ava('2.5.4.6', printable('US'))),
      rdn(ava('2.5.4.8', utf8('California'))),
      rdn(ava('2.5.4.7', utf8('Palo Alto'))),
      rdn(ava('2.5.4.10', utf8('Example'))),
      rdn(ava('2.5.4.11', utf8('dev'))),
      rdn(ava('0.9.2342.19200300.100.1.25', tlv(0x16, Buffer.from('example')))),
      rdn(ava('2.5.4.3', utf8('alice'))),
      rdn(ava('1.2.840.113549.1.9.1', tlv(0x16, Buffer.from('alice@example.org')))),
      rdn(ava('0.9.2342.19200300.100.1.1', utf8('a1'))),
      rdn(ava('2.5.4.5', printable('42'))),
      rdn(ava('2.5.4.46', printable('q'))),
      rdn(ava('1.2.3.4.5', utf8('x'))),
    ]);
    expect(subjectDnUsername(cert)).toBe(
      'OID.1.2.3.4.5=x, DNQ=q, SERIALNUMBER=42, UID=a1, EMAILADDRESS=alice@example.org, CN=alice, DC=example, OU=dev, O=Example, L=Palo Alto, ST=California, C=US',
    );
  });

  it('joins the attributes of a multi-valued RDN with " + "', () => {
    const cert = certificate([
      rdn(ava('2.5.4.10', utf8('Example'))),
      rdn(ava('2.5.4.3', utf8('alice')), ava('0.9.2342.19200300.100.1.1', utf8('a1'))),
    ]);
    expect(subjectDnUsername(cert)).toBe('CN=alice + UID=a1, O=Example');
  });

  it.each([
    ['a comma', 'Doe, John', '"Doe, John"'],
    ['a plus', 'a+b', '"a+b"'],
    ['an equals sign', 'a=b', '"a=b"'],
    ['a semicolon and angle brackets', 'a;<b>', '"a;<b>"'],
    ['a hash', '#1', '"#1"'],
    ['a quote and a backslash', 'say "hi" \\o/', '"say \\"hi\\" \\\\o/"'],
    ['a leading space', ' x', '" x"'],
    ['a trailing space', 'x ', '"x "'],
    ['two spaces inside', 'a  b', '"a  b"'],
    ['one space inside', 'a b', 'a b'],
    ['characters outside PrintableString', 'jäsøn_@x', 'jäsøn_@x'],
    ['an already quoted value', '"a,b"', '"a,b"'],
  ])('quotes as RFC 1779 does (Java AVA.toString): %s', (_name, value, expected) => {
    expect(subjectDnUsername(certificate([rdn(ava('2.5.4.3', utf8(value)))]))).toBe(`CN=${expected}`);
  });

  it('decodes BMPString, UniversalString, T61String; shows other value types as #hex of their DER', () => {
    const bmp = tlv(0x1e, Buffer.from([0x00, 0x4a, 0x00, 0xe4]));
    const universal = tlv(0x1c, Buffer.from([0, 0, 0, 0x4a, 0, 1, 0xf6, 0x00]));
    const t61 = tlv(0x14, Buffer.from([0x61, 0xe9]));
    const integer = tlv(0x02, Buffer.from([0x01, 0x02]));
    const cert = certificate([
      rdn(ava('2.5.4.3', bmp)),
      rdn(ava('2.5.4.3', universal)),
      rdn(ava('2.5.4.3', t61)),
      rdn(ava('2.5.4.3', integer)),
    ]);
    expect(subjectDnUsername(cert)).toBe('CN=#02020102, CN=aé, CN=J\u{1f600}, CN=Jä');
  });

  it('reads PrintableString, IA5String and GeneralString as US-ASCII, as Java does (checked against X500Principal)', () => {
    for (const tag of [0x13, 0x16, 0x1b]) {
      expect(subjectDnUsername(certificate([rdn(ava('2.5.4.3', tlv(tag, Buffer.from([0x61, 0xe9]))))]))).toBe('CN=a\ufffd');
    }
    // VisibleString is no string type to Java's DerValue.getAsString.
    expect(subjectDnUsername(certificate([rdn(ava('2.5.4.3', tlv(0x1a, Buffer.from('v'))))]))).toBe('CN=#1a0176');
  });

  it('an empty subject gives no user name', () => {
    expect(subjectDnUsername(certificate([]))).toBeNull();
  });
});

describe('the other retrievers', () => {
  it('CN: the most specific common name; null without one', () => {
    const cert = certificate([
      rdn(ava('2.5.4.3', utf8('outer'))),
      rdn(ava('2.5.4.11', utf8('dev'))),
      rdn(ava('2.5.4.3', utf8('Doe, John'))),
    ]);
    expect(commonNameUsername(cert)).toBe('Doe, John');
    expect(commonNameUsername(certificate([rdn(ava('2.5.4.10', utf8('Example')))]))).toBeNull();
  });

  it('email: the first rfc822Name of subjectAltName, else the subject’s emailAddress', () => {
    const subject = [rdn(ava('1.2.840.113549.1.9.1', tlv(0x16, Buffer.from('subject@example.org')))), rdn(ava('2.5.4.3', utf8('alice')))];
    const san = subjectAltName(
      tlv(0x82, Buffer.from('host.example.org')),
      tlv(0x81, Buffer.from('first@example.org')),
      tlv(0x81, Buffer.from('second@example.org')),
    );
    expect(emailUsername(certificate(subject, [san]))).toBe('first@example.org');
    expect(emailUsername(certificate(subject))).toBe('subject@example.org');
    expect(emailUsername(certificate(subject, [subjectAltName(tlv(0x82, Buffer.from('host')))]))).toBe('subject@example.org');
    expect(emailUsername(certificate([rdn(ava('2.5.4.3', utf8('alice')))]))).toBeNull();
  });

  it('UPN: the otherName 1.3.6.1.4.1.311.20.2.3 of subjectAltName', () => {
    const upn = tlv(0xa0, Buffer.concat([oid('1.3.6.1.4.1.311.20.2.3'), tlv(0xa0, utf8('alice@corp.example'))]));
    const otherOtherName = tlv(0xa0, Buffer.concat([oid('1.2.3'), tlv(0xa0, utf8('nope'))]));
    const critical = seq(oid('2.5.29.17'), tlv(0x01, Buffer.from([0xff])), tlv(0x04, seq(otherOtherName, upn)));
    expect(userPrincipalNameUsername(certificate([rdn(ava('2.5.4.3', utf8('alice')))], [critical]))).toBe('alice@corp.example');
    expect(userPrincipalNameUsername(certificate([rdn(ava('2.5.4.3', utf8('alice')))]))).toBeNull();
  });
});

describe('the class-name map', () => {
  it('has Tomcat’s default and Serval’s alternatives, by full and short name', () => {
    expect(DEFAULT_X509_USERNAME_RETRIEVER_CLASS).toBe('org.apache.catalina.realm.X509SubjectDnRetriever');
    expect(X509_USERNAME_RETRIEVERS.get(DEFAULT_X509_USERNAME_RETRIEVER_CLASS)).toBe(subjectDnUsername);
    expect(x509UsernameRetriever('X509SubjectDnRetriever')).toBe(subjectDnUsername);
    expect(x509UsernameRetriever('serval.realm.X509CommonNameRetriever')).toBe(commonNameUsername);
    expect(x509UsernameRetriever('X509EmailRetriever')).toBe(emailUsername);
    expect(x509UsernameRetriever('X509UpnRetriever')).toBe(userPrincipalNameUsername);
    expect(x509UsernameRetriever('com.example.Mine')).toBeNull();
    expect(x509UsernameRetriever('')).toBeNull();
  });
});

describe('broken input gives null, never an exception', () => {
  it.each([
    ['no certificate (a PeerCertificate of a connection without one is {})', {}],
    ['empty bytes', { raw: Buffer.alloc(0) }],
    ['garbage', { raw: Buffer.from('not a certificate') }],
    ['a truncated certificate', { raw: certificate([rdn(ava('2.5.4.3', utf8('alice')))]).raw.subarray(0, 40) }],
    ['trailing bytes', { raw: Buffer.concat([certificate([rdn(ava('2.5.4.3', utf8('alice')))]).raw, Buffer.from([0])]) }],
    ['an indefinite length', { raw: Buffer.from([0x30, 0x80, 0x00, 0x00]) }],
    ['an empty RDN', { raw: certificate([set()]).raw }],
  ])('%s', (_name, cert) => {
    for (const retriever of X509_USERNAME_RETRIEVERS.values()) expect(retriever(cert)).toBeNull();
  });
});

describe('real certificates made by openssl', () => {
  let dir: string;
  const make = (name: string, subject: string, extra: string[] = []): X509Certificate => {
    execFileSync('openssl', ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', `${name}.key`], {
      cwd: dir,
      stdio: 'ignore',
    });
    execFileSync(
      'openssl',
      ['req', '-x509', '-new', '-utf8', '-key', `${name}.key`, '-subj', subject, '-days', '2', '-out', `${name}.pem`, ...extra],
      {
        cwd: dir,
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    return new X509Certificate(readFileSync(join(dir, `${name}.pem`)));
  };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'serval-x509-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('a client certificate maps like Tomcat’s default and each alternative', () => {
    const cert = make('alice', '/C=US/O=Example/OU=dev/CN=alice/emailAddress=alice@example.org', [
      '-addext',
      'subjectAltName=email:alice@mail.example.org,otherName:1.3.6.1.4.1.311.20.2.3;UTF8:alice@corp.example',
    ]);
    expect(subjectDnUsername(cert)).toBe('EMAILADDRESS=alice@example.org, CN=alice, OU=dev, O=Example, C=US');
    expect(commonNameUsername(cert)).toBe('alice');
    expect(emailUsername(cert)).toBe('alice@mail.example.org');
    expect(userPrincipalNameUsername(cert)).toBe('alice@corp.example');
    // The PeerCertificate shape of node:tls carries the same bytes.
    expect(subjectDnUsername({ raw: cert.raw })).toBe(subjectDnUsername(cert));
  });

  it('multi-valued RDNs, special characters and non-ASCII names', () => {
    const cert = make('bob', '/O=Exämple\\, Inc./CN=Bob Smith+UID=bob', ['-multivalue-rdn']);
    const dn = subjectDnUsername(cert);
    // openssl sorts the SET of a multi-valued RDN by DER; either order is Java's encoded order.
    expect(['CN=Bob Smith + UID=bob, O="Exämple, Inc."', 'UID=bob + CN=Bob Smith, O="Exämple, Inc."']).toContain(dn);
    expect(commonNameUsername(cert)).toBe('Bob Smith');
    expect(emailUsername(cert)).toBeNull();
  });
});
