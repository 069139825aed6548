/**
 * The main thread's side of single sign-on on the blocking style: answers a worker's call with the table of the
 * main thread's SingleSignOn valve on the same container, so that the process has one table per valve, as Tomcat.
 * The sessions a sign-on ends are the main thread's too (the one owner of every session, session-owner.ts).
 */
import type { ContainerBase } from '../../core/container-base.js';
import { Context } from '../../core/context.js';
import type { Service } from '../../core/service.js';
import { ContainerError } from '../../errors/container-error.js';
import type { SignedOnData } from '../../security/sign-on-table.js';
import { SingleSignOnValve } from '../../security/single-sign-on.js';
import type { SignOnCall, SignOnKey } from '../messages/sign-on-messages.js';

export class SignOnOwner {
  readonly #service: Service;

  constructor(service: Service) {
    this.#service = service;
  }

  call(key: SignOnKey, request: SignOnCall): SignedOnData | string | null {
    const container: ContainerBase | undefined = key.host === null ? this.#service.engine : this.#service.engine.findChild(key.host);
    const valve = container?.pipeline.getValves().find((v): v is SingleSignOnValve => v instanceof SingleSignOnValve);
    if (valve === undefined) throw new ContainerError('SV_ERR_WORKER_SIGN_ON_OWNER_MISSING', { container: key.host ?? 'the Engine' });
    const table = valve.table;
    switch (request.op) {
      case 'lookup':
        return table.lookup(request.id);
      case 'register':
        return table.register(request.previous, request.user);
      case 'associate': {
        const { host, context } = request.member;
        const application = this.#service.engine.findChild(host)?.findChild(context);
        table.associate(request.id, request.member, application instanceof Context ? application.sessionManager : null);
        return null;
      }
      case 'end':
        table.end(request.id);
        return null;
    }
  }
}
