/**
 * The `encoding` attribute of Tomcat's MessageDigestCredentialHandler: Java charset names, converted the way
 * Java's String.getBytes(charset) does, including its `?` for a character the charset cannot hold, so a
 * digest stored by Tomcat for a non-ASCII password matches here too.
 */
import { ConfigError } from '../errors/container-error.js';

export type CredentialEncoder = (text: string) => Buffer;

const QUESTION_MARK = 0x3f;

function singleByte(limit: number): CredentialEncoder {
  return (text) => {
    const bytes: number[] = [];
    for (const char of text) {
      const code = char.codePointAt(0)!;
      bytes.push(code <= limit ? code : QUESTION_MARK);
    }
    return Buffer.from(bytes);
  };
}

const utf16be: CredentialEncoder = (text) => Buffer.from(text, 'utf16le').swap16();

const ENCODERS: ReadonlyMap<string, CredentialEncoder> = new Map([
  ['UTF-8', (text: string) => Buffer.from(text, 'utf8')],
  ['UTF8', (text: string) => Buffer.from(text, 'utf8')],
  ['ISO-8859-1', singleByte(0xff)],
  ['ISO8859_1', singleByte(0xff)],
  ['LATIN1', singleByte(0xff)],
  ['US-ASCII', singleByte(0x7f)],
  ['ASCII', singleByte(0x7f)],
  ['UTF-16LE', (text: string) => Buffer.from(text, 'utf16le')],
  ['UTF-16BE', utf16be],
]);

/** The encoder for a Java charset name (case-insensitive); an unknown one is refused when the handler is built. */
export function credentialEncoder(handler: string, encoding: string): CredentialEncoder {
  const encoder = ENCODERS.get(encoding.toUpperCase());
  if (encoder === undefined) {
    throw new ConfigError('SV_ERR_REALM_CREDENTIAL_ATTRIBUTE', {
      handler,
      attribute: 'encoding',
      value: encoding,
      allowed: 'UTF-8, ISO-8859-1, US-ASCII, UTF-16LE, UTF-16BE',
    });
  }
  return encoder;
}
