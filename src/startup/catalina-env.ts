/** Resolves CATALINA_HOME, CATALINA_BASE and the derived paths the way bin/catalina.sh does. */
import path from 'node:path';
import { PACKAGE_ROOT } from '../version/version.js';

export interface CatalinaEnv {
  /** The install: bin/, dist/, the shipped conf/ defaults. */
  readonly catalinaHome: string;
  /** The instance: conf/, logs/, webapps/, work/, temp/. Defaults to catalinaHome. */
  readonly catalinaBase: string;
  /** Where `start` records the server's pid; undefined when CATALINA_PID is not set. */
  readonly catalinaPid?: string;
  /** Where `start` sends the server's stdout and stderr. */
  readonly catalinaOut: string;
  readonly catalinaTmpdir: string;
  /** server.xml: `-config <file>` or `$CATALINA_BASE/conf/server.xml`. */
  readonly configFile: string;
}

export interface CatalinaEnvOptions {
  /** The `-config` option; a relative path is resolved against CATALINA_BASE, as Tomcat's Catalina does. */
  readonly config?: string | undefined;
  /** Directory relative environment values are resolved against (default: the current directory). */
  readonly cwd?: string | undefined;
}

export function resolveCatalinaEnv(env: NodeJS.ProcessEnv = process.env, options: CatalinaEnvOptions = {}): CatalinaEnv {
  const cwd = options.cwd ?? process.cwd();
  // catalina.sh treats an empty variable as unset.
  const read = (name: string): string | undefined => {
    const value = env[name];
    return value === undefined || value.trim() === '' ? undefined : path.resolve(cwd, value);
  };
  const catalinaHome = read('CATALINA_HOME') ?? PACKAGE_ROOT;
  const catalinaBase = read('CATALINA_BASE') ?? catalinaHome;
  const catalinaPid = read('CATALINA_PID');
  const config = options.config !== undefined && options.config !== '' ? options.config : undefined;
  return {
    catalinaHome,
    catalinaBase,
    ...(catalinaPid === undefined ? {} : { catalinaPid }),
    catalinaOut: read('CATALINA_OUT') ?? path.join(catalinaBase, 'logs', 'catalina.out'),
    catalinaTmpdir: read('CATALINA_TMPDIR') ?? path.join(catalinaBase, 'temp'),
    configFile: config === undefined ? path.join(catalinaBase, 'conf', 'server.xml') : path.resolve(catalinaBase, config),
  };
}
