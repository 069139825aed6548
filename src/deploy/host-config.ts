/**
 * Deploys a Host's webapps and keeps them in step with the disk (Tomcat's HostConfig, reference §5): server.xml
 * Contexts, then descriptors in conf/<Engine>/<Host>/, then bundles (.war/.zip) and directories in the appBase.
 * check() runs on the Host's periodic event and applies the redeploy / reload / undeploy table. A webapp that
 * fails is logged with its file and cause and retried when its files change; the others keep serving.
 * Versions of one path (`app##1`, `app##2`) run side by side (parallel deployment); with undeployOldVersions an
 * older version is removed once it has no sessions left. With unpackWARs="false" a bundle is served straight from
 * the archive (its docBase is the bundle file; see archive-resources.ts): nothing is written to appBase or work/.
 * Long because the deployment rules are one table over three sources; unpacking, descriptors and file
 * tracking live in bundle-unpacker.ts, context-descriptors.ts and deploy-files.ts.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, extname, isAbsolute, join, resolve } from 'node:path';
import type { Logger } from 'pino';
import type { ConfigEnvironment } from '../config/server-xml-loader.js';
import { configPattern } from '../config/config-pattern.js';
import type { ComponentConfig, ContextElementConfig, ManagerConfig, RealmConfig } from '../config/server-config.js';
import type { Realm, RealmPolicy } from '../realm/realm.js';
import { AUTHENTICATOR_VALVES } from '../security/webapp-security.js';
import { Context, type ContextRegistry } from '../core/context.js';
import type { Host } from '../core/host.js';
import type { AnyValve } from '../core/pipeline.js';
import type { LifecycleListener } from '../lifecycle/lifecycle-base.js';
import type { SessionManager } from '../session/session-manager.js';
import { StandardManager, type SessionPersistence } from '../session/standard-manager.js';
import type { SessionTypes } from '../session/session-format.js';
import { PRINCIPAL_NOTE } from '../security/authenticator-valve.js';
import { checkServedBundle, expandBundle, readFromBundle } from './bundle-docbase.js';
import { unpackLimitsOf, type UnpackLimits } from './bundle-unpacker.js';
import { ContextConfig } from './context-config.js';
import { layerDescriptor, layerDescriptorSource, layeredDescriptors } from './context-descriptors.js';
import { contextNameFromBaseName } from './context-name.js';
import { classesFingerprint, isDirectory, isFile, mtimeOf } from './deploy-files.js';

/** Makes the components a Context's descriptor names by className (startup/component-factory.ts). */
export interface ContextComponentFactory {
  valve(component: ComponentConfig, logger: Logger): AnyValve;
  /** The Context's own `<Realm>` (its context.xml), with the policy attributes of the element; `context` is its name. */
  realm(config: RealmConfig, logger: Logger, context: string): { realm: Realm; policy: RealmPolicy };
  /** The listener's lifecycleEvent, or null when the class has none. */
  lifecycleListener(component: ComponentConfig): LifecycleListener | null;
}

export interface HostDeployerOptions {
  readonly env: ConfigEnvironment;
  readonly registry: ContextRegistry;
  readonly contextConfig: ContextConfig;
  readonly jvmRoute: string | undefined;
  /** For the `<Valve>` and `<Listener>` elements of each Context's descriptors. */
  readonly components: ContextComponentFactory;
  /** Replaces the StandardManager of each Context (worker threads use a proxy to the main thread's Manager). */
  readonly createSessionManager?: (context: Context, sessionTimeoutMinutes: number | undefined) => SessionManager;
}

/**
 * A decision this HostConfig has carried out, for followers that keep their own copy of the Host's tree (the
 * worker threads of blocking-style connectors): they apply the same step to their tree, in the same order.
 * A redeploy is `redeploying` (old Context paused, still mapped), `undeployed`, `deployed`, `redeployed`.
 */
export type DeploymentEvent =
  | {
      readonly type: 'deployed';
      readonly name: string;
      readonly path: string;
      readonly docBase: string;
      readonly config: ContextElementConfig;
    }
  | { readonly type: 'undeployed' | 'reloaded' | 'redeploying' | 'redeployed'; readonly name: string };

/** Awaited before the deploy queue goes on, so a follower has caught up when check() resolves. */
export type DeploymentFollower = (host: Host, event: DeploymentEvent) => Promise<void>;

/** What a change to one tracked file does (the table of reference §5). */
interface Tracked {
  mtime: number | null;
  readonly onChange: 'redeploy' | 'reload' | 'none';
  readonly onDelete: 'undeploy' | 'redeploy' | 'none';
}

interface DeployedApp {
  readonly name: string;
  readonly source: 'server.xml' | 'descriptor' | 'bundle' | 'directory';
  context: Context | null;
  readonly resources: Map<string, Tracked>;
  /** WEB-INF/classes + lib fingerprint, checked when reloadable (or to retry a failed start). */
  classes: string;
  /** A bundle this HostConfig expanded (it owns the directory and deletes it on undeploy). */
  bundle: string | null;
  expandedDir: string | null;
}

const BUNDLE_EXTENSIONS = new Set(['.war', '.zip']);
/** Changes younger than this are left for the next check: the file may still be being written. */
const SETTLE_MS = 1000;

export class HostConfig {
  readonly #host: Host;
  readonly #options: HostDeployerOptions;
  readonly #apps = new Map<string, DeployedApp>();
  readonly #globals = new Map<string, number | null>();
  readonly #unpackLimits: UnpackLimits;
  /** Deploy work runs one piece at a time: startup, periodic checks and undeployAll never interleave. */
  #queue: Promise<void> = Promise.resolve();
  readonly #followers: DeploymentFollower[] = [];

  constructor(host: Host, options: HostDeployerOptions) {
    this.#host = host;
    this.#options = options;
    this.#unpackLimits = unpackLimitsOf(host.config);
  }

  /** The limits bundles are unpacked under (zip-bomb protection), from the Host's attributes. */
  get unpackLimits(): UnpackLimits {
    return this.#unpackLimits;
  }

  /** conf/<Engine>/<Host>: descriptors and context.xml.default. */
  get configBase(): string {
    return join(this.#options.env.catalinaBase, 'conf', this.#host.parent?.name ?? 'Catalina', this.#host.name);
  }

  get workDir(): string {
    return join(this.#options.env.catalinaBase, 'work', this.#host.parent?.name ?? 'Catalina', this.#host.name);
  }

  /** Every later deploy, undeploy and reload is also reported to `follower` (worker threads follow the main thread). */
  follow(follower: DeploymentFollower): void {
    this.#followers.push(follower);
  }

  async #notify(event: DeploymentEvent): Promise<void> {
    for (const follower of this.#followers) {
      try {
        await follower(this.#host, event);
      } catch (error) {
        this.#host.logger.error(
          { err: error, webapp: event.name },
          `A follower of ${this.#host.componentName} could not apply [${event.type}]`,
        );
      }
    }
  }

  /** The Context deployed under a base name (`ROOT`, `foo#bar`, `foo##2`), if any. */
  findContext(name: string): Context | null {
    return this.#apps.get(name)?.context ?? null;
  }

  /** Deploys everything at Host start when deployOnStartup is set (server.xml Contexts always deploy). */
  deployOnStartup(): Promise<void> {
    return this.#serialise(async () => {
      for (const file of this.#globalFiles()) this.#globals.set(file, mtimeOf(file));
      for (const config of this.#host.config.contexts) {
        const path = config.path ?? '';
        const name = path === '' ? 'ROOT' : path.slice(1).replaceAll('/', '#');
        const app = this.#newApp(name, 'server.xml');
        await this.#start(app, path, '', this.#resolveDocBase(config.docBase), this.#withDefaults(config));
      }
      if (!this.#host.config.deployOnStartup) return;
      if (!existsSync(this.#host.appBase)) {
        this.#host.logger.warn(`The appBase [${this.#host.appBase}] of ${this.#host.componentName} does not exist`);
        return;
      }
      await this.#deployApps(false);
    });
  }

  /**
   * One autoDeploy pass (the Host's periodic event): redeploy, reload or undeploy what changed, then deploy
   * what is new. Runs one at a time; never throws.
   */
  check(): Promise<void> {
    return this.#serialise(async () => {
      if (this.#host.state !== 'STARTED') return;
      const autoDeploy = this.#host.config.autoDeploy;
      if (autoDeploy && this.#globalsChanged()) {
        this.#host.logger.info('conf/context.xml or context.xml.default changed: redeploying every web application');
        for (const app of [...this.#apps.values()]) if (app.source !== 'server.xml') await this.#redeploy(app);
      }
      for (const app of [...this.#apps.values()]) await this.#checkApp(app, autoDeploy);
      // As in Tomcat, old versions are looked at only by an autoDeploy pass, before new files are deployed.
      if (autoDeploy && this.#host.config.undeployOldVersions) await this.#undeployOldVersions();
      if (autoDeploy && existsSync(this.#host.appBase)) await this.#deployApps(true);
    });
  }

  #serialise(work: () => Promise<void>): Promise<void> {
    const run = this.#queue.then(work).catch((error: unknown) => {
      this.#host.logger.error({ err: error }, `Deployment check of ${this.#host.componentName} failed`);
    });
    this.#queue = run;
    return run;
  }

  // --- scanning ---

  async #deployApps(running: boolean): Promise<void> {
    const appBase = this.#host.appBase;
    const ignore = this.#host.config.deployIgnore ? configPattern(this.#host.config.deployIgnore) : null;
    const ignored = (entry: string): boolean => entry.startsWith('.') || (ignore?.test(entry) ?? false);
    const settled = (file: string): boolean => !running || (mtimeOf(file) ?? 0) <= Date.now() - SETTLE_MS;

    // (1) descriptors in configBase
    if (existsSync(this.configBase)) {
      for (const entry of readdirSync(this.configBase).sort()) {
        const file = join(this.configBase, entry);
        if (extname(entry) !== '.xml' || ignored(entry) || !isFile(file)) continue;
        const name = entry.slice(0, -4);
        if (this.#apps.has(name) || !settled(file)) continue;
        await this.#deployDescriptor(name, file);
      }
    }
    const entries = readdirSync(appBase).sort();
    // (2) bundles in appBase
    for (const entry of entries) {
      const file = join(appBase, entry);
      if (!BUNDLE_EXTENSIONS.has(extname(entry).toLowerCase()) || ignored(entry) || !isFile(file)) continue;
      const name = entry.slice(0, -4);
      const existing = this.#apps.get(name);
      if (existing?.source === 'directory' && this.#host.config.unpackWARs && settled(file)) {
        // A bundle added beside its expanded directory replaces it (reference §5).
        this.#host.logger.info(`Bundle [${entry}] added beside directory [${name}]: the directory is replaced by the bundle's contents`);
        await this.#undeploy(existing, true);
        rmSync(join(appBase, name), { recursive: true, force: true });
      } else if (existing) {
        continue;
      }
      if (!settled(file)) continue;
      await this.#deployBundle(name, file);
    }
    // (3) directories in appBase
    for (const entry of entries) {
      const dir = join(appBase, entry);
      if (ignored(entry) || this.#apps.has(entry) || !isDirectory(dir)) continue;
      if (!this.#host.config.unpackWARs && [...BUNDLE_EXTENSIONS].some((ext) => isFile(join(appBase, entry + ext)))) {
        this.#host.logger.warn(`Directory [${entry}] is ignored: a bundle with the same name is deployed and unpackWARs is false`);
        continue;
      }
      await this.#deployDirectory(entry, dir);
    }
  }

  async #deployDescriptor(name: string, file: string): Promise<void> {
    const app = this.#newApp(name, 'descriptor');
    app.resources.set(file, { mtime: mtimeOf(file), onChange: 'redeploy', onDelete: 'undeploy' });
    let config: ContextElementConfig;
    try {
      config = layerDescriptor(this.#defaults(), file, this.#options.env, this.#host.logger);
    } catch (error) {
      this.#failed(name, file, error);
      return;
    }
    let docBase = config.docBase === '' ? null : this.#resolveDocBase(config.docBase);
    if (docBase === null) {
      const bundle = [...BUNDLE_EXTENSIONS].map((ext) => join(this.#host.appBase, name + ext)).find(isFile);
      docBase = bundle ?? join(this.#host.appBase, name);
    }
    if (BUNDLE_EXTENSIONS.has(extname(docBase).toLowerCase())) {
      // A descriptor beside a bundle: a changed bundle reloads instead of redeploying (reference §5).
      app.resources.set(docBase, { mtime: mtimeOf(docBase), onChange: 'reload', onDelete: 'undeploy' });
      const expanded = await this.#expand(app, docBase);
      if (expanded === null) return;
      docBase = expanded;
    } else {
      app.resources.set(docBase, { mtime: mtimeOf(docBase), onChange: 'none', onDelete: 'undeploy' });
    }
    await this.#startNamed(app, docBase, config);
  }

  async #deployBundle(name: string, file: string): Promise<void> {
    const app = this.#newApp(name, 'bundle');
    app.resources.set(file, { mtime: mtimeOf(file), onChange: 'redeploy', onDelete: 'undeploy' });
    const docBase = await this.#expand(app, file);
    if (docBase === null) return;
    const config = await this.#appDescriptor(app, docBase, false);
    if (config) await this.#startNamed(app, docBase, config);
  }

  async #deployDirectory(name: string, dir: string): Promise<void> {
    const app = this.#newApp(name, 'directory');
    app.resources.set(dir, { mtime: mtimeOf(dir), onChange: 'none', onDelete: 'undeploy' });
    const config = await this.#appDescriptor(app, dir, true);
    if (config) await this.#startNamed(app, dir, config);
  }

  /**
   * The defaults plus META-INF/context.xml when deployXML allows it; with copyXML the file is copied to
   * configBase, where it then wins (reference §5). Null when the descriptor is invalid (already logged).
   * From a bundle served without unpacking, the descriptor is read out of the archive.
   */
  async #appDescriptor(app: DeployedApp, docBase: string, track: boolean): Promise<ContextElementConfig | null> {
    const embedded = join(docBase, 'META-INF', 'context.xml');
    if (!this.#host.config.deployXML) return this.#defaults();
    const archive = isFile(docBase);
    let source: Buffer | null = null;
    if (archive) {
      try {
        source = await readFromBundle(docBase, '/META-INF/context.xml', this.#unpackLimits);
      } catch (error) {
        this.#failed(app.name, docBase, error);
        return null;
      }
      if (source === null) return this.#defaults();
    } else if (!existsSync(embedded)) {
      // Watched while absent (as Tomcat's HostConfig does): a META-INF/context.xml added later redeploys the app.
      if (track && !this.#host.config.copyXML) app.resources.set(embedded, { mtime: null, onChange: 'redeploy', onDelete: 'none' });
      return this.#defaults();
    }
    try {
      const config =
        source === null
          ? layerDescriptor(this.#defaults(), embedded, this.#options.env, this.#host.logger)
          : layerDescriptorSource(this.#defaults(), source.toString('utf8'), embedded, this.#options.env, this.#host.logger);
      if (this.#host.config.copyXML) {
        const copy = join(this.configBase, `${app.name}.xml`);
        mkdirSync(this.configBase, { recursive: true });
        if (source === null) copyFileSync(embedded, copy);
        else writeFileSync(copy, source);
        app.resources.set(copy, { mtime: mtimeOf(copy), onChange: 'redeploy', onDelete: 'redeploy' });
      } else if (track) {
        app.resources.set(embedded, { mtime: mtimeOf(embedded), onChange: 'redeploy', onDelete: 'redeploy' });
      }
      return config;
    } catch (error) {
      if (track) app.resources.set(embedded, { mtime: mtimeOf(embedded), onChange: 'redeploy', onDelete: 'redeploy' });
      this.#failed(app.name, embedded, error);
      return null;
    }
  }

  /**
   * The docBase a bundle deploys from (bundle-docbase.ts): with unpackWARs the directory it is expanded into,
   * appBase/<name>; without, the bundle itself. Null when the bundle is refused (logged; retried on change).
   */
  async #expand(app: DeployedApp, bundle: string): Promise<string | null> {
    const unpack = this.#host.config.unpackWARs;
    const docBase = unpack ? join(this.#host.appBase, app.name) : bundle;
    try {
      if (unpack) await expandBundle(bundle, docBase, this.#unpackLimits, this.#host.logger);
      else await checkServedBundle(bundle, join(this.workDir, app.name), this.#unpackLimits, this.#host.logger);
    } catch (error) {
      this.#failed(app.name, bundle, error);
      return null;
    }
    app.bundle = bundle;
    app.expandedDir = unpack ? docBase : null;
    if (unpack) app.resources.set(docBase, { mtime: mtimeOf(docBase), onChange: 'none', onDelete: 'redeploy' });
    return docBase;
  }

  // --- checking ---

  async #checkApp(app: DeployedApp, autoDeploy: boolean): Promise<void> {
    if (!this.#apps.has(app.name)) return;
    const now = Date.now();
    let action: 'redeploy' | 'reload' | 'undeploy' | null = null;
    let settling = false;
    if (autoDeploy) {
      for (const [file, tracked] of app.resources) {
        const mtime = mtimeOf(file);
        if (mtime === tracked.mtime) continue;
        if (mtime === null) {
          if (tracked.onDelete === 'none') continue;
          action = strongest(action, tracked.onDelete);
          this.#host.logger.info(`[${file}] was deleted: ${tracked.onDelete === 'undeploy' ? 'undeploying' : 'redeploying'} [${app.name}]`);
        } else if (tracked.onChange !== 'none') {
          if (mtime > now - SETTLE_MS) {
            settling = true;
            continue;
          }
          action = strongest(action, tracked.onChange);
          this.#host.logger.info(`[${file}] changed: ${tracked.onChange === 'redeploy' ? 'redeploying' : 'reloading'} [${app.name}]`);
        } else {
          tracked.mtime = mtime;
        }
      }
    }
    if (action === null && !settling && app.context && (app.context.config.reloadable || app.context.state !== 'STARTED')) {
      const classes = classesFingerprint(app.context.docBase);
      if (classes !== app.classes) {
        action = 'reload';
        this.#host.logger.info(`WEB-INF/classes or WEB-INF/lib of [${app.name}] changed: reloading`);
      }
    }
    if (settling || action === null) return;
    if (action === 'undeploy' && app.source !== 'server.xml') await this.#undeploy(app, true);
    // server.xml Contexts are never redeployed from files: their definition lives in server.xml.
    else if (app.source === 'server.xml') await this.#reload(app);
    else if (action === 'redeploy' || app.context === null) await this.#redeploy(app);
    else await this.#reload(app);
  }

  /** Destroys the Context and deploys again from its files; requests wait meanwhile (the old one is paused). */
  async #redeploy(app: DeployedApp): Promise<void> {
    const old = app.context;
    if (old?.state === 'STARTED') await old.pause();
    const host = this.#host;
    if (old) await this.#notify({ type: 'redeploying', name: app.name });
    await this.#undeploy(app, false);
    try {
      await this.#deployApps(false);
    } finally {
      if (old) await this.#notify({ type: 'redeployed', name: app.name });
      if (old) {
        // The paused Context kept its mapping for the waiting requests; the new one has replaced it, or, if it
        // failed, the stale one must go now (resume() unmaps a Context that did not come back).
        old.parent = host;
        old.resume();
        old.parent = null;
      }
    }
  }

  /** Stops and starts the same Context (re-expanding a changed bundle first); requests wait meanwhile. */
  async #reload(app: DeployedApp): Promise<void> {
    const context = app.context;
    if (!context) {
      await this.#redeploy(app);
      return;
    }
    await context.pause();
    try {
      // A changed bundle is expanded again, or (served from the archive) checked again; the reload reopens it.
      if (app.bundle && existsSync(app.bundle)) {
        if ((await this.#expand(app, app.bundle)) === null) return;
      }
      await context.reload();
      this.#reportFailure(app, context);
    } finally {
      context.resume();
      this.#snapshot(app);
    }
    await this.#notify({ type: 'reloaded', name: app.name });
  }

  /**
   * undeployOldVersions (reference §5): a version older than a running newer version of the same path is
   * undeployed once its Manager holds no session, and its files in appBase and configBase are deleted so the
   * next scan does not bring it back (Tomcat's HostConfig.checkUndeploy does the same).
   */
  async #undeployOldVersions(): Promise<void> {
    const byPath = new Map<string, { app: DeployedApp; version: string }[]>();
    for (const app of this.#apps.values()) {
      if (app.source === 'server.xml') continue;
      const name = contextNameFromBaseName(app.name);
      const list = byPath.get(name.path) ?? [];
      list.push({ app, version: name.version });
      byPath.set(name.path, list);
    }
    for (const versions of byPath.values()) {
      if (versions.length < 2) continue;
      // Plain string order, as the Mapper orders versions: `app` < `app##11` < `app##2`.
      versions.sort((a, b) => (a.version < b.version ? -1 : a.version > b.version ? 1 : 0));
      const newest = versions[versions.length - 1]!.app;
      if (newest.context?.state !== 'STARTED') continue;
      for (const { app } of versions.slice(0, -1)) {
        const context = app.context;
        if (context !== null && context.state === 'STARTED' && context.sessionManager.getActiveSessionCount() > 0) continue;
        const path = contextNameFromBaseName(app.name).path || '/';
        this.#host.logger.info(
          `Undeploying old version [${app.name}] of [${path}]: it has no sessions left and [${newest.name}] is running`,
        );
        await this.#undeploy(app, false);
        this.#deleteOwnedFiles(app);
      }
    }
  }

  /**
   * Deletes what an app was deployed from: its bundle, directory and descriptor, which sit directly in appBase
   * or configBase (and its scratch copy in the work directory). Anything elsewhere (an external docBase) is
   * never touched; files inside the app's directory go with it.
   */
  #deleteOwnedFiles(app: DeployedApp): void {
    const roots = [resolve(this.#host.appBase), resolve(this.configBase), resolve(this.workDir)];
    const files = new Set([...app.resources.keys(), ...(app.bundle ? [app.bundle] : []), ...(app.expandedDir ? [app.expandedDir] : [])]);
    for (const file of files) {
      if (roots.includes(dirname(resolve(file)))) rmSync(file, { recursive: true, force: true });
    }
  }

  /** Removes the app; `deleteExpanded` also deletes a directory this HostConfig expanded from a bundle. */
  async #undeploy(app: DeployedApp, deleteExpanded: boolean): Promise<void> {
    this.#apps.delete(app.name);
    if (app.context) {
      await this.#host.removeChild(app.context);
      this.#host.logger.info(`Undeployed web application [${app.context.path || '/'}] ([${app.name}])`);
      await this.#notify({ type: 'undeployed', name: app.name });
    }
    // Its work directory goes with it, as Tomcat's does: sessions saved at its stop must not return with a later app of that name.
    rmSync(join(this.workDir, app.name), { recursive: true, force: true });
    if (deleteExpanded && app.expandedDir && app.bundle && !existsSync(app.bundle)) {
      rmSync(app.expandedDir, { recursive: true, force: true });
    }
  }

  // --- starting ---

  async #startNamed(app: DeployedApp, docBase: string, config: ContextElementConfig): Promise<void> {
    const name = contextNameFromBaseName(app.name);
    await this.#start(app, name.path, name.version, docBase, config);
  }

  async #start(app: DeployedApp, path: string, version: string, docBase: string, config: ContextElementConfig): Promise<void> {
    const taken = this.#host.findChildren().find((c) => c instanceof Context && c.name === app.name);
    if (taken) {
      this.#host.logger.warn(`[${docBase}] is not deployed: [${app.name}] is already used by ${taken.componentName}`);
      this.#apps.delete(app.name);
      return;
    }
    const contextConfig = this.#options.contextConfig;
    const context = new Context({
      path,
      baseName: app.name,
      docBase: resolve(docBase),
      config,
      logger: this.#host.logger.child({ context: (path || '/') + (version ? `##${version}` : '') }),
      registry: this.#options.registry,
      configure: (c) => contextConfig.configure(c),
      deconfigure: (c) => contextConfig.deconfigure(c),
      createSessionManager: (c, definition) =>
        this.#options.createSessionManager?.(c, definition.sessionTimeoutMinutes) ??
        new StandardManager({
          servletContext: c.servletContext,
          ...(this.#options.jvmRoute ? { jvmRoute: this.#options.jvmRoute } : {}),
          sessionTimeoutMinutes: definition.sessionTimeoutMinutes,
          maxActiveSessions: config.manager.maxActiveSessions,
          processExpiresFrequency: config.manager.processExpiresFrequency,
          persistence: sessionPersistence(config.manager, join(this.workDir, app.name), c.sessionTypes),
          // The authenticator hears of ended sessions: a logout by invalidation ends a single sign-on.
          listeners: () => [...c.applicationListeners, definition.authenticator],
          logger: c.logger,
        }),
    });
    // The Context's own <Valve> and <Listener> elements (server.xml, conf/context.xml, its descriptor), in
    // document order and before it starts: its pipeline runs the valves ahead of its basic valve, as
    // StandardContext does. A className that cannot be loaded fails this deployment with the file and line.
    try {
      if (config.realm !== undefined) {
        const { realm, policy } = this.#options.components.realm(config.realm, context.logger, context.name);
        context.setRealm(realm, policy);
      }
      for (const valve of config.valves) {
        // An authenticator valve configures the Context's authenticator (ContextConfig), which joins the pipeline itself.
        if (AUTHENTICATOR_VALVES.has(valve.className)) continue;
        context.pipeline.addValve(this.#options.components.valve(valve, context.logger));
      }
      for (const listener of config.listeners) {
        const onEvent = this.#options.components.lifecycleListener(listener);
        if (onEvent !== null) context.addLifecycleListener(onEvent);
      }
    } catch (error) {
      this.#failed(app.name, config.location.file, error);
      return;
    }
    app.context = context;
    const archive = isFile(docBase);
    for (const watched of config.watchedResources) {
      // Inside a bundle served from the archive nothing can change on its own: the bundle itself is tracked.
      if (archive && !isAbsolute(watched)) continue;
      const file = isAbsolute(watched) ? watched : join(docBase, watched);
      if (!app.resources.has(file)) app.resources.set(file, { mtime: mtimeOf(file), onChange: 'reload', onDelete: 'none' });
    }
    app.classes = classesFingerprint(docBase);
    const started = Date.now();
    await this.#host.addChild(context);
    if (context.state === 'STARTED') {
      this.#host.logger.info(`Deployed web application [${path || '/'}] from [${docBase}] in [${Date.now() - started}] ms`);
    } else {
      this.#reportFailure(app, context);
    }
    await this.#notify({ type: 'deployed', name: app.name, path, docBase: context.docBase, config });
  }

  #reportFailure(app: DeployedApp, context: Context): void {
    if (context.state === 'STARTED') return;
    this.#host.logger.error(
      { code: 'SV_ERR_DEPLOY_FAILED', webapp: app.name },
      `Web application [${app.name}] from [${context.docBase}] is FAILED: ${context.failure ?? 'see the error above'}; it is retried when its files change`,
    );
  }

  #failed(name: string, file: string, error: unknown): void {
    this.#host.logger.error(
      { err: error, code: 'SV_ERR_DEPLOY_FAILED', webapp: name },
      `Web application [${name}] from [${file}] was not deployed: ${error instanceof Error ? error.message : String(error)}; it is retried when the file changes`,
    );
  }

  #newApp(name: string, source: DeployedApp['source']): DeployedApp {
    const app: DeployedApp = { name, source, context: null, resources: new Map(), classes: '', bundle: null, expandedDir: null };
    this.#apps.set(name, app);
    return app;
  }

  /** Re-reads every tracked mtime (after a reload the files as they are now are the new baseline). */
  #snapshot(app: DeployedApp): void {
    for (const [file, tracked] of app.resources) tracked.mtime = mtimeOf(file);
    if (app.context) app.classes = classesFingerprint(app.context.docBase);
  }

  // --- defaults ---

  #globalFiles(): string[] {
    return [join(this.#options.env.catalinaBase, 'conf', 'context.xml'), join(this.configBase, 'context.xml.default')];
  }

  #globalsChanged(): boolean {
    let changed = false;
    for (const file of this.#globalFiles()) {
      const mtime = mtimeOf(file);
      if (mtime !== this.#globals.get(file) && (mtime === null || mtime <= Date.now() - SETTLE_MS)) {
        this.#globals.set(file, mtime);
        changed = true;
      }
    }
    return changed;
  }

  /** conf/context.xml, then context.xml.default, over the attribute table's defaults. */
  #defaults(): ContextElementConfig {
    return layeredDescriptors(this.#globalFiles(), this.#options.env, this.#host.logger);
  }

  /** A server.xml Context gets the defaults' nested elements too (its own attributes win). */
  #withDefaults(config: ContextElementConfig): ContextElementConfig {
    try {
      const defaults = this.#defaults();
      return {
        ...config,
        parameters: [...defaults.parameters, ...config.parameters],
        environments: [...defaults.environments, ...config.environments],
        watchedResources: [...new Set([...defaults.watchedResources, ...config.watchedResources])],
      };
    } catch (error) {
      this.#host.logger.error({ err: error }, 'conf/context.xml or context.xml.default is invalid; its defaults are not applied');
      return config;
    }
  }

  #resolveDocBase(docBase: string): string {
    return isAbsolute(docBase) ? docBase : join(this.#host.appBase, docBase);
  }
}

function strongest<T extends 'redeploy' | 'reload' | 'undeploy'>(current: T | null, next: T): T {
  const rank = { reload: 1, redeploy: 2, undeploy: 3 } as const;
  return current === null || rank[next] > rank[current] ? next : current;
}

/** What a Context's StandardManager saves of its sessions, from its `<Manager>` (pathname relative to the work directory). */
function sessionPersistence(manager: ManagerConfig, workDir: string, types: SessionTypes): SessionPersistence {
  const { pathname, sessionAttributeNameFilter, sessionAttributeValueClassNameFilter } = manager;
  return {
    file: pathname === '' ? null : resolve(workDir, pathname),
    types,
    nameFilter: sessionAttributeNameFilter === undefined ? null : configPattern(sessionAttributeNameFilter),
    classFilter: sessionAttributeValueClassNameFilter === undefined ? null : configPattern(sessionAttributeValueClassNameFilter),
    warnOnFilter: manager.warnOnSessionAttributeFilterFailure,
    notes: new Set(manager.persistAuthentication ? [PRINCIPAL_NOTE] : []),
  };
}
