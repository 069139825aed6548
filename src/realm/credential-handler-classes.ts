/**
 * The CredentialHandler class names Serval knows: Tomcat's (full or short) and its own scrypt handler, the
 * names a `<CredentialHandler className>` and `catalina digest -h` take.
 */
import { ConfigError } from '../errors/container-error.js';

export type CredentialHandlerClass =
  'MessageDigestCredentialHandler' | 'SecretKeyCredentialHandler' | 'NestedCredentialHandler' | 'ScryptCredentialHandler';

/** Full class name → handler; the short name (after the last dot) is accepted too. */
export const CREDENTIAL_HANDLER_CLASS_NAMES: ReadonlyMap<string, CredentialHandlerClass> = new Map([
  ['org.apache.catalina.realm.MessageDigestCredentialHandler', 'MessageDigestCredentialHandler'],
  ['org.apache.catalina.realm.SecretKeyCredentialHandler', 'SecretKeyCredentialHandler'],
  ['org.apache.catalina.realm.NestedCredentialHandler', 'NestedCredentialHandler'],
  ['serval.realm.ScryptCredentialHandler', 'ScryptCredentialHandler'],
]);

export function credentialHandlerClass(className: string): CredentialHandlerClass {
  const full = CREDENTIAL_HANDLER_CLASS_NAMES.get(className);
  if (full !== undefined) return full;
  for (const handler of CREDENTIAL_HANDLER_CLASS_NAMES.values()) if (handler === className) return handler;
  throw new ConfigError('SV_ERR_REALM_CREDENTIAL_HANDLER_UNKNOWN', {
    className,
    known: [...CREDENTIAL_HANDLER_CLASS_NAMES.keys()].join(', '),
  });
}
