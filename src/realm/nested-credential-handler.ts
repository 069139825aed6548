/**
 * Tomcat's NestedCredentialHandler: a stored credential matches when any nested handler says so, which lets a
 * user database move from one form to another (old MD5 entries beside new scrypt ones). New credentials come
 * from the first nested handler, so put the one new users should get first.
 */
import { ContainerError } from '../errors/container-error.js';
import type { CredentialHandler } from './credential-handler.js';

export class NestedCredentialHandler implements CredentialHandler {
  readonly #handlers: readonly CredentialHandler[];

  constructor(handlers: readonly CredentialHandler[]) {
    this.#handlers = Object.freeze([...handlers]);
  }

  get credentialHandlers(): readonly CredentialHandler[] {
    return this.#handlers;
  }

  async matches(input: string, stored: string): Promise<boolean> {
    for (const handler of this.#handlers) {
      if (await handler.matches(input, stored)) return true;
    }
    return false;
  }

  async mutate(input: string): Promise<string> {
    const first = this.#handlers[0];
    if (first === undefined) throw new ContainerError('SV_ERR_REALM_NESTED_HANDLER_EMPTY');
    return first.mutate(input);
  }
}
