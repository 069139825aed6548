/**
 * The entry script of a worker thread of a blocking-style connector: builds its own Service tree (Engine →
 * Host → Context, webapps loaded by this thread) from the configuration the main thread parsed, then serves
 * the requests the main thread forwards, one at a time, through the same ConnectorAdapter as the event-loop
 * endpoint. Sessions and realms are proxies to the main thread's Managers and Realms. Servlet code here may block. Deployment
 * changes are the main thread's decisions, applied here step by step (WorkerDeployer).
 */
import { Writable } from 'node:stream';
import { parentPort, workerData } from 'node:worker_threads';
import pino, { type Logger } from 'pino';
import type { RealmConfig, ServiceConfig } from '../config/server-config.js';
import { Connector } from '../connector/connector.js';
import type { ConnectorAdapter } from '../connector/connector-adapter.js';
import type { Host } from '../core/host.js';
import type { Service } from '../core/service.js';
import type { Context } from '../core/context.js';
import { ContextConfig } from '../deploy/context-config.js';
import { ContainerError } from '../errors/container-error.js';
import { errorToData } from '../blocking/pool/error-data.js';
import { MessageBatcher } from '../blocking/pool/message-batcher.js';
import { PortInbox } from '../blocking/pool/port-inbox.js';
import { SyncCaller } from '../blocking/pool/sync-caller.js';
import { SIGNAL_BODY, SIGNAL_REPLY, type BodyMessage, type ReplyMessage, type WorkerChannelData } from '../blocking/messages/channel.js';
import type { DeploymentData } from '../blocking/messages/deployment-messages.js';
import type { MainToWorker, WorkerToMain } from '../blocking/messages/worker-messages.js';
import type { RequestMessage } from '../blocking/messages/exchange-messages.js';
import { BodyDispatcher } from '../blocking/worker/worker-body.js';
import {
  WorkerConnection,
  createWorkerExchange,
  type WorkerExchange,
  type WorkerExchangeLink,
} from '../blocking/worker/worker-exchange.js';
import { WorkerSessionManager, WorkerSessionRegistry, type SessionOwnerLink } from '../blocking/session/worker-session-manager.js';
import { buildServiceTree, defaultWebXml } from './server-factory.js';
import { createRealmShape } from './realm-factory.js';
import { WorkerRealm, type RealmOwnerLink } from '../blocking/realm/worker-realm.js';
import { WorkerSignOnTable, type SignOnOwnerLink } from '../blocking/sign-on/worker-sign-on-table.js';
import type { SignOnKey } from '../blocking/messages/sign-on-messages.js';
import type { RealmKey } from '../blocking/messages/realm-messages.js';
import type { Realm, RealmPolicy } from '../realm/realm.js';
import { GlobalResources } from './global-resources.js';
import { WorkerDeployer } from '../blocking/worker/worker-deployer.js';
import type { WorkerInit } from '../blocking/worker/worker-init.js';
import { exitProcess, installProcessGuard } from './process-guard.js';
import { reportContainerFault } from '../core/faults.js';

const port = parentPort;
if (port === null) throw new ContainerError('SV_ERR_WORKER_NOT_A_THREAD', { file: __filename });
const { channel, init } = workerData as { channel: WorkerChannelData; init: WorkerInit };

/**
 * Everything for the main thread goes through one batcher: the messages of one event-loop turn (a whole small
 * response and its 'done') cost the main thread one wake-up. Whatever precedes a blocking wait is flushed first.
 */
const outbox = new MessageBatcher<WorkerToMain>((messages, transfer) => port.postMessage(messages, transfer));
const post = (message: WorkerToMain, transfer: readonly ArrayBuffer[] = []): void => outbox.post(message, transfer);
/** For messages the worker may block right after (a synchronous call, a body read): sent at once. */
const postNow = (message: WorkerToMain): void => {
  outbox.post(message);
  outbox.flush();
};
// exitProcess() (ours on stop) ends the thread before the next turn: last log lines go first.
process.on('exit', () => outbox.flush());

/** Log lines go to the main thread's logger (its destinations, its level). */
const logger: Logger = pino(
  { level: init.logLevel, base: { workerThread: channel.workerId } },
  new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      for (const line of chunk.toString().split('\n')) if (line !== '') post({ type: 'log', line });
      callback();
    },
  }),
);

// A servlet's uncaught error or process.exit() stays that app's fault here too: the thread, and every other app's
// requests queued on it, go on (core/faults.ts). process.kill() and abort() would reach the whole process.
installProcessGuard(logger);

const signal = new Int32Array(channel.signal);
const bodies = new BodyDispatcher(new PortInbox<BodyMessage>(channel.bodyPort, signal, SIGNAL_BODY), postNow);
const caller = new SyncCaller(new PortInbox<ReplyMessage>(channel.replyPort, signal, SIGNAL_REPLY), postNow);
const sessions = new WorkerSessionRegistry();
const ownerLink: SessionOwnerLink = {
  call: (manager, request) => caller.call('session', (call) => ({ type: 'session-call', call, manager, request })),
  // invalidate() takes effect at once (worker-session.ts), even if the servlet then blocks its thread.
  post: (message) => (message.type === 'session-commit' && message.commit.invalidated ? postNow(message) : post(message)),
};
const realmLink: RealmOwnerLink = (realm, request) => caller.call('realm', (call) => ({ type: 'realm-call', call, realm, request }));
const signOnLink: SignOnOwnerLink = (valve, request) =>
  caller.call('single sign-on', (call) => ({ type: 'sign-on-call', call, valve, request }));

/** Requests in arrival order, each with the connection it came on (resolved on arrival: see RequestMessage). */
const queue: Array<{ readonly head: RequestMessage; readonly connection: WorkerConnection }> = [];
/** The connection of the last request received. */
let connection: WorkerConnection | null = null;
let current: WorkerExchange | null = null;
const exchangeLink: WorkerExchangeLink = { post, flush: () => outbox.flush(), beforeEnd: () => sessions.flush() };
let stopping = false;
let service: Service;
let deployer: WorkerDeployer;
const adapters = new Map<number, ConnectorAdapter>();

async function start(): Promise<void> {
  const serviceConfig = workerServiceConfig(init.config.services[init.serviceIndex]!);
  const contextConfig = new ContextConfig(defaultWebXml(init.env, logger));
  const createSessionManager = (context: Context, sessionTimeoutMinutes: number | undefined): WorkerSessionManager =>
    new WorkerSessionManager({
      manager: { host: context.parent?.name ?? '', context: context.name },
      servletContext: context.servletContext,
      sessionTimeoutMinutes,
      link: ownerLink,
      registry: sessions,
    });
  const resources = new GlobalResources(init.config.globalResources, init.env.catalinaBase, logger);
  // Every realm is the main thread's (one LockOutRealm count, one pool per DataSourceRealm or JNDIRealm).
  const createRealm = (config: RealmConfig, key: RealmKey, realmLogger: Logger): { realm: Realm; policy: RealmPolicy } => {
    const { realm: shape, policy } = createRealmShape(config, { catalinaBase: init.env.catalinaBase, logger: realmLogger });
    return { realm: new WorkerRealm({ key, link: realmLink, shape }), policy };
  };
  // Every sign-on is the main thread's valve's too: a login through any thread holds for every thread.
  const createSignOnTable = (valve: SignOnKey): WorkerSignOnTable => new WorkerSignOnTable(valve, signOnLink);
  service = buildServiceTree(serviceConfig, init.env, logger, contextConfig, {
    createSessionManager,
    createRealm,
    createSignOnTable,
    resources,
  });
  for (const host of service.engine.findChildren() as Host[]) {
    // No checks of its own: reloads (reloadable, WatchedResource) are decided by the main thread too.
    const own = host.deployer;
    if (own !== null) host.deployer = { deployOnStartup: () => own.deployOnStartup() };
  }
  deployer = new WorkerDeployer({ service, contextConfig, createSessionManager, createRealm, logger });
  await service.start();
  if (service.state !== 'STARTED')
    throw new ContainerError('SV_ERR_WORKER_TREE_NOT_STARTED', { worker: channel.workerId, state: service.state });
}

/** Deployment steps run one at a time, after the tree is built (a starting worker may receive one already). */
let deployments: Promise<void> = Promise.resolve();
function applyDeployment(id: number, host: string, event: DeploymentData): void {
  deployments = deployments
    .then(() => started)
    .then(() => deployer.apply(host, event))
    .then(
      () => post({ type: 'deployment-done', id, error: undefined }),
      (error: unknown) => post({ type: 'deployment-done', id, error: errorToData(error) }),
    );
}

/**
 * Deployment changes at runtime are the main thread's (autoDeploy would otherwise unpack the same bundles
 * from several threads at once); a worker deploys what is there when it starts, then follows the main
 * thread's HostConfig (applyDeployment).
 */
function workerServiceConfig(config: ServiceConfig): ServiceConfig {
  return {
    ...config,
    connectors: config.connectors,
    engine: { ...config.engine, hosts: config.engine.hosts.map((host) => ({ ...host, autoDeploy: false })) },
  };
}

/** The same ConnectorAdapter (canonicalisation, mapping, pipelines, access log) the event-loop endpoint uses. */
function adapterFor(index: number): ConnectorAdapter {
  let adapter = adapters.get(index);
  if (adapter === undefined) {
    const config = service.config.connectors[index]!;
    adapter = new Connector(config, service, logger.child({ component: 'Connector' })).adapter;
    adapters.set(index, adapter);
  }
  return adapter;
}

async function serve(head: RequestMessage, on: WorkerConnection): Promise<void> {
  const body = bodies.open(head.id, head.bodyEnded);
  const exchange = createWorkerExchange(head, on, body, exchangeLink);
  current = exchange;
  try {
    await adapterFor(head.connector).service(exchange);
    if (!exchange.ended) await exchange.end();
  } catch (error) {
    logger.error(
      { err: error, code: 'SV_ERR_HTTP_SERVICE_FAILED', connectionId: exchange.connectionId },
      'Request failed in a worker thread',
    );
    if (!exchange.headersSent) exchange.writeHead(500, null, [['Content-Length', '0']]);
    if (!exchange.ended) await exchange.end().catch(() => exchange.abort());
  } finally {
    sessions.clear();
    bodies.close(body);
    current = null;
    post({ type: 'done', id: head.id });
  }
}

async function drainQueue(): Promise<void> {
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) await serve(next.head, next.connection);
  if (stopping) await shutdown();
}

let draining: Promise<void> | null = null;
function kick(): void {
  draining ??= drainQueue().finally(() => {
    draining = null;
    if (queue.length > 0) kick();
  });
}

async function shutdown(): Promise<void> {
  try {
    await service.stop();
    await service.destroy();
  } catch (error) {
    logger.error({ err: error }, 'Worker thread could not stop its container tree');
  }
  exitProcess(0);
}

port.on('message', (message: MainToWorker) => {
  switch (message.type) {
    case 'request':
      if (message.connection !== undefined) connection = new WorkerConnection(message.connection);
      // Cannot happen: the first request on every pin carries its connection. Failing loudly replaces the worker.
      if (connection === null) {
        reportContainerFault(
          logger,
          new ContainerError('SV_ERR_WORKER_REQUEST_WITHOUT_CONNECTION', { id: message.id, worker: channel.workerId }),
          'a broken worker thread, which ends',
        );
        exitProcess(1);
      }
      queue.push({ head: message, connection });
      kick();
      return;
    case 'ack':
      if (current?.id === message.id) current.onAck(message.bytes);
      return;
    case 'aborted':
      if (current?.id === message.id) current.onAborted();
      return;
    case 'deployment':
      applyDeployment(message.id, message.host, message.event);
      return;
    case 'stop':
      stopping = true;
      if (draining === null) void shutdown();
      return;
  }
});

const started = start();
started.then(
  () => post({ type: 'ready' }),
  (error: unknown) => {
    post({ type: 'start-failed', error: errorToData(error) });
    logger.error({ err: error }, 'Worker thread failed to start');
    setImmediate(() => exitProcess(1));
  },
);
