/**
 * Tomcat's CredentialHandler: how a Realm compares the password a user presents with the form it stores, and
 * how a new stored form is made (`catalina digest`, a user database that sets passwords). Asynchronous so
 * that the deliberately slow ones (PBKDF2, scrypt) run on libuv's thread pool, not the event loop.
 */
export interface CredentialHandler {
  /**
   * Whether `input` (as the user typed it) matches `stored`. A malformed stored value is a mismatch, never a
   * throw: a login must not be able to tell a broken entry from a wrong password.
   */
  matches(input: string, stored: string): Promise<boolean>;
  /** A new stored form of `input`, with fresh random salt where the handler uses salt. */
  mutate(input: string): Promise<string>;
}
