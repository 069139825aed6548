/**
 * JNDIRealm's options, with Tomcat's attribute names, defaults and units, and the checks of their values that
 * do not need the realm (jndi-realm.ts).
 */
import type { ConnectionOptions } from 'node:tls';
import { ContainerError } from '../errors/container-error.js';
import type { RealmBaseOptions } from './realm-base.js';

/** Tomcat's derefAliases values (JNDI's java.naming.ldap.derefAliases). */
export type JNDIDerefAliases = 'always' | 'never' | 'finding' | 'searching';

/** Tomcat's attribute names, defaults and units (ms for the times); see docs/security.md. */
export interface JNDIRealmOptions extends RealmBaseOptions {
  /** One URL, or several separated by spaces (tried in order, as JNDI does): `ldap://host:389` or `ldaps://host:636`. */
  readonly connectionURL: string;
  /** Tried when no connectionURL can be connected to. */
  readonly alternateURL?: string | undefined;
  /** The DN the realm binds as for its searches; unset = anonymous. */
  readonly connectionName?: string | undefined;
  readonly connectionPassword?: string | undefined;
  /** `simple` (default) or `none` (anonymous even when connectionName is set). */
  readonly authentication?: string | undefined;
  /** ms; default 5000; 0 = no limit. */
  readonly connectionTimeout?: number;
  /** ms an operation may wait for the directory; default 5000; 0 = no limit. */
  readonly readTimeout?: number;
  /** Most connections open at once; default 1. */
  readonly connectionPoolSize?: number;
  /** StartTLS (RFC 4513 §3) on an ldap:// URL before anything else is sent; default false. */
  readonly useStartTls?: boolean;
  readonly userPattern?: string | undefined;
  /** Default '' (the root). */
  readonly userBase?: string;
  readonly userSearch?: string | undefined;
  readonly userSubtree?: boolean;
  readonly userSearchAsUser?: boolean;
  /** Set = compare mode: the attribute holding the stored credential. */
  readonly userPassword?: string | undefined;
  readonly userRoleName?: string | undefined;
  readonly userRoleAttribute?: string | undefined;
  /** Default '' (the root). */
  readonly roleBase?: string;
  readonly roleName?: string | undefined;
  readonly roleSearch?: string | undefined;
  readonly roleSubtree?: boolean;
  readonly roleNested?: boolean;
  readonly roleSearchAsUser?: boolean;
  readonly commonRole?: string | undefined;
  /** Default `always`. */
  readonly derefAliases?: JNDIDerefAliases;
  /** Only `ignore` (JNDI's default): search references are not followed. */
  readonly referrals?: string | undefined;
  /** Accepted: Serval never fails a search on the partial results Active Directory's referrals cause. */
  readonly adCompat?: boolean;
  /** Entries a search may return; 0 = no limit (the directory's own). */
  readonly sizeLimit?: number;
  /** ms the directory may spend on a search (sent rounded up to seconds); 0 = no limit. */
  readonly timeLimit?: number;
  /** Serval's own: PEM file of the CAs trusted for StartTLS and ldaps:// (Node's bundled CAs otherwise). */
  readonly caCertificateFile?: string | undefined;
  /** What a relative caCertificateFile is resolved against; default the working directory. */
  readonly catalinaBase?: string;
  /** Programmatic only: extra TLS options (tests, or a client certificate). */
  readonly tls?: ConnectionOptions;
}

export function invalid(attribute: string, value: string, allowed: string): ContainerError {
  return new ContainerError('SV_ERR_REALM_JNDI_ATTRIBUTE', { attribute, value, allowed });
}

/** An ldap:// or ldaps:// URL without a DN; ldaps:// is TLS already, so StartTLS on it is a mistake. */
export function checkUrl(url: string, useStartTls: boolean): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalid('connectionURL', url, 'an ldap:// or ldaps:// URL');
  }
  if (parsed.protocol !== 'ldap:' && parsed.protocol !== 'ldaps:') throw invalid('connectionURL', url, 'an ldap:// or ldaps:// URL');
  if (parsed.pathname !== '' && parsed.pathname !== '/') {
    // JNDI would make every name relative to that DN; Serval takes names as written, so it refuses rather than guess.
    throw invalid('connectionURL', url, 'a URL without a DN (put the DN into userBase, roleBase and userPattern)');
  }
  if (parsed.protocol === 'ldaps:' && useStartTls) throw invalid('useStartTls', 'true', 'false with an ldaps:// URL (it is TLS already)');
}
