/** Tomcat's protocols and ciphers syntax mapped onto node:tls, key sizes, and the session id of an SSL_SESSION. */
import { constants } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { keySizeOf, parseProtocols, toNodeCiphers } from '../../../src/config/tls-config.js';
import { sessionIdOf } from '../../../src/net/tls-info.js';

function range(value: string) {
  const result = parseProtocols(value);
  if (!result.ok) throw new Error(result.error);
  return result.range;
}

describe('parseProtocols', () => {
  it("all means TLSv1.2 and TLSv1.3 (node's default floor)", () => {
    expect(range('all')).toEqual({ enabled: ['TLSv1.2', 'TLSv1.3'], minVersion: 'TLSv1.2', maxVersion: 'TLSv1.3', secureOptions: 0 });
  });

  it('adds with bare or + tokens and removes with - tokens, in order', () => {
    expect(range('TLSv1.2').enabled).toEqual(['TLSv1.2']);
    expect(range('TLSv1.2,TLSv1.3').enabled).toEqual(['TLSv1.2', 'TLSv1.3']);
    expect(range('+TLSv1.3').enabled).toEqual(['TLSv1.3']);
    expect(range('all-TLSv1.2').enabled).toEqual(['TLSv1.3']);
    expect(range(' all , -TLSv1.3 ').enabled).toEqual(['TLSv1.2']);
    expect(range('tlsv1.2+TLSV1.3').enabled).toEqual(['TLSv1.2', 'TLSv1.3']);
    expect(range('SSLv2Hello+TLSv1.2').enabled).toEqual(['TLSv1.2']);
  });

  it('expresses a gap with SSL_OP_NO_* and warns about obsolete versions', () => {
    const result = parseProtocols('TLSv1.1+TLSv1.3');
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.range).toMatchObject({ minVersion: 'TLSv1.1', maxVersion: 'TLSv1.3', secureOptions: constants.SSL_OP_NO_TLSv1_2 });
    expect(result.obsolete).toEqual(['TLSv1.1']);
  });

  it('rejects unknown names, SSLv3 and an empty result', () => {
    expect(parseProtocols('TLSv1.4')).toEqual({ ok: false, error: expect.stringContaining('unknown protocol [TLSv1.4]') });
    expect(parseProtocols('SSLv3,TLSv1.2')).toEqual({ ok: false, error: expect.stringContaining('SSLv3 is not supported') });
    expect(parseProtocols('-TLSv1.2')).toEqual({ ok: false, error: expect.stringContaining('no protocol is left enabled') });
    expect(parseProtocols('')).toEqual({ ok: false, error: expect.stringContaining('no protocol') });
  });
});

describe('toNodeCiphers', () => {
  it('passes an OpenSSL cipher string through', () => {
    expect(toNodeCiphers('HIGH:!aNULL:!MD5')).toEqual({ ok: true, ciphers: 'HIGH:!aNULL:!MD5' });
  });

  it('translates IANA/JSSE names in a comma list and keeps TLS 1.3 names', () => {
    expect(
      toNodeCiphers(
        'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, ECDHE-ECDSA-AES256-GCM-SHA384,TLS_AES_256_GCM_SHA384,SSL_RSA_WITH_AES_128_CBC_SHA',
      ),
    ).toEqual({
      ok: true,
      ciphers: 'ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:TLS_AES_256_GCM_SHA384:AES128-SHA',
    });
  });

  it('rejects unknown IANA names and empty lists', () => {
    expect(toNodeCiphers('TLS_RSA_WITH_RC4_128_MD5')).toEqual({
      ok: false,
      error: expect.stringContaining('[TLS_RSA_WITH_RC4_128_MD5] is unknown'),
    });
    expect(toNodeCiphers(' , ')).toEqual({ ok: false, error: 'the cipher list is empty' });
  });
});

describe('keySizeOf', () => {
  it('reads the symmetric key size from the IANA suite name', () => {
    expect(keySizeOf('TLS_AES_128_GCM_SHA256')).toBe(128);
    expect(keySizeOf('TLS_AES_256_GCM_SHA384')).toBe(256);
    expect(keySizeOf('TLS_CHACHA20_POLY1305_SHA256')).toBe(256);
    expect(keySizeOf('TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA')).toBe(128);
    expect(keySizeOf('TLS_RSA_WITH_3DES_EDE_CBC_SHA')).toBe(168);
    expect(keySizeOf('TLS_ECDHE_RSA_WITH_CAMELLIA_256_GCM_SHA384')).toBe(256);
    expect(keySizeOf('')).toBe(0);
  });
});

describe('sessionIdOf', () => {
  it('returns the fourth field of the SSL_SESSION SEQUENCE as hex, or undefined when empty or malformed', () => {
    // SEQUENCE { INTEGER 1, INTEGER 0x0303, OCTET STRING c02f, OCTET STRING a1b2c3, OCTET STRING … }
    const withId = Buffer.from('3010020101020203030402c02f0403a1b2c30400', 'hex');
    expect(sessionIdOf(withId)).toBe('a1b2c3');
    const withoutId = Buffer.from('300d020101020203040402130204000400', 'hex');
    expect(sessionIdOf(withoutId)).toBeUndefined();
    expect(sessionIdOf(undefined)).toBeUndefined();
    expect(sessionIdOf(Buffer.from('3010020101', 'hex'))).toBeUndefined();
    expect(sessionIdOf(Buffer.from('0400', 'hex'))).toBeUndefined();
  });
});
