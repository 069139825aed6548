/** Test helper: a CredentialHandler that records every check it is asked for, to count hashing work. */
import type { CredentialHandler } from '../../../src/realm/credential-handler.js';

export class CountingCredentialHandler implements CredentialHandler {
  readonly checked: string[] = [];
  mutations = 0;

  constructor(readonly inner: CredentialHandler) {}

  matches(input: string, stored: string): Promise<boolean> {
    this.checked.push(stored);
    return this.inner.matches(input, stored);
  }

  mutate(input: string): Promise<string> {
    this.mutations++;
    return this.inner.mutate(input);
  }
}
