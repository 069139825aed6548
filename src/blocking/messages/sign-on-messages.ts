/**
 * Single sign-on on the blocking style: the main thread's SingleSignOn valve holds the only table of sign-ons; a
 * worker's valve of the same container asks it (SignOnOwner, WorkerSignOnTable).
 */
import type { SignedOnData, SignOnMember } from '../../security/sign-on-table.js';

/** Which SingleSignOn valve: a Host's (`host`, its name) or the Engine's (null). */
export interface SignOnKey {
  readonly host: string | null;
}

export type SignOnCall =
  | { readonly op: 'lookup'; readonly id: string }
  | { readonly op: 'register'; readonly previous: string | null; readonly user: SignedOnData }
  | { readonly op: 'associate'; readonly id: string; readonly member: SignOnMember }
  | { readonly op: 'end'; readonly id: string };

/** Worker → main thread: a synchronous call; the answer is the ReplyMessage with the same `call`. */
export type SignOnFromWorker = {
  readonly type: 'sign-on-call';
  readonly call: number;
  readonly valve: SignOnKey;
  readonly request: SignOnCall;
};
