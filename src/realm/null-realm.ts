/** Tomcat's NullRealm, what an Engine gets when no Realm is configured: it knows nobody, so every login fails. */
import { RealmBase, type RealmBaseOptions } from './realm-base.js';

export class NullRealm extends RealmBase {
  constructor(options: RealmBaseOptions = {}) {
    super(options);
  }

  protected getPassword(): null {
    return null;
  }

  protected getRoles(): null {
    return null;
  }
}
