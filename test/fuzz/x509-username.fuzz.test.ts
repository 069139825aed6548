/**
 * The X.509 user-name retrievers on hostile bytes: any byte string, and any mutation or truncation of a
 * real certificate, gives a string or null and never throws; generated subjects come out in Java's order
 * with the most specific common name; huge certificates finish.
 */
import { X509Certificate } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commonNameUsername, subjectDnUsername, X509_USERNAME_RETRIEVERS } from '../../src/security/x509-username.js';
import { createPki, type Pki } from '../helpers/tls-certificates.js';

const FC_SEED = 20_261_207;
const NUM_RUNS = 1000;

function tlv(tag: number, content: Uint8Array): Buffer {
  const n = content.length;
  const header = n < 0x80 ? [tag, n] : n < 0x10000 ? [tag, 0x82, n >> 8, n & 0xff] : [tag, 0x83, n >> 16, (n >> 8) & 0xff, n & 0xff];
  return Buffer.concat([Buffer.from(header), content]);
}
const seq = (...items: Uint8Array[]): Buffer => tlv(0x30, Buffer.concat(items));
const CN_OID = Buffer.from([0x06, 0x03, 0x55, 0x04, 0x03]);
const OU_OID = Buffer.from([0x06, 0x03, 0x55, 0x04, 0x0b]);
function certificate(rdns: Buffer[]): { raw: Buffer } {
  const algorithm = seq(Buffer.from([0x06, 0x03, 0x2a, 0x03, 0x04]));
  const tbs = seq(tlv(0x02, Buffer.from([1])), algorithm, seq(), seq(), seq(...rdns), seq());
  return { raw: seq(tbs, algorithm, tlv(0x03, Buffer.from([0]))) };
}
const rdn = (oid: Buffer, value: string): Buffer => tlv(0x31, seq(oid, tlv(0x0c, Buffer.from(value, 'utf8'))));

function allRetrievers(cert: { raw?: Uint8Array }): void {
  for (const retriever of X509_USERNAME_RETRIEVERS.values()) {
    const name = retriever(cert);
    expect(name === null || typeof name === 'string').toBe(true);
  }
}

describe('X.509 user names under fuzzing', () => {
  let pki: Pki;
  let clientDer: Buffer;

  beforeAll(() => {
    pki = createPki();
    clientDer = new X509Certificate(pki.read(pki.clientCert)).raw;
  });
  afterAll(() => {
    pki.remove();
  });

  it('any bytes give a name or null', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), (bytes) => {
        allRetrievers({ raw: bytes });
        allRetrievers({ raw: Buffer.concat([Buffer.from([0x30, 0x82, bytes.length >> 8, bytes.length & 0xff]), bytes]) });
      }),
      { seed: FC_SEED, numRuns: NUM_RUNS },
    );
  });

  it('a real client certificate, mutated or cut anywhere, gives a name or null', () => {
    expect(subjectDnUsername({ raw: clientDer })).toBe('CN=Test Client');
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }), fc.nat(), (flips, cut) => {
        const bytes = Buffer.from(clientDer);
        for (const [at, value] of flips) bytes[at % bytes.length] = value;
        allRetrievers({ raw: bytes });
        allRetrievers({ raw: bytes.subarray(0, cut % (bytes.length + 1)) });
      }),
      { seed: FC_SEED, numRuns: NUM_RUNS },
    );
  });

  it('generated subjects come out most specific first, and CN is the most specific common name', () => {
    const value = fc.string({ unit: fc.constantFrom(...'abcXYZ019'.split('')), minLength: 1, maxLength: 12 });
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), value), { minLength: 1, maxLength: 12 }), (attributes) => {
        const cert = certificate(attributes.map(([cn, text]) => rdn(cn ? CN_OID : OU_OID, text)));
        const expected = attributes.map(([cn, text]) => `${cn ? 'CN' : 'OU'}=${text}`).reverse();
        expect(subjectDnUsername(cert)).toBe(expected.join(', '));
        const lastCn = attributes.filter(([cn]) => cn).at(-1)?.[1] ?? null;
        expect(commonNameUsername(cert)).toBe(lastCn);
      }),
      { seed: FC_SEED, numRuns: NUM_RUNS },
    );
  });

  it('a certificate with a huge subject finishes', () => {
    const rdns = Array.from({ length: 100_000 }, (_, i) => rdn(i % 2 === 0 ? OU_OID : CN_OID, `v${i}`));
    const cert = certificate(rdns);
    expect(commonNameUsername(cert)).toBe('v99999');
    expect(subjectDnUsername(cert)?.startsWith('CN=v99999, OU=v99998, ')).toBe(true);
    const long = certificate([rdn(CN_OID, `${'a  '.repeat(1_000_000)}"`)]);
    expect(subjectDnUsername(long)?.length).toBeGreaterThan(3_000_000);
  });
});
